"""Launch, session end, other English locales, screens, and requests that are not right."""

from __future__ import annotations

import logging

import pytest

from skill.app import build_skill, handle_event
from skill.config import Settings
from tests.conftest import load_fixture


def test_launch_welcomes_and_says_it_is_not_medical_advice(replay):
    reply = replay("launch")
    assert reply.speech.startswith("Welcome to Muscle Twitch Guide.")
    assert "not medical advice" in reply.speech
    assert reply.reprompt
    assert reply.ends_session is False


def test_a_british_launch_is_answered(replay):
    assert replay("launch_en_gb").speech.startswith("Welcome to Muscle Twitch Guide.")


@pytest.mark.parametrize(("fixture", "spoken", "written"), [
    ("emergency_en_gb", "nine nine nine", "999"),
    ("emergency_en_au", "triple zero", "000"),
    ("emergency_en_in", "one zero eight, or one one two", "108 or 112"),
    ("warning_signs_en_ca", "nine one one", "911"),
])
def test_the_emergency_number_is_the_listeners_own(replay, fixture, spoken, written):
    reply = replay(fixture)
    assert f"call {spoken} now" in reply.speech.lower()
    assert written in reply.card["content"]


def test_an_echo_show_gets_the_same_answer_and_card(replay):
    show, dot = replay("echo_show_cause_coffee"), replay("cause_coffee")
    assert show.speech == dot.speech
    assert show.card == dot.card


@pytest.mark.parametrize("fixture", [
    "session_ended_user_initiated", "session_ended_error", "session_ended_exceeded"])
def test_session_ended_gets_an_empty_response(replay, fixture):
    reply = replay(fixture)
    assert "outputSpeech" not in reply.response
    assert reply.envelope["version"] == "1.0"


def test_a_session_that_ended_in_error_is_logged(replay, caplog):
    with caplog.at_level(logging.ERROR):
        replay("session_ended_error")
    assert "INVALID_RESPONSE" in caplog.text


def test_the_skills_own_session_attributes_carry_forward_and_nothing_else(replay):
    reply = replay("cause_coffee", time_zone="Europe/Paris", earlier="not ours")
    assert reply.attributes["time_zone"] == "Europe/Paris"
    assert "earlier" not in reply.attributes


def test_a_request_for_another_skill_is_refused_when_a_skill_id_is_configured(caplog):
    skill = build_skill(Settings(skill_id="amzn1.ask.skill.someone-else"))
    with caplog.at_level(logging.WARNING):
        envelope = handle_event(skill, load_fixture("launch"))
    assert "Welcome" not in str(envelope)
    assert envelope["response"]["shouldEndSession"] is True
    assert "request rejected" in caplog.text


def test_the_configured_skill_id_is_accepted():
    fixture = load_fixture("launch")
    skill = build_skill(Settings(skill_id=fixture["context"]["System"]["application"][
        "applicationId"]))
    assert "Welcome" in handle_event(skill, fixture)["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("event", [{}, {"version": "1.0"}, [], "text", {"request": "nope"}])
def test_a_malformed_event_gets_a_spoken_apology_not_a_crash(skill, event):
    envelope = handle_event(skill, event)
    assert "Sorry" in envelope["response"]["outputSpeech"]["ssml"]


def test_a_failing_handler_is_turned_into_an_apology_with_a_reprompt(replay, monkeypatch, caplog):
    from skill.handlers import topics

    def broken(self, handler_input):
        raise RuntimeError("boom")

    monkeypatch.setattr(topics.TopicHandler, "handle", broken)
    with caplog.at_level(logging.ERROR):
        reply = replay("cause_coffee")
    assert reply.speech == "Sorry, something went wrong on my side. Please ask again."
    assert reply.reprompt
    assert reply.ends_session is False
    assert "boom" in caplog.text


def test_lambda_handler_is_the_entry_point():
    from skill.app import lambda_handler

    speech = lambda_handler(load_fixture("launch"), None)["response"]["outputSpeech"]["ssml"]
    assert "Welcome" in speech


def test_an_intent_without_a_session_still_gets_its_answer(skill):
    envelope = load_fixture("cause_coffee")
    del envelope["session"]
    answer = handle_event(skill, envelope)
    assert "caffeine" in answer["response"]["outputSpeech"]["ssml"]
    assert "sessionAttributes" not in answer
