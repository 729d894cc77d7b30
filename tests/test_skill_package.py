"""The skill package for the Alexa side: laid out as the ASK CLI expects, valid by Amazon's models.

`python -m skill.build.package skill-package` assembles deploy/skill.json,
interaction_models/*.json and the icons in deploy/assets/images/.
The manifest and every model must survive a round trip through ask-smapi-model (Amazon's own
published SMAPI models: an unknown field, a misspelt enum or a wrong type fails), and the
rules the developer console enforces on them (tests/test_model.py checks the models themselves).
A package built for submission has everything certification asks for, or is not built.
"""

from __future__ import annotations

import copy
import json
import re
import struct
import zlib
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

from skill.build import package
from tests.test_model import LANGUAGE_MODEL, MODELS

LOCALES = ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
ENDPOINT = "arn:aws:lambda:us-east-1:123456789012:function:muscle-twitch-guide-skill"
PRIVACY = "https://example.org/muscle-twitch-guide/privacy"
TERMS = "https://example.org/muscle-twitch-guide/terms"
INVOCATION = LANGUAGE_MODEL["invocationName"]
NOT_ADVICE = "not a substitute for professional medical advice"
SERIALIZER = DefaultSerializer()


@pytest.fixture(scope="module")
def assembled(tmp_path_factory) -> Path:
    return package.skill_package(tmp_path_factory.mktemp("ask") / "skill-package", ENDPOINT,
                                 privacy_policy_url=PRIVACY, terms_of_use_url=TERMS,
                                 submission=True)


@pytest.fixture(scope="module")
def manifest(assembled) -> dict[str, Any]:
    return json.loads((assembled / "skill.json").read_text())["manifest"]


def round_trip(data: dict[str, Any], model: type) -> dict[str, Any]:
    return SERIALIZER.serialize(SERIALIZER.deserialize(json.dumps(data), model))


def test_the_layout_is_the_ask_clis(assembled):
    files = sorted(p.relative_to(assembled).as_posix() for p in assembled.rglob("*")
                   if p.is_file())
    assert files == sorted(
        [f"assets/images/{locale}_{key}.png" for locale in LOCALES for key in package.ICONS]
        + [f"interactionModels/custom/{locale}.json" for locale in LOCALES] + ["skill.json"])


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
    # tests/test_privacy.py holds the policy's text to what the skill keeps
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False, "usesHealthInfo": False,
        "locales": {locale: {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}
                    for locale in LOCALES}}


# --- icons ----------------------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, after checking it is one: signature, chunk CRCs, pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, pixels = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append(kind)
        pixels += body if kind == b"IDAT" else b""
        position += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    width, height = struct.unpack(">II", data[16:24])
    assert zlib.decompress(pixels), "no image data"
    return width, height


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_has_small_and_large_icons_where_its_manifest_says(assembled, manifest,
                                                                      locale):
    listing = manifest["publishingInformation"]["locales"][locale]
    for key, (_, side) in package.ICONS.items():
        uri = listing[key]
        assert uri == f"file://assets/images/{locale}_{key}.png"   # as `ask` names them
        assert png_size((assembled / uri.removeprefix("file://")).read_bytes()) == (side, side)


def test_the_committed_icons_are_108_and_512_pixel_pngs():
    sides = {name: side for name, side in package.ICONS.values()}
    assert sorted(sides.values()) == [108, 512]
    for name, side in sides.items():
        assert png_size((package.IMAGES_DIR / name).read_bytes()) == (side, side), name


