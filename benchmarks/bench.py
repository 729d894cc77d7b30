"""How fast and how small Muscle Twitch Guide is, as ratios against a hello-world skill.

Run it with `make bench` (or `.venv/bin/python benchmarks/bench.py`). Every comparison is made
against `baseline_skill.py`, a minimal skill on the same ask-sdk-core, measured in the same run
on the same machine: absolute milliseconds depend on the machine, ratios mostly do not.

What it measures, and why:

- Cold start: a fresh interpreter per run (what a new Lambda container does) imports the entry
  module, loads the content and answers a topic question. Clocks: the whole child process
  (spawn to exit), spawn to first response, the child's CPU time (steadier than wall time on a
  busy machine), and inside the child from the first line of code to the response (import +
  build + answer, without interpreter start-up). Medians of --runs runs, skill and baseline
  interleaved and rotated so drift hits both alike. Target: at most 1.15x the baseline.
- The same without the content parse cache, and without any .pyc files (a Lambda package
  shipped without bytecode compiles every module on every cold start).
- Peak memory of a cold process after answering (ru_maxrss). Target: under 64 MiB.
- Warm: per-request latency in-process over every recorded fixture, p50 and p99 (wall clock, and
  the process's CPU time, which a busy machine does not inflate), and the baseline over the same
  envelopes; the Alexa APIs the skill calls are the simulator's stand-in, in a process of its own
  as Amazon's are, and they have granted the reminders permission the fixtures' envelopes carry,
  so a reminder turn makes the calls a real one makes. Targets: p50 at most 1.5x the baseline,
  p99 at most 2x. A last row gives the p99 without the turns that call an Alexa API.
- The Lambda zip, unpacked and zipped (from `skill.build.package`, when it exists).
- The web service under gunicorn on loopback, 1 and 2 workers (when `skill.web.service` exists).

Everything is bounded: a fixed number of runs, a time-out on every child, and a load that stops by
itself after a fixed number of requests or seconds, whichever comes first. Targets are reported,
never asserted: speed is a benchmark's business, not a test's.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
FIXTURES = ROOT / "tests" / "fixtures"
COLD_FIXTURE = FIXTURES / "cause_coffee.json"
CHILD_TIMEOUT = 60.0

COLD_TARGET = 1.15
WARM_TARGET = 1.5
WARM_P99_TARGET = 2.0
RSS_TARGET_MIB = 64.0

# The child of a cold run. perf_counter is CLOCK_MONOTONIC on Linux, one clock for every process,
# so the parent can subtract its own spawn time from the child's "answered at".
_COLD_CHILD = """
import time
started = time.perf_counter()
import json, resource, sys
which, fixture, bench_dir = sys.argv[1:4]
with open(fixture, encoding="utf-8") as stream:
    event = json.load(stream)
if which == "skill":
    from skill.app import lambda_handler
else:
    sys.path.insert(0, bench_dir)
    from baseline_skill import lambda_handler
imported = time.perf_counter()
result = lambda_handler(event, None)
answered = time.perf_counter()
ssml = result["response"]["outputSpeech"]["ssml"]
print(json.dumps({
    "import": imported - started,
    "first_response": answered - started,
    "answered_at": answered,
    "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "speech": ssml,
}))
"""


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the table: our figure, the baseline's, and what the ratio is held against."""

    what: str
    ours: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, never an interpolation between two."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def compare(what: str, ours: float, base: float, fmt: Callable[[float], str],
            target: float | None = None) -> Row:
    ratio = ours / base if base else None
    ok = None if target is None or ratio is None else ratio <= target
    return Row(what, fmt(ours), fmt(base), ratio, f"<= {target}x" if target else "", ok)


# --- cold start -------------------------------------------------------------------------------

