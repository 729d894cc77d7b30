"""How well the model understands people: phrasings it was never given, scored by the resolver.

Every held-out set in tests/understanding/ (en-US.yaml, en-US-<name>.yaml) meets the same bar.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from skill.content import load_content
from skill.simulator.understanding import held_out_sets, load_cases, score

TEST_SETS = held_out_sets("en-US")
INTENTS = Path(__file__).parents[1] / "interaction_models" / "intents"
MODEL = json.loads((Path(__file__).parents[1] / "interaction_models" / "en-US.json")
                   .read_text())["interactionModel"]["languageModel"]
each_set = pytest.mark.parametrize("test_set", TEST_SETS, ids=[p.name for p in TEST_SETS])


def test_there_is_more_than_one_set():
    assert len(TEST_SETS) >= 2


@each_set
def test_the_test_set_is_big_enough(test_set):
    assert len(load_cases(test_set)) >= 150


def written_sample_lines() -> set[str]:
    """The sample lines as written in interaction_models/intents/, before any expansion."""
    lines: set[str] = set()
    for path in INTENTS.glob("*.yaml"):
        lines.update(" ".join(str(s).split()) for s in
                     yaml.safe_load(path.read_text(encoding="utf-8")).get("samples") or [])
    return lines


@each_set
def test_no_phrasing_is_copied_into_the_samples(test_set):
    """A held-out phrasing written as a sample line is a copy; a form a general line with
    alternatives produces is coverage, and exactly what a word-for-word matcher needs."""
    written = written_sample_lines()
    copied = [case.say for case in load_cases(test_set)
              if " ".join(case.say.lower().split()) in written]
    assert copied == [], "these are sample lines, not unseen phrasings"


def test_no_phrasing_is_listed_twice_in_any_set():
    said = [" ".join(case.say.lower().split()) for test_set in TEST_SETS
            for case in load_cases(test_set)]
    assert len(said) == len(set(said))


@each_set
def test_every_intent_is_covered(test_set):
    intents = {intent["name"] for intent in MODEL["intents"]}
    assert intents <= {case.intent for case in load_cases(test_set)}


@each_set
def test_every_slot_value_is_covered(test_set):
    kinds = {"Cause": "cause", "Condition": "condition", "Test": "test", "Treatment": "treatment",
             "Habit": "habit", "BodyPart": "body_part", "WarningSign": "warning_sign"}
    content = load_content()
    cases = load_cases(test_set)
    for slot, kind in kinds.items():
        wanted = {entry.id for entry in content.entries(kind)}
        covered = {case.slots[slot] for case in cases if slot in case.slots}
        assert wanted <= covered, f"{slot}: no phrasing for {sorted(wanted - covered)}"


@each_set
def test_expected_slot_values_exist(test_set):
    types = {t["name"]: {v["id"] for v in t["values"]} for t in MODEL["types"]}
    slots = {intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])}
             for intent in MODEL["intents"]}
    for case in load_cases(test_set):
        for name, value in case.slots.items():
            slot_type = slots.get(case.intent, {}).get(name)
            assert slot_type, f"line {case.line}: {case.intent} has no slot {name}"
            if slot_type in types:
                assert value in types[slot_type], f"line {case.line}: no {slot_type} {value!r}"


@each_set
def test_intent_accuracy_is_at_least_95_percent(test_set):
    result = score("en-US", test_set)
    assert result.intent_accuracy >= 0.95, result.report()


@each_set
def test_slot_values_are_resolved_too(test_set):
    result = score("en-US", test_set)
    assert result.full_accuracy >= 0.95, result.report()


def test_the_accuracy_command_scores_every_set():
    report = score("en-US").report()
    for test_set in TEST_SETS:
        assert f"en-US {test_set.name}: intent accuracy" in report