def test_the_icons_are_drawn_by_the_projects_own_script():
    from skill.build import icons

    assert {name: side for name, side in package.ICONS.values()} == icons.SIZES
    assert icons.IMAGES_DIR == package.IMAGES_DIR
    pytest.importorskip("PIL", reason="Pillow (the dev extra) draws the icons")
    for name, side in icons.SIZES.items():
        drawn = icons.draw(side)
        assert drawn.size == (side, side) and drawn.mode == "RGB"
        corner, middle = drawn.getpixel((1, side - 2)), drawn.getpixel((side // 2, side // 2))
        assert corner != middle, f"{name}: the trace is not drawn"


# --- the privacy policy address, and a build for submission ------------------------------------

def test_the_privacy_policy_url_comes_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PRIVACY_POLICY_URL", PRIVACY)
    monkeypatch.delenv("TERMS_OF_USE_URL", raising=False)
    assert package.main(["skill-package", "--out", str(tmp_path / "p")]) == 0
    built = json.loads((tmp_path / "p" / "skill.json").read_text())["manifest"]
    assert built["privacyAndCompliance"]["locales"] == {
        locale: {"privacyPolicyUrl": PRIVACY} for locale in LOCALES}


def test_without_a_privacy_policy_url_a_draft_builds_and_says_what_is_missing(
        tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PRIVACY_POLICY_URL", raising=False)
    assert package.main(["skill-package", "--out", str(tmp_path / "p")]) == 0
    built = json.loads((tmp_path / "p" / "skill.json").read_text())["manifest"]
    assert "locales" not in built["privacyAndCompliance"]
    assert "no privacy policy URL set" in capsys.readouterr().err


def test_a_build_for_submission_refuses_without_the_certification_fields(
        tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PRIVACY_POLICY_URL", raising=False)
    monkeypatch.delenv("SKILL_ENDPOINT", raising=False)
    out = tmp_path / "p"
    assert package.main(["skill-package", "--out", str(out), "--submission"]) == 1
    error = capsys.readouterr().err
    assert "not ready for submission" in error
    assert "privacy policy URL for en-AU, en-CA, en-GB, en-IN, en-US" in error
    assert "PRIVACY_POLICY_URL" in error and "endpoint" in error
    assert not out.exists(), "nothing is written for a refused submission"
    assert package.main(["skill-package", "--out", str(out), "--submission",
                         "--endpoint", ENDPOINT, "--privacy-policy-url", PRIVACY]) == 0


@pytest.mark.parametrize("bad", ["http://example.org/privacy", "example.org/privacy",
                                 "https://", "https://example.org/a b", "ftp://example.org/p"])
def test_a_policy_address_that_is_not_https_is_refused(tmp_path, capsys, bad):
    assert package.main(["skill-package", "--out", str(tmp_path / "p"),
                         "--privacy-policy-url", bad]) == 1
    assert "must be an https:// address" in capsys.readouterr().err
    with pytest.raises(ValueError, match="terms of use URL"):
        package.skill_package(tmp_path / "q", terms_of_use_url=bad)


# --- screens: the viewports the documents are designed for ---------------------------------------

# Amazon's viewport profiles for hubs ("Select the Viewport Profiles Your Skill Supports"), in
# the form the developer console writes them into the manifest.
HUB_PROFILES = {
    "hubRoundSmall": ("ROUND", 480, 480),
    "hubLandscapeSmall": ("RECTANGLE", 960, 480),
    "hubLandscapeMedium": ("RECTANGLE", 1024, 600),
    "hubLandscapeLarge": ("RECTANGLE", 1280, 800),
    "hubLandscapeXLarge": ("RECTANGLE", 1920, 1080),
}


def viewports(manifest) -> list[dict[str, Any]]:
    (apl,) = [i for i in manifest["apis"]["custom"]["interfaces"]
              if i["type"] == "ALEXA_PRESENTATION_APL"]
    return apl["supportedViewports"]


def test_the_screens_are_declared_for_every_echo_show_size_and_the_round_hub(manifest):
    declared = {(v["mode"], v["shape"], v["minWidth"], v["maxWidth"], v["minHeight"],
                 v["maxHeight"]) for v in viewports(manifest)}
    assert declared == {("HUB", shape, width, width, height, height)
                        for shape, width, height in HUB_PROFILES.values()}


def test_the_simulated_echo_show_is_one_of_the_declared_viewports(manifest):
    from skill.simulator.envelope import ECHO_SHOW_VIEWPORT as show

    assert any(v["shape"] == show["shape"] and v["minWidth"] <= show["pixelWidth"] <= v["maxWidth"]
               and v["minHeight"] <= show["pixelHeight"] <= v["maxHeight"]
               for v in viewports(manifest))


def small_screen_rules(document: dict[str, Any]) -> list[str]:
    return [block["when"] for block in document["resources"] if "when" in block]


def evaluate(condition: str, shape: str, width: int, height: int) -> bool:
    """The documents' `when` conditions (==, <, ||, 'round') for one viewport, as APL does."""
    expression = condition.removeprefix("${").removesuffix("}").replace("||", " or ")
    assert re.fullmatch(r"[\w.' =<>or]+", expression), f"cannot evaluate {condition!r}"
    names = {"viewport": type("V", (), {"shape": shape.lower(), "width": width,
                                        "height": height})}
    return bool(eval(expression, {"__builtins__": {}}, names))  # grammar checked above


@pytest.mark.parametrize("profile", sorted(HUB_PROFILES))
def test_round_and_short_screens_get_the_smaller_type_and_the_rest_the_larger(profile):
    from skill.screens import ANSWER_DOCUMENT, LIST_DOCUMENT, load_document

    shape, width, height = HUB_PROFILES[profile]
    small = shape == "ROUND" or height < 600        # Echo Spot and Echo Show 5: 480 dp high
    for name in (ANSWER_DOCUMENT, LIST_DOCUMENT):
        first = small_screen_rules(load_document(name))[0]
        assert evaluate(first, shape, width, height) == small, (profile, name)


# --- testing instructions ----------------------------------------------------------------------

# What the instructions tell a tester to say, and what each must reach.
SAID = {
    "Alexa, open muscle twitch guide": None,
    "what causes muscle twitching": "CauseIntent",
    "tell me more": "AMAZON.MoreIntent",
    "when should I see a doctor": "WarningSignsIntent",
    "should I worry about my twitching": "SymptomCheckIntent",
    "what's today's tip": "DailyTipIntent",
    "another tip": "AnotherTipIntent",
    "remind me every day at 8 am": "SetReminderIntent",
    "do I have a reminder": "ReminderStatusIntent",
    "cancel my reminder": "CancelReminderIntent",
    "continue": "AMAZON.ResumeIntent",
    "forget me": "ForgetMeIntent",
    "yes": "AMAZON.YesIntent",
}


def test_the_testing_instructions_explain_reminders_forget_me_and_the_symptom_check(manifest):
    text = " ".join(manifest["publishingInformation"]["testingInstructions"].split())
    assert len(text) <= 4000
    for words in ("permission", "by voice", "Alexa app", "Manage permissions", "forget me",
                  "Disabling the skill", "Symptom check", "not stored", "No account linking",
                  "no purchases", "911, 999, 000 or 112"):
        assert words in text, words


@pytest.mark.parametrize("locale", LOCALES)
def test_everything_the_testing_instructions_say_to_say_is_understood(manifest, locale):
    from skill.simulator.resolver import load_resolver

    said = re.findall(r'"([^"]+)"', manifest["publishingInformation"]["testingInstructions"])
    assert set(said) == set(SAID)
    resolver = load_resolver(locale)
    for phrase, intent in SAID.items():
        resolved = resolver.resolve(phrase)
        if intent is None:
            assert resolved.launch, phrase
        else:
            assert resolved.intent == intent, (phrase, resolved.intent)


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
