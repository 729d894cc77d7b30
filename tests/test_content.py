"""The knowledge base: every answer short, well-formed, safe, and reachable."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from skill.build.model import build_models
from skill.content import ContentError, Entry, get_content, load_content
from skill.speech import EMERGENCY, LIST_PAGE, Answer, Speaker, to_ssml
from tests.conftest import edit

CONTENT = get_content()
LOCALES = tuple(CONTENT.messages.locales)
ALL_IDS = [item.id for kind in CONTENT.kinds.values()
           for item in (*kind.entries, *([kind.overview] if kind.overview else []))]


def every_answer(item_id: str, locale: str = "en-US") -> list[Answer]:
    """The first answer and every continuation a person can reach by saying "more"."""
    speak = Speaker(CONTENT, locale)
    answers = [speak.tip(CONTENT.get(item_id))] if CONTENT.get(item_id).kind == "tip" else [
        speak.answer(item_id)]
    while (follow := speak.follow_up(answers[-1].follow_up)) is not None:
        answers.append(follow)
    return answers


@pytest.mark.parametrize("item_id", ALL_IDS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_answer_is_short_and_valid_ssml(item_id, locale):
    for answer in every_answer(item_id, locale):
        assert len(answer.speech.split()) < 90, answer.speech
        ssml = f"<speak>{to_ssml(answer.speech, CONTENT.messages.acronyms)}</speak>"
        assert len(ssml) < 8000
        ElementTree.fromstring(ssml)  # raises on malformed SSML
        # every answer keeps the conversation going, but the emergency one ends it
        assert answer.reprompt or item_id == EMERGENCY


@pytest.mark.parametrize("item_id", ALL_IDS)
def test_no_list_of_more_than_three_is_spoken_without_an_offer(item_id):
    item = CONTENT.get(item_id)
    pages = every_answer(item_id)
    if hasattr(item, "items"):
        assert len(pages) == -(-len(item.items) // LIST_PAGE)
        for page in pages[:-1]:
            assert "Want to hear" in page.speech


@pytest.mark.parametrize("kind", [k for k in CONTENT.kinds.values() if k.doctor_pointer],
                         ids=lambda k: k.name)
def test_condition_and_warning_answers_end_with_the_doctor(kind):
    pointer = CONTENT.messages.text("doctor_pointer")
    closings = {CONTENT.messages.text(key, count=count) for count in range(2, 20) for key in (
        "offer_more", "anything_else", "list_more_one", "list_more_many", "list_done")}
    for item in (*kind.entries, *([kind.overview] if kind.overview else [])):
        for answer in every_answer(item.id):
            before, _, after = answer.speech.rpartition(pointer)
            assert before, f"{item.id}: no doctor pointer in {answer.speech!r}"
            assert after.strip() in closings | {""}, f"{item.id}: {after!r} after the doctor"


@pytest.mark.parametrize("kind", [k for k in CONTENT.kinds.values() if k.emergency_first],
                         ids=lambda k: k.name)
@pytest.mark.parametrize("locale", LOCALES)
def test_warning_answers_open_with_the_emergency_line(kind, locale):
    emergency = CONTENT.messages.text("emergency", locale)
    speak = Speaker(CONTENT, locale)
    for item in (*kind.entries, kind.overview):
        assert speak.answer(item.id).speech.startswith(emergency)


def test_every_entry_is_reachable_by_an_utterance():
    """Slot kinds through their slot type; the rest through an intent's handler table."""
    from skill.handlers.topics import TOPIC_HANDLERS, FixedTopicHandler, TopicHandler

    model = build_models(CONTENT)["en-US"]["interactionModel"]["languageModel"]
    sampled_types = {slot["type"] for intent in model["intents"] for slot in intent.get("slots", [])
                     if any("{" + slot["name"] + "}" in s for s in intent["samples"])}
    in_model = {value["id"] for t in model["types"] if t["name"] in sampled_types
                for value in t["values"]}
    handled_intents = {i["name"] for i in model["intents"] if i["samples"]}
    fixed = {h.entry_id for h in TOPIC_HANDLERS
             if isinstance(h, FixedTopicHandler) and h.intent in handled_intents}
    slot_kinds = {h.kind for h in TOPIC_HANDLERS if isinstance(h, TopicHandler)}
    tips = {e.id for e in CONTENT.entries("tip")} if "DailyTipIntent" in handled_intents else set()
    for entry in CONTENT:
        assert entry.id in in_model | fixed | tips, f"no utterance reaches {entry.id}"
    for kind in slot_kinds:
        assert CONTENT.kinds[kind].overview, f"'{kind}' needs an overview for the slot-less ask"


