"""The skill object, and the Lambda entry point that Alexa calls.

Every way in (Lambda, the web service, the simulator, the tests) goes through `build_skill()`, so
what a test sees is what Alexa gets.
"""

from __future__ import annotations

import gc

# The imports below run with the cyclic garbage collector paused, and then everything the process
# has made so far is frozen out of its reach (gc.freeze): about 30,000 objects (the SDK's modules
# and model classes, ours) that live as long as the process and hold no garbage. Yet every
# allocation threshold crossed while importing them starts a collection pass over the young ones:
# on a cold start those passes cost about 5 ms (benchmarks/bench.py, in-child rows), and each
# full collection later (in a warm container, at interpreter exit) would walk them all again.
# Objects made afterwards (the content, each request's) are collected as usual. A host that runs
# with the collector disabled keeps it disabled.
_collecting = gc.isenabled()
gc.disable()
try:
    import json
    import logging
    from typing import Any

    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_core.skill_builder import CustomSkillBuilder
    from ask_sdk_model import RequestEnvelope
    from ask_sdk_model.services import ApiClient

    from skill.alexa.api_client import TimedApiClient
    from skill.alexa.attributes import KeepOwnSessionAttributesIn, KeepOwnSessionAttributesOut
    from skill.alexa.serializer import FastSerializer
    from skill.config import Settings
    from skill.content import get_content
    from skill.handlers import exception_handlers, request_handlers
    from skill.handlers.events import EVENT_TYPES
    from skill.handlers.memory import RememberTopic
    from skill.interceptors import LogRequest
    from skill.store import persistence_adapter
    from skill.store.records import SaveUserRecord
finally:
    gc.freeze()
    if _collecting:
        gc.enable()

log = logging.getLogger(__name__)

# Said only when a request is too broken to reach the skill's own error handler.
_LAST_RESORT = "Sorry, something went wrong. Please try again."


def build_skill(settings: Settings | None = None, api_client: ApiClient | None = None
                ) -> CustomSkill:
    """Assemble the skill: content checked first, so broken YAML fails here, loudly.

    `api_client` carries the calls to the Alexa APIs (time zone, reminders); by default one
    with a time-out, HTTPS only unless `settings.alexa_api_loopback` (the local simulator, whose
    stand-in for the Alexa APIs listens on 127.0.0.1). Tests pass a fake.
    """
    settings = settings or Settings.from_env()
    get_content()
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter(settings),
                                 api_client=api_client or TimedApiClient(
                                     allow_loopback_http=settings.alexa_api_loopback))
    builder.skill_id = settings.skill_id
    for handler in request_handlers():
        builder.add_request_handler(handler)
    for handler in exception_handlers():
        builder.add_exception_handler(handler)
    builder.add_global_request_interceptor(KeepOwnSessionAttributesIn())  # first: before use
    builder.add_global_request_interceptor(LogRequest())
    builder.add_global_response_interceptor(RememberTopic())   # before the record is saved
    builder.add_global_response_interceptor(SaveUserRecord())
    builder.add_global_response_interceptor(KeepOwnSessionAttributesOut())
    skill = builder.create()
    # The builder offers no way to pass a serializer; the attribute is the skill's public one,
    # read afresh for every request and for every Alexa API call.
    skill.serializer = FastSerializer()
    return skill


_skill: CustomSkill | None = None


def get_skill() -> CustomSkill:
    """One skill per process: a warm Lambda container reuses it."""
    global _skill
    if _skill is None:
        settings = Settings.from_env()
        logging.getLogger().setLevel(settings.log_level)
        _skill = build_skill(settings)
    return _skill


def handle_event(skill: CustomSkill, event: Any, context: Any = None) -> dict[str, Any]:
    """Answer one request envelope (a dict); a request too broken to dispatch gets an apology."""
    try:
        envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        if not isinstance(envelope, RequestEnvelope) or envelope.request is None:
            raise ValueError("not an Alexa request envelope")
        response = skill.invoke(request_envelope=envelope, context=context)
        return skill.serializer.serialize(response)
    except Exception as error:
        log.warning("request rejected: %s: %s", type(error).__name__, error)
        return last_resort_response(event)


def last_resort_response(event: Any = None) -> dict[str, Any]:
    """An apology; but silence for a request no one spoke (an event, a session end)."""
    request = event.get("request") if isinstance(event, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    if kind == "SessionEndedRequest" or kind in EVENT_TYPES:
        return {"version": "1.0", "response": {}}
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{_LAST_RESORT}</speak>"},
            "shouldEndSession": True,
        },
    }


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """AWS Lambda entry point (template.yaml names it: skill.app.lambda_handler)."""
    return handle_event(get_skill(), event, context)
