"""A stand-in for the Alexa APIs the skill calls, served on 127.0.0.1 for the local simulator.

Offline, with no Amazon account, the skill's own service clients and HTTP client run for real
against it: the Settings API answers the device's time zone, and the Reminders API keeps
reminders in memory for one simulator run. Like Alexa's, it takes only the run's API access token
(401 otherwise) and refuses reminders until the user granted the permission (403).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
# What a person types (--grant reminders, /grant reminders) -> the permission scope.
PERMISSIONS = {"reminders": REMINDERS_SCOPE}
# How Alexa's consent prompt names each permission.
PERMISSION_WORDS = {REMINDERS_SCOPE: "set reminders"}

_TIME_ZONE = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")
_REMINDERS = re.compile(r"^/v1/alerts/reminders/?$")
_REMINDER = re.compile(r"^/v1/alerts/reminders/([^/]+)$")


# The one voice-permission form the skill may use ("Set Up Voice Permissions for Reminders").
ASK_FOR_PAYLOAD_KEYS = {"@type", "@version", "permissionScope"}


def ask_for_problem(directive: dict[str, Any]) -> str | None:
    """Why Alexa could not carry out a Connections directive, or None for the documented AskFor.

    Accepted: type Connections.SendRequest, name AskFor, payload {"@type":
    "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": <a scope Alexa asks
    for by voice (reminders)>}, and an optional string token. Other Connections directives
    (StartConnection, other tasks) are not simulated, so they are reported rather than invented.
    """
    kind, name = directive.get("type"), directive.get("name")
    if kind != "Connections.SendRequest" or name != "AskFor":
        return (f"{kind} {name or directive.get('uri') or ''}".strip() + " is not the "
                "documented voice permission for reminders (Connections.SendRequest AskFor); "
                "the simulator does not play it")
    payload = directive.get("payload")
    if not isinstance(payload, dict):
        return "AskFor has no payload object"
    if payload.get("@type") != "AskForPermissionsConsentRequest":
        return f"AskFor payload @type is {payload.get('@type')!r}, not " \
               "'AskForPermissionsConsentRequest'"
    if payload.get("@version") != "1":
        return f"AskFor payload @version is {payload.get('@version')!r}; the documented " \
               "Connections.SendRequest form is version '1' (one permissionScope)"
    extra = sorted(set(payload) - ASK_FOR_PAYLOAD_KEYS)
    if extra:
        return f"AskFor version 1 payload has undocumented fields: {', '.join(extra)}"
    if payload.get("permissionScope") not in PERMISSION_WORDS:
        return f"AskFor asks for {payload.get('permissionScope')!r}, which Alexa does not ask " \
               "for by voice here (reminders only)"
    token = directive.get("token")
    if token is not None and not isinstance(token, str):
        return "AskFor token is not a string"
    return None


def scope_of(name: str) -> str:
    """The permission scope for a name a person typed; ValueError names the known ones."""
    scope = PERMISSIONS.get(name.strip().lower())
    if scope is None:
        raise ValueError(f"unknown permission {name!r} (known: {', '.join(PERMISSIONS)})")
    return scope


def local_time_zone() -> str:
    """This machine's IANA time zone name, or "UTC" when it cannot be told."""
    import os

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    with contextlib.suppress(OSError, UnicodeDecodeError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and not name.startswith("/") and valid_time_zone(name):
            return "UTC" if name in ("Etc/UTC", "Etc/Universal", "UCT", "Zulu") else name
    return "UTC"


def valid_time_zone(name: object) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


@dataclass
class Reminder:
    """One reminder as the Reminders API keeps it."""

    token: str
    body: dict[str, Any]
    created: str
    updated: str
    version: int = 1
    status: str = "ON"

    def summary(self) -> dict[str, Any]:
        """The answer to create and update (ReminderResponse)."""
        return {"alertToken": self.token, "createdTime": self.created,
                "updatedTime": self.updated, "status": self.status,
                "version": str(self.version), "href": f"/v1/alerts/reminders/{self.token}"}

    def full(self) -> dict[str, Any]:
        """The answer to get and list (GetReminderResponse)."""
        data = self.summary()
        data.pop("href")
        for key in ("trigger", "alertInfo", "pushNotification"):
            if key in self.body:
                data[key] = self.body[key]
        return data

    def describe(self) -> str:
        """One line for the chat's /reminders."""
        trigger = self.body.get("trigger") or {}
        rules = (trigger.get("recurrence") or {}).get("recurrenceRules") or []
        when = trigger.get("scheduledTime") or trigger.get("offsetInSeconds") or "?"
        zone = trigger.get("timeZoneId") or "the device's zone"
        content = ((self.body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
        text = content[0].get("text", "") if content and isinstance(content[0], dict) else ""
        repeat = f", {'; '.join(rules)}" if rules else ""
        return f"{self.status} from {when} ({zone}{repeat}): {text!r}"


@dataclass
class Call:
    """One HTTP request the stand-in answered: how tests see what the skill asked for."""

    method: str
    path: str
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class AlexaApiStandIn:
    """The Settings and Reminders APIs for one simulator run, on an ephemeral loopback port.

    `token` is the run's apiAccessToken and `consent_token` its consent token; `granted` holds the
    permission scopes the user has given. Use as a context manager, or `start()` and `stop()`.
    """

    def __init__(self, time_zone: str = "UTC") -> None:
        if not valid_time_zone(time_zone):
            raise ValueError(f"unknown time zone {time_zone!r} (an IANA name, e.g. "
                             "Europe/London)")
        self.time_zone = time_zone
        self.token = f"simulator.{secrets.token_urlsafe(24)}"
        self.consent_token = f"simulator-consent.{secrets.token_urlsafe(24)}"
        self.granted: set[str] = set()
        self.reminders: dict[str, Reminder] = {}
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> AlexaApiStandIn:
        if self._httpd is not None:
            return self
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps the skill's connection open between calls, as Alexa's API hosts
            # do; every answer carries Content-Length, which keep-alive needs.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True   # small writes go out at once: no delayed-ACK stall

            def _serve(self) -> None:
                stand_in._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="alexa-api-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> AlexaApiStandIn:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- permissions --------------------------------------------------------------------------

    def grant(self, scope: str) -> None:
        with self._lock:
            self.granted.add(scope)

    def revoke(self, scope: str) -> None:
        with self._lock:
            self.granted.discard(scope)

    def permissions(self) -> dict[str, Any] | None:
        """context.System.user.permissions as Alexa sends it; None when nothing is granted."""
        with self._lock:
            granted = sorted(self.granted)
        if not granted:
            return None
        return {"consentToken": self.consent_token,
                "scopes": {scope: {"status": "GRANTED"} for scope in granted}}

    # --- HTTP ---------------------------------------------------------------------------------

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length > 0 else b""
        path = request.path.split("?", 1)[0]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = ValueError
        status, answer = self.answer(request.command, path,
                                     request.headers.get("Authorization"), body)
        with self._lock:
            self.calls.append(Call(request.command, path, status,
                                   None if body is ValueError else body, dict(request.headers)))
        payload = b"" if answer is None else json.dumps(answer).encode()
        try:
            request.send_response(status)
            if payload:
                request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self, method: str, path: str, authorization: str | None, body: Any
               ) -> tuple[int, Any]:
        """(status, JSON body) for one request, as the Alexa APIs would answer it."""
        time_zone = _TIME_ZONE.match(path)
        reminders = _REMINDERS.match(path)
        reminder = _REMINDER.match(path)
        if not (time_zone or reminders or reminder):
            return 404, _error("NOT_FOUND", f"no such API: {path}")
        if authorization != f"Bearer {self.token}":
            return 401, _error("INVALID_BEARER_TOKEN", "the access token is not valid")
        if time_zone:
            if method != "GET":
                return 405, _error("METHOD_NOT_ALLOWED", f"{method} is not allowed here")
            return 200, self.time_zone
        with self._lock:
            if REMINDERS_SCOPE not in self.granted:
                return 403, _error("USER_NOT_PERMITTED",
                                   "the user has not granted the reminders permission")
            if reminders:
                return self._collection(method, body)
            return self._one(method, reminder.group(1) if reminder else "", body)

    def _collection(self, method: str, body: Any) -> tuple[int, Any]:
        if method == "GET":
            alerts = [r.full() for r in self.reminders.values()]
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts,
                         "links": {"next": None}}
        if method != "POST":
            return 405, _error("METHOD_NOT_ALLOWED", f"{method} is not allowed here")
        problem = _invalid(body)
        if problem:
            return 400, _error("INVALID_REQUEST", problem)
        now = _now()
        made = Reminder(token=f"sim-{secrets.token_hex(8)}", body=body, created=now, updated=now)
        self.reminders[made.token] = made
        return 201, made.summary()

    def _one(self, method: str, token: str, body: Any) -> tuple[int, Any]:
        found = self.reminders.get(token)
        if found is None:
            return 404, _error("NOT_FOUND", "no reminder with that alert token")
        if method == "GET":
            return 200, found.full()
        if method == "DELETE":
            del self.reminders[token]
            return 200, None
        if method == "PUT":
            problem = _invalid(body)
            if problem:
                return 400, _error("INVALID_REQUEST", problem)
            found.body = body
            found.updated = _now()
            found.version += 1
            return 200, found.summary()
        return 405, _error("METHOD_NOT_ALLOWED", f"{method} is not allowed here")

    def describe_reminders(self) -> list[str]:
        with self._lock:
            return [r.describe() for r in self.reminders.values()]


def _invalid(body: Any) -> str | None:
    """Why a reminder request body would be refused (400), or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    trigger = body.get("trigger")
    if not isinstance(trigger, dict) or trigger.get("type") not in ("SCHEDULED_ABSOLUTE",
                                                                     "SCHEDULED_RELATIVE"):
        return "trigger.type must be SCHEDULED_ABSOLUTE or SCHEDULED_RELATIVE"
    if trigger["type"] == "SCHEDULED_ABSOLUTE" and not trigger.get("scheduledTime"):
        return "an absolute trigger needs scheduledTime"
    if trigger["type"] == "SCHEDULED_RELATIVE" and not isinstance(trigger.get("offsetInSeconds"),
                                                                  int):
        return "a relative trigger needs offsetInSeconds"
    zone = trigger.get("timeZoneId")
    if zone is not None and not valid_time_zone(zone):
        return f"unknown timeZoneId {zone!r}"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
    if not isinstance(content, list) or not content or not all(
            isinstance(c, dict) and c.get("locale") and c.get("text") for c in content):
        return "alertInfo.spokenInfo.content needs a locale and a text"
    if not isinstance(body.get("requestTime"), str):
        return "requestTime is missing"
    return None
