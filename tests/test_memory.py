"""Remembered users: welcome back, "continue" with the last topic, and "forget me"."""

from __future__ import annotations

import json
import sqlite3

import pytest

import skill.store.records
import skill.store.sqlite
from skill.app import build_skill
from skill.config import Settings
from skill.content import get_content
from skill.store.sqlite import SQLitePersistenceAdapter
from tests.alexa_api import FakeAlexaApi
from tests.conftest import edit, replayer

USER = "amzn1.ask.account.TEST_USER"
MESSAGES = get_content().messages


def stored(path) -> dict | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT attributes FROM users WHERE id = ?", (USER,)).fetchone()
    return json.loads(row[0]) if row else None


def test_a_first_time_user_is_welcomed_and_a_returning_one_welcomed_back(remembering, store_path):
    first = remembering("memory_launch")
    assert first.speech.startswith("Welcome to Muscle Twitch Guide.")
    assert "not medical advice" in first.speech
    assert first.ends_session is False
    assert stored(store_path)["visits"] == 1
    second = remembering("memory_launch")
    assert second.speech.startswith("Welcome back to Muscle Twitch Guide.")
    assert stored(store_path)["visits"] == 2
    assert stored(store_path)["first_seen"] == "2026-11-25"


def test_a_returning_user_hears_the_last_topic_and_how_to_continue(remembering):
    remembering("cause_coffee")
    reply = remembering("memory_launch")
    assert "Last time, we talked about Caffeine and Stimulants." in reply.speech
    assert "Say continue" in reply.speech


def test_continue_speaks_the_last_topic_from_the_record_in_a_new_session(remembering, store_path):
    coffee = remembering("cause_coffee")
    assert stored(store_path)["topic"] == "caffeine"
    reply = remembering("memory_resume")
    assert reply.speech.startswith("Picking up where we left off. Caffeine and Stimulants.")
    assert coffee.speech.split("Want to hear more?")[0].strip() in reply.speech
    assert reply.attributes["follow_up"] == {"more": "caffeine"}   # "yes" goes on from there
    assert reply.card["title"] == "Caffeine and Stimulants"


def test_continue_prefers_this_sessions_topic(remembering):
    remembering("cause_coffee")
    reply = remembering("memory_resume", topic="what_is")
    assert "Picking up where we left off" in reply.speech
    assert "Caffeine" not in reply.speech


def test_continue_with_nothing_to_pick_up(remembering, replay):
    for run in (remembering, replay):
        reply = run("memory_resume")
        assert reply.speech.startswith("There's nothing to pick up yet.")
        assert reply.ends_session is False


def test_a_topic_that_no_longer_exists_is_not_resumed(remembering, store_path):
    remembering("memory_launch")
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE users SET attributes = ?", (json.dumps({"topic": "gone"}),))
    assert remembering("memory_resume").speech.startswith("There's nothing to pick up yet.")
    assert remembering("memory_launch").speech.startswith("Welcome back to Muscle Twitch Guide.")


def test_the_topic_is_written_only_when_it_changes(remembering, monkeypatch):
    writes = []
    original = SQLitePersistenceAdapter.write

    def counting(self, user_id, record, base):
        writes.append(dict(record))
        return original(self, user_id, record, base)

    monkeypatch.setattr(SQLitePersistenceAdapter, "write", counting)
    coffee = remembering("cause_coffee")
    assert len(writes) == 1
    remembering("repeat_after_answer", **coffee.attributes)  # same topic: nothing to write
    remembering("help", **coffee.attributes)
    assert len(writes) == 1


def test_forget_me_asks_first_then_deletes_on_yes(remembering, store_path):
    remembering("cause_coffee")
    remembering("daily_tip_near_midnight")
    asked = remembering("memory_forget_me")
    assert asked.speech.startswith("Do you want me to delete everything I remember about you")
    assert asked.attributes["follow_up"] == {"confirm": "forget_me"}
    assert asked.ends_session is False
    assert stored(store_path) is not None

    done = remembering("memory_forget_yes", **asked.attributes)
    assert done.speech.startswith("Done. I've deleted everything I remembered about you.")
    assert stored(store_path) is None
    assert "topic" not in done.attributes and "follow_up" not in done.attributes
    assert remembering("memory_launch").speech.startswith("Welcome to Muscle Twitch Guide.")


def test_no_keeps_everything(remembering, store_path):
    remembering("cause_coffee")
    before = stored(store_path)
    kept = remembering("memory_forget_no")
    assert kept.speech.startswith("Okay, I'll keep it.")
    assert stored(store_path) == before
    assert "follow_up" not in kept.attributes


