"""The daily reminder: set, asked about, cancelled; permission asked for the way Alexa expects;
every Reminders API failure answered, and nothing the user stored is lost."""

from __future__ import annotations

import json
import sqlite3

import pytest

from skill.app import build_skill
from skill.config import Settings
from tests.alexa_api import REMINDER_PATH, REMINDERS_PATH, TIME_ZONE_PATH, TIMEOUT
from tests.conftest import load_fixture, replayer

USER = "amzn1.ask.account.TEST_USER"
SCOPE = "alexa::alerts:reminders:skill:readwrite"
CREATED = {"alertToken": "ALERT-TOKEN-1", "createdTime": "2026-11-25T11:30:00.000Z",
           "updatedTime": "2026-11-25T11:30:00.000Z", "status": "ON", "version": "1",
           "href": "/v1/alerts/reminders/ALERT-TOKEN-1"}
ERRORS = {
    429: "Alexa's reminders are busy right now, so nothing has changed.",
    500: "Alexa's reminders aren't working right now, so nothing has changed.",
    503: "Alexa's reminders aren't working right now, so nothing has changed.",
    504: "Alexa's reminders aren't working right now, so nothing has changed.",
    TIMEOUT: "Alexa's reminders didn't answer in time, so nothing has changed.",
    400: "Sorry, I couldn't change your reminder just now, so nothing has changed.",
}
PERMISSION_CARD = "I need your permission. I've sent a card to your Alexa app."


ZONE = "America/New_York"


@pytest.fixture(autouse=True)
def no_reminder_listed_yet(alexa_api):
    """The Reminders API lists none of this skill's reminders unless a test says otherwise; the
    Settings API says the device is in New York."""
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [], "totalCount": "0"})
    alexa_api.on("GET", TIME_ZONE_PATH, 200, ZONE)


def reminder_calls(alexa_api) -> list:
    """The calls to the Reminders API (the Settings API's time zone call left out)."""
    return [c for c in alexa_api.calls if not TIME_ZONE_PATH.match(c.path)]


def without_zone(record: dict | None) -> dict | None:
    """A stored record without the cached time zone (which any turn may add)."""
    if record is None:
        return None
    rest = {k: v for k, v in record.items() if k != "time_zone"}
    return rest or None


def stored(path) -> dict | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT attributes FROM users WHERE id = ?", (USER,)).fetchone()
    return json.loads(row[0]) if row else None


def store(path, record: dict) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, attributes TEXT)")
        db.execute("INSERT OR REPLACE INTO users VALUES (?, ?)", (USER, json.dumps(record)))


def alert(token: str, rule: str | None = "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1",
          status: str = "ON") -> dict:
    trigger: dict = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-11-25T08:00:00.000"}
    if rule:
        trigger["recurrence"] = {"recurrenceRules": [rule]}
    return {"alertToken": token, "status": status, "trigger": trigger}


def is_permission_card(reply) -> bool:
    return reply.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}


# --- setting it ---------------------------------------------------------------------------------

def test_a_daily_reminder_is_created_and_remembered(remembering, alexa_api, store_path):
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    reply = remembering("reminder_set_8am")
    assert reply.speech.startswith("Okay. I'll remind you every day at 8 AM to hear your tip.")
    assert "ALERT-TOKEN-1" not in reply.ssml
    assert reply.ends_session is False
    assert stored(store_path)["reminder"] == {"token": "ALERT-TOKEN-1", "time": "08:00"}

    listing, call = reminder_calls(alexa_api)   # none remembered: the list is asked first
    assert (listing.method, listing.path) == ("GET", "/v1/alerts/reminders")
    assert (call.method, call.path) == ("POST", "/v1/alerts/reminders")
    assert call.headers["Authorization"] == "Bearer TEST_API_ACCESS_TOKEN"
    body = call.body
    trigger = body["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE"
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]
    assert trigger["scheduledTime"] == trigger["recurrence"]["startDateTime"] == \
        "2026-11-25T08:00:00"
    assert trigger["timeZoneId"] == ZONE
    assert body["requestTime"] == "2026-11-25T06:30:00"   # 11:30 UTC on the device's clock
    assert body["alertInfo"]["spokenInfo"]["content"] == [{
        "locale": "en-US",
        "text": "Time for your muscle twitch guide tip. "
                "To hear it, ask muscle twitch guide for today's tip."}]
    assert body["pushNotification"] == {"status": "ENABLED"}


def test_a_time_zone_known_this_session_goes_into_the_reminder(remembering, alexa_api):
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    remembering("reminder_set_8am", time_zone="Pacific/Auckland")
    trigger = alexa_api.calls[-1].body["trigger"]
    assert trigger["timeZoneId"] == "Pacific/Auckland"
    assert trigger["scheduledTime"] == "2026-11-26T08:00:00"   # already the 26th there
    assert alexa_api.calls[-1].body["requestTime"] == "2026-11-26T00:30:00"


