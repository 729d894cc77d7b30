"""Alexa request envelopes, in the exact shape Alexa sends them.

Used by the simulator, by `record`, and by the tests, so every way of talking to the skill
without Alexa sends the same JSON Alexa would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

API_ENDPOINT = "https://api.amazonalexa.com"
DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
# Stable placeholders: recorded fixtures never carry real ids or tokens.
PLACEHOLDER_USER = "amzn1.ask.account.TEST_USER"
PLACEHOLDER_DEVICE = "amzn1.ask.device.TEST_DEVICE"
PLACEHOLDER_TOKEN = "TEST_API_ACCESS_TOKEN"
PLACEHOLDER_CONSENT = "TEST_CONSENT_TOKEN"

ECHO_SHOW_VIEWPORT: dict[str, Any] = {
    "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False,
                     "canResize": False}],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 160,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "keyboard": [],
    "video": {"codecs": ["H_264_42", "H_264_41"]},
}

DEVICES: dict[str, dict[str, Any]] = {
    "echo-dot": {"supportedInterfaces": {}},
    "echo-show": {
        "supportedInterfaces": {
            "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}},
        },
        "viewport": ECHO_SHOW_VIEWPORT,
    },
}


def _hub(width: int, height: int, shape: str = "RECTANGLE") -> dict[str, Any]:
    """A screen device of another size: Echo Show's envelope with that viewport."""
    viewport = {**ECHO_SHOW_VIEWPORT, "shape": shape, "pixelWidth": width, "pixelHeight": height,
                "currentPixelWidth": width, "currentPixelHeight": height}
    return {**DEVICES["echo-show"], "viewport": viewport}


# The screen sizes Amazon's viewport profiles name for the Echo devices (all at 160 dpi).
DEVICES.update({
    "echo-show-5": _hub(960, 480),
    "echo-show-8": _hub(1280, 800),
    "echo-show-10": _hub(1280, 800),
    "echo-show-15": _hub(1920, 1080),
    "echo-spot": _hub(480, 480, "ROUND"),
})


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def timestamp(moment: datetime | None = None) -> str:
    """Alexa's timestamp format: ISO 8601, UTC, whole seconds, 'Z'."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Conversation:
    """What stays the same across the turns of one session, as Alexa keeps it."""

    locale: str = "en-US"
    device: str = "echo-dot"
    user_id: str = PLACEHOLDER_USER
    device_id: str = PLACEHOLDER_DEVICE
    skill_id: str = DEFAULT_SKILL_ID
    api_access_token: str = PLACEHOLDER_TOKEN
    api_endpoint: str = API_ENDPOINT   # where the skill calls the Alexa APIs (tests: loopback)
    session_id: str = field(default_factory=lambda: _id("amzn1.echo-api.session"))
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True
    permissions: dict[str, Any] | None = None
    moment: datetime | None = None  # a fixed request time (recorded fixtures); None: now

    def restart(self) -> None:
        """A new session for the same person on the same device."""
        self.session_id = _id("amzn1.echo-api.session")
        self.attributes = {}
        self.new = True

    def envelope(self, request: dict[str, Any], with_session: bool = True) -> dict[str, Any]:
        if DEVICES.get(self.device) is None:
            raise ValueError(f"unknown device {self.device!r}; known: {', '.join(DEVICES)}")
        device = DEVICES[self.device]
        user: dict[str, Any] = {"userId": self.user_id}
        if self.permissions:
            user["permissions"] = self.permissions
        application = {"applicationId": self.skill_id}
        system: dict[str, Any] = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id,
                       "supportedInterfaces": device["supportedInterfaces"]},
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": self.api_access_token,
        }
        context: dict[str, Any] = {"System": system}
        if "viewport" in device:
            context["Viewport"] = device["viewport"]
        envelope: dict[str, Any] = {"version": "1.0"}
        if with_session:
            envelope["session"] = {
                "new": self.new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            }
        envelope["context"] = context
        envelope["request"] = {
            "requestId": _id("amzn1.echo-api.request"),
            "timestamp": timestamp(self.moment),
            "locale": self.locale,
            **request,
        }
        return envelope

    def launch(self) -> dict[str, Any]:
        return self.envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict[str, dict[str, Any]] | None = None,
               dialog_state: str | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "IntentRequest"}
        if dialog_state:
            request["dialogState"] = dialog_state
        request["intent"] = {"name": name, "confirmationStatus": "NONE"}
        if slots:
            request["intent"]["slots"] = slots
        return self.envelope(request)

    def session_ended(self, reason: str = "USER_INITIATED",
                      error: dict[str, str] | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
        if error:
            request["error"] = error
        return self.envelope(request)

    def can_fulfill(self, name: str, slots: dict[str, dict[str, Any]] | None = None,
                    with_session: bool = True) -> dict[str, Any]:
        """Alexa's name-free check ("can you answer this?"), asked before any session exists.

        Its session, when sent, is always new and empty; Amazon's own examples sometimes omit it,
        hence `with_session`. Slots are as Alexa resolved them (see `slot`), or bare
        {"name", "value"} pairs as in Amazon's documentation.
        """
        intent: dict[str, Any] = {"name": name}
        if slots:
            intent["slots"] = slots
        envelope = self.envelope({"type": "CanFulfillIntentRequest", "intent": intent},
                                 with_session)
        if with_session:
            envelope["session"].update(new=True, attributes={})
        return envelope

    def carry(self, response: dict[str, Any]) -> None:
        """Take the session attributes forward from a response, as Alexa does."""
        self.attributes = dict(response.get("sessionAttributes") or {})
        self.new = False


def slot(name: str, value: str | None, *, slot_type: str | None = None,
         match: tuple[str, str] | None = None, skill_id: str = DEFAULT_SKILL_ID
         ) -> dict[str, Any]:
    """One filled slot; `match` is (id, canonical name) for ER_SUCCESS_MATCH, else NO_MATCH."""
    filled: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return filled
    filled["value"] = value
    filled["source"] = "USER"
    if slot_type and not slot_type.startswith("AMAZON."):
        authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
        if match:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_MATCH"},
                          "values": [{"value": {"name": match[1], "id": match[0]}}]}
        else:
            resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        filled["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return filled
