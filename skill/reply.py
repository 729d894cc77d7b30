"""The one place that turns an `Answer` into an Alexa response.

Handlers call `reply(handler_input, answer)`; nothing else builds speech. It also keeps the
session state every later turn relies on: the last answer (for "repeat"), what "more" / "yes"
continues with, and the topic last talked about.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_locale
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.content import get_content
from skill.speech import Answer, Speaker, to_ssml

LAST = "last_answer"
FOLLOW_UP = "follow_up"
TOPIC = "topic"


def speaker(handler_input: HandlerInput) -> Speaker:
    """A Speaker for this request's locale."""
    try:
        locale = get_locale(handler_input)
    except (AttributeError, TypeError):
        locale = None
    return Speaker(get_content(), locale)


def session(handler_input: HandlerInput) -> dict:
    """The session attributes, always a dict (a malformed session must not crash a handler)."""
    manager = handler_input.attributes_manager
    if not isinstance(manager.session_attributes, dict):
        manager.session_attributes = {}
    return manager.session_attributes


def pending_follow_up(handler_input: HandlerInput) -> dict | None:
    follow = session(handler_input).get(FOLLOW_UP)
    return follow if isinstance(follow, dict) else None


def last_answer(handler_input: HandlerInput) -> Answer | None:
    last = session(handler_input).get(LAST)
    try:
        return Answer.from_dict(last) if isinstance(last, dict) and last.get("speech") else None
    except TypeError:
        return None


def reply(handler_input: HandlerInput, answer: Answer) -> Response:
    """Speak `answer`, show its card, and remember it for the next turn."""
    attributes = session(handler_input)
    attributes[LAST] = answer.to_dict()
    if answer.follow_up:
        attributes[FOLLOW_UP] = answer.follow_up
    else:
        attributes.pop(FOLLOW_UP, None)
    if answer.topic:
        attributes[TOPIC] = answer.topic

    acronyms = get_content().messages.acronyms
    builder = handler_input.response_builder
    builder.speak(to_ssml(answer.speech, acronyms))
    if answer.reprompt:
        builder.ask(to_ssml(answer.reprompt, acronyms))
    if answer.title and answer.card:
        builder.set_card(SimpleCard(title=answer.title, content=answer.card))
    builder.set_should_end_session(answer.reprompt is None)
    return builder.response
