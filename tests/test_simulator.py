"""The local simulator: typed words in, what Alexa would send and what the skill answers out."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from skill.app import handle_event
from skill.simulator.builtins import parse_date, parse_number, parse_time
from skill.simulator.cli import main
from skill.simulator.dialogs import ScriptError, load_script
from skill.simulator.envelope import (
    PLACEHOLDER_CONSENT,
    PLACEHOLDER_DEVICE,
    PLACEHOLDER_TOKEN,
    PLACEHOLDER_USER,
)
from skill.simulator.resolver import ER_MATCH, ER_NO_MATCH, FALLBACK, Resolver, load_resolver
from skill.simulator.session import Simulator
from tests.conftest import load_fixture

RESOLVER = load_resolver("en-US")


def status(slot: dict) -> str:
    return slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"]


@pytest.fixture
def handler(skill):
    return lambda event, context: handle_event(skill, event)


def run(argv: list[str], handler) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, handler=handler, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- resolving utterances -------------------------------------------------------------------

def test_a_slot_value_resolves_to_its_entry_with_the_words_heard():
    resolved = RESOLVER.resolve("can coffee cause twitching")
    assert resolved.intent == "CauseIntent"
    cause = resolved.slots["Cause"]
    assert cause["value"] == "coffee"
    per_authority = cause["resolutions"]["resolutionsPerAuthority"][0]
    assert per_authority["status"]["code"] == ER_MATCH
    assert per_authority["values"][0]["value"] == {"name": "caffeine", "id": "caffeine"}
    assert per_authority["authority"].endswith(".CauseType")


def test_a_slot_request_has_the_shape_of_the_recorded_fixture():
    recorded = load_fixture("cause_coffee")["request"]["intent"]["slots"]["Cause"]
    assert RESOLVER.resolve("can coffee cause twitching").slots["Cause"] == recorded


def test_words_that_name_nothing_we_cover_are_passed_on_with_no_match():
    resolved = RESOLVER.resolve("what is gout")
    assert resolved.intent == "ConditionIntent"
    assert resolved.slots["Condition"]["value"] == "gout"
    assert status(resolved.slots["Condition"]) == ER_NO_MATCH


def test_an_intent_without_a_slot_value_still_lists_its_slots_empty():
    resolved = RESOLVER.resolve("what causes twitching")
    assert resolved.intent == "CauseIntent"
    assert resolved.slots == {"Cause": {"name": "Cause", "confirmationStatus": "NONE"}}


def test_the_most_specific_sample_wins():
    # "why does my {BodyPart} twitch" captures one word; "why does {BodyPart} twitch"-like
    # samples would capture "my eye": fewer words in slots wins, and it resolves.
    resolved = RESOLVER.resolve("why does my eye twitch")
    assert resolved.sample == "why does my {BodyPart} twitch"
    assert resolved.slot_ids() == {"BodyPart": "eyelid"}


def test_a_resolving_slot_beats_a_sample_that_captures_fewer_words():
    model = {"interactionModel": {"languageModel": {
        "invocationName": "muscle twitch guide",
        "intents": [
            {"name": "AIntent", "slots": [{"name": "X", "type": "XType"}],
             "samples": ["tell me about {X} please"]},
            {"name": "BIntent", "slots": [{"name": "Y", "type": "YType"}],
             "samples": ["tell me about {Y}"]},
        ],
        "types": [
            {"name": "XType", "values": [{"id": "x", "name": {"value": "apples"}}]},
            {"name": "YType", "values": [{"id": "y", "name": {"value": "pears please"}}]},
        ]}}}
    resolver = Resolver(model)
    assert resolver.resolve("tell me about pears please").intent == "BIntent"
    assert resolver.resolve("tell me about apples please").intent == "AIntent"


def test_more_literal_words_break_a_tie():
    model = {"interactionModel": {"languageModel": {
        "invocationName": "muscle twitch guide",
        "intents": [
            {"name": "Short", "slots": [{"name": "X", "type": "XType"}],
             "samples": ["{X} now"]},
            {"name": "Long", "slots": [{"name": "X", "type": "XType"}],
             "samples": ["tell me {X} now"]},
        ],
        "types": [{"name": "XType", "values": [{"id": "x", "name": {"value": "tell me news"}},
                                                {"id": "n", "name": {"value": "news"}}]}]}}}
    resolved = Resolver(model).resolve("tell me news now")
    assert resolved.intent == "Long"
    assert resolved.slot_ids() == {"X": "n"}


@pytest.mark.parametrize("said", ["what is a. l. s.", "what is a l s", "what is ALS",
                                  "What is A.L.S.?", "what's lou gehrig's disease",
                                  "what's lou gehrigs disease"])
def test_spelled_letters_case_and_punctuation_do_not_matter(said):
    resolved = RESOLVER.resolve(said)
    assert (resolved.intent, resolved.slot_ids()) == ("ConditionIntent", {"Condition": "als"})


@pytest.mark.parametrize("said", ["open muscle twitch guide", "Alexa, open muscle twitch guide",
                                  "start muscle twitch guide", "launch the muscle twitch guide",
                                  "ask muscle twitch guide", "talk to muscle twitch guide",
                                  "open muscle twitch guide, please"])
def test_launch_phrases_open_the_skill(said):
    resolved = RESOLVER.resolve(said)
    assert resolved.launch and resolved.invoked
    assert resolved.intent is None
    assert resolved.request_type == "LaunchRequest"


@pytest.mark.parametrize("said, intent", [
    ("Alexa, ask muscle twitch guide what causes twitching", "CauseIntent"),
    ("ask muscle twitch guide what is a. l. s.", "ConditionIntent"),
    ("ask muscle twitch guide for today's tip", "DailyTipIntent"),
    ("tell muscle twitch guide to give me a tip", "DailyTipIntent"),
    ("open muscle twitch guide and ask why does my eye twitch", "BodyPartIntent"),
    ("what causes twitching using muscle twitch guide", "CauseIntent"),
])
def test_one_shot_phrases_name_the_skill_and_carry_the_question(said, intent):
    resolved = RESOLVER.resolve(said)
    assert (resolved.intent, resolved.invoked, resolved.launch) == (intent, True, False)


@pytest.mark.parametrize("said", ["play some music", "turn off the lights",
                                  "what's the weather like in paris today", "tell me a joke"])
def test_what_matches_nothing_goes_to_the_fallback(said):
    assert RESOLVER.resolve(said).intent == FALLBACK


def test_close_phrasings_still_resolve():
    assert RESOLVER.resolve("um, what causes twitching, please").intent == "CauseIntent"
    assert RESOLVER.resolve("I cant breathe").intent == "EmergencyIntent"
    resolved = RESOLVER.resolve("why do my calves twitch so much at night")
    assert (resolved.intent, resolved.slot_ids(), resolved.close) == (
        "BodyPartIntent", {"BodyPart": "leg"}, True)


def test_built_in_intents_know_alexas_own_phrases():
    assert RESOLVER.resolve("go home").intent == "AMAZON.NavigateHomeIntent"
    assert RESOLVER.resolve("shut up").intent == "AMAZON.StopIntent"


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_go_to_the_start_and_go_back_to_the_start_are_the_same_built_in(locale):
    """Standard Built-in Intents: AMAZON.StartOverIntent restarts, AMAZON.NavigateHomeIntent
    leaves for the home screen; the same words must not do one with "back" and the other
    without."""
    resolver = load_resolver(locale)
    intents = {said: resolver.resolve(said).intent for said in (
        "go to the start", "go back to the start", "take me to the start",
        "take me back to the start")}
    assert set(intents.values()) == {"AMAZON.StartOverIntent"}, intents


@pytest.mark.parametrize("said", ["", "   ", "😀", "🤔🤔 ?!", "x" * 10_000,
                                  "twitch " * 2_000, "\x00\x1b[31m", "{Cause}", "a. . . .",
                                  "::: ,,, ... ;;"])
def test_odd_input_never_crashes_and_falls_back(said):
    resolved = RESOLVER.resolve(said)
    assert resolved.intent == FALLBACK
    assert resolved.slots == {}


def test_an_unknown_locale_is_a_clear_error():
    with pytest.raises(ValueError, match="no interaction model for locale 'xx-XX'"):
        load_resolver("xx-XX")


# --- built-in slot types --------------------------------------------------------------------

@pytest.mark.parametrize("said, value", [
    ("8 am", "08:00"), ("eight a m", "08:00"), ("eight a. m.", "08:00"), ("8am", "08:00"),
    ("seven thirty pm", "19:30"), ("7:30 pm", "19:30"), ("19:30", "19:30"), ("noon", "12:00"),
    ("half past six in the evening", "18:30"), ("quarter to nine", "08:45"),
    ("twelve am", "00:00"), ("the morning", "MO"), ("ten oh five", "10:05"),
])
def test_amazon_time(said, value):
    from skill.simulator.resolver import words
    assert parse_time([w.form for w in words(said)]) == value


def test_amazon_time_refuses_what_is_not_a_time():
    assert parse_time(["thirteen", "pm"]) is None
    assert parse_time(["banana"]) is None


@pytest.mark.parametrize("said, value", [(["42"], 42), (["forty", "two"], 42),
                                         (["one", "hundred", "and", "five"], 105),
                                         (["a", "dozen"], 12), (["two", "thousand"], 2000)])
def test_amazon_number(said, value):
    assert parse_number(said) == value


@pytest.mark.parametrize("said, value", [
    ("today", "2026-11-25"), ("tomorrow", "2026-11-26"), ("friday", "2026-11-27"),
    ("next wednesday", "2026-12-02"), ("december fifth", "2026-12-05"),
    ("the fifth of december", "2026-12-05"), ("january 3rd", "2027-01-03"),
    ("this weekend", "2026-W48-WE"), ("next week", "2026-W49"), ("2026-12-24", "2026-12-24"),
])
def test_amazon_date(said, value):
    assert parse_date(said.split(), date(2026, 11, 25)) == value


def test_built_in_slots_fill_from_samples_that_use_them():
    model = {"interactionModel": {"languageModel": {
        "invocationName": "muscle twitch guide",
        "intents": [{"name": "RemindIntent", "slots": [{"name": "Time", "type": "AMAZON.TIME"},
                                                       {"name": "City", "type": "AMAZON.City"}],
                     "samples": ["remind me at {Time}", "i live in {City}"]}],
        "types": []}}}
    resolver = Resolver(model)
    slots = resolver.resolve("remind me at seven thirty pm").slots
    assert slots["Time"] == {"name": "Time", "confirmationStatus": "NONE", "value": "19:30",
                             "source": "USER"}
    assert slots["City"] == {"name": "City", "confirmationStatus": "NONE"}
    assert resolver.resolve("i live in new york").slots["City"]["value"] == "new york"
    assert resolver.resolve("remind me at dinner").intent == FALLBACK  # no time Alexa can read


# --- sessions -------------------------------------------------------------------------------

def test_a_session_carries_attributes_and_the_new_flag(handler):
    simulator = Simulator(handler=handler)
    first = simulator.say("ask muscle twitch guide what causes twitching")
    request = first.exchanges[0].request
    assert request["session"]["new"] is True
    assert request["request"]["intent"]["name"] == "CauseIntent"
    second = simulator.say("more")
    request = second.exchanges[0].request
    assert request["session"]["new"] is False
    assert request["session"]["sessionId"] == first.exchanges[0].request["session"]["sessionId"]
    assert request["session"]["attributes"]["follow_up"] == {"list": "causes", "offset": 3}
    assert request["context"]["System"]["user"]["userId"] == PLACEHOLDER_USER


def test_a_skill_that_ends_the_session_hears_nothing_more_and_new_words_open_a_new_one(handler):
    """Request Types Reference: SessionEndedRequest is sent when the session ends for a reason
    other than the skill's own response (exit, no answer, an error); not after "stop"."""
    simulator = Simulator(handler=handler, user_id="amzn1.ask.account.SOMEONE")
    first = simulator.say("open muscle twitch guide")
    stop = simulator.say("stop")
    assert [e.request_type for e in stop.exchanges] == ["IntentRequest"]
    assert not stop.session_open
    assert simulator.end() is None      # nothing left to close: Alexa sends nothing
    after = simulator.say("what is als")
    assert after.exchanges[0].request["session"]["new"] is True
    assert after.exchanges[0].request["session"]["sessionId"] != \
        first.exchanges[0].request["session"]["sessionId"]
    assert after.exchanges[0].request["session"]["user"]["userId"] == "amzn1.ask.account.SOMEONE"


