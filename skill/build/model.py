"""Writes interaction_models/<locale>.json from the model sources and the content.

One command (`make model`, or `python -m skill.build.model`) keeps the model in step with the content:
slot values, ids and synonyms come from content entries, sample utterances from
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

from skill.content import Content, load_content

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "interaction_models"
INTENTS_DIR = MODELS_DIR / "intents"
SOURCE = MODELS_DIR / "model.yaml"
# Alexa refuses a custom skill model without these.
REQUIRED_INTENTS = ("AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
                    "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent")


class ModelError(ValueError):
    """An intent file or model.yaml is malformed; the message names the file."""


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ModelError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ModelError(f"{path.name}: must be a mapping")
    return data


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


def load_intents(directory: Path = INTENTS_DIR) -> list[dict[str, Any]]:
    """Intent definitions in model order: custom intents by name, then AMAZON built-ins."""
    intents = []
    for path in sorted(directory.glob("*.yaml")):
        data = _load_yaml(path)
        unknown = set(data) - {"name", "slots", "samples"}
        if unknown or "name" not in data:
            raise ModelError(f"{path.name}: needs 'name'; unknown keys {sorted(unknown)}")
        if data["name"] != path.stem:
            raise ModelError(f"{path.name}: name '{data['name']}' differs from the file name")
        intent: dict[str, Any] = {"name": data["name"]}
        slots = data.get("slots") or []
        if slots:
            intent["slots"] = [{"name": s["name"], "type": s["type"]} for s in slots]
        samples: dict[str, None] = {}   # ordered, without repeats
        for source in data.get("samples") or []:
            try:
                samples.update(dict.fromkeys(expand(str(source))))
            except ValueError as error:
                raise ModelError(f"{path.name}: sample {source!r}: {error}") from error
        intent["samples"] = list(samples)
        intents.append(intent)
    intents.sort(key=lambda i: (i["name"].startswith("AMAZON."), i["name"]))
    names = {intent["name"] for intent in intents}
    for required in REQUIRED_INTENTS:
        if required not in names:
            intents.append({"name": required, "samples": []})
    return intents


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


def build_models(content: Content | None = None) -> dict[str, dict[str, Any]]:
    """Every locale's interaction model, as the JSON Alexa takes."""
    content = content or load_content()
    source = _load_yaml(SOURCE)
    intents = load_intents()
    models = {}
    for locale in source["locales"]:
        # Samples are shared; slot values carry each locale's own words (content `locales:`).
        language_model = {
            "invocationName": source["invocation_name"],
            "intents": intents,
            "types": slot_types(content.for_locale(locale), source.get("slot_types") or {}),
        }
        model: dict[str, Any] = {"languageModel": language_model}
        for key in ("dialog", "prompts"):
            if source.get(key):
                model[key] = source[key]
        models[locale] = {"interactionModel": model}
    return models


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
    args = parser.parse_args(argv)
    models = build_models()
    if args.check:
        stale = stale_models(models)
        for locale in stale:
            print(f"{model_path(locale).relative_to(ROOT)} is stale: run `make model`")
        return 1 if stale else 0
    for locale, model in models.items():
        model_path(locale).write_text(render(model), encoding="utf-8")
        print(f"wrote {model_path(locale).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
