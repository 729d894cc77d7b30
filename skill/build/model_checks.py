"""The rules a generated interaction model must keep before `make model` writes it.

Alexa's console and its utterance-conflict report flag these, but only after a developer has
uploaded the model; a word-for-word or statistical NLU trained on the samples is misled by them
long before that. So the model command checks every rule on what it is about to write and refuses
with one line per problem, naming the source file and line:

- a sample naming a slot its intent does not declare (`{Bodypart}`), or a slot of an unknown type;
- an utterance that means two intents once its slots are filled with their values and synonyms,
  across the custom intents and against the built-in intents' own phrases ("yes", "stop" ...);
- a slot value (or synonym) shared by two slot types, unless both are the same content entry;
- disfluency fillers ("um", "uh" ...): the recogniser drops them, so such a sample only
  duplicates another one and teaches a classifier that "um" means something;
- the wake word or the skill's invocation name in a sample (Alexa strips both before the model
  sees the words; certification refuses them);
- ungrammatical template forms, found by a small lint (see `grammar_problems`);
- two samples one word apart ("my", "the" ...) that mean different intents: "is twitching
  serious" and "is my twitching serious" are one question, and must get one answer;
- a slot value (or synonym) longer than the simulator's slot span (`MAX_SLOT_WORDS`). Alexa
  documents no word limit for a value, but the offline resolver and every word-for-word figure
  stop there, so a longer value would be counted as heard when nothing here can hear it (and a
  spelled-out sample it stood for would be dropped from the model).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from skill.build.slot_patterns import SlotPatterns

# Words the speech recogniser drops: a sample carrying one is heard without it.
FILLERS = frozenset({"um", "umm", "uh", "uhh", "uhm", "hmm", "hm", "er", "erm", "ah", "mm"})
# Words that wake an Echo; none may appear in a sample (certification rule).
WAKE_WORDS = frozenset({"alexa", "amazon", "echo", "computer", "ziggy"})
# What Alexa's built-in intents understand before a model adds anything (their core phrases).
# The simulator's resolver uses the same table, so both agree on what "yes" or "stop" means.
from skill.simulator.builtins import BUILTIN_INTENT_PHRASES  # noqa: E402
from skill.simulator.resolver import MAX_SLOT_WORDS  # noqa: E402

_SLOT = re.compile(r"\{(\w+)\}")
_MAX_SHOWN = 3   # example utterances named per conflict line


@dataclass(frozen=True)
class Origin:
    """Where a sample form was written: the intent file and the line of its template."""

    file: str
    line: int
    template: str

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Report:
    """Problems found in one model, grouped by rule, each a one-line message."""

    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    samples: int = 0
    conflicting_utterances: int = 0   # the conflict lines group these by pair of source lines

    def add(self, rule: str, message: str) -> None:
        self.problems[rule].append(message)

    def count(self, rule: str) -> int:
        return len(self.problems.get(rule, []))

    def lines(self) -> list[str]:
        return [line for rule in sorted(self.problems) for line in self.problems[rule]]

    def __bool__(self) -> bool:
        return any(self.problems.values())


RULES = ("slot", "conflict", "shared-value", "filler", "wake-word", "grammar", "one-word-apart",
         "value-length")


def check_model(language_model: Mapping[str, Any], origins: Mapping[str, Mapping[str, Origin]],
                value_sources: Mapping[str, str] | None = None,
                same_subject: Iterable[Iterable[str]] = (),
                locate: Callable[[str, str, str], str] | None = None) -> Report:
    """Every rule above over one locale's language model; an empty Report when it is clean.

    `origins` maps intent -> sample form -> where it was written; `value_sources` maps a slot
    type to the content file its values come from (for the shared-value message);
    `same_subject` lists groups of entry ids that are one subject seen from two sides;
    `locate(slot type, entry id, phrase)` says where a slot value is written ("file:line").
    """
    report = Report()
    intents = language_model["intents"]
    types = {t["name"]: t for t in language_model.get("types", [])}
    report.samples = sum(len(intent.get("samples", [])) for intent in intents)
    invocation = language_model.get("invocationName", "").split()

    def where(intent: str, sample: str) -> str:
        origin = origins.get(intent, {}).get(sample)
        return origin.where() if origin else f"intent {intent}"

    sources = value_sources or {}
    locate = locate or (lambda type_name, _e, _p: sources.get(type_name, type_name))
    for type_name, slot_type in types.items():
        for phrase, entry in _phrases(slot_type):
            if len(phrase.split()) > MAX_SLOT_WORDS:
                report.add("value-length", f"{locate(type_name, entry, phrase)}: {type_name} "
                                           f"value {phrase!r} is longer than {MAX_SLOT_WORDS} "
                                           "words (the simulator's slot span)")
    for intent in intents:
        name = intent["name"]
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for slot, slot_type in declared.items():
            if not slot_type.startswith("AMAZON.") and slot_type not in types:
                report.add("slot", f"intent {name}: slot {{{slot}}} has unknown type "
                                   f"{slot_type}")
        for sample in intent.get("samples", []):
            words = sample.split()
            for slot in _SLOT.findall(sample):
                if slot not in declared:
                    hint = _closest(slot, declared)
                    report.add("slot", f"{where(name, sample)}: {{{slot}}} is not a slot of "
                                       f"{name}{hint}: {sample!r}")
            fillers = sorted(FILLERS & set(words))
            if fillers:
                report.add("filler", f"{where(name, sample)}: filler {', '.join(fillers)} "
                                     f"(the recogniser drops it): {sample!r}")
            wake = sorted(WAKE_WORDS & set(words))
            if wake:
                report.add("wake-word", f"{where(name, sample)}: wake word {', '.join(wake)}: "
                                        f"{sample!r}")
            if invocation and _contains(words, invocation):
                report.add("wake-word", f"{where(name, sample)}: the invocation name "
                                        f"'{' '.join(invocation)}': {sample!r}")
            for problem in grammar_problems(words):
                report.add("grammar", f"{where(name, sample)}: {problem}: {sample!r}")
    _check_conflicts(intents, types, where, report)
    _check_one_word_apart(intents, where, report)
    _check_shared_values(types, locate, [set(g) for g in same_subject], report)
    return report


def _closest(slot: str, declared: Iterable[str]) -> str:
    from difflib import get_close_matches

    match = get_close_matches(slot, list(declared), n=1, cutoff=0.6) or [
        d for d in declared if d.lower() == slot.lower()]
    return f" (did you mean {{{match[0]}}}?)" if match else ""


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


# --- conflicts --------------------------------------------------------------------------------

def _phrases(slot_type: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(spoken phrase, entry id) for every value and synonym of a custom slot type."""
    phrases = []
    for value in slot_type.get("values", []):
        name = value["name"]
        entry = value.get("id") or name["value"]
        for phrase in (name["value"], *name.get("synonyms", [])):
            phrases.append((" ".join(phrase.lower().split()), entry))
    return phrases


