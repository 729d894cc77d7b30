"""Moving through a conversation: more, yes, no, repeat.

"More" and "yes" continue whatever the last answer offered (its `follow_up` in the session);
later features that ask their own yes/no questions register handlers ahead of these.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.handlers.builtins import MessageHandler
from skill.reply import last_answer, pending_follow_up, reply, session, speaker
from skill.slots import intent_name
from skill.speech import Answer

MORE_INTENTS = ("AMAZON.MoreIntent", "AMAZON.NextIntent")


class MoreHandler(AbstractRequestHandler):
    """ "Tell me more", "next", or "yes" to an offer of more."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        return name in MORE_INTENTS or (
            name == "AMAZON.YesIntent" and pending_follow_up(handler_input) is not None)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        answer = speak.follow_up(pending_follow_up(handler_input))
        return reply(handler_input, answer or speak.message("nothing_more"))


# A "yes" when nothing was offered invites a question rather than guessing; a "no" declines what
# was offered (reply() drops the offer) and the session stays open for another question.
YES_WITHOUT_OFFER = MessageHandler(("AMAZON.YesIntent",), "anything_else", "anything_else")
DECLINE = MessageHandler(("AMAZON.NoIntent",), "ok_anything_else", "anything_else")


class RepeatHandler(AbstractRequestHandler):
    """Say the last answer again, with the same offer still open."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "AMAZON.RepeatIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        last: Answer | None = last_answer(handler_input)
        if last is None:
            session(handler_input).pop("follow_up", None)
            return reply(handler_input, speaker(handler_input).message("nothing_to_repeat"))
        return reply(handler_input, last)


CONVERSATION_HANDLERS: list[AbstractRequestHandler] = [
    MoreHandler(),
    YES_WITHOUT_OFFER,
    DECLINE,
    RepeatHandler(),
]
