"""Typed utterance -> intent and slots, the way Alexa's NLU would resolve it.

Everything it knows comes from `interaction_models/<locale>.json`: the invocation name, each
intent's sample utterances and slots, and the custom slot types' values and synonyms. There is no
second copy of utterances in code; the only words written here are Alexa's own (launch phrases,
the built-in intents' core phrases, filler words) and the built-in slot types' grammars.

How an utterance is resolved, in order:
1. normalise: lower case, punctuation dropped except apostrophes, spelled letters joined
   ("a. l. s." and "a l s" compare as "als"), spaces collapsed;
2. a leading "alexa" and the launch phrases ("open / ask / tell muscle twitch guide ...") are
   taken off; "open muscle twitch guide" alone is a launch;
3. exact match against every sample, each `{Slot}` capturing one or more words. Among matches:
   slots that resolve (ER_SUCCESS_MATCH) win, then fewer words captured by slots (the most
   specific sample), then the sample with more literal words;
4. failing that, the same after dropping filler words ("um", "please", ...);
5. failing that, a close match: a word-level edit distance to a sample, with every slot span
   required to resolve, within a budget that grows with the sample's length (when an exact
   match's slot names no value, a close match wins only by a light word or a word ending);
6. otherwise AMAZON.FallbackIntent.

`strict=True` stops after step 3 and takes a match only when every custom slot names a listed
value: how a word-for-word emulator scores a model. The lenient default shows what a person would
most likely get from Alexa; the strict figure shows how much of that the samples carry alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from skill.simulator.builtins import BUILTIN_INTENT_PHRASES, GRAMMARS, parse_builtin
from skill.simulator.envelope import DEFAULT_SKILL_ID

MODELS_DIR = Path(__file__).resolve().parents[2] / "interaction_models"
FALLBACK = "AMAZON.FallbackIntent"
ER_MATCH = "ER_SUCCESS_MATCH"
ER_NO_MATCH = "ER_SUCCESS_NO_MATCH"

# Alexa hears at most a sentence or two; beyond this an utterance goes to the fallback.
MAX_WORDS = 60
# A slot captures at most this many words (a longer span is not a slot value Alexa would fill).
MAX_SLOT_WORDS = 6

# Alexa's launch grammar (https://developer.amazon.com/docs/custom-skills/
# understanding-how-users-invoke-custom-skills.html).
LAUNCH_VERBS = (("open",), ("start",), ("launch",), ("begin",), ("load",), ("run",), ("use",),
                ("play",), ("talk", "to"), ("speak", "to"), ("open", "up"), ("start", "up"),
                ("ask",), ("tell",))
ONE_SHOT_VERBS = (("ask",), ("tell",), ("open",), ("start",), ("launch",), ("use",),
                  ("talk", "to"), ("speak", "to"))
CONNECTORS = ("to", "about", "for", "if", "whether", "and", "that", "and", "please")
SUFFIX_CONNECTORS = ("using", "with", "from", "on", "in")

# Words people drop into a sentence without changing what they ask.
FILLERS = frozenset([
    "um", "uh", "er", "erm", "hmm", "hm", "oh", "hey", "so", "well", "please", "okay", "ok",
    "alright", "like", "just", "really", "actually", "basically", "exactly", "anyway", "thanks",
    "alexa"
])
DETERMINERS = frozenset([
    "a", "an", "the", "my", "your", "his", "her", "our", "their", "some", "this", "that",
    "these", "those"
])

LIGHT = FILLERS | DETERMINERS

# Costs of the close-match alignment (a literal word matched exactly costs nothing).
COST_FILLER = 0.34       # an extra or missing filler word or determiner ("um", "my", "the")
COST_INSERT = 0.5        # any other extra word ("why do my calves twitch *at night*")
COST_STEM = 0.34         # "twitches" for "twitching"
COST_EDIT = 1.0          # any other missing or different word
BUDGET_PER_WORD = 0.25   # the budget: this much per literal word of the sample...
MAX_BUDGET = 2.0         # ...up to this
MIN_WORDS_TO_SWAP = 5    # a shorter sample never has a word swapped ("tell me a joke" is no tip)


# --- words ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    """One word as compared (`form`: no periods) and as heard (`shown`, for slot values)."""

    form: str
    shown: str


_SPELLED = re.compile(r"^(?:[a-z]\.)+$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


def words(text: str) -> list[Word]:
    """Split an utterance into words the way they are compared; never fails on any text."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    cleaned = []
    for char in text:
        if char.isalnum() or char in "'.:":
            cleaned.append(char)
        else:
            cleaned.append(" ")
    result: list[Word] = []
    for raw in "".join(cleaned).split():
        raw = raw.strip("'")
        if _TIME.match(raw):
            result.append(Word(raw, raw))
            continue
        raw = raw.replace(":", "")
        if _SPELLED.match(raw):  # "a." or "a.l.s." spelled out
            letters = raw.replace(".", "")
            result.extend(Word(letter, f"{letter}.") for letter in letters)
            continue
        shown = raw.replace(".", "")
        if shown:
            result.append(Word(shown.replace("'", ""), shown))
    return result