def _child_env(state_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of every child: a private store and parse cache, bytecode caching on."""
    env = dict(os.environ)
    env.update(STATE_PATH=str(state_dir / "users.sqlite3"),
               CONTENT_CACHE=str(state_dir / "content-cache.json"), PYTHONPATH=str(ROOT))
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "STATE_TABLE",
                 "CONTENT_DIR"):
        env.pop(name, None)
    env.update(extra)
    return env


def cold_run(which: str, env: dict[str, str]) -> dict[str, float]:
    """One fresh interpreter: import, build, answer; the three clocks and the peak RSS."""
    module = "baseline" if which == "baseline" else "skill"
    command = [sys.executable, "-c", _COLD_CHILD, module, str(COLD_FIXTURE), str(BENCH_DIR)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    spawned = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT, check=False)
    exited = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # children run one at a time
    if done.returncode != 0:
        raise RuntimeError(f"cold {which} run failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if "<speak>" not in figures.pop("speech"):
        raise RuntimeError(f"cold {which} run did not speak")
    figures["process"] = exited - spawned
    figures["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    figures["spawn_to_response"] = figures.pop("answered_at") - spawned
    return figures


def bench_cold(runs: int) -> list[Row]:
    """The skill with its content parse cache warm (a second start, or a package that ships the
    cache), the skill parsing every YAML file (CONTENT_CACHE=none), and the baseline."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        envs = {"skill": _child_env(Path(tmp)), "baseline": _child_env(Path(tmp)),
                "skill, no parse cache": _child_env(Path(tmp), CONTENT_CACHE="none")}
        for which, env in envs.items():  # write .pyc files and the parse cache, warm page cache
            cold_run(which, env)
        results: dict[str, list[dict[str, float]]] = {which: [] for which in envs}
        order = list(envs)
        for run in range(runs):  # interleaved and rotated, so drift and position hit all alike
            for which in order[run % len(order):] + order[:run % len(order)]:
                results[which].append(cold_run(which, envs[which]))

    def median(which: str, key: str) -> float:
        return statistics.median(run[key] for run in results[which])

    def cold(what: str, key: str, which: str = "skill", target: float | None = None) -> Row:
        """Medians of each; the ratio is the median of the runs' paired ratios (a run of ours
        against the baseline's run of the same round), which a change of load between rounds
        does not skew."""
        row = compare(what, median(which, key), median("baseline", key), ms, target)
        row.ratio = statistics.median(ours[key] / theirs[key] for ours, theirs in
                                      zip(results[which], results["baseline"], strict=True))
        row.ok = None if target is None else row.ratio <= target
        return row

    rows = [
        cold(f"cold: whole process (median of {runs})", "process", target=COLD_TARGET),
        cold("cold: spawn to first response", "spawn_to_response", target=COLD_TARGET),
        cold("cold: CPU time of the process (user + sys)", "cpu", target=COLD_TARGET),
        cold("cold: in child, import + first answer", "first_response"),
        cold("cold: in child, import alone", "import"),
        cold("cold, no parse cache: whole process", "process", "skill, no parse cache"),
        cold("cold, no parse cache: spawn to response", "spawn_to_response",
             "skill, no parse cache"),
    ]
    rss = compare("peak RSS of a cold process", median("skill", "maxrss_kib") * 1024,
                  median("baseline", "maxrss_kib") * 1024, mib)
    rss.target, rss.ok = f"< {RSS_TARGET_MIB:.0f} MiB", median("skill", "maxrss_kib") < 64 * 1024
    return [*rows, rss]