def test_every_reminder_carries_the_devices_time_zone_learned_from_the_settings_api(
        remembering, alexa_api):
    """Alexa Reminders API Reference: set timeZoneId, or the reminder may go off at the wrong
    time; requestTime is on that zone's clock."""
    alexa_api.on("GET", TIME_ZONE_PATH, 200, "Europe/London")
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    remembering("reminder_set_8am")
    body = reminder_calls(alexa_api)[-1].body
    assert body["trigger"]["timeZoneId"] == "Europe/London"
    assert body["requestTime"] == "2026-11-25T11:30:00"


def test_the_time_zone_costs_one_settings_call_a_day_not_one_a_session(remembering,
                                                                      alexa_api):
    """One Settings API call, kept in the user's record for the day: a later session that day
    (a new session, no session attributes) makes none."""
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    remembering("reminder_set_8am")
    remembering("reminder_set_8am")            # a second session, the same day
    remembering("daily_tip")                   # another turn that needs the user's date
    assert len([c for c in alexa_api.calls if TIME_ZONE_PATH.match(c.path)]) == 1


def test_the_next_day_the_time_zone_is_asked_again(remembering, alexa_api, store_path):
    store(store_path, {"time_zone": {"name": "Europe/London", "day": "2026-11-24"}})
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    remembering("reminder_set_8am")
    assert reminder_calls(alexa_api)[-1].body["trigger"]["timeZoneId"] == ZONE
    assert stored(store_path)["time_zone"] == {"name": ZONE, "day": "2026-11-25"}


@pytest.mark.parametrize("answer", [TIMEOUT, 403, 500])
def test_without_a_time_zone_no_reminder_is_set_and_the_person_is_told(remembering, alexa_api,
                                                                     store_path, answer):
    alexa_api.on("GET", TIME_ZONE_PATH, answer)
    reply = remembering("reminder_set_8am")
    assert reply.speech.startswith("I couldn't check your device's time zone just now")
    assert reply.speech.endswith("?") and reply.ends_session is False
    assert reminder_calls(alexa_api) == []
    assert stored(store_path) is None


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_the_reminder_never_says_the_wake_word(locale):
    """Alexa Reminders Guidelines for Usage: the reminder's words are Alexa's to speak; the wake
    word in them would wake devices nearby."""
    from skill.content import get_content

    assert "alexa" not in get_content().messages.text("reminder_text", locale).lower()


def test_an_existing_reminder_is_moved_not_doubled(remembering, alexa_api, store_path):
    store(store_path, {"reminder": {"token": "OLD", "time": "07:00"}})
    alexa_api.on("PUT", REMINDER_PATH, 200, {**CREATED, "alertToken": "OLD"})
    reply = remembering("reminder_set_8am")
    assert "every day at 8 AM" in reply.speech
    assert [(c.method, c.path) for c in reminder_calls(alexa_api)] == [
        ("PUT", "/v1/alerts/reminders/OLD")]
    assert stored(store_path)["reminder"] == {"token": "OLD", "time": "08:00"}


def test_with_nothing_remembered_the_skills_own_reminder_is_moved_not_doubled(
        remembering, alexa_api):
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [
        {"alertToken": "IN-ALEXA", "status": "ON"}], "totalCount": "1"})
    alexa_api.on("PUT", REMINDER_PATH, 200, {**CREATED, "alertToken": "IN-ALEXA"})
    remembering("reminder_set_8am")
    assert [(c.method, c.path) for c in reminder_calls(alexa_api)] == [
        ("GET", "/v1/alerts/reminders"), ("PUT", "/v1/alerts/reminders/IN-ALEXA")]


def test_a_reminder_deleted_in_the_app_is_created_again(remembering, alexa_api, store_path):
    store(store_path, {"reminder": {"token": "GONE", "time": "07:00"}})
    alexa_api.on("PUT", REMINDER_PATH, 404).on("POST", REMINDERS_PATH, 201, CREATED)
    remembering("reminder_set_8am")
    assert [c.method for c in reminder_calls(alexa_api)] == ["PUT", "POST"]
    assert stored(store_path)["reminder"]["token"] == "ALERT-TOKEN-1"


