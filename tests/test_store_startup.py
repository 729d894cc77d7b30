"""The store down at start-up: the skill still boots and answers, without memory.

gunicorn workers and Lambda containers build the skill once, at start; a store that cannot be
opened then (a path that cannot be created, a database another process holds locked) must cost
requests their memory, exactly as a store failing during a request does, never the whole skill.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest

import skill.app
from skill.app import build_skill
from skill.config import Settings
from tests.alexa_api import FakeAlexaApi
from tests.conftest import replayer


def answers_without_memory(state_path) -> None:
    run = replayer(build_skill(Settings(state_path=str(state_path)), api_client=FakeAlexaApi()))
    assert run("memory_launch").speech.startswith("Welcome to Muscle Twitch Guide.")
    assert "caffeine" in run("cause_coffee").speech.lower()
    assert run("memory_forget_me").speech.startswith("Sorry, I can't reach my memory right now")


def test_a_state_path_that_cannot_be_created_does_not_stop_the_skill(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the store's directory should be")
    answers_without_memory(blocker / "users.sqlite3")


def test_a_state_path_that_is_a_directory_does_not_stop_the_skill(tmp_path):
    answers_without_memory(tmp_path)


def test_the_lambda_entry_answers_when_the_store_cannot_be_opened(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("STATE_PATH", str(blocker / "users.sqlite3"))
    monkeypatch.delenv("STATE_TABLE", raising=False)
    monkeypatch.setattr(skill.app, "_skill", None)
    from tests.conftest import Reply, load_fixture

    reply = Reply(skill.app.lambda_handler(load_fixture("launch"), None))
    assert reply.speech.startswith("Welcome to Muscle Twitch Guide.")


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("CREATE TABLE IF NOT EXISTS t (x)")
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def locked_database(tmp_path):
    """A database file another process holds an exclusive lock on (for up to 30 s)."""
    path = tmp_path / "users.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield path, holder
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_database_locked_at_start_does_not_stop_the_skill(locked_database):
    path, _ = locked_database
    started = time.monotonic()
    skill = build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi())
    assert time.monotonic() - started < 1.0, "building the skill must not wait for the lock"
    reply = replayer(skill)("memory_launch")
    assert reply.speech.startswith("Welcome to Muscle Twitch Guide.")
    assert time.monotonic() - started < 7.0, "Alexa waits 8 s at most"


def test_the_store_is_used_once_the_lock_is_released(locked_database):
    path, holder = locked_database
    run = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
    assert run("memory_launch").speech.startswith("Welcome to Muscle Twitch Guide.")
    holder.kill()
    holder.wait(timeout=10)
    run("memory_launch")
    assert run("memory_launch").speech.startswith("Welcome back to Muscle Twitch Guide.")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
