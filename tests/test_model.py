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
    with pytest.raises(ModelError, match=r"CauseIntent\.yaml:2: sample 'what \(causes'"):
        load_intents(tmp_path)


# --- make model refuses a model Alexa's tools would flag, one line per problem ------------------

def test_the_model_has_no_conflict_filler_wake_word_or_ungrammatical_form_in_any_locale():
    from skill.build.model import check_models

    _, reports = check_models()
    for locale, report in reports.items():
        assert report.lines() == [], locale


def _fixture(tmp_path, intents: dict[str, str], extra: str = ""):
    """A model source with the given intent files (name -> YAML text) and the real content."""
    intents_dir = tmp_path / "intents"
    intents_dir.mkdir()
    required = {name: f"name: {name}\nsamples: []\n" for name in REQUIRED_INTENTS}
    for name, text in {**required, **intents}.items():
        (intents_dir / f"{name}.yaml").write_text(text)
    source = tmp_path / "model.yaml"
    source.write_text("invocation_name: muscle twitch guide\nlocales: [en-US]\n"
                      "slot_types:\n  BodyPartType: body_part\n  CauseType: cause\n" + extra)
    return intents_dir, source


def _refusal(tmp_path, intents: dict[str, str], extra: str = "") -> list[str]:
    from skill.build.model import ModelRefused

    intents_dir, source = _fixture(tmp_path, intents, extra)
    with pytest.raises(ModelRefused) as refused:
        build_models(intents_dir=intents_dir, source_path=source)
    return refused.value.problems


BODY = ("name: BodyPartIntent\nslots:\n  - name: BodyPart\n    type: BodyPartType\nsamples:\n"
        "  - why does my {BodyPart} twitch\n")


def test_a_clean_fixture_is_accepted(tmp_path):
    intents_dir, source = _fixture(tmp_path, {"BodyPartIntent": BODY})
    models = build_models(intents_dir=intents_dir, source_path=source)
    assert "why does my {BodyPart} twitch" in [
        s for i in models["en-US"]["interactionModel"]["languageModel"]["intents"]
        for s in i["samples"]]


def test_a_misspelt_slot_is_refused_naming_file_line_and_the_slot_meant(tmp_path):
    problems = _refusal(tmp_path, {"BodyPartIntent": BODY + "  - my {Bodypart} twitches\n"})
    assert problems == ["BodyPartIntent.yaml:7: {Bodypart} is not a slot of BodyPartIntent "
                        "(did you mean {BodyPart}?): 'my {Bodypart} twitches'"]


def test_an_utterance_two_intents_mean_once_slots_are_filled_is_refused(tmp_path):
    problems = _refusal(tmp_path, {
        "BodyPartIntent": BODY,
        "CauseIntent": "name: CauseIntent\nsamples:\n  - what causes twitching\n"
                       "  - why does my (arm|face) twitch\n"})
    assert len(problems) == 1
    assert problems[0].startswith("CauseIntent.yaml:4: 'why does my arm twitch'")
    assert "means CauseIntent and BodyPartIntent (BodyPartIntent.yaml:6)" in problems[0]


def test_a_sample_that_is_a_built_in_intents_own_phrase_is_refused(tmp_path):
    problems = _refusal(tmp_path, {
        "CauseIntent": "name: CauseIntent\nsamples:\n  - what causes twitching\n  - stop\n"})
    assert problems == ["CauseIntent.yaml:4: 'stop' means CauseIntent and AMAZON.StopIntent "
                        "(Alexa's built-in phrases)"]


def test_a_slot_value_shared_by_two_slot_types_is_refused_unless_one_subject(tmp_path):
    habit = "  HabitType: habit\n"
    problems = _refusal(tmp_path, {"BodyPartIntent": BODY}, habit)
    assert "content/prevention.yaml:88: 'caffeine' is a value of HabitType (entry less_caffeine) " \
           "and of CauseType (entry caffeine)" in problems
    declared = "same_subject:\n" + "".join(
        f"  - [{group}]\n" for group in ("caffeine, less_caffeine", "stress, manage_stress",
                                         "sleep, sleep_enough", "dehydration, water",
                                         "minerals, balanced_diet", "overuse, exercise"))
    (tmp_path / "ok").mkdir()
    intents_dir, source = _fixture(tmp_path / "ok", {"BodyPartIntent": BODY}, habit + declared)
    assert build_models(intents_dir=intents_dir, source_path=source)


