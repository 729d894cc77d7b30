"""Whatever arrives, the person hears a proper answer and nothing they stored is lost.

Property-based: every recorded fixture, mutated at random (keys dropped at any depth, values of
the wrong type, huge and odd text, unknown intents and slots, a null session, garbage session
attributes), goes through the Lambda entry. The answer is always a valid Alexa response: speech
present (unless Alexa forbids it), SSML that parses with a <speak> root and stays under 8000
characters. A request too broken to dispatch gets the last-resort apology, and a warning is
logged. Meanwhile a record stored for the fixtures' user in a real SQLite store keeps its keys
and values, unless the skill itself asked the store to delete it (its "forget me" path).

Derandomized, with a fixed number of examples: the same cases on every run, bounded in time.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import skill.app as app
from skill.app import build_skill, last_resort_response
from skill.config import Settings
from skill.handlers.events import EVENT_TYPES
from skill.simulator.envelope import PLACEHOLDER_USER

from .conftest import FIXTURES, spoken

FIXTURE_NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))
EVENTS = {name: json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
          for name in FIXTURE_NAMES}
SSML_LIMIT = 8000

FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What a careless client, a hostile one, or a future Alexa might put anywhere in an envelope.
HUGE = "twitch " * 15_000  # 105,000 characters
ODD_TEXT = st.one_of(
    st.sampled_from([HUGE, "x" * 9000, "\x00", "nul\x00inside \x07\x1b[31m"]),
    st.sampled_from([
        "", " ", "\u200b\u200c\u200d\ufeff", "\u202eevil\u202c", "מה גורם לעוויתות",
        "لماذا ترتعش عيني", "😀🫨💪🏽👁️‍🗨️", "e\u0301\u0301", "\ud800 lone surrogate",
        "<speak>hi</speak>", "]]><x>", "&amp; &", '"quoted"', "{0}{heard}{missing}", "%s%n",
        "\\", "null", "AMAZON.StopIntent", "caffeine", "../../etc/passwd",
    ]),
    st.text(max_size=40),
)
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.none(), st.text(max_size=8)),
                    max_size=3),
    ODD_TEXT, st.text(max_size=40),
)
INTENT_NAMES = st.one_of(ODD_TEXT, st.text(max_size=30), st.sampled_from([
    "AMAZON.NoSuchIntent", "NoSuchIntent", "AMAZON.SearchQuery", "CauseIntent", "ConditionIntent",
    "AMAZON.YesIntent", "AMAZON.MoreIntent", "AMAZON.RepeatIntent", "DailyTipIntent",
]))
# Session attributes come back from the client: the skill's own keys, with anything in them.
FOLLOW_UP_GARBAGE = st.one_of(WRONG, st.fixed_dictionaries({"list": WRONG, "offset": WRONG}),
                              st.fixed_dictionaries({"more": st.one_of(WRONG, ODD_TEXT)}))
LAST_ANSWER_GARBAGE = st.one_of(WRONG, st.fixed_dictionaries({
    "speech": st.one_of(ODD_TEXT, WRONG), "reprompt": st.one_of(ODD_TEXT, WRONG),
    "title": st.one_of(ODD_TEXT, WRONG), "card": st.one_of(ODD_TEXT, WRONG),
    "follow_up": FOLLOW_UP_GARBAGE, "topic": WRONG,
}))
SESSION_GARBAGE = st.one_of(WRONG, st.fixed_dictionaries({
    "last_answer": LAST_ANSWER_GARBAGE, "follow_up": FOLLOW_UP_GARBAGE, "topic": WRONG,
}))
# Heavier weights on what reaches speech: text anywhere, and what a slot says it heard.
OPERATIONS = ["drop"] * 2 + ["retype"] * 2 + ["odd_text"] * 3 + ["slot_value"] * 3 + [
    "intent", "slot", "session_null", "attributes", "attributes"]


# --- mutations ------------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def paths(node: Any, here: Path_ = ()) -> Iterator[Path_]:
    """Every place in the tree: each dict key and list index, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*here, key)
            yield from paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*here, index)
            yield from paths(value, (*here, index))


def parent_of(root: Any, path: Path_) -> Any:
    node = root
    for step in path[:-1]:
        node = node[step]
    return node


def ensure_dict(root: dict[str, Any], *keys: str) -> dict[str, Any]:
    """root[k1][k2]... as a dict, replacing whatever non-dict a previous mutation left there."""
    node = root
    for key in keys:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    return node


