"""The test console's JSON API and its screen preview, without a browser: what the page is given
for each turn, how it refuses what it must, and that nothing breaks it."""

from __future__ import annotations

import http.client
import json
import urllib.request

import pytest

from skill.screens import load_document
from skill.simulator.apl_preview import Viewport, evaluate, render_screen
from skill.simulator.cli import main
from skill.simulator.console import Console, ConsoleError, ConsoleServer, loopback
from skill.simulator.dialogs import fresh_store_handler
from tests.system_tools import require


@pytest.fixture
def console(tmp_path):
    console = Console(fresh_store_handler(str(tmp_path)), device="echo-show-8",
                      time_zone="Europe/London")
    yield console
    console.close()


@pytest.fixture
def server(console):
    server = ConsoleServer(console, "127.0.0.1", 0).start()
    yield server
    server.stop()


def post(server, path: str, body: object, headers: dict | None = None):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=60)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request("POST", path, data, {"Content-Type": "application/json",
                                            **(headers or {})})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def get(server, path: str, headers: dict | None = None):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.getheaders(), response.read()


# --- turns --------------------------------------------------------------------------------------

def test_a_turn_shows_what_was_understood_said_and_sent(console):
    console.say("open muscle twitch guide")
    turn = console.say("can coffee cause twitching")["turn"]
    understood = turn["understood"]
    assert understood["intent"] == "CauseIntent"
    assert understood["slots"] == [{"name": "Cause", "value": "coffee",
                                    "status": "ER_SUCCESS_MATCH", "id": "caffeine",
                                    "canonical": "caffeine"}]
    assert understood["how"].startswith('matches the sample "')
    answer = turn["exchanges"][0]
    assert "caffeine" in answer["speech"].lower()
    assert answer["card"]["title"] == "Caffeine and Stimulants"
    assert answer["request"]["request"]["intent"]["name"] == "CauseIntent"
    assert answer["request"]["context"]["Viewport"]["pixelWidth"] == 1280
    assert answer["screen"] == "/api/screen/1/0"
    assert turn["attributes"]["topic"] == "caffeine"
    assert turn["audio"] == "/api/audio/1.wav"


def test_a_close_phrasing_says_it_matched_closely(console):
    turn = console.say("ask muscle twitch guide why my eyelid keeps twitching")["turn"]
    assert turn["understood"]["intent"] != "AMAZON.FallbackIntent"
    assert turn["understood"]["how"]


def test_the_permission_question_waits_for_the_person(console):
    console.say("open muscle twitch guide")
    asked = console.say("remind me every day at 8 am")
    assert asked["pending"]["question"] == "allow Muscle Twitch Guide to set reminders?"
    assert asked["state"]["pending"]
    with pytest.raises(ConsoleError, match="waiting"):
        console.say("what causes twitching")
    done = console.answer("ACCEPTED")["turn"]
    assert done["consents"] == [{"question": "allow Muscle Twitch Guide to set reminders?",
                                 "status": "ACCEPTED", "source": "the person"}]
    assert "8 am" in done["exchanges"][-1]["speech"].lower()
    state = console.state()
    assert state["permissions"] == {"reminders": True}
    assert len(state["reminders"]) == 1


def test_always_deny_answers_alexas_question_with_no(console):
    console.say("open muscle twitch guide")
    turn = console.say("remind me every day at 8 am", consent="deny")["turn"]
    assert turn["consents"][0]["status"] == "DENIED"
    assert console.state()["reminders"] == []


def test_granting_in_the_page_puts_the_permission_on_every_request(console):
    console.permission("reminders", True)
    turn = console.say("open muscle twitch guide")["turn"]
    assert "permissions" in turn["exchanges"][0]["request"]["context"]["System"]["user"]
    console.permission("reminders", False)
    assert console.state()["permissions"] == {"reminders": False}


def test_a_new_device_changes_locale_and_envelope(console):
    state = console.reset("en-GB", "echo-spot")
    assert (state["locale"], state["device"]) == ("en-GB", "echo-spot")
    turn = console.say("open muscle twitch guide")["turn"]
    request = turn["exchanges"][0]["request"]
    assert request["request"]["locale"] == "en-GB"
    assert request["context"]["Viewport"]["shape"] == "ROUND"
    with pytest.raises(ConsoleError, match="unknown locale"):
        console.reset("xx-XX", "echo-dot")


def test_ending_the_session_sends_session_ended(console):
    console.say("open muscle twitch guide")
    turn = console.end()["turn"]
    assert turn["exchanges"][0]["type"] == "SessionEndedRequest"
    assert console.end()["notice"] == "no session is open"


# --- bad input never breaks it ------------------------------------------------------------------

