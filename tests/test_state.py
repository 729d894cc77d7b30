"""User records: kept between sessions, deleted on request, never clobbered by an outage."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.config import Settings
from skill.store import persistence_adapter
from skill.store.records import (
    SaveUserRecord,
    count,
    forget,
    remember,
    user_record,
)
from skill.store.sqlite import SQLitePersistenceAdapter
from tests.conftest import load_fixture


def envelope(user: str = "amzn1.ask.account.A") -> RequestEnvelope:
    data = load_fixture("launch")
    data["context"]["System"]["user"]["userId"] = user
    data["session"]["user"]["userId"] = user
    return DefaultSerializer().deserialize(payload=__import__("json").dumps(data),
                                           obj_type=RequestEnvelope)


def turn(adapter, request: RequestEnvelope) -> HandlerInput:
    return HandlerInput(request_envelope=request,
                        attributes_manager=AttributesManager(request, adapter))


def finish(handler_input: HandlerInput) -> None:
    SaveUserRecord().process(handler_input, None)


def test_a_record_is_kept_between_turns_and_users_are_separate(tmp_path):
    adapter = SQLitePersistenceAdapter(tmp_path / "users.sqlite3")
    first = turn(adapter, envelope())
    assert user_record(first) == {}
    assert remember(first, visits=1)
    finish(first)
    assert user_record(turn(adapter, envelope())) == {"visits": 1}
    assert user_record(turn(adapter, envelope("amzn1.ask.account.B"))) == {}


def test_forget_deletes_the_record(tmp_path):
    adapter = SQLitePersistenceAdapter(tmp_path / "users.sqlite3")
    first = turn(adapter, envelope())
    remember(first, visits=3)
    finish(first)
    second = turn(adapter, envelope())
    assert forget(second)
    finish(second)
    assert user_record(turn(adapter, envelope())) == {}


class BrokenStore(SQLitePersistenceAdapter):
    def read(self, user_id):
        raise RuntimeError("store is down")


def test_an_unreadable_store_never_overwrites_the_record(tmp_path):
    path = tmp_path / "users.sqlite3"
    healthy = turn(SQLitePersistenceAdapter(path), envelope())
    remember(healthy, history=["tip_water"])
    finish(healthy)

    outage = turn(BrokenStore(path), envelope())
    assert user_record(outage) == {}
    assert remember(outage, history=[]) is False
    finish(outage)
    assert user_record(turn(SQLitePersistenceAdapter(path), envelope())) == {
        "history": ["tip_water"]}


def test_settings_choose_the_store(tmp_path):
    assert persistence_adapter(Settings()) is None
    local = persistence_adapter(Settings(state_path=str(tmp_path / "s.sqlite3")))
    assert isinstance(local, SQLitePersistenceAdapter)
    assert Settings.from_env({"STATE_PATH": "none"}).state_path is None
    assert Settings.from_env({"STATE_TABLE": "users"}).state_table == "users"


def test_a_turns_changes_merge_into_a_record_changed_meanwhile():
    from skill.store.records import merge

    base = {"visits": 1, "topic": "a", "tips": {"d1": {"tip": "t1", "heard": ["t1"]}},
            "seen": [1, 2], "reminder": {"token": "A", "time": "08:00"}}
    mine = {"visits": 2, "topic": "b", "tips": {"d1": {"tip": "t1", "heard": ["t1", "t2"]}},
            "seen": [2, 3], "reminder": {"token": "A", "time": "08:00"}, "new": True}
    theirs = {"visits": 5, "topic": "c", "tips": {"d1": {"tip": "t1", "heard": ["t1", "t3"]},
                                                  "d2": {"tip": "t4", "heard": []}},
              "seen": [1, 2, 4], "reminder": None}
    assert merge(base, mine, theirs) == {
        "visits": 2,          # a plain number: this turn's value (counters use count())
        "topic": "b",         # last writer wins, field by field
        "tips": {"d1": {"tip": "t1", "heard": ["t1", "t3", "t2"]},
                 "d2": {"tip": "t4", "heard": []}},
        "seen": [2, 4, 3],    # sets: 1 removed by this turn, 3 added, 4 theirs
        "reminder": None,     # this turn left it alone: theirs stands
        "new": True,
    }


def test_a_record_written_before_versions_existed_still_loads_and_saves(tmp_path):
    import sqlite3

    path = tmp_path / "users.sqlite3"
    with sqlite3.connect(path) as db:   # the layout before versions
        db.execute("CREATE TABLE users (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)")
        db.execute("INSERT INTO users VALUES (?, ?)", ("amzn1.ask.account.A", '{"visits": 4}'))
    adapter = SQLitePersistenceAdapter(path)
    first = turn(adapter, envelope())
    assert user_record(first) == {"visits": 4}
    assert count(first, "visits") == 5
    finish(first)
    assert user_record(turn(adapter, envelope())) == {"visits": 5}


class EverChanging(SQLitePersistenceAdapter):
    """A store where another request always writes first: every conditional write is refused."""

    writes = 0

    def write(self, user_id, record, base):
        EverChanging.writes += 1
        return False


def test_a_save_that_keeps_conflicting_gives_up_after_a_bounded_number_of_tries(tmp_path, caplog):
    from skill.store import records

    adapter = EverChanging(tmp_path / "users.sqlite3")
    first = turn(adapter, envelope())
    count(first, "visits")
    finish(first)
    assert EverChanging.writes <= records.SAVE_ATTEMPTS
    assert "this turn's changes were dropped" in caplog.text
