"""The records content becomes: frozen, plain, and knowing nothing of YAML or Alexa.

Every record is a NamedTuple, and this module does without `from __future__ import annotations`:
every cold start defines these classes, and typing.NamedTuple turns each string annotation into
a ForwardRef by compiling it, which made this module alone cost a cold start about 2.5 ms. With
the annotations evaluated (each type is defined above its first use), it costs a fraction of that.
"""

import string
from collections.abc import Mapping
from typing import Any, NamedTuple


class ContentError(ValueError):
    """A content file is broken; the message names the file, the entry and the line."""


class Local(NamedTuple):
    """What one locale's people say differently: more synonyms (what they call a thing, such as
    "motor neurone disease" for ALS) and spoken words swapped in every text ("GP" for "doctor")."""

    synonyms: tuple[str, ...] = ()
    say: tuple[tuple[str, str], ...] = ()  # (phrase as written, what this locale says instead)


class Entry(NamedTuple):
    """One thing the skill can talk about: a cause, a condition, a tip..."""

    id: str
    kind: str
    name: str
    title: str
    speech: str
    card: str
    more: str | None = None
    synonyms: tuple[str, ...] = ()
    sensitive: bool = False  # never named aloud unasked (welcome back), whatever its kind says
    emergency: bool = False  # answered with the call instruction, then the session ends
    signs: tuple[str, ...] = ()  # emergency only: words that, heard in any slot, mean emergency
    locales: tuple[tuple[str, Local], ...] = ()  # (locale, its words): see Content.for_locale


class Group(NamedTuple):
    """Several overview items spoken as one ("weakness or shrinking muscles"), so a list of six
    signs can be heard whole as three items instead of paged."""

    name: str
    items: tuple[str, ...]


class Overview(NamedTuple):
    """The answer to the question about a whole kind ("what causes twitching")."""

    id: str
    kind: str
    title: str
    speech: str
    list_intro: str
    items: tuple[str, ...]
    card: str
    more: str | None = None
    groups: tuple[Group, ...] = ()  # when given: what is spoken, covering every item in order


class Kind(NamedTuple):
    """All entries of one kind, with the safety rules that apply to every one of them."""

    name: str
    source: str
    doctor_pointer: bool
    emergency_first: bool
    entries: tuple[Entry, ...]
    overview: Overview | None = None
    locales: tuple[tuple[str, Local], ...] = ()  # words swapped in every text of the file
    sensitive: bool = False  # health matters a household should not overhear unasked


class Messages(NamedTuple):
    """The skill's own lines, with per-locale values and the acronyms to spell out."""

    templates: Mapping[str, str]
    locales: Mapping[str, Mapping[str, str]]
    acronyms: tuple[str, ...]
    default_locale: str

    def text(self, key: str, locale: str | None = None, **values: Any) -> str:
        """Fill a message template; locale values (the emergency number) fill in by themselves."""
        local = self.locales.get(locale or "", self.locales[self.default_locale])
        return self.templates[key].format(**{**local, **values})


class Word(NamedTuple):
    """A slot value that is not a topic: an id, its canonical name, what else people say."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()


class CheckStep(NamedTuple):
    """One yes/no question of the symptom check; `sign`, `tests` and `advice` feed the outcome.

    `advice` is what to do about this sign in particular (a new medicine: the prescriber), spoken
    in the outcome whenever the sign came up.
    """

    id: str
    question: str
    reprompt: str
    sign: str | None = None
    tests: tuple[str, ...] = ()
    advice: str | None = None


class CheckOutcome(NamedTuple):
    """How the check ends: what is spoken first, and the card."""

    title: str
    speech: str
    card: str


class SymptomCheck(NamedTuple):
    """The "Should I worry?" check: an emergency screen, then a few warning-sign questions.

    Kept apart from the topic kinds because it is a sequence of questions, not things to talk
    about; its answer words still become a slot type (`answer_kind`), like a kind's entries do.
    """

    source: str
    answer_kind: str
    answers: tuple[Word, ...]
    emergency: CheckStep
    steps: tuple[CheckStep, ...]
    outcomes: Mapping[str, CheckOutcome]
    by_phrase: Mapping[str, str]  # every answer word, normalised -> its answer id

    def answer_id(self, phrase: str) -> str | None:
        """'yes', 'no' or 'unsure' for a word people answer with; None for anything else."""
        return self.by_phrase.get(normalise(phrase))

    def step(self, step_id: str) -> CheckStep:
        """A question by id (the emergency screen included); KeyError for an unknown id."""
        if step_id == self.emergency.id:
            return self.emergency
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def after(self, step_id: str) -> CheckStep | None:
        """The question that follows `step_id`; None after the last one."""
        order = [self.emergency, *self.steps]
        index = [step.id for step in order].index(step_id)
        return order[index + 1] if index + 1 < len(order) else None


_STRIPPED = string.punctuation + " "


def normalise(phrase: str) -> str:
    """Lower case, single spaces, no surrounding punctuation: how Alexa's words compare."""
    return " ".join(phrase.lower().replace("-", " ").split()).strip(_STRIPPED)
