"""The simulator's stand-in for the Alexa APIs: the skill's own HTTP calls, served on 127.0.0.1.

Offline, a daily tip learns the device's time zone from the stand-in's Settings API, and a daily
reminder goes all the way: Alexa asks for the permission, the skill gets the Connections.Response,
the Reminders API keeps the reminder. Nothing leaves this machine, and recorded fixtures still
carry Alexa's own endpoint.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import requests

from skill.alexa.api_client import TimedApiClient
from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.simulator.alexa_api import REMINDERS_SCOPE, AlexaApiStandIn, local_time_zone
from skill.simulator.cli import main
from skill.simulator.dialogs import load_script, run_script
from skill.simulator.envelope import API_ENDPOINT, PLACEHOLDER_CONSENT, PLACEHOLDER_TOKEN
from skill.simulator.session import Simulator
from tests.alexa_api import REMINDERS_PATH, TIME_ZONE_PATH, FakeAlexaApi
from tests.conftest import replayer

ROOT = Path(__file__).resolve().parents[1]
REMINDER = {
    "requestTime": "2026-11-25T11:30:00",
    "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-11-25T08:00:00",
                "recurrence": {"startDateTime": "2026-11-25T08:00:00",
                               "recurrenceRules": ["FREQ=DAILY;BYHOUR=8;BYMINUTE=0"]}},
    "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Tip time."}]}},
    "pushNotification": {"status": "ENABLED"},
}
ASK_PERMISSION = "To remind you every day, I need your permission to set reminders."


@pytest.fixture
def api():
    with AlexaApiStandIn(time_zone="Europe/London") as stand_in:
        yield stand_in


def call(api: AlexaApiStandIn, method: str, path: str, token: str | None = None,
         body: dict | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {api.token if token is None else token}"}
    return requests.request(method, api.url + path, headers=headers, json=body, timeout=5)


class Recording:
    """The skill through the Lambda entry path (loopback allowed), every envelope kept."""

    def __init__(self, tmp_path: Path) -> None:
        self.skill = build_skill(Settings(state_path=str(tmp_path / "users.sqlite3"),
                                          alexa_api_loopback=True))
        self.requests: list[dict] = []

    def __call__(self, event: dict, context: object) -> dict:
        self.requests.append(event)
        return handle_event(self.skill, event)

    def of_type(self, kind: str) -> list[dict]:
        return [r for r in self.requests if r["request"]["type"] == kind]


@pytest.fixture
def skill_handler(tmp_path):
    return Recording(tmp_path)


def run(argv: list[str], handler) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, handler=handler, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- the stand-in's routes and auth --------------------------------------------------------

def test_the_settings_api_answers_the_devices_time_zone(api):
    answer = call(api, "GET", "/v2/devices/amzn1.ask.device.X/settings/System.timeZone")
    assert (answer.status_code, answer.json()) == (200, "Europe/London")
    assert api.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("path", ["/v2/devices/D/settings/System.timeZone",
                                  "/v1/alerts/reminders", "/v1/alerts/reminders/T"])
@pytest.mark.parametrize("token", ["", "TEST_API_ACCESS_TOKEN", "simulator.someone-else"])
def test_a_token_that_is_not_the_runs_gets_401(api, path, token):
    api.grant(REMINDERS_SCOPE)
    answer = call(api, "GET", path, token=token)
    assert answer.status_code == 401
    assert answer.json()["code"] == "INVALID_BEARER_TOKEN"


def test_no_authorization_header_gets_401(api):
    assert requests.get(api.url + "/v1/alerts/reminders", timeout=5).status_code == 401


def test_reminders_are_refused_with_403_until_the_permission_is_granted(api):
    for method, path in (("GET", "/v1/alerts/reminders"), ("POST", "/v1/alerts/reminders"),
                         ("DELETE", "/v1/alerts/reminders/T")):
        answer = call(api, method, path, body=REMINDER if method == "POST" else None)
        assert answer.status_code == 403
        assert answer.json()["code"] == "USER_NOT_PERMITTED"
    assert api.reminders == {}


def test_create_list_get_update_delete_a_reminder(api):
    api.grant(REMINDERS_SCOPE)
    created = call(api, "POST", "/v1/alerts/reminders", body=REMINDER)
    assert created.status_code == 201
    token = created.json()["alertToken"]
    assert created.json()["status"] == "ON" and created.json()["version"] == "1"
    assert created.json()["href"] == f"/v1/alerts/reminders/{token}"

    listing = call(api, "GET", "/v1/alerts/reminders").json()
    assert listing["totalCount"] == "1"
    [alert] = listing["alerts"]
    assert alert["alertToken"] == token
    assert alert["trigger"] == REMINDER["trigger"]
    assert alert["alertInfo"] == REMINDER["alertInfo"]

    moved = dict(REMINDER, trigger=dict(REMINDER["trigger"], scheduledTime="2026-11-25T07:00:00"))
    updated = call(api, "PUT", f"/v1/alerts/reminders/{token}", body=moved)
    assert (updated.status_code, updated.json()["version"]) == (200, "2")
    one = call(api, "GET", f"/v1/alerts/reminders/{token}").json()
    assert one["trigger"]["scheduledTime"] == "2026-11-25T07:00:00"

    assert call(api, "DELETE", f"/v1/alerts/reminders/{token}").status_code == 200
    assert call(api, "GET", f"/v1/alerts/reminders/{token}").status_code == 404
    assert call(api, "DELETE", f"/v1/alerts/reminders/{token}").status_code == 404
    assert call(api, "GET", "/v1/alerts/reminders").json()["alerts"] == []


@pytest.mark.parametrize("change, problem", [
    ({"trigger": {"type": "SOMETIME"}}, "trigger.type"),
    ({"trigger": {"type": "SCHEDULED_ABSOLUTE"}}, "scheduledTime"),
    ({"trigger": dict(REMINDER["trigger"], timeZoneId="Mars/Olympus")}, "timeZoneId"),
    ({"alertInfo": {"spokenInfo": {"content": []}}}, "spokenInfo"),
    ({"requestTime": None}, "requestTime"),
])
def test_a_malformed_reminder_gets_400(api, change, problem):
    api.grant(REMINDERS_SCOPE)
    answer = call(api, "POST", "/v1/alerts/reminders", body=dict(REMINDER, **change))
    assert answer.status_code == 400
    assert problem in answer.json()["message"]
    assert api.reminders == {}


def test_revoking_the_permission_brings_403_back(api):
    api.grant(REMINDERS_SCOPE)
    assert call(api, "POST", "/v1/alerts/reminders", body=REMINDER).status_code == 201
    api.revoke(REMINDERS_SCOPE)
    assert call(api, "GET", "/v1/alerts/reminders").status_code == 403


def test_an_unknown_path_is_404_and_stop_closes_the_port(api):
    assert call(api, "GET", "/v1/something/else").status_code == 404
    url = api.url
    api.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/v1/alerts/reminders", timeout=2)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        AlexaApiStandIn(time_zone="Mars/Olympus")


def test_the_default_time_zone_is_the_machines(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    assert local_time_zone() == "Asia/Kolkata"
    monkeypatch.setenv("TZ", "not a zone")
    assert local_time_zone()   # falls back to /etc/localtime, else UTC: never empty


# --- ALEXA_API_LOOPBACK ----------------------------------------------------------------------

def test_loopback_is_off_unless_asked_for():
    assert Settings.from_env({}).alexa_api_loopback is False
    assert Settings.from_env({"ALEXA_API_LOOPBACK": "1"}).alexa_api_loopback is True
    with pytest.raises(ValueError, match="ALEXA_API_LOOPBACK"):
        Settings.from_env({"ALEXA_API_LOOPBACK": "maybe"})


def test_production_mode_refuses_loopback():
    with pytest.raises(ValueError, match="refused in production"):
        Settings.from_env({"ALEXA_API_LOOPBACK": "1", "PRODUCTION": "1"})
    with pytest.raises(ValueError, match="refused in production"):
        Settings(production=True, alexa_api_loopback=True)
    with pytest.raises(ValueError, match="refused in AWS Lambda"):
        Settings.from_env({"ALEXA_API_LOOPBACK": "1", "AWS_LAMBDA_FUNCTION_NAME": "skill"})
    assert Settings.from_env({"PRODUCTION": "1"}).alexa_api_loopback is False


def test_the_skills_http_client_allows_plain_http_to_loopback_only_with_the_setting():
    def client(settings: Settings) -> TimedApiClient:
        return build_skill(settings).api_client

    assert client(Settings(alexa_api_loopback=True)).allow_loopback_http is True
    assert client(Settings()).allow_loopback_http is False


def test_the_simulator_refuses_to_start_in_production_mode(monkeypatch):
    monkeypatch.setenv("ALEXA_API_LOOPBACK", "0")
    monkeypatch.setenv("PRODUCTION", "1")
    code, out, err = run(["ask", "what's today's tip"], None)
    assert code == 2
    assert "refused in production mode" in err
    assert "you>" not in out


# --- the AskFor round trip -------------------------------------------------------------------

def test_ask_with_grant_sets_the_reminder_after_alexa_asks(skill_handler):
    code, out, _ = run(["ask", "--grant", "reminders", "open muscle twitch guide",
                        "remind me every day at 8 am", "when is my reminder"], skill_handler)
    assert code == 0
    assert out.index(ASK_PERMISSION) < out.index(
        "(Alexa asks: allow Muscle Twitch Guide to set reminders? -> ACCEPTED (--grant))") < \
        out.index("I'll remind you every day at 8 AM")
    assert "Your daily tip reminder is set for 8 AM." in out

    launch, ask_for = skill_handler.of_type("LaunchRequest")[0], \
        skill_handler.of_type("IntentRequest")[0]
    assert "permissions" not in launch["context"]["System"]["user"]   # a new user: none yet
    assert "permissions" not in ask_for["context"]["System"]["user"]
    [answer] = skill_handler.of_type("Connections.Response")
    assert answer["request"]["name"] == "AskFor"
    assert answer["request"]["status"] == {"code": "200", "message": "OK"}
    assert answer["request"]["payload"] == {"permissionScope": REMINDERS_SCOPE,
                                            "status": "ACCEPTED"}
    assert answer["request"]["token"] == "daily_reminder@08:00"
    assert answer["session"]["new"] is False
    assert answer["session"]["sessionId"] == ask_for["session"]["sessionId"]
    for request in (answer, skill_handler.requests[-1]):
        permissions = request["context"]["System"]["user"]["permissions"]
        assert permissions["consentToken"].startswith("simulator-consent.")
        assert permissions["scopes"] == {REMINDERS_SCOPE: {"status": "GRANTED"}}
        assert request["session"]["user"] == request["context"]["System"]["user"]


def test_ask_without_grant_answers_no_and_nothing_is_set(skill_handler):
    code, out, _ = run(["ask", "remind me every day at 8 am", "when is my reminder"],
                       skill_handler)
    assert code == 0
    assert "-> DENIED (no --grant)" in out
    assert "Okay, I won't set a reminder." in out
    assert "You don't have a daily reminder from me." in out
    [answer] = skill_handler.of_type("Connections.Response")
    assert answer["request"]["payload"]["status"] == "DENIED"
    assert all("permissions" not in r["context"]["System"]["user"]
               for r in skill_handler.requests)


def test_an_unknown_permission_name_is_an_error(skill_handler):
    code, _, err = run(["ask", "--grant", "location", "help"], skill_handler)
    assert code == 2
    assert "unknown permission 'location' (known: reminders)" in err


def test_the_stand_in_holds_the_reminder_the_skill_created(skill_handler):
    with Simulator(handler=skill_handler, grant={REMINDERS_SCOPE}) as simulator:
        simulator.say("remind me every day at 8:30 pm")
        simulator.say("remind me every day at 7 am")        # moved, not added (the store knows)
        [reminder] = simulator.alexa_api.reminders.values()
        assert reminder.version == 2
        assert reminder.body["trigger"]["recurrence"]["recurrenceRules"] == [
            "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]
        assert reminder.body["alertInfo"]["spokenInfo"]["content"][0]["text"].startswith(
            "Time for your muscle twitch guide tip.")
        cancelled = simulator.say("cancel my reminder")
        assert "I've cancelled your daily tip reminder" in json.dumps(cancelled.answer)
        assert simulator.alexa_api.reminders == {}


# --- the chat: Alexa asks the person ----------------------------------------------------------

def chat(monkeypatch, handler, lines: list[str], *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code, out, _ = run(["chat", *args], handler)
    assert code == 0
    return out


def test_chat_asks_the_person_and_a_yes_sets_the_reminder(monkeypatch, skill_handler):
    out = chat(monkeypatch, skill_handler, ["remind me every day at 8 am", "y",
                                            "when is my reminder", "/reminders",
                                            "/revoke reminders", "when is my reminder"])
    prompt = "Alexa would ask: allow Muscle Twitch Guide to set reminders? [y/n] y"
    assert out.index(ASK_PERMISSION) < out.index(prompt) < \
        out.index("I'll remind you every day at 8 AM")
    assert out.count(ASK_PERMISSION) == 1       # what was shown before the question is not repeated
    assert "Your daily tip reminder is set for 8 AM." in out
    assert "reminder 1: ON from 2" in out and "FREQ=DAILY;BYHOUR=8" in out
    assert "(reminders permission revoked: the API now answers 403)" in out
    assert out.rstrip().endswith("session: stays open")
    after = skill_handler.requests[-2]           # the last turn, before the SessionEndedRequest
    assert "permissions" not in after["context"]["System"]["user"]


@pytest.mark.parametrize("answer, heard", [
    ("n", "Okay, I won't set a reminder."),
    ("", "I've sent a card to your Alexa app"),     # no answer: NOT_ANSWERED, a permission card
])
def test_chat_no_or_silence_sets_nothing(monkeypatch, skill_handler, answer, heard):
    out = chat(monkeypatch, skill_handler, ["remind me every day at 8 am", answer])
    assert heard in out
    status = skill_handler.of_type("Connections.Response")[0]["request"]["payload"]["status"]
    assert status == ("DENIED" if answer else "NOT_ANSWERED")


def test_chat_grant_command_gives_the_permission_without_a_question(monkeypatch, skill_handler):
    out = chat(monkeypatch, skill_handler, ["/grant reminders", "remind me every day at 8 am",
                                            "/grant location"])
    assert "Alexa would ask" not in out
    assert "I'll remind you every day at 8 AM" in out
    assert "unknown permission 'location'" in out
    assert not skill_handler.of_type("Connections.Response")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_make_run_in_a_terminal_asks_and_reaches_only_the_stand_in(tmp_path):
    import pexpect

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TZ": "UTC",
           "STATE_PATH": str(tmp_path / "users.sqlite3"), "PYTHONPATH": str(ROOT)}
    child = pexpect.spawn(sys.executable, ["-m", "skill.simulator", "chat", "--time-zone",
                                           "Pacific/Auckland"], cwd=str(ROOT), env=env,
                          encoding="utf-8", timeout=60)
    try:
        child.expect("time zone Pacific/Auckland")
        child.expect("you> ")
        child.sendline("remind me every day at 8 am")
        child.expect(r"Alexa would ask: allow Muscle Twitch Guide to set reminders\? \[y/n\] ")
        child.sendline("yes")
        child.expect("I'll remind you every day at 8 AM")
        child.expect("you> ")
        child.sendline("/reminders")
        child.expect("reminder 1: ON")
        child.expect("you> ")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


# --- nothing leaves loopback; fixtures keep Alexa's endpoint -----------------------------------

def test_every_api_call_stays_on_loopback(monkeypatch, skill_handler):
    import socket

    hosts: list[str] = []
    connect = socket.create_connection

    def recording(address, *args, **kwargs):
        hosts.append(address[0])
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    with Simulator(handler=skill_handler, time_zone="Pacific/Auckland",
                   grant={REMINDERS_SCOPE}) as simulator:
        simulator.say("ask muscle twitch guide for today's tip")
        simulator.say("remind me every day at 8 am")
        simulator.say("when is my reminder")
        calls = [(c.method, c.path.split("/")[-1], c.status) for c in simulator.alexa_api.calls]
    assert calls == [("GET", "System.timeZone", 200), ("GET", "reminders", 200),
                     ("POST", "reminders", 201), ("GET", "reminders", 200)]
    assert hosts and set(hosts) == {"127.0.0.1"}
    endpoints = {r["context"]["System"]["apiEndpoint"] for r in skill_handler.requests}
    assert len(endpoints) == 1 and endpoints.pop().startswith("http://127.0.0.1:")
    tip = skill_handler.requests[0]
    assert tip["request"]["intent"]["name"] == "DailyTipIntent"


def test_recorded_fixtures_carry_alexas_endpoint_and_placeholders(skill_handler, tmp_path):
    folder = tmp_path / "recorded"
    code, out, _ = run(["record", "--grant", "reminders", "--timestamp", "2026-11-25T11:30:00Z",
                        str(folder), "remind me every day at 8 am"], skill_handler)
    assert code == 0
    assert "recorded 2 fixtures" in out
    text = "".join(p.read_text() for p in sorted(folder.iterdir()))
    assert "127.0.0.1" not in text and "simulator." not in text and "simulator-consent" not in text
    answer = json.loads((folder / "02-Connections.Response.request.json").read_text())
    system = answer["context"]["System"]
    assert system["apiEndpoint"] == API_ENDPOINT
    assert system["apiAccessToken"] == PLACEHOLDER_TOKEN
    assert system["user"]["permissions"]["consentToken"] == PLACEHOLDER_CONSENT
    assert answer["request"]["payload"]["status"] == "ACCEPTED"

    # The recorded answer replays through the skill as any fixture does.
    api = FakeAlexaApi().on("POST", REMINDERS_PATH, 201, {"alertToken": "T", "status": "ON"}).on(
        "GET", REMINDERS_PATH, 200, {"alerts": [], "totalCount": "0"}).on(
        "GET", TIME_ZONE_PATH, 200, "Europe/London")
    reply = replayer(build_skill(Settings(), api_client=api))(answer)
    assert reply.speech.startswith("Okay. I'll remind you every day at 8 AM")
    assert api.calls[0].headers["Authorization"] == f"Bearer {PLACEHOLDER_TOKEN}"


# --- dialog scripts ----------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(text)
    return path


def test_script_keys_are_read(tmp_path):
    script = load_script(write(tmp_path, """\