def filled_forms(sample: str, slots: Mapping[str, str],
                 types: Mapping[str, Mapping[str, Any]]) -> Iterable[tuple[str, str]]:
    """(utterance, how it was filled) for every way a sample's custom slots take their values.

    A built-in slot type (AMAZON.TIME) stays as its `{Slot}` token: its grammar is Alexa's, and
    two samples with the same token in the same place are the same utterance anyway.
    """
    names = [s for s in _SLOT.findall(sample) if s in slots and slots[s] in types]
    if not names:
        yield sample, ""
        return
    choices = [_phrases(types[slots[s]]) for s in names]
    for combination in product(*choices):
        text = sample
        for slot, (phrase, _) in zip(names, combination, strict=True):
            text = text.replace("{" + slot + "}", phrase, 1)
        yield " ".join(text.split()), ", ".join(
            f"{slot}={phrase}" for slot, (phrase, _) in zip(names, combination, strict=True))


# A sample standing for more filled-in forms than this is read as a pattern, not listed:
# "{SignClause} and {OtherSignClause}" alone would be ninety thousand strings to hold and compare.
_LISTED_FORMS = 2_000


def _form_count(sample: str, slots: Mapping[str, str], phrases: Mapping[str, int]) -> int:
    """How many utterances a sample stands for, given each slot type's number of phrases."""
    count = 1
    for slot in _SLOT.findall(sample):
        if slot in slots and slots[slot] in phrases:
            count *= max(1, phrases[slots[slot]])
    return count


