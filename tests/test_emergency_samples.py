"""Emergency statements, as frightened people say them, reach EmergencyIntent word for word.

Issue: people state what is happening rather than ask, often about someone else, sometimes two
signs in one breath, with or without "suddenly", and sometimes naming twitching too. Each
phrasing family below must resolve to EmergencyIntent in every locale by the samples alone
(`strict`: how a word-for-word emulator matches), so that no close-match luck is needed and no
other intent can take the statement. These phrasings were written while the samples were grown,
so they specify coverage; they are not a held-out measure of it.
"""

from __future__ import annotations

import pytest

from skill.build.model import build_models
from skill.simulator.resolver import load_resolver

LOCALES = sorted(build_models())

FAMILIES = {
    "numbness or weakness on one side": [
        "one side of my body is numb", "my left side suddenly feels weak", "half my face went numb",
        "my face is numb on one side", "i can't move my right arm", "my arm suddenly went weak",
        "my wife's left side is weak", "my dad's left arm is weak", "he feels weak on one side",
        "my husband can't move his arm", "my mum can't lift her arm"],
    "an arm, leg, hand, face or side, one's own or anyone's": [
        "my left leg feels weak all of a sudden", "my right hand won't move",
        "the left side of my face feels numb", "my whole right side has gone dead",
        "my nan's right leg just went weak", "my boss can't feel his left hand",
        "i suddenly can't lift my right arm", "i've lost all feeling in my left leg",
        "my father's left leg just gave out", "help my dad can't move his arm",
        "his arm went numb and he can't talk", "i can't talk and my arm went numb"],
    "a drooping face": [
        "my face is drooping", "one side of my face is drooping", "my husband's face is drooping",
        "one side of my mum's face is drooping", "her mouth is drooping",
        "my nan's face has gone droopy", "my grandfather's face is drooping on one side"],
    "slurred or lost speech": [
        "my speech is slurred", "i can't speak properly", "i suddenly lost my speech",
        "my dad suddenly can't speak", "my mum is slurring her words",
        "my grandad can't speak properly", "my father's speech is slurred",
        "she can't get her words out"],
    "trouble breathing or swallowing": [
        "i can't breathe", "i can barely breathe", "i'm having trouble swallowing",
        "he can't breathe", "she's having trouble breathing", "my dad is struggling to breathe",
        "my son stopped breathing", "my mother suddenly can't swallow", "my baby can't breathe"],
    "chest pain": [
        "i have chest pain", "i have a crushing pain in my chest", "my chest is really tight",
        "my father has chest pain", "i'm having chest pains", "my wife is having chest pains"],
    "choking": ["i'm choking", "my daughter is choking", "someone is choking",
                "my little boy is choking", "she's choking"],
    "a seizure": ["i'm having a seizure", "my son is having a seizure", "he's having a fit",
                  "my girlfriend is having a seizure", "my brother just had a seizure"],
    "a suspected stroke": [
        "i think i'm having a stroke", "am i having a stroke", "i think my grandmother is having "
        "a stroke", "my wife is having a stroke i think", "i think my husband had a stroke",
        "is my dad having a stroke"],
    "an ambulance": ["i need an ambulance", "call an ambulance", "please call an ambulance",
                     "we need an ambulance", "my grandpa needs an ambulance",
                     "call nine one one", "call nine nine nine", "call triple zero"],
    "saying it is an emergency": ["this is an emergency", "it's an emergency",
                                  "i need help it's an emergency", "this is a medical emergency",
                                  "my mum is having a medical emergency"],
    "two signs in one breath": [
        "my face is drooping and i can't talk", "he can't breathe and his lips are blue",
        "suddenly my speech is slurred and i can't lift my arm",
        "my chest is tight and my left arm went numb",
        "my mum's speech is slurred and her face is drooping",
        "my face is drooping and my arm is weak", "my speech is slurred and my arm is weak",
        "my leg is numb and my speech is slurred", "my chest hurts and i can't breathe",
        "i've got chest pain and my arm is numb", "i can't talk properly and my arm is numb",
        "my dad's face is drooping and he can't speak",
        "my wife can't lift her arm and her speech is slurred"],
    "suddenly": ["all of a sudden my leg went numb", "suddenly my wife can't talk",
                 "suddenly i can't speak", "all of a sudden i can't swallow",
                 "my arm went weak all of a sudden"],
    "with twitching named too": [
        "i'm twitching and i can't breathe", "my arm is twitching and now it's numb",
        "my arm is twitching and it went numb", "i have twitching and chest pain",
        "i have twitching and trouble breathing", "i have slurred speech and twitching",
        "my face is twitching and drooping", "i'm twitching and my face is drooping",
        "my husband is twitching and can't breathe"],
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_emergency_phrasing_family_is_understood_word_for_word(locale, family):
    resolver = load_resolver(locale)
    missed = {say: resolver.resolve(say, strict=True).intent for say in FAMILIES[family]
              if resolver.resolve(say, strict=True).intent != "EmergencyIntent"}
    assert missed == {}


@pytest.mark.parametrize("say", [
    "my eye keeps twitching", "my son's eyelid keeps twitching", "my dad has als",
    "my daughter has twitching in her eyelid", "i have twitching and numbness",
    "is my twitching serious", "should i worry about my twitching"])
def test_twitching_about_oneself_or_a_relative_without_an_emergency_sign_is_no_emergency(say):
    assert load_resolver("en-US").resolve(say).intent != "EmergencyIntent"


@pytest.mark.parametrize("say", [
    "my toe went numb", "my finger is numb", "my foot went numb", "my knee went weak",
    "his toe went numb", "my lip is numb", "my thumb feels numb",
    pytest.param("my dad's foot is numb", marks=pytest.mark.xfail(strict=True, reason=(
        "known over-alarm, on the safe side: the statistical NLU leaves Limb empty for an "
        "unlisted owned part, so the handler cannot tell it from a listed one")))])
def test_a_numb_or_weak_part_other_than_an_arm_leg_hand_face_or_side_is_no_emergency(say):
    """Word for word, no emergency sample names a toe or a knee. Alexa's NLU may still fill the
    Limb slot with one ("my toe" arrives unresolved, ER_SUCCESS_NO_MATCH), as the simulator's
    resolver and statistical NLU do: the skill then answers with the warning signs, which keep
    the session open and point to a doctor, never with an order to call the emergency number."""
    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.simulator.session import Simulator
    from tests.alexa_api import FakeAlexaApi

    resolver = load_resolver("en-US")
    assert resolver.resolve(say, strict=True).intent != "EmergencyIntent"
    skill = build_skill(Settings(), api_client=FakeAlexaApi())
    emergency_call = "call nine one one now"
    for nlu in ("resolver", "statistical"):
        simulator = Simulator(nlu=nlu, handler=lambda event, _context: handle_event(skill, event))
        turn = simulator.say(say)
        speech = " ".join(answer["response"]["outputSpeech"]["ssml"] for answer in turn.answers)
        assert not speech.lower().replace("<speak>", "").startswith(emergency_call), (nlu, speech)
        assert turn.session_open, (nlu, speech)
        assert "doctor" in speech.lower(), (nlu, speech)


@pytest.mark.parametrize("say", [
    "my left arm went numb", "my dad's face is drooping", "my husband's right leg has gone dead",
    "our son's left side is weak", "help my mum can't move her right arm"])
def test_an_arm_leg_hand_face_or_side_from_the_list_is_the_emergency_by_every_nlu(say):
    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.simulator.session import Simulator
    from tests.alexa_api import FakeAlexaApi

    assert load_resolver("en-US").resolve(say, strict=True).intent == "EmergencyIntent"
    skill = build_skill(Settings(), api_client=FakeAlexaApi())
    for nlu in ("resolver", "statistical"):
        simulator = Simulator(nlu=nlu, handler=lambda event, _context: handle_event(skill, event))
        turn = simulator.say(say)
        speech = turn.answers[0]["response"]["outputSpeech"]["ssml"].lower()
        assert speech.startswith("<speak>call nine one one now"), (nlu, speech)
        assert turn.answers[0]["response"].get("shouldEndSession") is True, nlu


def _answer(slots: dict[str, tuple[str, bool]]) -> dict:
    """The skill's response to EmergencyIntent with these slots: name -> (words, listed)."""
    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.simulator.envelope import Conversation, slot
    from tests.alexa_api import FakeAlexaApi

    types = {"Limb": "LimbType", "SignClause": "SignClauseType",
             "OtherSignClause": "SignClauseType"}
    filled = {name: slot(name, words, slot_type=types[name],
                         match=(words.replace(" ", "_"), words) if listed else None)
              for name, (words, listed) in slots.items()}
    event = Conversation().intent("EmergencyIntent", filled)
    return handle_event(build_skill(Settings(), api_client=FakeAlexaApi()), event)["response"]


@pytest.mark.parametrize("slots", [
    {"SignClause": ("my eye twitches", False), "OtherSignClause": ("i'm tired", False)},
    {"SignClause": ("my calf aches", False)},
    {"Limb": ("my toe", False), "SignClause": ("my foot tingles", False)},
])
def test_sign_slots_heard_but_none_listed_get_the_warning_signs_not_the_call(slots):
    """Alexa's NLU may send "my eye twitches and i'm tired" here through "{SignClause} and
    {OtherSignClause}", every clause unresolved: no sign the skill knows was said."""
    response = _answer(slots)
    speech = response["outputSpeech"]["ssml"].lower()
    assert not speech.startswith("<speak>call nine one one now"), speech
    assert "doctor" in speech and response.get("shouldEndSession") is not True


@pytest.mark.parametrize("slots", [
    {"SignClause": ("i'm so scared", False), "OtherSignClause": ("i can't breathe", True)},
    {"SignClause": ("my face is drooping", True), "OtherSignClause": ("i feel odd", False)},
    {"Limb": ("my toe", False), "SignClause": ("my speech is slurred", True)},
    {"SignClause": ("he can't talk", True)},
])
def test_one_listed_sign_among_the_sign_slots_is_the_emergency(slots):
    response = _answer(slots)
    assert response["outputSpeech"]["ssml"].lower().startswith("<speak>call nine one one now")
    assert response.get("shouldEndSession") is True