@pytest.mark.parametrize("status", sorted(ERRORS, key=str))
def test_every_failure_is_answered_and_nothing_is_lost(remembering, alexa_api, store_path,
                                                       status):
    record = {"reminder": {"token": "KEEP", "time": "07:00"}, "visits": 4, "topic": "caffeine"}
    store(store_path, record)
    alexa_api.on("PUT", REMINDER_PATH, status)
    reply = remembering("reminder_set_8am")
    assert reply.speech.startswith(ERRORS[status])
    assert reply.ends_session is False
    assert without_zone(stored(store_path)) == record


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_permission_gets_the_permission_card(remembering, alexa_api, store_path,
                                                       status):
    alexa_api.on("POST", REMINDERS_PATH, status)
    reply = remembering("reminder_set_8am")
    assert PERMISSION_CARD in reply.speech
    assert is_permission_card(reply)
    assert not any(d["type"] == "Connections.SendRequest" for d in reply.directives)
    assert without_zone(stored(store_path)) is None


def test_with_no_store_the_reminder_is_still_set(alexa_api):
    """Only the token cannot be kept; "cancel" finds the reminder through the API anyway."""
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    no_store = replayer(build_skill(Settings(), api_client=alexa_api))
    assert no_store("reminder_set_8am").speech.startswith("Okay. I'll remind you every day at 8 AM")
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [alert("ALERT-TOKEN-1")]})
    alexa_api.on("DELETE", REMINDER_PATH, 200)
    assert no_store("reminder_cancel").speech.startswith("Done. I've cancelled")


# --- the permission, asked for by voice -----------------------------------------------------------

def test_without_the_permission_alexa_is_asked_to_ask_by_voice(remembering, alexa_api):
    """Set Up Voice Permissions for Reminders: Connections.SendRequest named AskFor, with the
    version-1 AskForPermissionsConsentRequest payload (one permissionScope), nothing else."""
    reply = remembering("reminder_set_no_permission")
    assert reply.speech == "To remind you every day, I need your permission to set reminders."
    [directive] = reply.directives
    assert directive == {
        "type": "Connections.SendRequest", "name": "AskFor",
        "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                    "permissionScope": SCOPE},
        "token": "daily_reminder@08:00"}
    assert "shouldEndSession" not in reply.response
    assert "reprompt" not in reply.response
    assert alexa_api.calls == []


def test_once_granted_the_reminder_asked_for_is_set(remembering, alexa_api, store_path):
    """Set Up Voice Permissions for Reminders: the answer is a Connections.Response whose
    payload.status is ACCEPTED, with the directive's token."""
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    reply = remembering("reminder_askfor_accepted")
    assert reply.speech.startswith("Okay. I'll remind you every day at 8 AM")
    assert stored(store_path)["reminder"] == {"token": "ALERT-TOKEN-1", "time": "08:00"}


def test_a_denied_permission_is_respected(remembering, alexa_api):
    reply = remembering("reminder_askfor_denied")
    assert reply.speech.startswith("Okay, I won't set a reminder.")
    assert reply.card is None and alexa_api.calls == []


def test_an_unanswered_permission_leaves_a_card(remembering):
    reply = remembering("reminder_askfor_not_answered")
    assert reply.speech.startswith("No problem. If you change your mind")
    assert is_permission_card(reply)


def test_when_voice_consent_fails_the_card_is_used_from_then_on(remembering):
    failed = remembering("reminder_askfor_failed")
    assert PERMISSION_CARD in failed.speech and is_permission_card(failed)
    again = remembering("reminder_set_no_permission", **failed.attributes)
    assert is_permission_card(again) and again.directives == []


def test_only_the_documented_answer_is_taken_not_a_session_resumed_request(remembering):
    """One documented form: AskFor is answered by Connections.Response. A SessionResumedRequest
    answers Connections.StartConnection, which this skill never sends."""
    envelope = load_fixture("reminder_askfor_accepted")
    envelope["request"] = {**{k: envelope["request"][k] for k in
                              ("requestId", "timestamp", "locale")},
                           "type": "SessionResumedRequest",
                           "cause": {"type": "ConnectionCompleted", "token": "daily_reminder@08:00",
                                     "status": {"code": "200", "message": "OK"},
                                     "result": {"status": "ACCEPTED"}}}
    reply = remembering(envelope)
    assert not reply.speech.startswith("Okay. I'll remind you")


def test_a_connections_response_for_someone_else_is_not_taken(remembering):
    envelope = load_fixture("reminder_askfor_accepted")
    envelope["request"]["token"] = "something_else"
    reply = remembering(envelope)
    assert reply.speech.startswith("Sorry, something went wrong on my side.")


# --- asking for the time ------------------------------------------------------------------------

def test_without_a_time_the_skill_asks_and_takes_the_answer(remembering, alexa_api, store_path):
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    asked = remembering("reminder_set_no_time")
    assert asked.speech.startswith("What time each day should I remind you?")
    assert asked.attributes["follow_up"] == {"reminder": "time"}
    answered = remembering("reminder_time_answer", **asked.attributes)
    assert "every day at 7:30 PM" in answered.speech
    assert "BYHOUR=19;BYMINUTE=30" in alexa_api.calls[-1].body["trigger"]["recurrence"][
        "recurrenceRules"][0]
    assert stored(store_path)["reminder"]["time"] == "19:30"


