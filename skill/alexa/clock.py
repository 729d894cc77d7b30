"""The user's own date and time: "today" is the listener's today, not the server's.

The time zone comes from the Alexa Settings API (the device's System.timeZone, through the SDK's
UPS service client). It is asked at most once a day per user: the answer is kept in the session
attributes (the rest of this session) and in the user's record with the day it was learned (later
sessions that day), so a warm turn makes no HTTP call at all. When it cannot be learned (no API
token, no device, permission, throttling, a time-out, a zone name this machine does not know),
the request's own timestamp in UTC is used: the answer is still sensible, at worst a few hours
early or late around midnight; such a failure is kept for the session only, never in the record.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa.api_client import failure
from skill.alexa.attributes import own, session
from skill.store.records import remember, user_record

log = logging.getLogger(__name__)

TIME_ZONE = own("time_zone")  # session attribute: the zone name, or "" when it could not be learned
RECORD_KEY = "time_zone"  # user record: {"name": zone name, "day": the UTC date it was learned}

# What an IANA zone name looks like ("America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"): the
# name becomes a file path inside the zone database, so anything else (a directory such as
# "America", 300 characters, control characters, "..") is refused before the file system sees it.
# A pattern string, compiled by `re` on first use: most cold starts never look a zone up.
_ZONE_NAME = r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}"
_ZONE_NAME_MAX = 64


def request_time(handler_input: HandlerInput) -> datetime:
    """When the request was made (Alexa's timestamp, in UTC); now if the request lacks one."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _zone(name: object) -> tzinfo | None:
    """The zone `name` names, or None: a name from outside (the Settings API, the session) that
    is malformed or unknown means UTC, never an error."""
    if not isinstance(name, str) or not name:
        return None
    if len(name) > _ZONE_NAME_MAX or not re.fullmatch(_ZONE_NAME, name):
        log.warning("malformed time zone name (%d characters); using UTC", len(name))
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory, say "Etc"
        log.warning("unknown time zone name; using UTC")
        return None


def _ask_settings_api(handler_input: HandlerInput) -> str | None:
    factory = handler_input.service_client_factory
    system = getattr(handler_input.request_envelope.context, "system", None)
    device_id = getattr(getattr(system, "device", None), "device_id", None)
    if factory is None or not device_id or not getattr(system, "api_access_token", None):
        return None
    try:
        name = factory.get_ups_service().get_system_time_zone(device_id)
    except Exception as error:  # the SDK raises ServiceException; a bad body, ValueError
        log.warning("time zone unavailable (%s); using UTC", failure(error))
        return None
    return name if isinstance(name, str) else None


def time_zone_name(handler_input: HandlerInput) -> str | None:
    """The device's IANA time zone name, or None when it cannot be learned.

    This session's answer first, then today's in the user's record, and only then the Settings
    API, whose answer is kept in both.
    """
    attributes = session(handler_input)
    cached = attributes.get(TIME_ZONE)
    if isinstance(cached, str):
        return cached or None
    day = request_time(handler_input).date().isoformat()
    stored = user_record(handler_input).get(RECORD_KEY)
    if isinstance(stored, dict) and stored.get("day") == day and _zone(stored.get("name")):
        attributes[TIME_ZONE] = stored["name"]
        return stored["name"]
    name = _ask_settings_api(handler_input)
    if _zone(name) is None:
        name = None
    attributes[TIME_ZONE] = name or ""
    if name:
        remember(handler_input, **{RECORD_KEY: {"name": name, "day": day}})
    return name


def local_now(handler_input: HandlerInput) -> datetime:
    """The moment of the request on the user's own clock (UTC when the zone is unknown)."""
    moment = request_time(handler_input)
    zone = _zone(time_zone_name(handler_input))
    return moment.astimezone(zone) if zone else moment.astimezone(UTC)
