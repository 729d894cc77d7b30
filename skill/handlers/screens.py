"""Touches on a screen: a row of an overview list (skill/apl/list.json) asks about that entry."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.reply import reply, speaker

log = logging.getLogger(__name__)

USER_EVENT = "Alexa.Presentation.APL.UserEvent"


class TouchHandler(AbstractRequestHandler):
    """A touched list row is answered exactly as if the person had asked for that entry."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return getattr(request, "object_type", None) == USER_EVENT

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.screens import touched_entry  # only a screen device pays for screens

        speak = speaker(handler_input)
        arguments = getattr(handler_input.request_envelope.request, "arguments", None)
        item = touched_entry(arguments, speak.content)
        if item is None:
            log.warning("screen event this skill did not send: %r", arguments)
            return reply(handler_input, speak.message("fallback", "fallback_reprompt"))
        return reply(handler_input, speak.answer(item.id))
