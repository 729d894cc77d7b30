"""Writes interaction_models/<locale>.json from the model sources and the content.

One command (`make model`, or `python -m skill.build.model`) keeps the model in step with the
content: slot values, ids and synonyms come from content entries, sample utterances from
interaction_models/intents/*.yaml. `--check` exits 1 when a checked-in file is stale, and the
test suite runs the same comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from skill.build.model_checks import Origin, Report, check_model
from skill.build.slot_patterns import SlotPatterns
from skill.content import Content, ContentError, load_content

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "interaction_models"
INTENTS_DIR = MODELS_DIR / "intents"
SOURCE = MODELS_DIR / "model.yaml"
# Alexa refuses a custom skill model without these.
REQUIRED_INTENTS = ("AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
                    "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent")


class ModelError(ValueError):
    """An intent file or model.yaml is malformed; the message names the file (and line)."""


class ModelRefused(ModelError):
    """The model breaks a rule (skill/build/model_checks.py); `problems`: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(problems))
        self.problems = problems


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def _compose(path: Path) -> tuple[Any, Any]:
    """The file's data and its node tree (for line numbers); one-line errors, no traceback."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{_relative(path)}:{mark.line + 1}" if mark else _relative(path)
        raise ModelError(f"{where}: not valid YAML: {error.problem or error}") from None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as error:
        raise ModelError(f"{_relative(path)}: cannot be read: {error}") from None
    return data, node


def _load_yaml(path: Path) -> dict[str, Any]:
    data, _ = _compose(path)
    if not isinstance(data, dict):
        raise ModelError(f"{_relative(path)}: must be a mapping")
    return data


def _key_problem(where: str, present: set[str], required: set[str], allowed: set[str]
                 ) -> str | None:
    """A misspelt key names the misspelling and the key it should be; else unknown / missing."""
    from difflib import get_close_matches

    unknown = sorted(present - allowed)
    for key in unknown:
        guess = get_close_matches(str(key), sorted(allowed - present), n=1, cutoff=0.6)
        if guess:
            return f"{where}: unknown key '{key}' (did you mean '{guess[0]}'?)"
    if unknown:
        return f"{where}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})"
    missing = sorted(required - present)
    if missing:
        return f"{where}: missing key '{missing[0]}'"
    return None


def _key_line(node: Any, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if getattr(key_node, "value", None) == key:
                return key_node.start_mark.line + 1
    return None


MAX_EXPANSION = 200   # samples one written line may stand for; more is a mistake, not coverage
_GROUP = re.compile(r"\(([^()]*)\)")


def expand(sample: str) -> list[str]:
    """Every sample a written line stands for: "(what's|what is) (my |)twitch" is four.

    Alternatives in parentheses, separated by "|"; an empty alternative makes the group optional.
    People say the same question with and without filler ("my", "muscle", "can you tell me"), and
    a word-for-word matcher needs every form spelled out: the model carries them all, the source
    stays readable. Groups do not nest.
    """
    if sample.count("(") != sample.count(")") or "|" in _GROUP.sub("", sample):
        raise ValueError("unbalanced parentheses, or '|' outside a group")
    forms = [""]
    position = 0
    for group in _GROUP.finditer(sample):
        literal = sample[position:group.start()]
        forms = [form + literal + choice for form in forms for choice in group.group(1).split("|")]
        position = group.end()
        if len(forms) > MAX_EXPANSION:
            raise ValueError(f"stands for more than {MAX_EXPANSION} samples; split it")
    forms = [" ".join((form + sample[position:]).split()) for form in forms]
    if any("(" in form or ")" in form for form in forms):
        raise ValueError("nested parentheses")
    return [form for form in dict.fromkeys(forms) if form]


_INTENT_KEYS = {"name", "slots", "alternatives", "samples"}
_SLOT_KEYS = {"name", "type"}
_NAMED = re.compile(r"<(\w+)>")


def _named_alternatives(raw: Any, where: str) -> dict[str, str]:
    """`alternatives:` of an intent file: name -> a group, written once, used as <name> in lines.

    The same dozen ways of naming a person ("my husband", "my mum", "she" ...) recur in many
    lines; written once they stay consistent, and a line reads as the sentence it stands for.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
            isinstance(v, list) and v and all(isinstance(w, str) and "(" not in w and "|" not in w
                                               for w in v) for v in raw.values()):
        raise ModelError(f"{where}: 'alternatives' must map names to lists of plain words")
    return {str(name): "(" + "|".join(words) + ")" for name, words in raw.items()}


