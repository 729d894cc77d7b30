"""The web service under attack: each finding of the hardening review, reproduced from outside.

Every test here talks to the app through its HTTP interface (Flask's test client) or to the real
server on 127.0.0.1; certificate chains come from the private CA in tests/certs.py, served by a
loopback stand-in for S3 when the fetch itself is under test.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from skill.config import Settings
from skill.simulator.envelope import DEFAULT_SKILL_ID, Conversation
from skill.web.service import create_app
from skill.web.verify import AlexaRequestVerifier
from tests.certs import CERT_URL, Fetcher

SETTINGS = Settings(skill_id=DEFAULT_SKILL_ID, state_path=None)
FORGED = "\n2026-12-01 00:00:00,000 1 INFO skill.web.service: FORGED LOG LINE"
LOG_LINE_LIMIT = 500   # "a few hundred characters"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")




def launch(**changes: Any) -> dict[str, Any]:
    envelope = Conversation().launch()
    envelope["request"].update(changes)
    return envelope


def post(client, envelope: dict[str, Any] | bytes, signer=None, *, cert_url: str = CERT_URL,
         signature: str | None = None, **headers: str):
    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode("utf-8")
    sent = {"Content-Type": "application/json", "SignatureCertChainUrl": cert_url, **headers}
    if signature is None and signer is not None:
        signature = signer.sign(body)
    if signature is not None:
        sent["Signature-256"] = signature
    return client.post("/", data=body, headers=sent)


def service_lines(caplog) -> list[str]:
    """Every line the web service and its verifier wrote, as a log file would hold them."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: "
                                           "%(message)s"))
    text = "\n".join(handler.format(record) for record in caplog.records
                     if record.name.startswith("skill.web"))
    return text.splitlines()


def assert_log_is_safe(caplog) -> None:
    lines = service_lines(caplog)
    assert lines, "nothing was logged"
    for line in lines:
        assert not line.startswith(FORGED.strip()[:30]), f"a forged line: {line}"
        assert not _CONTROL.search(line), line
        assert len(line) <= LOG_LINE_LIMIT, f"a log line of {len(line)} characters"


# --- 1. log forging -----------------------------------------------------------------------------

def app_with(verification: str, pki, fetcher):
    """The web service with signature verification on (against the test CA) or off."""
    if verification == "on":
        return create_app(SETTINGS, verifier=AlexaRequestVerifier([pki.root.certificate],
                                                                  fetch=fetcher))
    return create_app(Settings(state_path=None, verify_signatures=False))


@pytest.mark.parametrize("verification", ["on", "off"])
def test_a_timestamp_carrying_a_log_line_cannot_forge_one(pki, fetcher, caplog, verification):
    app = app_with(verification, pki, fetcher)
    caplog.set_level(logging.INFO)
    response = post(app.test_client(), launch(timestamp=FORGED), signature="AAAA")
    assert response.status_code == 400
    assert_log_is_safe(caplog)


@pytest.mark.parametrize("verification", ["on", "off"])
def test_a_120_kb_field_does_not_make_a_120_kb_log_line(pki, fetcher, caplog, verification):
    app = app_with(verification, pki, fetcher)
    caplog.set_level(logging.INFO)
    response = post(app.test_client(), launch(timestamp="x" * 120_000), signature="AAAA")
    assert response.status_code == 400
    assert_log_is_safe(caplog)


def test_a_signed_envelope_the_sdk_cannot_read_is_logged_escaped_and_short(pki, signer, fetcher,
                                                                          caplog):
    """Even a request whose signature holds: the SDK's error text carries the raw value."""
    app = create_app(SETTINGS, verifier=AlexaRequestVerifier([pki.root.certificate],
                                                             fetch=fetcher))
    caplog.set_level(logging.INFO)
    envelope = launch()
    envelope["context"]["Viewport"] = {"shape": FORGED + "x" * 5000}
    response = post(app.test_client(), envelope, signer)
    assert response.status_code == 400
    assert_log_is_safe(caplog)


def test_a_path_carrying_a_log_line_cannot_forge_one(pki, fetcher, caplog):
    app = create_app(SETTINGS, verifier=AlexaRequestVerifier([pki.root.certificate],
                                                             fetch=fetcher))
    caplog.set_level(logging.INFO)
    response = app.test_client().post("/nowhere%0A2026-12-01%2000:00:00,000%201%20INFO%20"
                                      "skill.web.service:%20FORGED%20LOG%20LINE" + "y" * 5000)
    assert response.status_code == 404
    assert_log_is_safe(caplog)


# --- 2. everything that costs nothing first, the fetch last --------------------------------------

def verified_client(pki, fetcher, clock=None):
    options = {"fetch": fetcher} if clock is None else {"fetch": fetcher, "clock": clock}
    verifier = AlexaRequestVerifier([pki.root.certificate], **options)
    return create_app(SETTINGS, verifier=verifier).test_client()


