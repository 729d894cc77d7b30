"""Stand-ins for the Alexa APIs (Settings, Reminders), at the SDK's ApiClient boundary.

`FakeAlexaApi` replaces the HTTP client the SDK's service clients call: it answers each request by
method and path from a table, records every call, and can time out like a slow API. The service
clients, the serializer and the skill's error handling all run for real. `LoopbackAlexaApi` is a
real HTTP server on 127.0.0.1 for the tests that exercise the skill's own HTTP client.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from skill.alexa.api_client import ApiTimeout

TIME_ZONE_PATH = re.compile(r"^/v2/devices/[^/]+/settings/System\.timeZone$")
REMINDERS_PATH = re.compile(r"^/v1/alerts/reminders$")
REMINDER_PATH = re.compile(r"^/v1/alerts/reminders/[^/]+$")

TIMEOUT = "timeout"   # an answer that makes the call time out


def error_body(status: int) -> dict[str, str]:
    """An error body both the Settings and the Reminders API models accept."""
    code = "INVALID_TOKEN" if status in (401, 403) else "UNKNOWN_ERROR"
    return {"code": code, "message": f"simulated {status}"}


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class FakeAlexaApi(ApiClient):
    """Answers by (method, path pattern); anything not in the table gets a 401, as with no token.

    `answers` maps (method, compiled path) to (status, JSON body) or TIMEOUT.
    """

    answers: dict[tuple[str, re.Pattern[str]], Any] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def on(self, method: str, path: re.Pattern[str], status: int | str,
           body: Any = None) -> FakeAlexaApi:
        self.answers[(method, path)] = TIMEOUT if status == TIMEOUT else (
            status, body if body is not None or status < 300 else error_body(int(status)))
        return self

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        path = re.sub(r"^https://[^/]+", "", request.url or "").split("?")[0]
        self.calls.append(Call(request.method, path, request.body, dict(request.headers or ())))
        for (method, pattern), answer in self.answers.items():
            if method == request.method and pattern.match(path):
                if answer == TIMEOUT:
                    raise ApiTimeout(f"{method} {path} timed out")
                status, body = answer
                return ApiClientResponse(
                    headers=[("Content-Type", "application/json")], status_code=status,
                    body="" if body is None else json.dumps(body))
        return ApiClientResponse(headers=[("Content-Type", "application/json")],
                                 status_code=401, body=json.dumps(error_body(401)))

    def paths(self, method: str | None = None) -> list[str]:
        return [c.path for c in self.calls if method is None or c.method == method]


class LoopbackAlexaApi:
    """A real HTTP server on 127.0.0.1 answering like the Alexa APIs; `delay` makes it slow."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, Any]] = {}
        self.delay = 0.0
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append((self.command, self.path, dict(self.headers),
                                        self.rfile.read(length) if length else b""))
                if server.delay:
                    time.sleep(server.delay)
                status, body = server.routes.get((self.command, self.path),
                                                 (401, error_body(401)))
                payload = b"" if body is None else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackAlexaApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