def _check_conflicts(intents: list[Mapping[str, Any]], types: Mapping[str, Mapping[str, Any]],
                     where: Any, report: Report) -> None:
    """An utterance two intents claim: one line per pair of source lines, with examples.

    Every sample's filled-in forms are listed and compared, except the few that stand for
    thousands: those are read as patterns against every listed form of the other intents. When
    such samples come from two intents, only the intent with the most of them keeps its as
    patterns, so each pair of intents is still compared in full.
    """
    owner: dict[str, tuple[str, str, str]] = {}   # utterance -> (intent, sample, filling)
    pairs: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)

    def claim(utterance: str, name: str, sample: str, filling: str,
              first: tuple[str, str, str]) -> None:
        here = where(name, sample)
        there = "Alexa's built-in phrases" if first[2] == "built-in" else where(first[0], first[1])
        shown = f"{utterance!r}" + (f" ({filling})" if filling else "")
        pairs[(here, there, name, first[0])].append(shown)

    for intent, phrases in BUILTIN_INTENT_PHRASES.items():
        for phrase in phrases:
            owner.setdefault(phrase, (intent, phrase, "built-in"))
    phrases = {name: {phrase for phrase, _ in _phrases(slot_type)}
               for name, slot_type in types.items()}
    counts = {name: len(said) for name, said in phrases.items()}
    large: dict[str, set[str]] = defaultdict(set)   # intent -> its samples too many to list
    for intent in intents:
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            if _form_count(sample, slots, counts) > _LISTED_FORMS:
                large[intent["name"]].add(sample)
    read_as_pattern = max(large, key=lambda name: len(large[name])) if large else None
    patterns: SlotPatterns[str] = SlotPatterns(phrases)
    for intent in intents:
        name = intent["name"]
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            if name == read_as_pattern and sample in large[name] \
                    and patterns.add(sample, slots, name):
                continue
            for utterance, filling in filled_forms(sample, slots, types):
                first = owner.setdefault(utterance, (name, sample, filling))
                if first[0] != name:
                    claim(utterance, name, sample, filling, first)
    if patterns:
        for utterance, first in owner.items():
            if first[0] == read_as_pattern:
                continue
            for name, sample in patterns.owners(utterance):
                claim(utterance, name, sample, "", first)
    report.conflicting_utterances = len({e for examples in pairs.values() for e in examples})
    for (here, there, intent, first_intent), examples in sorted(pairs.items()):
        more = f" and {len(examples) - _MAX_SHOWN} more" if len(examples) > _MAX_SHOWN else ""
        report.add("conflict", f"{here}: {', '.join(examples[:_MAX_SHOWN])}{more} means "
                               f"{intent} and {first_intent} ({there})")


# Words whose presence does not change what is asked ("is (my) twitching serious").
_LIGHT = frozenset({"my", "the", "your", "these", "this"})


def _check_one_word_apart(intents: list[Mapping[str, Any]], where: Any, report: Report) -> None:
    """Samples that differ by one light word only, owned by two intents."""
    owner: dict[str, str] = {}
    for intent in intents:
        for sample in intent.get("samples", []):
            owner.setdefault(sample, intent["name"])
    for sample, intent in owner.items():
        words = sample.split()
        for index, word in enumerate(words):
            if word not in _LIGHT:
                continue
            shorter = " ".join(words[:index] + words[index + 1:])
            other = owner.get(shorter)
            if other is not None and other != intent:
                report.add("one-word-apart", f"{where(intent, sample)}: {sample!r} means "
                                             f"{intent}, but {shorter!r} ({where(other, shorter)})"
                                             f" means {other}")


def _check_shared_values(types: Mapping[str, Mapping[str, Any]],
                         locate: Callable[[str, str, str], str], groups: list[set[str]],
                         report: Report) -> None:
    """A phrase that is a value of two slot types is ambiguous unless both are one subject."""
    ids = {entry for slot_type in types.values() for _, entry in _phrases(slot_type)}
    for group in groups:
        for unknown in sorted(group - ids):
            report.add("shared-value", f"model.yaml: same_subject names '{unknown}', which is "
                                       "no slot value's id")
    seen: dict[str, tuple[str, str]] = {}
    for type_name, slot_type in types.items():
        for phrase, entry in _phrases(slot_type):
            first = seen.setdefault(phrase, (type_name, entry))
            same = first[1] == entry or any({entry, first[1]} <= g for g in groups)
            if first[0] != type_name and not same:
                source = locate(type_name, entry, phrase)
                report.add("shared-value", f"{source}: '{phrase}' is a value of {type_name} "
                                           f"(entry {entry}) and of {first[0]} "
                                           f"(entry {first[1]})")


