"""The skill's own HTTP client for the Alexa APIs, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_model.services import ApiClientRequest

from skill.alexa.api_client import ApiTimeout, ApiUnavailable, TimedApiClient, failure
from skill.app import build_skill
from skill.config import Settings
from tests.alexa_api import LoopbackAlexaApi
from tests.conftest import load_fixture, replayer

ROOT = Path(__file__).resolve().parent.parent
TIME_ZONE = "/v2/devices/amzn1.ask.device.TEST_DEVICE/settings/System.timeZone"


@pytest.fixture
def server():
    with LoopbackAlexaApi() as api:
        yield api


def client(**kw) -> TimedApiClient:
    return TimedApiClient(allow_loopback_http=True, **kw)


def request(url: str, method: str = "GET", body=None) -> ApiClientRequest:
    return ApiClientRequest(url=url, method=method, body=body, headers=[
        ("Content-type", "application/json"), ("Authorization", "Bearer T")])


def test_a_call_returns_the_status_body_and_headers(server):
    server.routes[("POST", "/v1/alerts/reminders")] = (201, {"alertToken": "X"})
    response = client().invoke(request(server.url + "/v1/alerts/reminders", "POST", {"a": 1}))
    assert response.status_code == 201
    assert json.loads(response.body) == {"alertToken": "X"}
    assert ("Content-Type", "application/json") in response.headers
    method, path, headers, body = server.requests[0]
    assert (method, path, json.loads(body)) == ("POST", "/v1/alerts/reminders", {"a": 1})
    assert headers["Authorization"] == "Bearer T"


def test_a_slow_api_times_out_instead_of_holding_the_turn(server):
    server.delay = 1.0
    with pytest.raises(ApiTimeout):
        client(read_timeout=0.1).invoke(request(server.url + TIME_ZONE))


def test_a_slow_dns_lookup_is_bounded_by_the_same_deadline(server, monkeypatch):
    """requests' time-outs do not cover name resolution; the client's deadline does."""
    import socket
    import time

    real = socket.getaddrinfo

    def slow_lookup(host, *args, **kwargs):
        if host == "slow.localhost":
            time.sleep(2.0)
        return real("127.0.0.1" if host == "slow.localhost" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    monkeypatch.setattr("skill.alexa.api_client._LOOPBACK_HOSTS", ("slow.localhost",))
    started = time.monotonic()
    with pytest.raises(ApiTimeout):
        client(connect_timeout=0.2, read_timeout=0.2).invoke(
            request(server.url.replace("127.0.0.1", "slow.localhost") + TIME_ZONE))
    assert time.monotonic() - started < 1.0


def test_only_https_leaves_this_machine():
    with pytest.raises(ApiUnavailable):
        TimedApiClient().invoke(request("http://api.amazonalexa.com/v1/alerts/reminders"))
    with pytest.raises(ApiUnavailable):   # loopback HTTP only when a test asks for it
        TimedApiClient().invoke(request("http://127.0.0.1:9/v1/alerts/reminders"))
    with pytest.raises(ApiUnavailable):
        client().invoke(request("http://example.com/v1/alerts/reminders"))


def test_a_closed_port_is_unreachable_not_a_crash():
    with pytest.raises(ApiUnavailable):
        client().invoke(request("http://127.0.0.1:9/x"))
    assert failure(ApiUnavailable("x")) == "unreachable"


def near_midnight_via(server) -> dict:
    envelope = load_fixture("daily_tip_near_midnight")
    envelope["context"]["System"]["apiEndpoint"] = server.url
    return envelope


def test_the_skill_reads_the_time_zone_over_http(server):
    from skill.content import get_content
    from skill.tips import daily_tip
    from tests.test_daily_tip import AUCKLAND_DAY, USER, UTC_DAY, tip_heard

    tips = get_content().entries("tip")
    run = replayer(build_skill(Settings(), api_client=client(read_timeout=0.3)))
    server.routes[("GET", TIME_ZONE)] = (200, "Pacific/Auckland")
    assert tip_heard(run(near_midnight_via(server))) == daily_tip(tips, USER, AUCKLAND_DAY).id
    server.delay = 1.0   # a slow Settings API: the tip still comes, by the UTC date
    assert tip_heard(run(near_midnight_via(server))) == daily_tip(tips, USER, UTC_DAY).id


def test_the_skill_sets_a_reminder_over_http(server, tmp_path):
    server.routes[("GET", "/v1/alerts/reminders")] = (200, {"alerts": [], "totalCount": "0"})
    server.routes[("GET", TIME_ZONE)] = (200, "America/Chicago")
    server.routes[("POST", "/v1/alerts/reminders")] = (201, {"alertToken": "HTTP-1",
                                                              "status": "ON"})
    run = replayer(build_skill(Settings(state_path=str(tmp_path / "u.sqlite3")),
                               api_client=client()))
    envelope = load_fixture("reminder_set_8am")
    envelope["context"]["System"]["apiEndpoint"] = server.url
    assert run(envelope).speech.startswith("Okay. I'll remind you every day at 8 AM")
    trigger = json.loads(server.requests[-1][3])["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE" and trigger["timeZoneId"] == "America/Chicago"


def test_starting_the_skill_does_not_import_requests():
    code = "import sys, skill.app; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "False"


@pytest.mark.parametrize(("status", "kind"), [
    (401, "unauthorized"), (403, "forbidden"), (404, "not_found"), (429, "throttled"),
    (500, "server"), (503, "server"), (400, "failed"), (None, "failed")])
def test_failures_are_named_by_status(status, kind):
    from ask_sdk_model.services import ServiceException

    assert failure(ServiceException("x", status, None, None)) == kind


def test_a_time_out_wrapped_by_the_sdk_is_still_a_time_out():
    from ask_sdk_model.services import ServiceException

    try:
        try:
            raise ApiTimeout("slow")
        except ApiTimeout as error:   # what BaseServiceClient does: raise inside the except
            raise ServiceException(f"Call to service failed: {error}", 500, None, None)  # noqa: B904
    except ServiceException as wrapped:
        assert failure(wrapped) == "timeout"


# --- http.client, kept alive -------------------------------------------------------------------

class KeepAliveServer:
    """An HTTP/1.1 server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.connections = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self) -> None:
                owner.connections += 1
                super().setup()

            def do_GET(self) -> None:
                payload = json.dumps("Europe/Paris").encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_calls_to_one_host_reuse_one_kept_alive_connection():
    """The cost of a call is the request, not a new TCP connection (and TLS handshake) each:
    one connection per calling thread, however many calls."""
    server = KeepAliveServer()
    try:
        api = client()
        for _ in range(12):
            response = api.invoke(request(server.url + TIME_ZONE))
            assert (response.status_code, json.loads(response.body)) == (200, "Europe/Paris")
        assert server.connections == 1
    finally:
        server.close()


def test_a_connection_the_server_closed_while_idle_is_opened_again(server):
    """LoopbackAlexaApi answers HTTP/1.0 and closes every connection: each call still works."""
    server.routes[("GET", TIME_ZONE)] = (200, "Asia/Tokyo")
    api = client()
    for _ in range(3):
        assert json.loads(api.invoke(request(server.url + TIME_ZONE)).body) == "Asia/Tokyo"


def test_tls_is_verified_with_host_names_checked():
    import ssl

    from skill.alexa.api_client import _tls

    context = _tls()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_calling_an_api_does_not_import_requests():
    """A cold container whose first turn calls an Alexa API pays for http.client only."""
    code = ("import sys, json\n"
            "from skill.alexa.api_client import TimedApiClient\n"
            "from ask_sdk_model.services import ApiClientRequest\n"
            "try:\n"
            "    TimedApiClient(allow_loopback_http=True).invoke(ApiClientRequest(\n"
            "        url='http://127.0.0.1:9/x', method='GET', headers=[]))\n"
            "except Exception as error:\n"
            "    print(type(error).__name__)\n"
            "print('requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["ApiUnavailable", "False"]
