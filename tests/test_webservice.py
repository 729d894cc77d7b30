"""The web service: genuine Alexa requests are answered, everything else is refused with a reason.

Each test signs a request the way Alexa does, with a private CA (tests/certs.py) that the
verifier is told to trust, and checks the HTTP status, the spoken answer or the log line that
says why the request was refused. The certificate URL rules are checked on the same function the
service uses; only the fetch is stubbed or served from 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.app import build_skill
from skill.config import Settings
from skill.simulator.envelope import DEFAULT_SKILL_ID, Conversation, timestamp
from skill.web.service import ConfigurationError, check_settings, create_app
from skill.web.verify import (
    AlexaRequestVerifier,
    RequestRejected,
    fetch_certificate_chain,
    load_trusted_roots,
    validate_cert_url,
)
from tests.certs import CERT_URL, CertificateServer, Route, make_pki
from tests.conftest import Reply

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(skill_id=DEFAULT_SKILL_ID, state_path=None)




@pytest.fixture
def service(pki, fetcher):
    """A test client for the app, verifying against the private root with the stub fetcher."""

    def make(settings: Settings = SETTINGS, **verifier_options: Any):
        options = {"fetch": fetcher, **verifier_options}
        verifier = AlexaRequestVerifier([pki.root.certificate], **options)
        return create_app(settings, verifier=verifier).test_client()

    return make


def launch(**changes: Any) -> dict[str, Any]:
    envelope = Conversation().launch()
    envelope["request"].update(changes)
    return envelope


def body_of(envelope: dict[str, Any] | bytes) -> bytes:
    return envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode("utf-8")


def post(client, envelope: dict[str, Any] | bytes, signer=None, *, cert_url: str | None = CERT_URL,
         signature: str | None = None, body: bytes | None = None, route: str = "/"):
    """POST as Alexa does: signature over the exact body, cert URL header; `body` replaces the
    signed body (tampering), `signature` replaces the signature."""
    signed = body_of(envelope)
    headers = {"Content-Type": "application/json"}
    if cert_url is not None:
        headers["SignatureCertChainUrl"] = cert_url
    if signature is None and signer is not None:
        signature = signer.sign(signed)
    if signature is not None:
        headers["Signature-256"] = signature
    return client.post(route, data=signed if body is None else body, headers=headers)


def refused(response, caplog, status: int, reason: str) -> None:
    """Refused with `status`, a short JSON answer without internals, and a log line with why."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert set(response.get_json()) == {"error"}
    assert "Traceback" not in response.get_data(as_text=True)
    lines = [record.getMessage() for record in caplog.records
             if record.name == "skill.web.service" and record.levelno == logging.WARNING]
    assert any(f"({status})" in line and reason in line for line in lines), lines


# --- a genuine request --------------------------------------------------------------------------

def test_a_signed_request_is_answered_by_the_skill(service, signer):
    response = post(service(), launch(), signer)
    assert response.status_code == 200
    reply = Reply(response.get_json())
    assert "welcome" in reply.speech.lower()
    assert reply.ends_session is False


def test_a_question_gets_the_same_answer_as_through_lambda(service, signer, replay):
    envelope = Conversation().intent("DailyTipIntent")
    over_http = Reply(post(service(), envelope, signer).get_json())
    assert over_http.speech == replay(envelope).speech


def test_the_chain_is_fetched_once_and_cached_until_it_expires(pki, signer, fetcher):
    now = datetime.now(UTC)
    clock = [now]
    verifier = AlexaRequestVerifier([pki.root.certificate], fetch=fetcher, clock=lambda: clock[0])
    client = create_app(SETTINGS, verifier=verifier).test_client()
    for _ in range(3):
        assert post(client, launch(), signer).status_code == 200
    assert fetcher.calls == [CERT_URL]
    clock[0] = signer.leaf.not_valid_after_utc + timedelta(seconds=1)
    post(client, launch(timestamp=timestamp(clock[0])), signer)
    assert fetcher.calls == [CERT_URL, CERT_URL]


# --- the body and the signature -----------------------------------------------------------------

def test_a_tampered_body_is_refused(service, signer, caplog):
    signed = body_of(launch())
    tampered = signed.replace(b"en-US", b"en-GB")
    response = post(service(), signed, signer, body=tampered)
    refused(response, caplog, 400, "signature does not match the body")


