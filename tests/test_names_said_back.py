"""Every item a list names is understood said back right after the list, word for word.

After "The most common are stress, caffeine, and low minerals" a person answers with the name
they heard: "what about low minerals", "low minerals", "the emg one", "more on shrinking
muscles". The items come from content (each overview's `items`, spoken by their `name`), so a
new entry is held to this the day it is listed. Each exchange runs through the skill itself with
the resolver matching samples word for word (every slot a listed value), so it holds both halves:
the model gives the words an intent and an entry, and the skill answers the item of the list just
spoken (skill/handlers/topics.py said_back: "managing stress" after the ways to prevent twitching
is the habit, although the model gives the words to TreatmentIntent).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from skill.app import handle_event
from skill.build.model import compose_models
from skill.content import load_content
from skill.simulator.builtins import BUILTIN_INTENT_PHRASES
from skill.simulator.resolver import Resolved, Resolver, load_resolver
from skill.simulator.session import Simulator

MODELS = compose_models()[0]  # as `make model` writes them (checked in tests/test_model.py)
LOCALES = sorted(MODELS)

# The question that speaks each kind's list (its overview), as a person asks it.
LIST_QUESTIONS = {
    "cause": "what causes twitching",
    "condition": "what conditions cause twitching",
    "test": "how is twitching diagnosed",
    "treatment": "how is twitching treated",
    "habit": "how do i prevent twitching",
    "body_part": "where does twitching happen",
    "warning_sign": "when should i see a doctor about twitching",
}

# How a name is said back; "{}" is the name as the list spoke it.
EVERY_LOCALE = ("what about {}", "{}")
EN_US = ("tell me about {}", "tell me more about {}", "and {}", "{} please", "the {} one",
         "more on {}", "how about {}")


class WordForWord:
    """The resolver matching samples word for word, as the simulator's NLU."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def resolve(self, utterance: str, strict: bool = False) -> Resolved:
        return self.resolver.resolve(utterance, strict=True)


def listed_items(locale: str) -> list[tuple[str, str, str, str]]:
    """(kind, entry id, spoken name, title) for every item of every overview with a list."""
    content = load_content().for_locale(locale)
    items = []
    for kind in LIST_QUESTIONS:
        overview = content.kinds[kind].overview
        assert overview is not None, kind
        for item in overview.items:
            entry = content.get(item)
            items.append((kind, item, entry.name.lower(), entry.title))
    return items


def bare(kind: str) -> bool:
    """A name alone is a sample for every kind but body parts: "back" is one, and a bare "back"
    is Alexa's own go-back phrase (see test_a_bare_body_part_cannot_be_a_sample)."""
    return kind != "body_part"


@cache
def simulator(locale: str, skill: Any) -> Simulator:
    sim = Simulator(locale=locale, handler=lambda event, context: handle_event(skill, event))
    sim.nlu = WordForWord(sim.resolver)
    return sim


def card_title(sim: Simulator, said: str) -> str | None:
    turn = sim.say(said)
    answer = turn.answer or {}
    return ((answer.get("response") or {}).get("card") or {}).get("title")


def misunderstood(sim: Simulator, locale: str, carriers: tuple[str, ...]) -> list[str]:
    content = load_content().for_locale(locale)
    wrong = []
    for kind, _, name, title in listed_items(locale):
        overview = content.kinds[kind].overview
        for carrier in carriers:
            if carrier in ("{}", "what's {}") and not bare(kind):
                continue
            said = carrier.format(name)
            assert card_title(sim, LIST_QUESTIONS[kind]) == overview.title, kind
            got = card_title(sim, said)
            if got != title:
                wrong.append(f"{said!r} after {LIST_QUESTIONS[kind]!r}: {got!r}, not {title!r}")
    return wrong


@pytest.mark.parametrize("locale", LOCALES)
def test_what_about_a_listed_name_and_the_name_alone_answer_that_item(locale, skill):
    sim = simulator(locale, skill)
    assert misunderstood(sim, locale, EVERY_LOCALE) == []


def test_every_everyday_way_of_saying_a_listed_name_back_answers_that_item(skill):
    sim = simulator("en-US", skill)
    assert misunderstood(sim, "en-US", EN_US) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_a_listed_name_is_a_value_of_its_own_slot_type(locale):
    """The words the skill speaks are words the model knows, each in its kind's slot type."""
    model = MODELS[locale]["interactionModel"]["languageModel"]
    kinds = {"cause": "CauseType", "condition": "ConditionType", "test": "TestType",
             "treatment": "TreatmentType", "habit": "HabitType", "body_part": "BodyPartType",
             "warning_sign": "WarningSignType"}
    types = {t["name"]: t for t in model["types"]}
    for kind, item, name, _ in listed_items(locale):
        values = {(v["id"], phrase.lower()) for v in types[kinds[kind]]["values"]
                  for phrase in (v["name"]["value"], *v["name"].get("synonyms", []))}
        assert (item, name) in values, (kind, item, name)


def test_a_bare_body_part_cannot_be_a_sample():
    """Why body parts are said back with a word around them ("the legs", "what about legs")."""
    content = load_content()
    assert content.find("body_part", "back") is not None
    assert "back" in BUILTIN_INTENT_PHRASES["AMAZON.PreviousIntent"]
    assert load_resolver("en-US").resolve("the legs", strict=True).slot_ids() == {
        "BodyPart": "leg"}
