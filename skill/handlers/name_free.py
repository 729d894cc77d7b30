"""Name-free questions: "Alexa, why does my eye twitch?" without saying the skill's name.

Before routing such a question here, Alexa asks the skill whether it can answer it (a
CanFulfillIntentRequest). The answer must be truthful and must change nothing: YES only for an
intent the content answers with every slot value resolving to a content entry; NO for anything
else. It speaks nothing, shows nothing and stores nothing (Amazon's rule for this request).

What "the content answers" means comes from the same table the answers come from
(`skill/handlers/topics.py`), so the claim and the behaviour cannot drift apart.
"""

# No `from __future__ import annotations`: typing.NamedTuple turns each string annotation into a
# ForwardRef by calling compile(), and the first compile() in a process costs a cold start about
# a millisecond (the hello-world baseline never calls it). Annotations here are evaluated.

from typing import NamedTuple

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import Content, get_content
from skill.handlers.topics import FixedTopicHandler, TopicHandler, topic_handler
from skill.slots import read_slot, resolved_ids

CAN_FULFILL_REQUEST = "CanFulfillIntentRequest"
YES, NO, MAYBE = "YES", "NO", "MAYBE"

# Intents without a slot that content answers outright, besides the topic table: today's tip
# comes from content/tips.yaml and needs no account, no permission and no earlier turn.
SLOTLESS_CONTENT_INTENTS = frozenset({"DailyTipIntent"})


class Verdict(NamedTuple):
    """The answer to "can you fulfil this?": for the intent, and per filled slot.

    `slots` maps a slot name to (canUnderstand, canFulfill). A NamedTuple, not a frozen dataclass:
    every cold start defines this class, and a NamedTuple costs it a fraction of a dataclass.
    """

    can_fulfill: str
    slots: dict[str, tuple[str, str]]


def _filled_slots(intent: object) -> dict[str, str]:
    """Slot name -> the words heard, for the slots that carry a value."""
    slots = getattr(intent, "slots", None)
    if not isinstance(slots, dict):
        return {}
    filled = {}
    for name, slot in slots.items():
        value = getattr(slot, "value", None)
        if isinstance(value, str) and value.strip():
            filled[name] = value
    return filled


def assess(handler_input: HandlerInput, content: Content) -> Verdict:
    """Whether this skill would answer the request from its content, slot by slot.

    A slot value the content does not cover is neither understood nor fulfilled: the skill would
    only say it has no information on it, which is not an answer worth routing here. Slots the
    intent does not have are not understood either. An empty slot is fine: the topic's overview
    answers it. An intent that always gives one answer (the emergency) fulfils any slot it has.
    """
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    name = getattr(intent, "name", None)
    filled = _filled_slots(intent)
    handler = topic_handler(name)
    if handler is None and name not in SLOTLESS_CONTENT_INTENTS:
        return Verdict(NO, {slot: (NO, NO) for slot in filled})
    slots: dict[str, tuple[str, str]] = {}
    for slot in filled:
        if isinstance(handler, TopicHandler) and slot == handler.slot:
            value = read_slot(handler_input, slot, handler.kind, content)
            slots[slot] = (YES, YES) if value.entry else (NO, NO)
        elif isinstance(handler, FixedTopicHandler):
            # The answer does not depend on this slot (who an emergency is about, in words the
            # model lists): fulfilled whatever was heard; understood when Alexa matched a word.
            ids, _heard = resolved_ids(handler_input, slot)
            slots[slot] = (YES if ids else MAYBE, YES)
        else:
            slots[slot] = (NO, NO)
    verdict = YES if all(fulfil == YES for _understand, fulfil in slots.values()) else NO
    return Verdict(verdict, slots)


class CanFulfillHandler(AbstractRequestHandler):
    """Answers Alexa's CanFulfillIntentRequest: no speech, no card, no state, just the verdict."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return getattr(request, "object_type", None) == CAN_FULFILL_REQUEST

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.canfulfill import (
            CanFulfillIntent,
            CanFulfillIntentValues,
            CanFulfillSlot,
            CanFulfillSlotValues,
            CanUnderstandSlotValues,
        )

        verdict = assess(handler_input, get_content())
        slots = {
            name: CanFulfillSlot(can_understand=CanUnderstandSlotValues(understand),
                                 can_fulfill=CanFulfillSlotValues(fulfill))
            for name, (understand, fulfill) in verdict.slots.items()
        }
        handler_input.response_builder.set_can_fulfill_intent(CanFulfillIntent(
            can_fulfill=CanFulfillIntentValues(verdict.can_fulfill), slots=slots or None))
        return handler_input.response_builder.response