# --- grammar ----------------------------------------------------------------------------------

# Singular subjects that never take "are"/"were", and plural ones that never take "is"/"was".
_SINGULAR = frozenset({
    "it", "he", "she", "speech", "voice", "twitching", "twitch", "muscle", "face", "arm", "leg",
    "hand", "foot", "eye", "eyelid", "body", "side", "mouth", "chest", "breathing", "numbness",
    "weakness", "pain", "calf", "thumb", "finger", "lip", "cheek", "back", "neck", "shoulder",
    "tongue", "head", "husband", "wife", "mum", "mom", "dad", "son", "daughter", "friend",
    "brother", "sister", "baby", "child", "partner", "father", "mother",
})
_PLURAL = frozenset({
    "twitches", "muscles", "words", "arms", "legs", "hands", "feet", "eyes", "eyelids", "lips",
    "calves", "fingers", "thumbs", "toes", "spasms", "cramps", "symptoms", "fasciculations",
    "they", "we", "you", "i", "cheeks", "shoulders", "signs",
})
_SINGULAR_VERBS = frozenset({"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't"})
_PLURAL_VERBS = frozenset({"are", "were", "aren't", "weren't"})
# Words after which a noun is not the subject of the next verb ("why are my arms ...").
_NOT_SUBJECT_BEFORE = frozenset({"of", "in", "on", "with", "about", "for", "from", "to"})
_PLURAL_NOUN = re.compile(r"^[a-z]{3,}(?:es|s)$")
_NOT_PLURAL = frozenset({
    "this", "its", "is", "was", "has", "does", "less", "stress", "numbness", "weakness",
    "illness", "sickness", "always", "als", "bfs", "ms", "mnd", "yes", "bus", "gas", "lots",
    "news", "series", "means", "sometimes", "perhaps", "tetanus", "plus", "nervous",
    "various", "serious", "across", "unless", "us", "thus", "mumps", "dizziness", "tiredness",
    "fitness", "consciousness", "diagnosis", "sclerosis", "spasticity", "fasciculation",
    "anxious", "previous", "process", "status", "virus", "focus", "abs", "biceps", "triceps",
    "glutes", "lats", "quads", "hamstrings", "pecs", "electrolytes", "dos", "hers",
    "his", "yours", "ours", "theirs", "whereas", "ones", "afterwards", "towards", "besides",
})
_VOWEL_SOUND_EXCEPTIONS = frozenset({"one", "once", "useful", "usual", "usually", "unit",
                                     "university", "uniform", "european", "user", "eu", "u"})
_CONSONANT_SOUND_EXCEPTIONS = frozenset({"hour", "hours", "honest", "honestly", "herb", "mri",
                                         "emg", "ms", "mnd", "als", "ecg", "ekg", "x", "mrs"})
# Digits are said one by one ("nine one one", "nine nine nine"): a repeat is no mistake.
_NUMBERS = frozenset({"zero", "oh", "one", "two", "three", "four", "five", "six", "seven",
                      "eight", "nine"})
# Pairs of words that are never right next to each other in English.
_BAD_PAIRS = {("mean", "of"): "'mean of'", ("a", "a"): "doubled word"}