name: x
time_zone: Pacific/Auckland
timestamp: 2026-11-25T11:30:00Z
grant: reminders
turns:
  - say: remind me every day at 8 am
    permission: none
"""))
    assert (script.time_zone, script.grant) == ("Pacific/Auckland", ("reminders",))
    assert script.moment.isoformat() == "2026-11-25T11:30:00+00:00"
    assert script.turns[0].permission == "NOT_ANSWERED"


def test_a_permission_turn_fails_when_alexa_does_not_ask(tmp_path, skill_handler):
    script = load_script(write(tmp_path, """\
name: x
turns:
  - say: what causes twitching
    permission: accept
"""))
    [result] = run_script(script, skill_handler)
    assert not result.passed
    assert "Alexa asked for no permission" in result.line()


def test_a_script_permission_overrides_grant(tmp_path, skill_handler):
    script = load_script(write(tmp_path, """\
name: x
grant: [reminders]
turns:
  - say: remind me every day at 8 am
    permission: deny
    reply: [i won't set a reminder]
"""))
    [result] = run_script(script, skill_handler)
    assert result.passed, result.line()
    assert result.outcome.consents[0].source == "the script"


# --- what the stand-in found -------------------------------------------------------------------

def test_a_reminder_read_back_with_its_alert_info_is_understood(tmp_path):
    # The Reminders API returns every reminder with its alertInfo, as the stand-in does; the
    # SDK's model names a module that does not exist for it (skill/alexa/reminders.py works
    # round it).
    listing = {"totalCount": "1", "links": None, "alerts": [
        dict(REMINDER, alertToken="T", status="ON", version="1",
             createdTime="2026-11-25T11:30:00.000Z", updatedTime="2026-11-25T11:30:00.000Z")]}
    api = FakeAlexaApi().on("GET", REMINDERS_PATH, 200, listing)
    reply = replayer(build_skill(Settings(), api_client=api))("reminder_status")
    assert reply.speech.startswith("Your daily tip reminder is set for 8 AM.")


# --- only the documented AskFor ---------------------------------------------------------------

def _asks_with(directive: dict):
    """A skill that answers every intent with `directive` and some speech."""

    def handler(event, context):
        if event["request"]["type"] != "IntentRequest":
            return {"version": "1.0", "response": {}}
        return {"version": "1.0", "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>I need your permission.</speak>"},
            "directives": [directive]}}

    return handler


@pytest.mark.parametrize(("directive", "why"), [
    ({"type": "Connections.SendRequest", "name": "AskFor", "token": "t",
      "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                  "permissionScopes": [{"permissionScope": REMINDERS_SCOPE,
                                        "consentLevel": "ACCOUNT"}]}}, "@version is '2'"),
    ({"type": "Connections.SendRequest", "name": "AskFor", "token": "t",
      "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                  "permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}},
     "undocumented fields: consentLevel"),
    ({"type": "Connections.SendRequest", "name": "AskFor",
      "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                  "permissionScope": "alexa::profile:email:read"}}, "reminders only"),
    ({"type": "Connections.StartConnection",
      "uri": "connection://AMAZON.AskForPermissionsConsent/2", "input": {}},
     "the simulator does not play it"),
])
def test_an_undocumented_ask_for_is_an_invalid_response_as_alexa_treats_one(directive, why):
    """Set Up Voice Permissions for Reminders (the one form accepted) and Request Types
    Reference (an invalid response ends the session: SessionEndedRequest ERROR with
    INVALID_RESPONSE); the person is never asked."""
    with Simulator(handler=_asks_with(directive)) as simulator:
        turn = simulator.say("remind me every day at 8 am")
        assert turn.consents == []
        assert any(why in error for error in turn.errors), turn.errors
        ended = turn.exchanges[-1].request["request"]
        assert ended["type"] == "SessionEndedRequest" and ended["reason"] == "ERROR"
        assert ended["error"]["type"] == "INVALID_RESPONSE"
        assert not simulator.session_open


def test_the_documented_ask_for_is_answered_with_the_reference_connections_response():
    """Set Up Voice Permissions for Reminders: Connections.Response with status code 200, name
    AskFor, payload {permissionScope, status} and the directive's token."""
    directive = {"type": "Connections.SendRequest", "name": "AskFor", "token": "my-token",
                 "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                             "permissionScope": REMINDERS_SCOPE}}
    with Simulator(handler=_asks_with(directive)) as simulator:
        turn = simulator.say("remind me every day at 8 am", permission="NOT_ANSWERED")
        answer = turn.exchanges[1].request["request"]
        assert {k: answer[k] for k in ("type", "name", "status", "payload", "token")} == {
            "type": "Connections.Response", "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "payload": {"permissionScope": REMINDERS_SCOPE, "status": "NOT_ANSWERED"},
            "token": "my-token"}


# --- the time zone: on every reminder, one Settings call a day -------------------------------

def test_against_the_stand_in_the_reminder_carries_the_devices_time_zone(skill_handler):
    """Alexa Reminders API Reference: timeZoneId on every reminder, requestTime on its clock."""
    with Simulator(handler=skill_handler, grant={REMINDERS_SCOPE},
                   time_zone="Australia/Sydney") as simulator:
        simulator.say("remind me every day at 8 am")
        [reminder] = simulator.alexa_api.reminders.values()
        assert reminder.body["trigger"]["timeZoneId"] == "Australia/Sydney"
        assert "alexa" not in reminder.body["alertInfo"]["spokenInfo"]["content"][0][
            "text"].lower()


def test_against_the_stand_in_a_second_session_the_same_day_makes_no_settings_call(
        skill_handler):
    with Simulator(handler=skill_handler, grant={REMINDERS_SCOPE},
                   time_zone="Europe/Berlin") as simulator:
        simulator.say("remind me every day at 8 am")
        simulator.say("stop")
        simulator.say("ask muscle twitch guide for today's tip")      # a new session
        simulator.say("remind me every day at 9 am")
        settings = [c for c in simulator.alexa_api.calls if "System.timeZone" in c.path]
        assert len(settings) == 1
        [reminder] = simulator.alexa_api.reminders.values()
        assert reminder.body["trigger"]["timeZoneId"] == "Europe/Berlin"
