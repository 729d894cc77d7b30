"""Screens: an Echo Show sees each answer (title, key points, a fitting background); an Echo Dot
gets nothing APL-specific; every topic and tip answer sends a card to the Alexa app.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.directive import Directive

from skill.content import Overview, get_content
from skill.screens import (
    ANSWER_DOCUMENT,
    APL_DIR,
    DATASOURCE,
    LIST_DOCUMENT,
    apl_version,
    document_version,
    key_points,
    load_document,
    load_themes,
    render_directive,
    renders_on,
    screen_for,
    theme_for,
)
from skill.simulator.envelope import DEVICES
from skill.speech import Answer, Speaker
from tests.conftest import FIXTURES, Reply, load_fixture

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ANSWER_DOCUMENT, LIST_DOCUMENT]
_EXPRESSION = re.compile(r"\$\{([^}]*)\}")
_PATH = re.compile(r"\b(screen|data)((?:\.[A-Za-z_]\w*)*)")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def every_item_id() -> list[str]:
    content = get_content()
    ids = []
    for kind in content.kinds.values():
        ids += [entry.id for entry in kind.entries]
        if kind.overview:
            ids.append(kind.overview.id)
    return ids


def first_answer(item_id: str, locale: str = "en-US") -> tuple[Answer, Speaker]:
    speak = Speaker(get_content(), locale)
    item = get_content().get(item_id)
    answer = speak.tip(item) if item.kind == "tip" else speak.answer(item_id)
    return answer, speak


def render(reply: Reply) -> dict[str, Any]:
    """The one RenderDocument directive of a reply."""
    (directive,) = reply.directives
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    return directive


def strings(node: Any):
    """Every string value in a document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for child in node:
            yield from strings(child)
    elif isinstance(node, dict):
        for child in node.values():
            yield from strings(child)


