"""The held-out sets as NLU annotation sets, in the format Amazon's NLU Evaluation Tool reads.

A developer with an Amazon developer account can then score the live model, built by Amazon,
on the same phrasings the simulator scores (see the README for the `ask smapi` commands).

Amazon's format (the NLU Annotation Set API, "update annotations", CSV or JSON body):
- CSV: a header `utterance,referenceTimestamp,intent,slot[<SlotName>],...`, then one row per
  annotation; JSON: {"data": [{"inputs": {"utterance": ...}, "expected": [{"intent": {"name":
  ..., "slots": {<SlotName>: {"value": ...}}}}]}]}.
- The utterance is what follows the invocation: no wake word, no invocation name.
- A slot's expected value is the value as heard (the words in the utterance), not an entry id;
  so a held-out slot label (an entry id) becomes the words of the utterance that name that entry.
  Where no listed value or synonym of the entry is in the utterance, the annotation keeps the
  intent only, and the export says how many did.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.simulator.resolver import Resolver, Word, load_resolver
from skill.simulator.understanding import (
    Case,
    held_out_locales,
    held_out_sets,
    load_cases,
)

FIXED_COLUMNS = ("utterance", "referenceTimestamp", "intent")


@dataclass
class Annotation:
    utterance: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


@dataclass
class AnnotationSet:
    name: str
    locale: str
    annotations: list[Annotation]
    intent_only: list[str] = field(default_factory=list)  # slot labels no words stood for

    def slot_names(self) -> list[str]:
        return sorted({name for a in self.annotations for name in a.slots})

    def to_csv(self) -> str:
        names = self.slot_names()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*FIXED_COLUMNS, *(f"slot[{name}]" for name in names)])
        for a in self.annotations:
            writer.writerow([a.utterance, "", a.intent, *(a.slots.get(n, "") for n in names)])
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        data = []
        for a in self.annotations:
            intent: dict[str, Any] = {"name": a.intent}
            if a.slots:
                intent["slots"] = {name: {"value": value} for name, value in a.slots.items()}
            data.append({"inputs": {"utterance": a.utterance}, "expected": [{"intent": intent}]})
        return {"data": data}


def _spoken_value(resolver: Resolver, intent: str, slot: str, entry: str,
                  heard: list[Word]) -> str | None:
    """The words of the utterance that name `entry` for the slot, longest first; a built-in
    type's label (e.g. "07:00") is already the value Alexa fills."""
    slot_type = next((s.type for s in resolver.intents.get(intent, []) if s.name == slot), None)
    if slot_type is None:
        return None
    values = resolver.types.get(slot_type)
    if values is None:
        return entry
    forms = [w.form for w in heard]
    for size in range(min(values.longest, len(forms)), 0, -1):
        for start in range(len(forms) - size + 1):
            if entry in {entry_id for entry_id, _ in values.match(forms[start:start + size])}:
                return " ".join(w.shown for w in heard[start:start + size])
    return None


def annotation_set(path: Path, locale: str) -> AnnotationSet:
    """One held-out set as an annotation set, the invocation taken off each utterance."""
    resolver = load_resolver(locale)
    result = AnnotationSet(path.stem, locale, [])
    case: Case
    for case in load_cases(path):
        heard, _, launch = resolver.heard(case.say)
        if launch or not heard:
            continue  # a bare "open muscle twitch guide" is a launch, not an intent to test
        slots = {}
        for slot, entry in case.slots.items():
            value = _spoken_value(resolver, case.intent, slot, entry, heard)
            if value is None:
                result.intent_only.append(f"{case.say!r} {slot}={entry}")
            else:
                slots[slot] = value
        utterance = " ".join(w.shown for w in heard)
        result.annotations.append(Annotation(utterance, case.intent, slots))
    return result


def export(directory: Path, locales: list[str] | None = None) -> list[Path]:
    """Write <directory>/<locale>/<set>.csv and .json for every held-out set; the paths."""
    written = []
    for locale in locales or held_out_locales():
        folder = directory / locale
        folder.mkdir(parents=True, exist_ok=True)
        for path in held_out_sets(locale):
            annotations = annotation_set(path, locale)
            csv_path = folder / f"{path.stem}.csv"
            csv_path.write_text(annotations.to_csv(), encoding="utf-8")
            json_path = folder / f"{path.stem}.json"
            json_path.write_text(json.dumps(annotations.to_json(), indent=2) + "\n",
                                 encoding="utf-8")
            written += [csv_path, json_path]
            if annotations.intent_only:
                note = folder / f"{path.stem}.intent-only.txt"
                note.write_text("slot labels kept as intent only (no words in the utterance "
                                "name the entry):\n" + "\n".join(annotations.intent_only)
                                + "\n", encoding="utf-8")
                written.append(note)
    return written