def test_a_signature_by_another_key_is_refused(service, pki, signer, caplog):
    impostor = pki.signer()   # a valid certificate, but not the one the URL serves
    envelope = launch()
    response = post(service(), envelope, signature=impostor.sign(body_of(envelope)))
    refused(response, caplog, 400, "signature does not match the body")


def test_a_signature_that_is_not_base64_is_refused(service, caplog):
    refused(post(service(), launch(), signature="not base64!"), caplog, 400, "not base64")


@pytest.mark.parametrize("missing, reason", [
    ("SignatureCertChainUrl", "missing SignatureCertChainUrl header"),
    ("Signature-256", "missing Signature-256 header"),
])
def test_a_missing_header_is_refused(service, signer, caplog, missing, reason):
    envelope = launch()
    headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": signer.sign(body_of(envelope))}
    del headers[missing]
    response = service().post("/", data=body_of(envelope), headers=headers)
    refused(response, caplog, 400, reason)


# --- the certificate ----------------------------------------------------------------------------

@pytest.mark.parametrize("leaf, reason", [
    ({"valid_from": timedelta(days=-30), "valid_until": timedelta(minutes=-1)},
     "not valid at validation time"),
    ({"valid_from": timedelta(days=1), "valid_until": timedelta(days=30)},
     "not valid at validation time"),
    ({"san": ("echo-api.amazon.com.evil.example",)}, "is not among its subjectAltName"),
    ({"san": ("evil.example", "www.amazon.com")}, "is not among its subjectAltName"),
], ids=["expired", "not-yet-valid", "lookalike-san", "wrong-san"])
def test_a_certificate_that_does_not_qualify_is_refused(service, pki, fetcher, caplog, leaf,
                                                        reason):
    bad = pki.signer(**leaf)
    fetcher.chains[CERT_URL] = bad.chain_pem()
    response = post(service(), launch(), bad)
    refused(response, caplog, 400, reason)


def test_a_chain_with_a_cross_signed_root_after_the_intermediate_is_accepted(
        service, pki, signer, fetcher):
    """Amazon serves more than leaf and intermediate: its root, cross-signed by an older root."""
    from cryptography.hazmat.primitives.serialization import Encoding

    cross = pki.cross_signed_root(make_pki().root)
    fetcher.chains[CERT_URL] = signer.chain_pem() + cross.public_bytes(Encoding.PEM)
    assert post(service(), launch(), signer).status_code == 200


def test_a_chain_from_an_untrusted_root_is_refused(service, fetcher, caplog):
    stranger = make_pki().signer()      # right name, valid dates, unknown root
    fetcher.chains[CERT_URL] = stranger.chain_pem()
    refused(post(service(), launch(), stranger), caplog, 400, "is not valid for "
            "echo-api.amazon.com")


def test_a_chain_that_is_not_pem_is_refused(service, signer, fetcher, caplog):
    fetcher.chains[CERT_URL] = b"<html>not a certificate</html>"
    refused(post(service(), launch(), signer), caplog, 400, "is not PEM")


def test_a_signing_key_that_is_not_rsa_is_refused(service, pki, fetcher, caplog):
    ec_signer = pki.signer(ec_key=True)
    fetcher.chains[CERT_URL] = ec_signer.chain_pem()
    # An ECDSA signature is refused by its length before any fetch; one of RSA's length is not.
    refused(post(service(), launch(), ec_signer), caplog, 400, "not an RSA signature")
    import base64

    rsa_sized = base64.b64encode(bytes(256)).decode("ascii")
    refused(post(service(), launch(), signature=rsa_sized), caplog, 400, "has no RSA key")


# --- the certificate URL: Amazon's rules, on the validator the service uses ----------------------

GOOD_URLS = [
    ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
     "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("HTTPS://s3.AmazonAWS.com/echo.api/echo-api-cert.pem",
     "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
     "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
     "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
]

BAD_URLS = [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "is not https"),
    ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "is not https"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "is not on s3.amazonaws.com"),
    ("https://s3.amazonaws.com.evil.example/echo.api/cert.pem", "is not on s3.amazonaws.com"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "uses port 563, not 443"),
    ("https://s3.amazonaws.com:abc/echo.api/echo-api-cert.pem", "is malformed"),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path is not under /echo.api/"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path is not under /echo.api/"),
    ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
     "path is not under /echo.api/"),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/cert.pem",
     "path is not under /echo.api/"),
    ("https://s3.amazonaws.com/echo.api", "path is not under /echo.api/"),
    ("https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem", "carries user info"),
    ("", "certificate URL is empty"),
]


