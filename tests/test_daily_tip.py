"""Today's tip is chosen by the user's own date; "another tip" never repeats one heard today."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from skill.content import get_content
from skill.tips import another_tip, daily_tip
from tests.alexa_api import TIME_ZONE_PATH, TIMEOUT
from tests.conftest import load_fixture

TIPS = get_content().entries("tip")
TITLES = {tip.id: tip for tip in TIPS}
USER = "amzn1.ask.account.TEST_USER"
UTC_DAY = date(2026, 11, 25)        # the fixtures' timestamp: 2026-11-25T11:30:00Z
AUCKLAND_DAY = date(2026, 11, 26)   # ... which is 00:30 on the 26th in Auckland


def tip_heard(reply) -> str:
    """Which tip was spoken: the one whose words are in the speech."""
    heard = [tip.id for tip in TIPS if tip.speech in reply.speech]
    assert len(heard) == 1, reply.speech
    return heard[0]


def at(name: str, moment: datetime, attributes: dict | None = None, new: bool | None = None
       ) -> dict:
    envelope = load_fixture(name)
    envelope["request"]["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if attributes is not None:
        envelope["session"]["attributes"] = attributes
    if new is not None:
        envelope["session"]["new"] = new
    return envelope


def stored(path) -> dict:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT attributes FROM users WHERE id = ?", (USER,)).fetchone()
    return json.loads(row[0]) if row else {}


def test_the_tip_follows_the_users_own_date_from_the_settings_api(remembering, alexa_api):
    alexa_api.on("GET", TIME_ZONE_PATH, 200, "Pacific/Auckland")
    reply = remembering("daily_tip_near_midnight")
    assert tip_heard(reply) == daily_tip(TIPS, USER, AUCKLAND_DAY).id
    assert reply.speech.startswith("Here's today's tip.")
    assert reply.card["title"] == "Today's tip"
    assert alexa_api.paths("GET") == [
        "/v2/devices/amzn1.ask.device.TEST_DEVICE/settings/System.timeZone"]
    assert alexa_api.calls[0].headers["Authorization"] == "Bearer TEST_API_ACCESS_TOKEN"


@pytest.mark.parametrize("answer", [403, 500, 429, TIMEOUT])
def test_without_a_time_zone_the_request_date_in_utc_decides(remembering, alexa_api, answer):
    alexa_api.on("GET", TIME_ZONE_PATH, answer)
    reply = remembering("daily_tip_near_midnight")
    assert tip_heard(reply) == daily_tip(TIPS, USER, UTC_DAY).id
    assert daily_tip(TIPS, USER, UTC_DAY) != daily_tip(TIPS, USER, AUCKLAND_DAY)
    assert reply.ends_session is False


def test_a_zone_name_this_machine_does_not_know_falls_back_to_utc(remembering, alexa_api):
    alexa_api.on("GET", TIME_ZONE_PATH, 200, "Mars/Olympus_Mons")
    assert tip_heard(remembering("daily_tip_near_midnight")) == daily_tip(TIPS, USER, UTC_DAY).id


def test_the_time_zone_is_looked_up_once_per_session(remembering, alexa_api):
    alexa_api.on("GET", TIME_ZONE_PATH, 200, "Pacific/Auckland")
    first = remembering("daily_tip_near_midnight")
    assert first.attributes["time_zone"] == "Pacific/Auckland"
    remembering("daily_another_tip", **first.attributes)
    assert len(alexa_api.paths("GET")) == 1


def test_a_failed_lookup_is_not_retried_within_the_session(remembering, alexa_api):
    alexa_api.on("GET", TIME_ZONE_PATH, TIMEOUT)
    first = remembering("daily_tip_near_midnight")
    assert first.attributes["time_zone"] == ""
    again = remembering("daily_another_tip", **first.attributes)
    assert "Here's another tip." in again.speech
    assert len(alexa_api.paths("GET")) == 1


def test_the_same_tip_all_day_and_a_new_one_tomorrow(remembering):
    morning = datetime(2026, 11, 25, 0, 5)
    first = tip_heard(remembering(at("daily_tip_near_midnight", morning)))
    late = tip_heard(remembering(at("daily_tip_near_midnight", morning + timedelta(hours=23))))
    tomorrow = tip_heard(remembering(at("daily_tip_near_midnight", morning + timedelta(days=1))))
    assert first == late
    assert tomorrow != first


def test_never_the_same_daily_tip_two_days_running_even_after_other_tips(remembering):
    previous = None
    for offset in range(40):
        day = datetime(2026, 1, 1, 9) + timedelta(days=offset)
        tip = tip_heard(remembering(at("daily_tip_near_midnight", day)))
        for _ in range(offset % 4):  # some days the user also asks for more
            remembering(at("daily_another_tip", day))
        assert tip != previous
        previous = tip


def test_today_avoids_the_tips_heard_yesterday(remembering, store_path):
    yesterday = datetime(2026, 3, 1, 20)
    remembering(at("daily_tip_near_midnight", yesterday))
    for _ in range(3):
        remembering(at("daily_another_tip", yesterday))
    heard_yesterday = stored(store_path)["tips"]["2026-03-01"]["heard"]
    assert len(heard_yesterday) == 4
    today = tip_heard(remembering(at("daily_tip_near_midnight", yesterday + timedelta(hours=12))))
    assert today not in heard_yesterday


def test_another_tip_is_one_not_yet_heard_today_until_all_are_heard(remembering, store_path):
    moment = datetime(2026, 5, 5, 12)
    daily = tip_heard(remembering(at("daily_tip_near_midnight", moment)))
    heard = [daily]
    for _ in range(len(TIPS) - 1):
        reply = remembering(at("daily_another_tip", moment, new=True))  # new sessions: the record
        assert reply.speech.startswith("Here's another tip.")
        heard.append(tip_heard(reply))
    assert sorted(heard) == sorted(TITLES)
    done = remembering(at("daily_another_tip", moment))
    assert f"You've heard all {len(TIPS)} of my tips today" in done.speech
    assert stored(store_path)["tips"]["2026-05-05"] == {"tip": daily, "heard": heard}


def test_another_tip_first_keeps_todays_tip_for_today(remembering):
    moment = datetime(2026, 5, 6, 8)
    other = tip_heard(remembering(at("daily_another_tip", moment)))
    today = tip_heard(remembering(at("daily_tip_near_midnight", moment)))
    assert other != today
    assert today == daily_tip(TIPS, USER, date(2026, 5, 6)).id


def test_with_no_store_the_session_still_prevents_repeats(replay):
    reply = replay("daily_tip_near_midnight")
    heard = [tip_heard(reply)]
    for _ in range(3):
        reply = replay("daily_another_tip", **reply.attributes)
        heard.append(tip_heard(reply))
    assert len(set(heard)) == 4


def test_the_history_keeps_two_weeks(remembering, store_path):
    for offset in range(20):
        remembering(at("daily_tip_near_midnight", datetime(2026, 7, 1, 9) + timedelta(days=offset)))
    days = sorted(stored(store_path)["tips"])
    assert len(days) == 14
    assert days[-1] == "2026-07-20" and days[0] == "2026-07-07"


def test_a_damaged_history_does_not_break_the_tip(remembering, store_path, alexa_api):
    remembering(at("daily_tip_near_midnight", datetime(2026, 8, 1, 9)))
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE users SET attributes = ?", (json.dumps(
            {"tips": {"2026-08-01": {"tip": 7, "heard": "x"}, "2026-07-31": []}, "visits": 3}),))
    reply = remembering(at("daily_tip_near_midnight", datetime(2026, 8, 1, 10)))
    assert tip_heard(reply)
    assert stored(store_path)["visits"] == 3


def test_the_choice_functions_keep_their_promises():
    day = date(2026, 2, 2)
    for user in ("a", "b", "c", "d"):
        first = daily_tip(TIPS, user, day)
        assert daily_tip(TIPS, user, day + timedelta(days=1)).id != first.id
        everything = [t.id for t in TIPS]
        assert daily_tip(TIPS, user, day, everything).id != everything[0]
        assert daily_tip(TIPS, user, day, [first.id]).id != first.id
        assert another_tip(TIPS, user, day, first.id, everything) is None
        assert another_tip(TIPS, user, day, first.id, []).id != first.id


@pytest.mark.parametrize("name", ["America", "Europe/" + "x" * 300, "Europe/Pa\x01ris",
                                  "Europe/Paris\x00", "../../etc/localtime", "/etc/localtime",
                                  "Europe//Paris", " Europe/Paris"])
def test_a_malformed_zone_name_from_the_settings_api_falls_back_to_utc(remembering, alexa_api,
                                                                       name):
    alexa_api.on("GET", TIME_ZONE_PATH, 200, name)
    reply = remembering("daily_tip_near_midnight")
    assert tip_heard(reply) == daily_tip(TIPS, USER, UTC_DAY).id
    assert reply.attributes["time_zone"] == ""


@pytest.mark.parametrize("name", ["America", "A" * 300, "Europe/Pa\x01ris", "Europe/Paris\x00"])
def test_a_malformed_zone_name_carried_in_the_session_falls_back_to_utc(remembering, name):
    reply = remembering("daily_tip_near_midnight", time_zone=name)
    assert tip_heard(reply) == daily_tip(TIPS, USER, UTC_DAY).id


def test_every_zone_name_in_the_zone_database_is_still_accepted():
    from zoneinfo import available_timezones

    from skill.alexa.clock import _zone

    assert [name for name in sorted(available_timezones()) if _zone(name) is None] == []
