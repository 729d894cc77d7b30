""" "Should I worry?": a short guided check for the warning signs, ending in advice, never a
diagnosis.

Why an explicit state machine in the session attributes, not Alexa's dialog model (slots with
elicitation prompts):
- a bare "yes" or "no" never fills an elicited slot: Alexa sends AMAZON.YesIntent / NoIntent even
  while a slot is being elicited, so Yes/No handlers are needed whatever the model says;
- the sequence is conditional (a yes to the emergency screen ends it at once), which elicitation
  prompts cannot express without the skill taking over every turn anyway;
- interruptions (help, repeat, stop, start over, another question) must work at every step, and
  Dialog.ElicitSlot ties the next turn to one intent;
- the questions are content (content/symptom_check.yaml), checked and tested like the rest, not
  prompts copied into five locale models.

The state, in the session attributes:
- `check`: {"step": the question being asked, "yes": [step ids], "unsure": [step ids]}, present
  from the start of a check until it ends (outcome, emergency, stop);
- `follow_up`: {"check": step id} while the last thing the skill said was that question. Only
  then are yes / no / not sure read as answers. Any other answer in between (a topic question)
  replaces the follow-up, so the check is paused: the next "yes" belongs to what that answer
  offered, never to the check. "Continue the check" (or "should I worry...", or "resume")
  picks it up again at the same question.

The emergency screen is always the first question, on start and on start over; "not sure" counts
as yes everywhere (for the emergency screen, it gets the emergency answer, the same one "I can't
breathe" gets, and the session ends).

Nothing of the check is stored in the user record: its state and answers live in the session
attributes only, and go when the session ends. Its outcomes carry no topic, so nothing of it is
remembered or spoken at a later launch.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.attributes import own
from skill.content import SymptomCheck
from skill.handlers.conversation import DECLINE, YES_WITHOUT_OFFER, MoreHandler
from skill.reply import pending_follow_up, reply, session, speaker
from skill.slots import intent_name, resolved_ids
from skill.speech import CHECK, NO, UNSURE, YES

STATE = own("check")
START_INTENT = "SymptomCheckIntent"
ANSWER_INTENT = "CheckAnswerIntent"
ANSWER_SLOT = "Answer"
RESUME_INTENT = "AMAZON.ResumeIntent"
BUILT_IN_ANSWERS = {"AMAZON.YesIntent": YES, "AMAZON.NoIntent": NO}
STOP_INTENTS = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
SKIP_INTENTS = ("AMAZON.NextIntent", "AMAZON.MoreIntent")


class CheckState:
    """Where a check is: the question asked, and the signs answered yes or not sure.

    A plain class rather than a dataclass: every cold start defines it (most never start a
    check), and generating a dataclass's methods cost it more than this whole module otherwise.
    """

    __slots__ = ("step", "unsure", "yes")

    def __init__(self, step: str, yes: list[str] | None = None,
                 unsure: list[str] | None = None) -> None:
        self.step = step
        self.yes: list[str] = [] if yes is None else yes
        self.unsure: list[str] = [] if unsure is None else unsure

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"CheckState(step={self.step!r}, yes={self.yes!r}, unsure={self.unsure!r})"

    @classmethod
    def load(cls, raw: Any, check: SymptomCheck) -> CheckState | None:
        """The state from the session; None when absent, or too broken to trust (tampered)."""
        if not isinstance(raw, dict):
            return None
        step = raw.get("step")
        known = [check.emergency.id, *(s.id for s in check.steps)]
        if step not in known:
            return None
        flags = {}
        for key in ("yes", "unsure"):
            value = raw.get(key)
            flags[key] = [s for s in value if s in known] if isinstance(value, list) else []
        return cls(step, flags["yes"], flags["unsure"])

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "yes": list(self.yes), "unsure": list(self.unsure)}


def _check(handler_input: HandlerInput) -> SymptomCheck | None:
    return speaker(handler_input).content.check


def current(handler_input: HandlerInput) -> CheckState | None:
    """The check under way in this session (asking or paused), if any."""
    check = _check(handler_input)
    return None if check is None else CheckState.load(session(handler_input).get(STATE), check)


def asking(handler_input: HandlerInput) -> CheckState | None:
    """The check, only while its question is the last thing said: then answers are for it."""
    state = current(handler_input)
    follow = pending_follow_up(handler_input)
    return state if state is not None and follow is not None and CHECK in follow else None


def heard_answer(handler_input: HandlerInput) -> str | None:
    """yes / no / unsure from a built-in Yes/No or the answer slot; None when not understood."""
    name = intent_name(handler_input)
    if name in BUILT_IN_ANSWERS:
        return BUILT_IN_ANSWERS[name]
    check = _check(handler_input)
    if name != ANSWER_INTENT or check is None:
        return None
    ids, heard = resolved_ids(handler_input, ANSWER_SLOT)
    for value in ids:
        if value in (YES, NO, UNSURE):
            return str(value)
    return check.answer_id(heard) if heard else None


def _save(handler_input: HandlerInput, state: CheckState | None) -> None:
    if state is None:
        session(handler_input).pop(STATE, None)
    else:
        session(handler_input)[STATE] = state.to_dict()


class StartCheckHandler(AbstractRequestHandler):
    """ "Should I worry about my twitching": start the check, or pick a paused one up again."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        if _check(handler_input) is None:
            return False
        return name == START_INTENT or (name == RESUME_INTENT and current(handler_input)
                                        is not None)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        state = current(handler_input)
        if state is None:
            _save(handler_input, CheckState(speak.check.emergency.id))
            return reply(handler_input, speak.check_start())
        lead = "check_in_progress" if asking(handler_input) else "check_resume"
        return reply(handler_input, speak.check_ask(state.step, lead))


