"""The web service as it runs for real: gunicorn, several workers, loopback only.

Correctness under load, not speed (the figures are printed by `python -m tests.load_webservice`).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from skill.simulator.envelope import Conversation
from tests.certs import CertificateServer, Route, make_pki
from tests.load_webservice import CERT_PATH, ROOT, Server, post, run_load, server_env


def test_under_load_every_answer_is_right_and_no_visit_is_lost(tmp_path):
    result = run_load(tmp_path, workers=2, users=8, per_user=12, deadline=30)
    assert result.wrong == []
    assert result.lost == {}
    assert (result.answered, result.refused) == (8 * 10, 8 * 2)   # every 5th was tampered
    assert len(result.worker_pids) == 2, result.worker_pids        # both workers answered


def test_serve_runs_the_verified_app_under_gunicorn(tmp_path):
    pki = make_pki()
    signer = pki.signer()
    with CertificateServer() as certs:
        certs.routes[CERT_PATH] = Route(signer.chain_pem())
        env = server_env(tmp_path, pki, certs.origin, SKILL_ROUTE="/alexa")
        server = Server([sys.executable, "-m", "skill.web.service", "serve", "--workers", "2",
                         "--bind", "127.0.0.1:0"], env, workers=2)
        try:
            body = json.dumps(Conversation().launch()).encode("utf-8")
            signed = {"SignatureCertChainUrl": certs.url(CERT_PATH),
                      "Signature-256": signer.sign(body)}
            status, answer = post(server.url + "/alexa", body, signed)
            assert status == 200
            assert "welcome" in answer["response"]["outputSpeech"]["ssml"].lower()
            assert post(server.url + "/alexa", body, {}) == (400, {"error": "bad request"})
            assert post(server.url + "/alexa", b"{", signed) == (400, {"error": "bad request"})
        finally:
            server.stop()
    log = "".join(server.log)
    assert "rejected request (400): missing SignatureCertChainUrl header" in log
    assert "rejected request (400): body is not JSON" in log
    assert "Traceback" not in log


def test_serve_refuses_to_start_in_production_without_a_skill_id():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PRODUCTION": "true",
           "STATE_PATH": "none"}
    result = subprocess.run([sys.executable, "-m", "skill.web.service", "serve", "--bind",
                             "127.0.0.1:0"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    assert "refusing to start: production mode needs SKILL_ID" in result.stderr


def _slow_client(url: str, stop, answers: list) -> None:
    """A client that sends its headers, then a body of 1000 bytes one byte a second."""
    import socket
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=1) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                           b"\r\nContent-Length: 1000\r\n\r\n{")
        began = time.monotonic()
        while not stop.is_set() and time.monotonic() - began < 12:
            try:
                connection.sendall(b" ")
                answer = connection.recv(200)
            except TimeoutError:
                continue
            except OSError:
                answers.append((time.monotonic() - began, "closed"))
                return
            answers.append((time.monotonic() - began, answer.split(b"\r\n")[0].decode()))
            return


def test_two_clients_sending_a_byte_a_second_do_not_starve_the_service(tmp_path):
    """As `make serve` runs it (2 workers): /healthz answers promptly while two slow bodies
    trickle in, and each slow body is cut off at the body deadline with a 408."""
    import threading
    import time

    from skill.web import service
    from tests.load_webservice import _open

    BODY_READ_SECONDS = getattr(service, "BODY_READ_SECONDS", 5.0)

    pki = make_pki()
    with CertificateServer() as certs:
        env = server_env(tmp_path, pki, certs.origin)
        server = Server([sys.executable, "-m", "skill.web.service", "serve", "--bind",
                         "127.0.0.1:0"], env, workers=2)
        stop = threading.Event()
        answers: list = []
        clients = [threading.Thread(target=_slow_client, args=(server.url, stop, answers))
                   for _ in range(2)]
        try:
            for client in clients:
                client.start()
            time.sleep(1.0)   # both slow bodies are being read by now
            waits = []
            for _ in range(6):
                began = time.monotonic()
                try:
                    with _open(server.url + "/healthz", timeout=2.0) as response:
                        assert response.status == 200
                except OSError as error:
                    pytest.fail(f"/healthz did not answer within 2 s: {error}")
                waits.append(time.monotonic() - began)
                time.sleep(0.3)
            for client in clients:
                client.join(BODY_READ_SECONDS + 3)
        finally:
            stop.set()
            server.stop()
    assert max(waits) < 0.5, waits
    assert [status.split()[1] for _, status in answers] == ["408", "408"], answers
    assert all(took < BODY_READ_SECONDS + 2 for took, _ in answers), answers
