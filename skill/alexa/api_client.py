"""The HTTP client the SDK's service clients (Settings, Reminders) call the Alexa APIs through.

The SDK's own `DefaultApiClient` sets no time-out, so one slow Alexa API would hold the turn past
the 8 seconds Alexa waits for an answer; this one gives every call a connect and a read time-out
(1 s + 2 s by default). Opening a connection, DNS lookup included, has their sum as a hard
deadline; on an open connection every socket operation has the read time-out (Alexa's APIs
answer in one piece, not in a trickle). A turn makes at most two calls, so it answers in time.

It speaks HTTP with the standard library's http.client over a kept-alive connection per host and
thread, not with `requests`: a call then costs about a fifth of the CPU (measured against the
simulator's stand-in: ~0.15 ms instead of ~0.8 ms, no environment, proxy, cookie or netrc
lookups on every call), a call on an open connection needs no hand-over to another thread, and
a cold start that calls an API does not import `requests` at all.
TLS is verified as `requests` verifies it: CERT_REQUIRED, host names checked, against certifi's
roots where installed (they come with ask-sdk-core's own dependencies), else the system's.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

CONNECT_TIMEOUT = 1.0   # seconds to open the connection
READ_TIMEOUT = 2.0      # seconds to wait for the answer
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


_POOL: Any = None   # a concurrent.futures.ThreadPoolExecutor, made on the first call
_POOL_LOCK = threading.Lock()


def _pool() -> Any:
    """Threads connections are opened on, so the turn can stop waiting at its deadline.

    The socket time-outs bound connecting but not the DNS lookup before it, which can take
    seconds of its own; waiting on the opening from here bounds all of it. An opening given up
    on finishes (or fails) in the background without holding the turn.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            from concurrent.futures import ThreadPoolExecutor  # deferred, like http.client

            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="alexa-api")
        return _POOL


class ApiTimeout(Exception):
    """An Alexa API did not answer in time (the SDK wraps it in a ServiceException)."""


class ApiUnavailable(Exception):
    """An Alexa API could not be reached at all, or the request was not one to send."""


class TimedApiClient(ApiClient):
    """Sends the service clients' requests over kept-alive connections, bounded by a time-out.

    Only HTTPS is allowed, as in the SDK's client; `allow_loopback_http=True` (tests only) also
    lets plain HTTP reach a server on this machine, so tests can stand in for the Alexa APIs.
    """

    def __init__(self, connect_timeout: float = CONNECT_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT, allow_loopback_http: bool = False) -> None:
        self.timeout = (connect_timeout, read_timeout)
        self.allow_loopback_http = allow_loopback_http
        self._local = threading.local()   # kept-alive connections, per calling thread

    def _connection(self, scheme: str, host: str, port: int | None) -> Any:
        """This thread's kept-alive connection to the host, opened (again) when needed.

        A connection the server has closed while it sat idle reads as ready (EOF): it is
        dropped before use rather than failing the call, as urllib3 does for its pool.
        """
        import http.client  # deferred: only turns that call an Alexa API pay for it

        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        key = (scheme, host, port)
        connection = connections.get(key)
        if connection is not None and connection.sock is not None and \
                _dropped(connection.sock):
            connection.close()
        if connection is None:
            if scheme == "https":
                connection = http.client.HTTPSConnection(host, port, timeout=self.timeout[0],
                                                         context=_tls())
            else:
                connection = http.client.HTTPConnection(host, port, timeout=self.timeout[0])
            connections[key] = connection
        if connection.sock is None:
            self._connect(connection)
        return connection

    def _connect(self, connection: Any) -> None:
        """Open the connection (DNS lookup, TCP, TLS) on the call pool, within the deadline.

        Only opening a connection can involve a name lookup, which no socket time-out bounds;
        a kept-alive connection is used on the calling thread, with no hand-over between
        threads, each of its socket operations bounded by the read time-out.
        """
        from concurrent.futures import TimeoutError as FutureTimeout

        opening = _pool().submit(connection.connect)
        try:
            opening.result(timeout=sum(self.timeout))
        except FutureTimeout as error:
            opening.cancel()
            connection.close()
            raise TimeoutError(f"connecting took over {sum(self.timeout):g} s") from error
        connection.sock.settimeout(self.timeout[1])   # each read by the read time-out

    def _check_url(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url or "")
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self.allow_loopback_http and \
                parts.hostname in _LOOPBACK_HOSTS:
            return
        raise ApiUnavailable(f"refusing a non-HTTPS API endpoint: {parts.scheme or '?'}://")

    def _send(self, method: str, url: str, headers: dict[str, str], data: Any
              ) -> ApiClientResponse:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        connection = self._connection(parts.scheme, parts.hostname or "", parts.port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = data.encode("utf-8") if isinstance(data, str) else data
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except BaseException:
            connection.close()   # never reuse a connection left half-way through a call
            raise
        charset = response.headers.get_content_charset() or "utf-8"
        return ApiClientResponse(headers=list(response.getheaders()),
                                 status_code=response.status,
                                 body=raw.decode(charset, errors="replace"))

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """One HTTP call; time-outs raise ApiTimeout, anything else unreachable ApiUnavailable."""
        self._check_url(request.url)
        method = (request.method or "").upper()
        if method not in ("GET", "POST", "PUT", "DELETE"):
            raise ApiUnavailable(f"unsupported HTTP method {request.method!r}")
        headers: dict[str, str] = {}
        for key, value in request.headers or ():
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        data = None
        if request.body:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"),
                                "")
            data = json.dumps(request.body) if "json" in content_type else request.body

        from http.client import HTTPException

        try:
            return self._send(method, request.url, headers, data)
        except TimeoutError as error:   # socket.timeout is TimeoutError
            raise ApiTimeout(f"{method} timed out ({error})") from error
        except (OSError, HTTPException, ValueError) as error:
            raise ApiUnavailable(f"{method} failed: {type(error).__name__}") from error


def _dropped(sock: Any) -> bool:
    """Whether an idle kept-alive socket was closed by the server (it reads as ready)."""
    import select

    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


_TLS: Any = None


def _tls() -> Any:
    """One verifying TLS context per process (building one reads the CA bundle)."""
    global _TLS
    if _TLS is None:
        import ssl

        try:
            import certifi
        except ImportError:   # no certifi: the system's roots
            _TLS = ssl.create_default_context()
        else:
            _TLS = ssl.create_default_context(cafile=certifi.where())
    return _TLS


def failure(error: BaseException) -> str:
    """What went wrong with an Alexa API call, in the words the skill's answers are keyed by.

    "timeout", "unreachable", "unauthorized" (401), "forbidden" (403), "not_found" (404),
    "throttled" (429), "server" (5xx), or "failed" for anything else. The SDK reports a client
    failure as a ServiceException with status 500, so the original cause is looked at first.
    """
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApiTimeout):
            return "timeout"
        if isinstance(cause, ApiUnavailable):
            return "unreachable"
        cause = cause.__cause__ or cause.__context__
    status = getattr(error, "status_code", None)
    if not isinstance(status, int):
        return "failed"
    if status >= 500:
        return "server"
    return {401: "unauthorized", 403: "forbidden", 404: "not_found", 429: "throttled"}.get(
        status, "failed")
