"""Whatever goes wrong, the person hears an apology and can keep asking; we get the traceback."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.handlers.events import EVENT_TYPES
from skill.reply import reply, speaker

log = logging.getLogger(__name__)


class ApologiseOnError(AbstractExceptionHandler):
    """Turns any failure inside the skill into a spoken apology with a reprompt, and logs it."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error("request %s failed", getattr(request, "request_id", "?"), exc_info=exception)
        if getattr(request, "object_type", None) in EVENT_TYPES:
            return handler_input.response_builder.response   # no one is listening to an event
        return reply(handler_input, speaker(handler_input).message("error", "error_reprompt"))