def refused(response, caplog, status: int, reason: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.get_json()) == {"error"}
    lines = [record.getMessage() for record in caplog.records
             if record.name == "skill.web.service" and record.levelno == logging.WARNING]
    assert any(f"({status})" in line and reason in line for line in lines), lines


@pytest.mark.parametrize("signature, reason", [
    ("not base64!", "is not base64"),
    ("AAAA", "not an RSA signature"),
    ("A" * 5000, "not an RSA signature"),
], ids=["not-base64", "too-short", "too-long"])
def test_a_malformed_signature_is_refused_without_fetching_the_chain(pki, fetcher, caplog,
                                                                     signature, reason):
    response = post(verified_client(pki, fetcher), launch(), signature=signature)
    refused(response, caplog, 400, reason)
    assert fetcher.calls == []


def test_a_stale_request_is_refused_without_fetching_the_chain(pki, signer, fetcher, caplog):
    from datetime import UTC, datetime, timedelta

    from skill.simulator.envelope import timestamp

    envelope = launch(timestamp=timestamp(datetime.now(UTC) - timedelta(hours=1)))
    refused(post(verified_client(pki, fetcher), envelope, signer), caplog, 400, "s old")
    assert fetcher.calls == []


def test_a_timestamp_that_is_not_a_date_is_refused_without_fetching_the_chain(pki, signer,
                                                                              fetcher, caplog):
    envelope = launch(timestamp="yesterday")
    refused(post(verified_client(pki, fetcher), envelope, signer), caplog, 400,
            "timestamp is not")
    assert fetcher.calls == []


@pytest.mark.parametrize("suffix", ["?n=1", "?", "#top", "?n=2#x"])
def test_a_certificate_url_with_a_query_or_fragment_is_refused_without_a_fetch(
        pki, signer, fetcher, caplog, suffix):
    fetcher.chains[CERT_URL + suffix] = signer.chain_pem()
    response = post(verified_client(pki, fetcher), launch(), signer, cert_url=CERT_URL + suffix)
    refused(response, caplog, 400, "query or fragment")
    assert fetcher.calls == []


def test_spellings_of_one_certificate_url_share_one_fetch_and_one_cache_entry(pki, signer,
                                                                              fetcher):
    client = verified_client(pki, fetcher)
    for spelling in (CERT_URL, "HTTPS://S3.AmazonAWS.com:443/echo.api/echo-api-cert-12.pem",
                     "https://s3.amazonaws.com/echo.api/./%65cho-api-cert-12.pem",
                     "https://s3.amazonaws.com/echo.api/x/../echo-api-cert-12.pem"):
        assert post(client, launch(), signer, cert_url=spelling).status_code == 200, spelling
    assert fetcher.calls == [CERT_URL]


def test_a_chain_that_failed_is_not_fetched_again_for_a_while(pki, signer, caplog):
    from datetime import UTC, datetime, timedelta

    empty = Fetcher({})
    now = [datetime.now(UTC)]
    client = verified_client(pki, empty, clock=lambda: now[0])
    from skill.simulator.envelope import timestamp

    for _ in range(3):
        envelope = launch(timestamp=timestamp(now[0]))
        refused(post(client, envelope, signer), caplog, 400, "test fetcher has no chain")
    assert empty.calls == [CERT_URL]
    now[0] += timedelta(seconds=60)
    post(client, launch(timestamp=timestamp(now[0])), signer)
    assert empty.calls == [CERT_URL, CERT_URL]


# --- 4. a failure in verification is never a 200 --------------------------------------------------

