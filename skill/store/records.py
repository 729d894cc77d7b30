"""What the skill remembers about a user between sessions, and how it is kept safe from races.

Locally (the simulator, the web service on one machine) the store is an embedded SQLite file; in
Lambda it is the DynamoDB table the SAM template creates (skill/store/dynamodb.py, imported only
there, because boto3 is heavy; skill/store/sqlite.py locally; skill.store.persistence_adapter
picks one). Handlers never touch a store: they call `user_record()` to read
and `remember()` / `count()` / `forget()` to change, and the `SaveUserRecord` response interceptor
writes once per request.

Several requests for one user can run at once (two devices; gunicorn workers; Lambda instances).
Each write is therefore conditional on the version the turn read (optimistic concurrency). When
another request wrote in between, the write is refused; the turn re-reads the record and applies
its own changes again on top (`merge`): counters (`count()`) as increments, dicts key by key,
lists as sets (what this turn added is added, what it removed is removed), any other field as
this turn's value. A bounded number of tries, then the turn gives up and says so in the log.

"Forget me" must hold against a request that is still saving (another device, a slow worker):
a deletion leaves a marker, the version of deletions for that user, kept under a hash of the user
id (never the id itself, and no content) for MARKER_SECONDS, and every record notes the marker it
was born after. A save that read the record before a deletion finds the record gone, or born
after another deletion, or the marker moved on, and gives its changes up: the deletion wins. A
visit that starts after the deletion reads the new marker and may create a fresh record.

If the store cannot be read, the turn goes on without it and nothing is written back, so a
passing outage never overwrites what the user stored with an empty record. One record that
cannot be understood (bad JSON, not an object) is no outage: it is logged (its size, never its
content), read as empty, replaced by the next save and deleted by "forget me" like any other.
"""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope, Response

log = logging.getLogger(__name__)

_LOADED = "user_record_loaded"   # request attribute: the record was read successfully
_DIRTY = "user_record_dirty"     # request attribute: the record changed and must be saved
_DELETED = "user_record_deleted"
_BASE = "user_record_base"       # request attribute: the Stored record as read
_RECORD = "user_record"          # request attribute: the record this turn is changing
_COUNTS = "user_record_counts"   # request attribute: {key: increment} from count()

# A save tries this many times, within this many seconds, before giving up on its changes.
SAVE_ATTEMPTS = 16
SAVE_SECONDS = 3.0
# How long a deletion marker is kept: far longer than any request can run (Lambda stops the
# skill after 7 s, gunicorn after 10 s), so no save from before a deletion can outlive it.
MARKER_SECONDS = 3600


def marker_key(user_id: str) -> str:
    """Where a user's deletion marker is kept: a hash, so the store keeps no id of a forgotten
    user (it links back to a user only for someone who already holds the id)."""
    import hashlib  # only deletions and first writes need it: not on every cold start

    return "forgotten#" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()


class Stored:
    """A user's record as read, with what a write conditional on it needs.

    A plain class rather than a dataclass: every cold start defines it, and generating a
    dataclass's methods costs more than this whole module otherwise does.
    """

    __slots__ = ("born", "exists", "forgotten", "readable", "record", "version")

    def __init__(self, record: dict[str, Any] | None = None, exists: bool = False,
                 version: Any = None, born: Any = None, forgotten: int = 0,
                 readable: bool = True) -> None:
        self.record: dict[str, Any] = {} if record is None else record  # {}: there is none
        self.exists = exists
        self.version = version  # as stored: None for a record written before versions existed
        self.born = born        # the deletion marker the record was created after (None: before)
        self.forgotten = forgotten  # no record: the user's deletion marker (0: none kept)
        self.readable = readable    # False: a record is there but could not be understood

    def _values(self) -> tuple[Any, ...]:
        return self.record, self.exists, self.version, self.born, self.forgotten, self.readable

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return ("Stored(record={!r}, exists={!r}, version={!r}, born={!r}, forgotten={!r}, "
                "readable={!r})".format(*self._values()))

    def next_version(self) -> int:
        return (self.version if isinstance(self.version, int) else 0) + 1

    def deleted_before(self, now: Stored) -> bool:
        """Whether the user's record was deleted between this read and `now`."""
        if self.exists:
            return not now.exists or now.born != self.born
        if now.exists:
            return now.born != self.forgotten
        return now.forgotten != self.forgotten


