"""Turns content into what the skill says: one `Answer` per turn, and its SSML.

Every spoken rule lives here, once: an emergency is answered with the call instruction first and
the session ends; the emergency line opens warning answers, the doctor pointer closes health
answers; lists are spoken three items at a time with an offer of the rest, acronyms are spelled
out, and text is escaped for SSML. Handlers choose *what* to answer; this module decides *how*
it sounds.
It imports nothing from the ASK SDK, so it is tested and benchmarked on its own.
"""

# No `from __future__ import annotations`: typing.NamedTuple turns each string annotation into a
# ForwardRef by calling compile(), and the first compile() in a process costs a cold start about
# a millisecond (the hello-world baseline never calls it). Annotations here are evaluated.

import re
from collections.abc import Collection
from functools import cache
from typing import Any, NamedTuple

from skill.content import CheckStep, Content, Entry, Overview, SymptomCheck

LIST_PAGE = 3  # never speak more than three list items without offering the rest

# A follow-up says what "more" / "yes" continues with; it travels in the session attributes.
MORE = "more"  # {"more": item_id}: speak the entry's `more` text
LIST = "list"  # {"list": overview_id, "offset": n}: speak the next page of the overview's list
CHECK = "check"  # {"check": step_id}: the symptom check waits for the answer to this question

EMERGENCY = "emergency"  # the entry that tells someone to call for help now

# What a person answered in the symptom check (content/symptom_check.yaml answer ids).
YES, NO, UNSURE = "yes", "no", "unsure"


class Answer(NamedTuple):
    """One turn of the skill: plain text (no SSML yet), with what may follow it.

    `reprompt=None` means the session ends. `title`/`card` feed the Alexa app card and the screen.
    """

    speech: str
    reprompt: str | None
    title: str | None = None
    card: str | None = None
    follow_up: dict[str, Any] | None = None
    topic: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """For the session (a plain dict, with its own copy of the follow-up)."""
        data = self._asdict()
        if self.follow_up is not None:
            data["follow_up"] = dict(self.follow_up)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Answer":
        """An answer back from the session; TypeError if it is not one this skill could have
        made (session attributes return from the client: they are checked, not trusted)."""
        values = {key: data.get(key) for key in cls._fields}
        for key, value in values.items():
            kind = dict if key == "follow_up" else str
            if not isinstance(value, kind) and (value is not None or key == "speech"):
                raise TypeError(f"a stored answer's '{key}' is not {kind.__name__}")
        return cls(**values)


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


# What a person said about themselves, said back to them ("my dog" -> "your dog").
_SECOND_PERSON = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
                  "i'm": "you're", "im": "you're", "i've": "you've", "i'd": "you'd",
                  "i'll": "you'll", "our": "your", "ours": "yours", "we": "you", "us": "you",
                  "we're": "you're"}
_WORD = r"[a-z']+"  # compiled by `re` on first use: only an answer about something not covered


def second_person(heard: str) -> str:
    """The words a person said, turned to face them: "I don't have information on your dog",
    never "on my dog". "I am" and "we are" become "you are"."""
    turned = re.sub(r"\b(i|we) (am|are)\b", "you are", heard, flags=re.IGNORECASE)
    return re.sub(_WORD, lambda m: _SECOND_PERSON.get(m.group().lower(), m.group()), turned,
                  flags=re.IGNORECASE)