@pytest.mark.parametrize("said", [
    "twitch " * 1429,                       # 10,000 characters
    "\u202e\u0645\u0631\u062d\u0628\u0627 \U0001f600 \u0000 \ud800 e\u0301",
    "<script>alert(1)</script> & \"quotes\"",
])
def test_odd_input_gets_an_answer_not_a_crash(console, said):
    turn = console.say(said)["turn"]
    assert turn["exchanges"], turn
    assert not turn["errors"]
    json.dumps(turn)


def test_an_empty_utterance_is_a_notice(console):
    assert "heard nothing" in console.say("   ")["notice"]


def test_more_than_the_console_takes_is_refused_clearly(console):
    with pytest.raises(ConsoleError, match="at most 20,000"):
        console.say("a" * 20_001)


def test_a_skill_error_is_shown_as_one_line(tmp_path):
    def broken(event, context):
        raise RuntimeError("database on fire")

    console = Console(broken)
    try:
        turn = console.say("open muscle twitch guide")["turn"]
    finally:
        console.close()
    assert turn["errors"][0] == "the skill raised RuntimeError: database on fire"
    assert "Traceback" not in json.dumps(turn)


# --- HTTP -------------------------------------------------------------------------------------

def test_the_page_and_its_script_are_served_with_a_strict_policy(server):
    status, headers, body = get(server, "/")
    assert status == 200 and b'id="utterance"' in body
    policy = dict(headers)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style")[0]
    status, _, script = get(server, "/console.js")
    assert status == 200 and b"textContent" in script


def test_a_conversation_over_http_serves_audio_and_the_screen(server):
    require("espeak-ng")
    assert post(server, "/api/say", {"utterance": "open muscle twitch guide"})[0] == 200
    status, result = post(server, "/api/say", {"utterance": "what causes twitching"})
    assert status == 200
    status, headers, wav = get(server, result["turn"]["audio"])
    assert status == 200 and wav[:4] == b"RIFF" and dict(headers)["Content-Type"] == "audio/wav"
    status, headers, page = get(server, result["turn"]["exchanges"][0]["screen"])
    assert status == 200 and b"Common Causes of Twitching" in page
    assert dict(headers)["Content-Security-Policy"].startswith("default-src 'none'")
    status, _, small = get(server, result["turn"]["exchanges"][0]["screen"] + "?device=echo-show-5")
    assert b"width:960px;height:480px" in small


@pytest.mark.parametrize(("path", "body", "headers", "status"), [
    ("/api/say", b"not json", {}, 400),
    ("/api/say", b"[1, 2]", {}, 400),
    ("/api/say", {"utterance": "hi"}, {"Content-Type": "text/plain"}, 415),
    ("/api/say", {"utterance": 42}, {}, 400),
    ("/api/say", {"utterance": "hi", "consent": "maybe"}, {}, 400),
    ("/api/consent", {"status": "ACCEPTED"}, {}, 409),
    ("/api/permission", {"name": "camera", "granted": True}, {}, 400),
    ("/api/nothing", {}, {}, 404),
])
def test_bad_requests_get_a_clear_error_and_no_trace(server, path, body, headers, status):
    got, result = post(server, path, body, headers)
    assert got == status
    assert result["error"] and "Traceback" not in result["error"]


def test_a_request_naming_another_host_is_refused(server):
    status, _, body = get(server, "/api/state", {"Host": "evil.example:8042"})
    assert status == 403 and b"127.0.0.1" in body


def test_audio_of_a_turn_that_never_was_is_not_found(server):
    status, _, body = get(server, "/api/audio/99.wav")
    assert status == 404 and b"no such turn" in body


def test_the_console_listens_on_loopback_only():
    assert loopback("localhost") == "127.0.0.1"
    for host in ("0.0.0.0", "192.168.1.5", "example.com", "::"):
        with pytest.raises(ValueError, match="this machine only"):
            loopback(host)


def test_web_refuses_another_host_before_starting(capsys):
    assert main(["web", "--host", "0.0.0.0"]) == 2
    assert "this machine only" in capsys.readouterr().err


def test_the_state_lists_locales_and_screen_devices(server):
    with urllib.request.urlopen(server.url + "api/state", timeout=30) as response:
        state = json.loads(response.read())
    assert "en-GB" in state["locales"]
    assert state["devices"]["echo-spot"]["screen"] == {"width": 480, "height": 480,
                                                       "shape": "round"}
    assert state["devices"]["echo-dot"]["screen"] is None


# --- the screen preview -------------------------------------------------------------------------

SHOW_8 = Viewport(1280, 800)
SHOW_5 = Viewport(960, 480)
SPOT = Viewport(480, 480, shape="round")
DATA = {"screen": {"title": "Caffeine <b>& co</b>", "emergency": "", "footer": "foot",
                   "points": ["one", "two"],
                   "theme": {"start": "#000000", "end": "#111111", "accent": "#9CC5F0"}}}