def test_a_reminder_outlives_forget_me_and_the_user_is_told(remembering, store_path):
    remembering("memory_launch")
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE users SET attributes = ?", (json.dumps(
            {"visits": 1, "reminder": {"token": "T", "time": "08:00"}}),))
    done = remembering("memory_forget_yes")
    assert "Your daily reminder stays on until you say, cancel my reminder." in done.speech
    assert "T" not in done.speech.split()


def test_forget_me_with_nothing_stored(remembering, replay):
    for run in (remembering, replay):   # an empty record, and a skill with no store at all
        reply = run("memory_forget_me")
        assert reply.speech.startswith("I don't have anything stored about you")
        assert "follow_up" not in reply.attributes
    assert replay("memory_forget_yes").speech.startswith("I don't have anything stored")


class DownStore(SQLitePersistenceAdapter):
    def read(self, user_id):
        raise RuntimeError("store is down")

    def delete(self, user_id):
        raise RuntimeError("store is down")


def test_forget_me_when_the_store_is_down_deletes_nothing_and_says_so(remembering, store_path,
                                                                     monkeypatch):
    remembering("cause_coffee")
    monkeypatch.setattr(skill.store.sqlite, "SQLitePersistenceAdapter", DownStore)
    down = replayer(build_skill(Settings(state_path=str(store_path)), api_client=FakeAlexaApi()))
    reply = down("memory_forget_me")
    assert reply.speech.startswith("Sorry, I can't reach my memory right now")
    assert down("memory_forget_yes").speech.startswith("Sorry, I couldn't delete your information")
    assert stored(store_path)["topic"] == "caffeine"


@pytest.mark.parametrize("fixture", ["memory_forget_yes", "memory_forget_no"])
def test_yes_and_no_without_the_question_open_are_not_taken_as_an_answer(remembering, store_path,
                                                                          fixture):
    remembering("cause_coffee")
    reply = remembering(fixture, follow_up=None)
    assert stored(store_path) is not None
    assert "deleted" not in reply.speech and "keep it" not in reply.speech


# --- a shared speaker: nothing sensitive said unasked, nothing of the check kept -----------------

@pytest.mark.parametrize(("fixture", "title"), [
    ("condition_lou_gehrigs", "ALS"), ("warning_weakness", "Weakness"),
    ("warning_signs_overview", "When to See a Doctor")])
def test_a_sensitive_last_topic_is_never_named_at_launch(remembering, fixture, title):
    answered = remembering(fixture)
    assert answered.card["title"].find(title) >= 0
    welcome = remembering("memory_launch")
    assert welcome.speech.startswith("Welcome back to Muscle Twitch Guide.")
    assert "continue" in welcome.speech.lower()  # it still offers to go on, without naming it
    assert title.lower() not in welcome.speech.lower()
    assert answered.card["title"].lower() not in welcome.speech.lower()
    assert "last time" not in welcome.speech.lower()
    resumed = remembering("memory_resume")  # asked for: then it is spoken
    assert f"Picking up where we left off. {answered.card['title']}." in resumed.speech
    if fixture.startswith("warning"):  # and a warning answer still opens with the emergency line
        assert resumed.speech.startswith(
            f"{MESSAGES.text('emergency')} Picking up where we left off.")


def test_which_topics_are_sensitive_is_decided_by_the_content_not_a_list_in_code(
        content_copy, monkeypatch, store_path):
    edit(content_copy / "causes.yaml", "kind: cause\n", "kind: cause\nsensitive: true\n")
    monkeypatch.setenv("CONTENT_DIR", str(content_copy))
    monkeypatch.setenv("CONTENT_CACHE", "none")
    get_content.cache_clear()
    try:
        run = replayer(build_skill(Settings(state_path=str(store_path)),
                                   api_client=FakeAlexaApi()))
        run("cause_coffee")
        assert "Caffeine" not in run("memory_launch").speech
    finally:
        get_content.cache_clear()


def test_no_symptom_check_answer_is_stored_or_spoken_later(remembering, store_path):
    for fixture in ("memory_launch", "check_start", "check_emergency_no", "check_weakness_yes",
                    "check_shrinking_unsure", "check_new_medication_yes",
                    "check_new_medication_no_after_flags"):
        remembering(fixture)
    record = stored(store_path)
    assert set(record) <= {"visits", "first_seen", "last_seen", "topic", "tips", "reminder"}
    text = json.dumps(record)
    for step in ("check", "weakness", "shrinking", "new_medication", "unsure", "yes"):
        assert step not in text, text
    welcome = remembering("memory_launch")
    assert "check" not in welcome.speech.lower() and "weak" not in welcome.speech.lower()
