"""Session attributes, read safely: the one place that knows how the SDK hands them out.

It sits with the Alexa adapters, below the domain, so that both the domain (skill/reply.py) and
the platform adapters (skill/alexa/clock.py) can keep per-session state without importing upward.
"""

from __future__ import annotations

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput


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