def test_a_chain_server_answering_a_bad_status_line_is_refused_not_apologised_for(pki, signer,
                                                                                 caplog):
    from tests.certs import CertificateServer, Route

    with CertificateServer() as server:
        server.routes["/echo.api/cert.pem"] = Route(b"", raw=b"NOT HTTP AT ALL\r\n\r\n")
        verifier = AlexaRequestVerifier([pki.root.certificate], test_cert_origin=server.origin)
        client = create_app(SETTINGS, verifier=verifier).test_client()
        response = post(client, launch(), signer, cert_url=server.url("/echo.api/cert.pem"))
    refused(response, caplog, 400, "certificate chain")
    assert not any("the skill failed" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("error", [KeyError("boom"), TypeError("boom"), RuntimeError("boom"),
                                   RecursionError()])
def test_any_error_before_the_signature_is_proven_is_a_400(pki, signer, caplog, error):
    def broken(url: str) -> bytes:
        raise error

    response = post(verified_client(pki, broken), launch(), signer)
    refused(response, caplog, 400, "verification failed")
    assert not any("the skill failed" in record.getMessage() for record in caplog.records)


# --- 3. deadlines that hold ----------------------------------------------------------------------

def test_a_chain_trickled_a_byte_at_a_time_is_cut_off_at_the_deadline():
    import time

    from skill.web.verify import RequestRejected, fetch_certificate_chain
    from tests.certs import CertificateServer, Route

    with CertificateServer() as server:
        server.routes["/echo.api/cert.pem"] = Route(b"-----BEGIN CERTIFICATE-----",
                                                    trickle=0.25)
        began = time.monotonic()
        with pytest.raises(RequestRejected, match="took longer than 1 s"):
            fetch_certificate_chain(server.url("/echo.api/cert.pem"), timeout=1.0)
        took = time.monotonic() - began
    assert took < 1.5, f"the fetch held the caller for {took:.1f} s"


def test_a_slow_chain_is_a_400_within_the_fetch_deadline(pki, signer, caplog):
    import time

    from skill.web.verify import FETCH_TIMEOUT_SECONDS
    from tests.certs import CertificateServer, Route

    with CertificateServer() as server:
        # 27 bytes, one every 0.25 s: 6.75 s in all, far past the 2 s deadline
        server.routes["/echo.api/cert.pem"] = Route(b"-----BEGIN CERTIFICATE-----",
                                                    trickle=0.25)
        verifier = AlexaRequestVerifier([pki.root.certificate], test_cert_origin=server.origin)
        client = create_app(SETTINGS, verifier=verifier).test_client()
        began = time.monotonic()
        response = post(client, launch(), signer, cert_url=server.url("/echo.api/cert.pem"))
        took = time.monotonic() - began
    refused(response, caplog, 400, "took longer than")
    assert took < FETCH_TIMEOUT_SECONDS + 0.5, f"the request took {took:.1f} s"


def test_a_chain_without_a_length_is_cut_off_at_the_size_cap():
    from skill.web.verify import RequestRejected, fetch_certificate_chain
    from tests.certs import CertificateServer, Route

    endless = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 200_000
    with CertificateServer() as server:
        server.routes["/echo.api/cert.pem"] = Route(b"", raw=endless)
        with pytest.raises(RequestRejected, match="larger than 65536 bytes"):
            fetch_certificate_chain(server.url("/echo.api/cert.pem"), timeout=2.0)


# --- 6. stricter certificates, per Amazon's rules -----------------------------------------------

@pytest.mark.parametrize("leaf, reason", [
    ({"digital_signature": False}, "digitalSignature"),
    ({"rsa_bits": 1024}, "1024-bit RSA key"),
    ({"san": ("*.amazon.com",)}, "subjectAltName"),
    ({"san": ("*.echo-api.amazon.com", "echo-api.amazon.com.evil.example")}, "subjectAltName"),
], ids=["no-digital-signature", "rsa-1024", "wildcard-san", "lookalike-sans"])
def test_a_signing_certificate_outside_amazons_rules_is_refused(pki, fetcher, caplog, leaf,
                                                                reason):
    import base64

    bad = pki.signer(**leaf)
    fetcher.chains[CERT_URL] = bad.chain_pem()
    envelope = launch()
    signature = bad.sign(json.dumps(envelope).encode("utf-8"))   # the very bytes post() sends
    if leaf.get("rsa_bits", 2048) < 2048:   # as long as a real one, to reach the chain check
        signature = base64.b64encode(bytes(256)).decode("ascii")
    response = post(verified_client(pki, fetcher), envelope, signature=signature)
    refused(response, caplog, 400, reason)


def test_a_rotated_certificate_is_fetched_again_once_before_a_refusal(pki, signer, fetcher):
    from datetime import UTC, datetime, timedelta

    from skill.simulator.envelope import timestamp

    now = [datetime.now(UTC)]
    client = verified_client(pki, fetcher, clock=lambda: now[0])
    assert post(client, launch(timestamp=timestamp(now[0])), signer).status_code == 200
    rotated = pki.signer()                    # Amazon's new certificate, at the same URL
    fetcher.chains[CERT_URL] = rotated.chain_pem()
    now[0] += timedelta(minutes=10)
    envelope = launch(timestamp=timestamp(now[0]))
    assert post(client, envelope, rotated).status_code == 200
    assert fetcher.calls == [CERT_URL, CERT_URL]


def test_a_bad_signature_refetches_the_chain_at_most_once_a_minute(pki, signer, fetcher, caplog):
    """So a stream of forged signatures cannot turn into a stream of fetches."""
    import base64
    from datetime import UTC, datetime, timedelta

    from skill.simulator.envelope import timestamp

    now = [datetime.now(UTC)]
    client = verified_client(pki, fetcher, clock=lambda: now[0])
    assert post(client, launch(timestamp=timestamp(now[0])), signer).status_code == 200
    forged = base64.b64encode(bytes(256)).decode("ascii")
    now[0] += timedelta(minutes=10)
    for _ in range(5):
        refused(post(client, launch(timestamp=timestamp(now[0])), signature=forged), caplog,
                400, "signature does not match the body")
    assert fetcher.calls == [CERT_URL, CERT_URL]
