"""The skill package for the Alexa side: laid out as the ASK CLI expects, valid by Amazon's models.

`python -m skill.package skill-package` assembles deploy/skill.json and interaction_models/*.json.
The manifest and every model must survive a round trip through ask-smapi-model (Amazon's own
published SMAPI models: an unknown field, a misspelt enum or a wrong type fails), and the
rules the developer console enforces on them (tests/test_model.py checks the models themselves).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import (
    InteractionModelData,
)
from ask_smapi_model.v1.skill.manifest.interface import Interface
from ask_smapi_model.v1.skill.manifest.interface_type import InterfaceType
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

from skill import package
from tests.test_model import LANGUAGE_MODEL, MODELS

LOCALES = ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
ENDPOINT = "arn:aws:lambda:us-east-1:123456789012:function:muscle-twitch-guide-skill"
INVOCATION = LANGUAGE_MODEL["invocationName"]
NOT_ADVICE = "not a substitute for professional medical advice"
SERIALIZER = DefaultSerializer()


@pytest.fixture(scope="module")
def assembled(tmp_path_factory) -> Path:
    return package.skill_package(tmp_path_factory.mktemp("ask") / "skill-package", ENDPOINT)


@pytest.fixture(scope="module")
def manifest(assembled) -> dict[str, Any]:
    return json.loads((assembled / "skill.json").read_text())["manifest"]


def round_trip(data: dict[str, Any], model: type) -> dict[str, Any]:
    return SERIALIZER.serialize(SERIALIZER.deserialize(json.dumps(data), model))


def test_the_layout_is_the_ask_clis(assembled):
    files = sorted(p.relative_to(assembled).as_posix() for p in assembled.rglob("*")
                   if p.is_file())
    assert files == ["interactionModels/custom/" + f"{locale}.json" for locale in LOCALES] + [
        "skill.json"]


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locales_model_is_the_checked_in_one_and_amazons_model_reads_it(assembled, locale):
    data = json.loads((assembled / "interactionModels" / "custom" / f"{locale}.json").read_text())
    assert data == MODELS[locale]          # so tests/test_model.py's console rules cover it
    assert round_trip(data, InteractionModelData) == data


def test_the_console_rules_checked_on_en_us_cover_every_locale():
    # tests/test_model.py applies the console's sample rules to the en-US model; the others share
    # its invocation name and samples and differ only in their slot values' synonyms (each
    # locale's own words), whose rules tests/test_model.py checks in every locale. If a locale
    # ever gets its own samples, parametrize those rules over locales.
    def shared(model: dict[str, Any]) -> dict[str, Any]:
        return {**model, "types": [(t["name"], [v["id"] for v in t["values"]])
                                   for t in model["types"]]}

    for locale in LOCALES:
        model = MODELS[locale]["interactionModel"]["languageModel"]
        assert shared(model) == shared(LANGUAGE_MODEL), locale


def test_the_manifest_is_what_amazons_model_describes(manifest):
    envelope = {"manifest": copy.deepcopy(manifest)}
    interfaces = envelope["manifest"]["apis"]["custom"]["interfaces"]
    # ask-smapi-model lists CAN_FULFILL_INTENT_REQUEST as an InterfaceType but has no class for
    # it (Interface's discriminator map lacks it), so such property-free interfaces are checked
    # against the enum here and the rest of the manifest goes through the model.
    unmodelled = [i for i in interfaces
                  if i["type"] not in Interface.discriminator_value_class_map]
    for interface in unmodelled:
        assert interface == {"type": InterfaceType(interface["type"]).value}
    envelope["manifest"]["apis"]["custom"]["interfaces"] = [
        i for i in interfaces if i not in unmodelled]
    assert round_trip(envelope, SkillManifestEnvelope) == envelope


def test_a_misspelt_field_would_be_caught():
    broken = {"manifest": {"manifestVersion": "1.0",
                           "privacyAndCompliance": {"isChildDirectd": False}}}
    assert round_trip(broken, SkillManifestEnvelope) != broken


def test_the_manifest_names_the_endpoint_when_given_and_holds_none_in_the_source(manifest):
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ENDPOINT}
    source = json.loads(package.SKILL_JSON.read_text())["manifest"]
    assert "endpoint" not in source["apis"]["custom"]
    assert not re.search(r"\b\d{12}\b|amzn1\.ask\.skill\.", package.SKILL_JSON.read_text())


def test_every_english_locale_is_published_with_a_model(manifest):
    assert sorted(manifest["publishingInformation"]["locales"]) == LOCALES == sorted(MODELS)
    assert manifest["manifestVersion"] == "1.0"
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_store_listing_says_it_is_not_medical_advice(manifest, locale):
    listing = manifest["publishingInformation"]["locales"][locale]
    assert listing["name"] == "Muscle Twitch Guide"
    assert 0 < len(listing["summary"]) <= 160
    assert 0 < len(listing["description"]) <= 4000
    assert NOT_ADVICE in listing["description"]
    assert "general information" in listing["description"]
    assert 1 <= len(listing["examplePhrases"]) <= 3
    assert len(listing.get("keywords", [])) <= 30


def test_privacy_and_compliance(manifest):
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False, "usesHealthInfo": False}


def test_interfaces_and_permissions_the_skill_uses(manifest):
    types = [i["type"] for i in manifest["apis"]["custom"]["interfaces"]]
    assert sorted(types) == ["ALEXA_PRESENTATION_APL", "CAN_FULFILL_INTENT_REQUEST"]
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"}]


def example_phrases(manifest) -> list[tuple[str, str]]:
    return [(locale, phrase)
            for locale, listing in sorted(manifest["publishingInformation"]["locales"].items())
            for phrase in listing["examplePhrases"]]


def invocation_tail(phrase: str) -> str | None:
    """What follows "Alexa, ask <invocation name>"; None for "Alexa, open <invocation name>"."""
    if phrase.rstrip(".") == f"Alexa, open {INVOCATION}":
        return None
    match = re.fullmatch(rf"Alexa, ask {re.escape(INVOCATION)} (.+?)\.?", phrase)
    assert match, f"{phrase!r} must start 'Alexa, open/ask {INVOCATION}'"
    return match.group(1)


def test_example_phrases_follow_the_consoles_rules(manifest):
    intents = {i["name"]: i for i in LANGUAGE_MODEL["intents"]}
    for locale, listing in manifest["publishingInformation"]["locales"].items():
        assert invocation_tail(listing["examplePhrases"][0]) is None, locale
    for _, phrase in example_phrases(manifest):
        tail = invocation_tail(phrase)
        if tail is None:
            continue
        words = " ".join(re.sub(r"[^\w' ]", "", tail.lower()).split())
        owners = [name for name, intent in intents.items() if words in intent["samples"]]
        assert owners, f"{phrase!r}: {words!r} is no intent's sample utterance"


@pytest.mark.parametrize("locale", LOCALES)
def test_example_phrases_resolve_in_the_model(manifest, locale):
    from skill.simulator.resolver import load_resolver

    resolver = load_resolver(locale)
    custom = {i["name"] for i in LANGUAGE_MODEL["intents"] if not i["name"].startswith("AMAZON.")}
    for phrase in manifest["publishingInformation"]["locales"][locale]["examplePhrases"]:
        resolved = resolver.resolve(phrase)
        if invocation_tail(phrase) is None:
            assert resolved.launch, phrase
        else:
            assert resolved.intent in custom, f"{phrase!r} -> {resolved.intent}"
