"""Statements about oneself and follow-ups by name: a DEVELOPMENT set, tuned on, not held out.

tests/statements_dev_phrasings.yaml was written before the samples for issue 14 grew ("my calf
twitches after I go running", "I started a new medicine and now I twitch", "tell me about
stress", "shrinking muscles"), and the samples and synonyms were then grown while watching its
misses. Its scores therefore say nothing about phrasings the model was never shown; the held-out
sets in tests/understanding/ do that. What these tests hold is the level the work reached, so a
later change to the samples that loses these phrasings is noticed.

Measured when written (en-US model, `python -m skill.simulator accuracy --file
tests/statements_dev_phrasings.yaml`), intent and slots: word for word 25.3% -> 83.7%, resolver
33.1% -> 90.4%, statistical 63.9% -> 82.5%. Most of what is left is context: a habit's name said
back after the ways to prevent twitching is also a cause's or a treatment's word, so no model
can give it to PreventionIntent alone; the skill reads it against the list just spoken instead
(tests/dialogs/prevention_list_then_shared_name.yaml).

tests/statements_dev_phrasings_round2.yaml (83 statements: a body part with what it follows, a
habit named, weeks of twitching, a new medicine, a relative's condition) was written the same
way for the second round of situations, and tuned on in turn. Measured the same way, intent and
slots: word for word 22.9% -> 89.2%, resolver 50.6% -> 92.8%, statistical 71.1% -> 96.4%.

tests/statements_dev_phrasings_round3.yaml (319 phrasings: statements, two things in one breath,
roundabout lead-ins, names said back, requests the skill does not cover) was written in four
parts, each scored before the change it guided, and tuned on in turn; its header holds every
part's before-figures. All 319 after the round, intent and slots: word for word 77.4%, resolver
93.4%, statistical 92.8%.

tests/statements_dev_phrasings_round4.yaml (160, written by a helper who never opened the samples)
was scored before its change: 37.5% / 55.6% / 75.6%. Out-of-domain complaints about another part
of the body ("my nose is all blocked up"), kitchen questions and roundabout ways of asking what
stops or sets off twitching were then added: 40.6% / 58.1% / 80.6%.
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

HERE = Path(__file__).parent

# Each development set: at least how many phrasings it holds, and the level reached per scorer
# (intent and slots), below which a change to the samples has lost some of them.
ROUNDS = {
    "statements_dev_phrasings.yaml": (150, {WORD_FOR_WORD: 0.83, RESOLVER: 0.90,
                                            STATISTICAL: 0.80}),
    "statements_dev_phrasings_round2.yaml": (80, {WORD_FOR_WORD: 0.88, RESOLVER: 0.92,
                                                  STATISTICAL: 0.95}),
    "statements_dev_phrasings_round3.yaml": (300, {WORD_FOR_WORD: 0.77, RESOLVER: 0.93,
                                                   STATISTICAL: 0.92}),
    "statements_dev_phrasings_round4.yaml": (150, {WORD_FOR_WORD: 0.40, RESOLVER: 0.58,
                                                   STATISTICAL: 0.80}),
}
LEVELS = [(name, scorer, floor) for name, (_, floors) in ROUNDS.items()
          for scorer, floor in floors.items()]


@cache
def scored(scorer: str, name: str) -> Score:
    path = HERE / name
    return score(set_info(path).locale, path, scorer=scorer)


@pytest.mark.parametrize("name", ROUNDS)
def test_each_development_set_is_large_enough_with_no_phrasing_twice(name):
    says = [case.say for case in load_cases(HERE / name)]
    assert len(says) >= ROUNDS[name][0]
    assert len(set(says)) == len(says)


@pytest.mark.parametrize("name", ROUNDS)
def test_each_development_set_is_kept_apart_from_the_held_out_sets(name):
    assert (HERE / name).parent.name == "tests"
    assert not set_info(HERE / name).gate  # tuned on: never counted among the held-out gates


@pytest.mark.parametrize("name", ROUNDS)
def test_every_label_names_an_entry_the_content_has(name):
    assert labels_the_content_lacks(HERE / name) == []


@pytest.mark.parametrize(("name", "scorer", "floor"),
                         [level for level in LEVELS if level[1] != STATISTICAL])
def test_each_development_set_keeps_the_level_reached(name, scorer, floor):
    result = scored(scorer, name)
    assert result.full_accuracy >= floor, result.report()


@pytest.mark.skipif(not statistical_available(), reason="scikit-learn (dev extra) not installed")
@pytest.mark.parametrize(("name", "scorer", "floor"),
                         [level for level in LEVELS if level[1] == STATISTICAL])
def test_the_statistical_stand_in_keeps_the_level_reached(name, scorer, floor):
    result = scored(scorer, name)
    assert result.full_accuracy >= floor, result.report()
