"""Amazon's functional test list for custom skills, run over every locale, intent, slot value and
recorded fixture: what certification would check, before it does.

The rules themselves, each with the Amazon page it comes from, are in tests/certification.py.
Every test here names the page it follows; a failure names the locale, the intent and the value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.simulator.envelope import Conversation, slot
from skill.store.sqlite import SQLitePersistenceAdapter
from tests.alexa_api import REMINDER_PATH, REMINDERS_PATH, TIME_ZONE_PATH, TIMEOUT, FakeAlexaApi
from tests.certification import EVENT_TYPES, ends_on_prompt, problems
from tests.conftest import FIXTURES, spoken

MODELS = Path(__file__).resolve().parent.parent / "interaction_models"
LOCALES = sorted(path.stem for path in MODELS.glob("*.json"))
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
GRANTED = {"consentToken": "TEST_CONSENT_TOKEN",
           "scopes": {REMINDERS_SCOPE: {"status": "GRANTED"}}}


def _model(locale: str) -> dict[str, Any]:
    return json.loads((MODELS / f"{locale}.json").read_text(encoding="utf-8"))[
        "interactionModel"]["languageModel"]


def _one_shots() -> list[Any]:
    """(locale, intent, slot, value) for every intent, and for every value of a custom slot."""
    cases = []
    for locale in LOCALES:
        model = _model(locale)
        types = {t["name"]: t for t in model.get("types", ())}
        for intent in model["intents"]:
            custom = [s for s in intent.get("slots", ()) if s["type"] in types]
            if not custom:
                cases.append(pytest.param(locale, intent["name"], None, None,
                                          id=f"{locale}-{intent['name']}"))
                continue
            for slot_def in custom:
                for value in types[slot_def["type"]]["values"]:
                    name = value.get("id") or value["name"]["value"]
                    cases.append(pytest.param(locale, intent["name"], slot_def, value,
                                              id=f"{locale}-{intent['name']}-{name}"))
                cases.append(pytest.param(locale, intent["name"], slot_def, None,
                                          id=f"{locale}-{intent['name']}-empty"))
    return cases


def _alexa_api() -> FakeAlexaApi:
    """The Alexa APIs answering as they do for a user with the reminders permission."""
    return (FakeAlexaApi()
            .on("GET", TIME_ZONE_PATH, 200, "America/New_York")
            .on("GET", REMINDERS_PATH, 200, {"alerts": [], "totalCount": "0"})
            .on("POST", REMINDERS_PATH, 201, {"alertToken": "ALERT-1", "status": "ON",
                                              "createdTime": "2026-11-25T09:30:00.000Z",
                                              "updatedTime": "2026-11-25T09:30:00.000Z",
                                              "version": "1", "href": "/v1/alerts/reminders/A"}))


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    """The skill with a user store, as deployed; the Alexa APIs answer like a granting user's."""
    path = tmp_path_factory.mktemp("cert") / "users.sqlite3"
    return build_skill(Settings(state_path=str(path)), api_client=_alexa_api())


def _send(skill, envelope: dict[str, Any]) -> dict[str, Any]:
    return handle_event(skill, envelope)


def _assert_certifiable(request: dict[str, Any], response: dict[str, Any], label: str) -> None:
    found = problems(request["request"]["type"], response)
    assert not found, f"{label}: " + "; ".join(found)


def _conversation(locale: str, device: str = "echo-show", granted: bool = False
                  ) -> Conversation:
    return Conversation(locale=locale, device=device, permissions=GRANTED if granted else None)


# --- launch, help, stop, cancel, exit, fallback --------------------------------------------------

@pytest.mark.parametrize("device", ["echo-dot", "echo-show"])
@pytest.mark.parametrize("locale", LOCALES)
def test_launch_welcomes_and_keeps_the_session_open_with_a_prompt(certified, locale, device):
    """Voice Interface and User Experience Testing for a Custom Skill: session management, a
    launch with no intent gives a welcome prompt and leaves the session open for the answer."""
    request = _conversation(locale, device).launch()
    response = _send(certified, request)
    _assert_certifiable(request, response, f"{locale} launch")
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("intent", "ends"), [
    ("AMAZON.HelpIntent", False), ("AMAZON.FallbackIntent", False),
    ("AMAZON.StopIntent", True), ("AMAZON.CancelIntent", True)])
def test_help_and_fallback_prompt_stop_and_cancel_end_the_session(certified, locale, intent,
                                                                  ends):
    """Voice Interface and User Experience Testing for a Custom Skill: help explains and asks;
    stop and cancel end the interaction; a request the skill cannot handle is answered with a
    prompt instead of closing on the person. Sent mid-session, after a launch."""
    convo = _conversation(locale)
    convo.carry(_send(certified, convo.launch()))
    request = convo.intent(intent)
    response = _send(certified, request)
    _assert_certifiable(request, response, f"{locale} {intent}")
    assert response["response"]["shouldEndSession"] is ends


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])
def test_exit_and_every_session_end_get_an_empty_response(certified, locale, reason):
    """Request Types Reference (SessionEndedRequest): "exit" is Alexa's, which ends the session
    and tells the skill; the skill returns nothing to say, show or do."""
    convo = _conversation(locale)
    convo.carry(_send(certified, convo.launch()))
    error = {"type": "INVALID_RESPONSE", "message": "test"} if reason == "ERROR" else None
    request = convo.session_ended(reason, error)
    response = _send(certified, request)
    _assert_certifiable(request, response, f"{locale} SessionEndedRequest {reason}")
    assert not {"outputSpeech", "reprompt", "card", "directives"} & set(response["response"])