def grammar_problems(words: list[str]) -> list[str]:
    """What a small lint finds wrong in one sample form (as spoken words, `{Slot}` kept).

    It knows little English on purpose: only the mistakes a template line makes when its
    alternatives are combined without thought. Subject-verb agreement ("my speech are"),
    "a"/"an" before a plural or the wrong sound, a doubled word, a contraction split off
    ("i 've"). A false alarm is fixed by rewording the template, never by silencing the lint.
    """
    problems = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else None
        before = words[index - 1] if index else None
        if word.startswith("'") or word in {"n't", "s"}:
            problems.append(f"a contraction split off ({before} {word})")
        if following is None:
            continue
        if following == word and not word.startswith("{") and word not in _NUMBERS:
            problems.append(f"doubled word '{word} {word}'")
        if (word, following) in _BAD_PAIRS and following != word:
            problems.append(f"{_BAD_PAIRS[(word, following)]}")
        if word in ("a", "an") and not following.startswith("{"):
            if _is_plural(following):
                problems.append(f"'{word}' before the plural '{following}'")
            elif word == "a" and _vowel_sound(following):
                problems.append(f"'a {following}' (an)")
            elif word == "an" and not _vowel_sound(following) and following[0] not in "u":
                problems.append(f"'an {following}' (a)")
        if before in _NOT_SUBJECT_BEFORE:
            continue
        if word in _SINGULAR and following in _PLURAL_VERBS:
            problems.append(f"'{word} {following}' (singular subject, plural verb)")
        if word in _PLURAL and following in _SINGULAR_VERBS and word != "you" \
                and not (word == "i" and following in ("was", "wasn't")):
            problems.append(f"'{word} {following}' (plural subject, singular verb)")
        if word in _PLURAL - {"i", "you", "we", "they"} and following in _VERB_S and \
                before in ("my", "the", "these", "your", "those", "all"):
            problems.append(f"'{word} {following}' (plural subject, singular verb)")
    problems.extend(_question_problems(words))
    return problems


# Present-tense verbs with the singular -s, which a plural subject never takes.
_VERB_S = frozenset({"twitches", "keeps", "starts", "gets", "hurts", "feels", "stops", "means",
                     "jumps", "spasms", "flickers", "shakes", "moves", "happens", "goes"})
_QUESTION_SINGULAR = frozenset({"is", "was", "does", "has", "isn't", "doesn't", "hasn't"})
_QUESTION_ANY = _QUESTION_SINGULAR | {"are", "were", "do", "did", "aren't", "don't"}
_DETERMINER = frozenset({"my", "the", "these", "those", "your", "this", "that", "all", "his",
                         "her", "their"})
_BASE_VERBS = frozenset({"work", "mean", "happen", "cause", "start", "stop", "matter", "help",
                         "last", "come", "feel", "look", "go", "twitch"})
_PREPOSITIONS = frozenset({"in", "on", "at", "of", "for", "with", "from", "all", "everywhere"})


def _question_problems(words: list[str]) -> list[str]:
    """Agreement in questions: "does my twitches", "is my twitches be", "how do it work"."""
    problems = []
    for index, word in enumerate(words):
        rest = words[index + 1:index + 4]
        if word in _QUESTION_SINGULAR and rest:
            noun = rest[1] if rest[0] in _DETERMINER and len(rest) > 1 else rest[0]
            if noun in _PLURAL - {"i", "you", "we", "they"} or (
                    noun != rest[0] and _is_plural(noun) and noun not in _VERB_S):
                problems.append(f"'{word} ... {noun}' (singular verb, plural subject)")
        if word in _QUESTION_ANY and "be" in rest:
            between = rest[:rest.index("be")]
            if between and not {"to", "can", "could", "will", "would", "should", "might",
                                "must", "it"} & set(between):
                problems.append(f"'{word} ... be' (two verbs)")
        if word in ("do", "don't") and rest[:1] and rest[0] in ("it", "he", "she", "this") \
                and rest[1:2] and rest[1] in _BASE_VERBS:
            problems.append(f"'{word} {rest[0]} {rest[1]}' (does)")
        if word == "a" and rest[:1] == ["twitching"] and (len(rest) == 1 or rest[1] in
                                                          _PREPOSITIONS):
            problems.append("'a twitching' (a twitch)")
    return problems


def _is_plural(word: str) -> bool:
    return word in _PLURAL or (bool(_PLURAL_NOUN.match(word)) and word not in _NOT_PLURAL
                               and not word.endswith(("ss", "us", "is", "ous")))


def _vowel_sound(word: str) -> bool:
    """Whether a word starts with a vowel sound ("an hour", "an m. r. i.", "a usual")."""
    if word.endswith(".") and len(word) == 2:   # a spelled letter: "an a. l. s.", "a b. f. s."
        return word[0] in "aefhilmnorsx"
    if word in _VOWEL_SOUND_EXCEPTIONS:
        return False
    return word in _CONSONANT_SOUND_EXCEPTIONS or word[0] in "aeiou"