def bench_cold_from_source(runs: int) -> list[Row]:
    """Cold start with no compiled bytecode to read or write, as in a Lambda package shipped
    without .pyc files (its directory is read-only): every module compiles on every cold start.
    """
    with tempfile.TemporaryDirectory(prefix="bench-source-") as tmp:
        nowhere = {"PYTHONPYCACHEPREFIX": str(Path(tmp) / "empty"), "PYTHONDONTWRITEBYTECODE": "1"}
        envs = {which: _child_env(Path(tmp), **nowhere) for which in ("skill", "baseline")}
        cold_run("skill", _child_env(Path(tmp)))  # the parse cache, as the package would ship it
        results: dict[str, list[float]] = {which: [] for which in envs}
        for run in range(runs):
            for which in (("skill", "baseline") if run % 2 else ("baseline", "skill")):
                results[which].append(cold_run(which, envs[which])["spawn_to_response"])
    return [compare(f"cold, no .pyc files: spawn to response (median of {runs})",
                    statistics.median(results["skill"]), statistics.median(results["baseline"]),
                    ms)]


# --- warm, in-process -------------------------------------------------------------------------

def fixture_events(alexa_api: Any = None) -> list[dict[str, Any]]:
    """Every recorded request; with `alexa_api`, its Alexa API calls go to that loopback stand-in.

    The fixtures name Alexa's real API host: replayed as they are, the daily tip's time-zone
    lookup would measure this machine's DNS and network, not the skill.
    """
    events = [json.loads(path.read_text(encoding="utf-8"))
              for path in sorted(FIXTURES.glob("*.json"))]
    for event in events:
        if _ends_the_record(event):
            _own_user(event)
    for event in events if alexa_api is not None else ():
        system = event.get("context", {}).get("System", {})
        system["apiEndpoint"], system["apiAccessToken"] = alexa_api.url, alexa_api.token
    return events


def _ends_the_record(event: dict[str, Any]) -> bool:
    """Whether the request deletes the user's record: the skill disabled, or "forget me" confirmed.

    Every fixture speaks for one test user. Replayed round after round under that id, these two
    would wipe the record the other fixtures share, and with it the time zone kept there for the
    day, so every round's first reminder turn would ask the Settings API again: a warm path with
    the zone never cached, which is not the path issue 13 measures. They keep their own user, so
    their own cost (the deletion) is still measured.
    """
    request = event.get("request", {})
    if request.get("type") == "AlexaSkillEvent.SkillDisabled":
        return True
    attributes = (event.get("session") or {}).get("attributes") or {}
    return (request.get("intent", {}).get("name") == "AMAZON.YesIntent"
            and (attributes.get("follow_up") or {}).get("confirm") == "forget_me")


def _own_user(event: dict[str, Any]) -> None:
    """Give the request a user id of its own, wherever the envelope names the user."""
    user_id = "amzn1.ask.account.BENCH_DELETED_USER"
    for holder in (event.get("session"), event.get("context", {}).get("System")):
        if isinstance(holder, dict) and isinstance(holder.get("user"), dict):
            holder["user"]["userId"] = user_id
    body = event.get("request", {}).get("body")
    if isinstance(body, dict) and "userId" in body:
        body["userId"] = user_id


# The fixtures' envelopes carry a reminders consent token (the person said yes), so the stand-in
# grants the scope: without it every reminder turn would measure the 403 "no permission" path,
# cheaper than the calls a real person's reminder makes.
_STAND_IN_CHILD = """
import json, sys
from skill.simulator.alexa_api import REMINDERS_SCOPE, AlexaApiStandIn
with AlexaApiStandIn() as api:
    api.grant(REMINDERS_SCOPE)
    print(json.dumps({"url": api.url, "token": api.token}), flush=True)
    sys.stdin.read()   # until the parent closes the pipe
"""


@dataclass
class StandIn:
    url: str
    token: str