def join_letters(forms: list[str]) -> list[str]:
    """Runs of single letters become one word: "a l s" -> "als" (spelled-out acronyms)."""
    joined: list[str] = []
    run: list[str] = []
    for form in [*forms, ""]:
        if len(form) == 1 and form.isalpha():
            run.append(form)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if form:
            joined.append(form)
    return joined


def stem(form: str) -> str:
    """A rough stem, so "twitches", "twitching" and "twitched" are near one another."""
    for suffix in ("ing", "es", "ed", "s"):
        if form.endswith(suffix) and len(form) - len(suffix) >= 3:
            return form[: -len(suffix)]
    return form


def value_key(forms: list[str]) -> str:
    """How slot text is compared with slot values: letters joined, apostrophes and
    leading determiners dropped ("my eyes" ~ "eyes", "lou gehrig's" ~ "lou gehrigs")."""
    joined = [f.replace("'", "") for f in join_letters(forms)]
    while len(joined) > 1 and joined[0] in DETERMINERS:
        joined = joined[1:]
    return " ".join(f for f in joined if f)


def singular_key(key: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in key.split())


# --- the result -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resolved:
    """What Alexa would send for an utterance.

    `launch` is True for a bare "open muscle twitch guide" (a LaunchRequest; `intent` is None);
    otherwise `intent` names the intent and `slots` holds every slot it declares, as the JSON
    objects Alexa puts in the request (with `resolutions` for custom slot types). `invoked` says
    the utterance named the skill ("ask muscle twitch guide ..."), which opens a new session.
    """

    intent: str | None
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    launch: bool = False
    invoked: bool = False
    text: str = ""               # the words matched, after the launch phrase
    sample: str | None = None    # the sample utterance that matched; None for launch/fallback
    close: bool = False          # matched a sample closely rather than exactly
    confidence: float | None = None  # a statistical NLU's probability for the intent

    @property
    def request_type(self) -> str:
        return "LaunchRequest" if self.launch else "IntentRequest"

    def slot_ids(self) -> dict[str, str | None]:
        """Slot name -> the resolved entry id (custom types) or value (built-in types)."""
        ids: dict[str, str | None] = {}
        for name, filled in self.slots.items():
            if "value" not in filled:
                continue
            per_authority = (filled.get("resolutions") or {}).get("resolutionsPerAuthority")
            if per_authority:
                first = per_authority[0]
                values = first.get("values") or []
                ids[name] = values[0]["value"]["id"] if values else None
            else:
                ids[name] = filled["value"]
        return ids

    def describe(self) -> str:
        """One line for people: intent and slots, as the developer console shows them."""
        if self.launch:
            return "LaunchRequest"
        parts = [self.intent or "?"]
        for name, filled in self.slots.items():
            if "value" not in filled:
                continue
            per_authority = (filled.get("resolutions") or {}).get("resolutionsPerAuthority")
            if per_authority:
                status = per_authority[0]["status"]["code"]
                values = per_authority[0].get("values") or []
                match = f" -> {values[0]['value']['id']}" if values else ""
                parts.append(f'{name}="{filled["value"]}" ({status}{match})')
            else:
                parts.append(f'{name}="{filled["value"]}"')
        if self.close:
            parts.append(f'(close to "{self.sample}")')
        if self.confidence is not None:
            parts.append(f"(confidence {self.confidence:.2f})")
        return " ".join(parts)


# --- samples ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    name: str
    type: str


@dataclass(frozen=True)
class Sample:
    intent: str
    text: str
    parts: tuple[str | Slot, ...]
    order: int
    literals: tuple[str, ...] = ()
    stems: Counter[str] = field(default_factory=Counter, compare=False)

    @classmethod
    def build(cls, intent: str, text: str, parts: tuple[str | Slot, ...], order: int) -> Sample:
        literals = tuple(p for p in parts if isinstance(p, str))
        return cls(intent, text, parts, order, literals, Counter(stem(w) for w in literals))


