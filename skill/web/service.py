"""The skill as a web service: Flask and flask-ask-sdk's SkillAdapter, every request verified.

For skill builders who host the skill on their own server instead of Lambda. The same skill
object as the Lambda entry (`skill.app.build_skill`) answers; in front of it, Amazon's required
checks (skill/web/verify.py) and a check of the body itself, so that anything that is not a genuine
Alexa request for this skill gets a 400 (403 for another skill) and a log line saying why:
never a 500, never a traceback to the caller.

    python -m skill.web.service serve --workers 2 --threads 8 --bind 127.0.0.1:8080

runs it under gunicorn's threaded worker (a slow client holds one thread, at most 5 s for its
body, never a worker); put a TLS-terminating, buffering proxy in front (README, "Web service").
Log lines are escaped and bounded (skill/web/logsafe.py). Nothing here is imported by the
Lambda path.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from skill.web import certvalidator_standin

certvalidator_standin.install()  # before flask_ask_sdk imports the SDK's verifier, below

from ask_sdk_core.skill import CustomSkill  # noqa: E402
from ask_sdk_model import RequestEnvelope  # noqa: E402
from ask_sdk_webservice_support.verifier import AbstractVerifier  # noqa: E402
from flask import Flask, Response, jsonify, request  # noqa: E402
from flask_ask_sdk.skill_adapter import (  # noqa: E402
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import HTTPException  # noqa: E402

from skill.app import build_skill, last_resort_response  # noqa: E402
from skill.config import Settings  # noqa: E402
from skill.web.deadlines import BodyDeadlines  # noqa: E402
from skill.web.logsafe import SafeLogFilter, clean, guard, shown, summary  # noqa: E402
from skill.web.verify import (  # noqa: E402
    AlexaRequestVerifier,
    RequestRejected,
    SkillIdVerifier,
    load_trusted_roots,
    validate_test_origin,
)

# The same name when run as __main__; every line escaped and bounded (skill/web/logsafe.py).
log = guard(logging.getLogger("skill.web.service"))

HEALTH_ROUTE = "/healthz"
DEFAULT_BIND = "127.0.0.1:8080"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 8           # per worker: a slow client holds one thread, never the worker
WORKER_TIMEOUT_SECONDS = 10   # Alexa gives up after 8 s; a stuck worker is replaced after 10
BODY_READ_SECONDS = 5.0       # Alexa sends its few KB at once; a body still coming is a 408
_STATUS_WORDS = {403: "forbidden", 408: "request timeout"}
_BODY_DEADLINES = BodyDeadlines()


class BodyTooSlow(RequestRejected):
    """The body did not arrive within BODY_READ_SECONDS."""

    status = 408


class ConfigurationError(ValueError):
    """Settings the web service refuses to start with."""


def check_settings(settings: Settings) -> None:
    """Refuse unsafe or impossible settings before serving a single request.

    Production mode exists so that a forgotten development setting cannot reach Alexa traffic:
    it requires SKILL_ID and verification, and forbids the test-only certificate origin.
    """
    if not settings.route.startswith("/") or settings.route == HEALTH_ROUTE:
        raise ConfigurationError(f"SKILL_ROUTE {settings.route!r} must start with / and not be "
                                 f"{HEALTH_ROUTE}")
    if settings.test_cert_origin:
        try:
            validate_test_origin(settings.test_cert_origin)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
    if not settings.production:
        return
    if not settings.verify_signatures:
        raise ConfigurationError("VERIFY_SIGNATURES=false is refused in production mode")
    if not settings.skill_id:
        raise ConfigurationError("production mode needs SKILL_ID (the skill's application id)")
    if settings.test_cert_origin:
        raise ConfigurationError("TEST_CERT_ORIGIN is for tests and refused in production mode")


def _reject(status: int, reason: str) -> tuple[Response, int]:
    """One log line with the reason; the caller learns only that it was refused."""
    log.warning("rejected request (%d): %s", status, reason)
    response = jsonify(error=_STATUS_WORDS.get(status, "bad request"))
    if status == 408:
        response.headers["Connection"] = "close"   # the rest of that body is never read
    return response, status


class VerifiedSkillAdapter(SkillAdapter):
    """flask-ask-sdk's SkillAdapter, with the request proven genuine before the SDK sees it.

    The stock `dispatch_request` decodes the body without a size limit, lets a non-JSON body
    become a 500, deserialises the body before any verifier runs (so an unsigned request's
    values reach the SDK's error messages), and turns any verification error into the same
    400. This one caps and parses the body, then verifies the signature on the raw bytes
    (`AlexaRequestVerifier.verify_request`, cheapest checks first), and only then lets the SDK
    deserialise and dispatch; it keeps 403 for another skill's request, logs each reason in one
    line, and answers an unexpected failure inside the skill with the same spoken apology as
    the Lambda entry.
    """

    def __init__(self, skill: CustomSkill, skill_id: str,
                 request_verifier: AlexaRequestVerifier | None,
                 verifiers: list[AbstractVerifier], app: Flask, max_body_bytes: int) -> None:
        self._max_body_bytes = max_body_bytes
        self._answering_skill = skill
        self.request_verifier = request_verifier
        self.checks = list(verifiers)     # on the SDK's envelope, once the signature holds
        # The SDK's own handler (built by init_app) is never used: dispatch_request below goes
        # through CustomSkill's public invoke and serializer, so no private attribute of the
        # adapter is read and no private method overridden.
        super().__init__(skill=skill, skill_id=skill_id, verifiers=[], app=app)

    def read_body(self) -> tuple[bytes, str, dict[str, Any]]:
        """The raw body, as bytes and text, and its JSON document, if it is small enough, UTF-8,
        and a JSON request envelope."""
        limit = self._max_body_bytes
        length = request.content_length
        if length is not None and length > limit:
            raise RequestRejected(f"body of {length} bytes is over the {limit}-byte limit")
        raw = self._read_in_time(limit + 1)
        if len(raw) > limit:
            raise RequestRejected(f"body is over the {limit}-byte limit")
        if not raw:
            raise RequestRejected("body is empty")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestRejected("body is not UTF-8") from None
        try:
            document = json.loads(text)
        except ValueError as error:
            raise RequestRejected(f"body is not JSON: {error}") from None
        except RecursionError:
            raise RequestRejected("body is JSON nested too deeply") from None
        if not isinstance(document, dict) or not isinstance(document.get("request"), dict):
            raise RequestRejected("body is not an Alexa request envelope (no request object)")
        return raw, text, document

    @staticmethod
    def _read_in_time(size: int) -> bytes:
        """Up to `size` bytes of body, within BODY_READ_SECONDS of wall-clock time.

        Under gunicorn the socket is in the WSGI environ (`gunicorn.socket`); a deadline on it
        (skill/web/deadlines.py) ends a read that a slow client drags out. Without one (Flask's
        test client) the body is already in memory.
        """
        sock = request.environ.get("gunicorn.socket")
        token = _BODY_DEADLINES.arm(sock, BODY_READ_SECONDS) if sock is not None else None
        try:
            raw = request.stream.read(size)
        except Exception as error:
            if token is not None and _BODY_DEADLINES.disarm(token):
                token = None
                raise BodyTooSlow(f"body not received within {BODY_READ_SECONDS:g} s") from None
            raise RequestRejected(f"body could not be read: {summary(error)}") from None
        finally:
            late = token is not None and _BODY_DEADLINES.disarm(token)
        length = request.content_length
        if late and (length is None or len(raw) < min(length, size)):
            raise BodyTooSlow(f"body not received within {BODY_READ_SECONDS:g} s")
        if length is not None and len(raw) < min(length, size):
            raise RequestRejected(f"body ended after {len(raw)} of {length} bytes")
        return raw

    def dispatch_request(self) -> Any:
        """Verify, then dispatch: two phases that fail separately.

        Until the signature is proven, any failure whatever its type (a chain server that
        answers a bad status line, a bug in a verifier) is a refusal, 4xx, logged as such; only
        a request proven genuine can reach the skill, and only its failures get the apology.
        """
        try:
            raw, text, document = self.read_body()
            if self.request_verifier is not None:
                self.request_verifier.verify_request(request.headers, raw,
                                                     document["request"].get("timestamp"))
        except RequestRejected as error:
            return _reject(error.status, str(error))
        except Exception as error:
            return _reject(400, f"verification failed: {summary(error)}")
        skill = self._answering_skill
        try:
            envelope = skill.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
        except Exception as error:
            # The SDK's message quotes the raw value: escaped and cut short, like any value.
            return _reject(400, f"body is not an Alexa request envelope: {clean(error, 200)}")
        try:
            for check in self.checks:   # the skill id: 403 for another skill's request
                check.verify(headers=request.headers, serialized_request_env=text,
                             deserialized_request_env=envelope)
        except RequestRejected as error:
            return _reject(error.status, str(error))
        except Exception as error:
            return _reject(400, f"verification failed: {summary(error)}")
        try:
            answer = skill.serializer.serialize(skill.invoke(request_envelope=envelope,
                                                             context=None))
        except Exception as error:
            log.error("the skill failed on a verified request; answering with an apology: %s",
                      summary(error))
            return jsonify(last_resort_response())
        return jsonify(answer)


def _http_error(error: HTTPException) -> tuple[Response, int]:
    """Routing errors (404, 405) as short JSON, never Werkzeug's HTML page."""
    code = error.code or 400
    log.info("%s %s: %d %s", shown(request.method, 20), shown(request.path), code, error.name)
    return jsonify(error=error.name.lower()), code


def _unexpected_error(error: Exception) -> tuple[Response, int]:
    """The last net: the traceback goes to the log, never to the caller."""
    log.error("unhandled error on %s %s: %s", shown(request.method, 20), shown(request.path),
              summary(error))
    return jsonify(error="internal error"), 500


def create_app(settings: Settings | None = None, *, skill: CustomSkill | None = None,
               verifier: AlexaRequestVerifier | None = None) -> Flask:
    """The Flask app serving the skill at `settings.route` and a health check at /healthz.

    `skill` defaults to `build_skill(settings)`, the Lambda entry's skill. `verifier` replaces
    the Alexa signature verifier (tests inject one with their own root CA); when neither it nor
    verification is on, a warning says so. Raises ConfigurationError on unsafe settings.
    """
    settings = settings or Settings.from_env()
    check_settings(settings)
    if verifier is None and settings.verify_signatures:
        verifier = AlexaRequestVerifier.from_settings(settings)
    if verifier is None:
        log.warning("REQUEST VERIFICATION IS OFF (VERIFY_SIGNATURES=false): anyone who can reach "
                    "this server can talk to the skill; never expose it to Alexa like this")
    verifiers: list[AbstractVerifier] = []    # run by the SDK, after the signature is proven
    if settings.skill_id:
        verifiers.append(SkillIdVerifier(settings.skill_id))

    app = Flask(__name__, static_folder=None)
    # The SDK's own verifiers stay off. Its RequestVerifier cannot run here (see
    # skill/web/certvalidator_standin.py). Its TimestampVerifier does hold normal requests to 150 s,
    # but logs no reason (too old or in the future?) and raises TypeError, a 500, on a
    # timestamp without a zone; ours (skill/web/verify.py) does neither.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    adapter = VerifiedSkillAdapter(skill or build_skill(settings),
                                   settings.skill_id or "muscle-twitch-guide", verifier,
                                   verifiers, app, settings.max_body_bytes)
    app.add_url_rule(settings.route, endpoint="skill", view_func=adapter.dispatch_request,
                     methods=["POST"])
    app.add_url_rule(HEALTH_ROUTE, endpoint="healthz", view_func=lambda: jsonify(status="ok"),
                     methods=["GET"])
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _gunicorn(options: dict[str, Any]) -> Any:
    """gunicorn, configured in code, loading `create_app()` in each worker after the fork.

    No preload: each worker opens its own SQLite connection (a connection must not cross a
    fork) and its own certificate cache.
    """
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:
                # recent gunicorn (27 here) opens a control socket at one fixed path per user;
                # unused here, and two servers on one machine would fight over it.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Flask:
            return create_app()

    return Server()


