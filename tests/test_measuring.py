"""Measuring understanding from outside: three scores per held-out set, the simulator resolving
with the statistical stand-in, and the held-out sets exported in Amazon's annotation-set format."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from skill.app import handle_event
from skill.simulator.annotations import FIXED_COLUMNS, annotation_set, export
from skill.simulator.cli import _parser, main
from skill.simulator.resolver import load_resolver, words
from skill.simulator.understanding import (
    SCORERS,
    held_out_locales,
    held_out_sets,
    load_cases,
)

try:
    import sklearn  # noqa: F401
    HAVE_SKLEARN = True
except ImportError:  # the dev extra is not installed
    HAVE_SKLEARN = False
statistical_only = pytest.mark.skipif(not HAVE_SKLEARN, reason="scikit-learn (dev extra) missing")


@pytest.fixture
def handler(skill):
    return lambda event, context: handle_event(skill, event)


def run(argv: list[str], handler=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, handler=handler, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- three scores -----------------------------------------------------------------------------

@statistical_only
def test_accuracy_reports_three_scores_for_every_held_out_set_of_every_locale():
    code, out, _ = run(["accuracy"])
    assert code == 0  # the gated sets pass; the sets not yet gated are reported, not failed
    for scorer in SCORERS:
        assert f"{scorer}: " in out
    tables = out.split("per set and scorer:")[1:]
    assert len(tables) == len(held_out_locales())
    rows = [line for table in tables for line in table.splitlines()]
    assert all(scorer in rows[1] for scorer in SCORERS)
    for locale in held_out_locales():
        assert f"{locale}: intent accuracy" in out
        for path in held_out_sets(locale):
            row = next(line for line in rows if line.startswith(f"{locale} {path.name} "))
            assert len(re.findall(r"\d+\.\d%", row)) == 6  # intent and slots, intent; x3


def test_accuracy_fails_when_a_gated_set_is_below_the_bar(tmp_path):
    bad = tmp_path / "en-US-bad.yaml"
    bad.write_text("phrasings:\n  - {say: what causes twitching, intent: AMAZON.StopIntent}\n")
    code, _, err = run(["accuracy", "--file", str(bad)])
    assert code == 1
    assert "en-US-bad.yaml" in err


# --- --nlu statistical --------------------------------------------------------------------------

@statistical_only
def test_resolve_can_use_the_statistical_nlu():
    code, out, _ = run(["resolve", "--nlu", "statistical", "can coffee cause twitching"])
    assert code == 0
    assert "-> CauseIntent" in out and "(confidence " in out


def test_resolve_uses_the_resolver_by_default():
    code, out, _ = run(["resolve", "can coffee cause twitching"])
    assert code == 0
    assert "-> CauseIntent" in out and "confidence" not in out


@statistical_only
def test_ask_can_use_the_statistical_nlu(handler):
    code, out, _ = run(["ask", "--nlu", "statistical", "what causes twitching"], handler)
    assert code == 0
    assert "CauseIntent" in out


@pytest.mark.parametrize("command", [["chat"], ["ask", "hi"], ["record", "somewhere"],
                                     ["resolve", "hi"]])
def test_chat_ask_record_and_resolve_accept_the_nlu_flag(command):
    args = _parser().parse_args([command[0], "--nlu", "statistical", *command[1:]])
    assert args.nlu == "statistical"
    assert _parser().parse_args(command).nlu == "resolver"


def test_an_unknown_nlu_is_refused_by_the_command_line():
    with pytest.raises(SystemExit):
        _parser().parse_args(["resolve", "--nlu", "magic", "hi"])


# --- annotation sets in Amazon's format ---------------------------------------------------------

def test_export_writes_a_csv_and_a_json_annotation_set_for_every_held_out_set(tmp_path):
    code, out, _ = run(["export-annotations", str(tmp_path)])
    assert code == 0
    for locale in held_out_locales():
        for path in held_out_sets(locale):
            assert (tmp_path / locale / f"{path.stem}.csv").is_file()
            assert (tmp_path / locale / f"{path.stem}.json").is_file()
            assert f"{path.stem}.csv" in out


@pytest.mark.parametrize("locale", held_out_locales())
def test_the_csv_has_amazons_columns_and_one_row_per_phrasing(tmp_path, locale):
    """The NLU Annotation Set API's CSV body: `utterance,referenceTimestamp,intent`, then a
    `slot[<SlotName>]` column per slot; one annotation per row."""
    export(tmp_path, [locale])
    model = load_resolver(locale)
    invocation = " ".join(model.invocation)
    for path in held_out_sets(locale):
        rows = list(csv.reader((tmp_path / locale / f"{path.stem}.csv").open(encoding="utf-8")))
        header, body = rows[0], rows[1:]
        assert tuple(header[:3]) == FIXED_COLUMNS
        slot_columns = header[3:]
        assert all(re.fullmatch(r"slot\[\w+\]", column) for column in slot_columns)
        assert len(body) == len(load_cases(path))
        for row in body:
            assert len(row) == len(header)
            utterance, timestamp, intent = row[:3]
            assert utterance and timestamp == "" and intent in model.intents
            assert not utterance.startswith("alexa") and invocation not in utterance
            heard = " ".join(w.form for w in words(utterance))
            for column, value in zip(slot_columns, row[3:], strict=True):
                name = column[5:-1]
                if value:
                    assert name in {s.name for s in model.intents[intent]}
                    slot_type = next(s.type for s in model.intents[intent] if s.name == name)
                    if slot_type in model.types:  # a custom value is the words heard
                        assert " ".join(w.form for w in words(value)) in heard


def test_the_json_has_amazons_shape(tmp_path):
    """{"data": [{"inputs": {"utterance"}, "expected": [{"intent": {"name", "slots": {name:
    {"value"}}}}]}]}, as in the NLU Annotation Set API's JSON body."""
    export(tmp_path, ["en-US"])
    document = json.loads((tmp_path / "en-US" / "en-US-5.json").read_text())
    assert set(document) == {"data"}
    for annotation in document["data"]:
        assert set(annotation) == {"inputs", "expected"}
        assert set(annotation["inputs"]) == {"utterance"}
        (expected,) = annotation["expected"]
        assert set(expected) == {"intent"}
        assert set(expected["intent"]) <= {"name", "slots"}
        for slot in expected["intent"].get("slots", {}).values():
            assert set(slot) == {"value"} and slot["value"]


def test_a_slot_label_becomes_the_words_that_name_the_entry():
    annotations = annotation_set(next(p for p in held_out_sets("en-US")
                                      if p.name == "en-US-5.yaml"), "en-US")
    by_utterance = {a.utterance: a for a in annotations.annotations}
    running = by_utterance["my calf twitches after i go running"]
    assert running.intent == "CauseIntent" and running.slots == {"Cause": "running"}
