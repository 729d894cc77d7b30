"""What the web service takes from flask-ask-sdk and ask-sdk-webservice-support, checked loudly.

Two things there are not public promises: the certvalidator stand-in (skill/web/certvalidator_
standin.py) must offer every name the SDK's verifier module imports from certvalidator, and the
SDK versions it was written for are pinned in pyproject.toml. If an upgrade changes either,
these tests fail with a message saying what to re-check, instead of every request silently
getting the apology. The rest of what the service uses is public API, listed here too.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDK_PACKAGES = ("flask-ask-sdk", "ask-sdk-webservice-support")


def _pins() -> dict[str, str]:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["web"]
    pins = {}
    for requirement in extras:
        name, _, pinned = requirement.split(";")[0].partition("==")
        if pinned:
            pins[name.strip()] = pinned.split("#")[0].strip()
    return pins


def test_the_sdk_versions_the_stand_in_was_written_for_are_pinned_and_installed():
    pins = _pins()
    for package in SDK_PACKAGES:
        assert package in pins, (
            f"pyproject.toml [web] must pin {package} exactly (==): the certvalidator stand-in "
            "and the SkillAdapter subclass were written against one version")
        assert version(package) == pins[package], (
            f"{package} {version(package)} is installed, but skill/web was written for "
            f"{pins[package]}: re-check skill/web/certvalidator_standin.py and "
            "VerifiedSkillAdapter in skill/web/service.py, then move the pin")


def _certvalidator_imports() -> set[tuple[str, str]]:
    """(module, name) for every `from certvalidator... import name` in the SDK's verifier."""
    spec = importlib.util.find_spec("ask_sdk_webservice_support.verifier")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("certvalidator"):
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, "*") for alias in node.names
                      if alias.name.startswith("certvalidator")}
    return found


def test_the_stand_in_offers_every_name_the_sdk_imports_from_certvalidator():
    import sys

    from skill.web import certvalidator_standin

    certvalidator_standin.install()
    wanted = _certvalidator_imports()
    assert wanted, "the SDK's verifier no longer imports certvalidator: is the stand-in needed?"
    for module, name in sorted(wanted):
        assert module in sys.modules and getattr(sys.modules[module],
                                                 certvalidator_standin.MARKER, True), module
        provided = sys.modules.get(module)
        assert provided is not None and (name == "*" or hasattr(provided, name)), (
            f"ask_sdk_webservice_support.verifier imports {name} from {module}, which the "
            "certvalidator stand-in does not provide: extend skill/web/certvalidator_standin.py")


def _private_names(module: str) -> set[str]:
    """Every underscore name a module defines or sets on `self` (its private surface)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.name for node in ast.walk(tree)
              if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    return {name for name in names if name.startswith("_") and not name.startswith("__")}


def test_the_web_service_uses_no_private_sdk_attribute():
    """Overriding or reading an SDK's underscore names breaks silently on an upgrade."""
    sdk_private = (_private_names("flask_ask_sdk.skill_adapter")
                   | _private_names("ask_sdk_webservice_support.webservice_handler"))
    source = (ROOT / "skill" / "web" / "service.py").read_text(encoding="utf-8")
    used = {node.attr for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute)}
    defined = {node.name for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.FunctionDef)}
    touched = sorted((used | defined) & sdk_private)
    assert touched == [], (f"skill/web/service.py uses the SDK's private {touched}: use its "
                           "public API (SkillAdapter.dispatch_request, CustomSkill.invoke and "
                           "serializer, AbstractVerifier) instead")


def test_the_public_sdk_api_the_web_service_relies_on_is_there():
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
    from flask_ask_sdk import skill_adapter

    assert list(inspect.signature(skill_adapter.SkillAdapter.__init__).parameters) == [
        "self", "skill", "skill_id", "verifiers", "app"], "SkillAdapter's constructor changed"
    assert callable(skill_adapter.SkillAdapter.dispatch_request)
    assert (skill_adapter.VERIFY_SIGNATURE_APP_CONFIG,
            skill_adapter.VERIFY_TIMESTAMP_APP_CONFIG) == ("ASK_SDK_VERIFY_SIGNATURE",
                                                           "ASK_SDK_VERIFY_TIMESTAMP")
    assert list(inspect.signature(CustomSkill.invoke).parameters) == [
        "self", "request_envelope", "context"], "CustomSkill.invoke changed"
    assert {"payload", "obj_type"} <= set(inspect.signature(
        DefaultSerializer.deserialize).parameters), "the SDK's deserialize changed"
    assert list(inspect.signature(AbstractVerifier.verify).parameters) == [
        "self", "headers", "serialized_request_env", "deserialized_request_env"]
    assert issubclass(VerificationException, Exception)