def spoken_list(names: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c': how a list sounds. Items that hold commas themselves
    ('numbness, pain, or a new medicine') are kept apart by semicolons, a longer pause."""
    if len(names) <= 2:
        return " and ".join(names)
    separator = "; " if any("," in name for name in names) else ", "
    return f"{separator.join(names[:-1])}{separator}and {names[-1]}"


class Speaker:
    """Builds answers for one locale from the loaded content."""

    def __init__(self, content: Content, locale: str | None = None) -> None:
        self.content = content.for_locale(locale)  # the locale's own words, heard and spoken
        self.locale = locale
        self.messages = content.messages

    def say(self, key: str, **values: Any) -> str:
        return self.messages.text(key, self.locale, **values)

    def message(self, key: str, reprompt: str | None = "anything_else", **values: Any) -> Answer:
        """A line of the skill's own (welcome, help...); reprompt=None ends the session."""
        return Answer(self.say(key, **values), self.say(reprompt, **values) if reprompt else None)

    # --- topics -------------------------------------------------------------------------------

    def answer(self, item_id: str) -> Answer:
        """The first answer about an entry or an overview."""
        item = self.content.get(item_id)
        if isinstance(item, Entry) and item.emergency:
            return self.emergency()
        if isinstance(item, Overview):
            return self._list_page(item, 0, first=True)
        if item.id == EMERGENCY:
            # Someone who may need an ambulance is not asked what else they want to know: the
            # answer says what to do and the session ends (the safety work owns its wording).
            answer = self._safe(item, item.speech, None, "anything_else", None, first=True)
            return answer._replace(reprompt=None)
        if item.more:
            follow, reprompt = {MORE: item.id}, "offer_more_reprompt"
            closing = self.say("offer_more")
        else:
            # An answer with nothing more to offer still hands the turn back with a question:
            # the session stays open, and Amazon's session rule wants the person told so.
            follow, reprompt, closing = None, "anything_else", self.say("anything_else")
        return self._safe(item, item.speech, closing, reprompt, follow, first=True)

    def resume(self, item_id: str) -> Answer:
        """The answer about a topic picked up again ("continue"), introduced by its title; the
        emergency line of a warning answer stays in front of the introduction."""
        answer = self.answer(item_id)
        intro = self.say("resume_intro", title=self.content.get(item_id).title)
        emergency = self.say("emergency")
        if answer.speech.startswith(emergency):
            rest = answer.speech[len(emergency):].strip()
            return answer._replace(speech=_join(emergency, intro, rest))
        return answer._replace(speech=_join(intro, answer.speech))

    def follow_up(self, follow: dict[str, Any] | None) -> Answer | None:
        """What "more" or "yes" continues with; None when nothing is pending."""
        if not follow:
            return None
        try:
            if MORE in follow:
                item = self.content.get(str(follow[MORE]))
                if not item.more:
                    return None
                return self._safe(item, item.more, self.say("anything_else"), "anything_else",
                                  None, first=False)
            if LIST in follow:
                overview = self.content.get(str(follow[LIST]))
                offset = int(follow.get("offset", 0))
                if isinstance(overview, Overview) and 0 < offset < len(self._spoken(overview)):
                    return self._list_page(overview, offset, first=False)
        except (KeyError, TypeError, ValueError):
            return None  # a stale or tampered session attribute is not worth a crash
        return None

    def emergency(self) -> Answer:
        """The emergency answer, the same however it is reached (a statement, a warning-sign
        slot, the symptom check's screen): the call instruction first and unconditionally, that
        this device cannot call, the signs, don't drive; then the session ends.

        No doctor line and no question: nothing may stand between the person and the phone.
        Its topic is the emergency entry, for the screen only: reply() never keeps it as a
        topic to resume.
        """
        entry = self.content.emergency
        if entry is None:
            raise LookupError("the content has no entry marked 'emergency: true'")
        return Answer(
            speech=_join(self.say("emergency_call"), self.say("emergency_no_call"), entry.speech),
            reprompt=None,
            title=self.say("emergency_card_title"),
            card=_join(self.say("emergency_card_call"), entry.card),
            topic=entry.id,
        )

    def not_covered(self, kind: str, heard: str) -> Answer:
        """An honest "I don't cover that", then neutral topics I do cover.

        Never examples of the same kind: someone who asked about gout must not hear ALS offered.
        For a health kind (its answers carry the emergency line or the doctor pointer), words
        not recognised may still be a warning sign ("twitching with blurred vision"), so the
        emergency line comes first and the doctor pointer follows, and the card has the number.
        """
        rules = self.content.kinds[kind]
        health = rules.emergency_first or rules.doctor_pointer
        speech = _join(self.say("emergency") if health else None,
                       self.say("not_covered", heard=second_person(heard)),
                       self.say("doctor_pointer") if health else None,
                       self.say("not_covered_offer"))
        if not health:
            return Answer(speech, self.say("not_covered_reprompt"))
        return Answer(speech, self.say("not_covered_reprompt"),
                      title=self.say("not_covered_card_title"),
                      card=_join(self.say("emergency_card"), self.say("doctor_pointer")))

    def tip(self, tip: Entry, intro: str = "tip_intro") -> Answer:
        """A prevention tip; `intro` names the line that opens it (today's, or another one)."""
        return Answer(
            speech=_join(self.say(intro), tip.speech, self.say("anything_else")),
            reprompt=self.say("anything_else"),
            title=self.say("tip_card_title"),
            card=tip.card,
            topic=tip.id,
        )

    # --- the symptom check ("Should I worry?") ---------------------------------------------------
    #
    # Every question carries {"check": step_id} as its follow-up, so the next "yes" answers it and
    # anything else said in between (a topic answer) lets it lapse. Every way the check ends says
    # what to do next: call emergency services, or see a doctor; then the not-medical-advice line.

    @property
    def check(self) -> SymptomCheck:
        if self.content.check is None:
            raise LookupError("the content has no symptom check")
        return self.content.check

    def check_start(self) -> Answer:
        """The opening: what the check is, then always the emergency screen first."""
        return self.check_ask(self.check.emergency.id, "check_intro")

    def check_ask(self, step_id: str, lead: str | None = None) -> Answer:
        """Ask (or ask again) one question, after a line of the skill's own (help, repeat...)."""
        step = self.check.step(step_id)
        return self._check_question(step, self.say(lead) if lead else None)

    def check_next(self, step_id: str, answered: str) -> Answer:
        """Acknowledge an answer ("not sure" is said to count as yes), then ask `step_id`."""
        step = self.check.step(step_id)
        noted = self.say("check_noted_unsure" if answered == UNSURE else "check_noted")
        last = step.id == self.check.steps[-1].id
        return self._check_question(step, _join(noted, self.say(
            "check_last" if last else "check_next")))

    def check_emergency(self) -> Answer:
        """A yes (or a not sure) to the emergency screen: the emergency answer, word for word as
        anywhere else; the check ends here. The not-medical-advice line goes on the card only:
        nothing is spoken after "don't drive yourself"."""
        answer = self.emergency()
        return answer._replace(card=_join(answer.card, self.say("check_not_medical_advice")))

    def check_outcome(self, yes: Collection[str], unsure: Collection[str]) -> Answer:
        """The end of the check: why a doctor is advised (never what the person has), or why the
        twitching is probably harmless and when to see a doctor anyway."""
        flagged = [step for step in self.check.steps if step.id in yes or step.id in unsure]
        disclaimer = self.say("check_not_medical_advice")
        if not flagged:
            outcome = self.check.outcomes["no_signs"]
            return Answer(speech=_join(outcome.speech, disclaimer), reprompt=None,
                          title=outcome.title, card=_join(outcome.card, disclaimer))
        outcome = self.check.outcomes["see_doctor"]
        tests = [self.content.get(test).name for test in _interleave(flagged)]
        signs = [step.sign or step.id for step in flagged]
        advice = [step.advice for step in flagged if step.advice]
        sure = [step for step in flagged if step.id in yes]
        reason = ("check_reason_yes" if len(sure) == len(flagged) else
                  "check_reason_unsure" if not sure else "check_reason_mixed")
        speech = _join(
            outcome.speech,
            self._check_reason(reason, flagged),
            *advice,
            self.say("check_exam_tests", tests=spoken_list(tests[:LIST_PAGE])) if tests
            else self.say("check_exam"),
            disclaimer)
        card = _join(outcome.card, self.say("check_card_signs", signs=spoken_list(signs)),
                     *advice,
                     self.say("check_card_tests", tests=spoken_list(tests)) if tests else None,
                     disclaimer)
        return Answer(speech=speech, reprompt=None, title=outcome.title, card=card)

    def check_stopped(self) -> Answer:
        """Stopping part-way still leaves the person with the doctor advice."""
        return Answer(_join(self.say("check_stopped"), self.say("doctor_pointer"),
                            self.say("check_not_medical_advice"), self.say("goodbye")), None)

    def check_paused(self, declined: bool = False) -> Answer:
        """With a check set aside for another question: how to go back to it."""
        return Answer(_join(self.say("check_noted") if declined else None,
                            self.say("check_paused")), self.say("check_paused_reprompt"))

    def _check_question(self, step: CheckStep, lead: str | None) -> Answer:
        return Answer(speech=_join(lead, step.question), reprompt=step.reprompt,
                      follow_up={CHECK: step.id})

    def _check_reason(self, key: str, steps: list[CheckStep]) -> str | None:
        """'You mentioned a and b.': at most three signs named, the count when there are more."""
        if not steps:
            return None
        signs = [step.sign or step.id for step in steps]
        if len(signs) > LIST_PAGE:
            return self.say(f"{key}_many", count=len(signs), signs=spoken_list(signs[:LIST_PAGE]))
        return self.say(key, signs=spoken_list(signs))

    # --- the shared shapes ----------------------------------------------------------------------

    def _safe(self, item: Entry | Overview, text: str, closing: str | None, reprompt: str,
              follow: dict[str, Any] | None, first: bool) -> Answer:
        """Wrap a topic's text in the safety lines its kind demands.

        The emergency line opens the first answer of an emergency-first kind (a continuation
        follows it in the same breath); the doctor pointer closes every answer of its kinds.
        """
        kind = self.content.kinds[item.kind]
        emergency = self.say("emergency") if kind.emergency_first and first else None
        doctor = self.say("doctor_pointer") if kind.doctor_pointer else None
        card = _join(self.say("emergency_card") if kind.emergency_first else None, item.card)
        return Answer(
            speech=_join(emergency, text, doctor, closing),
            reprompt=self.say(reprompt),
            title=item.title,
            card=card,
            follow_up=follow,
            topic=item.id,
        )

    def _spoken(self, overview: Overview) -> list[str]:
        """What an overview's list says, item by item: its groups' names when it has groups."""
        if overview.groups:
            return [group.name for group in overview.groups]
        return [self.content.get(item).name for item in overview.items]

    def _list_page(self, overview: Overview, offset: int, first: bool) -> Answer:
        items = self._spoken(overview)
        page = items[offset:offset + LIST_PAGE]
        left = len(items) - offset - len(page)
        if first:
            listing = f"{overview.list_intro} {spoken_list(page)}."
        else:
            intro = self.say("list_last_intro" if left == 0 else "list_next_intro")
            listing = f"{intro} {spoken_list(page)}."
        if left:
            closing = self.say("list_more_one") if left == 1 else self.say("list_more_many",
                                                                            count=left)
            follow: dict[str, Any] | None = {LIST: overview.id, "offset": offset + len(page)}
            reprompt = "offer_more_reprompt"
        else:
            closing, follow, reprompt = self.say("list_done"), None, "anything_else"
        text = _join(overview.speech, listing) if first else listing
        return self._safe(overview, text, closing, reprompt, follow, first)


def _interleave(steps: list[CheckStep]) -> list[str]:
    """Test ids, the most telling test of each flagged sign first, then the next ones, no
    repeats: whichever three are spoken, each sign's own test is among them when it can be."""
    ordered: list[str] = []
    for rank in range(max((len(step.tests) for step in steps), default=0)):
        for step in steps:
            if rank < len(step.tests) and step.tests[rank] not in ordered:
                ordered.append(step.tests[rank])
    return ordered


# --- SSML ---------------------------------------------------------------------------------------

# What XML cannot carry at all, escaped or not (controls, lone surrogates, non-characters):
# a slot value holding one would otherwise make the whole response unreadable to Alexa. A pattern
# string, compiled by `re` on first use: every such character is unprintable, so printable text
# (nearly every answer) never needs it.
_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def escape(text: str) -> str:
    """Escape text for SSML (stdlib's xml.sax.saxutils would pull urllib into a cold start).

    Plain replacements, ampersands first, rather than a pattern: the same result, and nothing to
    compile on a cold start.
    """
    if not text.isprintable():
        text = re.sub(_NOT_XML, "", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def to_ssml(text: str, acronyms: tuple[str, ...] = ()) -> str:
    """Plain text to the inside of a <speak> element, with acronyms spelled letter by letter.

    The acronym pattern is compiled (once) only for a text that holds one of them at all.
    """
    ssml = escape(text)
    if any(acronym in ssml for acronym in acronyms):
        ssml = _acronym_pattern(acronyms).sub(r'<say-as interpret-as="characters">\1</say-as>',
                                               ssml)
    return ssml


@cache
def _acronym_pattern(acronyms: tuple[str, ...]) -> re.Pattern[str]:
    """Built once per list of acronyms, not once per answer."""
    return re.compile(r"\b(" + "|".join(re.escape(a) for a in acronyms) + r")\b")
