"""Each locale's own words: outside the US people say "motor neurone disease" or "MND" for ALS,
"GP" for doctor and "A and E" for the emergency department. The content holds those words per
locale (an entry's or a file's `locales:`), each locale's interaction model carries them as slot
synonyms, and the answers speak them; the US model and the US answers stay as written."""

from __future__ import annotations

import pytest

from skill.build.model import build_models, render
from skill.content import ContentError, get_content, load_content
from skill.simulator.resolver import ER_MATCH, Resolver
from skill.speech import Speaker
from tests.conftest import edit

CONTENT = get_content()
MODELS = build_models(CONTENT)
ELSEWHERE = ("en-GB", "en-IN", "en-AU", "en-CA")
MND = ("what is motor neurone disease", "is twitching a sign of mnd",
       "is twitching a sign of m. n. d.", "tell me about motor neuron disease")


def resolver(locale: str) -> Resolver:
    return Resolver(MODELS[locale], locale)


def synonyms(locale: str, type_name: str, value_id: str) -> list[str]:
    types = MODELS[locale]["interactionModel"]["languageModel"]["types"]
    values = next(t["values"] for t in types if t["name"] == type_name)
    return next(v["name"].get("synonyms", []) for v in values if v["id"] == value_id)


@pytest.mark.parametrize("said", MND)
@pytest.mark.parametrize("locale", ELSEWHERE)
def test_motor_neurone_disease_and_mnd_reach_the_als_answer_word_for_word(locale, said):
    heard = resolver(locale).resolve(said, strict=True)
    assert heard.intent == "ConditionIntent"
    assert heard.slot_ids() == {"Condition": "als"}
    status = heard.slots["Condition"]["resolutions"]["resolutionsPerAuthority"][0]["status"]
    assert status["code"] == ER_MATCH


@pytest.mark.parametrize("said", MND)
def test_the_us_model_does_not_gain_the_other_locales_words(said):
    heard = resolver("en-US").resolve(said, strict=True)
    assert heard.slot_ids().get("Condition") != "als"
    assert "motor neurone disease" not in synonyms("en-US", "ConditionType", "als")
    assert "a and e" not in synonyms("en-US", "WarningSignType", "emergency")


@pytest.mark.parametrize("locale", ELSEWHERE)
def test_a_and_e_is_understood_as_the_emergency_outside_the_us(locale):
    assert "a and e" in synonyms(locale, "WarningSignType", "emergency")
    heard = resolver(locale).resolve("do i need a doctor for a and e", strict=True)
    assert heard.slot_ids() == {"WarningSign": "emergency"}


def test_the_locales_models_are_no_longer_one_file_five_times():
    assert len({render(MODELS[locale]) for locale in MODELS}) > 1
    us = MODELS["en-US"]["interactionModel"]["languageModel"]
    for locale in ELSEWHERE:
        other = MODELS[locale]["interactionModel"]["languageModel"]
        assert other["intents"] == us["intents"], "samples are shared; only slot words differ"
        assert other["types"] != us["types"]


@pytest.mark.parametrize("locale", ELSEWHERE)
def test_the_answers_speak_the_locales_words(locale):
    speak = Speaker(CONTENT, locale)
    als = speak.answer("als")
    assert "motor neurone disease" in als.speech and "motor neurone disease" in als.card
    assert "Lou Gehrig's disease" in als.speech
    assert "See a GP if" in als.speech and "See a doctor if" not in als.speech
    assert "See a GP if" in speak.answer("serious").speech
    assert speak.content.find("condition", "motor neurone disease").id == "als"


def test_the_us_answers_are_as_written():
    speak = Speaker(CONTENT, "en-US")
    als = speak.answer("als")
    assert als.speech.startswith(CONTENT.get("als").speech)
    assert "motor neurone" not in als.speech and "GP" not in als.speech
    assert speak.content.find("condition", "motor neurone disease") is None


def test_localised_content_is_made_once_per_locale_and_never_twice_over():
    gb = CONTENT.for_locale("en-GB")
    assert CONTENT.for_locale("en-GB") is gb
    assert gb.for_locale("en-GB") is gb
    assert gb.for_locale(None) is CONTENT
    assert gb.get("als").synonyms.count("mnd") == 1


# --- the loader checks the new fields, naming file and entry --------------------------------------

def test_an_unknown_locale_names_the_file_and_entry(content_copy):
    edit(content_copy / "conditions.yaml", "      en-IN: *mnd", "      en-XX: *mnd")
    with pytest.raises(ContentError, match=r"conditions\.yaml:\d+: entry 'als' unknown locale "
                                           r"'en-XX'"):
        load_content(content_copy)


def test_an_unknown_locale_for_a_whole_file_names_the_file(content_copy):
    edit(content_copy / "about.yaml", "  en-IN: *gp", "  fr-FR: *gp")
    with pytest.raises(ContentError, match=r"about\.yaml:\d+: unknown locale 'fr-FR'"):
        load_content(content_copy)


def test_words_to_swap_that_no_text_holds_are_an_error(content_copy):
    edit(content_copy / "conditions.yaml", "say: {\"Lou Gehrig's disease\"",
         "say: {\"Lou Gherig's disease\"")
    with pytest.raises(ContentError, match=r"entry 'als' locale 'en-GB' says 'Lou Gherig's "
                                           r"disease' differently, but no text here has"):
        load_content(content_copy)


def test_an_unknown_field_in_a_locale_is_an_error(content_copy):
    edit(content_copy / "conditions.yaml", "      en-GB: &mnd\n",
         "      en-GB: &mnd\n        synonymns: [mnd]\n")
    with pytest.raises(ContentError, match=r"entry 'als' unknown field 'synonymns'"):
        load_content(content_copy)


def test_a_locale_synonym_said_for_another_entry_names_both_and_the_locale(content_copy):
    edit(content_copy / "conditions.yaml", "motor neurone, m. n. d., mnd]",
         "motor neurone, m. n. d., mnd, multiple sclerosis]")
    with pytest.raises(ContentError, match=r"conditions\.yaml: entry '\w+': 'multiple sclerosis' "
                                           r"is already said for '\w+' in en-[A-Z]{2}"):
        load_content(content_copy)


def test_a_locale_that_changes_nothing_is_an_error(content_copy):
    edit(content_copy / "about.yaml", "  en-IN: *gp", "  en-IN: {}")
    with pytest.raises(ContentError, match=r"about\.yaml:\d+: locale 'en-IN' changes nothing"):
        load_content(content_copy)
