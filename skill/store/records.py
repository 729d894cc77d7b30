"""What the skill remembers about a user between sessions, through the SDK's persistence adapter.

Locally (the simulator, the web service on one machine) the store is an embedded SQLite file; in
Lambda it is the DynamoDB table the SAM template creates (ask-sdk-dynamodb-persistence-adapter,
imported only there, because boto3 is heavy). Handlers never touch the adapter: they call
`user_record()` to read and `remember()` / `forget()` to change, and the `SaveUserRecord`
response interceptor writes once per request.

If the store cannot be read, the turn goes on without it and nothing is written back, so a
passing outage never overwrites what the user stored with an empty record.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope, Response

from skill.config import Settings

log = logging.getLogger(__name__)

_LOADED = "user_record_loaded"   # request attribute: the record was read successfully
_DIRTY = "user_record_dirty"     # request attribute: the record changed and must be saved
_DELETED = "user_record_deleted"


def user_key(request_envelope: RequestEnvelope) -> str:
    """The record's key: the Alexa user id (per user and skill, as Alexa issues it)."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError as error:
        raise PersistenceException("the request has no user id") from error
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request has no user id")
    return user_id


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """One row per user in a local SQLite file; safe across threads and processes (WAL).

    Nothing is opened when the adapter is made: a file that cannot be opened at start-up (a
    directory that cannot be created, a database another process holds locked) must not stop the
    skill from booting. The file is opened and set up on first use, and again on every request
    until that works; meanwhile each request fails with PersistenceException, which costs the
    turn its memory and nothing else.
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
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT,
                                         isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout={int(self.BUSY_TIMEOUT * 1000)}")
            # With WAL, NORMAL never corrupts the file and loses nothing when a process dies;
            # only a power cut can drop the last commits. It spares an fsync on every write.
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        if not self._ready:
            with self._setup_lock:
                if not self._ready:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute("CREATE TABLE IF NOT EXISTS users "
                                       "(id TEXT PRIMARY KEY, attributes TEXT NOT NULL)")
                    self._ready = True
        return connection

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        try:
            row = self._connect().execute("SELECT attributes FROM users WHERE id = ?",
                                          (user_key(request_envelope),)).fetchone()
            return json.loads(row[0]) if row else {}
        except (sqlite3.Error, OSError, ValueError) as error:
            raise PersistenceException(f"cannot read the user record: {error}") from error

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
                        ) -> None:
        try:
            self._connect().execute(
                "INSERT INTO users (id, attributes) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes",
                (user_key(request_envelope), json.dumps(attributes, sort_keys=True)))
        except (sqlite3.Error, OSError, TypeError, ValueError) as error:
            raise PersistenceException(f"cannot save the user record: {error}") from error

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        try:
            self._connect().execute("DELETE FROM users WHERE id = ?",
                                    (user_key(request_envelope),))
        except (sqlite3.Error, OSError) as error:
            raise PersistenceException(f"cannot delete the user record: {error}") from error


class UnavailableStore(AbstractPersistenceAdapter):
    """A configured store that could not even be set up: every call fails as an outage would."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _fail(self, *_: Any) -> Any:
        raise PersistenceException(f"the store could not be set up: {self.reason}")

    get_attributes = save_attributes = delete_attributes = _fail


def persistence_adapter(settings: Settings) -> AbstractPersistenceAdapter | None:
    """The store the settings name: DynamoDB when a table is configured, else SQLite, or none.

    Never raises: a store that cannot be set up answers every request as a store that is down.
    """
    try:
        if settings.state_table:
            # deferred: only the Lambda path pays for boto3
            from skill.store.dynamodb import dynamodb_adapter

            return dynamodb_adapter(settings.state_table, settings.dynamodb_endpoint)
        if settings.state_path:
            return SQLitePersistenceAdapter(settings.state_path)
    except Exception as error:
        log.error("the user store could not be set up; answering without memory: %s", error)
        return UnavailableStore(f"{type(error).__name__}: {error}")
    return None


def user_record(handler_input: HandlerInput) -> dict[str, Any]:
    """The user's stored record ({} for a new user, or when the store is unavailable)."""
    manager = handler_input.attributes_manager
    request_attributes = manager.request_attributes
    if request_attributes.get(_LOADED) is False:
        return {}
    if getattr(manager, "_persistence_adapter", None) is None:  # no store configured: not news
        request_attributes[_LOADED] = False
        return {}
    try:
        record = manager.persistent_attributes
    except Exception as error:
        log.warning("user record unavailable: %s", error)
        request_attributes[_LOADED] = False
        return {}
    if not isinstance(record, dict):
        record = {}
        manager.persistent_attributes = record
    request_attributes[_LOADED] = True
    return record


def remember(handler_input: HandlerInput, **changes: Any) -> bool:
    """Change the user's record; saved once, after the handler. False if the store is down."""
    record = user_record(handler_input)
    if handler_input.attributes_manager.request_attributes.get(_LOADED) is not True:
        return False
    record.update(changes)
    handler_input.attributes_manager.request_attributes[_DIRTY] = True
    return True


def forget(handler_input: HandlerInput) -> bool:
    """Delete everything stored about the user. False if the store could not do it."""
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except Exception as error:
        log.error("could not delete a user record: %s", error)
        return False
    request_attributes = handler_input.attributes_manager.request_attributes
    request_attributes[_DELETED] = True
    request_attributes.pop(_DIRTY, None)
    return True


class SaveUserRecord(AbstractResponseInterceptor):
    """Writes the user's record once per request, and only when it changed."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        request_attributes = handler_input.attributes_manager.request_attributes
        if not request_attributes.get(_DIRTY) or request_attributes.get(_DELETED):
            return
        try:
            handler_input.attributes_manager.save_persistent_attributes()
        except Exception as error:
            log.error("could not save a user record: %s", error)


def store_status(handler_input: HandlerInput) -> str:
    """ "none" (no store configured), "down" (configured but unreadable) or "ok".

    Lets a handler tell "I keep nothing about you" apart from "I cannot reach what I keep".
    """
    manager = handler_input.attributes_manager
    if getattr(manager, "_persistence_adapter", None) is None:
        return "none"
    user_record(handler_input)
    return "ok" if manager.request_attributes.get(_LOADED) is True else "down"
