"""The interaction model: in step with the content, and by the rules the Alexa console enforces."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from skill.build.model import MODELS_DIR, REQUIRED_INTENTS, build_models, render, stale_models

MODELS = build_models()
LANGUAGE_MODEL = MODELS["en-US"]["interactionModel"]["languageModel"]
INTENTS = LANGUAGE_MODEL["intents"]
SAMPLE = re.compile(r"^(?:[a-z']+|[a-z]\.|\{[A-Za-z]+\})(?: (?:[a-z']+|[a-z]\.|\{[A-Za-z]+\}))*$")
NO_SAMPLES_NEEDED = {"AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"}


def test_checked_in_models_are_what_make_model_writes():
    assert stale_models(MODELS) == [], "run `make model` and commit the result"


@pytest.mark.parametrize("locale", sorted(MODELS))
def test_every_locale_has_a_model_file_alexa_can_read(locale):
    data = json.loads((MODELS_DIR / f"{locale}.json").read_text())
    assert render(data) == render(MODELS[locale])


def test_invocation_name_follows_alexas_rules():
    name = LANGUAGE_MODEL["invocationName"]
    assert name == "muscle twitch guide"
    assert re.fullmatch(r"[a-z][a-z ]*[a-z]", name) and len(name.split()) >= 2
    assert not {"alexa", "echo", "skill", "app", "launch", "ask", "open"} & set(name.split())


def test_required_built_in_intents_are_declared():
    names = {intent["name"] for intent in INTENTS}
    assert set(REQUIRED_INTENTS) <= names


@pytest.mark.parametrize("intent", INTENTS, ids=lambda i: i["name"])
def test_samples_are_plain_spoken_words_and_use_declared_slots(intent):
    declared = {slot["name"] for slot in intent.get("slots", [])}
    if intent["name"] not in NO_SAMPLES_NEEDED:
        assert intent["samples"], "every intent needs samples"
    for sample in intent["samples"]:
        assert SAMPLE.match(sample), f"not plain spoken words: {sample!r}"
        assert len(sample) <= 200
        assert set(re.findall(r"\{(\w+)\}", sample)) <= declared, sample
    for slot in declared:
        assert any("{" + slot + "}" in s for s in intent["samples"]), f"{slot} never sampled"


def test_no_sample_is_shared_by_two_intents_or_said_twice():
    counts = Counter(s for intent in INTENTS for s in intent["samples"])
    assert [s for s, n in counts.items() if n > 1] == []


def test_slot_types_used_by_intents_exist():
    types = {t["name"] for t in LANGUAGE_MODEL["types"]}
    for intent in INTENTS:
        for slot in intent.get("slots", []):
            assert slot["type"].startswith("AMAZON.") or slot["type"] in types


@pytest.mark.parametrize("locale", sorted(MODELS))
def test_every_locales_slot_values_are_plain_words_said_for_one_value_only(locale):
    """Each locale has its own synonyms: a word must name one value of a type, never two."""
    for slot_type in MODELS[locale]["interactionModel"]["languageModel"]["types"]:
        said = Counter()
        for value in slot_type["values"]:
            for word in (value["name"]["value"], *value["name"].get("synonyms", [])):
                assert word.strip() and len(word) <= 140, word
                said[word.lower()] += 1
        assert [word for word, n in said.items() if n > 1] == [], slot_type["name"]


def test_topic_intents_have_several_dozen_phrasings():
    for intent in INTENTS:
        if not intent["name"].startswith("AMAZON."):
            assert len(intent["samples"]) >= 30, intent["name"]


def test_a_line_with_alternatives_stands_for_every_form():
    from skill.build.model import expand

    assert expand("(what's|what is) (my |)twitching") == [
        "what's my twitching", "what's twitching", "what is my twitching", "what is twitching"]
    assert expand("why does my {BodyPart} twitch") == ["why does my {BodyPart} twitch"]


@pytest.mark.parametrize("line", ["what (causes|makes twitching", "what | why", "((a|b) c|d)",
                                  "(a|b)" * 9])
def test_a_malformed_or_exploding_line_is_an_error(line):
    from skill.build.model import expand

    with pytest.raises(ValueError):
        expand(line)


def test_a_bad_sample_line_names_its_file(tmp_path):
    from skill.build.model import ModelError, load_intents

    (tmp_path / "CauseIntent.yaml").write_text("name: CauseIntent\nsamples: ['what (causes']\n")
    with pytest.raises(ModelError, match=r"CauseIntent\.yaml: sample 'what \(causes'"):
        load_intents(tmp_path)
