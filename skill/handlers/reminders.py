"""The daily reminder: set it ("remind me every day at 8 am"), ask about it, cancel it.

Without the reminders permission the skill asks for it the one way Amazon documents for reminders
("Set Up Voice Permissions for Reminders"): a Connections.SendRequest directive named AskFor with
the version-1 AskForPermissionsConsentRequest payload, answered by a Connections.Response request;
and with a permission card in the Alexa app when voice consent is not possible or the Reminders
API refuses (401/403). Every API failure gets its own spoken answer, and the user's record changes
only after the API said yes.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import reminders
from skill.alexa.api_client import failure
from skill.alexa.attributes import own
from skill.alexa.clock import local_now, time_zone_name
from skill.alexa.reminders import ClockTime
from skill.handlers.builtins import MessageHandler
from skill.reply import pending_follow_up, reply, session, speaker
from skill.slots import intent_name
from skill.speech import Answer
from skill.store.records import remember, user_record

log = logging.getLogger(__name__)

AWAITING = "reminder"          # follow_up: {"reminder": "time"} while "what time?" is open
VOICE_CONSENT_FAILED = own("voice_consent_failed")  # session: AskFor came back with an error
TOKEN_PREFIX = "daily_reminder@"                # AskFor token: "daily_reminder@08:00"
ASK_FOR = "AskFor"
ERROR_MESSAGES = {"timeout": "reminder_error_timeout", "throttled": "reminder_error_throttled",
                  "server": "reminder_error_server"}


def _slot_value(handler_input: HandlerInput, name: str) -> str | None:
    slots = getattr(getattr(handler_input.request_envelope.request, "intent", None), "slots", None)
    value = getattr(slots.get(name), "value", None) if isinstance(slots, dict) else None
    return value if isinstance(value, str) else None


def _awaiting_time(handler_input: HandlerInput) -> bool:
    follow = pending_follow_up(handler_input)
    return bool(follow) and follow.get(AWAITING) == "time"


def _ask_time(handler_input: HandlerInput, key: str = "reminder_ask_time") -> Response:
    speak = speaker(handler_input)
    return reply(handler_input, Answer(speak.say(key), speak.say("reminder_ask_time_reprompt"),
                                       follow_up={AWAITING: "time"}))


def _error(handler_input: HandlerInput, error: Exception) -> Response:
    """The spoken answer for a failed Reminders API call; 401/403 mean the permission is gone."""
    kind = failure(error)
    log.warning("reminders API call failed: %s", kind)
    if kind in ("unauthorized", "forbidden"):
        return _permission_card(handler_input, "reminder_permission_card")
    speak = speaker(handler_input)
    return reply(handler_input, speak.message(ERROR_MESSAGES.get(kind, "reminder_error_failed")))


def _permission_card(handler_input: HandlerInput, key: str) -> Response:
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    response = reply(handler_input, speaker(handler_input).message(key))
    response.card = AskForPermissionsConsentCard(permissions=[reminders.SCOPE])
    return response


def _ask_permission(handler_input: HandlerInput, at: ClockTime) -> Response:
    """Voice consent (AskFor) where it can work, else the permission card."""
    if session(handler_input).get(VOICE_CONSENT_FAILED):
        return _permission_card(handler_input, "reminder_permission_card")
    handler_input.response_builder.add_directive(ask_for_permission(f"{TOKEN_PREFIX}{at}"))
    response = reply(handler_input, Answer(speaker(handler_input).say("reminder_permission_voice"),
                                           None))
    response.should_end_session = None  # Alexa takes the turn; the session resumes after it
    return response


def _set(handler_input: HandlerInput, at: ClockTime) -> Response:
    """Create (or move) the daily reminder; the record changes only once the API agreed."""
    speak = speaker(handler_input)
    record = user_record(handler_input)
    stored = record.get(reminders.RECORD_KEY)
    token = stored.get("token") if isinstance(stored, dict) else None
    # Always the device's zone, with requestTime on that zone's clock: the Reminders API
    # reference warns that a reminder without timeZoneId may go off at the wrong hour. The zone
    # is cached for the day (skill/alexa/clock.py), so this is one Settings API call a day.
    zone = time_zone_name(handler_input)
    if zone is None:
        return reply(handler_input, speak.message("reminder_error_time_zone"))
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    request = reminders.reminder_request(at, local_now(handler_input), zone, locale,
                                         speak.say("reminder_text"))
    try:
        alert_token = reminders.save(handler_input, request, token)
    except Exception as error:
        return _error(handler_input, error)
    remember(handler_input, **{reminders.RECORD_KEY: {"token": alert_token, "time": str(at)}})
    return reply(handler_input, speak.message("reminder_set", time=at.spoken()))


class SetReminderHandler(AbstractRequestHandler):
    """ "Remind me every day at 8 am", or the time given after "what time?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        return name == "SetReminderIntent" or (
            name == "ReminderTimeIntent" and _awaiting_time(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        value = _slot_value(handler_input, "Time")
        at = ClockTime.parse(value)
        if at is None:
            return _ask_time(handler_input, "reminder_ask_clock_time" if value
                             else "reminder_ask_time")
        if not reminders.has_permission(handler_input):
            return _ask_permission(handler_input, at)
        return _set(handler_input, at)


class ReminderTimeYesNoHandler(AbstractRequestHandler):
    """ "Yes" or "no" while "what time?" is open: Alexa sends those to Yes/No, not to the time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in ("AMAZON.YesIntent", "AMAZON.NoIntent") and \
            _awaiting_time(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if intent_name(handler_input) == "AMAZON.YesIntent":
            return _ask_time(handler_input, "reminder_ask_time_again")
        return reply(handler_input, speaker(handler_input).message("reminder_not_set"))


def ask_for_permission(token: str) -> Any:
    """The AskFor directive exactly as "Set Up Voice Permissions for Reminders" shows it.

    ask-sdk-model has the directive (SendRequestDirective) but no class for its payload, so the
    payload is the documented version-1 object: one `permissionScope`, no `consentLevel`.
    """
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    return SendRequestDirective(
        name=ASK_FOR,
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                 "permissionScope": reminders.SCOPE},
        token=token)


def _consent_outcome(handler_input: HandlerInput) -> tuple[str, str | None, str | None] | None:
    """(status code, consent status, token) from the Connections.Response to AskFor.

    Its `status.code` is "200" when Alexa asked; `payload.status` is ACCEPTED, DENIED or
    NOT_ANSWERED; `token` is the one the directive carried.
    """
    from ask_sdk_model.interfaces.connections import ConnectionsResponse

    request = handler_input.request_envelope.request
    if not isinstance(request, ConnectionsResponse) or request.name != ASK_FOR:
        return None
    payload = request.payload if isinstance(request.payload, dict) else {}
    code = str(getattr(request.status, "code", "") or "")
    status = payload.get("status")
    return code, status if isinstance(status, str) else None, request.token


class PermissionAnswerHandler(AbstractRequestHandler):
    """What the user told Alexa when asked for the reminders permission by voice."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        outcome = _consent_outcome(handler_input)
        return outcome is not None and (outcome[2] or "").startswith(TOKEN_PREFIX)

    def handle(self, handler_input: HandlerInput) -> Response:
        code, status, token = _consent_outcome(handler_input) or ("", None, None)
        if code != "200":
            log.warning("voice consent failed with status %s; sending a card", code)
            session(handler_input)[VOICE_CONSENT_FAILED] = True
            return _permission_card(handler_input, "reminder_permission_card")
        if status == "ACCEPTED":
            at = ClockTime.parse((token or "")[len(TOKEN_PREFIX):])
            return _set(handler_input, at) if at else _ask_time(handler_input)
        if status == "DENIED":
            return reply(handler_input, speaker(handler_input).message(
                "reminder_permission_denied"))
        return _permission_card(handler_input, "reminder_permission_not_answered")


class ReminderStatusHandler(AbstractRequestHandler):
    """ "Do I have a reminder?", "when is my reminder?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "ReminderStatusIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        if not reminders.has_permission(handler_input):
            return reply(handler_input, speak.message("reminder_none"))
        try:
            on = reminders.active(handler_input)
        except Exception as error:
            return _error(handler_input, error)
        times = [t for t in (reminders.reminder_time(r) for r in on) if t]
        if not on:
            if user_record(handler_input).get(reminders.RECORD_KEY):
                remember(handler_input, **{reminders.RECORD_KEY: None})  # deleted in the app
            return reply(handler_input, speak.message("reminder_none"))
        if not times:
            return reply(handler_input, speak.message("reminder_status_unknown_time"))
        return reply(handler_input, speak.message("reminder_status", time=times[0].spoken()))


class CancelReminderHandler(AbstractRequestHandler):
    """ "Cancel my reminder": deletes this skill's reminders for the user."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "CancelReminderIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        stored = user_record(handler_input).get(reminders.RECORD_KEY)
        if not reminders.has_permission(handler_input):
            key = "reminder_cancel_in_app" if stored else "reminder_none"
            return reply(handler_input, speak.message(key))
        try:
            tokens = reminders.active_tokens(handler_input)
            if not tokens:
                if stored:
                    remember(handler_input, **{reminders.RECORD_KEY: None})
                return reply(handler_input, speak.message("reminder_none"))
            reminders.delete(handler_input, tokens)
        except Exception as error:
            return _error(handler_input, error)
        remember(handler_input, **{reminders.RECORD_KEY: None})
        return reply(handler_input, speak.message("reminder_cancelled"))


REMINDER_HANDLERS: list[AbstractRequestHandler] = [
    PermissionAnswerHandler(),
    SetReminderHandler(),
    ReminderTimeYesNoHandler(),
    # A bare time ("eight a m") when no reminder question is open: say how to set one.
    MessageHandler(("ReminderTimeIntent",), "reminder_how_to", "anything_else"),
    ReminderStatusHandler(),
    CancelReminderHandler(),
]