@pytest.mark.parametrize("url, normalised", GOOD_URLS)
def test_amazons_certificate_urls_are_accepted_and_normalised(url, normalised):
    assert validate_cert_url(url) == normalised


@pytest.mark.parametrize("url, reason", BAD_URLS)
def test_a_certificate_url_breaking_a_rule_is_refused(url, reason):
    with pytest.raises(RequestRejected, match=reason):
        validate_cert_url(url)


@pytest.mark.parametrize("url, reason", BAD_URLS[:-1])
def test_a_request_with_a_bad_certificate_url_is_refused_before_any_fetch(
        service, signer, fetcher, caplog, url, reason):
    fetcher.chains[url] = signer.chain_pem()   # even if something served it
    response = post(service(), launch(), signer, cert_url=url)
    refused(response, caplog, 400, reason)
    assert fetcher.calls == []


def test_a_loopback_origin_is_allowed_only_when_the_test_setting_names_it(pki):
    url = "http://127.0.0.1:8443/echo.api/cert.pem"
    with pytest.raises(RequestRejected, match="is not https"):
        validate_cert_url(url)
    assert validate_cert_url(url, test_origin="http://127.0.0.1:8443") == url
    with pytest.raises(RequestRejected, match="path is not under"):
        validate_cert_url("http://127.0.0.1:8443/other/cert.pem",
                          test_origin="http://127.0.0.1:8443")
    with pytest.raises(ValueError, match="loopback only"):
        AlexaRequestVerifier([pki.root.certificate], test_cert_origin="http://example.com:80")


# --- the timestamp ------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, status, reason", [
    (timedelta(seconds=-140), 200, None),
    (timedelta(seconds=140), 200, None),
    (timedelta(seconds=-160), 400, "s old (limit 150 s)"),
    (timedelta(hours=-2), 400, "s old (limit 150 s)"),
    (timedelta(seconds=160), 400, "s in the future (limit 150 s)"),
])
def test_the_timestamp_must_be_within_150_seconds(service, signer, caplog, offset, status,
                                                    reason):
    envelope = launch(timestamp=timestamp(datetime.now(UTC) + offset))
    response = post(service(), envelope, signer)
    if reason is None:
        assert response.status_code == status
    else:
        refused(response, caplog, status, reason)


def test_a_timestamp_without_a_zone_is_read_as_utc_and_a_missing_one_refused(service, signer,
                                                                            caplog):
    client = service()
    zoneless = (datetime.now(UTC) - timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%S")
    assert post(client, launch(timestamp=zoneless), signer).status_code == 200
    stale = (datetime.now(UTC) - timedelta(seconds=600)).strftime("%Y-%m-%dT%H:%M:%S")
    refused(post(client, launch(timestamp=stale), signer), caplog, 400, "s old")
    envelope = launch()
    del envelope["request"]["timestamp"]
    refused(post(client, envelope, signer), caplog, 400, "request has no timestamp")


# --- the skill id -------------------------------------------------------------------------------

def test_a_request_for_another_skill_is_forbidden(service, signer, caplog):
    envelope = Conversation(skill_id="amzn1.ask.skill.someone-else").launch()
    refused(post(service(), envelope, signer), caplog, 403, "is not this skill's")


def test_a_session_naming_another_skill_is_forbidden(service, signer, caplog):
    envelope = launch()
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    refused(post(service(), envelope, signer), caplog, 403, "is not this skill's")


def test_without_a_skill_id_any_skill_id_is_served_outside_production(service, signer):
    envelope = Conversation(skill_id="amzn1.ask.skill.someone-else").launch()
    assert post(service(Settings(state_path=None)), envelope, signer).status_code == 200


# --- the body -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, reason", [
    (b"", "body is empty"),
    (b"hello, skill", "body is not JSON"),
    (b'{"request": ', "body is not JSON"),
    (b"\xff\xfe{}", "body is not UTF-8"),
    (b"[1, 2, 3]", "no request object"),
    (b'{"version": "1.0"}', "no request object"),
    (b'{"request": "LaunchRequest"}', "no request object"),
    (b"[" * 100_000 + b"]" * 100_000, "body is"),
], ids=["empty", "text", "truncated", "not-utf8", "array", "no-request", "request-not-object",
        "deeply-nested"])