@pytest.mark.parametrize(("expression", "value"), [
    ("${screen.title}", "Caffeine <b>& co</b>"),
    ("${screen.emergency != ''}", False),
    ("${screen.points.length}", 2),
    ("${screen.points[1]}", "two"),
    ("${viewport.shape == 'round' || viewport.height < 600}", True),
    ("${1 + 2 * 3}", 7),
    ("${screen.missing.deeper}", None),
    ("Hi ${screen.footer}!", "Hi foot!"),
    ("${this is not ) an expression}", None),
])
def test_data_binding_follows_apl_expressions(expression, value):
    scope = {**DATA, "viewport": SHOW_5.binding("dark")}
    assert evaluate(expression, scope) == value


def test_the_preview_escapes_what_the_skill_sent():
    page = render_screen(load_document("answer"), DATA, SHOW_8)
    assert "Caffeine &lt;b&gt;&amp; co&lt;/b&gt;" in page
    assert "<b>" not in page


def test_small_screens_get_the_documents_small_type():
    large = render_screen(load_document("answer"), DATA, SHOW_8)
    small = render_screen(load_document("answer"), DATA, SHOW_5)
    assert "font-size:48px" in large and "font-size:34px" in small


def test_a_round_screen_is_clipped_round_and_inset():
    page = render_screen(load_document("answer"), DATA, SPOT)
    assert "border-radius:50%" in page and "padding-left:72px" in page


def test_a_container_inflates_one_child_per_data_item_and_spaces_all_but_the_first():
    page = render_screen(load_document("answer"), DATA, SHOW_8)
    assert page.count(">one<") == 1 and page.count(">two<") == 1
    assert "when" not in page   # the emergency frame, false here, is not drawn
    document = {"type": "APL", "mainTemplate": {"items": [{
        "type": "Container", "data": ["a", "b", "c"], "items": [
            {"type": "Text", "text": "${index}:${data}", "spacing": "10dp"}]}]}}
    drawn = render_screen(document, {}, SHOW_8)
    assert ">0:a<" in drawn and ">2:c<" in drawn
    assert drawn.count("margin-top:10px") == 2


def test_a_component_the_preview_does_not_draw_is_labelled():
    document = {"type": "APL", "mainTemplate": {"items": [{"type": "VectorGraphic"}]}}
    assert "VectorGraphic (not drawn by this preview)" in render_screen(document, {}, SHOW_8)


def test_a_style_or_colour_cannot_inject_css():
    document = {"type": "APL", "mainTemplate": {"items": [{
        "type": "Frame", "background": "red;}</style><script>x()</script>",
        "item": {"type": "Text", "text": "x", "color": "blue;position:fixed"}}]}}
    page = render_screen(document, {}, SHOW_8)
    assert "<script>" not in page and "position:fixed" not in page


def test_the_list_document_draws_each_row_as_a_touch_target():
    data = {"screen": {**DATA["screen"], "intro": "Intro.",
                       "items": [{"id": "stress", "title": "Stress"},
                                 {"id": "caffeine", "title": "Caffeine"}]}}
    page = render_screen(load_document("list"), data, SHOW_8)
    assert page.count('role="button"') == 2
    assert "data-arguments=\"[&quot;topic&quot;, &quot;stress&quot;]\"" in page


def test_audio_without_espeak_says_how_to_install_it(server, monkeypatch):
    from skill.simulator import audio

    post(server, "/api/say", {"utterance": "open muscle twitch guide"})
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    status, _, body = get(server, "/api/audio/0.wav")
    assert status == 503 and b"apt-get install espeak-ng" in body


def test_the_largest_echo_show_is_previewed_at_its_size(console):
    console.say("open muscle twitch guide")
    console.say("what causes twitching")
    page = console.screen(1, 0, "echo-show-15")
    assert "width:1920px;height:1080px" in page


def test_a_touch_goes_through_the_simulators_own_touch(console, monkeypatch):
    touched = []

    def touch(arguments):
        touched.append(arguments)
        return console.simulator.say("can coffee cause twitching")

    console.say("open muscle twitch guide")
    monkeypatch.setattr(console.simulator, "touch", touch, raising=False)
    assert console.state()["touch"] is True
    turn = console.touch(["topic", "caffeine"])["turn"]
    assert touched == [["topic", "caffeine"]]
    assert turn["understood"]["intent"] == "CauseIntent"
    with pytest.raises(ConsoleError, match="list of plain arguments"):
        console.touch([{"x": 1}])


def test_a_simulator_without_touch_says_so(server, monkeypatch):
    monkeypatch.setattr(server.console.simulator, "touch", None)   # as if it had none
    status, result = post(server, "/api/touch", {"arguments": ["topic", "stress"]})
    assert status == 501 and "touches" in result["error"]
