"""Live testing through Amazon's ask-sdk-local-debug: the wiring, checked with the package itself.

No Amazon account here, so the WebSocket to Alexa is never opened; everything after it is real:
the debugger's own argument parser, its own loader of the handler file, and its own request and
response envelopes (ask_sdk_model.dynamic_endpoints) around our Lambda entry.
"""

from __future__ import annotations

import json

import pytest

from skill.web import local_debug
from tests.conftest import load_fixture

pytest.importorskip("ask_sdk_local_debug", reason="the dev extra installs ask-sdk-local-debug")

from ask_sdk_local_debug.config.skill_invoker_config import SkillInvokerConfiguration
from ask_sdk_local_debug.util.parser import argument_parser
from ask_sdk_local_debug.util.response_util import (
    get_deserialized_request,
    get_skill_response,
)

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def test_the_debugger_accepts_our_arguments_and_loads_the_lambda_entry():
    parsed = argument_parser(local_debug.debugger_arguments(SKILL_ID, "secret-token"))
    assert (parsed.skill_id, parsed.region, parsed.skill_handler) == (SKILL_ID, "NA",
                                                                     "lambda_handler")
    invoker = SkillInvokerConfiguration(parsed.skill_file_path, parsed.skill_handler)
    assert callable(invoker.skill_builder_func)


def test_a_request_routed_from_alexa_gets_the_skills_answer():
    invoker = SkillInvokerConfiguration(str(local_debug.APP_FILE), local_debug.HANDLER)
    routed = json.dumps({"version": "fakeVersion", "type": "SkillRequestMessage",
                         "requestId": "debug-1",
                         "requestPayload": json.dumps(load_fixture("launch"))})
    answer = json.loads(get_skill_response(get_deserialized_request(routed), invoker))
    assert answer["type"] == "SkillResponseSuccessMessage"
    assert answer["originalRequestId"] == "debug-1"
    speech = json.loads(answer["responsePayload"])["response"]["outputSpeech"]["ssml"]
    assert "Muscle Twitch Guide" in speech or "twitch" in speech.lower()


@pytest.mark.parametrize("argv, complaint", [
    ([], "--skill-id and --access-token needed"),
    (["--skill-id", SKILL_ID], "--access-token needed"),
    (["--skill-id", "my-skill", "--access-token", "t"], "must look like amzn1.ask.skill."),
])
def test_missing_or_malformed_settings_are_one_clear_line(argv, complaint, monkeypatch, capsys):
    for name in ("ASK_SKILL_ID", "ASK_ACCESS_TOKEN", "ASK_REGION"):
        monkeypatch.delenv(name, raising=False)
    assert local_debug.main(argv) == 2
    error = capsys.readouterr().err
    assert complaint in error
    assert error.count("\n") == 1


def test_the_token_is_never_printed(monkeypatch, capsys):
    monkeypatch.setenv("ASK_ACCESS_TOKEN", "Atza|do-not-print-me")
    monkeypatch.setattr("ask_sdk_local_debug.local_debugger_invoker.LocalDebuggerInvoker",
                        lambda args: type("Stub", (), {"invoke": lambda self: None})())
    assert local_debug.main(["--skill-id", SKILL_ID]) == 0
    printed = capsys.readouterr()
    assert "do-not-print-me" not in printed.out + printed.err
