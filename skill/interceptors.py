"""Behaviour shared by every request, kept out of the handlers."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput

from skill.slots import intent_name

log = logging.getLogger("skill.requests")


class LogRequest(AbstractRequestInterceptor):
    """One line per request: its id, type and intent (never the user's id or tokens)."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        log.info("request %s %s %s", getattr(request, "request_id", "?"),
                 getattr(request, "object_type", type(request).__name__),
                 intent_name(handler_input) or "")
