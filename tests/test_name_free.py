"""Name-free questions: Alexa asks "can you answer this?" and the skill answers truthfully.

YES only when the intent is one the content answers and every slot value names a content entry;
NO otherwise. The answer speaks nothing, shows nothing and stores nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.content import get_content
from skill.handlers import request_handlers
from skill.handlers.name_free import CanFulfillHandler
from skill.handlers.topics import TOPIC_HANDLERS, FixedTopicHandler, TopicHandler, topic_handler
from skill.simulator.envelope import Conversation, slot
from skill.speech import Speaker
from tests.conftest import Reply, load_fixture

MODEL = Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json"


def verdict(reply: Reply) -> dict:
    return reply.response["canFulfillIntent"]


@pytest.mark.parametrize(("fixture", "intent_verdict", "slots"), [
    ("can_fulfill_body_part_eye", "YES", {"BodyPart": ("YES", "YES")}),
    ("can_fulfill_body_part_bare_eye", "YES", {"BodyPart": ("YES", "YES")}),
    ("can_fulfill_cause_coffee", "YES", {"Cause": ("YES", "YES")}),
    ("can_fulfill_warning_weakness_en_gb", "YES", {"WarningSign": ("YES", "YES")}),
    ("can_fulfill_cause_empty_slot", "YES", {}),
    ("can_fulfill_what_is", "YES", {}),
    ("can_fulfill_emergency", "YES", {}),
    ("can_fulfill_daily_tip", "YES", {}),
    ("can_fulfill_condition_gout", "NO", {"Condition": ("NO", "NO")}),
    ("can_fulfill_wrong_slot", "NO", {"BodyPart": ("NO", "NO")}),
    ("can_fulfill_unknown_intent", "NO", {"Song": ("NO", "NO")}),
    ("can_fulfill_help", "NO", {}),
])
def test_the_verdict_is_yes_only_for_what_the_content_answers(replay, fixture, intent_verdict,
                                                              slots):
    answer = verdict(replay(fixture))
    assert answer["canFulfill"] == intent_verdict
    assert {name: (s["canUnderstand"], s["canFulfill"])
            for name, s in (answer.get("slots") or {}).items()} == slots


@pytest.mark.parametrize("fixture", ["can_fulfill_cause_coffee", "can_fulfill_condition_gout",
                                     "can_fulfill_help", "can_fulfill_body_part_bare_eye"])
def test_the_answer_says_nothing_shows_nothing_and_leaves_the_session_alone(replay, fixture):
    response = replay(fixture).response
    assert set(response) == {"canFulfillIntent"}


def test_a_name_free_check_stores_nothing_about_the_user(tmp_path):
    store = tmp_path / "users.sqlite3"
    skill = build_skill(Settings(state_path=str(store)))
    handle_event(skill, load_fixture("can_fulfill_cause_coffee"))
    if store.exists():
        with sqlite3.connect(store) as db:
            tables = [row[0] for row in
                      db.execute("select name from sqlite_master where type = 'table'")]
            assert all(db.execute(f"select count(*) from {t}").fetchone()[0] == 0
                       for t in tables)


def test_the_check_is_answered_by_the_name_free_handler_not_a_catch_all():
    handlers = request_handlers()
    first = next(i for i, h in enumerate(handlers) if isinstance(h, CanFulfillHandler))
    assert first == 0


def _model_intents() -> list[str]:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    return [intent["name"] for intent in model["interactionModel"]["languageModel"]["intents"]]


@pytest.mark.parametrize("intent", _model_intents())
def test_every_intent_of_the_model_gets_a_truthful_verdict(skill, intent):
    """Slot-less, an intent is a YES exactly when content answers it outright."""
    reply = Reply(handle_event(skill, Conversation().can_fulfill(intent)))
    answered_from_content = topic_handler(intent) is not None or intent == "DailyTipIntent"
    assert verdict(reply)["canFulfill"] == ("YES" if answered_from_content else "NO")
    if intent.startswith("AMAZON."):
        assert verdict(reply)["canFulfill"] == "NO"  # built-ins need an open session


def _slot_cases() -> list[tuple[TopicHandler, str, str]]:
    content = get_content()
    cases = []
    for handler in TOPIC_HANDLERS:
        if isinstance(handler, TopicHandler):
            for entry in content.entries(handler.kind):
                cases += [(handler, phrase, entry.id) for phrase in (entry.name, *entry.synonyms)]
    return cases


@pytest.mark.parametrize(("handler", "phrase", "entry_id"), _slot_cases(),
                         ids=lambda v: v.intent if isinstance(v, TopicHandler) else str(v))
def test_a_yes_is_kept_every_word_people_say_for_an_entry_gets_that_entry(
        skill, handler, phrase, entry_id):
    """The claim and the behaviour agree: what is a YES here is answered with that entry."""
    conversation = Conversation()
    bare = {handler.slot: {"name": handler.slot, "value": phrase}}
    check = Reply(handle_event(skill, conversation.can_fulfill(handler.intent, bare)))
    assert verdict(check)["canFulfill"] == "YES"
    asked = Reply(handle_event(skill, conversation.intent(handler.intent, {
        handler.slot: slot(handler.slot, phrase)})))
    # the card of the entry's own answer (the emergency's title carries the number to call)
    assert asked.card["title"] == Speaker(get_content()).answer(entry_id).title


@pytest.mark.parametrize(("intent", "slot_name", "heard"), [
    ("ConditionIntent", "Condition", "gout"),
    ("CauseIntent", "Cause", "full moon"),
    ("BodyPartIntent", "BodyPart", "my left elbow"),
    ("TreatmentIntent", "Treatment", "acupuncture"),
])
def test_a_no_is_kept_an_uncovered_value_only_gets_an_honest_i_dont_know(
        skill, intent, slot_name, heard):
    conversation = Conversation()
    check = Reply(handle_event(skill, conversation.can_fulfill(
        intent, {slot_name: {"name": slot_name, "value": heard}})))
    assert verdict(check) == {"canFulfill": "NO", "slots": {
        slot_name: {"canUnderstand": "NO", "canFulfill": "NO"}}}
    asked = Reply(handle_event(skill, conversation.intent(intent, {
        slot_name: slot(slot_name, heard, slot_type=f"{slot_name}Type")})))
    said_back = heard.replace("my ", "your ")  # said back to the person: "your left elbow"
    assert f"I don't have information on {said_back}" in asked.speech


def test_the_topic_table_lookup_finds_both_kinds_of_topic_handler():
    assert isinstance(topic_handler("CauseIntent"), TopicHandler)
    assert isinstance(topic_handler("WhatIsTwitchingIntent"), FixedTopicHandler)
    assert topic_handler("AMAZON.HelpIntent") is None
    assert topic_handler(None) is None


def test_a_check_without_an_intent_is_a_no_not_a_crash(skill):
    envelope = Conversation().can_fulfill("CauseIntent")
    del envelope["request"]["intent"]
    assert verdict(Reply(handle_event(skill, envelope)))["canFulfill"] == "NO"


def test_the_envelope_builder_sends_a_new_empty_session():
    conversation = Conversation(new=False, attributes={"topic": "caffeine"})
    envelope = conversation.can_fulfill("CauseIntent")
    assert envelope["session"]["new"] is True
    assert envelope["session"]["attributes"] == {}
    assert envelope["request"]["type"] == "CanFulfillIntentRequest"
    assert "session" not in conversation.can_fulfill("CauseIntent", with_session=False)


@pytest.mark.parametrize(("slots", "understood"), [
    ({"Person": slot("Person", "my dad", slot_type="PersonType", match=("my_dad", "my dad"))},
     "YES"),
    ({"Person": slot("Person", "our dog", slot_type="PersonType")}, "MAYBE"),
])
def test_who_an_emergency_is_about_never_turns_the_emergency_into_a_no(skill, slots, understood):
    """"My dad can't breathe" is as much the emergency as "I can't breathe": the answer does not
    depend on who it is about, so the verdict is the slot-less one, and the person is understood
    only when Alexa matched one of the model's words."""
    reply = Reply(handle_event(skill, Conversation().can_fulfill("EmergencyIntent", slots)))
    assert verdict(reply) == {"canFulfill": "YES", "slots": {
        "Person": {"canUnderstand": understood, "canFulfill": "YES"}}}
