"""The statistical stand-in for Alexa's NLU: trained only on the model's samples, deterministic,
falls back on what fits no intent, fills slots the way the resolver reports them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from skill.simulator import statistical
from skill.simulator.resolver import ER_MATCH, ER_NO_MATCH, FALLBACK, Resolver
from skill.simulator.statistical import (
    StatisticalNLU,
    load_classifier,
    load_nlu,
    load_statistical,
    train,
    training_set,
)

ROOT = Path(__file__).parents[1]


def tiny_model() -> dict:
    """Two intents, one slot type: small enough to train in a moment."""
    return {"interactionModel": {"languageModel": {
        "invocationName": "fruit guide",
        "intents": [
            {"name": "FruitIntent", "slots": [{"name": "Fruit", "type": "FruitType"}],
             "samples": ["tell me about {Fruit}", "what is {Fruit}", "facts about {Fruit}",
                         "i want to hear about {Fruit}", "describe {Fruit} for me"]},
            {"name": "MusicIntent", "samples": ["play some music", "start the music",
                                                "put on a song", "play a tune for me",
                                                "i want to hear a song"]},
            {"name": "AMAZON.FallbackIntent", "samples": []},
        ],
        "types": [{"name": "FruitType", "values": [
            {"id": "apple", "name": {"value": "apple", "synonyms": ["pomme", "green apple"]}},
            {"id": "pear", "name": {"value": "pear", "synonyms": ["conference pear"]}},
        ]}],
    }}}


def tiny_nlu() -> StatisticalNLU:
    model = tiny_model()
    return StatisticalNLU(Resolver(model), train(model))


def slot_status(slot: dict) -> str:
    return slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"]


def test_it_learns_only_from_the_models_samples_with_every_slot_value_and_synonym_filled_in():
    pairs = training_set(tiny_model())
    intents = {intent for _, intent in pairs}
    assert intents == {"FruitIntent", "MusicIntent"}  # the fallback has no samples to learn
    fruit_texts = " ".join(text for text, intent in pairs if intent == "FruitIntent")
    for said in ("apple", "pomme", "green apple", "pear", "conference pear"):
        assert said in fruit_texts
    assert "{" not in fruit_texts
    music = {text for text, intent in pairs if intent == "MusicIntent"}
    assert music == {"play some music", "start the music", "put on a song", "play a tune for me",
                     "i want to hear a song"}


def test_training_is_deterministic():
    model = tiny_model()
    assert training_set(model) == training_set(model)
    first, second = train(model), train(model)
    for said in ("tell me about pears", "play something", "what is a green apple"):
        assert first.predict(said) == second.predict(said)


def test_a_slot_value_heard_resolves_to_its_entry():
    resolved = tiny_nlu().resolve("could you tell me about a green apple")
    assert resolved.intent == "FruitIntent"
    fruit = resolved.slots["Fruit"]
    assert fruit["value"] == "green apple"  # the longest synonym heard, not "apple"
    assert slot_status(fruit) == ER_MATCH
    assert resolved.slot_ids() == {"Fruit": "apple"}


def test_an_unlisted_value_in_a_samples_slot_is_reported_as_no_match():
    resolved = tiny_nlu().resolve("tell me about mango")
    assert resolved.intent == "FruitIntent"
    assert resolved.slots["Fruit"]["value"] == "mango"
    assert slot_status(resolved.slots["Fruit"]) == ER_NO_MATCH


def test_an_intent_without_a_value_heard_sends_its_slot_empty():
    resolved = tiny_nlu().resolve("play some music please")
    assert resolved.intent == "MusicIntent"
    assert resolved.slots == {}


def test_nonsense_goes_to_the_fallback():
    nlu = load_statistical("en-US")
    for said in ("zxqv blorp fnord", "quantum chromodynamics lattice gauge"):
        resolved = nlu.resolve(said)
        assert resolved.intent == FALLBACK, resolved.describe()
        assert resolved.confidence is not None and resolved.confidence < statistical.CONFIDENCE


def test_it_understands_the_skill_on_the_real_model():
    nlu = load_statistical("en-US")
    resolved = nlu.resolve("alexa ask muscle twitch guide can coffee cause twitching")
    assert resolved.invoked and resolved.intent == "CauseIntent"
    assert resolved.slot_ids() == {"Cause": "caffeine"}
    assert nlu.resolve("open muscle twitch guide").launch


def test_the_classifier_is_cached_by_the_model_files_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(statistical, "CACHE_DIR", tmp_path / "cache")
    model_path = tmp_path / "fr-FR.json"
    model_path.write_text(json.dumps(tiny_model()))
    first = load_classifier(model_path)
    cached = list((tmp_path / "cache").glob("classifier-*.pickle"))
    assert len(cached) == 1
    monkeypatch.setattr(statistical, "train", lambda *_: pytest.fail("trained again"))
    assert load_classifier(model_path).model_hash == first.model_hash
    changed = tiny_model()
    changed["interactionModel"]["languageModel"]["invocationName"] = "fruit helper"
    model_path.write_text(json.dumps(changed))
    with pytest.raises(pytest.fail.Exception):
        load_classifier(model_path)  # another file: another hash, so it must train


def test_an_unknown_nlu_is_refused():
    with pytest.raises(ValueError, match="unknown NLU"):
        load_nlu("en-US", "magic")


def test_the_lambda_never_imports_the_statistical_nlu_or_scikit_learn():
    code = ("import sys, skill.app; "
            "print('sklearn' in sys.modules, 'skill.simulator.statistical' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
