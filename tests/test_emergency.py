"""The emergency answer: the call instruction first, then the session ends, however it is reached.

Every way in is driven through the Lambda entry path in every locale: the emergency statement
("I can't breathe", as a one-shot and inside a session), a warning-sign slot that resolves to the
emergency entry, a yes or a not sure to the symptom check's emergency screen, and an emergency
said in the middle of the check or of a list. Each must open with "Call <the number people there
dial> now.", end the session with no reprompt, put the number on the card, and leave nothing
behind: no emergency topic in the session or the user record, nothing said at the next launch.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

import pytest

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.content import get_content
from skill.simulator.envelope import Conversation, slot
from skill.speech import Speaker
from tests.alexa_api import FakeAlexaApi
from tests.conftest import Reply

CONTENT = get_content()
MESSAGES = CONTENT.messages
LOCALES = tuple(MESSAGES.locales)
EMERGENCY = CONTENT.emergency
assert EMERGENCY is not None

# What people in each country dial for an ambulance, and how they say it: written by hand here,
# not read from messages.yaml, so a wrong number in the content cannot pass its own test.
NUMBERS = {
    "en-US": ("nine one one", "911"),
    "en-CA": ("nine one one", "911"),
    "en-GB": ("nine nine nine", "999"),
    "en-AU": ("triple zero", "000"),
    "en-IN": ("one zero eight, or one one two", "108 or 112"),
}


def first_sentence(speech: str) -> str:
    return re.split(r"(?<=[.!?])\s", speech, maxsplit=1)[0]


class Person:
    """One person talking to the skill over several sessions, with a user record kept."""

    def __init__(self, skill, locale: str) -> None:
        self.skill = skill
        self.conversation = Conversation(locale=locale)
        self.replies: list[Reply] = []

    def send(self, envelope: dict) -> Reply:
        reply = Reply(handle_event(self.skill, envelope))
        self.replies.append(reply)
        if reply.ends_session:
            self.conversation.restart()
        else:
            self.conversation.carry(reply.envelope)
        return reply

    def intent(self, name: str, **slots: dict) -> Reply:
        return self.send(self.conversation.intent(name, slots or None))

    def launch(self) -> Reply:
        return self.send(self.conversation.launch())


def emergency_statement(person: Person) -> Reply:
    return person.intent("EmergencyIntent")


def emergency_slot(person: Person) -> Reply:
    return person.intent("WarningSignsIntent", WarningSign=slot(
        "WarningSign", "i can't breathe", slot_type="WarningSignType",
        match=(EMERGENCY.id, EMERGENCY.name)))


def sign_among_others(person: Person) -> Reply:
    """An emergency sign said with another sign; Alexa resolved the other one."""
    return person.intent("WarningSignsIntent", WarningSign=slot(
        "WarningSign", "weakness and slurred speech", slot_type="WarningSignType",
        match=("weakness", "muscle weakness")))


def sign_in_an_unrecognised_slot(person: Person) -> Reply:
    """An emergency sign heard in another kind's slot, which Alexa could not resolve."""
    return person.intent("ConditionIntent", Condition=slot(
        "Condition", "twitching and i can't breathe", slot_type="ConditionType"))


def check_yes(person: Person) -> Reply:
    person.intent("SymptomCheckIntent")
    return person.intent("AMAZON.YesIntent")


def check_not_sure(person: Person) -> Reply:
    person.intent("SymptomCheckIntent")
    return person.intent("CheckAnswerIntent", Answer=slot(
        "Answer", "i'm not sure", slot_type="CheckAnswerType", match=("unsure", "not sure")))


def mid_check(person: Person) -> Reply:
    person.intent("SymptomCheckIntent")
    person.intent("AMAZON.NoIntent")  # the screen passed; now a warning sign is being asked
    assert "check" in person.replies[-1].attributes
    return person.intent("EmergencyIntent")


def mid_list(person: Person) -> Reply:
    person.intent("CauseIntent")  # what causes twitching: a list, with the rest on offer
    assert "list" in person.replies[-1].attributes.get("follow_up", {})
    return person.intent("EmergencyIntent")


def after_a_topic(person: Person) -> Reply:
    person.intent("CauseIntent", Cause=slot("Cause", "coffee", slot_type="CauseType",
                                             match=("caffeine", "caffeine")))
    return person.intent("EmergencyIntent")


PATHS: dict[str, Callable[[Person], Reply]] = {
    "one-shot-statement": emergency_statement,
    "warning-sign-slot": emergency_slot,
    "sign-among-others": sign_among_others,
    "sign-in-an-unrecognised-slot": sign_in_an_unrecognised_slot,
    "check-yes": check_yes,
    "check-not-sure": check_not_sure,
    "mid-check": mid_check,
    "mid-list": mid_list,
    "after-another-topic": after_a_topic,
}


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "users.sqlite3"