def test_a_body_that_is_not_a_request_envelope_is_refused(service, signer, caplog, body, reason):
    response = post(service(Settings(skill_id=DEFAULT_SKILL_ID, state_path=None,
                                     max_body_bytes=1_000_000)), body, signer)
    refused(response, caplog, 400, reason)


def test_a_signed_envelope_the_sdk_cannot_read_is_refused(service, signer, caplog):
    envelope = launch(type="NoSuchRequestType")
    refused(post(service(), envelope, signer), caplog, 400, "not an Alexa request envelope")


def test_an_oversized_body_is_refused_before_it_is_read(service, signer, caplog):
    envelope = launch(padding="x" * 200_000)
    response = post(service(), envelope, signer)
    refused(response, caplog, 400, "over the 131072-byte limit")


def test_an_oversized_body_without_a_length_is_refused(service, signer, caplog):
    client = service(Settings(skill_id=DEFAULT_SKILL_ID, state_path=None, max_body_bytes=4096))
    body = body_of(launch(padding="x" * 10_000))
    import io

    response = client.post("/", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked",
                                    "SignatureCertChainUrl": CERT_URL,
                                    "Signature-256": signer.sign(body)},
                           environ_overrides={"wsgi.input_terminated": True})
    refused(response, caplog, 400, "body is over the 4096-byte limit")


# --- the service around the skill ---------------------------------------------------------------

def test_health_check_and_routing_errors_answer_json(service):
    client = service()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/").status_code == 405
    assert client.get("/").get_json() == {"error": "method not allowed"}
    assert client.post("/nowhere").status_code == 404
    assert client.get("/static/x").status_code == 404


def test_the_route_is_configurable(service, signer):
    client = service(Settings(skill_id=DEFAULT_SKILL_ID, state_path=None, route="/alexa"))
    assert post(client, launch(), signer, route="/alexa").status_code == 200
    assert post(client, launch(), signer, route="/").status_code == 404


def test_a_failure_inside_the_skill_is_an_apology_not_a_500(pki, signer, fetcher, caplog):
    skill = build_skill(SETTINGS)

    def broken(*args, **kwargs):
        raise RuntimeError("the skill broke")

    skill.invoke = broken
    verifier = AlexaRequestVerifier([pki.root.certificate], fetch=fetcher)
    response = post(create_app(SETTINGS, skill=skill, verifier=verifier).test_client(),
                    launch(), signer)
    assert response.status_code == 200
    assert "something went wrong" in Reply(response.get_json()).speech.lower()
    assert any("the skill failed" in record.getMessage() for record in caplog.records)


# --- verification is on unless switched off, and never off in production ------------------------

def test_verification_is_on_by_default_with_the_public_roots(caplog):
    client = create_app(SETTINGS).test_client()
    refused(client.post("/", data=body_of(launch())), caplog, 400,
            "missing SignatureCertChainUrl header")
    adapter = client.application.extensions["ASK_SDK_SKILL_ADAPTER"][DEFAULT_SKILL_ID]
    assert type(adapter.request_verifier).__name__ == "AlexaRequestVerifier"
    assert len(load_trusted_roots()) > 50


def test_switching_verification_off_is_explicit_and_warned_about(caplog):
    assert Settings.from_env({}).verify_signatures is True
    settings = Settings.from_env({"VERIFY_SIGNATURES": "false", "STATE_PATH": "none"})
    client = create_app(settings).test_client()
    assert any("REQUEST VERIFICATION IS OFF" in record.getMessage() and
               record.levelno == logging.WARNING for record in caplog.records)
    response = client.post("/", data=body_of(launch()))
    assert response.status_code == 200
    with pytest.raises(ValueError, match="VERIFY_SIGNATURES"):
        Settings.from_env({"VERIFY_SIGNATURES": "nope"})


@pytest.mark.parametrize("settings, reason", [
    (Settings(production=True, skill_id="amzn1.ask.skill.x", verify_signatures=False),
     "refused in production"),
    (Settings(production=True), "needs SKILL_ID"),
    (Settings(production=True, skill_id="amzn1.ask.skill.x",
              test_cert_origin="http://127.0.0.1:9999"), "refused in production"),
    (Settings(test_cert_origin="http://10.0.0.8:80"), "loopback only"),
    (Settings(route="alexa"), "must start with /"),
    (Settings(route="/healthz"), "must start with /"),
], ids=["production-unverified", "production-no-skill-id", "production-test-origin",
        "test-origin-not-loopback", "route-relative", "route-health"])
