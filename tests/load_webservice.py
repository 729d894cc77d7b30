"""Load on loopback: gunicorn with several workers, signed requests in parallel, records checked.

    python -m tests.load_webservice --workers 4 --users 16 --per-user 25

starts the web service under gunicorn on 127.0.0.1 (a free port), with request verification ON
against a private CA whose chain a local server on 127.0.0.1 stands in for S3 to serve
(TRUSTED_ROOTS and TEST_CERT_ORIGIN, the test-only settings). Each simulated user asks for
today's tip several times in a row, users in parallel; every few requests is tampered with and
must be refused. Every answer is checked against what the skill says in-process, and afterwards
every user's record in the SQLite store must hold every visit, in order: the requests were
spread over worker processes, so a lost or clobbered write would show. Bounded: it stops itself
after `deadline` seconds whatever happens, and it talks to nothing but 127.0.0.1.

gunicorn loads `create_load_app()`: the web service's own app around the Lambda entry's skill,
plus one request interceptor that writes a visit into the user's record through
skill/store/records.py `remember()` (the skill itself stores nothing yet on this path).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput

ROOT = Path(__file__).resolve().parent.parent
VISITS = "load_visits"
SEQUENCE = "load_seq"
CERT_PATH = "/echo.api/load-test-chain.pem"


class RecordVisit(AbstractRequestInterceptor):
    """Appends the request's sequence number (a session attribute) to the user's record."""

    def process(self, handler_input: HandlerInput) -> None:
        from skill.store.records import remember, user_record

        # From the request as sent: the skill keeps only its own keys in the session it returns.
        session = handler_input.request_envelope.session
        sequence = ((session.attributes if session else None) or {}).get(SEQUENCE)
        if isinstance(sequence, int):
            visits = list(user_record(handler_input).get(VISITS, []))
            remember(handler_input, **{VISITS: [*visits, sequence]})


def create_load_app() -> Any:
    """gunicorn's app: `create_app()` from the environment, its skill recording visits."""
    from skill.alexa.api_client import TimedApiClient
    from skill.app import build_skill
    from skill.config import Settings
    from skill.web.service import create_app

    settings = Settings.from_env()
    # The envelopes name a loopback stand-in for the Alexa APIs (see run_load), never the internet.
    skill = build_skill(settings, api_client=TimedApiClient(allow_loopback_http=True))
    skill.request_dispatcher.request_interceptors.append(RecordVisit())
    return create_app(settings, skill=skill)


