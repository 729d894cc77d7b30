"""The daily tip reminder, through the Alexa Reminders API (the SDK's reminder service client).

Pure helpers (time parsing, the spoken time, the request body, reading a reminder's time) plus
thin calls to the service client. The SDK's service modules are imported inside the functions
that need them, so turns that never touch reminders do not load them.
"""

# No `from __future__ import annotations`: typing.NamedTuple turns each string annotation into a
# ForwardRef by calling compile(), and the first compile() in a process costs a cold start about
# a millisecond (the hello-world baseline never calls it). Annotations here are evaluated.

import re
from datetime import datetime
from typing import Any, NamedTuple

from ask_sdk_core.handler_input import HandlerInput

SCOPE = "alexa::alerts:reminders:skill:readwrite"
RECORD_KEY = "reminder"    # user record: {"token": alertToken, "time": "HH:MM"}

# Pattern strings, compiled by `re` (and kept in its cache) the first time a reminder turn uses
# them: compiling them at import cost every cold start, and most cold starts set no reminder.
_CLOCK = r"^(\d{1,2}):(\d{2})(?::\d{2})?$"
_RULE_HOUR = r"BYHOUR=(\d{1,2})"
_RULE_MINUTE = r"BYMINUTE=(\d{1,2})"


class ClockTime(NamedTuple):
    """A time of day, as the reminder needs it."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, value: object) -> "ClockTime | None":
        """An AMAZON.TIME value ("08:00", "20:30") or a stored "HH:MM"; None for anything else.

        Alexa resolves "in the morning" to "MO" (and "AF", "EV", "NI"): not a time to set a daily
        reminder for, so the skill asks for a clock time instead of guessing one.
        """
        match = re.match(_CLOCK, value.strip()) if isinstance(value, str) else None
        if not match:
            return None
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            return None
        return cls(hour, minute)

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def spoken(self) -> str:
        """ "8 AM", "8:30 PM", "12 PM": how Alexa reads a time back naturally."""
        suffix = "AM" if self.hour < 12 else "PM"
        hour = self.hour % 12 or 12
        return f"{hour} {suffix}" if self.minute == 0 else f"{hour}:{self.minute:02d} {suffix}"


def has_permission(handler_input: HandlerInput) -> bool:
    """Whether the user has granted the reminders permission (as this request tells it)."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    permissions = getattr(getattr(system, "user", None), "permissions", None)
    if permissions is None:
        return False
    scope = (permissions.scopes or {}).get(SCOPE) if isinstance(permissions.scopes, dict) \
        else None
    if scope is not None:
        return getattr(getattr(scope, "status", None), "value", None) == "GRANTED"
    return bool(permissions.consent_token)


def reminder_request(at: ClockTime, now: datetime, time_zone: str, locale: str,
                     text: str) -> Any:
    """A daily reminder at `at`, starting today (`now` is the user's local time in `time_zone`).

    Times are local (no offset), as the API wants them, and `timeZoneId` says which zone they
    are in: the Reminders API reference asks for it on every scheduled reminder.
    """
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    start = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0, tzinfo=None)
    rule = f"FREQ=DAILY;BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0;INTERVAL=1"
    return ReminderRequest(
        request_time=now.replace(microsecond=0, tzinfo=None),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=start,
                        time_zone_id=time_zone,
                        recurrence=Recurrence(start_date_time=start, recurrence_rules=[rule])),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale,
                                                                         text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def reminder_time(reminder: Any) -> ClockTime | None:
    """When an existing reminder goes off, from its recurrence rule or its scheduled time."""
    trigger = getattr(reminder, "trigger", None)
    recurrence = getattr(trigger, "recurrence", None)
    for rule in getattr(recurrence, "recurrence_rules", None) or ():
        hour, minute = re.search(_RULE_HOUR, rule or ""), re.search(_RULE_MINUTE, rule or "")
        if hour:
            return ClockTime.parse(f"{hour.group(1)}:{int(minute.group(1)) if minute else 0:02d}")
    scheduled = getattr(trigger, "scheduled_time", None)
    if isinstance(scheduled, datetime):
        return ClockTime(scheduled.hour, scheduled.minute)
    return None


def _readable_alert_info() -> None:
    """Let the SDK read a reminder's alertInfo back.

    ask-sdk-model (1.82) types AlertInfo.spokenInfo as `...reminder_management.
    alert_info_spoken_info.SpokenInfo`, a module that does not exist, so every reminder the
    Reminders API returns (they all carry alertInfo) fails to deserialize: "when is my reminder"
    and "cancel my reminder" could never work. The name is pointed at the real module.
    """
    import sys

    from ask_sdk_model.services.reminder_management import spoken_info

    sys.modules.setdefault(f"{spoken_info.__package__}.alert_info_spoken_info", spoken_info)


def _service(handler_input: HandlerInput) -> Any:
    _readable_alert_info()
    factory = handler_input.service_client_factory
    if factory is None:
        raise RuntimeError("no service client factory: the skill was built without an ApiClient")
    return factory.get_reminder_management_service()


def save(handler_input: HandlerInput, request: Any, token: str | None) -> str:
    """Create the reminder, or change the existing one; returns its alert token.

    A stored token whose reminder is gone (deleted in the Alexa app: 404) is replaced by a new one.
    With no token remembered (no store, or it was down when the reminder was made), the API's own
    list of this skill's reminders is asked first, so the user never ends up with two.
    """
    if not token:
        token = next(iter(active_tokens(handler_input)), None)
    service = _service(handler_input)
    if token:
        try:
            service.update_reminder(token, request)
            return token
        except Exception as error:
            if getattr(error, "status_code", None) != 404:
                raise
    created = service.create_reminder(request)
    alert_token = getattr(created, "alert_token", None)
    if not isinstance(alert_token, str) or not alert_token:
        raise ValueError("the Reminders API created a reminder without a token")
    return alert_token


def active(handler_input: HandlerInput) -> list[Any]:
    """This skill's reminders for the user that are still on."""
    listing = _service(handler_input).get_reminders()
    alerts = getattr(listing, "alerts", None) or []
    return [a for a in alerts if getattr(getattr(a, "status", None), "value", None) != "COMPLETED"]


def active_tokens(handler_input: HandlerInput) -> list[str]:
    """The alert tokens of this skill's reminders for the user that are still on."""
    return [token for token in (getattr(a, "alert_token", None) for a in active(handler_input))
            if isinstance(token, str) and token]


def delete(handler_input: HandlerInput, tokens: list[str]) -> None:
    """Delete the given reminders; one already gone (404) counts as deleted."""
    service = _service(handler_input)
    for token in tokens:
        try:
            service.delete_reminder(token)
        except Exception as error:
            if getattr(error, "status_code", None) != 404:
                raise