def user_key(request_envelope: RequestEnvelope) -> str:
    """The record's key: the Alexa user id (per user and skill, as Alexa issues it)."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError as error:
        raise PersistenceException("the request has no user id") from error
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request has no user id")
    return user_id


class VersionedAdapter(AbstractPersistenceAdapter):
    """What records.py needs of a store (`read`, a conditional `write`, `delete`), and the SDK's
    adapter interface on top of it.

    The skill itself goes through records.py's functions; the SDK methods keep its
    AttributesManager working, and even their whole-record save is conditional (the last writer
    wins, nothing is torn).
    """

    def read(self, user_id: str) -> Stored:
        """The user's record as stored now, with its version and deletion marker."""
        raise NotImplementedError

    def write(self, user_id: str, record: dict[str, Any], base: Stored) -> bool:
        """Store `record` if the stored one is still `base`; False (nothing written) if not."""
        raise NotImplementedError

    def delete(self, user_id: str) -> None:
        """Delete the record whatever it holds, and move the user's deletion marker on."""
        raise NotImplementedError

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self.read(user_key(request_envelope)).record

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
                        ) -> None:
        user_id = user_key(request_envelope)
        for _ in range(SAVE_ATTEMPTS):
            if self.write(user_id, attributes, self.read(user_id)):
                return
        raise PersistenceException("the user record kept changing; not saved")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.delete(user_key(request_envelope))


def unreadable_or(record: Any, stored: Stored, size: int) -> Stored:
    """`stored` holding `record`, or marked unreadable (and logged) when it is not an object."""
    if isinstance(record, dict):
        stored.record = record
        return stored
    log.warning("a user record could not be understood (%d bytes, %s); it reads as empty and "
                "the next save replaces it", size, type(record).__name__)
    stored.readable = False
    return stored


class UnavailableStore(VersionedAdapter):
    """A configured store that could not even be set up: every call fails as an outage would."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _fail(self, *_: Any) -> Any:
        raise PersistenceException(f"the store could not be set up: {self.reason}")

    read = write = delete = _fail


# --- merging a turn's changes into a record another request changed meanwhile ---------------

_ABSENT = object()


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def merge(base: Any, mine: Any, theirs: Any) -> Any:
    """This turn's changes (`base` -> `mine`) applied to `theirs`, what the store holds now.

    Where this turn changed nothing, theirs stands; where only this turn changed, mine does.
    Where both changed: dicts merge key by key, lists as sets in order (added items added, removed
    items removed), anything else is this turn's value (the last writer wins for that field).
    `_ABSENT` stands for a key that is not there.
    """
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict) and (
            isinstance(base, dict) or base is _ABSENT):
        base_dict = base if isinstance(base, dict) else {}
        merged = {}
        for key in {**theirs, **mine, **base_dict}:
            value = merge(base_dict.get(key, _ABSENT), mine.get(key, _ABSENT),
                          theirs.get(key, _ABSENT))
            if value is not _ABSENT:
                merged[key] = value
        return merged
    if isinstance(mine, list) and isinstance(theirs, list) and (
            isinstance(base, list) or base is _ABSENT):
        base_list = base if isinstance(base, list) else []
        removed = [item for item in base_list if item not in mine]
        added = [item for item in mine if item not in base_list and item not in theirs]
        return [item for item in theirs if item not in removed] + added
    return mine


def _merged(base: Stored, mine: dict[str, Any], counts: dict[str, int], theirs: Stored
            ) -> dict[str, Any]:
    merged = merge(base.record, mine, theirs.record)
    for key, increment in counts.items():
        stored = theirs.record.get(key)
        merged[key] = (stored if _is_count(stored) else 0) + increment
    return merged


# --- what handlers call -------------------------------------------------------------------


def _store(handler_input: HandlerInput) -> VersionedAdapter | None:
    return getattr(handler_input.attributes_manager, "_persistence_adapter", None)


def _copied(value: Any) -> Any:
    """A deep copy of what a store read back: what copy.deepcopy gives for dicts, lists and
    scalars (all JSON can hold, and a read never shares one object between two places), several
    times faster; it runs on every turn that reads the record. Anything else goes to deepcopy."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return copy.deepcopy(value)


def user_record(handler_input: HandlerInput) -> dict[str, Any]:
    """The user's stored record ({} for a new user, or when the store is unavailable)."""
    request_attributes = handler_input.attributes_manager.request_attributes
    loaded = request_attributes.get(_LOADED)
    if loaded is False:
        return {}
    if loaded is True:
        return request_attributes[_RECORD]
    store = _store(handler_input)
    if store is None:   # no store configured: not news
        request_attributes[_LOADED] = False
        return {}
    try:
        stored = store.read(user_key(handler_input.request_envelope))
    except Exception as error:
        log.warning("user record unavailable: %s", error)
        request_attributes[_LOADED] = False
        return {}
    request_attributes[_BASE] = stored
    request_attributes[_RECORD] = _copied(stored.record)
    request_attributes[_LOADED] = True
    return request_attributes[_RECORD]