@st.composite
def mutated_event(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(FIXTURE_NAMES))
    event = copy.deepcopy(EVENTS[name])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        operation = draw(st.sampled_from(OPERATIONS))
        places = list(paths(event))
        if operation == "odd_text":  # where the envelope has text
            places = [p for p in places if isinstance(parent_of(event, p)[p[-1]], str)]
        if operation in ("drop", "retype", "odd_text") and places:
            place = draw(st.sampled_from(places))
            parent = parent_of(event, place)
            if operation == "drop":
                del parent[place[-1]]
            elif operation == "retype":
                parent[place[-1]] = draw(WRONG)
            else:
                parent[place[-1]] = draw(ODD_TEXT)
        elif operation == "intent":
            ensure_dict(event, "request", "intent")["name"] = draw(INTENT_NAMES)
        elif operation == "slot":
            slots = ensure_dict(event, "request", "intent", "slots")
            slot_name = draw(st.one_of(ODD_TEXT, st.sampled_from(
                ["Cause", "Condition", "Test", "Treatment", "Habit", "BodyPart", "WarningSign"])))
            slots[slot_name] = draw(st.one_of(WRONG, st.fixed_dictionaries({
                "name": st.one_of(st.just(slot_name), WRONG), "value": st.one_of(ODD_TEXT, WRONG),
                "resolutions": st.one_of(WRONG, st.just({"resolutionsPerAuthority": [{
                    "authority": "x", "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "x", "id": draw(st.one_of(ODD_TEXT, WRONG))}}],
                }]})),
            })))
        elif operation == "slot_value":  # every slot the request has hears something odd
            slots = ensure_dict(event, "request", "intent", "slots")
            for slot_name in list(slots) or ["Cause"]:
                slot = slots[slot_name] if isinstance(slots.get(slot_name), dict) else {}
                slot["value"] = draw(ODD_TEXT)
                if draw(st.booleans()):
                    slot.pop("resolutions", None)
                slots[slot_name] = slot
        elif operation == "session_null":
            event["session"] = None
        else:
            ensure_dict(event, "session")["attributes"] = draw(SESSION_GARBAGE)
    return name, event


# --- what every answer must be --------------------------------------------------------------

def assert_speakable(speech: Any, where: str) -> None:
    assert isinstance(speech, dict), f"{where}: {speech!r}"
    assert speech.get("type") == "SSML", f"{where}: {speech!r}"
    ssml = speech.get("ssml")
    assert isinstance(ssml, str) and len(ssml) < SSML_LIMIT, f"{where}: {len(ssml or '')} chars"
    root = ElementTree.fromstring(ssml)  # raises on malformed SSML (and on XML-illegal chars)
    assert root.tag == "speak", where
    assert spoken(ssml), f"{where}: says nothing"


def assert_valid_response(result: Any, event: dict[str, Any]) -> None:
    assert isinstance(result, dict)
    json.dumps(result, allow_nan=False)  # what Lambda sends back must be plain JSON
    assert result.get("version") == "1.0"
    response = result.get("response")
    assert isinstance(response, dict)
    assert isinstance(response.get("shouldEndSession", False), bool | None)
    request = event.get("request") if isinstance(event, dict) else None
    request_type = request.get("type") if isinstance(request, dict) else None
    if request_type in EVENT_TYPES:   # an event nobody spoke: answered, never aloud
        assert "outputSpeech" not in response, f"speech in answer to {request_type}"
    elif "outputSpeech" in response:
        assert_speakable(response["outputSpeech"], "outputSpeech")
    elif request_type == "CanFulfillIntentRequest":  # Alexa's rule: a verdict, never speech
        verdict = response.get("canFulfillIntent")
        assert isinstance(verdict, dict) and verdict.get("canFulfill") in {"YES", "NO", "MAYBE"}
    else:  # only a session-end reply (or an event) may be silent: Alexa allows no speech there
        assert request_type == "SessionEndedRequest", f"silent reply to {request_type!r}"
    if response.get("reprompt") is not None:
        assert_speakable(response["reprompt"].get("outputSpeech"), "reprompt")
    card = response.get("card")
    if card is not None:  # text cards carry text; a permissions card carries permissions
        assert isinstance(card, dict) and isinstance(card.get("type"), str), card
        text = {"Simple": ("title", "content"), "Standard": ("title", "text")}.get(card["type"])
        assert all(isinstance(card.get(key), str) for key in text or ()), card
    attributes = result.get("sessionAttributes")
    assert attributes is None or isinstance(attributes, dict)


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# --- the store ------------------------------------------------------------------------------

CANARY = {"fuzz_canary": "stored before the fuzzing", "fuzz_nested": {"kept": [1, 2, 3]}}
DELETIONS: list[str] = []  # user ids the skill deleted on purpose (forget me, skill disabled)


