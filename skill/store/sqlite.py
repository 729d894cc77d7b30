"""User records in an embedded SQLite file: the store of the simulator and of the web service.

Imported only when a request needs it (skill.store.persistence_adapter), so the Lambda, which
keeps its records in DynamoDB, never pays for sqlite3. The record's rules (versions, merging,
deletion markers) live in skill/store/records.py; this module only stores and reads.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import PersistenceException

from skill.store.records import (
    MARKER_SECONDS,
    Stored,
    VersionedAdapter,
    marker_key,
    unreadable_or,
)

log = logging.getLogger(__name__)


class SQLitePersistenceAdapter(VersionedAdapter):
    """One row per user in a local SQLite file; safe across threads and processes (WAL).

    Nothing is opened when the adapter is made: a file that cannot be opened at start-up (a
    directory that cannot be created, a database another process holds locked) must not stop the
    skill from booting. The file is opened and set up on first use, and again on every request
    until that works; meanwhile each request fails with PersistenceException, which costs the
    turn its memory and nothing else.

    What it leaves on disk: the file (and SQLite's -wal and -shm beside it, which take its mode)
    is readable by its owner only (0600), in a directory created 0700; deleted rows are
    overwritten with zeros (secure_delete), and after a deletion the write-ahead log is
    checkpointed and truncated, so a forgotten user's id and record stay in no file.
    """

    # Seconds a statement waits for another process's lock. Alexa waits 8 s for a whole turn,
    # which may read and then write: a lock held longer than this is an outage, not a queue.
    BUSY_TIMEOUT = 2.0

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._ready = False
        self._setup_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if not self._ready:
                self._create_private_files()
            connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT,
                                         isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout={int(self.BUSY_TIMEOUT * 1000)}")
            connection.execute("PRAGMA secure_delete=ON")
            # With WAL, NORMAL never corrupts the file and loses nothing when a process dies;
            # only a power cut can drop the last commits. It spares an fsync on every write.
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        if not self._ready:
            with self._setup_lock:
                if not self._ready:
                    self._set_up(connection)
                    self._ready = True
        return connection

    def _create_private_files(self) -> None:
        """The directory (0700 when created here) and the file, 0600 before SQLite opens it."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        for name in (self.path.name, f"{self.path.name}-wal", f"{self.path.name}-shm"):
            path = self.path.with_name(name)
            try:
                if path.exists() and path.stat().st_mode & 0o077:
                    os.chmod(path, 0o600)   # a file from before: made private
            except OSError as error:   # not ours to change: say so, and go on
                log.warning("the store's file %s stays readable by others: %s", name, error)

    @staticmethod
    def _set_up(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, "
                   "attributes TEXT NOT NULL, version INTEGER, born INTEGER)")
        db.execute("CREATE TABLE IF NOT EXISTS forgotten "
                   "(key TEXT PRIMARY KEY, version INTEGER NOT NULL, at REAL NOT NULL)")
        # A marker older than MARKER_SECONDS has outlived any save: such markers go at start-up
        # and with every deletion, so even a quiet store does not keep them for long.
        db.execute("DELETE FROM forgotten WHERE at < ?", (time.time() - MARKER_SECONDS,))
        columns = {row[1] for row in db.execute("PRAGMA table_info(users)")}
        for column in ("version", "born"):   # a file from before versions: rows load as 0
            if column not in columns:
                try:
                    db.execute(f"ALTER TABLE users ADD COLUMN {column} INTEGER")
                except sqlite3.OperationalError as error:   # another process was first
                    if "duplicate column" not in str(error):
                        raise

    @staticmethod
    def _marker(db: sqlite3.Connection, user_id: str) -> int:
        row = db.execute("SELECT version FROM forgotten WHERE key = ?",
                         (marker_key(user_id),)).fetchone()
        return row[0] if row and isinstance(row[0], int) else 0

    def read(self, user_id: str) -> Stored:
        try:
            db = self._connect()
            db.execute("BEGIN")   # the record and the marker from one snapshot
            try:
                row = db.execute("SELECT attributes, version, born FROM users WHERE id = ?",
                                 (user_id,)).fetchone()
                forgotten = self._marker(db, user_id) if row is None else 0
            finally:
                db.execute("COMMIT")
        except (sqlite3.Error, OSError) as error:
            raise PersistenceException(f"cannot read the user record: {error}") from error
        if row is None:
            return Stored(forgotten=forgotten)
        try:
            record = json.loads(row[0])
        except (TypeError, ValueError, RecursionError):
            record = None
        return unreadable_or(record, Stored(exists=True, version=row[1], born=row[2]),
                             len(row[0]) if isinstance(row[0], str | bytes) else 0)

    def write(self, user_id: str, record: dict[str, Any], base: Stored) -> bool:
        try:
            text = json.dumps(record, sort_keys=True, allow_nan=False)
            db = self._connect()
            if base.exists:   # one statement: the check and the write are one atomic step
                cursor = db.execute("UPDATE users SET attributes = ?, version = ? "
                                    "WHERE id = ? AND version IS ? AND born IS ?",
                                    (text, base.next_version(), user_id, base.version,
                                     base.born))
                return cursor.rowcount == 1
            db.execute("BEGIN IMMEDIATE")   # a first record: only if no deletion came between
            try:
                created = self._marker(db, user_id) == base.forgotten and db.execute(
                    "INSERT INTO users (id, attributes, version, born) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO NOTHING",
                    (user_id, text, base.next_version(), base.forgotten)).rowcount == 1
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return created
        except (sqlite3.Error, OSError, TypeError, ValueError) as error:
            raise PersistenceException(f"cannot save the user record: {error}") from error

    def delete(self, user_id: str) -> None:
        now = time.time()
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM users WHERE id = ?", (user_id,))
                db.execute("INSERT INTO forgotten (key, version, at) VALUES (?, 1, ?) "
                           "ON CONFLICT(key) DO UPDATE SET version = version + 1, at = ?",
                           (marker_key(user_id), now, now))
                db.execute("DELETE FROM forgotten WHERE at < ?", (now - MARKER_SECONDS,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as error:
            raise PersistenceException(f"cannot delete the user record: {error}") from error
        self._checkpoint(db)

    @staticmethod
    def _checkpoint(db: sqlite3.Connection) -> None:
        """Move the log into the database file and empty it: the deleted row's old pages must
        not linger in the -wal file (the deletion is done either way; this only tidies)."""
        try:
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error as error:
            busy, reason = 1, str(error)
        else:
            reason = "a reader was still on it"
        if busy:
            log.warning("the store's write-ahead log was not emptied after a deletion (%s); "
                        "the next checkpoint will", reason)
