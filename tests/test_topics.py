"""Questions about twitching, replayed from recorded Alexa requests."""

from __future__ import annotations

import re

import pytest

from skill.app import handle_event
from skill.content import get_content
from skill.handlers.topics import TOPIC_HANDLERS, TopicHandler
from skill.simulator.envelope import Conversation, slot
from tests.conftest import Reply

DOCTOR = "please talk to a doctor"
CONTENT = get_content()
MESSAGES = CONTENT.messages
LOCALES = tuple(MESSAGES.locales)
SLOT_TYPES = {"cause": "CauseType", "condition": "ConditionType", "test": "TestType",
              "treatment": "TreatmentType", "habit": "HabitType", "body_part": "BodyPartType",
              "warning_sign": "WarningSignType"}
SLOT_INTENTS = {h.kind: h for h in TOPIC_HANDLERS if isinstance(h, TopicHandler)}
# Every condition the skill knows, by every name it answers to: none may be offered unasked.
CONDITION_WORDS = {word.lower() for entry in CONTENT.entries("condition")
                   for word in (entry.name, *entry.synonyms) if len(word) > 3} | {"ALS", "MS"}


def ask(skill, kind: str, heard: str, locale: str = "en-US") -> Reply:
    """A question of `kind` whose slot Alexa heard but could not resolve (ER_SUCCESS_NO_MATCH)."""
    handler = SLOT_INTENTS[kind]
    envelope = Conversation(locale=locale).intent(handler.intent, {handler.slot: slot(
        handler.slot, heard, slot_type=SLOT_TYPES[kind])})
    return Reply(handle_event(skill, envelope))


def test_what_is_twitching_names_fasciculation_and_offers_more(replay):
    reply = replay("what_is")
    assert "fasciculation" in reply.speech
    assert reply.speech.endswith("Want to hear more?")
    assert reply.attributes["follow_up"] == {"more": "what_is"}
    assert reply.ends_session is False
    assert reply.card["title"] == "What Is Muscle Twitching?"


def test_how_common_says_anyone_can_get_them(replay):
    reply = replay("how_common")
    assert "extremely common" in reply.speech
    assert "anyone" in reply.speech


def test_is_it_serious_reassures_but_names_when_to_see_a_doctor(replay):
    speech = replay("is_it_serious").speech
    assert "harmless" in speech
    assert "doctor" in speech


def test_coffee_resolves_to_caffeine(replay):
    reply = replay("cause_coffee")
    assert "caffeine" in reply.speech.lower()
    assert reply.attributes["topic"] == "caffeine"
    assert reply.card["title"] == "Caffeine and Stimulants"
    assert reply.reprompt.startswith("Would you like to hear more?")


@pytest.mark.parametrize(("fixture", "topic", "fact"), [
    ("cause_energy_drinks", "caffeine", "stimulants"),
    ("cause_workout", "overuse", "rest and recovery"),
    ("cause_anxiety", "stress", "cortisol"),
    ("cause_antidepressants", "medication", "antidepressants"),
    ("cause_magnesium", "minerals", "magnesium, calcium and potassium"),
])
def test_everyday_words_for_a_cause_reach_the_right_entry(replay, fixture, topic, fact):
    reply = replay(fixture)
    assert reply.attributes["topic"] == topic
    assert fact in reply.speech


def test_what_causes_twitching_lists_three_causes_then_offers_the_rest(replay):
    reply = replay("cause_overview")
    assert "stress, caffeine, and low minerals" in reply.speech
    assert "There are 4 more. Want to hear them?" in reply.speech
    assert reply.attributes["follow_up"] == {"list": "causes", "offset": 3}


def test_a_slot_without_a_value_gets_the_overview(replay):
    assert replay("cause_empty_slot").attributes["follow_up"] == {"list": "causes", "offset": 3}


def test_lou_gehrigs_disease_is_als_spelled_out_and_points_to_a_doctor(replay):
    reply = replay("condition_lou_gehrigs")
    assert '<say-as interpret-as="characters">ALS</say-as>' in reply.ssml
    assert "Lou Gehrig's disease" in reply.speech
    assert DOCTOR in reply.speech
    assert "you have" not in reply.speech.lower()


@pytest.mark.parametrize("fixture", ["condition_ms", "condition_bfs", "condition_overview"])
def test_every_condition_answer_points_to_a_doctor(replay, fixture):
    assert DOCTOR in replay(fixture).speech