class CheckAnswerHandler(AbstractRequestHandler):
    """Yes, no or not sure to the question just asked: the next question, or the outcome."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asking(handler_input) is not None and heard_answer(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        state = asking(handler_input)
        answer = heard_answer(handler_input)
        assert state is not None and answer is not None  # can_handle said so
        if state.step == speak.check.emergency.id:
            if answer != NO:  # yes, or not sure: conservative, the emergency answer
                _save(handler_input, None)
                return reply(handler_input, speak.check_emergency())
        elif answer == YES:
            state.yes.append(state.step)
        elif answer == UNSURE:
            state.unsure.append(state.step)
        following = speak.check.after(state.step)
        if following is None:
            _save(handler_input, None)
            return reply(handler_input, speak.check_outcome(state.yes, state.unsure))
        state.step = following.id
        _save(handler_input, state)
        return reply(handler_input, speak.check_next(following.id, answer))


class CheckUnclearHandler(AbstractRequestHandler):
    """Mid-check, anything that is not an answer or a request: ask the same question again."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        return asking(handler_input) is not None and (
            name in (ANSWER_INTENT, "AMAZON.FallbackIntent", *SKIP_INTENTS))

    def handle(self, handler_input: HandlerInput) -> Response:
        state = asking(handler_input)
        assert state is not None
        lead = "check_no_skip" if intent_name(handler_input) in SKIP_INTENTS else (
            "check_not_understood")
        return reply(handler_input, speaker(handler_input).check_ask(state.step, lead))


class CheckPromptHandler(AbstractRequestHandler):
    """Help or repeat mid-check: a line of the skill's own, then the same question."""

    def __init__(self, intent: str, lead: str) -> None:
        self.intent, self.lead = intent, lead

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == self.intent and asking(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        state = asking(handler_input)
        assert state is not None
        return reply(handler_input, speaker(handler_input).check_ask(state.step, self.lead))


class CheckStartOverHandler(AbstractRequestHandler):
    """ "Start over" while a check is under way restarts the check, emergency screen first."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (intent_name(handler_input) == "AMAZON.StartOverIntent"
                and current(handler_input) is not None)

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        _save(handler_input, CheckState(speak.check.emergency.id))
        return reply(handler_input, speak.check_ask(speak.check.emergency.id, "check_restart"))


class CheckStopHandler(AbstractRequestHandler):
    """Stop or cancel with a check under way: end it, still pointing to a doctor."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in STOP_INTENTS and current(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        _save(handler_input, None)
        return reply(handler_input, speaker(handler_input).check_stopped())


class AnswerOutsideCheckHandler(AbstractRequestHandler):
    """An answer when no check question is waiting: a word like "kind of" or "not sure", or a
    bare yes / no while a check is paused.

    A yes to an offer still takes the offer (the topic answered in between made it); a no
    declines it. With a check paused, the skill then says how to go back to it, so a person who
    stepped aside is not left wondering; without one, an unclear word gets the fallback.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        if asking(handler_input) is not None or _check(handler_input) is None:
            return False
        if name == ANSWER_INTENT:
            return True
        paused = current(handler_input) is not None
        if name == "AMAZON.YesIntent":
            return paused and pending_follow_up(handler_input) is None
        return name == "AMAZON.NoIntent" and paused

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = heard_answer(handler_input)
        if answer == YES and pending_follow_up(handler_input) is not None:
            return MoreHandler().handle(handler_input)
        if current(handler_input) is not None:
            return reply(handler_input, speaker(handler_input).check_paused(
                declined=answer == NO))
        if answer == YES:
            return YES_WITHOUT_OFFER.handle(handler_input)
        if answer == NO:
            return DECLINE.handle(handler_input)
        return reply(handler_input, speaker(handler_input).message("fallback",
                                                                   "fallback_reprompt"))


# Registered before the conversation handlers and the built-ins: while a check question waits,
# "yes" answers it (MoreHandler would read it as "more"), and help / repeat / start over / stop
# mean the check.
CHECK_HANDLERS: list[AbstractRequestHandler] = [
    StartCheckHandler(),
    CheckAnswerHandler(),
    CheckUnclearHandler(),
    CheckPromptHandler("AMAZON.HelpIntent", "check_help"),
    CheckPromptHandler("AMAZON.RepeatIntent", "check_repeat"),
    CheckStartOverHandler(),
    CheckStopHandler(),
    AnswerOutsideCheckHandler(),
]