def test_unsafe_settings_are_refused_at_start(settings, reason):
    with pytest.raises(ConfigurationError, match=reason):
        check_settings(settings)
    with pytest.raises(ConfigurationError, match=reason):
        create_app(settings)


def test_production_settings_come_from_the_environment():
    settings = Settings.from_env({"PRODUCTION": "1", "SKILL_ID": "amzn1.ask.skill.x",
                                  "SKILL_ROUTE": "/alexa", "MAX_BODY_BYTES": "65536"})
    assert (settings.production, settings.route, settings.max_body_bytes) == (True, "/alexa",
                                                                               65536)
    check_settings(settings)
    with pytest.raises(ValueError, match="MAX_BODY_BYTES"):
        Settings.from_env({"MAX_BODY_BYTES": "-1"})


# --- fetching the chain over HTTP, from a local stand-in for S3 ----------------------------------

def test_the_chain_is_fetched_over_http_and_the_request_answered(pki, signer):
    with CertificateServer() as server:
        server.routes["/echo.api/cert.pem"] = Route(signer.chain_pem())
        verifier = AlexaRequestVerifier([pki.root.certificate], test_cert_origin=server.origin)
        client = create_app(SETTINGS, verifier=verifier).test_client()
        for _ in range(2):
            response = post(client, launch(), signer, cert_url=server.url("/echo.api/cert.pem"))
            assert response.status_code == 200
        assert server.hits == {"/echo.api/cert.pem": 1}


@pytest.mark.parametrize("route, reason", [
    (Route(b"x" * 70_000), "is larger than 65536 bytes"),
    (Route(b"-----BEGIN" * 2000, delay=0.4), "took longer than 1 s"),
    (Route(b"", status=302, headers={"Location": "http://127.0.0.1:1/echo.api/x"}),
     "answered 302"),
    (Route(b"gone", status=404), "answered 404"),
], ids=["too-big", "too-slow", "redirect", "not-found"])
def test_a_chain_fetch_is_bounded_in_size_and_time_and_never_redirected(route, reason):
    with CertificateServer() as server:
        server.routes["/echo.api/cert.pem"] = route
        with pytest.raises(RequestRejected, match=reason):
            fetch_certificate_chain(server.url("/echo.api/cert.pem"), timeout=1.0)


def test_an_unreachable_chain_is_refused(service, pki, signer, caplog):
    with CertificateServer() as server:
        origin = server.origin
    verifier = AlexaRequestVerifier([pki.root.certificate], test_cert_origin=origin)
    client = create_app(SETTINGS, verifier=verifier).test_client()
    response = post(client, launch(), signer, cert_url=origin + "/echo.api/cert.pem")
    refused(response, caplog, 400, "could not fetch the certificate chain")


# --- the oscrypto trap, and the Lambda path ------------------------------------------------------

def _fresh_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_web_service_imports_without_loading_oscrypto_and_the_stock_verifier_fails_closed():
    out = _fresh_python(
        "import certifi, sys, skill.web.service\n"
        "from skill.web import certvalidator_standin\n"
        "from ask_sdk_webservice_support.verifier import RequestVerifier, VerificationException\n"
        "assert certvalidator_standin.installed()\n"
        "assert not [m for m in sys.modules if m.startswith('oscrypto')]\n"
        "try:\n"
        "    RequestVerifier()._validate_cert_chain(open(certifi.where(), 'rb').read())\n"
        "except VerificationException as e:\n"
        "    print('refused:', e.args[0])\n")
    assert out == "refused: Certificate chain is not valid"


def test_the_lambda_path_never_imports_the_web_stack():
    out = _fresh_python(
        "import json, sys\n"
        "from skill.app import lambda_handler\n"
        "event = json.load(open('tests/fixtures/launch.json'))\n"
        "lambda_handler(event, None)\n"
        "heavy = ('flask', 'flask_ask_sdk', 'ask_sdk_webservice_support', 'cryptography',\n"
        "         'certvalidator', 'oscrypto', 'gunicorn', 'skill.web')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n")
    assert out == "[]"
