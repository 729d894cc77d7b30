""""Forget me" holds: a save that began before the deletion never brings the record back.

The race is run across processes: another process (another device of the same user) has read the
record and is slow to save it; meanwhile this process hears "yes, forget me" and deletes. When the
slow save lands, the record must stay deleted. A visit that starts AFTER the deletion is a new
beginning and may create a fresh record; the slow save must not add to that one either.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Reply, load_fixture
from tests.test_state_dynamodb import (  # noqa: F401  (aws_env, dynamodb_url: fixtures)
    aws_env,
    create_state_table,
    dynamodb_url,
)

USER = "amzn1.ask.account.TEST_USER"
TIMEOUT = 60.0


def slow_launch(env: dict[str, str], has_read: Any, may_save: Any) -> None:
    """Another process: a launch that has read the record, then waits before it saves."""
    os.environ.update(env)
    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.store import records
    from tests.alexa_api import FakeAlexaApi

    original = records.SaveUserRecord.process

    def slow(self, handler_input, response):
        has_read.set()
        may_save.wait(TIMEOUT)
        original(self, handler_input, response)

    records.SaveUserRecord.process = slow
    skill = build_skill(Settings.from_env(), api_client=FakeAlexaApi())
    handle_event(skill, load_fixture("memory_launch"))


class Store:
    """One store, seen from this process: run a request, read the stored record."""

    def __init__(self, env: dict[str, str], read: Callable[[], dict | None]) -> None:
        self.env = env
        self.read = read
        from skill.app import build_skill
        from skill.config import Settings
        from tests.alexa_api import FakeAlexaApi

        settings = Settings.from_env({**os.environ, **env})
        self.skill = build_skill(settings, api_client=FakeAlexaApi())

    def say(self, fixture: str, **attributes: Any) -> Reply:
        from skill.app import handle_event

        envelope = load_fixture(fixture)
        envelope["session"]["attributes"].update(attributes)
        return Reply(handle_event(self.skill, envelope))

    def forget(self) -> None:
        asked = self.say("memory_forget_me")
        assert asked.attributes.get("follow_up") == {"confirm": "forget_me"}, asked.speech
        done = self.say("memory_forget_yes", **asked.attributes)
        assert done.speech.startswith("Done. I've deleted everything"), done.speech

    def with_slow_save(self, meanwhile: Callable[[], None]) -> None:
        context = multiprocessing.get_context("spawn")
        has_read, may_save = context.Event(), context.Event()
        other = context.Process(target=slow_launch, args=(self.env, has_read, may_save))
        other.start()
        try:
            assert has_read.wait(TIMEOUT), "the other process never read the record"
            meanwhile()
        finally:
            may_save.set()
            other.join(TIMEOUT)
            if other.is_alive():
                other.kill()
        assert other.exitcode == 0


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path) -> Store:
    if request.param == "sqlite":
        path = tmp_path / "users.sqlite3"

        def read_sqlite() -> dict | None:
            with sqlite3.connect(path) as db:
                row = db.execute("SELECT attributes FROM users WHERE id = ?",
                                 (USER,)).fetchone()
            return json.loads(row[0]) if row else None

        return Store({"STATE_TABLE": "", "STATE_PATH": str(path)}, read_sqlite)
    url = request.getfixturevalue("dynamodb_url")
    table = create_state_table(url, f"users-race-{request.node.name[-20:].strip('[]')}")

    def read_dynamodb() -> dict | None:
        from skill.store.dynamodb import from_item

        item = table.get_item(Key={"id": USER}, ConsistentRead=True).get("Item")
        return from_item(item["attributes"]) if item else None

    env = {"STATE_TABLE": table.name, "DYNAMODB_ENDPOINT": url,
           **{name: os.environ[name] for name in (
               "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
               "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")}}
    return Store(env, read_dynamodb)


def test_a_slow_save_from_before_forget_me_does_not_bring_the_record_back(store):
    store.say("cause_coffee")
    store.say("memory_launch")
    assert store.read()["visits"] == 1
    store.with_slow_save(store.forget)
    assert store.read() is None
    assert store.say("memory_launch").speech.startswith("Welcome to Muscle Twitch Guide.")


def test_a_slow_first_visit_from_before_forget_me_does_not_create_the_record(store):
    def another_device_creates_then_forgets() -> None:
        store.say("cause_coffee")
        assert store.read() is not None
        store.forget()

    store.with_slow_save(another_device_creates_then_forgets)
    assert store.read() is None


def test_a_visit_after_forget_me_starts_afresh_and_the_slow_save_adds_nothing(store):
    store.say("memory_launch")
    store.say("memory_launch")

    def forget_then_visit() -> None:
        store.forget()
        assert store.say("memory_launch").speech.startswith("Welcome to Muscle Twitch Guide.")

    store.with_slow_save(forget_then_visit)
    assert store.read()["visits"] == 1
    assert store.say("memory_launch").speech.startswith("Welcome back to Muscle Twitch Guide.")