# --- the serializer (skill/alexa/serializer.py) ----------------------------------------------

# Overridden by skill/alexa/serializer.py ...
_SERIALIZER_INTERNALS = ("_DefaultSerializer__load_class_from_name",
                         "_DefaultSerializer__deserialize_datetime",
                         "_DefaultSerializer__deserialize",
                         "_DefaultSerializer__deserialize_model")
# ... and called by it, as the SDK's own code calls them.
_SERIALIZER_CALLED = ("_DefaultSerializer__deserialize_primitive",
                      "_DefaultSerializer__get_obj_by_discriminator")


def test_the_fast_serializer_overrides_methods_the_sdk_still_has():
    """The speed-up replaces private methods of ask-sdk-core's DefaultSerializer and calls two
    more. Renamed in an upgrade, the replaced ones would simply stop being called (slower, still
    right) and the called ones would fail: this says which to re-check."""
    from ask_sdk_core.serialize import DefaultSerializer

    missing = [name for name in _SERIALIZER_INTERNALS + _SERIALIZER_CALLED
               if not hasattr(DefaultSerializer, name)]
    assert missing == [], (
        f"ask-sdk-core {version('ask-sdk-core')} has no {missing}: re-check "
        "skill/alexa/serializer.py against the new DefaultSerializer")


def test_the_skill_deserializes_through_the_fast_paths(monkeypatch):
    import json

    from ask_sdk_model import RequestEnvelope

    from skill.alexa.serializer import FastSerializer
    from skill.app import build_skill

    called: list[str] = []
    for name in _SERIALIZER_INTERNALS:
        original = getattr(FastSerializer, name)

        def spy(self, *args, _original=original, _name=name):
            called.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(FastSerializer, name, spy)
    skill = build_skill()
    assert isinstance(skill.serializer, FastSerializer)
    event = (ROOT / "tests" / "fixtures" / "echo_show_cause_coffee.json").read_text()
    envelope = skill.serializer.deserialize(event, RequestEnvelope)
    assert envelope.request.timestamp.utcoffset() is not None
    assert set(called) == set(_SERIALIZER_INTERNALS), json.dumps(called[:5])


def test_every_recorded_envelope_deserializes_as_with_the_stock_serializer():
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.alexa.serializer import FastSerializer

    stock, fast = DefaultSerializer(), FastSerializer()
    fixtures = sorted((ROOT / "tests" / "fixtures").glob("*.json"))
    assert len(fixtures) > 100
    for path in fixtures:
        text = path.read_text(encoding="utf-8")
        ours = fast.deserialize(text, RequestEnvelope)
        theirs = stock.deserialize(text, RequestEnvelope)
        assert ours == theirs, path.name
        assert fast.serialize(ours) == stock.serialize(theirs), path.name


def test_alexa_api_answers_deserialize_as_with_the_stock_serializer():
    """Reminders carry dates in several shapes: with and without a zone, with milliseconds."""
    import json

    from ask_sdk_core.serialize import DefaultSerializer

    from skill.alexa.reminders import _readable_alert_info
    from skill.alexa.serializer import FastSerializer

    _readable_alert_info()
    answer = json.dumps({"totalCount": "3", "links": {"next": None}, "alerts": [
        {"alertToken": f"t{n}", "createdTime": created, "updatedTime": created, "status": "ON",
         "version": "1", "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": scheduled,
                                     "timeZoneId": "Europe/London"}}
        for n, (created, scheduled) in enumerate([
            ("2026-12-02T08:00:00Z", "2026-12-03T08:00:00"),
            ("2026-12-02T08:00:00.797+00:00", "2026-12-03T08:00:00.000"),
            ("Wed, 02 Dec 2026 08:00:00 GMT", "2026-12-03"),   # not ISO: the SDK's parser
        ])]})
    kind = ("ask_sdk_model.services.reminder_management.get_reminders_response."
            "GetRemindersResponse")
    ours = FastSerializer().deserialize(answer, kind)
    theirs = DefaultSerializer().deserialize(answer, kind)
    assert ours == theirs
    assert [a.created_time for a in ours.alerts] == [a.created_time for a in theirs.alerts]