def serve(argv: list[str] | None = None) -> int:
    """`serve`: check the settings, then run the app under gunicorn until stopped."""
    parser = argparse.ArgumentParser(prog="python -m skill.web.service serve",
                                     description="Serve the skill over HTTP under gunicorn.")
    parser.add_argument("--bind", default=os.environ.get("BIND", DEFAULT_BIND),
                        help=f"address:port to listen on (env BIND; default {DEFAULT_BIND})")
    parser.add_argument("--workers", type=int,
                        default=os.environ.get("WEB_CONCURRENCY") or DEFAULT_WORKERS,
                        help=f"worker processes (env WEB_CONCURRENCY; default {DEFAULT_WORKERS})")
    parser.add_argument("--threads", type=int,
                        default=os.environ.get("WEB_THREADS") or DEFAULT_THREADS,
                        help="threads per worker (env WEB_THREADS; default "
                             f"{DEFAULT_THREADS}); a slow client holds one thread")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")

    try:
        settings = Settings.from_env()
        logging.basicConfig(level=settings.log_level,
                            format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        for handler in logging.getLogger().handlers:   # the skill's own loggers, too
            handler.addFilter(SafeLogFilter())
        check_settings(settings)
        if settings.verify_signatures:
            load_trusted_roots(settings.trusted_roots)  # fail here, not in every worker
    except (ValueError, OSError) as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 2
    if not settings.verify_signatures:
        log.warning("starting with request verification OFF (VERIFY_SIGNATURES=false)")
    log.info("serving the skill at %s on %s with %d worker(s) x %d thread(s)", settings.route,
             args.bind, args.workers, args.threads)
    _gunicorn({
        "bind": [args.bind],
        "workers": args.workers,
        # gthread: a connection gets a thread only once its first bytes arrive, and a slow body
        # holds one thread for at most BODY_READ_SECONDS, not the whole worker (as sync did).
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": WORKER_TIMEOUT_SECONDS,
        "preload_app": False,
        "accesslog": "-",
        # No User-Agent or Referer: a client chooses them, up to 8 KiB each; gunicorn has
        # already refused control characters in the request line and headers.
        "access_log_format": '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms',
        "loglevel": settings.log_level.lower(),
    }).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m skill.web.service serve ...`, or the `twitch-serve serve ...` command."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "serve":
        print("usage: python -m skill.web.service serve [--bind HOST:PORT] [--workers N] "
              "[--threads N]", file=sys.stderr)
        return 2
    return serve(argv[1:])


if __name__ == "__main__":
    from skill.web.service import main as _main  # one copy of the module, not __main__ and another

    sys.exit(_main(sys.argv[1:]))
