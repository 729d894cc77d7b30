"""What the skill remembers about a person: welcome back, "continue", and "forget me".

The record (skill/store/records.py) holds `visits`, `first_seen`, `last_seen`, the last `topic`
(an entry id), the tip history and the daily reminder. Never an emergency, and nothing of the
symptom check (its answers live in the session only).

A speaker is heard by a household: at launch, a sensitive last topic (a kind or entry marked
`sensitive: true` in content/, and any emergency) is never named; welcome back then offers to
continue without saying what it was. "Forget me" deletes it after a yes; both
"yes" and "no" are answered here, ahead of the general yes/no handlers, while that question is open.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import LaunchRequest, Response

from skill.alexa.clock import request_time
from skill.alexa.reminders import RECORD_KEY
from skill.content import Entry, Overview, get_content
from skill.handlers.daily_tip import TODAY
from skill.reply import TOPIC, pending_follow_up, reply, session, speaker
from skill.slots import intent_name
from skill.speech import Answer
from skill.store.records import (
    count,
    forget,
    has_record,
    remember,
    store_status,
    user_record,
)

CONFIRM = "confirm"          # follow_up: {"confirm": "forget_me"} while "are you sure?" is open
FORGET_ME = "forget_me"


def _known_topic(topic: object) -> Entry | Overview | None:
    """The entry a stored topic names, if it is one to pick up again (never an emergency: a
    record written before that rule may still hold one)."""
    if not isinstance(topic, str) or get_content().is_emergency(topic):
        return None
    try:
        return get_content().get(topic)
    except KeyError:
        return None  # content changed since the topic was stored


class WelcomeHandler(AbstractRequestHandler):
    """ "Open muscle twitch guide": a first welcome, or a welcome back with the last topic."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return isinstance(handler_input.request_envelope.request, LaunchRequest)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        record = user_record(handler_input)
        today = request_time(handler_input).date().isoformat()
        returning, topic = bool(record), _known_topic(record.get(TOPIC))
        count(handler_input, "visits")   # an increment: visits from two devices both count
        remember(handler_input, last_seen=today, first_seen=record.get("first_seen") or today)
        if not returning:
            return reply(handler_input, speak.message("welcome", "welcome_reprompt"))
        if topic is not None and speak.content.is_sensitive(topic.id):
            return reply(handler_input, speak.message("welcome_back_continue", "welcome_reprompt"))
        if topic is not None:
            return reply(handler_input, speak.message("welcome_back_resume", "welcome_reprompt",
                                                      title=topic.title))
        return reply(handler_input, speak.message("welcome_back", "welcome_reprompt"))


class ResumeHandler(AbstractRequestHandler):
    """ "Continue": the last topic again, from this session or from the user's record."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "AMAZON.ResumeIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        topic = _known_topic(session(handler_input).get(TOPIC)) or \
            _known_topic(user_record(handler_input).get(TOPIC))
        if topic is None:
            return reply(handler_input, speak.message("resume_nothing"))
        return reply(handler_input, speak.resume(topic.id))


class ForgetMeHandler(AbstractRequestHandler):
    """ "Forget me": asks to be sure when there is something to delete."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "ForgetMeIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        status = store_status(handler_input)
        if status == "down":
            return reply(handler_input, speak.message("forget_unavailable"))
        if status == "none" or not has_record(handler_input):   # even one unreadable
            return reply(handler_input, speak.message("forget_nothing_stored"))
        return reply(handler_input, Answer(speak.say("forget_confirm"),
                                           speak.say("forget_confirm_reprompt"),
                                           follow_up={CONFIRM: FORGET_ME}))


def _confirming_forget(handler_input: HandlerInput) -> bool:
    follow = pending_follow_up(handler_input)
    return bool(follow) and follow.get(CONFIRM) == FORGET_ME


class ForgetConfirmedHandler(AbstractRequestHandler):
    """ "Yes" to "delete everything?": delete the record, and say what stays (a reminder)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "AMAZON.YesIntent" and \
            _confirming_forget(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        if store_status(handler_input) == "none":
            return reply(handler_input, speak.message("forget_nothing_stored"))
        had_reminder = bool(user_record(handler_input).get(RECORD_KEY))
        if not forget(handler_input):  # deleting is tried even if reading failed: it was asked
            return reply(handler_input, speak.message("forget_failed"))
        attributes = session(handler_input)
        for key in (TOPIC, TODAY):
            attributes.pop(key, None)
        return reply(handler_input, speak.message(
            "forget_done_reminder" if had_reminder else "forget_done"))


class ForgetDeclinedHandler(AbstractRequestHandler):
    """ "No" to "delete everything?": keep it all."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "AMAZON.NoIntent" and \
            _confirming_forget(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return reply(handler_input, speaker(handler_input).message("forget_kept"))


class RememberTopic(AbstractResponseInterceptor):
    """Copies the topic of this turn's answer into the record, so "continue" works next time.

    Only a topic that changed during this turn is written, so most turns touch no store at all;
    an emergency is never written (reply() keeps it out of the session too).
    """

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        request_session = handler_input.request_envelope.session
        if request_session is None:
            return
        topic = session(handler_input).get(TOPIC)
        before = (request_session.attributes or {}).get(TOPIC)
        if not isinstance(topic, str) or topic == before or get_content().is_emergency(topic):
            return
        if user_record(handler_input).get(TOPIC) != topic:
            remember(handler_input, **{TOPIC: topic})


MEMORY_HANDLERS: list[AbstractRequestHandler] = [
    ForgetMeHandler(),
    ForgetConfirmedHandler(),
    ForgetDeclinedHandler(),
    ResumeHandler(),
]
