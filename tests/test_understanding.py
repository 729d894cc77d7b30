"""How well the model understands people: phrasings it was never given, scored by the resolver."""

from __future__ import annotations

import json
from pathlib import Path

from skill.content import load_content
from skill.simulator.understanding import UNDERSTANDING_DIR, load_cases, score

TEST_SET = UNDERSTANDING_DIR / "en-US.yaml"
CASES = load_cases(TEST_SET)
MODEL = json.loads((Path(__file__).parents[1] / "interaction_models" / "en-US.json")
                   .read_text())["interactionModel"]["languageModel"]


def test_the_test_set_is_big_enough():
    assert len(CASES) >= 150


def test_no_phrasing_is_literally_a_sample():
    samples = {sample for intent in MODEL["intents"] for sample in intent["samples"]}
    copied = [case.say for case in CASES if " ".join(case.say.lower().split()) in samples]
    assert copied == [], "these are samples, not unseen phrasings"


def test_no_phrasing_is_listed_twice():
    said = [" ".join(case.say.lower().split()) for case in CASES]
    assert len(said) == len(set(said))


def test_every_intent_is_covered():
    intents = {intent["name"] for intent in MODEL["intents"]}
    assert intents <= {case.intent for case in CASES}


def test_every_slot_value_is_covered():
    kinds = {"Cause": "cause", "Condition": "condition", "Test": "test", "Treatment": "treatment",
             "Habit": "habit", "BodyPart": "body_part", "WarningSign": "warning_sign"}
    content = load_content()
    for slot, kind in kinds.items():
        wanted = {entry.id for entry in content.entries(kind)}
        covered = {case.slots[slot] for case in CASES if slot in case.slots}
        assert wanted <= covered, f"{slot}: no phrasing for {sorted(wanted - covered)}"


def test_expected_slot_values_exist():
    types = {t["name"]: {v["id"] for v in t["values"]} for t in MODEL["types"]}
    slots = {intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])}
             for intent in MODEL["intents"]}
    for case in CASES:
        for name, value in case.slots.items():
            slot_type = slots.get(case.intent, {}).get(name)
            assert slot_type, f"line {case.line}: {case.intent} has no slot {name}"
            if slot_type in types:
                assert value in types[slot_type], f"line {case.line}: no {slot_type} {value!r}"


def test_intent_accuracy_is_at_least_95_percent():
    result = score("en-US", TEST_SET)
    assert result.intent_accuracy >= 0.95, result.report()


def test_slot_values_are_resolved_too():
    result = score("en-US", TEST_SET)
    assert result.full_accuracy >= 0.95, result.report()