@pytest.mark.parametrize(("sample", "problem"), [
    ("um why do i twitch", "filler um (the recogniser drops it)"),
    ("hmm what causes twitching", "filler hmm (the recogniser drops it)"),
    ("alexa what causes twitching", "wake word alexa"),
    ("ask muscle twitch guide what causes twitching", "the invocation name 'muscle twitch guide'"),
    ("my speech are slurred", "'speech are' (singular subject, plural verb)"),
    ("my twitches has lasted weeks", "'twitches has' (plural subject, singular verb)"),
    ("i have a twitches in my arm", "'a' before the plural 'twitches'"),
    ("what causes the the twitching", "doubled word 'the the'"),
    ("i 've got a twitch", "a contraction split off (i 've)"),
    ("how do it work", "'do it work' (does)"),
    ("does my twitches mean something", "'does ... twitches' (singular verb, plural subject)"),
    ("is my twitching be a sign of something", "'is ... be' (two verbs)"),
    ("does my twitching mean of something", "'mean of'"),
    ("what causes a emergency twitch", "'a emergency' (an)"),
])
def test_fillers_wake_words_and_ungrammatical_forms_are_refused(tmp_path, sample, problem):
    problems = _refusal(tmp_path, {
        "CauseIntent": f"name: CauseIntent\nsamples:\n  - what causes twitching\n  - {sample}\n"})
    assert problems == [f"CauseIntent.yaml:4: {problem}: {sample!r}"]


@pytest.mark.parametrize("sample", [
    "is my twitching serious", "are my twitches serious", "i was twitching all day",
    "what is an emg", "is it an a. l. s. sign", "do my muscles twitch", "how does it work",
    "what are the signs of als", "my words are slurred", "a twitching muscle",
])
def test_the_grammar_lint_accepts_good_english(sample):
    from skill.build.model_checks import grammar_problems

    assert grammar_problems(sample.split()) == []


def test_broken_yaml_is_one_line_naming_file_and_line_without_a_traceback(tmp_path):
    from skill.build.model import ModelError

    intents_dir, source = _fixture(tmp_path, {"CauseIntent": "name: CauseIntent\nsamples: [a\n"})
    with pytest.raises(ModelError) as error:
        build_models(intents_dir=intents_dir, source_path=source)
    assert re.fullmatch(r"CauseIntent\.yaml:\d+: not valid YAML: [^\n]+", str(error.value))
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_a_sample_yaml_reads_as_true_or_a_number_must_be_quoted(tmp_path):
    from skill.build.model import ModelError

    intents_dir, source = _fixture(tmp_path, {"AMAZON.NoIntent": "name: AMAZON.NoIntent\n"
                                                                 "samples:\n  - no\n"})
    with pytest.raises(ModelError, match=r"^AMAZON\.NoIntent\.yaml:3: sample False is not text: "
                                         r"quote it$"):
        build_models(intents_dir=intents_dir, source_path=source)


def test_a_misspelt_key_names_the_misspelling_and_the_key_meant(tmp_path):
    from skill.build.model import ModelError

    intents_dir, source = _fixture(tmp_path, {
        "CauseIntent": "name: CauseIntent\nsampels:\n  - what causes twitching\n"})
    with pytest.raises(ModelError, match=r"^CauseIntent\.yaml:2: unknown key 'sampels' "
                                         r"\(did you mean 'samples'\?\)$"):
        build_models(intents_dir=intents_dir, source_path=source)