@contextmanager
def alexa_api_stand_in() -> Iterator[Any]:
    """The simulator's loopback stand-in for the Alexa APIs, in a process of its own, and the
    skill allowed to call it.

    In production the Alexa APIs run on Amazon's machines: their work is not the skill's. Served
    from inside the measured process, the stand-in's request parsing would share the skill's
    CPU and GIL and be counted as the skill's latency; in its own process only the skill's side
    of each call (and the loopback round trip) is.
    """
    os.environ["ALEXA_API_LOOPBACK"] = "1"
    child = subprocess.Popen([sys.executable, "-c", _STAND_IN_CHILD], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline() if child.stdout else ""
        if not line:
            raise RuntimeError("the Alexa API stand-in did not start")
        yield StandIn(**json.loads(line))
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


def _latencies(handler: Callable[[dict[str, Any], Any], Any], events: list[dict[str, Any]],
               rounds: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock time per request; with `cpu`, the process's CPU time per request too (which
    other processes on a busy machine do not inflate)."""
    timings: list[float] = []
    clock, cpu_clock = time.perf_counter, time.process_time
    for _ in range(rounds):
        for event in events:
            start, cpu_start = clock(), cpu_clock()
            handler(event, None)
            timings.append(clock() - start)
            if cpu is not None:
                cpu.append(cpu_clock() - cpu_start)
    return timings


def bench_warm(rounds: int, state_dir: Path) -> list[Row]:
    os.environ.update(STATE_PATH=str(state_dir / "users.sqlite3"),
                      CONTENT_CACHE=str(state_dir / "content-cache.json"))
    for name in ("STATE_TABLE", "CONTENT_DIR"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(BENCH_DIR))
    from baseline_skill import lambda_handler as baseline_handler

    from skill.app import lambda_handler as skill_handler

    logging.getLogger().addHandler(logging.NullHandler())  # keep the fixtures' log lines quiet
    with alexa_api_stand_in() as alexa_api:
        events = fixture_events(alexa_api)
        for handler in (skill_handler, baseline_handler):  # warm both: the skill builds first
            _latencies(handler, events, 2)
        calling = _calls_an_alexa_api(skill_handler, events)
        ours: list[float] = []
        base: list[float] = []
        ours_cpu: list[float] = []
        base_cpu: list[float] = []
        for _ in range(rounds):  # interleaved, so drift and GC pauses hit both alike
            ours += _latencies(skill_handler, events, 1, ours_cpu)
            base += _latencies(baseline_handler, events, 1, base_cpu)
    label = f"{len(events)} fixtures x {rounds}"

    def us(seconds: float) -> str:
        return f"{seconds * 1e6:.0f} us"

    # The same requests without the turns that wait on an Alexa API (reminders): what the skill
    # itself costs, apart from the HTTP round trips a hello-world skill never makes.
    quiet = [i for i in range(len(ours)) if i % len(events) not in calling]
    return [
        compare(f"warm p50 ({label})", percentile(ours, 50), percentile(base, 50), us,
                WARM_TARGET),
        compare("warm p99", percentile(ours, 99), percentile(base, 99), us, WARM_P99_TARGET),
        compare("warm p99, CPU time per request", percentile(ours_cpu, 99),
                percentile(base_cpu, 99), us, WARM_P99_TARGET),
        compare(f"warm p99, CPU, the {len(events) - len(calling)} fixtures calling no Alexa API",
                percentile([ours_cpu[i] for i in quiet], 99),
                percentile([base_cpu[i] for i in quiet], 99), us),
    ]


def _calls_an_alexa_api(handler: Callable[[dict[str, Any], Any], Any],
                        events: list[dict[str, Any]]) -> set[int]:
    """The positions of the fixtures whose warm turn calls an Alexa API (one counting pass)."""
    from skill.alexa.api_client import TimedApiClient

    calls: list[int] = []
    original = TimedApiClient.invoke

    def counting(client: TimedApiClient, request: Any) -> Any:
        calls.append(1)
        return original(client, request)

    TimedApiClient.invoke = counting  # type: ignore[method-assign]
    try:
        calling = set()
        for position, event in enumerate(events):
            before = len(calls)
            handler(event, None)
            if len(calls) > before:
                calling.add(position)
    finally:
        TimedApiClient.invoke = original  # type: ignore[method-assign]
    return calling


def bench_content_load(repeats: int = 20) -> list[Row]:
    """Parsing and checking content/*.yaml, which only the skill does (no baseline)."""
    from skill.content import load_content

    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        load_content()
        timings.append(time.perf_counter() - start)
    return [Row(f"content load (median of {repeats})", ms(statistics.median(timings)))]


def available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


# --- the Lambda zip ---------------------------------------------------------------------------

def bench_lambda_zip() -> list[Row]:
    """Sizes of the zip `skill.build.package` builds (the packager's own, never copied here)."""
    if not available("skill.build.package"):
        return [Row("Lambda zip", "n/a (packaging not available)")]
    with tempfile.TemporaryDirectory(prefix="bench-zip-") as tmp:
        out = Path(tmp) / "lambda.zip"
        command = [sys.executable, "-m", "skill.build.package", "lambda", "--out", str(out)]
        done = subprocess.run(command,
                              cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 or not out.is_file():
            return [Row("Lambda zip", f"n/a (packaging failed: {done.stderr.strip()[-200:]})")]
        with zipfile.ZipFile(out) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        return [Row("Lambda zip, unpacked", mib(unpacked)),
                Row("Lambda zip, zipped", mib(out.stat().st_size), target="< 50 MiB",
                    ok=out.stat().st_size < 50 * 2**20)]


# --- the web service --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@contextlib.contextmanager
def web_service(workers: int, env: dict[str, str]) -> Iterator[int]:
    """`python -m skill.web.service serve` (gunicorn) on a free loopback port, answering
    /healthz; always stopped, even on errors."""
    port = free_port()
    command = [sys.executable, "-m", "skill.web.service", "serve", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if _get(port, "/healthz") == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the web service did not start (exit {server.poll()})")
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


Signed = list[tuple[bytes, dict[str, str]]]  # request bodies with their HTTP headers


def load(port: int, path: str, requests: Signed, *, concurrency: int, max_requests: int,
         max_seconds: float) -> tuple[float, list[float], dict[int, int]]:
    """Keep-alive clients POSTing `requests` in turn until either bound is reached.

    Returns requests per second, every latency, and a count per HTTP status.
    """
    import http.client

    lock = threading.Lock()
    sent = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.monotonic() + max_seconds

    def client() -> None:
        nonlocal sent
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if sent >= max_requests:
                        break
                    body, headers = requests[sent % len(requests)]
                    sent += 1
                start = time.perf_counter()
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    connection.close()  # the server closed a keep-alive connection: reconnect
                    status = 0
                mine.append(time.perf_counter() - start)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 15)
    elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, statuses


@contextlib.contextmanager
def slow_clients(port: int, count: int = 2) -> Iterator[list[int]]:
    """`count` clients that each send headers, then a body one byte a second, for as long as the
    block runs; when the server cuts one off (408 after its body deadline) it connects again at
    once, so `count` slow bodies are in flight throughout. Yields the count of cut-offs."""
    stop = threading.Event()
    cut_offs = [0]

    def trickle() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                        timeout=1) as sock:
                sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                             b"application/json\r\nContent-Length: 100000\r\n\r\n{")
                while not stop.wait(1.0):
                    sock.sendall(b" ")
                    with contextlib.suppress(TimeoutError):
                        sock.settimeout(0.01)
                        if sock.recv(64):
                            cut_offs[0] += 1
                            break
                        sock.settimeout(1)

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)   # both bodies are being read before the load starts
        yield cut_offs
    finally:
        stop.set()
        for thread in threads:
            thread.join(3)


def signed_fixtures(signer: Any, cert_url: str, alexa_api: Any) -> Signed:
    """Every fixture, stamped now (the service refuses requests older than 150 s) and signed."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signed = []
    for event in fixture_events(alexa_api):
        event["request"]["timestamp"] = now
        body = json.dumps(event).encode("utf-8")
        signed.append((body, {"Content-Type": "application/json",
                              "SignatureCertChainUrl": cert_url,
                              "Signature-256": signer.sign(body)}))
    return signed


def bench_webservice(max_requests: int = 3000, max_seconds: float = 10.0) -> list[Row]:
    """Requests per second and p99 on loopback, 1 and 2 workers, with signature verification on;
    then 2 workers again with two slow clients connected (a body one byte a second each).

    The server is `python -m skill.web.service serve` with its defaults (gthread, 8 threads per
    worker). The web service's own test PKI (tests/certs.py) signs every fixture; a local server
    stands in for Amazon's certificate URL, and each worker caches the chain after its first
    fetch (the warm-up), so the load measures verification with a cached chain, as in production.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the tests package, when run as benchmarks/bench.py
    for module in ("skill.web.service", "gunicorn", "tests.certs", "tests.load_webservice"):
        if not available(module):
            return [Row("web service", f"n/a ({module} not available)")]
    from tests.certs import CertificateServer, Route, make_pki
    from tests.load_webservice import CERT_PATH, server_env

    pki = make_pki()
    signer = pki.signer()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp, CertificateServer() as certs, \
            alexa_api_stand_in() as alexa_api:
        certs.routes[CERT_PATH] = Route(signer.chain_pem())
        env = server_env(Path(tmp), pki, certs.origin, LOG_LEVEL="WARNING",
                         ALEXA_API_LOOPBACK="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for workers, slow in ((1, 0), (2, 0), (2, 2)):
            requests = signed_fixtures(signer, certs.url(CERT_PATH), alexa_api)
            with web_service(workers, env) as port:
                load(port, "/", requests, concurrency=2 * workers, max_requests=100,
                     max_seconds=5)
                with slow_clients(port, slow) as cut_offs:
                    rps, latencies, statuses = load(port, "/", requests,
                                                    concurrency=2 * workers + 2,
                                                    max_requests=max_requests,
                                                    max_seconds=max_seconds)
            bad = {status: n for status, n in statuses.items() if status != 200}
            note = f" ({sum(bad.values())} not 200: {bad})" if bad else ""
            label = f"web, {workers} worker(s)" + (
                f", {slow} slow clients ({cut_offs[0]} cut off at 5 s)" if slow else "")
            rows.append(Row(f"{label}: requests/s ({len(latencies)} sent)", f"{rps:.0f}{note}"))
            rows.append(Row(f"{label}: p50 / p99",
                            f"{ms(percentile(latencies, 50))} / {ms(percentile(latencies, 99))}"))
    return rows


# --- the report -------------------------------------------------------------------------------

def machine() -> str:
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def table(rows: list[Row]) -> str:
    header = ("measure", "ours", "baseline", "ratio", "target", "")
    lines = [header]
    for row in rows:
        verdict = "" if row.ok is None else ("ok" if row.ok else "MISSED")
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        lines.append((row.what, row.ours, row.baseline, ratio, row.target, verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
                   + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="cold runs per skill (>= 10)")
    parser.add_argument("--rounds", type=int, default=30, help="warm passes over the fixtures")
    parser.add_argument("--skip-web", action="store_true", help="leave out the web service")
    parser.add_argument("--web-only", action="store_true", help="only the web service")
    args = parser.parse_args(argv)
    if args.runs < 10:
        parser.error("--runs must be at least 10: a median of fewer is noise")
    # The in-process measures (warm, content load) import the skill of this checkout, as the
    # cold children do (PYTHONPATH): run as benchmarks/bench.py, sys.path holds only benchmarks/,
    # and an editable install of another checkout would otherwise answer `import skill`.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    rows: list[Row] = []
    print(f"machine: {machine()}", flush=True)
    if args.web_only:
        print(table(bench_webservice()))
        return 0
    rows += bench_cold(args.runs)
    rows += bench_cold_from_source(max(10, args.runs // 3))
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        rows += bench_warm(args.rounds, Path(tmp))
    rows += bench_content_load()
    rows += bench_lambda_zip()
    if not args.skip_web:
        rows += bench_webservice()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
