"""What the SQLite store leaves on disk: files only their owner can read, and no trace of a user
who asked to be forgotten (not in the database, not in its write-ahead log)."""

from __future__ import annotations

import os
import stat

from skill.app import build_skill
from skill.config import Settings
from tests.alexa_api import FakeAlexaApi
from tests.conftest import replayer

USER = "amzn1.ask.account.TEST_USER"


def files(path) -> list:
    names = (path.name, f"{path.name}-wal", f"{path.name}-shm")
    return [path.with_name(name) for name in names if path.with_name(name).exists()]


def test_the_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)   # the usual umask, which would make them 0644
    try:
        path = tmp_path / "state" / "users.sqlite3"
        run = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
        run("cause_coffee")
        present = files(path)
        assert len(present) == 3, present   # the skill still holds its connection: WAL and SHM
        for f in present:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f"{f.name}: {oct(f.stat().st_mode)}"
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "users.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))("cause_coffee")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_after_forget_me_the_user_id_is_in_none_of_the_stores_files(tmp_path):
    path = tmp_path / "users.sqlite3"
    run = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
    run("cause_coffee")
    run("memory_launch")
    other = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
    other("memory_launch")   # a second connection (another worker) is open too
    assert any(USER.encode() in f.read_bytes() for f in files(path))
    asked = run("memory_forget_me")
    assert run("memory_forget_yes", **asked.attributes).speech.startswith("Done.")
    for f in files(path):
        data = f.read_bytes()
        assert USER.encode() not in data, f.name
        assert b"caffeine" not in data, f.name


def test_a_deletion_marker_is_kept_an_hour_then_removed(tmp_path):
    import sqlite3
    import time

    from skill.store.records import MARKER_SECONDS, marker_key

    path = tmp_path / "users.sqlite3"
    run = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
    run("cause_coffee")
    asked = run("memory_forget_me")
    run("memory_forget_yes", **asked.attributes)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT key FROM forgotten").fetchall() == [(marker_key(USER),)]
        db.execute("UPDATE forgotten SET at = ?", (time.time() - MARKER_SECONDS - 1,))
    later = replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))
    later("memory_launch")
    with sqlite3.connect(path) as db:   # a process starting later sweeps it away
        assert db.execute("SELECT count(*) FROM forgotten").fetchone()[0] == 0