# --- a one-shot for every intent and every slot value --------------------------------------------

@pytest.mark.parametrize(("locale", "intent", "slot_def", "value"), _one_shots())
def test_a_one_shot_for_every_intent_and_value_meets_the_session_rules(certified, locale,
                                                                        intent, slot_def, value):
    """Voice Interface and User Experience Testing for a Custom Skill: one-shot phrasing ("ask
    muscle twitch guide ...") for each intent, with every value of its slot (the canonical word
    and each synonym, as Alexa resolves them) and with the slot empty. An open session ends on a
    prompt with a reprompt; a closed one has no reprompt; speech, card and the whole response
    with its screen (Echo Show) stay within the sizes in the Request and Response JSON Reference.
    """
    convo = _conversation(locale, granted=True)
    words: list[str | None] = [None]
    slots: dict[str, Any] = {}
    if value is not None:
        words = [value["name"]["value"], *value["name"].get("synonyms", ())]
    for said in words:
        convo.restart()
        if slot_def is not None:
            match = (value["id"], value["name"]["value"]) if value is not None else None
            slots = {slot_def["name"]: slot(slot_def["name"], said, slot_type=slot_def["type"],
                                            match=match)}
        request = convo.intent(intent, slots)
        response = _send(certified, request)
        _assert_certifiable(request, response, f"{locale} {intent} {said!r}")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_value_the_model_does_not_know_still_ends_on_a_prompt(certified, locale):
    """Voice Interface and User Experience Testing for a Custom Skill: intent and slot
    combinations, including a slot value outside the model (ER_SUCCESS_NO_MATCH)."""
    model = _model(locale)
    types = {t["name"] for t in model.get("types", ())}
    for intent in model["intents"]:
        for slot_def in intent.get("slots", ()):
            if slot_def["type"] not in types:
                continue
            convo = _conversation(locale)
            request = convo.intent(intent["name"], {slot_def["name"]: slot(
                slot_def["name"], "gout", slot_type=slot_def["type"])})
            _assert_certifiable(request, _send(certified, request),
                                f"{locale} {intent['name']} 'gout'")


# --- the error answers --------------------------------------------------------------------------

@pytest.mark.parametrize("status", [400, 429, 500, 503, TIMEOUT])
@pytest.mark.parametrize("intent", ["SetReminderIntent", "ReminderStatusIntent",
                                    "CancelReminderIntent"])
def test_a_failed_reminders_call_leaves_no_open_session_without_a_prompt(intent, status):
    """Voice Interface and User Experience Testing for a Custom Skill (session management) and
    Alexa Reminders API Reference (error codes): every failure answer either ends the session
    or asks what next."""
    api = (FakeAlexaApi().on("GET", TIME_ZONE_PATH, 200, "America/New_York")
           .on("GET", REMINDERS_PATH, status)
           .on("POST", REMINDERS_PATH, status).on("DELETE", REMINDER_PATH, status))
    if intent == "CancelReminderIntent":
        api.answers[("GET", REMINDERS_PATH)] = (200, {"alerts": [{"alertToken": "A",
                                                                  "status": "ON"}]})
    skill = build_skill(Settings(), api_client=api)
    convo = _conversation("en-US", "echo-dot", granted=True)
    slots = {"Time": slot("Time", "08:00", slot_type="AMAZON.TIME")} \
        if intent == "SetReminderIntent" else None
    request = convo.intent(intent, slots)
    response = _send(skill, request)
    _assert_certifiable(request, response, f"{intent} with the API answering {status}")


def test_forget_me_with_the_store_down_leaves_no_open_session_without_a_prompt(tmp_path,
                                                                            monkeypatch):
    """Voice Interface and User Experience Testing for a Custom Skill: session management on
    the "I can't reach my memory" answer."""
    skill = build_skill(Settings(state_path=str(tmp_path / "u.sqlite3")),
                        api_client=FakeAlexaApi())

    def down(self, user_id):
        raise PersistenceException("disk gone")

    monkeypatch.setattr(SQLitePersistenceAdapter, "read", down)
    request = _conversation("en-US", "echo-dot").intent("ForgetMeIntent")
    _assert_certifiable(request, _send(skill, request), "ForgetMeIntent, store down")


