"""The web service, fuzzed: whatever is POSTed, with whatever headers, it is never a 500.

With signature verification on (the default), nothing unsigned reaches the skill: a request
without a valid Alexa signature is refused with 400, however its body and headers are mangled.
The bodies are the recorded fixtures mutated as in test_fuzz.py, plus bytes that are not JSON or
not text at all; the headers are Alexa's signature headers with wrong, odd or missing values. No
generated certificate URL is one Alexa could use, so the verifier never needs the network.

Built against the interface `skill.web.service.create_app(settings=None, *, skill=None,
verifier=None) -> flask.Flask`; the route is read from the app, not assumed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.config import Settings

from .test_fuzz import EVENTS, mutated_event

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300)
CERT_URLS = st.one_of(HEADER_TEXT, st.sampled_from([
    "", "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",           # not https
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",               # wrong case
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",           # wrong path
    "https://notamazon.com/echo.api/echo-api-cert.pem",                  # wrong host
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",           # wrong port
    "file:///etc/passwd", "https://127.0.0.1/echo.api/x.pem",
]))
SIGNATURES = st.one_of(HEADER_TEXT, st.sampled_from(["", "====", "A" * 344, "not base64!"]))
HEADERS = st.fixed_dictionaries({}, optional={
    "SignatureCertChainUrl": CERT_URLS,
    "Signature": SIGNATURES,
    "Signature-256": SIGNATURES,
    "Content-Type": st.sampled_from(["application/json", "application/json; charset=utf-8",
                                     "text/plain", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", ""]),
})
BODIES = st.one_of(
    mutated_event().map(lambda case: json.dumps(case[1]).encode("utf-8")),
    st.sampled_from([json.dumps(event).encode("utf-8") for event in EVENTS.values()]),
    st.binary(max_size=2000),
    st.sampled_from([b"", b"null", b"[]", b"{}", b'"text"', b"{" * 5000, b"\xff\xfe\x00",
                     b'{"version": "1.0", "request": ' + b"[" * 2000]),
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Imported here, not at the top, so that without the web service every test of this file
    fails with the ImportError (never a skip) while the rest of the suite still runs."""
    from skill.web.service import create_app

    store = tmp_path_factory.mktemp("web-fuzz") / "users.sqlite3"
    return create_app(Settings(state_path=str(store)))


@pytest.fixture(scope="module")
def routes(app) -> list[str]:
    found = [rule.rule for rule in app.url_map.iter_rules()
             if "POST" in (rule.methods or ()) and "<" not in rule.rule]
    assert found, "the web service exposes no POST route"
    return found


def post(app, route: str, body: bytes, headers: dict[str, Any]):
    return app.test_client().post(route, data=body, headers=headers)


def test_verification_is_on_by_default_and_refuses_an_unsigned_fixture(app, routes):
    """The precondition of everything below: an untouched recording, unsigned, is refused."""
    body = json.dumps(EVENTS["cause_coffee"]).encode("utf-8")
    for route in routes:
        response = post(app, route, body, {"Content-Type": "application/json"})
        assert response.status_code == 400, (route, response.status_code)


@FUZZ
@given(body=BODIES, headers=HEADERS, data=st.data())
def test_whatever_is_posted_is_refused_cleanly_never_a_500(app, routes, body, headers, data):
    route = data.draw(st.sampled_from(routes))
    response = post(app, route, body, headers)
    assert response.status_code != 500
    assert response.status_code == 400, (route, response.status_code, headers)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_not_crashed(app, routes, method):
    for route in routes:
        response = app.test_client().open(route, method=method)
        assert 400 <= response.status_code < 500, (route, method, response.status_code)


def test_an_unknown_path_is_a_404(app):
    assert app.test_client().post("/no/such/path", data=b"{}").status_code == 404


def test_a_body_far_larger_than_alexa_sends_is_refused(app, routes):
    body = b'{"version": "1.0", "x": "' + b"a" * (4 * 2**20) + b'"}'
    for route in routes:
        status = post(app, route, body, {"Content-Type": "application/json"}).status_code
        assert status in (400, 413), (route, status)