def test_a_part_of_the_day_is_not_a_time_to_guess(remembering, alexa_api):
    reply = remembering("reminder_set_morning")
    assert reply.speech.startswith("I need a clock time for a daily reminder.")
    assert alexa_api.calls == []


def test_yes_and_no_while_the_time_is_asked_for(remembering):
    yes = remembering("yes_nothing_offered", follow_up={"reminder": "time"})
    assert yes.speech.startswith("Okay. What time each day?")
    assert yes.attributes["follow_up"] == {"reminder": "time"}
    no = remembering("no", follow_up={"reminder": "time"})
    assert no.speech.startswith("Okay, no reminder.")
    assert "follow_up" not in no.attributes


def test_a_bare_time_with_no_question_open_sets_nothing(remembering, alexa_api):
    reply = remembering("reminder_time_without_question")
    assert reply.speech.startswith("If you'd like a daily tip reminder, say, remind me every day")
    assert alexa_api.calls == []


# --- asking about it, cancelling it ---------------------------------------------------------------

def test_when_is_my_reminder(remembering, alexa_api):
    alexa_api.on("GET", REMINDERS_PATH, 200, {"totalCount": "1", "alerts": [alert("A")]})
    assert remembering("reminder_status").speech.startswith(
        "Your daily tip reminder is set for 8 AM.")


def test_no_reminder_and_a_stale_record_is_cleared(remembering, alexa_api, store_path):
    store(store_path, {"reminder": {"token": "GONE", "time": "08:00"}, "visits": 2})
    alexa_api.on("GET", REMINDERS_PATH, 200, {"totalCount": "0", "alerts": []})
    assert remembering("reminder_status").speech.startswith(
        "You don't have a daily reminder from me.")
    assert stored(store_path) == {"reminder": None, "visits": 2}


def test_a_completed_reminder_does_not_count(remembering, alexa_api):
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [alert("A", status="COMPLETED")]})
    assert remembering("reminder_status").speech.startswith("You don't have a daily reminder")


def test_without_permission_there_is_no_reminder_to_report(remembering, alexa_api):
    assert remembering("reminder_status_no_permission").speech.startswith(
        "You don't have a daily reminder from me.")
    assert alexa_api.calls == []


@pytest.mark.parametrize("status", [429, 500, TIMEOUT])
def test_asking_about_it_when_the_api_fails(remembering, alexa_api, status):
    alexa_api.on("GET", REMINDERS_PATH, status)
    assert remembering("reminder_status").speech.startswith(ERRORS[status])


def test_cancel_deletes_the_skills_reminders(remembering, alexa_api, store_path):
    store(store_path, {"reminder": {"token": "A", "time": "08:00"}, "visits": 2})
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [alert("A"), alert("B", rule=None)]})
    alexa_api.on("DELETE", REMINDER_PATH, 200)
    reply = remembering("reminder_cancel")
    assert reply.speech.startswith("Done. I've cancelled your daily tip reminder.")
    assert alexa_api.paths("DELETE") == ["/v1/alerts/reminders/A", "/v1/alerts/reminders/B"]
    assert stored(store_path) == {"reminder": None, "visits": 2}


def test_cancel_when_one_is_already_gone(remembering, alexa_api):
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [alert("A")]})
    alexa_api.on("DELETE", REMINDER_PATH, 404)
    assert remembering("reminder_cancel").speech.startswith("Done. I've cancelled")


def test_cancel_with_nothing_to_cancel(remembering, alexa_api):
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": []})
    assert remembering("reminder_cancel").speech.startswith("You don't have a daily reminder")
    assert alexa_api.paths("DELETE") == []


@pytest.mark.parametrize("status", [429, 500, TIMEOUT])
def test_a_failed_cancel_keeps_the_record(remembering, alexa_api, store_path, status):
    record = {"reminder": {"token": "A", "time": "08:00"}}
    store(store_path, record)
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [alert("A")]})
    alexa_api.on("DELETE", REMINDER_PATH, status)
    assert remembering("reminder_cancel").speech.startswith(ERRORS[status])
    assert stored(store_path) == record


def test_cancel_without_permission_points_to_the_app(remembering, store_path, alexa_api):
    store(store_path, {"reminder": {"token": "A", "time": "08:00"}})
    reply = remembering("reminder_cancel_no_permission")
    assert "You can delete it in the reminders section of the Alexa app." in reply.speech
    assert alexa_api.calls == []
