"""A statistical stand-in for Alexa's NLU, trained only on the interaction model's own samples.

The simulator's resolver (skill.simulator.resolver) matches samples word for word, then closely;
Alexa does not: it trains a statistical model on the samples and generalises to phrasings that
are in no sample ("my calf twitches after I go running"), and it also lands on the wrong intent
where the samples of two intents look alike. This stand-in shows where such generalisation may
land, so a developer without an Amazon account can see it, and so a held-out set is scored the
way Alexa's NLU is more likely to score it, not only the way an emulator matches.

How it is built, from `interaction_models/<locale>.json` and nothing else:
1. every sample of every intent, each `{Slot}` filled with the slot type's values and synonyms
   (cycling through all of them, so each one is seen), a built-in type with a few of the phrases
   its grammar reads (AMAZON.TIME: "seven a m", ...);
2. an intent classifier: TF-IDF over words (1-2 grams) and characters (2-5 grams within words),
   multinomial logistic regression; fixed seeds and sorted inputs, so the same model file always
   gives the same classifier;
3. slot filling: the longest run of words that is a value or synonym of the intent's slot type
   (ER_SUCCESS_MATCH, resolved to its entry); failing that, the words a sample of the predicted
   intent captures word for word (ER_SUCCESS_NO_MATCH, as Alexa passes an unlisted value);
4. below CONFIDENCE, AMAZON.FallbackIntent: Alexa's fallback catches what fits no intent well.

scikit-learn comes with the dev extra only; nothing on the Lambda path imports this module. The
trained classifier is cached per model-file hash in .state/nlu/ (gitignored), so tests stay fast.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from skill.simulator.builtins import GRAMMARS, parse_builtin
from skill.simulator.resolver import (
    Resolved,
    Resolver,
    Word,
    join_letters,
    load_resolver,
    model_file,
    words,
)

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / ".state" / "nlu"
# Bump when training changes, so a cached classifier of another recipe is never reused.
RECIPE = "1"
# Below this probability for the best intent, the utterance goes to the fallback. Chosen once
# from the model's own samples, never from a held-out set: trained on 80% of the filled samples,
# the classifier kept 99.4% of its right answers on the other 20% at 0.5 (99.7% at 0.4, 98.6% at
# 0.6), so 0.5 costs in-domain phrasings little and leaves room for the fallback.
CONFIDENCE = 0.5
# Each sample with slots is written out this many times, with different values each time.
FILLINGS = 2
SEED = 0
# A few phrases the built-in slot types' grammars read, standing in for Amazon's own training.
BUILTIN_EXAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.TIME": ("seven a m", "eight thirty", "nine in the morning", "six p m", "noon",
                    "seven thirty p m", "ten o'clock", "half past eight", "eight fifteen"),
    "AMAZON.NUMBER": ("one", "two", "five", "ten", "twenty"),
    "AMAZON.DATE": ("today", "tomorrow", "monday", "next week", "june first"),
}
NLUS = ("resolver", "statistical")


class Understander(Protocol):
    """Anything that turns what a person said into the request Alexa would send."""

    def resolve(self, utterance: str, strict: bool = False) -> Resolved: ...


def normalise(text: str) -> str:
    """The words as both training and prediction see them (the resolver's own normalising)."""
    return " ".join(join_letters([w.form for w in words(text)]))


def training_set(model: dict[str, Any]) -> list[tuple[str, str]]:
    """(utterance, intent) pairs from the model's samples, slots filled; sorted, no repeats."""
    language = model["interactionModel"]["languageModel"]
    phrasings: dict[str, list[str]] = {}
    for slot_type in language.get("types", []):
        said: set[str] = set()
        for value in slot_type.get("values", []):
            said.update([value["name"]["value"], *value["name"].get("synonyms", [])])
        phrasings[slot_type["name"]] = sorted(said)
    pairs: set[tuple[str, str]] = set()
    for intent in sorted(language["intents"], key=lambda i: i["name"]):
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        turn: dict[str, int] = {}
        for text in intent.get("samples", []):
            names = re.findall(r"\{(\w+)\}", text)
            for _ in range(FILLINGS if names else 1):
                filled = text
                for name in names:
                    slot_type = types.get(name, "AMAZON.SearchQuery")
                    choices = (phrasings.get(slot_type) or BUILTIN_EXAMPLES.get(slot_type)
                               or ("something",))
                    at = turn.get(name, 0)
                    turn[name] = at + 1
                    filled = filled.replace("{" + name + "}", choices[at % len(choices)], 1)
                key = normalise(filled)
                if key:
                    pairs.add((key, intent["name"]))
    return sorted(pairs)


@dataclass
class Classifier:
    """The trained intent classifier (a scikit-learn pipeline) and what it was trained on."""

    pipeline: Any
    model_hash: str
    samples: int

    def predict(self, text: str) -> tuple[str, float]:
        """The most likely intent and its probability."""
        probabilities = self.pipeline.predict_proba([text])[0]
        best = int(probabilities.argmax())
        return str(self.pipeline.classes_[best]), float(probabilities[best])


def train(model: dict[str, Any], model_hash: str = "") -> Classifier:
    """Train the classifier on the model's samples alone; the same model gives the same one."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    pairs = training_set(model)
    if len({intent for _, intent in pairs}) < 2:
        raise ValueError("the model needs samples for at least two intents to train on")
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", token_pattern=r"[^ ]+", ngram_range=(1, 2),
                                  sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  min_df=2)),
    ])
    pipeline = Pipeline([
        ("features", features),
        ("classify", LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced",
                                        random_state=SEED)),
    ])
    pipeline.fit([text for text, _ in pairs], [intent for _, intent in pairs])
    for _, vectorizer in features.transformer_list:
        vectorizer.stop_words_ = None  # only for introspection; keeps the cache small
    return Classifier(pipeline, model_hash, len(pairs))


def _cache_path(model_hash: str) -> Path:
    import sklearn

    return CACHE_DIR / f"classifier-{model_hash[:16]}-r{RECIPE}-sk{sklearn.__version__}.pickle"


def load_classifier(path: Path) -> Classifier:
    """The classifier for a model file: from the cache when this exact file was trained on."""
    raw = path.read_bytes()
    model_hash = hashlib.sha256(raw).hexdigest()
    cached = _cache_path(model_hash)
    if cached.is_file():
        try:
            with cached.open("rb") as stream:
                classifier = pickle.load(stream)  # our own cache, written below
            if isinstance(classifier, Classifier) and classifier.model_hash == model_hash:
                return classifier
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or broken cache is trained again
    classifier = train(json.loads(raw), model_hash)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump(classifier, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cached)
    except OSError:
        pass  # a read-only checkout still works, only slower
    return classifier


class StatisticalNLU:
    """Resolves utterances with the classifier and slot values; the same answers as Resolver."""

    def __init__(self, resolver: Resolver, classifier: Classifier,
                 confidence: float = CONFIDENCE) -> None:
        self.resolver = resolver
        self.classifier = classifier
        self.confidence = confidence

    def resolve(self, utterance: str, strict: bool = False) -> Resolved:
        """The request Alexa would send for `utterance` (any text; never raises).

        `strict` is accepted for the same signature as Resolver.resolve and changes nothing.
        """
        rest, invoked, launch = self.resolver.heard(utterance)
        if launch:
            return Resolved(None, launch=True, invoked=True)
        text = " ".join(w.shown for w in rest)
        key = normalise(text)
        if not key or len(rest) > 60:
            return replace(self.resolver.fallback(text), invoked=invoked)
        intent, probability = self.classifier.predict(key)
        if probability < self.confidence:
            return replace(self.resolver.fallback(text), invoked=invoked,
                           confidence=probability)
        said = self._slot_words(intent, rest)
        return Resolved(intent, self.resolver.fill(intent, said), invoked=invoked, text=text,
                        confidence=probability)

    def _slot_words(self, intent: str, heard: list[Word]) -> dict[str, list[Word]]:
        """Each slot's words: the longest value or synonym heard, else a sample's capture."""
        said: dict[str, list[Word]] = {}
        taken: set[int] = set()
        for slot in self.resolver.intents.get(intent, []):
            span = self._find(slot.type, heard, taken)
            if span is not None:
                said[slot.name] = heard[span[0]:span[1]]
                taken.update(range(*span))
        missing = [s for s in self.resolver.intents.get(intent, []) if s.name not in said]
        if missing:
            literal = self.resolver.resolve(" ".join(w.shown for w in heard), strict=False)
            if literal.intent == intent and not literal.close:
                for slot in missing:
                    value = literal.slots.get(slot.name, {}).get("value")
                    if value:
                        said[slot.name] = words(value)
        return said

    def _find(self, slot_type: str, heard: list[Word], taken: set[int]
              ) -> tuple[int, int] | None:
        forms = [w.form for w in heard]
        values = self.resolver.types.get(slot_type)
        longest = values.longest if values is not None else 6
        for size in range(min(longest, len(forms)), 0, -1):
            for start in range(len(forms) - size + 1):
                if taken & set(range(start, start + size)):
                    continue
                span = forms[start:start + size]
                if values is not None:
                    if values.match(span):
                        return start, start + size
                elif slot_type in GRAMMARS and parse_builtin(
                        slot_type, span, self.resolver.today()) is not None:
                    return start, start + size
        return None


@cache
def load_statistical(locale: str = "en-US") -> StatisticalNLU:
    """The statistical stand-in for a locale, trained (or read from the cache) once a process."""
    resolver = load_resolver(locale)
    return StatisticalNLU(resolver, load_classifier(model_file(locale)))


def load_nlu(locale: str = "en-US", nlu: str = "resolver") -> Understander:
    """The way the simulator understands people: the resolver (default) or the statistical one."""
    if nlu == "resolver":
        return load_resolver(locale)
    if nlu == "statistical":
        try:
            import sklearn  # noqa: F401
        except ImportError as error:
            raise ValueError("--nlu statistical needs scikit-learn (the dev extra: "
                             "pip install -e '.[dev]')") from error
        return load_statistical(locale)
    raise ValueError(f"unknown NLU {nlu!r}; known: {', '.join(NLUS)}")