def stored(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, attributes FROM users").fetchall()
    return {user: json.loads(attributes) for user, attributes in rows}


def seed(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO users (id, attributes) VALUES (?, ?) ON CONFLICT(id) DO UPDATE "
                   "SET attributes = excluded.attributes", (PLACEHOLDER_USER, json.dumps(CANARY)))


class OfflineApiClient(ApiClient):
    """The Alexa APIs (time zone, reminders...) unreachable, as in an outage: the fuzz never
    leaves this machine, and a handler that calls an API must cope with it being down."""

    def invoke(self, request: Any) -> Any:
        raise ApiClientException("offline: the fuzz tests make no network calls")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-store") / "users.sqlite3"


@pytest.fixture(scope="module")
def entry(store: Path) -> Iterator[None]:
    """The Lambda entry, its skill built with a real SQLite store holding the canary record."""
    fuzz_skill = build_skill(Settings(state_path=str(store)))
    fuzz_skill.api_client = OfflineApiClient()  # whatever apiEndpoint a mutation invents
    adapter = fuzz_skill.persistence_adapter
    delete = adapter.delete

    def deliberate_delete(user_id: str) -> None:
        """The one legitimate way a record goes: the skill asks the store to delete it."""
        DELETIONS.append(user_id)
        delete(user_id)

    adapter.delete = deliberate_delete
    adapter.read("amzn1.ask.account.NOBODY")   # the store opens its file on first use
    seed(store)
    saved, app._skill = app._skill, fuzz_skill
    yield
    app._skill = saved


def heard(fixture: str, value: str) -> tuple[str, dict[str, Any]]:
    """`fixture` with every slot hearing `value`, unresolved: the path that echoes user text."""
    event = copy.deepcopy(EVENTS[fixture])
    for slot in event["request"]["intent"]["slots"].values():
        slot["value"] = value
        slot.pop("resolutions", None)
    return fixture, event


def with_last_answer(fixture: str, last_answer: Any) -> tuple[str, dict[str, Any]]:
    event = copy.deepcopy(EVENTS[fixture])
    event["session"]["attributes"] = {"last_answer": last_answer}
    return fixture, event


@pytest.mark.usefixtures("entry")
@FUZZ
@given(case=mutated_event())
@example(case=heard("condition_gout_no_match", HUGE))  # once answered with 105,000 characters
@example(case=heard("body_part_calf", "\x00"))  # once made the SSML unparseable
@example(case=with_last_answer("repeat_after_answer", {"speech": "&" * 1700}))  # 8,500 of SSML
@example(case=with_last_answer("repeat_after_answer", {"speech": "hi", "title": 5, "card": []}))
def test_any_mutated_request_gets_a_valid_answer_and_keeps_the_store(case, store):
    name, event = case
    DELETIONS.clear()
    captured = Captured()
    logging.getLogger().addHandler(captured)
    try:
        result = app.lambda_handler(event, None)
    finally:
        logging.getLogger().removeHandler(captured)

    assert_valid_response(result, event)
    if result == last_resort_response():  # rejected: cleanly, and someone is told why
        assert any(record.name == "skill.app" for record in captured.records), name

    assert_store_intact(name, store)


def assert_store_intact(name: str, store: Path) -> None:
    """Every record a dict; the canary's keys and values kept, unless deliberately deleted."""
    records = stored(store)
    assert all(isinstance(record, dict) for record in records.values())
    record = records.get(PLACEHOLDER_USER)
    if record is None:  # gone: only ever because the skill deleted it on purpose ("forget me")
        assert PLACEHOLDER_USER in DELETIONS, f"{name}: the stored record vanished"
        seed(store)
    else:
        for key, value in CANARY.items():
            assert record.get(key) == value, f"{name}: stored '{key}' changed to {record!r}"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_unmutated_passes_the_same_checks(name, entry, store):
    """The property's checks accept every real recording: they test the skill, not the fuzzer."""
    DELETIONS.clear()
    event = copy.deepcopy(EVENTS[name])
    result = app.lambda_handler(event, None)
    assert_valid_response(result, event)
    assert result != last_resort_response(), f"{name} was rejected"
    assert_store_intact(name, store)


@pytest.mark.parametrize("event", [None, 0, "", "{}", [], {}, {"request": None},
                                   {"version": "1.0", "request": {"type": "NoSuchRequest"}},
                                   {"request": {"type": "IntentRequest"}}],
                         ids=repr)
def test_what_is_not_an_envelope_at_all_gets_the_apology(event, entry, caplog):
    with caplog.at_level(logging.WARNING, logger="skill.app"):
        result = app.lambda_handler(event, None)
    assert_valid_response(result, {})
    assert result == last_resort_response()
    assert "request rejected" in caplog.text
