"""The web service as it runs for real: gunicorn, several workers, loopback only.

Correctness under load, not speed (the figures are printed by `python -m tests.load_webservice`).
"""

from __future__ import annotations

import json
import subprocess
import sys

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
