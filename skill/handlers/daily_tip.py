"""Today's prevention tip."""

from __future__ import annotations

from datetime import UTC, datetime

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.reply import reply, speaker
from skill.slots import intent_name
from skill.tips import tip_of_the_day


def request_day(handler_input: HandlerInput) -> datetime:
    """When the request was made (Alexa's timestamp, in UTC); now if the request lacks one."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return datetime.now(UTC)


def user_id(handler_input: HandlerInput) -> str:
    system = getattr(handler_input.request_envelope.context, "system", None)
    user = getattr(system, "user", None)
    return getattr(user, "user_id", None) or "anonymous"


class DailyTipHandler(AbstractRequestHandler):
    """ "What's today's tip": the same tip all day, a different one tomorrow."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "DailyTipIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        day = request_day(handler_input).date()
        tip = tip_of_the_day(speak.content.entries("tip"), user_id(handler_input), day)
        return reply(handler_input, speak.tip(tip))
