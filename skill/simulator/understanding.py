"""How well the interaction model understands people, measured on phrasings it was not given.

tests/understanding/<locale>.yaml, and any <locale>-<name>.yaml beside it, list realistic phrasings,
written for this purpose (never copied from the samples), each with the intent and slot entry it
should resolve to. The simulator's resolver scores them; the figures are reported in the README.
A set's header says how it is held to account:
- `locale:` the model it is scored against (it must agree with the file name's locale);
- `gate:` true (the default) holds it to >= 95%; false scores and reports it without failing the
  tests, for a set written before the model work it measures has landed;
- `focus:` an intent every phrasing belongs to (a set about one thing, e.g. emergencies), which
  frees it from covering every intent and slot value.
To improve it, grow the samples (interaction_models/intents/) and synonyms (content/), not a set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from skill.simulator.resolver import Resolved, load_resolver

if TYPE_CHECKING:
    from skill.simulator.statistical import Understander

ROOT = Path(__file__).resolve().parents[2]
UNDERSTANDING_DIR = ROOT / "tests" / "understanding"


@dataclass(frozen=True)
class Case:
    say: str
    intent: str
    slots: dict[str, str]
    line: int
    source: str = ""


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

    def summary(self, label: str) -> str:
        """One line: the intent figure, then intent and slots together."""
        total = len(self.outcomes)
        intents = sum(o.intent_ok for o in self.outcomes)
        full = sum(o.ok for o in self.outcomes)
        return (f"{label}: intent accuracy {intents}/{total} = {self.intent_accuracy:.1%}; "
                f"intent and slots {full}/{total} = {self.full_accuracy:.1%}")

    def report(self, verbose: bool = False) -> str:
        lines = []
        for outcome in self.outcomes:
            if verbose or not outcome.ok:
                mark = "ok  " if outcome.ok else "MISS"
                want = outcome.case.intent + "".join(f" {k}={v}" for k, v in
                                                     outcome.case.slots.items())
                lines.append(f"{mark} {outcome.case.source}line {outcome.case.line}: "
                             f"{outcome.case.say!r}\n"
                             f"       want {want}\n       got  {outcome.resolved.describe()}")
        sources = list(dict.fromkeys(o.case.source for o in self.outcomes))
        if len(sources) > 1 or sources[:1] != [""]:  # named sets: a line each
            for source in sources:
                part = Score(self.locale, tuple(o for o in self.outcomes
                                                if o.case.source == source))
                lines.append(part.summary(f"{self.locale} {source.rstrip(': ')}"))
        lines.append(self.summary(self.locale))
        return "\n".join(lines)


@dataclass(frozen=True)
class SetInfo:
    """A held-out set's header: which model scores it, whether it gates, what it is about."""

    path: Path
    locale: str
    gate: bool = True
    focus: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


HEADER_KEYS = {"locale", "gate", "focus", "phrasings"}


def _top(path: Path) -> dict[str, Any]:
    data: Any = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(data, yaml.MappingNode):
        raise ValueError(f"{path}: must be a mapping with 'phrasings'")
    top = {k.value: v for k, v in data.value}
    unknown = set(top) - HEADER_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown header keys {sorted(unknown)}; "
                         f"known: {sorted(HEADER_KEYS)}")
    return top


def set_info(path: Path) -> SetInfo:
    """The header of a set. The locale defaults to the file name's (en-GB-emergency.yaml ->
    en-GB); one written in the file must agree with it, so a set is never scored against the
    wrong locale's model by a copy-paste slip."""
    top = _top(path)
    from_name = re.match(r"[a-z]{2}-[A-Z]{2}", path.name)
    node = top.get("locale")
    locale = node.value if isinstance(node, yaml.ScalarNode) else None
    if from_name and locale and locale != from_name.group(0):
        raise ValueError(f"{path}: locale {locale!r} does not match the file name")
    locale = locale or (from_name.group(0) if from_name else None)
    if not locale:
        raise ValueError(f"{path}: needs a 'locale' (or a file name starting with one)")
    gate = top.get("gate")
    if gate is not None and gate.value not in ("true", "false"):
        raise ValueError(f"{path}: 'gate' must be true or false, not {gate.value!r}")
    focus = top.get("focus")
    return SetInfo(path, locale, gate is None or gate.value == "true",
                   focus.value if isinstance(focus, yaml.ScalarNode) else None)


