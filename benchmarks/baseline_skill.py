"""The yardstick: a minimal "hello world" skill on the same ask-sdk-core as the real one.

Every figure `bench.py` prints for Muscle Twitch Guide is a ratio against this skill, measured in
the same run on the same machine, so the numbers say what our content and features cost on top
of the SDK itself rather than how fast the machine happens to be. It is the shape of the SDK's
documented "hello world" (docs: "Developing your first skill"): a logger, a launch handler, one
handler for any intent, the session-end handler Alexa requires, and a catch-all exception handler
that logs, wired by the SDK's own `SkillBuilder`.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

HELLO = "Hello world!"

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return (handler_input.response_builder.speak(HELLO).ask(HELLO)
                .set_should_end_session(False).response)


class IntentRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(HELLO).set_should_end_session(True).response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error(exception, exc_info=True)
        return handler_input.response_builder.speak("Sorry.").response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(IntentRequestHandler())
sb.add_request_handler(SessionEndedRequestHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

_handler = sb.lambda_handler()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """AWS Lambda entry point, exactly what the SDK's template exports."""
    return _handler(event, context)