def test_a_forget_me_that_cannot_delete_leaves_no_open_session_without_a_prompt(tmp_path,
                                                                              monkeypatch):
    """Voice Interface and User Experience Testing for a Custom Skill: session management on
    the "I couldn't delete your information" answer."""
    skill = build_skill(Settings(state_path=str(tmp_path / "u.sqlite3")),
                        api_client=FakeAlexaApi())
    convo = _conversation("en-US", "echo-dot")
    convo.carry(_send(skill, convo.launch()))          # a record now exists

    def refuse(self, user_id):
        raise PersistenceException("read-only")

    monkeypatch.setattr(SQLitePersistenceAdapter, "delete", refuse)
    convo.carry(_send(skill, convo.intent("ForgetMeIntent")))
    request = convo.intent("AMAZON.YesIntent")
    response = _send(skill, request)
    assert "couldn't delete" in spoken(response["response"]["outputSpeech"]["ssml"])
    _assert_certifiable(request, response, "yes to forget me, delete refused")


# --- events -------------------------------------------------------------------------------------

def _event_fixtures() -> list[Path]:
    return sorted(path for path in FIXTURES.glob("event_*.json"))


def test_there_is_a_recorded_fixture_for_every_event_type():
    """Use Skill Events; Alexa Reminders API Reference (reminder events); Alexa.Presentation.APL
    Interface Reference (RuntimeError); Skill Messaging API Reference: one fixture per shape."""
    types = {json.loads(path.read_text())["request"]["type"] for path in _event_fixtures()}
    assert set(EVENT_TYPES) <= types


@pytest.mark.parametrize("path", _event_fixtures(), ids=lambda p: p.stem)
def test_an_event_gets_a_valid_response_with_nothing_spoken(certified, path):
    """Use Skill Events (and the reminder, APL and messaging event references): an event comes
    from no person speaking; the skill answers with a valid, silent response."""
    event = json.loads(path.read_text(encoding="utf-8"))
    response = _send(certified, event)
    _assert_certifiable(event, response, path.stem)
    assert response["response"].get("outputSpeech") is None


# --- every recorded fixture ---------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_every_recorded_request_gets_a_certifiable_response(certified, path):
    """Voice Interface and User Experience Testing for a Custom Skill and the Request and
    Response JSON Reference, over every recorded request (each mid-dialog state they capture)."""
    event = json.loads(path.read_text(encoding="utf-8"))
    _assert_certifiable(event, _send(certified, event), path.stem)


# --- the checks themselves ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "prompt"), [
    ("Caffeine can cause twitching. Want to hear more?", True),
    ("Say continue to pick up there, or ask me something new.", True),
    ("You can say yes, or ask something else.", True),
    ("Botox can help. For advice, please talk to a doctor.", False),
    ("Is it serious? Usually not.", False),
    ("Sorry, it failed. Please try again later.", False),
    ("You don't have one. To set one, say, remind me every day at eight a m.", True),
    ("If it keeps going, ask your doctor.", False),
])
def test_a_prompt_is_judged_on_the_final_sentence(text, prompt):
    """Voice Interface and User Experience Testing for a Custom Skill: what the person hears
    last, just before the microphone opens, must tell them it is their turn."""
    assert ends_on_prompt(text) is prompt


def test_an_open_session_without_a_question_is_reported():
    response = {"version": "1.0", "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Botox can help.</speak>"},
        "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>What else?</speak>"}},
        "shouldEndSession": False}}
    assert any("ends on a statement" in p for p in problems("IntentRequest", response))


def test_an_oversized_response_and_speech_are_reported():
    ssml = "<speak>" + "a" * 8001 + "?</speak>"
    response = {"version": "1.0", "response": {
        "outputSpeech": {"type": "SSML", "ssml": ssml}, "shouldEndSession": True,
        "card": {"type": "Simple", "title": "t", "content": "b" * 20000}}}
    found = " ".join(problems("IntentRequest", response))
    assert "over 8000" in found and "over Amazon's 24 KB" in found


def test_speech_in_answer_to_an_event_is_reported():
    response = {"version": "1.0", "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Sorry.</speak>"}}}
    assert problems("AlexaSkillEvent.SkillEnabled", response)


# --- every turn of every dialog script ----------------------------------------------------------

DIALOGS = Path(__file__).resolve().parent / "dialogs"


@pytest.mark.parametrize("path", sorted(DIALOGS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_turn_of_every_dialog_gets_a_certifiable_response(path, tmp_path):
    """Voice Interface and User Experience Testing for a Custom Skill, over whole conversations
    as the simulator plays them (multi-turn states no single fixture captures)."""
    from skill.simulator.dialogs import load_script, run_script

    skill = build_skill(Settings(state_path=str(tmp_path / "users.sqlite3"),
                                 alexa_api_loopback=True))
    found = []
    for result in run_script(load_script(path),
                             handler=lambda event, context: handle_event(skill, event)):
        for exchange in result.outcome.exchanges:
            broken = problems(exchange.request_type, exchange.response)
            if broken:
                found.append(f"turn {result.index} ({result.turn.say!r}): {'; '.join(broken)}")
    assert not found, "\n".join(found)