def _substitute(source: str, named: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) not in named:
            raise ValueError(f"<{match.group(1)}> is not under 'alternatives'")
        return named[match.group(1)]

    return _NAMED.sub(replace, source)


def read_intents(directory: Path = INTENTS_DIR
                 ) -> tuple[list[dict[str, Any]], dict[str, dict[str, Origin]]]:
    """Intent definitions in model order, and where each sample form was written.

    Custom intents by name, then AMAZON built-ins. The origins (intent -> form -> file and line)
    let every later check name the line a developer has to change.
    """
    intents = []
    origins: dict[str, dict[str, Origin]] = {}
    for path in sorted(directory.glob("*.yaml")):
        data, node = _compose(path)
        where = _relative(path)
        if not isinstance(data, dict):
            raise ModelError(f"{where}: must be a mapping")
        problem = _key_problem(where, set(data), {"name"}, _INTENT_KEYS)
        if problem:
            bad = next((k for k in data if k not in _INTENT_KEYS), None)
            line = _key_line(node, bad) if bad else None
            raise ModelError(problem.replace(where, f"{where}:{line}", 1) if line else problem)
        if data["name"] != path.stem:
            raise ModelError(f"{where}:{_key_line(node, 'name')}: name '{data['name']}' differs "
                             "from the file name")
        intent: dict[str, Any] = {"name": data["name"]}
        slots = data.get("slots") or []
        if not isinstance(slots, list):
            raise ModelError(f"{where}:{_key_line(node, 'slots')}: 'slots' must be a list")
        for slot in slots:
            problem = _key_problem(f"{where}:{_key_line(node, 'slots')}",
                                   set(slot) if isinstance(slot, dict) else set(),
                                   _SLOT_KEYS, _SLOT_KEYS)
            if problem:
                raise ModelError(problem)
        if slots:
            intent["slots"] = [{"name": s["name"], "type": s["type"]} for s in slots]
        samples: dict[str, None] = {}   # ordered, without repeats
        named = _named_alternatives(data.get("alternatives"), where)
        written = _sample_lines(node)
        forms: dict[str, Origin] = {}
        for index, source in enumerate(data.get("samples") or []):
            line = written[index] if index < len(written) else 0
            if not isinstance(source, str):   # YAML reads a bare yes / no / on as true / false
                raise ModelError(f"{where}:{line}: sample {source!r} is not text: quote it")
            try:
                expanded = expand(_substitute(source, named))
            except ValueError as error:
                raise ModelError(f"{where}:{line}: sample {source!r}: {error}") from None
            for form in expanded:
                forms.setdefault(form, Origin(where, line, str(source)))
            samples.update(dict.fromkeys(expanded))
        intent["samples"] = list(samples)
        intents.append(intent)
        origins[intent["name"]] = forms
    intents.sort(key=lambda i: (i["name"].startswith("AMAZON."), i["name"]))
    names = {intent["name"] for intent in intents}
    for required in REQUIRED_INTENTS:
        if required not in names:
            intents.append({"name": required, "samples": []})
    return intents, origins


