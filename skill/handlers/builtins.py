"""The requests every skill must answer: help, stop, fallback, session end (launch: memory.py)."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response, SessionEndedRequest

from skill.reply import reply, speaker
from skill.slots import intent_name

log = logging.getLogger(__name__)


class MessageHandler(AbstractRequestHandler):
    """Answers built-in intents that always get the same line of the skill's own."""

    def __init__(self, intents: tuple[str, ...], message: str, reprompt: str | None,
                 *, repeatable: bool = True) -> None:
        self.intents, self.message, self.reprompt = intents, message, reprompt
        self.repeatable = repeatable

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in self.intents

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = speaker(handler_input).message(self.message, self.reprompt)
        return reply(handler_input, answer, repeatable=self.repeatable)


class UnknownIntentHandler(AbstractRequestHandler):
    """An intent this skill does not know (an old model, a new built-in): treat as fallback."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return isinstance(handler_input.request_envelope.request, IntentRequest)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.warning("unhandled intent %r", intent_name(handler_input))
        answer = speaker(handler_input).message("fallback", "fallback_reprompt")
        return reply(handler_input, answer, repeatable=False)


class SessionEndedHandler(AbstractRequestHandler):
    """Alexa closed the session; it allows no speech, so log why and answer empty."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return isinstance(handler_input.request_envelope.request, SessionEndedRequest)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request.reason, "value", request.reason)
        if request.error is not None:
            log.error("session ended: %s: %s %s", reason,
                      getattr(request.error.object_type, "value", request.error.object_type),
                      request.error.message)
        else:
            log.info("session ended: %s", reason)
        return handler_input.response_builder.response


BUILTIN_HANDLERS: list[AbstractRequestHandler] = [
    MessageHandler(("AMAZON.HelpIntent",), "help", "help_reprompt"),
    MessageHandler(("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"),
                   "goodbye", None),
    MessageHandler(("AMAZON.FallbackIntent",), "fallback", "fallback_reprompt", repeatable=False),
    MessageHandler(("AMAZON.StartOverIntent",), "welcome", "welcome_reprompt"),
    SessionEndedHandler(),
]
