"""Session attributes, read safely: the one place that knows how the SDK hands them out.

It sits with the Alexa adapters, below the domain, so that both the domain (skill/reply.py) and
the platform adapters (skill/alexa/clock.py) can keep per-session state without importing upward.

Alexa echoes whatever session attributes a response carries into the next request, and refuses a
response over 24 KB in all. The attributes arrive from outside, so the skill sends back only the
keys it owns (each module names its keys with `own()`), each within `MAX_ATTRIBUTE_BYTES`: a
request stuffed with a megabyte of attributes gets an ordinary-sized answer.
"""

from __future__ import annotations

import json
import logging

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

log = logging.getLogger(__name__)

# One attribute's JSON at most. The largest the skill writes is the last answer (speech, reprompt,
# card text of the longest entry: about 2 KB); a few of these stay well inside Alexa's 24 KB.
MAX_ATTRIBUTE_BYTES = 4096
_OWN: set[str] = set()


def own(name: str) -> str:
    """Declare `name` a session attribute of the skill's own; returns it (for a constant)."""
    _OWN.add(name)
    return name


def own_keys() -> frozenset[str]:
    return frozenset(_OWN)


def session(handler_input: HandlerInput) -> dict:
    """The session attributes, always a dict (a malformed session must not crash a handler).

    A request that arrives without a session (the SDK refuses to give session attributes then)
    still gets an answer: this turn's state goes to a scratch dict that nothing carries forward.
    """
    manager = handler_input.attributes_manager
    try:
        attributes = manager.session_attributes
    except AttributesManagerException:
        return manager.request_attributes.setdefault("no_session", {})
    if not isinstance(attributes, dict):
        manager.session_attributes = attributes = {}
    return attributes


def _fits(value: object) -> bool:
    try:
        encoded = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return len(encoded.encode("utf-8")) <= MAX_ATTRIBUTE_BYTES


def keep_own(handler_input: HandlerInput) -> None:
    """Drop, in place, every session attribute that is not the skill's own or is too large."""
    attributes = session(handler_input)
    dropped = [key for key, value in attributes.items()
               if key not in _OWN or not _fits(value)]
    for key in dropped:
        del attributes[key]
    if dropped:
        log.warning("dropped %d session attribute(s) not the skill's own or too large",
                    len(dropped))


class KeepOwnSessionAttributesIn(AbstractRequestInterceptor):
    """Before any handler: what arrives is cut to the skill's own attributes.

    A request interceptor, because a failing handler's error answer skips the response
    interceptors but still carries the session attributes back.
    """

    def process(self, handler_input: HandlerInput) -> None:
        keep_own(handler_input)


class KeepOwnSessionAttributesOut(AbstractResponseInterceptor):
    """After the handler: what goes back is the skill's own attributes, each bounded."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        keep_own(handler_input)