def test_exit_closes_the_session_without_reaching_an_intent(handler):
    """Request Types Reference: "exit" is Alexa's; the skill gets SessionEndedRequest
    USER_INITIATED."""
    simulator = Simulator(handler=handler)
    simulator.say("open muscle twitch guide")
    turn = simulator.say("exit")
    assert [e.request_type for e in turn.exchanges] == ["SessionEndedRequest"]
    assert turn.exchanges[0].request["request"]["reason"] == "USER_INITIATED"
    assert not simulator.session_open


def test_walking_away_from_an_open_session_ends_it_as_exceeded_reprompts(handler):
    """Request Types Reference: no answer to the prompt and the reprompt ends the session with
    reason EXCEEDED_MAX_REPROMPTS."""
    simulator = Simulator(handler=handler)
    simulator.say("open muscle twitch guide")
    turn = simulator.end()
    assert turn is not None
    [ended] = turn.exchanges
    assert ended.request["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"


def test_echo_show_requests_carry_apl_and_a_viewport(handler):
    request = Simulator(device="echo-show", handler=handler).say("open muscle twitch guide") \
        .exchanges[0].request
    assert "Alexa.Presentation.APL" in request["context"]["System"]["device"][
        "supportedInterfaces"]
    assert request["context"]["Viewport"]["pixelWidth"] == 1280


def test_an_unknown_device_is_refused():
    with pytest.raises(ValueError, match="unknown device"):
        Simulator(device="toaster")


# --- the commands ---------------------------------------------------------------------------

def test_ask_prints_the_reply_card_and_session(handler):
    code, out, _ = run(["ask", "open muscle twitch guide", "can coffee cause twitching"], handler)
    assert code == 0
    assert "Alexa: Welcome to Muscle Twitch Guide." in out
    assert 'CauseIntent Cause="coffee" (ER_SUCCESS_MATCH -> caffeine)' in out
    assert "card: Caffeine" in out
    assert "reprompt: Would you like to hear more?" in out
    assert "session: stays open" in out


def test_ask_json_shows_both_envelopes(handler):
    code, out, _ = run(["ask", "--json", "what is gout"], handler)
    assert code == 0
    assert '"type": "IntentRequest"' in out and '"outputSpeech"' in out
    assert '"ER_SUCCESS_NO_MATCH"' in out


def test_breaks_are_shown_in_the_spoken_text():
    from skill.simulator.transcript import spoken
    ssml = 'One.<break time="500ms"/>Two. <break strength="strong"/> Three &amp; four.'
    assert spoken(ssml, show_breaks=True) == "One. [pause 500ms] Two. [pause strong] Three & four."
    assert spoken(ssml) == "One. Two. Three & four."


def test_ask_exits_1_when_the_skill_errored(handler, monkeypatch):
    from skill.handlers.topics import TopicHandler

    def broken(self, handler_input):
        raise RuntimeError("content missing")

    monkeypatch.setattr(TopicHandler, "handle", broken)
    code, out, err = run(["ask", "what causes twitching"], handler)
    assert code == 1
    assert "SKILL ERROR" in out and "content missing" in out
    assert "the skill errored" in err


def test_ask_exits_1_when_the_lambda_itself_fails():
    def crash(event, context):
        raise KeyError("boom")

    code, out, _ = run(["ask", "help"], crash)
    assert code == 1
    assert "the skill raised KeyError" in out


@pytest.mark.parametrize("said", ["", "😀", "x" * 10_000])
def test_ask_survives_odd_input(said, handler):
    code, out, _ = run(["ask", said], handler)
    assert code == 0
    assert "AMAZON.FallbackIntent" in out


def test_chat_reads_lines_until_the_input_ends(handler, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("open muscle twitch guide\n\n/json\nhelp\n"
                                                 "/new\nexit\n"))
    code, out, _ = run(["chat", "--locale", "en-GB"], handler)
    assert code == 0
    assert "you> open muscle twitch guide" in out
    assert "(envelopes shown)" in out
    assert '"locale": "en-GB"' in out
    assert "(session ended)" in out


def test_exit_with_no_session_open_keeps_the_simulator_running(handler, monkeypatch):
    """Alexa keeps "exit" for itself when no skill is open; the simulator says so and goes on."""
    monkeypatch.setattr("sys.stdin", io.StringIO("exit\nwhat causes twitching\n"))
    code, out, _ = run(["chat"], handler)
    assert code == 0
    assert "no skill session is open" in out
    assert "CauseIntent" in out or "everyday cause" in out


def test_record_writes_fixtures_with_placeholders(handler, tmp_path):
    code, out, _ = run(["record", "--user", "amzn1.ask.account.REAL_PERSON",
                        "--timestamp", "2026-11-25T09:30:00Z", str(tmp_path),
                        "open muscle twitch guide", "can coffee cause twitching", "exit"],
                       handler)
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[:4] == ["01-LaunchRequest.request.json", "01-LaunchRequest.response.json",
                         "02-CauseIntent.request.json", "02-CauseIntent.response.json"]
    assert "03-SessionEndedRequest.request.json" in names
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "REAL_PERSON" not in text
    request = json.loads((tmp_path / "02-CauseIntent.request.json").read_text())
    assert request["context"]["System"]["user"]["userId"] == PLACEHOLDER_USER
    assert request["session"]["user"]["userId"] == PLACEHOLDER_USER
    assert request["context"]["System"]["device"]["deviceId"] == PLACEHOLDER_DEVICE
    assert request["context"]["System"]["apiAccessToken"] == PLACEHOLDER_TOKEN
    assert request["request"]["timestamp"] == "2026-11-25T09:30:00Z"
    assert "recorded 3 fixtures" in out


def test_recorded_fixtures_replay_through_the_skill(handler, tmp_path, replay):
    run(["record", str(tmp_path), "can coffee cause twitching"], handler)
    request = json.loads((tmp_path / "01-CauseIntent.request.json").read_text())
    response = json.loads((tmp_path / "01-CauseIntent.response.json").read_text())
    assert replay(request).envelope == response


def test_record_scrubs_consent_tokens_and_real_ids():
    from skill.simulator.recorder import _secrets, scrub
    request = {"context": {"System": {"user": {"userId": "u1", "permissions": {
        "consentToken": "secret-consent"}}, "device": {"deviceId": "d1"},
        "apiAccessToken": "tok"}}, "session": {"user": {"userId": "u1"}}}
    clean = scrub(request, _secrets(request))
    system = clean["context"]["System"]
    assert system["user"] == {"userId": PLACEHOLDER_USER,
                              "permissions": {"consentToken": PLACEHOLDER_CONSENT}}
    assert system["device"]["deviceId"] == PLACEHOLDER_DEVICE
    assert system["apiAccessToken"] == PLACEHOLDER_TOKEN


def test_resolve_command_shows_intent_and_slots():
    code, out, _ = run(["resolve", "Alexa, ask muscle twitch guide what causes twitching"],
                       None)
    assert code == 0
    assert "-> CauseIntent (names the skill)" in out


def test_accuracy_command_prints_the_figure():
    code, out, _ = run(["accuracy"], None)
    assert code == 0
    assert "en-US: intent accuracy" in out


def test_a_bad_locale_is_an_error_not_a_traceback(handler):
    code, _, err = run(["ask", "--locale", "xx-XX", "help"], handler)
    assert code == 2
    assert "no interaction model for locale" in err


# --- dialog scripts -------------------------------------------------------------------------

GOOD = """\
name: a good script
turns:
  - say: open muscle twitch guide
    reply: welcome
  - say: yes
    ends: false
"""


def write(tmp_path: Path, text: str, name: str = "script.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_replay_prints_a_pass_or_fail_line_per_turn(handler, tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, """\
name: a failing script
turns:
  - say: open muscle twitch guide
    reply: [welcome, goodbye]
    not_reply: [muscle twitch guide]
    card: Caffeine
    ends: true
""", "b.yaml")
    code, out, _ = run(["replay", str(tmp_path)], handler)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert lines[0] == f"PASS {tmp_path / 'a.yaml'}:3 turn 1: 'open muscle twitch guide'"
    assert lines[1].startswith(f"PASS {tmp_path / 'a.yaml'}:5 turn 2: 'yes'")
    assert lines[2].startswith(f"FAIL {tmp_path / 'b.yaml'}:3 turn 1")
    for reason in ("reply lacks 'goodbye'", "reply contains 'muscle twitch guide'",
                   "no card (expected 'Caffeine')", "session stayed open", "heard: 'Welcome"):
        assert reason in lines[2]
    assert out.rstrip().endswith("3 turns in 2 scripts: 2 passed, 1 failed")


def test_replay_accepts_a_single_file(handler, tmp_path):
    code, out, _ = run(["replay", str(write(tmp_path, GOOD))], handler)
    assert code == 0
    assert "2 passed, 0 failed" in out


def test_say_yes_means_the_word_not_a_boolean(tmp_path):
    script = load_script(write(tmp_path, GOOD))
    assert script.turns[1].say == "yes"


@pytest.mark.parametrize("text, where, message", [
    ("name: x\nturns:\n  - say: hi\n    replly: [a]\n", 4, "unknown key 'replly' in a turn"),
    ("name: x\nturn:\n  - say: hi\n", 2, "unknown key 'turn' in the script"),
    ("name: x\nturns:\n  - say: hi\n    reply: [a\n", 5, "not valid YAML"),
    ("name: x\nturns:\n  - reply: hi\n", 3, "a turn needs 'say'"),
    ("name: x\nturns: []\n", 2, "'turns' must be a non-empty list"),
    ("turns:\n  - say: hi\n", 1, "the script needs 'name'"),
    ("name: x\ndevice: toaster\nturns:\n  - say: hi\n", 2, "unknown device 'toaster'"),
    ("name: x\nturns:\n  - say: hi\n    ends: maybe\n", 4, "'ends' must be true or false"),
    ("name: x\nturns:\n  - say: hi\n    reply: {a: b}\n", 4, "'reply' must not be a mapping"),
    ("", 1, "empty script"),
    # the keys for the simulator's stand-in for the Alexa APIs
    ("name: x\ntime_zone: Mars/Olympus\nturns:\n  - say: hi\n", 2, "unknown time zone"),
    ("name: x\ngrant: [location]\nturns:\n  - say: hi\n", 2, "unknown permission 'location'"),
    ("name: x\ntimestamp: tomorrow\nturns:\n  - say: hi\n", 2, "'timestamp' must be an ISO"),
    ("name: x\ntimestamp: 2026-11-25T09:30:00\nturns:\n  - say: hi\n", 2, "with a zone"),
    ("name: x\nturns:\n  - say: hi\n    permission: maybe\n", 4,
     "'permission' must be accept, deny, none"),
    ("name: x\nturns:\n  - say: hi\n    permision: accept\n", 4, "unknown key 'permision'"),
])
def test_a_bad_script_is_an_error_with_file_and_line(tmp_path, text, where, message):
    path = write(tmp_path, text)
    with pytest.raises(ScriptError) as error:
        load_script(path)
    assert str(error.value).startswith(f"{path}:{where}: ")
    assert message in str(error.value)


def test_replay_of_a_bad_script_exits_2_and_names_the_line(handler, tmp_path):
    path = write(tmp_path, "name: x\nturns:\n  - say: hi\n    replly: [a]\n")
    code, out, err = run(["replay", str(path)], handler)
    assert code == 2
    assert err.startswith(f"error: {path}:4: unknown key 'replly'")
    assert out == ""


def test_strict_resolution_takes_samples_word_for_word_only():
    resolver = load_resolver("en-US")
    assert resolver.resolve("what causes twitching", strict=True).intent == "CauseIntent"
    lenient = resolver.resolve("um so what causes twitching please")
    assert lenient.intent == "CauseIntent"
    strict = resolver.resolve("um so what causes twitching please", strict=True)
    assert strict.intent == "AMAZON.FallbackIntent"
    assert resolver.resolve("can gout cause twitching", strict=True).intent == \
        "AMAZON.FallbackIntent"   # a slot must name a listed value


# --- requests nobody speaks: the name-free check and screen touches ---------------------------

class Recorder:
    """The skill, with every request envelope kept."""

    def __init__(self, handler) -> None:
        self.handler, self.requests = handler, []

    def __call__(self, event, context):
        self.requests.append(event)
        return self.handler(event, context)


def test_ask_can_fulfill_sends_the_name_free_check_in_amazons_envelope(handler):
    """Implement CanFulfillIntentRequest: a new, empty session; the intent with its slots as
    resolved; nothing opened; the skill's verdict shown."""
    recorder = Recorder(handler)
    code, out, _ = run(["ask", "--can-fulfill", "why does my eye twitch"], recorder)
    assert code == 0
    [request] = recorder.requests                     # no session was opened, so none is ended
    assert request["request"]["type"] == "CanFulfillIntentRequest"
    assert request["request"]["intent"]["name"] == "BodyPartIntent"
    assert request["request"]["intent"]["slots"]["BodyPart"]["value"] == "eye"
    assert request["session"]["new"] is True and request["session"]["attributes"] == {}
    assert "can fulfill: YES" in out
    assert "slot BodyPart: understand YES, fulfill YES" in out


def test_a_touch_sends_the_apl_user_event_for_the_document_on_screen(handler):
    """Alexa.Presentation.APL Interface Reference (UserEvent): the token of the document on
    screen, the SendEvent arguments, the TouchWrapper source; answered in the same session."""
    recorder = Recorder(handler)
    code, out, _ = run(["ask", "--device", "echo-show", "open muscle twitch guide",
                        "what causes twitching", "--touch", "topic caffeine"], recorder)
    assert code == 0
    touch = next(r for r in recorder.requests
                 if r["request"]["type"] == "Alexa.Presentation.APL.UserEvent")
    assert touch["request"]["arguments"] == ["topic", "caffeine"]
    assert touch["request"]["token"] == "muscle-twitch-guide.list"
    assert touch["request"]["source"] == {"type": "TouchWrapper", "handler": "Press", "id": ""}
    assert touch["session"]["new"] is False
    assert "Too much caffeine can trigger twitching" in out


def test_a_touch_with_nothing_on_screen_is_not_sent(handler):
    recorder = Recorder(handler)
    code, out, _ = run(["ask", "what causes twitching", "/touch topic caffeine"], recorder)
    assert code == 0
    assert "nothing on screen to touch" in out
    assert all(r["request"]["type"] != "Alexa.Presentation.APL.UserEvent"
               for r in recorder.requests)


def test_chat_touches_and_checks_by_command(handler, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "open muscle twitch guide\nwhat causes twitching\n/touch [\"topic\", \"caffeine\"]\n"
        "/can-fulfill what is als\n"))
    code, out, _ = run(["chat", "--device", "echo-show"], handler)
    assert code == 0
    assert '(APL UserEvent sent: arguments ["topic", "caffeine"])' in out
    assert "can fulfill: YES" in out


def test_replay_gives_each_script_a_fresh_user_store():
    """The README's own example: every script starts on a new device, as the tests run them,
    so one script's topic is never another's "welcome back"."""
    code, out, _ = run(["replay", str(Path(__file__).parent / "dialogs"), "--quiet"], None)
    assert code == 0, out
    assert " 0 failed" in out
