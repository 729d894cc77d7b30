"""Emergency statements from the development sets reach EmergencyIntent word for word.

This is a DEVELOPMENT set, tuned on, not a held-out measure. tests/emergency_dev_phrasings*.yaml
hold emergency statements written in seven rounds (first person and about someone else, every
sign, two signs in one breath, "suddenly", "just now", twitching named too, contractions and
their absence). Each round was written before the template changes it then guided, so its score
before tuning estimated how well the templates generalise; after tuning the score only guards
against losing what was reached. The bar sits at the level reached, per set, so a template edit
that drops coverage fails here and names the statements it lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill.build.model import build_models
from skill.simulator.resolver import load_resolver

LOCALES = sorted(build_models())
HERE = Path(__file__).parent

# The word-for-word share reached on each set after tuning (measured with `strict=True`): 0.98,
# 0.95 and 0.92, then 0.966, 0.938 and 0.90 once the people lists were cut so that the model stays
# under Amazon's 1,000,000-character limit (less common relatives, "my grandmother", are missed).
# With who it is about as a slot (PersonType) every person is back: 0.995, 0.95 and 0.92. A fourth
# set, written after that change, went from 0.23 to 0.47 with one round of templates. A fifth,
# written before an arm, leg, face or side became "{Whose} <part>" (one's own or anyone's, the part
# a written word) in many frames, went from 0.878 to 1.00 (en-US, the same in every locale); the
# third set rose to 0.94 with it. A sixth, written by a helper who never saw the samples, went
# from 0.286 to 0.627 once an owned part became a slot ({Limb}) and general frames were added
# from its families (a part gone floppy or dead, a fit on the floor, hedged starts ...). A seventh,
# weighted to two signs in one breath, went from 0.313 to 0.56 once a sign said as a clause became
# a slot ("{SignClause} and {OtherSignClause}"); the fourth and sixth rose to 0.51 and 0.65 with it.
# Round eight tuned on the sixth and seventh again (more clauses, calls for help and fear around a
# clause, twitching in a named part): 0.76 and 0.627, the fourth 0.55. A third held-out set,
# tests/understanding/en-US-emergency-3.yaml, written before it, measures what that generalised.
# Round nine tuned on the fourth, sixth and seventh (clauses they still missed, and one side of the
# face or body said in seven words or more): the fourth 0.55 -> 0.717, the seventh 0.627 -> 0.70.
REACHED = {
    "emergency_dev_phrasings.yaml": 0.99,
    "emergency_dev_phrasings_round2.yaml": 0.95,
    "emergency_dev_phrasings_round3.yaml": 0.96,
    "emergency_dev_phrasings_round4.yaml": 0.71,
    "emergency_dev_phrasings_round5.yaml": 1.00,
    "emergency_dev_phrasings_round6.yaml": 0.76,
    "emergency_dev_phrasings_round7.yaml": 0.70,
}


def _statements(name: str) -> list[str]:
    groups = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return [say for says in groups.values() for say in says]


def test_the_development_sets_are_large_enough_to_measure_with():
    assert sum(len(_statements(name)) for name in REACHED) >= 120


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(REACHED))
def test_development_emergency_statements_stay_covered_word_for_word(locale, name):
    resolver = load_resolver(locale)
    statements = _statements(name)
    missed = [say for say in statements
              if resolver.resolve(say, strict=True).intent != "EmergencyIntent"]
    share = 1 - len(missed) / len(statements)
    assert share >= REACHED[name], f"{share:.1%} of {name} word for word; missed: {missed}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(REACHED))
def test_no_development_emergency_statement_reaches_another_custom_intent(locale, name):
    """A miss may fall back, but an emergency must never be answered as a twitching question."""
    resolver = load_resolver(locale)
    wrong = {say: intent for say in _statements(name)
             if (intent := resolver.resolve(say).intent) not in ("EmergencyIntent",
                                                                 "AMAZON.FallbackIntent")}
    assert wrong == {}