def references(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(root, dotted path) for every ${screen...} and ${data...} the document reads."""
    found = set()
    for text in strings(document["mainTemplate"]):
        for expression in _EXPRESSION.findall(text):
            found.update((root, path.lstrip(".")) for root, path in _PATH.findall(expression))
    return found


def resolve(value: Any, path: str) -> Any:
    for part in filter(None, path.split(".")):
        assert isinstance(value, dict) and part in value, f"no '{part}' in {value!r}"
        value = value[part]
    return value


# --- the documents are valid APL, kept as files ----------------------------------------------

# Features the documents use that came after APL 1.0, with the release that brought each one
# (Amazon's APL reference: the Frame page for "APL 1.6 to 2023.2" has no `background`).
FEATURE_VERSIONS = {("Frame", "background"): "2023.3"}


def components(node: Any):
    """Every component (a dict with a "type") in a document's layout and styles."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            yield node
        for child in node.values():
            yield from components(child)
    elif isinstance(node, list):
        for child in node:
            yield from components(child)


def features_used(document: dict[str, Any]) -> set[tuple[str, str]]:
    used = {(c["type"], key) for c in components(document["mainTemplate"]) for key in c}
    # a style applies to any component that names it; list.json's row style is for a Frame
    used |= {("Frame", key) for style in document.get("styles", {}).values()
             for block in style.get("values", []) for key in block}
    return used


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_an_apl_file_for_the_oldest_version_its_features_allow(name):
    document = json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert document["type"] == "APL"
    needed = max((FEATURE_VERSIONS[f] for f in features_used(document) if f in FEATURE_VERSIONS),
                 key=apl_version, default="1.0")
    assert document["version"] == needed == document_version(name)
    show = DEVICES["echo-show"]["supportedInterfaces"]["Alexa.Presentation.APL"]
    assert apl_version(document["version"]) <= apl_version(show["runtime"]["maxVersion"])
    assert document["mainTemplate"]["parameters"] == [DATASOURCE]
    assert document["mainTemplate"]["items"]


def test_apl_versions_compare_in_release_order():
    releases = ["1.0", "1.1", "1.9", "2022.1", "2022.2", "2023.1", "2023.3", "2024.1", "2024.2"]
    assert sorted(releases, key=apl_version) == releases
    assert apl_version("2023.10") > apl_version("2023.9")
    for nonsense in (None, "", "2024", "latest", "2024.2.1", "v1.2", 2024.2):
        assert apl_version(nonsense) is None


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_resource_and_style_a_document_names_is_defined(name):
    document = load_document(name)
    defined = {key for block in document.get("resources", [])
               for group in ("colors", "dimensions") for key in block.get(group, {})}
    for text in strings(document["mainTemplate"]):
        for resource in re.findall(r"@(\w+)", text):
            assert resource in defined, f"{name}.json uses @{resource}, never defined"
    for style in document.get("styles", {}).values():
        for text in strings(style):
            for resource in re.findall(r"@(\w+)", text):
                assert resource in defined
    used_styles = set(strings(document["mainTemplate"])) & set(
        document.get("styles", {}))
    assert used_styles == set(document.get("styles", {})), "a style is defined but unused"


@pytest.mark.parametrize("item_id", every_item_id())
def test_every_value_a_document_reads_is_in_the_data_sent_for_every_answer(item_id):
    answer, speak = first_answer(item_id)
    screen = screen_for(answer, speak)
    assert screen is not None
    document = load_document(screen.document)
    assert list(screen.datasources) == document["mainTemplate"]["parameters"]
    data = screen.datasources[DATASOURCE]
    refs = references(document)
    assert refs, "the document reads no data"
    for root, path in refs:
        if root == "screen":
            resolve(data, path)
    rows = data.get("points") or data.get("items")
    assert rows, "nothing to list on the screen"
    for row in rows:
        for root, path in refs:
            if root == "data":
                assert resolve(row, path) is not None


def test_what_the_documents_read_is_exactly_what_is_sent():
    """No datasource field goes unused (dead data is how screens and content drift apart)."""
    for item_id, name in (("caffeine", ANSWER_DOCUMENT), ("causes", LIST_DOCUMENT)):
        answer, speak = first_answer(item_id)
        data = screen_for(answer, speak).datasources[DATASOURCE]
        read = {path.split(".")[0] for root, path in references(load_document(name))
                if root == "screen"}
        assert read == set(data)


def test_themes_give_every_content_kind_a_background():
    themes = load_themes()
    assert themes["default"] in themes["themes"]
    for kind in get_content().kinds:
        assert kind in themes["kinds"], f"kind '{kind}' has no theme"
        assert themes["kinds"][kind] in themes["themes"]
    for theme in themes["themes"].values():
        assert set(theme) == {"start", "end", "accent"}
        assert all(_HEX.match(colour) for colour in theme.values())


def test_the_background_fits_the_kind():
    assert theme_for("cause") == theme_for("about") == load_themes()["themes"]["calm"]
    assert theme_for("warning_sign") == load_themes()["themes"]["caution"]
    assert theme_for("habit") == theme_for("tip") == load_themes()["themes"]["care"]
    assert theme_for("a_kind_added_later") == load_themes()["themes"]["calm"]


# --- what a screen shows ---------------------------------------------------------------------

@pytest.mark.parametrize("item_id", every_item_id())
def test_a_screen_shows_the_whole_card_and_the_safety_lines_its_kind_needs(item_id):
    answer, speak = first_answer(item_id)
    content = get_content()
    item, kind = content.get(item_id), content.kind_of(item_id)
    data = screen_for(answer, speak).datasources[DATASOURCE]
    assert data["title"] == answer.title
    if isinstance(item, Overview):
        assert [row["id"] for row in data["items"]] == list(item.items)
        assert [row["title"] for row in data["items"]] == [content.get(i).title
                                                           for i in item.items]
        assert item.card.startswith(data["intro"])
    else:
        assert " ".join(data["points"]) == item.card  # no sentence dropped, "see a doctor" kept
    assert (data["emergency"] != "") == kind.emergency_first
    doctor = kind.doctor_pointer and not content.is_emergency(item_id)  # call now: no routine line
    assert data["footer"] == speak.say("doctor_pointer" if doctor else "screen_footer")


def test_key_points_are_the_cards_sentences():
    assert key_points("One thing. Two things! Three? Four.") == [
        "One thing.", "Two things!", "Three?", "Four."]
    assert key_points("Aim for 8 glasses, e.g. 2 litres.") == ["Aim for 8 glasses, e.g. 2 litres."]
    assert key_points("") == []


def test_the_skills_own_lines_and_stale_topics_get_no_screen():
    speak = Speaker(get_content())
    assert screen_for(speak.message("welcome"), speak) is None
    assert screen_for(speak.not_covered("cause", "gout"), speak) is None
    stale = Answer("Old words.", None, title="Old", card="Old card.", topic="no_such_entry")
    assert screen_for(stale, speak) is None


def test_the_directive_round_trips_through_the_sdk_model():
    answer, speak = first_answer("emergency")
    directive = render_directive(screen_for(answer, speak))
    serializer = DefaultSerializer()
    payload = serializer.serialize(directive)
    assert payload["type"] == "Alexa.Presentation.APL.RenderDocument"
    back = serializer.deserialize(json.dumps(payload), Directive)
    assert back == directive
    assert load_document(ANSWER_DOCUMENT) == json.loads(
        (APL_DIR / "answer.json").read_text(encoding="utf-8")), "the cached document changed"


def test_documents_are_read_once_per_process():
    load_document.cache_clear()
    for _ in range(3):
        load_document(ANSWER_DOCUMENT)
    assert load_document.cache_info().misses == 1


def test_a_voice_only_request_never_loads_the_apl_model():
    code = ("import json, sys; from skill.app import lambda_handler; "
            "lambda_handler(json.load(open('tests/fixtures/cause_coffee.json')), None); "
            "print(any(m.startswith('ask_sdk_model.interfaces.alexa.presentation.apl') "
            "for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={**os.environ, "STATE_PATH": "none"})
    assert result.stdout.strip() == "False"


# --- Echo Show replies ------------------------------------------------------------------------

@pytest.mark.parametrize(("fixture", "document", "title", "theme"), [
    ("screen_body_part_eye", "answer", "Eyelid Twitching", "calm"),
    ("screen_condition_ms", "answer", "Multiple Sclerosis", "calm"),
    ("screen_prevention_water", "answer", "Stay Hydrated", "care"),
    ("screen_daily_tip", "answer", "Today's tip", "care"),
    ("screen_warning_weakness", "answer", "Twitching With Weakness", "caution"),
    ("screen_emergency", "answer", "Call 911 Now", "caution"),
    ("screen_cause_overview", "list", "Common Causes of Twitching", "calm"),
    ("screen_warning_signs_overview_en_gb", "list", "When to See a Doctor", "caution"),
    ("echo_show_cause_coffee", "answer", "Caffeine and Stimulants", "calm"),
])
def test_an_echo_show_sees_the_answer(replay, fixture, document, title, theme):
    reply = replay(fixture)
    directive = render(reply)
    assert directive["token"] == f"muscle-twitch-guide.{document}"
    assert directive["document"] == load_document(document)
    data = directive["datasources"][DATASOURCE]
    assert data["title"] == title == reply.card["title"]
    assert data["theme"] == load_themes()["themes"][theme]
    assert reply.speech  # the screen adds to the spoken answer, never replaces it


@pytest.mark.parametrize(("fixture", "number"), [
    ("screen_emergency", "911"),
    ("screen_warning_weakness", "911"),
    ("screen_warning_signs_overview_en_gb", "999"),
])
def test_warning_screens_show_the_listeners_emergency_line_first(replay, fixture, number):
    data = render(replay(fixture))["datasources"][DATASOURCE]
    assert f"call {number} now" in data["emergency"]
    if fixture == "screen_emergency":  # the emergency has no routine doctor line, shown or said
        assert data["footer"] == get_content().messages.text("screen_footer")
    else:
        assert data["footer"].startswith("For advice about your own symptoms")


@pytest.mark.parametrize("fixture", ["screen_launch", "screen_help",
                                     "screen_condition_gout_no_match"])
def test_an_echo_show_gets_no_screen_for_the_skills_own_lines(replay, fixture):
    reply = replay(fixture)
    assert reply.speech
    assert reply.directives == []


def test_a_touched_list_row_is_answered_with_its_screen(replay):
    reply = replay("screen_touch_caffeine")
    assert reply.speech.startswith("Too much caffeine can trigger twitching.")
    assert reply.card["title"] == "Caffeine and Stimulants"
    assert render(reply)["datasources"][DATASOURCE]["title"] == "Caffeine and Stimulants"
    assert reply.attributes["topic"] == "caffeine"


def test_a_touch_the_skill_did_not_send_gets_a_graceful_answer(replay):
    reply = replay("screen_touch_unknown")
    assert reply.speech.startswith("Sorry, I didn't catch a question about twitching")
    assert reply.ends_session is False
    assert reply.directives == []


def test_repeat_on_an_echo_show_shows_the_answer_again(replay):
    reply = replay("screen_repeat_after_answer")
    assert render(reply)["datasources"][DATASOURCE]["title"] == "Multiple Sclerosis"


def test_a_stale_topic_on_an_echo_show_is_spoken_without_a_screen(replay):
    stale = {"speech": "Old words.", "reprompt": "Anything else?", "title": "Old",
             "card": "Old card.", "topic": "no_such_entry"}
    reply = replay("screen_repeat_after_answer", last_answer=stale)
    assert reply.speech == "Old words."
    assert reply.directives == []


# --- only what the device's APL runtime can render --------------------------------------------

def with_runtime(fixture: str, runtime: dict[str, Any] | None) -> dict[str, Any]:
    """An Echo Show request whose APL interface reports `runtime` (None: no runtime at all)."""
    envelope = load_fixture(fixture)
    interfaces = envelope["context"]["System"]["device"]["supportedInterfaces"]
    interfaces["Alexa.Presentation.APL"] = {} if runtime is None else {"runtime": runtime}
    return envelope


@pytest.mark.parametrize(("runtime", "shown"), [
    ({"maxVersion": "2024.2"}, True),      # an Echo Show today
    ({"maxVersion": "2025.1"}, True),      # a newer runtime renders older documents
    ({"maxVersion": "2023.3"}, True),      # exactly the documents' version
    ({"maxVersion": "2023.2"}, False),     # one release too old for a Frame's gradient
    ({"maxVersion": "1.9"}, False),
    ({"maxVersion": "1.1"}, False),
    ({}, False),                           # a runtime that names no version
    (None, False),                         # an APL interface without a runtime
    ({"maxVersion": "newest"}, False),     # a version this skill cannot read
    ({"maxVersion": None}, False),
])
@pytest.mark.parametrize("fixture", ["screen_condition_ms", "screen_cause_overview"])
def test_a_screen_goes_only_to_a_runtime_that_renders_its_version(replay, fixture, runtime,
                                                                   shown):
    reply = replay(with_runtime(fixture, runtime))
    full = replay(fixture)
    assert (reply.speech, reply.card, reply.ends_session) == (full.speech, full.card,
                                                              full.ends_session)
    if shown:
        assert render(reply)["document"]["version"] == "2023.3"
    else:
        assert reply.directives == []
        assert "Alexa.Presentation" not in json.dumps(reply.envelope)


def test_renders_on_compares_the_documents_version_with_the_devices():
    answer, speak = first_answer("causes")
    screen = screen_for(answer, speak)
    version = document_version(screen.document)
    assert renders_on(screen, version)
    assert not renders_on(screen, "2023.2")
    assert not renders_on(screen, None)
    assert not renders_on(screen, "")


# --- devices without a screen, and cards -----------------------------------------------------

def _voice_only_fixtures() -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*.json")):
        envelope = json.loads(path.read_text(encoding="utf-8"))
        device = envelope.get("context", {}).get("System", {}).get("device", {})
        if "Alexa.Presentation.APL" not in device.get("supportedInterfaces", {}):
            names.append(path.stem)
    return names


@pytest.mark.parametrize("fixture", _voice_only_fixtures())
def test_a_device_without_apl_gets_nothing_apl_specific(replay, fixture):
    reply = replay(fixture)
    # Other directives are fine (the reminders permission ask is a Connections.SendRequest).
    assert [d for d in reply.directives if d["type"].startswith("Alexa.Presentation")] == []
    assert "Alexa.Presentation" not in json.dumps(reply.envelope)


def test_the_voice_only_fixtures_include_topics_tips_and_lists():
    names = set(_voice_only_fixtures())
    assert {"cause_coffee", "daily_tip", "cause_overview", "emergency"} <= names


@pytest.mark.parametrize("item_id", every_item_id())
def test_every_topic_and_tip_answer_has_a_card(item_id):
    answer, _ = first_answer(item_id)
    assert answer.title and answer.card


@pytest.mark.parametrize("fixture", ["cause_coffee", "daily_tip", "cause_overview",
                                     "screen_touch_caffeine", "screen_daily_tip"])
def test_the_card_reaches_the_alexa_app_on_every_device(replay, fixture):
    card = replay(fixture).card
    assert card["type"] == "Simple"
    assert card["title"] and card["content"]


def test_the_same_question_sounds_and_reads_the_same_with_or_without_a_screen(replay):
    show = replay("screen_body_part_eye")
    dot_envelope = load_fixture("screen_body_part_eye")
    dot_envelope["context"]["System"]["device"]["supportedInterfaces"] = {}
    del dot_envelope["context"]["Viewport"]
    dot = replay(dot_envelope)
    assert (show.speech, show.card, show.attributes) == (dot.speech, dot.card, dot.attributes)
    assert dot.directives == []
