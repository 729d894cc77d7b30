"""How well the interaction model understands people, measured on phrasings it was not given.

tests/understanding/<locale>.yaml lists realistic phrasings, written for this purpose (never copied
from the samples), each with the intent and slot entry it should resolve to. The simulator's
resolver scores them; the figure is reported in the README and must stay >= 95%.
To improve it, grow the samples (interaction_models/intents/) and synonyms (content/), not this set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skill.simulator.resolver import Resolved, Resolver, load_resolver

ROOT = Path(__file__).resolve().parents[2]
UNDERSTANDING_DIR = ROOT / "tests" / "understanding"


@dataclass(frozen=True)
class Case:
    say: str
    intent: str
    slots: dict[str, str]
    line: int


@dataclass(frozen=True)
class Outcome:
    case: Case
    resolved: Resolved

    @property
    def intent_ok(self) -> bool:
        return self.resolved.intent == self.case.intent and not self.resolved.launch

    @property
    def slots_ok(self) -> bool:
        got = self.resolved.slot_ids()
        return all(got.get(name) == value for name, value in self.case.slots.items())

    @property
    def ok(self) -> bool:
        return self.intent_ok and self.slots_ok


@dataclass(frozen=True)
class Score:
    locale: str
    outcomes: tuple[Outcome, ...]

    @property
    def intent_accuracy(self) -> float:
        return sum(o.intent_ok for o in self.outcomes) / len(self.outcomes)

    @property
    def full_accuracy(self) -> float:
        """Intent and every expected slot value right."""
        return sum(o.ok for o in self.outcomes) / len(self.outcomes)

    def report(self, verbose: bool = False) -> str:
        lines = []
        for outcome in self.outcomes:
            if verbose or not outcome.ok:
                mark = "ok  " if outcome.ok else "MISS"
                want = outcome.case.intent + "".join(f" {k}={v}" for k, v in
                                                     outcome.case.slots.items())
                lines.append(f"{mark} line {outcome.case.line}: {outcome.case.say!r}\n"
                             f"       want {want}\n       got  {outcome.resolved.describe()}")
        total = len(self.outcomes)
        intents = sum(o.intent_ok for o in self.outcomes)
        full = sum(o.ok for o in self.outcomes)
        lines.append(f"{self.locale}: intent accuracy {intents}/{total} = "
                     f"{self.intent_accuracy:.1%}; intent and slots {full}/{total} = "
                     f"{self.full_accuracy:.1%}")
        return "\n".join(lines)


def load_cases(path: Path) -> list[Case]:
    """The test set; every case needs `say` and `intent`, optional `slots` {name: entry id}."""
    data: Any = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(data, yaml.MappingNode):
        raise ValueError(f"{path}: must be a mapping with 'phrasings'")
    top = {k.value: v for k, v in data.value}
    node = top.get("phrasings")
    if not isinstance(node, yaml.SequenceNode):
        raise ValueError(f"{path}: needs a 'phrasings' list")
    cases = []
    for item in node.value:
        line = item.start_mark.line + 1
        fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
        unknown = set(fields) - {"say", "intent", "slots"}
        if unknown or "say" not in fields or "intent" not in fields:
            raise ValueError(f"{path}:{line}: a phrasing needs 'say' and 'intent' "
                             f"(optional 'slots'); unknown keys {sorted(unknown)}")
        slots = {}
        if "slots" in fields:
            slots = {k.value: v.value for k, v in fields["slots"].value}
        cases.append(Case(fields["say"].value, fields["intent"].value, slots, line))
    return cases


def score(locale: str = "en-US", path: Path | None = None,
          resolver: Resolver | None = None) -> Score:
    path = path or UNDERSTANDING_DIR / f"{locale}.yaml"
    resolver = resolver or load_resolver(locale)
    outcomes = tuple(Outcome(case, resolver.resolve(case.say)) for case in load_cases(path))
    return Score(locale, outcomes)
