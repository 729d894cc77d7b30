"""The HTTP client the SDK's service clients (Settings, Reminders) call the Alexa APIs through.

The SDK's own `DefaultApiClient` sets no time-out, so one slow Alexa API would hold the turn past
the 8 seconds Alexa waits for an answer; this one gives every call a connect and a read time-out
(1 s + 2 s by default), and their sum is also a hard deadline on the whole call, DNS lookup
included. A turn makes at most two calls, so it always answers in time. It also imports
`requests` on first use instead of at start-up: most turns never call an Alexa API, and a Lambda
cold start should not pay for what it does not use.
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
    """Threads the calls run on, so the turn can stop waiting at its deadline.

    requests' time-outs bound connecting and reading but not the DNS lookup before them, which
    can take seconds of its own; waiting on the call from here bounds all of it. A call given up
    on finishes (or fails) in the background without holding the turn.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            from concurrent.futures import ThreadPoolExecutor  # deferred, like requests

            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="alexa-api")
        return _POOL


class ApiTimeout(Exception):
    """An Alexa API did not answer in time (the SDK wraps it in a ServiceException)."""


class ApiUnavailable(Exception):
    """An Alexa API could not be reached at all, or the request was not one to send."""


class TimedApiClient(ApiClient):
    """Sends the service clients' requests with `requests`, bounded by a time-out.

    Only HTTPS is allowed, as in the SDK's client; `allow_loopback_http=True` (tests only) also
    lets plain HTTP reach a server on this machine, so tests can stand in for the Alexa APIs.
    """

    def __init__(self, connect_timeout: float = CONNECT_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT, allow_loopback_http: bool = False) -> None:
        self.timeout = (connect_timeout, read_timeout)
        self.allow_loopback_http = allow_loopback_http
        self._local = threading.local()   # one connection pool per thread (the web service)

    def _http(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests  # deferred: only turns that call an Alexa API pay for it

            session = self._local.session = requests.Session()
        return session

    def _check_url(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url or "")
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self.allow_loopback_http and \
                parts.hostname in _LOOPBACK_HOSTS:
            return
        raise ApiUnavailable(f"refusing a non-HTTPS API endpoint: {parts.scheme or '?'}://")

    def _send(self, method: str, url: str, headers: dict[str, str], data: Any) -> Any:
        return self._http().request(method, url, headers=headers, data=data,
                                    timeout=self.timeout)

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

        from concurrent.futures import TimeoutError as FutureTimeout

        import requests

        call = _pool().submit(self._send, method, request.url, headers, data)
        try:
            response = call.result(timeout=sum(self.timeout))
        except (requests.Timeout, FutureTimeout) as error:
            call.cancel()
            raise ApiTimeout(f"{method} timed out after {sum(self.timeout):g} s") from error
        except requests.RequestException as error:
            raise ApiUnavailable(f"{method} failed: {type(error).__name__}") from error
        return ApiClientResponse(
            headers=[(key, value) for key, value in response.headers.items()],
            status_code=response.status_code,
            body=response.text)


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
