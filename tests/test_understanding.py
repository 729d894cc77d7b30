"""How well the model understands people: phrasings it was never given, scored by the resolver.

Every held-out set in tests/understanding/ (<locale>.yaml, <locale>-<name>.yaml) is checked for
honesty (no phrasing is a sample line, none listed twice); a set whose header says `gate: false`
is scored and reported but not yet held to the 95% bar (it was written before the model work
that it measures); every other set is.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import yaml

from skill.content import load_content
from skill.simulator.understanding import (
    held_out_locales,
    held_out_sets,
    load_cases,
    score,
    set_info,
)
from tests.labels import SLOT_KINDS

LOCALES = held_out_locales()
TEST_SETS = [path for locale in LOCALES for path in held_out_sets(locale)]
GENERAL = [path for path in TEST_SETS if set_info(path).focus is None]
FOCUSED = [path for path in TEST_SETS if set_info(path).focus is not None]
GATED = [path for path in TEST_SETS if set_info(path).gate]
INTENTS = Path(__file__).parents[1] / "interaction_models" / "intents"


def each(paths: list[Path]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("test_set", paths, ids=[p.name for p in paths])


@cache
def model(locale: str) -> dict:
    path = Path(__file__).parents[1] / "interaction_models" / f"{locale}.json"
    return json.loads(path.read_text())["interactionModel"]["languageModel"]


def test_there_is_more_than_one_set():
    assert len(held_out_sets("en-US")) >= 2


def test_there_is_an_emergency_set_of_at_least_80_statements():
    sets = [p for p in FOCUSED if set_info(p).focus == "EmergencyIntent"
            and set_info(p).locale == "en-US"]
    assert sets and all(len(load_cases(p)) >= 80 for p in sets)


@each(TEST_SETS)
def test_a_set_is_scored_against_its_own_locale(test_set):
    assert test_set.name.startswith(set_info(test_set).locale)


@each(GENERAL)
def test_the_test_set_is_big_enough(test_set):
    assert len(load_cases(test_set)) >= 150


@each(FOCUSED)
def test_a_focused_set_is_big_enough_and_all_about_its_intent(test_set):
    cases = load_cases(test_set)
    assert len(cases) >= 30
    assert {case.intent for case in cases} == {set_info(test_set).focus}


def written_sample_lines() -> set[str]:
    """The sample lines as written in interaction_models/intents/, before any expansion."""
    lines: set[str] = set()
    for path in INTENTS.glob("*.yaml"):
        lines.update(" ".join(str(s).split()) for s in
                     yaml.safe_load(path.read_text(encoding="utf-8")).get("samples") or [])
    return lines


@each(TEST_SETS)
def test_no_phrasing_is_copied_into_the_samples(test_set):
    """A held-out phrasing written as a sample line is a copy; a form a general line with
    alternatives produces is coverage, and exactly what a word-for-word matcher needs."""
    written = written_sample_lines()
    copied = [case.say for case in load_cases(test_set)
              if " ".join(case.say.lower().split()) in written]
    assert copied == [], "these are sample lines, not unseen phrasings"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_phrasing_is_listed_twice_in_any_set_of_a_locale(locale):
    said = [" ".join(case.say.lower().split()) for test_set in held_out_sets(locale)
            for case in load_cases(test_set)]
    assert len(said) == len(set(said))


@each(GENERAL)
def test_every_intent_is_covered(test_set):
    intents = {intent["name"] for intent in model(set_info(test_set).locale)["intents"]}
    assert intents <= {case.intent for case in load_cases(test_set)}


@each(GENERAL)
def test_every_slot_value_is_covered(test_set):
    content = load_content()
    cases = load_cases(test_set)
    for slot, kind in SLOT_KINDS.items():
        wanted = {entry.id for entry in content.entries(kind)}
        covered = {case.slots[slot] for case in cases if slot in case.slots}
        assert wanted <= covered, f"{slot}: no phrasing for {sorted(wanted - covered)}"


@each(TEST_SETS)
def test_expected_intents_and_slot_values_exist(test_set):
    language = model(set_info(test_set).locale)
    types = {t["name"]: {v["id"] for v in t["values"]} for t in language["types"]}
    slots = {intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])}
             for intent in language["intents"]}
    for case in load_cases(test_set):
        assert case.intent in slots, f"line {case.line}: no intent {case.intent}"
        for name, value in case.slots.items():
            slot_type = slots.get(case.intent, {}).get(name)
            assert slot_type, f"line {case.line}: {case.intent} has no slot {name}"
            if slot_type in types:
                assert value in types[slot_type], f"line {case.line}: no {slot_type} {value!r}"


@each(GATED)
def test_intent_accuracy_is_at_least_95_percent(test_set):
    result = score(set_info(test_set).locale, test_set)
    assert result.intent_accuracy >= 0.95, result.report()


@each(GATED)
def test_slot_values_are_resolved_too(test_set):
    result = score(set_info(test_set).locale, test_set)
    assert result.full_accuracy >= 0.95, result.report()


def test_a_set_not_yet_gated_is_still_scored_and_reported():
    ungated = [path for path in TEST_SETS if not set_info(path).gate]
    for locale in {set_info(path).locale for path in ungated}:
        report = score(locale).report()
        for path in ungated:
            if set_info(path).locale == locale:
                assert f"{locale} {path.name}: intent accuracy" in report


def test_the_accuracy_command_scores_every_set():
    report = score("en-US").report()
    for test_set in held_out_sets("en-US"):
        assert f"en-US {test_set.name}: intent accuracy" in report


def test_a_header_naming_another_locale_than_its_file_is_refused(tmp_path):
    path = tmp_path / "en-GB-x.yaml"
    path.write_text("locale: en-US\nphrasings:\n  - {say: hi, intent: AMAZON.HelpIntent}\n")
    with pytest.raises(ValueError, match="does not match"):
        set_info(path)


def test_a_gate_that_is_not_true_or_false_is_refused(tmp_path):
    path = tmp_path / "en-US-x.yaml"
    path.write_text("gate: maybe\nphrasings:\n  - {say: hi, intent: AMAZON.HelpIntent}\n")
    with pytest.raises(ValueError, match="gate"):
        set_info(path)