@dataclass
class _Candidate:
    sample: Sample
    spans: list[tuple[int, int]]
    cost: float = 0.0


class _Values:
    """One custom slot type's values, indexed by every way of saying them."""

    def __init__(self, values: list[dict[str, Any]]) -> None:
        self.longest = 1  # words in the longest value or synonym
        self.exact: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.loose: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for value in values:
            entry_id = value.get("id") or value["name"]["value"]
            canonical = value["name"]["value"]
            for said in [canonical, *value["name"].get("synonyms", [])]:
                key = value_key([w.form for w in words(said)])
                self.longest = max(self.longest, len(key.split()))
                for index, k in ((self.exact, key), (self.loose, singular_key(key))):
                    if (entry_id, canonical) not in index[k]:
                        index[k].append((entry_id, canonical))

    def match(self, forms: list[str]) -> list[tuple[str, str]]:
        key = value_key(forms)
        return self.exact.get(key) or self.loose.get(singular_key(key)) or []


class Resolver:
    """Resolves typed utterances against one locale's interaction model."""

    def __init__(self, model: dict[str, Any], locale: str = "en-US",
                 skill_id: str = DEFAULT_SKILL_ID, today: Callable[[], date] | None = None
                 ) -> None:
        language = model["interactionModel"]["languageModel"]
        self.locale = locale
        self.skill_id = skill_id
        self.today = today or date.today
        self.invocation = tuple(w.form for w in words(language["invocationName"]))
        self.types = {t["name"]: _Values(t.get("values", [])) for t in language.get("types", [])}
        self.intents: dict[str, list[Slot]] = {}
        self.samples: list[Sample] = []
        said: set[str] = set()
        for intent in language["intents"]:
            slots = [Slot(s["name"], s["type"]) for s in intent.get("slots", [])]
            self.intents[intent["name"]] = slots
            for text in intent.get("samples", []):
                self._add(intent["name"], text, slots)
                said.add(" ".join(text.split()))
        for name, phrases in BUILTIN_INTENT_PHRASES.items():
            if name in self.intents:
                for text in phrases:
                    if text not in said:
                        self._add(name, text, [])
        self._by_word: dict[str, list[Sample]] = defaultdict(list)
        self._by_stem: dict[str, list[Sample]] = defaultdict(list)
        self._slot_only: list[Sample] = []
        for sample in self.samples:
            literals = set(sample.literals)
            for form in literals:
                self._by_word[form].append(sample)
            for form in {stem(w) for w in literals}:
                self._by_stem[form].append(sample)
            if not literals:
                self._slot_only.append(sample)

    def _add(self, intent: str, text: str, slots: list[Slot]) -> None:
        by_name = {s.name: s for s in slots}
        parts: list[str | Slot] = []
        for token in text.split():
            found = re.fullmatch(r"\{(\w+)\}", token)
            if found:
                name = found.group(1)
                parts.append(by_name.get(name) or Slot(name, "AMAZON.SearchQuery"))
            else:
                parts.extend(join_letters([w.form for w in words(token)]))
        self.samples.append(Sample.build(intent, text, tuple(parts), len(self.samples)))

    # --- public ---------------------------------------------------------------------------------

    def resolve(self, utterance: str, strict: bool = False) -> Resolved:
        """The request Alexa would send for `utterance` (any text; never raises)."""
        heard = words(utterance)
        while heard and heard[0].form == "alexa":
            heard = heard[1:]
        invoked = self._invocation(heard)
        if invoked is not None:
            rest, connector = invoked
            if not rest:
                return Resolved(None, launch=True, invoked=True)
            resolved = self._intent(rest, strict)
            if resolved.intent == FALLBACK and connector:
                with_connector = self._intent([connector, *rest], strict)
                if with_connector.intent != FALLBACK:
                    resolved = with_connector
            return replace(resolved, invoked=True)
        return self._intent(heard, strict)

    def heard(self, utterance: str) -> tuple[list[Word], bool, bool]:
        """(the words after any launch phrase, the skill was named, it is a bare launch).

        Shared with other ways of resolving (skill.simulator.statistical), so every one of them
        takes "alexa, ask muscle twitch guide ..." apart the same way.
        """
        heard = words(utterance)
        while heard and heard[0].form == "alexa":
            heard = heard[1:]
        invoked = self._invocation(heard)
        if invoked is None:
            return heard, False, False
        rest, _ = invoked
        return rest, True, not rest

    def fill(self, intent: str, said: dict[str, list[Word]]) -> dict[str, dict[str, Any]]:
        """Slot JSON for words heard per slot name, every other declared slot left empty, with
        the same ER_SUCCESS_MATCH / ER_SUCCESS_NO_MATCH resolutions `resolve` gives."""
        by_name = {slot.name: slot for slot in self.intents.get(intent, [])}
        filled = {name: self._value(by_name[name], spoken)[0]
                  for name, spoken in said.items() if name in by_name and spoken}
        return self._slots(intent, filled)

    def fallback(self, text: str = "") -> Resolved:
        return Resolved(FALLBACK, self._slots(FALLBACK, {}), text=text)

    # --- launch phrases ---------------------------------------------------------------------------

    def _invocation(self, heard: list[Word]) -> tuple[list[Word], Word | None] | None:
        """(what follows the launch phrase, the connector dropped) or None when not invoked."""
        forms = [w.form for w in heard]
        name = list(self.invocation)
        at = _find(forms, name)
        if at is None:
            return None
        before, after = forms[:at], _trim_fillers(heard[at + len(name):])
        if before and before[-1] == "the":
            before = before[:-1]
        if not before:
            return (after, None) if not after else None
        if not after:
            prefix = tuple(before)
            if prefix in LAUNCH_VERBS:
                return [], None
            # "<question> using muscle twitch guide"
            if len(before) > 1 and before[-1] in SUFFIX_CONNECTORS:
                return heard[: len(before) - 1], None
            return None
        if tuple(before) in ONE_SHOT_VERBS:
            if after[0].form in CONNECTORS:
                if after[0].form == "and" and len(after) > 1 and after[1].form in ("ask", "tell"):
                    return after[2:], None  # "open muscle twitch guide and ask ..."
                return after[1:], after[0]
            return after, None
        return None

    # --- intents --------------------------------------------------------------------------------

    def _intent(self, heard: list[Word], strict: bool = False) -> Resolved:
        text = " ".join(w.shown for w in heard)
        if not heard or len(heard) > MAX_WORDS:
            return self.fallback(text)
        best = self._exact(heard)
        if strict and (best is None or best[2]):  # word for word, every slot a listed value
            return self.fallback(text)
        if best is None:
            trimmed = _trim_fillers(heard)
            if trimmed and len(trimmed) < len(heard):
                best = self._exact(trimmed)
        close = False
        if best is None or best[2]:  # nothing, or only slot text that names no value
            nearby = self._close(heard)
            # Near an exact match that names no value, only a light word or an ending may differ.
            if nearby is not None and (best is None or nearby[0].cost <= COST_INSERT):
                best, close = nearby, True
        if best is None:
            return self.fallback(text)
        candidate, filled, _ = best
        return Resolved(candidate.sample.intent, self._slots(candidate.sample.intent, filled),
                        text=text, sample=candidate.sample.text, close=close)

    def _exact(self, heard: list[Word]) -> tuple[_Candidate, dict[str, dict], int] | None:
        forms = [w.form for w in heard]
        present = set(forms) | set(join_letters(forms))
        scored = []
        for sample in self._pool(present):
            literals = sample.literals
            if not set(literals) <= present:
                continue
            slots_in = len(sample.parts) - len(literals)
            if len(literals) + slots_in > len(forms):
                continue
            for spans in _match(sample.parts, forms):
                candidate = _Candidate(sample, spans)
                filled, unresolved = self._fill(candidate, heard)
                if unresolved and (not literals or not self._plausible(candidate, heard)):
                    continue
                slot_words = sum(end - start for start, end in spans)
                scored.append(((unresolved, slot_words, -len(literals), sample.order),
                               candidate, filled))
        if not scored:
            return None
        key, candidate, filled = min(scored, key=lambda s: s[0])
        return candidate, filled, key[0]

    def _pool(self, present: set[str]) -> Iterator[Sample]:
        seen: set[int] = set()
        for form in present:
            for sample in self._by_word.get(form, ()):
                if sample.order not in seen:
                    seen.add(sample.order)
                    yield sample
        yield from self._slot_only

    def _close(self, heard: list[Word]) -> tuple[_Candidate, dict[str, dict], int] | None:
        forms = [w.form for w in heard]
        stems = Counter(stem(f) for f in forms)
        span_cache: dict[tuple[str, int, int], bool] = {}

        def resolves(slot: Slot, start: int, end: int) -> bool:
            key = (slot.type, start, end)
            if key not in span_cache:
                span_cache[key] = self._value(slot, heard[start:end])[1]
            return span_cache[key]

        shared: Counter[int] = Counter()
        for form, count in stems.items():
            for sample in self._by_stem.get(form, ()):
                shared[sample.order] += min(count, sample.stems[form])
        scored = []
        for order, common in shared.items():
            sample = self.samples[order]
            literals = sample.literals
            budget = min(MAX_BUDGET, BUDGET_PER_WORD * len(literals))
            if len(literals) - common > budget:
                continue
            aligned = _align(sample.parts, forms, resolves, budget)
            if aligned is None:
                continue
            cost, spans = aligned
            candidate = _Candidate(sample, spans, cost)
            filled, _ = self._fill(candidate, heard)
            slot_words = sum(end - start for start, end in spans)
            scored.append(((cost, slot_words, -len(literals), sample.order), candidate, filled))
        if not scored:
            return None
        _, candidate, filled = min(scored, key=lambda s: s[0])
        return candidate, filled, 0

    # --- slots ----------------------------------------------------------------------------------

    def _fill(self, candidate: _Candidate, heard: list[Word]) -> tuple[dict[str, dict], int]:
        """Slot JSON for a candidate's spans, and how many slot values did not resolve."""
        filled: dict[str, dict] = {}
        unresolved = 0
        slots = [p for p in candidate.sample.parts if isinstance(p, Slot)]
        for slot, (start, end) in zip(slots, candidate.spans, strict=True):
            said = heard[start:end]
            value, ok = self._value(slot, said)
            unresolved += not ok
            filled[slot.name] = value
        return filled, unresolved

    def _plausible(self, candidate: _Candidate, heard: list[Word]) -> bool:
        """Could Alexa have heard these words as an unlisted value of the slot type?

        Alexa learns a custom type's shape from its values and a sample's shape from its carrier
        words: it passes on a value it has never seen, but not one longer than any value it was
        given, nor one that outweighs the sample's own words ("what illnesses can cause" is not
        a body part heard in "{BodyPart} twitching"). A built-in type with a grammar takes only
        words it can read: "cancel" is no AMAZON.TIME.
        """
        slots = [p for p in candidate.sample.parts if isinstance(p, Slot)]
        captured = 0
        for slot, (start, end) in zip(slots, candidate.spans, strict=True):
            captured += end - start
            values = self.types.get(slot.type)
            if values is not None and end - start > values.longest:
                return False
            if slot.type in GRAMMARS and parse_builtin(
                    slot.type, [w.form for w in heard[start:end]], self.today()) is None:
                return False
        return captured <= len(candidate.sample.literals)

    def _value(self, slot: Slot, said: list[Word]) -> tuple[dict[str, Any], bool]:
        text = " ".join(w.shown for w in said)
        forms = [w.form for w in said]
        filled: dict[str, Any] = {"name": slot.name, "confirmationStatus": "NONE"}
        if len(said) > MAX_SLOT_WORDS:
            filled.update(value=text, source="USER")
            return filled, False
        if slot.type in self.types:
            matches = self.types[slot.type].match(forms)
            authority = f"amzn1.er-authority.echo-sdk.{self.skill_id}.{slot.type}"
            if matches:
                resolution = {"authority": authority, "status": {"code": ER_MATCH},
                              "values": [{"value": {"name": name, "id": entry_id}}
                                         for entry_id, name in matches]}
            else:
                resolution = {"authority": authority, "status": {"code": ER_NO_MATCH}}
            filled.update(value=text, source="USER",
                          resolutions={"resolutionsPerAuthority": [resolution]})
            return filled, bool(matches)
        parsed = parse_builtin(slot.type, forms, self.today())
        if parsed is None:
            filled.update(value="?" if slot.type == "AMAZON.NUMBER" else text, source="USER")
            return filled, slot.type not in GRAMMARS
        filled.update(value=parsed, source="USER")
        return filled, True

    def _slots(self, intent: str, filled: dict[str, dict]) -> dict[str, dict]:
        """Every slot the intent declares, filled or empty, as Alexa sends them."""
        return {slot.name: filled.get(slot.name) or {"name": slot.name,
                                                     "confirmationStatus": "NONE"}
                for slot in self.intents.get(intent, [])}


