"""Requests that no one spoke: skill, reminder, screen and messaging events.

Alexa sends them when something happened (the skill was enabled or disabled, a permission was
granted, a reminder went off, a screen document failed, the skill's own service sent a message).
Nobody is listening for an answer, so each gets a valid response with nothing in it, and one
INFO line in the log naming what happened, never the user's id, tokens or free text.

One event changes what is stored: when a person disables the skill, everything the skill keeps
about them is deleted (the manifest subscribes to SKILL_DISABLED for this; see deploy/skill.json).
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.store.records import forget, store_configured

log = logging.getLogger(__name__)

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
APL_RUNTIME_ERROR = "Alexa.Presentation.APL.RuntimeError"
EVENT_TYPES = frozenset({
    "AlexaSkillEvent.SkillEnabled",
    SKILL_DISABLED,
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "Reminders.ReminderStarted",
    "Reminders.ReminderCreated",
    "Reminders.ReminderUpdated",
    "Reminders.ReminderDeleted",
    "Reminders.ReminderStatusChanged",
    APL_RUNTIME_ERROR,
    "Messaging.MessageReceived",
})


def _enum(value: object) -> str:
    return str(getattr(value, "value", value) or "?")


def _detail(request: object, kind: str) -> str:
    """A few words about the event from its enumerated fields only (never ids or free text)."""
    if kind == APL_RUNTIME_ERROR:
        errors = getattr(request, "errors", None) or []
        return ", ".join(f"{_enum(getattr(e, 'object_type', None))}/"
                         f"{_enum(getattr(e, 'reason', None))}" for e in errors) or "no errors"
    status = getattr(getattr(request, "body", None), "status", None)
    return f"status {_enum(status)}" if status is not None else ""


class EventHandler(AbstractRequestHandler):
    """Every event type Amazon documents for this skill's interfaces: silent, logged once."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = getattr(handler_input.request_envelope.request, "object_type", None)
        return kind in EVENT_TYPES

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        kind = request.object_type
        outcome = _detail(request, kind)
        if kind == SKILL_DISABLED:
            outcome = self._forget(handler_input)
        log.info("event %s%s", kind, f": {outcome}" if outcome else "")
        return handler_input.response_builder.response

    @staticmethod
    def _forget(handler_input: HandlerInput) -> str:
        """The person disabled the skill: delete what it stored about them (issue 12, §7)."""
        if not store_configured(handler_input):   # (no read first: the record is deleted anyway)
            return "no user store configured, nothing to delete"
        return "user record deleted" if forget(handler_input) else "user record NOT deleted"