def test_a_condition_we_do_not_cover_gets_an_honest_answer_and_neutral_options(replay):
    reply = replay("condition_gout_no_match")
    assert "I don't have information on gout." in reply.speech
    assert "benign fasciculation syndrome" not in reply.speech
    assert MESSAGES.text("not_covered_offer") in reply.speech
    assert reply.ends_session is False
    assert "follow_up" not in reply.attributes


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("heard", ["twitching with blurred vision", "confusion", "a fever"])
@pytest.mark.parametrize("kind", ["warning_sign", "condition"])
def test_an_unrecognised_warning_sign_still_gets_the_emergency_line_and_the_doctor(
        skill, kind, heard, locale):
    reply = ask(skill, kind, heard, locale)
    assert reply.speech.startswith(MESSAGES.text("emergency", locale))
    assert f"I don't have information on {heard}." in reply.speech
    assert reply.speech.index(DOCTOR) > reply.speech.index("I don't have information")
    assert MESSAGES.locales[locale]["emergency_written"] in reply.card["content"]
    assert reply.speech.endswith("?") and reply.ends_session is False


@pytest.mark.parametrize("heard", ["gout", "hiccups", "my dog", "my cat's tail"])
@pytest.mark.parametrize("kind", SLOT_TYPES)
def test_something_unrelated_is_never_answered_with_a_condition(skill, kind, heard):
    reply = ask(skill, kind, heard)
    words = set(re.findall(r"[\w']+", reply.speech.lower()))
    offered = [c for c in CONDITION_WORDS if (c.lower() in words if " " not in c
                                                 else c in reply.speech.lower())]
    assert not offered, f"{heard!r} ({kind}) was offered {offered}: {reply.speech}"
    assert "ALS" not in reply.ssml and "als" not in words
    assert MESSAGES.text("not_covered_offer") in reply.speech  # causes, prevention, a doctor
    assert reply.speech.endswith("?") and reply.reprompt.endswith("?")
    assert reply.ends_session is False


@pytest.mark.parametrize(("heard", "said_back"), [
    ("gout", "I don't have information on gout."),
    ("my dog", "I don't have information on your dog."),
    ("my cat's tail", "I don't have information on your cat's tail."),
    ("twitching when i am tired", "I don't have information on twitching when you are tired."),
    ("why i'm dizzy", "I don't have information on why you're dizzy."),
])
def test_what_was_heard_is_said_back_in_plain_grammatical_english(skill, heard, said_back):
    assert said_back in ask(skill, "cause", heard).speech


@pytest.mark.parametrize(("fixture", "fact"), [
    ("test_overview", "physical examination, blood tests, and EMG"),
    ("test_emg", "electrical activity"),
    ("test_mri", "brain and spinal cord"),
    ("treatment_overview", "stress management, diet changes, and hydration"),
    ("treatment_botox", "botulinum toxin"),
    ("prevention_overview", "eating well, drinking water, and managing stress"),
    ("prevention_water", "eight glasses"),
    ("prevention_sleep", "seven to nine hours"),
])
def test_diagnosis_treatment_and_prevention_answers(replay, fixture, fact):
    assert fact in replay(fixture).speech


def test_why_does_my_eye_twitch_answers_about_the_eyelid(replay):
    reply = replay("body_part_eye")
    assert reply.attributes["topic"] == "eyelid"
    assert "Eyelid" in reply.speech


@pytest.mark.parametrize(("fixture", "topic"), [
    ("body_part_calf", "leg"), ("body_part_thumb", "elsewhere")])
def test_other_body_parts_get_an_answer(replay, fixture, topic):
    assert replay(fixture).attributes["topic"] == topic


def test_where_twitching_happens_names_the_common_places(replay):
    assert "eyelids, arms, and legs" in replay("body_part_overview").speech


def test_warning_signs_put_the_emergency_first_and_the_doctor_last(replay):
    speech = replay("warning_signs_overview").speech
    assert speech.startswith("If you have sudden weakness or numbness")
    assert "call nine one one now" in speech
    assert speech.index(DOCTOR) > speech.index("twitching that lasts or spreads")


def test_twitching_with_weakness_sends_to_a_doctor(replay):
    reply = replay("warning_weakness")
    assert reply.speech.startswith("If you have sudden weakness")
    assert DOCTOR in reply.speech
    assert reply.card["content"].startswith("Sudden weakness or numbness")


def test_an_emergency_is_told_to_call_emergency_services_before_anything_else(replay):
    reply = replay("emergency")
    assert reply.speech.startswith("Call nine one one now. I can't make the call for you")
    assert "don't drive yourself" in reply.speech.lower()
    assert reply.ends_session is True and reply.reprompt == ""
    assert "911" in reply.card["content"]


def test_todays_tip_is_a_prevention_tip(replay):
    reply = replay("daily_tip")
    assert reply.speech.startswith("Here's today's tip.")
    assert reply.card["title"] == "Today's tip"
    assert reply.attributes["topic"].startswith("tip_")
