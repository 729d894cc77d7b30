"""Questions about twitching: each intent names a kind of content, its slot names the entry.

Where an utterance goes: interaction_models/intents/<Intent>.yaml -> this table -> content/<kind>.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import Content, Entry, Overview
from skill.reply import last_answer, reply, speaker
from skill.slots import heard_unlisted, intent_name, read_slot, resolved_ids


def said_back(handler_input: HandlerInput, content: Content, heard: str | None,
              kind: str) -> Entry | None:
    """The item of the list just spoken that `heard` names, when that list is of another kind.

    After "The most common are stress, caffeine, and low minerals", "stress" is the cause; after
    the ways to prevent twitching it is managing stress. One spoken name can be a value of two
    slot types (the same subject seen from two sides), and the model can give an utterance to one
    intent only; the list the person just heard is what says which side they mean. Only a list
    (an overview) decides: after a single answer, a name keeps the meaning its intent gives it.
    """
    last = last_answer(handler_input)
    if not heard or last is None or not last.topic:
        return None
    try:
        listed = content.get(last.topic)
    except KeyError:
        return None
    if not isinstance(listed, Overview) or listed.kind == kind:
        return None
    return content.find(listed.kind, heard)


class TopicHandler(AbstractRequestHandler):
    """Answers one kind of question: the entry its slot names, else the kind's overview.

    Words that name an emergency sign (content: the emergency entry's phrases) get the emergency
    answer whatever the slot resolved to, so "weakness and slurred speech" is never answered as
    weakness alone.
    """

    def __init__(self, intent: str, slot: str, kind: str) -> None:
        self.intent, self.slot, self.kind = intent, slot, kind

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == self.intent

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        value = read_slot(handler_input, self.slot, self.kind, speak.content)
        if value.heard and speak.content.names_emergency(value.heard):
            return reply(handler_input, speak.emergency())  # an emergency sign, with or without
        listed = said_back(handler_input, speak.content, value.heard, self.kind)
        if listed:
            return reply(handler_input, speak.answer(listed.id))
        if value.entry:
            return reply(handler_input, speak.answer(value.entry.id))
        if value.heard:
            return reply(handler_input, speak.not_covered(self.kind, value.heard))
        overview = speak.content.kinds[self.kind].overview
        if overview is None:  # a kind without an overview still answers, with its first entry
            return reply(handler_input, speak.answer(speak.content.entries(self.kind)[0].id))
        return reply(handler_input, speak.answer(overview.id))


class SituationHandler(AbstractRequestHandler):
    """A body part and a cause in one breath ("my calf twitches after running").

    The cause says why, so its answer is the most specific one; the first sentence says back what
    the person named (content/messages.yaml `situation_part_cause`), so they know both were
    heard. With only the body part, BodyPartIntent's own TopicHandler answers as before.
    """

    intent, part_slot, cause_slot = "BodyPartIntent", "BodyPart", "Cause"

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if intent_name(handler_input) != self.intent:
            return False
        content = speaker(handler_input).content
        return bool(read_slot(handler_input, self.part_slot, "body_part", content).entry
                    and read_slot(handler_input, self.cause_slot, "cause", content).entry)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        part = read_slot(handler_input, self.part_slot, "body_part", speak.content)
        cause = read_slot(handler_input, self.cause_slot, "cause", speak.content)
        assert part.entry is not None and cause.entry is not None  # can_handle said so
        answer = speak.answer(cause.entry.id)
        said = speak.say("situation_part_cause", part=part.heard or part.entry.name,
                         cause=cause.heard or cause.entry.name, name=cause.entry.name)
        return reply(handler_input, answer._replace(speech=f"{said} {answer.speech}"))


class FixedTopicHandler(AbstractRequestHandler):
    """Answers an intent that always means one entry ("what is twitching")."""

    def __init__(self, intent: str, entry_id: str) -> None:
        self.intent, self.entry_id = intent, entry_id

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == self.intent

    def handle(self, handler_input: HandlerInput) -> Response:
        return reply(handler_input, speaker(handler_input).answer(self.entry_id))


class EmergencyHandler(FixedTopicHandler):
    """A statement of a sign that needs help now: the emergency answer, unconditionally.

    With one exception. Alexa's NLU fills a custom slot with words outside its list, so "my toe
    went numb" can arrive here with the Limb slot unresolved (no arm, leg, hand, face or side),
    and "my eye twitches and i'm tired" with both sign clauses unresolved. A numb toe is no
    stroke sign; when words were heard in a sign slot and none of those slots matched a listed
    sign, the warning signs answer, with their own safety lines (when to call the emergency
    number, when to see a doctor), instead of an order to call. One listed sign is enough for
    the emergency answer.
    """

    sign_slots, instead = ("Limb", "SignClause", "OtherSignClause"), "warning_signs"

    def __init__(self) -> None:
        super().__init__("EmergencyIntent", "emergency")

    def handle(self, handler_input: HandlerInput) -> Response:
        unlisted = any(heard_unlisted(handler_input, slot) for slot in self.sign_slots)
        if unlisted and not any(resolved_ids(handler_input, slot)[0] for slot in self.sign_slots):
            return reply(handler_input, speaker(handler_input).answer(self.instead))
        return super().handle(handler_input)


TOPIC_HANDLERS: list[AbstractRequestHandler] = [
    SituationHandler(),   # ahead of BodyPartIntent's TopicHandler: both slots filled
    EmergencyHandler(),
    FixedTopicHandler("WhatIsTwitchingIntent", "what_is"),
    FixedTopicHandler("HowCommonIntent", "how_common"),
    FixedTopicHandler("IsItSeriousIntent", "serious"),
    TopicHandler("CauseIntent", slot="Cause", kind="cause"),
    TopicHandler("ConditionIntent", slot="Condition", kind="condition"),
    TopicHandler("TestIntent", slot="Test", kind="test"),
    TopicHandler("TreatmentIntent", slot="Treatment", kind="treatment"),
    TopicHandler("PreventionIntent", slot="Habit", kind="habit"),
    TopicHandler("BodyPartIntent", slot="BodyPart", kind="body_part"),
    TopicHandler("WarningSignsIntent", slot="WarningSign", kind="warning_sign"),
]


def topic_handler(intent: str | None) -> TopicHandler | FixedTopicHandler | None:
    """The handler that answers `intent` from content, or None.

    The name-free check (skill/handlers/name_free.py) asks this table too, so what the skill
    claims it can answer is exactly what it does answer.
    """
    for handler in TOPIC_HANDLERS:
        if isinstance(handler, TopicHandler | FixedTopicHandler) and handler.intent == intent:
            return handler
    return None