@pytest.fixture
def remembering_skill(store_path):
    return build_skill(Settings(state_path=str(store_path)), api_client=FakeAlexaApi())


def record(store_path) -> dict:
    """The person's stored record; none at all when the store was never written (it opens its
    file and table on first use)."""
    if not store_path.exists():
        return {}
    with sqlite3.connect(store_path) as db:
        if not db.execute("SELECT name FROM sqlite_master WHERE name = 'users'").fetchone():
            return {}
        row = db.execute("SELECT attributes FROM users").fetchone()
    return json.loads(row[0]) if row else {}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path", PATHS)
def test_every_way_to_an_emergency_says_call_first_and_ends_the_session(
        remembering_skill, store_path, path, locale):
    spoken, written = NUMBERS[locale]
    person = Person(remembering_skill, locale)
    reply = PATHS[path](person)
    assert first_sentence(reply.speech) == f"Call {spoken} now.", reply.speech
    assert reply.ends_session is True
    assert reply.reprompt == ""
    assert "?" not in reply.speech  # no question: nothing to answer, the phone comes first
    assert MESSAGES.text("doctor_pointer", locale) not in reply.speech
    assert "drive yourself" in reply.speech
    assert written in reply.card["title"] and f"Call {written} now." in reply.card["content"]
    assert reply.attributes.get("topic") != EMERGENCY.id
    assert record(store_path).get("topic") != EMERGENCY.id

    later = person.launch()  # a later session, perhaps someone else in the household
    assert later.ends_session is False
    for word in ("emergency", EMERGENCY.title.lower(), "call", spoken):
        assert word not in later.speech.lower()
    resumed = person.intent("AMAZON.ResumeIntent")
    assert "call" not in first_sentence(resumed.speech).lower()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_answer_is_word_for_word_the_same_however_it_is_reached(remembering_skill, locale):
    replies = {name: path(Person(remembering_skill, locale)) for name, path in PATHS.items()}
    speeches = {reply.speech for reply in replies.values()}
    assert speeches == {Speaker(CONTENT, locale).emergency().speech}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_answer_says_the_device_cannot_call_and_names_the_signs_plainly(locale):
    speech = Speaker(CONTENT, locale).emergency().speech
    sentences = re.split(r"(?<=[.!?])\s", speech)
    assert sentences[1] == MESSAGES.text("emergency_no_call", locale)
    assert "can't make the call" in sentences[1]
    for sign in ("drooping face", "weakness or numbness on one side", "trouble speaking",
                 "trouble breathing or swallowing", "chest pain", "seizure"):
        assert sign in speech
    assert sentences[-1] == "Don't drive yourself."
    assert len(speech.split()) < 60  # read out in about fifteen seconds


@pytest.mark.parametrize("heard", ["is twitching an emergency", "weakness", "gout"])
def test_words_that_name_no_emergency_sign_keep_the_session_open(remembering_skill, heard):
    reply = Person(remembering_skill, "en-US").intent("WarningSignsIntent", WarningSign=slot(
        "WarningSign", heard, slot_type="WarningSignType"))
    assert not reply.speech.startswith("Call nine one one now.")
    assert reply.speech.startswith(MESSAGES.text("emergency"))  # the safety line still first
    assert reply.ends_session is False


def test_an_emergency_stored_by_an_older_version_is_never_spoken_or_resumed(
        remembering_skill, store_path):
    person = Person(remembering_skill, "en-US")
    person.launch()
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE users SET attributes = ?",
                   (json.dumps({"visits": 3, "topic": EMERGENCY.id}),))
    welcome = person.launch()
    assert welcome.speech == MESSAGES.text("welcome_back")
    resumed = person.intent("AMAZON.ResumeIntent")
    assert resumed.speech.startswith("There's nothing to pick up yet.")


def test_the_emergency_entry_cannot_offer_more(content_copy):
    from skill.content import ContentError, load_content
    from tests.conftest import edit

    edit(content_copy / "warning_signs.yaml", "    emergency: true\n",
         "    emergency: true\n    more: Anything at all.\n")
    with pytest.raises(ContentError, match="an emergency entry cannot have 'more'"):
        load_content(content_copy)


def test_only_one_entry_may_be_the_emergency(content_copy):
    from skill.content import ContentError, load_content
    from tests.conftest import edit

    edit(content_copy / "warning_signs.yaml", "  - id: spreading\n",
         "  - id: spreading\n    emergency: true\n")
    with pytest.raises(ContentError, match="only one entry may be 'emergency: true'"):
        load_content(content_copy)
