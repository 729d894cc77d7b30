"""Events nobody spoke (skill, reminder, screen, messaging): silent, logged once, and a disabled
skill forgets the person. Shapes from Amazon's "Use Skill Events", "Alexa Reminders API
Reference", "Alexa.Presentation.APL Interface Reference" and "Skill Messaging API Reference"."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from skill.handlers.events import EVENT_TYPES
from tests.conftest import FIXTURES, load_fixture

USER = "amzn1.ask.account.TEST_USER"
EVENTS = sorted(FIXTURES.glob("event_*.json"))


def stored(path) -> dict | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT attributes FROM users WHERE id = ?", (USER,)).fetchone()
    return json.loads(row[0]) if row else None


def test_every_documented_event_type_is_handled_and_has_a_fixture():
    """Use Skill Events and the reminder, APL and messaging references: every type named."""
    recorded = {json.loads(path.read_text())["request"]["type"] for path in EVENTS}
    assert recorded == set(EVENT_TYPES)


@pytest.mark.parametrize("name", [p.stem for p in EVENTS])
def test_an_event_is_answered_silently_with_one_info_line(replay, caplog, name):
    """Use Skill Events: nothing is spoken, nothing errors; the log says what came, at INFO,
    without a traceback, the user's id, tokens or the event's free text."""
    with caplog.at_level(logging.INFO):
        reply = replay(name)
    assert reply.envelope["version"] == "1.0"
    assert not {"outputSpeech", "reprompt", "card", "directives"} & set(reply.response)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    lines = [r for r in caplog.records if r.name == "skill.handlers.events"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO and lines[0].exc_info is None
    text = caplog.text
    for secret in (USER, "TEST_API_ACCESS_TOKEN", "ALERT-TOKEN-1", "TEST_LINKED_ACCESS_TOKEN",
                   "a message from this skill", "the list has no items"):
        assert secret not in text


def test_disabling_the_skill_deletes_everything_stored_about_the_person(remembering,
                                                                         store_path, caplog):
    """Use Skill Events (AlexaSkillEvent.SkillDisabled), as issue 12 section 7 asks: the record
    goes when the person disables the skill."""
    remembering("launch")
    assert stored(store_path)
    with caplog.at_level(logging.INFO):
        reply = remembering("event_skill_disabled")
    assert stored(store_path) is None
    assert "outputSpeech" not in reply.response
    assert "user record deleted" in caplog.text


def test_other_events_leave_the_record_alone(remembering, store_path):
    remembering("launch")
    before = stored(store_path)
    for name in ("event_skill_enabled", "event_reminder_started",
                 "event_skill_permission_changed"):
        remembering(name)
    assert stored(store_path) == before


def test_the_manifest_subscribes_to_skill_disabled():
    """Add Events to Your Skill / Skill Manifest: events.subscriptions lists SKILL_DISABLED."""
    from skill.build.package import SKILL_JSON

    manifest = json.loads(SKILL_JSON.read_text(encoding="utf-8"))["manifest"]
    names = [s["eventName"] for s in manifest["events"]["subscriptions"]]
    assert "SKILL_DISABLED" in names


def test_the_skill_package_sends_events_to_the_skills_own_endpoint(tmp_path):
    """Skill Manifest (events.endpoint): the events go to the same Lambda as the requests."""
    from skill.build.package import skill_package

    arn = "arn:aws:lambda:us-east-1:123456789012:function:SkillFunction"
    out = skill_package(tmp_path / "pkg", arn)
    manifest = json.loads((out / "skill.json").read_text(encoding="utf-8"))["manifest"]
    assert manifest["events"]["endpoint"] == {"uri": arn}
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": arn}


def test_an_apl_runtime_error_is_logged_by_kind_only(replay, caplog):
    with caplog.at_level(logging.INFO):
        replay("event_apl_runtime_error")
    assert "LIST_ERROR/MISSING_LIST_ITEMS" in caplog.text


def test_a_fixture_has_no_session_when_amazon_sends_none():
    """Use Skill Events: skill events arrive outside any session."""
    assert "session" not in load_fixture("event_skill_disabled")


def test_even_a_broken_event_gets_no_speech(caplog):
    """An event too broken to dispatch (no context) is still not answered aloud."""
    from skill.app import build_skill, handle_event
    from skill.config import Settings

    event = load_fixture("event_reminder_started")
    del event["context"]
    with caplog.at_level(logging.WARNING):
        result = handle_event(build_skill(Settings()), event)
    assert result == {"version": "1.0", "response": {}}
    assert "request rejected" in caplog.text