class Server:
    """A server process we started on 127.0.0.1, its base URL read from gunicorn's log."""

    def __init__(self, command: list[str], env: dict[str, str], workers: int,
                 timeout: float = 20.0) -> None:
        self.log: list[str] = []
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        self.url = ""
        while time.monotonic() < deadline and self.process.poll() is None:
            found = [re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
                     for line in list(self.log)]
            booted = sum("Booting worker" in line for line in list(self.log))
            if any(found) and booted >= workers:
                self.url = next(match.group(1) for match in found if match)
                break
            time.sleep(0.05)
        if not self.url:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.log[-30:]))
        while time.monotonic() < deadline:
            try:
                with _open(self.url + "/healthz", timeout=1.0) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server never answered /healthz")

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._reader.join(timeout=5)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def _open(request: urllib.request.Request | str, timeout: float) -> Any:
    return _OPENER.open(request, timeout=timeout)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 5.0
         ) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with _open(request, timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def server_env(tmp: Path, pki: Any, cert_origin: str, **extra: str) -> dict[str, str]:
    """The environment for a verified service trusting only the test root."""
    roots = tmp / "roots.pem"
    roots.write_bytes(pki.roots_pem())
    env = {key: value for key, value in os.environ.items()
           if key not in ("PRODUCTION", "VERIFY_SIGNATURES", "SKILL_ROUTE", "STATE_TABLE")}
    from skill.simulator.envelope import DEFAULT_SKILL_ID

    env.update({"TRUSTED_ROOTS": str(roots), "TEST_CERT_ORIGIN": cert_origin,
                "STATE_PATH": str(tmp / "users.sqlite3"), "SKILL_ID": DEFAULT_SKILL_ID,
                "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT), **extra})
    return env


@dataclass
class LoadResult:
    requests: int = 0
    answered: int = 0                # 200 with the right answer
    refused: int = 0                 # tampered, and refused with 400
    wrong: list[str] = field(default_factory=list)
    lost: dict[str, Any] = field(default_factory=dict)
    worker_pids: set[str] = field(default_factory=set)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def summary(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        return (f"{self.requests} requests in {self.seconds:.2f} s "
                f"({self.requests / max(self.seconds, 1e-9):.0f}/s) over "
                f"{len(self.worker_pids)} workers; latency p50 "
                f"{statistics.median(lat) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; "
                f"{self.answered} answered, {self.refused} tampered refused, "
                f"{len(self.wrong)} wrong, {len(self.lost)} users with lost visits")


def run_load(tmp: Path, *, workers: int = 2, users: int = 8, per_user: int = 10,
             tamper_every: int = 5, deadline: float = 30.0) -> LoadResult:
    """Start the service, drive it, stop it, and check every answer and every record."""
    from skill.alexa.api_client import TimedApiClient
    from skill.app import build_skill, handle_event
    from skill.config import Settings
    from skill.simulator.envelope import PLACEHOLDER_DEVICE, Conversation
    from tests.alexa_api import LoopbackAlexaApi
    from tests.certs import CertificateServer, Route, make_pki

    stop_at = time.monotonic() + deadline
    pki = make_pki()
    signer = pki.signer()
    reference = build_skill(Settings(state_path=None),
                            api_client=TimedApiClient(allow_loopback_http=True))
    result = LoadResult()
    expected: dict[str, list[int]] = {}
    lock = threading.Lock()
    access_log = tmp / "access.log"

    # The daily tip asks the Settings API for the device's time zone: a loopback stand-in answers.
    with CertificateServer() as certs, LoopbackAlexaApi() as alexa_api:
        alexa_api.routes[("GET", f"/v2/devices/{PLACEHOLDER_DEVICE}/settings/System.timeZone")] = (
            200, "Europe/Paris")
        certs.routes[CERT_PATH] = Route(signer.chain_pem())
        env = server_env(tmp, pki, certs.origin, LOG_LEVEL="WARNING")
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                   "--bind", "127.0.0.1:0", "--log-level", "info",
                   "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s",
                   "tests.load_webservice:create_load_app()"]
        from gunicorn.config import Config

        if "control_socket_disable" in Config().settings:   # one fixed path per user: unused
            command.insert(-1, "--no-control-socket")
        # Every request is built and signed before the clock starts, so the figures are the
        # server's (and the HTTP client's), not the cost of signing in this process.
        planned: list[list[tuple[int, bytes, dict[str, str], bool]]] = []
        wants: list[Any] = []
        for number in range(users):
            person = Conversation(user_id=f"amzn1.ask.account.LOAD{number:04d}",
                                  api_endpoint=alexa_api.url)
            requests = []
            for sequence in range(per_user):
                person.attributes = {SEQUENCE: sequence}
                envelope = person.intent("DailyTipIntent")
                if sequence == 0:
                    wants.append(handle_event(reference, envelope)["response"]["outputSpeech"])
                body = json.dumps(envelope).encode("utf-8")
                headers = {"SignatureCertChainUrl": certs.url(CERT_PATH),
                           "Signature-256": signer.sign(body)}
                tampered = sequence % tamper_every == tamper_every - 1
                if tampered:
                    body = body.replace(b"DailyTipIntent", b"AMAZON.StopIntent")
                requests.append((sequence, body, headers, tampered))
            planned.append(requests)

        server = Server(command, env, workers)
        try:
            started = time.monotonic()

            def user(number: int) -> None:
                user_id = f"amzn1.ask.account.LOAD{number:04d}"
                for sequence, body, headers, tampered in planned[number]:
                    if time.monotonic() > stop_at:
                        with lock:
                            result.wrong.append(f"user {number}: stopped at the deadline")
                        return
                    begun = time.monotonic()
                    try:
                        status, answer = post(server.url + "/", body, headers)
                    except OSError as error:
                        status, answer = 0, {"error": str(error)}
                    took = time.monotonic() - begun
                    with lock:
                        result.requests += 1
                        result.latencies.append(took)
                        if tampered and status == 400:
                            result.refused += 1
                        elif not tampered and status == 200 and (
                                answer.get("response", {}).get("outputSpeech") == wants[number]):
                            result.answered += 1
                            expected.setdefault(user_id, []).append(sequence)
                        else:
                            result.wrong.append(f"user {number} #{sequence}: {status} "
                                                f"{json.dumps(answer)[:200]}")

            with ThreadPoolExecutor(max_workers=users) as pool:
                list(pool.map(user, range(users)))
            result.seconds = time.monotonic() - started
        finally:
            server.stop()

    with sqlite3.connect(tmp / "users.sqlite3") as db:
        stored = {user_id: json.loads(attributes).get(VISITS)
                  for user_id, attributes in db.execute("SELECT id, attributes FROM users")}
    for user_id, visits in expected.items():
        if stored.get(user_id) != visits:
            result.lost[user_id] = {"sent": visits, "stored": stored.get(user_id)}
    if access_log.exists():
        result.worker_pids = {line.split()[0] for line in
                              access_log.read_text().splitlines() if line.strip()}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load_webservice",
                                     description="Drive the web service on loopback.")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--per-user", type=int, default=25)
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mtg-load-") as tmp:
        result = run_load(Path(tmp), workers=args.workers, users=args.users,
                          per_user=args.per_user, deadline=args.deadline)
    print(result.summary())
    for line in result.wrong[:10]:
        print("wrong:", line)
    for user_id, lost in list(result.lost.items())[:10]:
        print("lost:", user_id, lost)
    return 0 if not result.wrong and not result.lost else 1


if __name__ == "__main__":
    sys.exit(main())
