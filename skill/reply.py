"""The one place that turns an `Answer` into an Alexa response.

Handlers call `reply(handler_input, answer)`; nothing else builds speech. It also keeps the
session state every later turn relies on: the last answer (for "repeat"), what "more" / "yes"
continues with, and the topic last talked about (never an emergency: that answer ends the session
and is not one to pick up again). Every answer with a title gets a card in the Alexa app; a device
that says it renders APL, in a version the screen's document needs, also gets the answer as a
screen (skill/screens.py), and any other device gets nothing APL-specific at all.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_locale
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.alexa.attributes import own, session
from skill.content import get_content
from skill.speech import Answer, Speaker, to_ssml

ALEXA_LIMIT = 8000  # characters of SSML per speech (with <speak>), and of card title + text
LAST = own("last_answer")
FOLLOW_UP = own("follow_up")
TOPIC = own("topic")


def speaker(handler_input: HandlerInput) -> Speaker:
    """A Speaker for this request's locale."""
    try:
        locale = get_locale(handler_input)
    except (AttributeError, TypeError):
        locale = None
    return Speaker(get_content(), locale)


def pending_follow_up(handler_input: HandlerInput) -> dict | None:
    follow = session(handler_input).get(FOLLOW_UP)
    return follow if isinstance(follow, dict) else None


def last_answer(handler_input: HandlerInput) -> Answer | None:
    last = session(handler_input).get(LAST)
    try:
        return Answer.from_dict(last) if isinstance(last, dict) and last.get("speech") else None
    except TypeError:
        return None


def apl_max_version(handler_input: HandlerInput) -> str | None:
    """The newest APL version the device renders (Echo Show "2024.2"), or None for no screen.

    Read from the raw supportedInterfaces so an interface the SDK model does not know, or a
    request without a device, simply means "no screen". An APL interface whose runtime names no
    maxVersion also gives None: skill/screens.py sends a document only to a device that says it
    can render that document's version.
    """
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    apl = getattr(interfaces, "alexa_presentation_apl", None)
    version = getattr(getattr(apl, "runtime", None), "max_version", None)
    return version if isinstance(version, str) else None


def reply(handler_input: HandlerInput, answer: Answer, *, repeatable: bool = True) -> Response:
    """Speak `answer`, show its card (and its screen on APL devices), remember it for next turn.

    `repeatable=False` is for the skill's "I didn't catch that": "repeat" afterwards should say
    the last real answer again, as a person would, not the apology.
    """
    attributes = session(handler_input)
    if repeatable:
        attributes[LAST] = answer.to_dict()
    if answer.follow_up:
        attributes[FOLLOW_UP] = answer.follow_up
    else:
        attributes.pop(FOLLOW_UP, None)
    if answer.topic and not get_content().is_emergency(answer.topic):
        attributes[TOPIC] = answer.topic  # an emergency is never a topic to resume

    acronyms = get_content().messages.acronyms
    speech = to_ssml(answer.speech, acronyms)
    reprompt = to_ssml(answer.reprompt, acronyms) if answer.reprompt else None
    too_long = max(len(speech), len(reprompt or "")) + len("<speak></speak>") > ALEXA_LIMIT
    if too_long or len(answer.title or "") + len(answer.card or "") > ALEXA_LIMIT:
        # Alexa would reject the whole response; the error handler apologises instead
        raise ValueError(f"answer too long for Alexa: {len(speech)} characters of SSML")
    builder = handler_input.response_builder
    builder.speak(speech)
    if reprompt:
        builder.ask(reprompt)
    if answer.title and answer.card:
        builder.set_card(SimpleCard(title=answer.title, content=answer.card))
    max_version = apl_max_version(handler_input) if answer.topic else None
    if max_version is not None:
        from skill.screens import render_directive, renders_on, screen_for  # screens pay for it

        screen = screen_for(answer, speaker(handler_input))
        if screen is not None and renders_on(screen, max_version):
            builder.add_directive(render_directive(screen))
    builder.set_should_end_session(answer.reprompt is None)
    return builder.response