def _sample_lines(node: Any) -> list[int]:
    """The line of each item under `samples:`, in order."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if getattr(key_node, "value", None) == "samples" and \
                    isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def load_intents(directory: Path = INTENTS_DIR) -> list[dict[str, Any]]:
    """Intent definitions in model order: custom intents by name, then AMAZON built-ins."""
    return read_intents(directory)[0]


def slot_types(content: Content, mapping: dict[str, str]) -> list[dict[str, Any]]:
    """Custom slot types, one value per content entry (or check answer): id, name, synonyms."""
    types = []
    for type_name, kind in mapping.items():
        try:
            vocabulary = content.vocabulary(kind)
        except KeyError:
            raise ModelError(f"model.yaml: slot type {type_name} names unknown kind '{kind}'"
                             ) from None
        values = []
        for entry in vocabulary:
            name: dict[str, Any] = {"value": entry.name}
            if entry.synonyms:
                name["synonyms"] = list(entry.synonyms)
            values.append({"id": entry.id, "name": name})
        types.append({"name": type_name, "values": values})
    return types


def word_types(raw: Any, where: str, numbered: Any = None) -> list[dict[str, Any]]:
    """Slot types of plain words no answer speaks (who a statement is about): one value per
    word, so one sample ("{Person} can't breathe") stands for every person, the way Alexa's
    own slot values multiply a sample, instead of a spelled-out line per person.

    A word may hold alternatives in parentheses, as a sample line does ("my face (is|went)
    numb" is two values). A type may instead be every word of another word type followed by
    each of a few parts (`{owner: WhoseType, parts: [arm, leg]}`: "my arm", "my dad's leg"
    ...): one noun phrase, so a sample never holds two slots side by side ("{Whose} {Part}"),
    which Alexa could not split reliably.

    The types `numbered` names get ids "<initial><n>" ("s12") instead of ids spelled from their
    words: hundreds of clauses with ids as long as the words cost tens of thousands of the
    1,000,000 characters Amazon allows a model, and the emergency handler only asks whether any
    value matched, so no id of theirs is ever read.
    """
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise ModelError(f"{where}: 'word_types' must map a slot type to a list of words")
    numbered = [] if numbered is None else numbered
    if not isinstance(numbered, list) or not all(name in raw for name in numbered):
        raise ModelError(f"{where}: 'numbered_ids' must list word types")
    plain = {name: words for name, words in raw.items() if not isinstance(words, dict)}
    if not all(isinstance(words, list) and words and all(isinstance(w, str) for w in words)
               for words in plain.values()):
        raise ModelError(f"{where}: 'word_types' must map a slot type to a list of words")
    for type_name, words in plain.items():
        try:
            plain[type_name] = [form for word in words for form in expand(word)]
        except ValueError as error:
            raise ModelError(f"{where}: word type {type_name}: {error}") from None
    types = []
    for type_name, spec in raw.items():
        words = _owned_parts(type_name, spec, plain, where) if isinstance(spec, dict) \
            else plain[type_name]
        twice = next((word for index, word in enumerate(words) if word in words[:index]), None)
        if twice is not None:
            raise ModelError(f"{where}: word type {type_name} lists a word twice ({twice!r})")
        ids = [f"{type_name[0].lower()}{n}" for n in range(1, len(words) + 1)] \
            if type_name in numbered else [_word_id(word) for word in words]
        types.append({"name": type_name,
                      "values": [{"id": id_, "name": {"value": word}}
                                 for id_, word in zip(ids, words, strict=True)]})
    return types


def _owned_parts(type_name: str, spec: dict[str, Any], plain: dict[str, list[str]],
                 where: str) -> list[str]:
    """"my arm", "my dad's left leg" ...: every word of the owner type before every part."""
    owner, parts = spec.get("owner"), spec.get("parts")
    if set(spec) != {"owner", "parts"} or owner not in plain or not isinstance(parts, list) \
            or not parts or not all(isinstance(part, str) and part for part in parts):
        raise ModelError(f"{where}: word type {type_name} must be a list of words, or "
                         "'owner' (another word type) and 'parts' (a list of words)")
    return [f"{word} {part}" for word in plain[owner] for part in parts]


def _word_id(word: str) -> str:
    """An entity id Alexa can return for a word ("my dad's" -> "my_dads"), as for content ids."""
    return re.sub(r"[^a-z0-9]+", "_", word.replace("'", "")).strip("_")


def without_spelled_out(intents: list[dict[str, Any]], types: list[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
    """The intents without a sample that one of its intent's slotted samples already says.

    "i'm having trouble breathing" adds nothing beside "i'm having {Sign}" when "trouble
    breathing" is a Sign value: Alexa (and any word-for-word matcher) hears it through the slot.
    Both forms often come out of one written line; dropping the spelled-out copy keeps the model
    under Amazon's size limit for phrasings that are new. Only a value itself counts, never a
    synonym, so a matcher that reads values alone loses nothing. Slot values differ by locale, so
    each locale gets its own list.
    """
    values = {slot_type["name"]: {value["name"]["value"] for value in slot_type["values"]}
              for slot_type in types}
    kept = []
    for intent in intents:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        patterns: SlotPatterns[None] = SlotPatterns(values)
        for sample in intent.get("samples", []):
            patterns.add(sample, slot_types, None)
        if not patterns:
            kept.append(intent)
            continue
        samples = [sample for sample in intent["samples"]
                   if "{" in sample or not patterns.says(sample)]
        kept.append({**intent, "samples": samples})
    return kept


_SOURCE_KEYS = {"invocation_name", "locales", "slot_types", "word_types", "numbered_ids",
                "same_subject", "dialog", "prompts"}


def compose_models(content: Content | None = None, intents_dir: Path | None = None,
                   source_path: Path | None = None
                   ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Origin]],
                              dict[str, str], list[list[str]]]:
    """Every locale's model as Alexa takes it, unchecked; with where samples and values come
    from, and the entry groups model.yaml declares one subject (`same_subject`)."""
    content = content or load_content()
    source_path = source_path or SOURCE
    source = _load_yaml(source_path)
    problem = _key_problem(_relative(source_path), set(source),
                           {"invocation_name", "locales"}, _SOURCE_KEYS)
    if problem:
        raise ModelError(problem)
    mapping = source.get("slot_types") or {}
    intents, origins = read_intents(intents_dir or INTENTS_DIR)
    value_sources = {}
    for type_name, kind in mapping.items():
        if kind in content.kinds:
            value_sources[type_name] = f"content/{content.kinds[kind].source}"
        elif content.check is not None and kind == content.check.answer_kind:
            value_sources[type_name] = f"content/{content.check.source}"
    words = word_types(source.get("word_types"), _relative(source_path),
                       source.get("numbered_ids"))
    for word_type in words:
        if word_type["name"] in mapping:
            raise ModelError(f"{_relative(source_path)}: {word_type['name']} is both a slot "
                             f"type and a word type")
        value_sources[word_type["name"]] = _relative(source_path)
    groups = source.get("same_subject") or []
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise ModelError(f"{_relative(source_path)}: 'same_subject' must be a list of id lists")
    models = {}
    pruned: dict[str, list[dict[str, Any]]] = {}   # locales with the same words share the work
    for locale in source["locales"]:
        # Samples are shared; slot values carry each locale's own words (content `locales:`).
        types = slot_types(content.for_locale(locale), mapping) + words
        vocabulary = json.dumps(types)
        if vocabulary not in pruned:
            pruned[vocabulary] = without_spelled_out(intents, types)
        language_model = {
            "invocationName": source["invocation_name"],
            "intents": pruned[vocabulary],
            "types": types,
        }
        model: dict[str, Any] = {"languageModel": language_model}
        for key in ("dialog", "prompts"):
            if source.get(key):
                model[key] = source[key]
        models[locale] = {"interactionModel": model}
    return models, origins, value_sources, groups


def check_models(content: Content | None = None, intents_dir: Path | None = None,
                 source_path: Path | None = None) -> tuple[dict[str, dict[str, Any]],
                                                      dict[str, Report]]:
    """The models and, per locale, what the rules of skill/build/model_checks.py find in them."""
    models, origins, value_sources, groups = compose_models(content, intents_dir, source_path)
    inputs = _inputs(origins, value_sources, groups)   # shared by every locale: made once
    reports: dict[str, Report] = {}
    for locale, model in models.items():
        reports[locale] = _checked(model, inputs, origins, value_sources, groups)
    return models, reports


# Reports already made in this process, by everything a report depends on. Checking one model
# takes minutes (every filled-in form of some 25,000 samples against every other), and a test
# run, `make skill-package` after `make model` or a build per locale asks again about models that
# have not changed: byte-identical locales, or the same sources read twice.
_REPORTS: dict[tuple[str, ...], Report] = {}
_REPORTS_KEPT = 4


def _inputs(origins: dict[str, dict[str, Origin]], value_sources: dict[str, str],
            groups: list[list[str]]) -> tuple[str, ...]:
    """Everything besides the model itself that a report depends on, exactly: where each sample
    was written (`origins`, for the file:line in a message), the entry groups, and the text of
    the files the slot values come from (a message names their line)."""
    texts = []
    for source in sorted(set(value_sources.values())):
        try:
            texts.append((ROOT / source).read_text(encoding="utf-8"))
        except OSError:
            texts.append("")
    return (repr(origins), repr(sorted(value_sources.items())), repr(groups), *texts)


def _checked(model: dict[str, Any], inputs: tuple[str, ...],
             origins: dict[str, dict[str, Origin]], value_sources: dict[str, str],
             groups: list[list[str]]) -> Report:
    """check_model's report on this model, made once per process for the same model and
    `inputs` (from `_inputs`), so a changed sample, line, group or value file is checked afresh.
    """
    key = (render(model), *inputs)
    report = _REPORTS.get(key)
    if report is None:
        if len(_REPORTS) >= _REPORTS_KEPT:
            _REPORTS.clear()
        report = _REPORTS[key] = check_model(model["interactionModel"]["languageModel"],
                                             origins, value_sources, groups,
                                             _locator(value_sources))
    return report


def _locator(value_sources: dict[str, str]) -> Any:
    """'content/<file>:<line>' of a slot value: the first line naming the phrase after its entry's
    id (a synonym list may wrap), else the file alone."""
    def locate(type_name: str, entry: str, phrase: str) -> str:
        source = value_sources.get(type_name, type_name)
        try:
            lines = (ROOT / source).read_text(encoding="utf-8").splitlines()
        except OSError:
            return source
        start = next((n for n, line in enumerate(lines)
                      if re.search(rf"\bid:\s*[\"']?{re.escape(entry)}[\"']?\s*$", line)), 0)
        # the phrase as a whole item: after "name:", "[" or ",", before "," or "]" or the end
        pattern = re.compile(rf"(?:^|[\[,:])\s*[\"']?{re.escape(phrase)}[\"']?\s*(?:[,\]]|$)",
                             re.IGNORECASE)
        for number in range(start, len(lines)):
            if pattern.search(lines[number]):
                return f"{source}:{number + 1}"
        return source

    return locate


def build_models(content: Content | None = None, intents_dir: Path | None = None,
                 source_path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every locale's interaction model, as the JSON Alexa takes; ModelRefused when it breaks a
    rule, with one line per problem (a locale named only when its models differ)."""
    models, reports = check_models(content, intents_dir, source_path)
    problems: list[str] = []
    distinct = {id(report) for report in reports.values()}
    for locale, report in reports.items():
        for line in report.lines():
            line = line if len(distinct) == 1 else f"[{locale}] {line}"
            if line not in problems:
                problems.append(line)
    for locale, model in models.items():
        size = len(minified(model))
        if size > MAX_MODEL_CHARACTERS:
            problems.append(f"interaction_models/{locale}.json: {size:,} characters once minified; "
                            f"Amazon's model API refuses more than {MAX_MODEL_CHARACTERS:,}")
    if problems:
        raise ModelRefused(problems)
    return models


# SMAPI's limit on an interaction model's definition, as its error reads ("modelDefinition ...
# Member must have length less than or equal to 1000000"): the templates multiply fast.
MAX_MODEL_CHARACTERS = 1_000_000


def minified(model: dict[str, Any]) -> str:
    """The model as the skill package sends it: no whitespace between tokens."""
    return json.dumps(model, separators=(",", ":"), ensure_ascii=False)


def render(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_path(locale: str) -> Path:
    return MODELS_DIR / f"{locale}.json"


def stale_models(models: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Locales whose checked-in JSON differs from what this command would write."""
    models = models or build_models()
    stale = []
    for locale, model in models.items():
        path = model_path(locale)
        if not path.is_file() or path.read_text(encoding="utf-8") != render(model):
            stale.append(locale)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a model is stale")
    parser.add_argument("--report", action="store_true",
                        help="count samples and problems per locale; write nothing")
    args = parser.parse_args(argv)
    try:
        if args.report:
            return _report()
        models = build_models()
    except ModelRefused as refused:
        for line in refused.problems:
            print(line, file=sys.stderr)
        print(f"make model: refused, {len(refused.problems)} problem(s); nothing written",
              file=sys.stderr)
        return 1
    except (ModelError, ContentError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        stale = stale_models(models)
        for locale in stale:
            print(f"{model_path(locale).relative_to(ROOT)} is stale: run `make model`")
        return 1 if stale else 0
    for locale, model in models.items():
        model_path(locale).write_text(render(model), encoding="utf-8")
        print(f"wrote {model_path(locale).relative_to(ROOT)}")
    return 0


def _report() -> int:
    """Per locale: samples, and how many problems of each rule (the figures for a README)."""
    from skill.build.model_checks import RULES

    _, reports = check_models()
    print("locale  samples  " + "  ".join(RULES) + "  (conflicting utterances)")
    for locale, report in reports.items():
        print(f"{locale:7} {report.samples:8} " + "  ".join(
            f"{report.count(rule):>{len(rule)}}" for rule in RULES)
            + f"  ({report.conflicting_utterances})")
    first = next(iter(reports.values()), None)
    for line in first.lines() if first else []:
        print(line)
    return 1 if any(reports.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
