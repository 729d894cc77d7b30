"""Names said back, roundabout questions, the rest of a conversation, out-of-domain requests: a
DEVELOPMENT set, tuned on, not held out.

tests/names_dev_phrasings.yaml was written before the samples for them grew ("the emg one",
"i was wondering what causes twitching", "that's all thanks", "give me a recipe for pancakes"),
and the samples were then grown while watching its misses. Its scores say nothing about
phrasings the model was never shown; the held-out sets in tests/understanding/ do that. What
these tests hold is the level the work reached, so a later change that loses them is noticed.

Measured (en-US model, `python -m skill.simulator accuracy --file tests/names_dev_phrasings.yaml`),
intent and slots, 108 phrasings: word for word 51.9% -> 97.2%, resolver 63.0% -> 98.1%,
statistical 88.9% -> 96.3%. What is left: "legs" alone (a bare body part cannot be a sample:
"back" is one, and a bare "back" is Alexa's go-back phrase), an odd question ("what's lack of
sleep got to do with it") and, for the classifier, names shared by two kinds said with a short
carrier ("what about stress": stress is also a treatment's and a habit's word). The classifier
moves with any sample added elsewhere: 96.3% here, then 95.4%, then 94.4% after the emergency
samples of round eight (8,754 -> 8,901: one follow-up by name more fell under the 0.5 fallback
floor; "arms please" and "and numbness or pain" sat at 0.49). Two carriers for a name said back
with "please" or "then" after "and", "what about" or "how about" brought both back: 96.3%.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from skill.simulator.understanding import (
    RESOLVER,
    STATISTICAL,
    WORD_FOR_WORD,
    Score,
    load_cases,
    score,
    set_info,
    statistical_available,
)
from tests.labels import labels_the_content_lacks

DEV_SET = Path(__file__).parent / "names_dev_phrasings.yaml"


@cache
def scored(scorer: str) -> Score:
    return score(set_info(DEV_SET).locale, DEV_SET, scorer=scorer)


def test_the_development_set_has_at_least_100_phrasings_none_twice():
    says = [case.say for case in load_cases(DEV_SET)]
    assert len(says) >= 100
    assert len(set(says)) == len(says)


def test_the_development_set_is_kept_apart_from_the_held_out_sets():
    assert DEV_SET.parent.name == "tests"
    assert not set_info(DEV_SET).gate  # tuned on: never counted among the held-out gates


def test_every_label_names_an_entry_the_content_has():
    assert labels_the_content_lacks(DEV_SET) == []


def test_it_covers_names_questions_conversation_and_out_of_domain_requests():
    intents = {case.intent for case in load_cases(DEV_SET)}
    assert {"AMAZON.FallbackIntent", "AMAZON.HelpIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
            "WarningSignsIntent", "BodyPartIntent", "SetReminderIntent"} <= intents


@pytest.mark.parametrize(("scorer", "floor"), [(WORD_FOR_WORD, 0.97), (RESOLVER, 0.98)])
def test_names_questions_and_conversation_keep_the_level_reached(scorer, floor):
    result = scored(scorer)
    assert result.full_accuracy >= floor, result.report()


@pytest.mark.skipif(not statistical_available(), reason="scikit-learn (dev extra) not installed")
def test_the_statistical_stand_in_keeps_the_level_reached():
    result = scored(STATISTICAL)
    assert result.full_accuracy >= 0.96, result.report()