# --- matching ---------------------------------------------------------------------------------

def _find(forms: list[str], name: list[str]) -> int | None:
    for at in range(len(forms) - len(name) + 1):
        if forms[at:at + len(name)] == name:
            return at
    return None


def _match(parts: tuple[str | Slot, ...], forms: list[str]) -> Iterator[list[tuple[int, int]]]:
    """Every way `parts` covers `forms` exactly, as the list of slot spans."""

    def walk(p: int, at: int, spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
        if p == len(parts):
            if at == len(forms):
                yield list(spans)
            return
        part = parts[p]
        if isinstance(part, str):
            if at < len(forms) and forms[at] == part:
                yield from walk(p + 1, at + 1, spans)
            elif at + 1 < len(forms) and join_letters(forms[at:at + len(part)]) == [part]:
                yield from walk(p + 1, at + len(part), spans)
            return
        rest_min = len(parts) - p - 1  # every later part takes at least one word
        for end in range(at + 1, min(len(forms) - rest_min, at + MAX_SLOT_WORDS) + 1):
            spans.append((at, end))
            yield from walk(p + 1, end, spans)
            spans.pop()

    yield from walk(0, 0, [])


def _align(parts: tuple[str | Slot, ...], forms: list[str],
           resolves: Callable[[Slot, int, int], bool], budget: float
           ) -> tuple[float, list[tuple[int, int]]] | None:
    """Cheapest word-level alignment of a sample to the words, slots taking resolving spans."""
    m, n = len(parts), len(forms)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (n + 1) for _ in range(m + 1)]
    cost[0][0] = 0.0
    stems = [stem(f) for f in forms]
    swap = sum(isinstance(p, str) for p in parts) >= MIN_WORDS_TO_SWAP

    def relax(i: int, j: int, c: float, frm: tuple[int, int]) -> None:
        if c < cost[i][j]:
            cost[i][j] = c
            back[i][j] = frm

    for i in range(m + 1):
        for j in range(n + 1):
            here = cost[i][j]
            if here > budget:
                continue
            if j < n:
                relax(i, j + 1, here + (COST_FILLER if forms[j] in LIGHT else COST_INSERT),
                      (i, j))
            if i == m:
                continue
            part = parts[i]
            if isinstance(part, str):
                relax(i + 1, j, here + (COST_FILLER if part in LIGHT else COST_EDIT), (i, j))
                if j < n:
                    if forms[j] == part:
                        relax(i + 1, j + 1, here, (i, j))
                    elif stems[j] == stem(part):
                        relax(i + 1, j + 1, here + COST_STEM, (i, j))
                    elif swap:
                        relax(i + 1, j + 1, here + COST_EDIT, (i, j))
            else:
                for end in range(j + 1, min(n, j + MAX_SLOT_WORDS) + 1):
                    if resolves(part, j, end):
                        relax(i + 1, end, here, (i, j))
    if cost[m][n] > budget + 1e-9:
        return None
    spans: list[tuple[int, int]] = []
    i, j = m, n
    while (i, j) != (0, 0):
        prev = back[i][j]
        assert prev is not None
        pi, pj = prev
        if pi == i - 1 and isinstance(parts[pi], Slot):
            spans.append((pj, j))
        i, j = pi, pj
    spans.reverse()
    return cost[m][n], spans


def _trim_fillers(heard: list[Word]) -> list[Word]:
    """Filler words dropped from both ends ("um, what causes twitching, please")."""
    start, end = 0, len(heard)
    while start < end and heard[start].form in FILLERS:
        start += 1
    while end > start and heard[end - 1].form in FILLERS:
        end -= 1
    return heard[start:end]


# --- loading ----------------------------------------------------------------------------------

def model_file(locale: str) -> Path:
    return MODELS_DIR / f"{locale}.json"


@cache
def load_resolver(locale: str = "en-US") -> Resolver:
    """The resolver for a locale, built once per process from interaction_models/<locale>.json."""
    path = model_file(locale)
    if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", locale) or not path.is_file():
        known = ", ".join(sorted(p.stem for p in MODELS_DIR.glob("*.json")))
        raise ValueError(f"no interaction model for locale {locale!r}; known: {known}")
    return Resolver(json.loads(path.read_text(encoding="utf-8")), locale)