def test_every_answer_to_a_recorded_envelope_serializes_as_with_the_stock_serializer():
    """Responses carry what envelopes do not: APL documents, directives, cards, enums."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.app import build_skill
    from skill.config import Settings
    from tests.alexa_api import FakeAlexaApi

    skill = build_skill(Settings(), api_client=FakeAlexaApi())
    stock = DefaultSerializer()
    fixtures = sorted((ROOT / "tests" / "fixtures").glob("*.json"))
    kinds: set[str] = set()
    for path in fixtures:
        envelope = skill.serializer.deserialize(path.read_text(encoding="utf-8"), RequestEnvelope)
        response = skill.invoke(request_envelope=envelope, context=None)
        ours = skill.serializer.serialize(response)
        assert ours == stock.serialize(response), path.name
        kinds.update(d.get("type", "") for d in (ours.get("response") or {}).get("directives", ()))
    assert {"Alexa.Presentation.APL.RenderDocument", "Connections.SendRequest"} <= kinds


def test_reminder_requests_serialize_as_with_the_stock_serializer():
    from datetime import datetime

    from ask_sdk_core.serialize import DefaultSerializer

    from skill.alexa.reminders import ClockTime, reminder_request
    from skill.alexa.serializer import FastSerializer

    request = reminder_request(ClockTime(8, 30), datetime(2026, 12, 2, 7, 0), "Europe/London",
                               "en-GB", "Time for your daily muscle tip")
    ours = FastSerializer().serialize(request)
    assert ours == DefaultSerializer().serialize(request)
    assert ours["trigger"]["timeZoneId"] == "Europe/London"


@pytest.mark.parametrize("payload, kind", [
    ('{"version": "1.0", "request": "not an object"}', "ask_sdk_model.RequestEnvelope"),
    ('{"version": "1.0", "request": {"type": "NoSuchRequest"}}', "ask_sdk_model.RequestEnvelope"),
    ('{"totalCount": "1", "alerts": [{"status": "SNOOZED"}]}',
     "ask_sdk_model.services.reminder_management.get_reminders_response.GetRemindersResponse"),
    ('{"alerts": "x"}', "ask_sdk_model.no_such_module.NoSuchClass"),
])
def test_a_document_the_stock_serializer_refuses_is_refused_the_same_way(payload, kind):
    """Bad input fails as a SerializationException, as with the stock serializer, never as
    another error (the web service turns that one into a 400)."""
    from ask_sdk_core.exceptions import SerializationException
    from ask_sdk_core.serialize import DefaultSerializer

    from skill.alexa.reminders import _readable_alert_info
    from skill.alexa.serializer import FastSerializer

    _readable_alert_info()
    with pytest.raises(SerializationException) as stock:
        DefaultSerializer().deserialize(payload, kind)
    with pytest.raises(SerializationException) as ours:
        FastSerializer().deserialize(payload, kind)
    assert str(ours.value) == str(stock.value)


def test_keys_a_model_does_not_name_are_kept_as_with_the_stock_serializer():
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.alexa.serializer import FastSerializer

    event = json.loads((ROOT / "tests" / "fixtures" / "cause_coffee.json").read_text())
    event["request"]["futureField"] = {"nested": [1, 2]}
    event["context"]["System"]["device"]["newThing"] = "x"
    text = json.dumps(event)
    ours = FastSerializer().deserialize(text, RequestEnvelope)
    theirs = DefaultSerializer().deserialize(text, RequestEnvelope)
    assert ours == theirs
    assert ours.request.futureField == {"nested": [1, 2]}
    assert FastSerializer().serialize(ours) == DefaultSerializer().serialize(theirs)