def test_make_model_prints_one_line_per_problem_and_writes_nothing(tmp_path, monkeypatch, capsys):
    import skill.build.model as model

    intents_dir, source = _fixture(tmp_path, {
        "CauseIntent": "name: CauseIntent\nsamples:\n  - what causes twitching\n"
                       "  - um what causes twitching\n  - my {Bodypart} twitches\n"})
    monkeypatch.setattr(model, "INTENTS_DIR", intents_dir)
    monkeypatch.setattr(model, "SOURCE", source)
    monkeypatch.setattr(model, "MODELS_DIR", tmp_path / "out")
    assert model.main([]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "make model: refused, 2 problem(s); nothing written"
    assert len(lines) == 3 and all(line.startswith("CauseIntent.yaml:") for line in lines[:2])
    assert not (tmp_path / "out").exists()


def test_make_model_reports_broken_yaml_in_one_line(tmp_path, monkeypatch, capsys):
    import skill.build.model as model

    intents_dir, source = _fixture(tmp_path, {"CauseIntent": "name: CauseIntent\nsamples: [a\n"})
    monkeypatch.setattr(model, "INTENTS_DIR", intents_dir)
    monkeypatch.setattr(model, "SOURCE", source)
    assert model.main([]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_make_skill_package_refuses_a_model_make_model_would_refuse(tmp_path, monkeypatch,
                                                                     capsys):
    import skill.build.model as model
    from skill.build import package

    intents_dir, source = _fixture(tmp_path, {
        "CauseIntent": "name: CauseIntent\nsamples:\n  - what causes twitching\n  - 'yes'\n"})
    monkeypatch.setattr(model, "INTENTS_DIR", intents_dir)
    monkeypatch.setattr(model, "SOURCE", source)
    assert package.main(["skill-package", "--out", str(tmp_path / "package")]) == 1
    err = capsys.readouterr().err
    assert "CauseIntent.yaml:4: 'yes' means CauseIntent and AMAZON.YesIntent" in err
    assert not (tmp_path / "package").exists()


def test_named_alternatives_are_written_once_and_used_as_one_group(tmp_path):
    intents_dir, source = _fixture(tmp_path, {"CauseIntent": (
        "name: CauseIntent\nalternatives:\n  who: [he, my dad]\nsamples:\n"
        "  - what causes twitching\n  - why does <who> twitch\n")})
    models = build_models(intents_dir=intents_dir, source_path=source)
    intents = models["en-US"]["interactionModel"]["languageModel"]["intents"]
    samples = next(i for i in intents if i["name"] == "CauseIntent")["samples"]
    assert samples == ["what causes twitching", "why does he twitch", "why does my dad twitch"]


def test_an_unknown_named_alternative_names_file_line_and_name(tmp_path):
    from skill.build.model import ModelError

    intents_dir, source = _fixture(tmp_path, {"CauseIntent": (
        "name: CauseIntent\nsamples:\n  - what causes twitching\n  - why do <who> twitch\n")})
    with pytest.raises(ModelError, match=r"^CauseIntent\.yaml:4: .*<who> is not under "
                                         r"'alternatives'$"):
        build_models(intents_dir=intents_dir, source_path=source)


def test_two_samples_one_word_apart_that_mean_two_intents_are_refused(tmp_path):
    problems = _refusal(tmp_path, {
        "CauseIntent": "name: CauseIntent\nsamples:\n  - is twitching serious\n",
        "ConditionIntent": "name: ConditionIntent\nsamples:\n  - is my twitching serious\n"})
    assert problems == ["ConditionIntent.yaml:3: 'is my twitching serious' means ConditionIntent, "
                        "but 'is twitching serious' (CauseIntent.yaml:3) means CauseIntent"]


def test_a_model_over_amazons_size_limit_is_refused(monkeypatch):
    """SMAPI refuses a model definition over 1,000,000 characters; the templates multiply, so
    the builder counts every locale's model as the skill package sends it (minified)."""
    import skill.build.model as model

    sizes = {locale: len(model.minified(m)) for locale, m in model.build_models().items()}
    assert max(sizes.values()) <= model.MAX_MODEL_CHARACTERS
    monkeypatch.setattr(model, "MAX_MODEL_CHARACTERS", min(sizes.values()) - 1)
    with pytest.raises(model.ModelRefused) as refused:
        model.build_models()
    assert any("characters once minified" in line for line in refused.value.problems)


def _built_type(intents_dir, source, name: str) -> dict:
    """Slot type `name` of the en-US model built from a fixture."""
    language = build_models(intents_dir=intents_dir, source_path=source)["en-US"][
        "interactionModel"]["languageModel"]
    return next(t for t in language["types"] if t["name"] == name)


WHO = ("name: EmergencyIntent\nslots:\n  - name: Person\n    type: PersonType\nsamples:\n"
       "  - \"{Person} can't breathe\"\n")


def test_a_word_type_lets_one_sample_stand_for_every_person_with_an_id_for_each(tmp_path):
    intents_dir, source = _fixture(tmp_path, {"EmergencyIntent": WHO},
                                   "word_types:\n  PersonType: [he, my dad's friend]\n")
    person = _built_type(intents_dir, source, "PersonType")
    assert person["values"] == [{"id": "he", "name": {"value": "he"}},
                                {"id": "my_dads_friend", "name": {"value": "my dad's friend"}}]


LIMB = ("name: EmergencyIntent\nslots:\n  - name: Limb\n    type: LimbType\nsamples:\n"
        "  - \"{Limb} went numb\"\n")


def test_an_owned_part_type_is_every_owner_before_every_part_as_one_noun_phrase(tmp_path):
    intents_dir, source = _fixture(
        tmp_path, {"EmergencyIntent": LIMB},
        "word_types:\n  WhoseType: [my, my dad's]\n"
        "  LimbType: {owner: WhoseType, parts: [arm, left leg]}\n")
    limb = _built_type(intents_dir, source, "LimbType")
    assert [value["name"]["value"] for value in limb["values"]] == [
        "my arm", "my left leg", "my dad's arm", "my dad's left leg"]
    assert limb["values"][3]["id"] == "my_dads_left_leg"


@pytest.mark.parametrize(("extra", "reason"), [
    ("word_types:\n  LimbType: {owner: WhoseType, parts: [arm]}\n", "'owner' .another word type"),
    ("word_types:\n  WhoseType: [my]\n  LimbType: {owner: WhoseType}\n", "and 'parts'"),
    ("word_types:\n  WhoseType: [my]\n  LimbType: {owner: WhoseType, parts: [arm, arm]}\n",
     "lists a word twice"),
    ("word_types:\n  PersonType: [he, he]\n", "lists a word twice"),
    ("word_types:\n  PersonType: he\n", "must map a slot type to a list of words"),
    ("word_types:\n  CauseType: [he]\n", "is both a slot type and a word type"),
    ("word_types:\n  PersonType: [he]\nnumbered_ids: [SignType]\n", "'numbered_ids' must list"),
])
def test_a_word_type_that_cannot_be_a_slot_type_is_refused_with_the_reason(tmp_path, extra,
                                                                            reason):
    from skill.build.model import ModelError

    intents_dir, source = _fixture(tmp_path, {"EmergencyIntent": WHO}, extra)
    with pytest.raises(ModelError, match=reason):
        build_models(intents_dir=intents_dir, source_path=source)


def test_a_models_check_runs_again_whenever_anything_it_depends_on_changes(monkeypatch,
                                                                             tmp_path):
    """The check report is kept for the process (a check takes minutes), but only for exactly the
    same inputs: a changed sample, sample line, entry group or value file is checked afresh."""
    import copy
    import dataclasses

    from skill.build import model as builder
    from skill.build.model_checks import Report

    checked: list[object] = []
    monkeypatch.setattr(builder, "check_model", lambda *args: checked.append(args) or Report())
    monkeypatch.setattr(builder, "_REPORTS", {})
    models, origins, sources, groups = builder.compose_models()

    def check(model, origins, sources, groups):   # as check_models asks, per locale
        return builder._checked(model, builder._inputs(origins, sources, groups), origins,
                                sources, groups)

    model = models["en-US"]

    first = check(model, origins, sources, groups)
    assert check(model, origins, sources, groups) is first
    assert len(checked) == 1

    changed = copy.deepcopy(model)
    changed["interactionModel"]["languageModel"]["intents"][0]["samples"].append("a new one")
    check(changed, origins, sources, groups)
    assert len(checked) == 2

    moved = {intent: dict(forms) for intent, forms in origins.items()}
    intent = next(iter(moved))
    form = next(iter(moved[intent]))
    moved[intent][form] = dataclasses.replace(moved[intent][form], line=99_999)
    check(model, moved, sources, groups)
    assert len(checked) == 3

    check(model, origins, sources, [*groups, ["caffeine", "stress"]])
    assert len(checked) == 4

    value_file = tmp_path / "causes.yaml"   # a message names a value's line in its file
    value_file.write_text("- id: caffeine\n", encoding="utf-8")
    elsewhere = {**sources, "CauseType": str(value_file)}
    check(model, origins, elsewhere, groups)
    assert check(model, origins, elsewhere, groups) is not None and len(checked) == 5
    value_file.write_text("\n- id: caffeine\n", encoding="utf-8")
    check(model, origins, elsewhere, groups)
    assert len(checked) == 6


SIGN = ("name: EmergencyIntent\nslots:\n  - name: Sign\n    type: SignType\nsamples:\n"
        "  - i'm having {Sign}\n  - i'm having trouble breathing\n  - i'm having chest pain\n"
        "  - i'm having a very bad day\n  - i'm having {Sign} now\n")


def test_a_sample_a_slotted_sample_of_its_intent_already_says_is_left_out(tmp_path):
    """Alexa hears "i'm having trouble breathing" through "i'm having {Sign}" when "trouble
    breathing" is a Sign value, so the spelled-out copy only spends the model's size limit."""
    intents_dir, source = _fixture(tmp_path, {"EmergencyIntent": SIGN},
                                   "word_types:\n  SignType: [trouble breathing, a seizure]\n")
    samples = next(i["samples"] for i in build_models(intents_dir=intents_dir, source_path=source)[
        "en-US"]["interactionModel"]["languageModel"]["intents"] if i["name"] == "EmergencyIntent")
    assert samples == ["i'm having {Sign}", "i'm having chest pain", "i'm having a very bad day",
                       "i'm having {Sign} now"]


def test_only_a_slots_own_value_stands_for_words_never_a_synonym_or_part_of_a_word(tmp_path):
    from skill.build.model import without_spelled_out

    intents = [{"name": "CauseIntent", "slots": [{"name": "Cause", "type": "CauseType"}],
                "samples": ["does {Cause} cause it", "does coffee cause it",
                            "does caffeine cause it", "does caffeines cause it",
                            "does caffeine cause it now"]}]
    types = [{"name": "CauseType", "values": [
        {"id": "caffeine", "name": {"value": "caffeine", "synonyms": ["coffee"]}}]}]
    assert without_spelled_out(intents, types)[0]["samples"] == [
        "does {Cause} cause it", "does coffee cause it", "does caffeines cause it",
        "does caffeine cause it now"]
    assert intents[0]["samples"][2] == "does caffeine cause it"   # the input is left as it was


def test_each_locale_leaves_out_only_what_its_own_slot_values_say():
    for locale, model in MODELS.items():
        language = model["interactionModel"]["languageModel"]
        values = {t["name"]: {v["name"]["value"] for v in t["values"]} for t in language["types"]}
        for intent in language["intents"]:
            slot_type = {s["name"]: s["type"] for s in intent.get("slots", [])}
            spelled = [sample for sample in intent.get("samples", []) if "{" not in sample]
            for sample in intent.get("samples", []):
                names = re.findall(r"\{(\w+)\}", sample)
                if len(names) != 1 or slot_type.get(names[0]) not in values:
                    continue
                before, after = sample.split("{" + names[0] + "}")
                said = [literal for literal in spelled
                        if literal.startswith(before) and literal.endswith(after)
                        and len(literal) > len(before) + len(after)
                        and literal[len(before):len(literal) - len(after)]
                        in values[slot_type[names[0]]]]
                assert said == [], (locale, intent["name"], sample, said[:3])


def test_a_word_types_word_may_hold_alternatives_like_a_sample_line(tmp_path):
    intents_dir, source = _fixture(tmp_path, {"EmergencyIntent": WHO},
                                   "word_types:\n  PersonType: [\"(he|she) (collapsed|fell)\"]\n")
    person = _built_type(intents_dir, source, "PersonType")
    assert [v["name"]["value"] for v in person["values"]] == [
        "he collapsed", "he fell", "she collapsed", "she fell"]


def test_a_numbered_word_type_gets_short_ids_and_keeps_every_word_as_a_value(tmp_path):
    """Numbering saves characters, never words: every word is still a value of its own."""
    intents_dir, source = _fixture(tmp_path, {"EmergencyIntent": WHO},
                                   "word_types:\n  PersonType: [\"(he|she) (collapsed|fell)\"]\n"
                                   "numbered_ids: [PersonType]\n")
    person = _built_type(intents_dir, source, "PersonType")
    assert [(v["id"], v["name"]["value"]) for v in person["values"]] == [
        ("p1", "he collapsed"), ("p2", "he fell"), ("p3", "she collapsed"), ("p4", "she fell")]


def test_a_sample_standing_for_thousands_is_read_as_a_pattern_and_its_conflicts_still_found(
        tmp_path, monkeypatch):
    """Two clause slots side by side with "and" stand for every pair of clauses: too many to
    list, so the check reads such a sample against the other intents' utterances instead."""
    from skill.build import model_checks

    monkeypatch.setattr(model_checks, "_LISTED_FORMS", 1)
    problems = _refusal(tmp_path, {
        "BodyPartIntent": BODY,
        "EmergencyIntent": "name: EmergencyIntent\nslots:\n  - name: Cause\n    type: CauseType\n"
                           "  - name: BodyPart\n    type: BodyPartType\nsamples:\n"
                           "  - why does my {BodyPart} twitch after {Cause}\n"
                           "  - why does my {BodyPart} twitch\n",
        "CauseIntent": "name: CauseIntent\nsamples:\n  - why does my arm twitch after coffee\n"})
    assert any(line.startswith("EmergencyIntent.yaml:8: 'why does my arm twitch after coffee'")
               and "means EmergencyIntent and CauseIntent" in line for line in problems), problems
    assert any(line.startswith("EmergencyIntent.yaml:9: ") and "'why does my eyelid twitch'" in line
               and "means EmergencyIntent and BodyPartIntent" in line
               for line in problems), problems


def test_slot_patterns_say_whole_words_of_listed_phrases_only():
    from skill.build.slot_patterns import SlotPatterns

    patterns: SlotPatterns[str] = SlotPatterns({"Clause": {"my face is drooping", "i can't talk"}})
    assert patterns.add("{A} and {B}", {"A": "Clause", "B": "Clause"}, "EmergencyIntent")
    assert not patterns.add("at {Time}", {"Time": "AMAZON.TIME"}, "ReminderTimeIntent")
    assert list(patterns.owners("my face is drooping and i can't talk")) == [
        ("EmergencyIntent", "{A} and {B}")]
    assert patterns.says("i can't talk and i can't talk")
    assert not patterns.says("my face is drooping and i can't talk now")
    assert not patterns.says("my face is drooping and i can't")
    assert not patterns.says("my face is drooping or i can't talk")


def test_slot_patterns_find_a_sample_by_a_whole_word_between_its_slots():
    """Samples are looked up by the longest whole word between their slots; the "'s" after a
    slot is part of the word before it in what people say, so it never serves as that word."""
    from skill.build.slot_patterns import SlotPatterns

    patterns: SlotPatterns[str] = SlotPatterns({"Who": {"my dad", "she"},
                                                "State": {"tired", "can't talk"}})
    slots = {"Who": "Who", "State": "State"}
    assert patterns.add("{Who}'s so {State}", slots, "A")
    assert patterns.add("{Who} and now {State}", slots, "B")
    assert list(patterns.owners("my dad's so tired")) == [("A", "{Who}'s so {State}")]
    assert list(patterns.owners("she and now can't talk")) == [("B", "{Who} and now {State}")]
    assert not patterns.says("my dad so tired")
    assert not patterns.says("she can't talk")
    # a sample with no word between its slots is tried for every utterance
    assert patterns.add("{Who} {State}", slots, "C")
    assert list(patterns.owners("she can't talk")) == [("C", "{Who} {State}")]
    assert list(patterns.owners("my dad's so tired")) == [("A", "{Who}'s so {State}")]
