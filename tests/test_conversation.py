"""Moving through a conversation: more, yes, no, repeat, help, stop, fallback."""

from __future__ import annotations


def test_more_after_the_cause_list_speaks_the_next_three(replay):
    reply = replay("more_after_cause_list")
    assert reply.speech.startswith("Also, dehydration, overworked muscles, and lack of sleep.")
    assert "There's one more. Want to hear it?" in reply.speech
    assert reply.attributes["follow_up"] == {"list": "causes", "offset": 6}


def test_yes_to_the_last_page_finishes_the_list(replay):
    reply = replay("yes_after_cause_list_page_two")
    assert reply.speech.startswith("And finally, medication.")
    assert "follow_up" not in reply.attributes


def test_tell_me_more_about_caffeine(replay):
    reply = replay("more_after_caffeine")
    assert "stimulants" in reply.speech
    assert reply.speech.endswith("What else would you like to know?")
    assert "follow_up" not in reply.attributes
    assert reply.ends_session is False


def test_next_works_like_more(replay):
    assert replay("next_after_caffeine").speech == replay("more_after_caffeine").speech


def test_more_with_nothing_pending_says_so(replay):
    assert replay("more_with_tampered_follow_up").speech.startswith("That's all I have on that.")


def test_no_declines_the_offer_and_keeps_listening(replay):
    reply = replay("no_after_offer")
    assert reply.speech == "Okay. What else would you like to know?"
    assert "follow_up" not in reply.attributes
    assert reply.ends_session is False


def test_yes_with_nothing_offered_invites_a_question(replay):
    reply = replay("yes_nothing_offered")
    assert reply.speech == "What else would you like to know?"


def test_repeat_says_the_last_answer_again_with_its_offer(replay):
    reply = replay("repeat_after_answer")
    assert reply.speech == "Dehydration can upset your electrolytes. Want to hear more?"
    assert reply.attributes["follow_up"] == {"more": "dehydration"}
    assert reply.card["title"] == "Dehydration"


def test_repeat_before_anything_was_said(replay):
    assert replay("repeat_first_turn").speech.startswith("I haven't said anything yet.")


def test_help_gives_examples_and_keeps_the_session_open(replay):
    reply = replay("help")
    assert "why does my eye twitch" in reply.speech
    assert reply.reprompt
    assert reply.ends_session is False


def test_stop_and_cancel_say_goodbye_and_end(replay):
    for fixture in ("stop", "cancel", "navigate_home"):
        reply = replay(fixture)
        assert reply.speech == "Take care. Goodbye."
        assert reply.ends_session is True
        assert reply.reprompt == ""


def test_fallback_says_what_it_can_do(replay):
    reply = replay("fallback")
    assert "what causes it" in reply.speech
    assert reply.ends_session is False


def test_an_intent_the_skill_does_not_know_gets_the_fallback(replay):
    assert replay("unknown_intent").speech == replay("fallback").speech


def test_start_over_goes_back_to_the_welcome(replay):
    assert replay("start_over").speech.startswith("Welcome to Muscle Twitch Guide.")