def load_cases(path: Path, named: bool = False) -> list[Case]:
    """The test set; every case needs `say` and `intent`, optional `slots` {name: entry id}.

    named: each case remembers its file's name, for reports over several sets.
    """
    source = f"{path.name}: " if named else ""
    top = _top(path)
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
        cases.append(Case(fields["say"].value, fields["intent"].value, slots, line, source))
    return cases


def held_out_sets(locale: str = "en-US") -> list[Path]:
    """Every held-out set of a locale: <locale>.yaml first, then <locale>-<name>.yaml.

    Several sets, because a set used to grow the samples stops measuring unseen phrasings; a new
    one, written before the next round of samples, keeps the figure honest.
    """
    main = UNDERSTANDING_DIR / f"{locale}.yaml"
    return [main] * main.exists() + sorted(UNDERSTANDING_DIR.glob(f"{locale}-*.yaml"))


def held_out_locales() -> list[str]:
    """Every locale with at least one held-out set, en-US first."""
    found = {m.group(0) for p in UNDERSTANDING_DIR.glob("*.yaml")
             if (m := re.match(r"[a-z]{2}-[A-Z]{2}", p.name))}
    return sorted(found, key=lambda locale: (locale != "en-US", locale))


# The three ways a held-out set is scored (see `scores`).
WORD_FOR_WORD = "word for word"
RESOLVER = "resolver"
STATISTICAL = "statistical"
SCORERS = (WORD_FOR_WORD, RESOLVER, STATISTICAL)
SCORER_NOTES = {
    WORD_FOR_WORD: "samples matched word for word, every slot a listed value (how an emulator "
                   "matches)",
    RESOLVER: "the simulator's resolver (exact, then without fillers, then close matches)",
    STATISTICAL: "a classifier trained only on the model's samples, slots from values and "
                 "synonyms (closer to how Alexa's NLU generalises)",
}


def score(locale: str = "en-US", path: Path | None = None,
          resolver: Understander | None = None, strict: bool = False,
          scorer: str | None = None) -> Score:
    """One set (path), or every set of the locale together, with a line per set.

    `strict`: samples matched word for word only (see skill.simulator.resolver).
    `scorer`: one of SCORERS, instead of `resolver` and `strict`.
    """
    if scorer is not None:
        if scorer not in SCORERS:
            raise ValueError(f"unknown scorer {scorer!r}; known: {', '.join(SCORERS)}")
        strict = scorer == WORD_FOR_WORD
        if scorer == STATISTICAL:
            from skill.simulator.statistical import load_nlu

            resolver = load_nlu(locale, "statistical")
    paths = [path] if path else held_out_sets(locale)
    cases = [case for each in paths for case in load_cases(each, named=path is None)]
    understander: Understander = resolver or load_resolver(locale)
    outcomes = tuple(Outcome(case, understander.resolve(case.say, strict)) for case in cases)
    return Score(locale, outcomes)


def statistical_available() -> bool:
    """scikit-learn is a dev dependency: without it the statistical score is left out, said so."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def scores(locale: str = "en-US", path: Path | None = None) -> dict[str, Score | None]:
    """Every scorer's Score for a set (or every set of the locale); None where the statistical
    scorer cannot run (scikit-learn missing)."""
    result: dict[str, Score | None] = {}
    for scorer in SCORERS:
        if scorer == STATISTICAL and not statistical_available():
            result[scorer] = None
            continue
        result[scorer] = score(locale, path, scorer=scorer)
    return result


def table(results: dict[str, Score | None]) -> str:
    """One row per set, one column per scorer: intent and slots (intent alone in brackets)."""
    first = next(s for s in results.values() if s is not None)
    sources = list(dict.fromkeys(o.case.source for o in first.outcomes))
    width = max(len(f"{first.locale} {s.rstrip(': ') or 'all'}") for s in sources) + 2
    lines = [f"{'set':<{width}}" + "".join(f"{name:>20}" for name in results)]
    rows = [*sources, None] if len(sources) > 1 else sources
    for source in rows:
        label = f"{first.locale} {source.rstrip(': ') if source else 'all sets'}"
        cells = []
        for result in results.values():
            if result is None:
                cells.append(f"{'(not run)':>20}")
                continue
            part = result if source is None else Score(
                result.locale, tuple(o for o in result.outcomes if o.case.source == source))
            cell = f"{part.full_accuracy:.1%} ({part.intent_accuracy:.1%})"
            cells.append(f"{cell:>20}")
        lines.append(f"{label:<{width}}" + "".join(cells))
    return "\n".join(lines)