def test_synonyms_are_unique_within_each_kind():
    for kind in CONTENT.kinds.values():
        said = [p.lower() for e in kind.entries for p in (e.name, *e.synonyms)]
        assert len(said) == len(set(said)), kind.name


def test_text_that_needs_escaping_is_escaped():
    ssml = to_ssml('Salt & water < "more" > ALS', ("ALS",))
    assert ssml == ('Salt &amp; water &lt; &quot;more&quot; &gt; '
                    '<say-as interpret-as="characters">ALS</say-as>')
    ElementTree.fromstring(f"<speak>{ssml}</speak>")


def test_acronyms_inside_words_are_left_alone():
    assert to_ssml("MSc and ALSO") == "MSc and ALSO"


# --- a broken file fails loudly, naming file, entry and line, and never half-loads ----------------

def test_a_missing_field_names_the_file_and_entry(content_copy):
    causes = content_copy / "causes.yaml"
    text = causes.read_text()
    start = text.index("  - id: caffeine")
    title = text.index("    title:", start)
    causes.write_text(text[:title] + text[text.index("\n", title) + 1:])
    with pytest.raises(ContentError, match=r"causes\.yaml:\d+: entry 'caffeine' missing field "
                                           r"'title'"):
        load_content(content_copy)


def test_a_duplicate_synonym_names_both_entries(content_copy):
    edit(content_copy / "causes.yaml", "synonyms: [", "synonyms: [coffee, ")
    with pytest.raises(ContentError, match=r"causes\.yaml: entry '\w+': 'coffee' is already said"):
        load_content(content_copy)


def test_an_unknown_field_is_an_error(content_copy):
    edit(content_copy / "tests.yaml", "    title:", "    tittle: typo\n    title:")
    with pytest.raises(ContentError, match="unknown field 'tittle'"):
        load_content(content_copy)


def test_broken_yaml_names_the_file_and_line(content_copy):
    (content_copy / "about.yaml").write_text("kind: about\nentries:\n  - id: [unclosed\n")
    with pytest.raises(ContentError, match=r"about\.yaml:\d+: not valid YAML"):
        load_content(content_copy)


def test_an_overview_listing_an_unknown_entry_is_an_error(content_copy):
    edit(content_copy / "causes.yaml", "items: [", "items: [gout, ")
    with pytest.raises(ContentError, match="lists 'gout'"):
        load_content(content_copy)


def test_an_id_used_twice_across_files_is_an_error(content_copy):
    edit(content_copy / "about.yaml", "id: serious", "id: caffeine")
    with pytest.raises(ContentError,
                       match=r"causes\.yaml: entry 'caffeine': id already used in about\.yaml"):
        load_content(content_copy)


def test_a_message_with_a_broken_placeholder_is_an_error(content_copy):
    edit(content_copy / "messages.yaml", "Take care. Goodbye.", "Take care {1 2}.")
    with pytest.raises(ContentError, match="bad placeholder"):
        load_content(content_copy)


def test_find_ignores_case_and_spacing():
    entry = CONTENT.find("cause", "  Energy   Drinks ")
    assert isinstance(entry, Entry) and entry.id == "caffeine"