def remember(handler_input: HandlerInput, **changes: Any) -> bool:
    """Change the user's record; saved once, after the handler. False if the store is down."""
    record = user_record(handler_input)
    if handler_input.attributes_manager.request_attributes.get(_LOADED) is not True:
        return False
    record.update(changes)
    handler_input.attributes_manager.request_attributes[_DIRTY] = True
    return True


def count(handler_input: HandlerInput, key: str, by: int = 1) -> int | None:
    """Add `by` to the counter `key` (0 if missing or not a number); the new value, or None if
    the store is down. An increment, not a value: concurrent requests each add theirs."""
    record = user_record(handler_input)
    request_attributes = handler_input.attributes_manager.request_attributes
    if request_attributes.get(_LOADED) is not True:
        return None
    counts = request_attributes.setdefault(_COUNTS, {})
    counts[key] = counts.get(key, 0) + by
    record[key] = (record[key] if _is_count(record.get(key)) else 0) + by
    request_attributes[_DIRTY] = True
    return record[key]


def forget(handler_input: HandlerInput) -> bool:
    """Delete everything stored about the user. False if the store could not do it."""
    store = _store(handler_input)
    try:
        if store is None:
            raise PersistenceException("no store configured")
        store.delete(user_key(handler_input.request_envelope))
    except Exception as error:
        log.error("could not delete a user record: %s", error)
        return False
    request_attributes = handler_input.attributes_manager.request_attributes
    request_attributes[_DELETED] = True
    request_attributes.pop(_DIRTY, None)
    return True


def save(handler_input: HandlerInput) -> bool:
    """Write this turn's changes: conditionally, merging again after each conflict.

    Returns False when the changes were not kept (store failure, or still conflicting after
    SAVE_ATTEMPTS tries); the user's answer is not affected either way.
    """
    request_attributes = handler_input.attributes_manager.request_attributes
    store, base = _store(handler_input), request_attributes.get(_BASE)
    if store is None or base is None:
        return False
    user_id = user_key(handler_input.request_envelope)
    mine: dict[str, Any] = request_attributes[_RECORD]
    counts: dict[str, int] = request_attributes.get(_COUNTS, {})
    target, record = base, mine
    give_up = time.monotonic() + SAVE_SECONDS
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        if store.write(user_id, record, target):
            return True
        if attempt == SAVE_ATTEMPTS or time.monotonic() > give_up:
            break
        # Full jitter, doubling: a crowd of retries spreads out instead of colliding again.
        import random

        time.sleep(random.uniform(0, min(0.25, 0.01 * 2 ** attempt)))
        target = store.read(user_id)
        if base.deleted_before(target):
            log.info("the user record was deleted during this turn; the deletion wins")
            return False
        record = _merged(base, mine, counts, target)
    log.error("a user record kept changing during %d tries; this turn's changes were dropped",
              attempt)
    return False


class SaveUserRecord(AbstractResponseInterceptor):
    """Writes the user's record once per request, and only when it changed."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        request_attributes = handler_input.attributes_manager.request_attributes
        if not request_attributes.get(_DIRTY) or request_attributes.get(_DELETED):
            return
        try:
            save(handler_input)
        except Exception as error:
            log.error("could not save a user record: %s", error)


def has_record(handler_input: HandlerInput) -> bool:
    """Whether anything is stored about the user, even a record that cannot be understood."""
    user_record(handler_input)
    base = handler_input.attributes_manager.request_attributes.get(_BASE)
    return bool(base and base.exists)


def store_configured(handler_input: HandlerInput) -> bool:
    """Whether a user store is configured at all, asked without reading anything from it."""
    return _store(handler_input) is not None


def store_status(handler_input: HandlerInput) -> str:
    """ "none" (no store configured), "down" (configured but unreadable) or "ok".

    Lets a handler tell "I keep nothing about you" apart from "I cannot reach what I keep".
    """
    if _store(handler_input) is None:
        return "none"
    user_record(handler_input)
    loaded = handler_input.attributes_manager.request_attributes.get(_LOADED)
    return "ok" if loaded is True else "down"
