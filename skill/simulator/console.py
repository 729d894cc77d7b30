"""`python -m skill.simulator web`: the test console in a browser, like the Test tab of Amazon's
developer console, with no account and no internet.

Type (or, where the browser offers speech recognition, say) an utterance; the page shows what
Alexa understood (intent, slots, how they matched), says the answer (espeak-ng, see audio.py) and
shows its text, the card, a preview of the APL screen at an Echo's size (apl_preview.py), the
request and response envelopes and the session attributes. When the skill asks for the reminders
permission, the page asks the person, as Alexa would.

Nothing of the skill is reimplemented: each utterance goes through the command-line simulator's
`Simulator` (the same resolver, envelopes, Alexa API stand-in and `lambda_handler`). The server
is the standard library's, bound to the loopback interface only: the console hands anyone who
reaches it a skill session and the Alexa API stand-in, so it refuses any other address, and any
request whose Host header names another (a web page elsewhere cannot rebind a name to it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import queue
import re
import shutil
import socket
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

PAGE_DIR = Path(__file__).resolve().parent / "console_page"
LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", "::1": "::1"}
DEFAULT_PORT = 8042
DEFAULT_DEVICE = "echo-show-8"
MAX_BODY = 256 * 1024         # bytes of a JSON request (a 10,000-character utterance fits)
MAX_UTTERANCE = 20_000        # characters; more is refused with a clear message
TURN_TIMEOUT = 60.0           # seconds the skill may take for one turn
CONSENT_TIMEOUT = 600.0       # seconds Alexa waits here for the person's yes or no
CONSENT_MODES = ("ask", "grant", "deny")
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/console.js": ("console.js", "text/javascript; charset=utf-8"),
          "/console.css": ("console.css", "text/css; charset=utf-8")}
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "media-src 'self'; frame-src 'self'; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'")
# The screen preview is the skill's content drawn as HTML: no script may run in it, whatever a
# datasource holds; it may only style itself and show images.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:"

log = logging.getLogger("twitch.console")


class ConsoleError(ValueError):
    """A request the console refuses; the message is shown in the page as it is."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status


def locales() -> list[str]:
    """The locales the skill has an interaction model for."""
    from skill.simulator.resolver import MODELS_DIR

    return sorted(path.stem for path in MODELS_DIR.glob("*-*.json"))


def devices() -> dict[str, dict[str, Any]]:
    """The simulator's devices, each with its screen (None for a speaker) for the page."""
    from skill.simulator.envelope import DEVICES

    shown: dict[str, dict[str, Any]] = {}
    for name, device in DEVICES.items():
        viewport = device.get("viewport")
        shown[name] = {"screen": None if viewport is None else {
            "width": viewport["pixelWidth"], "height": viewport["pixelHeight"],
            "shape": str(viewport["shape"]).lower()}}
    return shown


@dataclass
class _Pending:
    """A turn stopped at Alexa's permission question."""

    turn: Any
    scope: str
    question: str


class Console:
    """One person's console: a simulated device, its turns, their audio and screens.

    A turn runs in a worker thread so it can stop at Alexa's permission question (the
    simulator's consent callback) while the page asks the person; the answer resumes it.
    `handler` replaces lambda_handler (tests give each console its own user store).
    """

    def __init__(self, handler: Any = None, locale: str = "en-US",
                 device: str = DEFAULT_DEVICE, time_zone: str | None = None,
                 user: str | None = None) -> None:
        self.handler = handler
        self.user = user
        self.time_zone = time_zone
        self.lock = threading.RLock()
        self.audio_dir = Path(tempfile.mkdtemp(prefix="twitch-console-"))
        self.simulator: Any = None
        self.turns: list[Any] = []
        self.results: list[dict[str, Any]] = []
        self.audio: dict[int, Path] = {}
        self.pending: _Pending | None = None
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.answers: queue.Queue[str] = queue.Queue()
        self.busy = False
        self.reset(locale, device)

    # --- the device --------------------------------------------------------------------------

    def reset(self, locale: str | None = None, device: str | None = None) -> dict[str, Any]:
        """A new device (locale, kind): the old one's session ends; the conversation clears."""
        from skill.simulator.alexa_api import local_time_zone
        from skill.simulator.session import Simulator

        with self.lock:
            locale = locale or (self.simulator.locale if self.simulator else "en-US")
            device = device or (self.simulator.conversation.device if self.simulator
                                else DEFAULT_DEVICE)
            if locale not in locales():
                raise ConsoleError(f"unknown locale {locale!r}; known: {', '.join(locales())}")
            if device not in devices():
                raise ConsoleError(f"unknown device {device!r}; known: {', '.join(devices())}")
            self._abandon()
            simulator = Simulator(locale=locale, device=device, user_id=self.user,
                                  handler=self.handler,
                                  time_zone=self.time_zone or local_time_zone(),
                                  consent=self._ask_person)
            self.close()
            self.simulator = simulator
            self.turns, self.results, self.audio = [], [], {}
            return self.state()

    def close(self) -> None:
        """End the device's session and stop its Alexa API stand-in."""
        with self.lock:
            if self.simulator is not None:
                with contextlib.suppress(Exception):
                    self.simulator.end()
                self.simulator.close()
                self.simulator = None

    def state(self) -> dict[str, Any]:
        """What the page's controls show: the device, permissions, reminders, audio."""
        simulator = self.simulator
        from skill.simulator.alexa_api import PERMISSIONS

        return {
            "locale": simulator.locale,
            "device": simulator.conversation.device,
            "locales": locales(),
            "devices": devices(),
            "time_zone": simulator.alexa_api.time_zone,
            "session_open": simulator.session_open,
            "permissions": {name: scope in simulator.alexa_api.granted
                            for name, scope in PERMISSIONS.items()},
            "reminders": simulator.alexa_api.describe_reminders(),
            "audio": shutil.which("espeak-ng") is not None,
            "turns": len(self.results),
            "pending": None if self.pending is None else {"question": self.pending.question},
            "touch": callable(getattr(simulator, "touch", None)),
        }

    def permission(self, name: str, granted: bool) -> dict[str, Any]:
        """The person grants or revokes a permission, as in the Alexa app."""
        from skill.simulator.alexa_api import scope_of

        with self.lock:
            scope = scope_of(str(name))
            if granted:
                self.simulator.grant(scope)
            else:
                self.simulator.revoke(scope)
            return self.state()

    # --- turns -------------------------------------------------------------------------------

    def say(self, utterance: Any, consent: str = "ask") -> dict[str, Any]:
        """Send an utterance; the finished turn, or the turn stopped at a permission question."""
        if not isinstance(utterance, str):
            raise ConsoleError("the utterance must be text")
        if len(utterance) > MAX_UTTERANCE:
            raise ConsoleError(f"that is {len(utterance):,} characters; Alexa hears a sentence "
                               f"or two, and this console takes at most {MAX_UTTERANCE:,}")
        if consent not in CONSENT_MODES:
            raise ConsoleError(f"consent must be one of {', '.join(CONSENT_MODES)}")
        with self.lock:
            self._idle()
            if not utterance.strip():
                return {"said": "", "notice": "Alexa heard nothing, so she sends the skill "
                        "nothing: type or say something."}
            from skill.simulator.session import ACCEPTED, DENIED

            permission = {"grant": ACCEPTED, "deny": DENIED}.get(consent)
            self.busy = True
            # Each turn its own queues: a turn abandoned by a new device cannot answer for the next.
            self.events, self.answers = queue.Queue(), queue.Queue()
            worker = threading.Thread(target=self._run, args=(self.events, self.simulator.say,
                                                              utterance, permission), daemon=True)
            worker.start()
            return self._wait()

    def end(self) -> dict[str, Any]:
        """The person walks away: an open session gets its SessionEndedRequest."""
        with self.lock:
            self._idle()
            turn = self.simulator.end()
            if turn is None:
                return {"notice": "no session is open", "state": self.state()}
            return self._record(turn)

    def touch(self, arguments: Any) -> dict[str, Any]:
        """A touch on the screen preview: the UserEvent its SendEvent names, sent through the
        simulator's own `touch` (a simulator without one says so)."""
        if not isinstance(arguments, list) or not all(isinstance(a, str | int | float | bool)
                                                      for a in arguments):
            raise ConsoleError("a touch carries a list of plain arguments")
        touch = getattr(self.simulator, "touch", None)
        if not callable(touch):
            raise ConsoleError("this simulator does not send screen touches yet",
                               HTTPStatus.NOT_IMPLEMENTED)
        with self.lock:
            self._idle()
            return self._record(touch([str(a) for a in arguments]))

    def answer(self, status: Any) -> dict[str, Any]:
        """The person's answer to Alexa's permission question; the turn goes on."""
        from skill.simulator.session import CONSENT_ANSWERS

        if status not in CONSENT_ANSWERS:
            raise ConsoleError(f"answer one of {', '.join(CONSENT_ANSWERS)}")
        with self.lock:
            if self.pending is None:
                raise ConsoleError("Alexa has asked nothing", HTTPStatus.CONFLICT)
            self.pending = None
            self.answers.put(str(status))
            return self._wait()

    def _idle(self) -> None:
        """Refuse a new turn while one is waiting for the person or still running."""
        if self.pending is not None:
            raise ConsoleError("Alexa is waiting for the answer to her question first",
                               HTTPStatus.CONFLICT)
        if self.busy:
            raise ConsoleError("the skill is still answering the last turn; try again, or pick "
                               "a new device", HTTPStatus.CONFLICT)

    def _run(self, events: queue.Queue[tuple[str, Any]], say: Any, utterance: str,
             permission: str | None) -> None:
        try:
            events.put(("done", say(utterance, permission)))
        except Exception as error:  # the simulator itself failed: say so, keep serving
            log.error("the turn failed:\n%s", traceback.format_exc())
            events.put(("failed", error))

    def _ask_person(self, turn: Any, scope: str, question: str) -> str:
        """The simulator's consent callback, in the worker: wait for the page's answer."""
        from skill.simulator.session import NOT_ANSWERED

        self.events.put(("ask", _Pending(turn, scope, question)))
        try:
            return self.answers.get(timeout=CONSENT_TIMEOUT)
        except queue.Empty:
            return NOT_ANSWERED

    def _wait(self) -> dict[str, Any]:
        try:
            kind, value = self.events.get(timeout=TURN_TIMEOUT)
        except queue.Empty:
            return {"error": f"the skill did not answer within {TURN_TIMEOUT:g} seconds"}
        if kind == "ask":
            self.pending = value
            partial = self._describe(value.turn, len(self.results))
            return {"pending": {"question": value.question, "scope": value.scope},
                    "turn": partial, "state": self.state()}
        self.busy = False
        if kind == "failed":
            return {"error": f"the simulator failed: {type(value).__name__}: {value}",
                    "state": self.state()}
        return self._record(value)

    def _abandon(self) -> None:
        """A turn stopped at a question when the device changes: it goes unanswered."""
        from skill.simulator.session import NOT_ANSWERED

        while self.pending is not None:
            self.pending = None
            self.answers.put(NOT_ANSWERED)
            self._wait()
        self.busy = False

    def _record(self, turn: Any) -> dict[str, Any]:
        index = len(self.results)
        self.turns.append(turn)
        result = self._describe(turn, index)
        self.results.append(result)
        return {"turn": result, "state": self.state()}

    def _describe(self, turn: Any, index: int) -> dict[str, Any]:
        """A turn as the page shows it (JSON): what was understood, said, shown and sent."""
        from skill.simulator.apl_preview import render_directive
        from skill.simulator.transcript import card_of, reprompt_of, speech_of

        exchanges = []
        attributes: dict[str, Any] = {}
        for number, exchange in enumerate(turn.exchanges):
            response = exchange.response if isinstance(exchange.response, dict) else {}
            ended = exchange.request_type == "SessionEndedRequest"
            body = response.get("response") or {}
            if not ended and "sessionAttributes" in response:
                attributes = response.get("sessionAttributes") or {}
            exchanges.append({
                "type": exchange.request_type,
                "label": exchange.label,
                "request": exchange.request,
                "response": response,
                "note": exchange.note,
                "speech": None if ended else speech_of(response, show_breaks=True),
                "reprompt": None if ended else reprompt_of(response, show_breaks=True),
                "card": None if ended else card_of(response),
                "ends": body.get("shouldEndSession"),
                "directives": [str(d.get("type")) for d in body.get("directives") or ()
                               if isinstance(d, dict)],
                "screen": (f"/api/screen/{index}/{number}"
                           if render_directive(response) is not None else None),
            })
        spoken = [e for e in exchanges if e["speech"]]
        return {
            "index": index,
            "said": turn.said,
            "understood": _understood(turn.resolved),
            "note": turn.note,
            "exchanges": exchanges,
            "errors": list(turn.errors),
            "consents": [{"question": c.question, "status": c.status, "source": c.source}
                         for c in turn.consents],
            "session_open": turn.session_open,
            "attributes": attributes,
            "audio": f"/api/audio/{index}.wav" if spoken else None,
        }

    # --- what the page fetches ---------------------------------------------------------------

    def audio_file(self, index: int) -> Path:
        """Turn `index`'s speech as a WAV, rendered on first request."""
        from skill.simulator.audio import render, turn_label, turn_ssml

        with self.lock:
            if not 0 <= index < len(self.turns):
                raise ConsoleError("no such turn", HTTPStatus.NOT_FOUND)
            if index not in self.audio:
                turn = self.turns[index]
                path = self.audio_dir / f"{index + 1:02d}-{turn_label(turn)}.wav"
                self.audio[index] = render(turn_ssml(turn), path, self.simulator.locale)
            return self.audio[index]

    def screen(self, index: int, exchange: int, device: str | None = None) -> str:
        """The APL preview of one response's screen, for its own device or another's size."""
        from skill.simulator.apl_preview import Viewport, render_directive, render_screen
        from skill.simulator.envelope import DEVICES

        with self.lock:
            if not 0 <= index < len(self.turns) or \
                    not 0 <= exchange < len(self.turns[index].exchanges):
                raise ConsoleError("no such turn", HTTPStatus.NOT_FOUND)
            sent = self.turns[index].exchanges[exchange]
        directive = render_directive(sent.response)
        if directive is None:
            raise ConsoleError("that response has no screen", HTTPStatus.NOT_FOUND)
        if device:
            viewport = (DEVICES.get(device) or {}).get("viewport")
            if viewport is None:
                raise ConsoleError(f"{device!r} has no screen", HTTPStatus.NOT_FOUND)
        else:
            viewport = (sent.request.get("context") or {}).get("Viewport") or {}
        return render_screen(directive.get("document") or {}, directive.get("datasources"),
                             Viewport.from_request(viewport))


def _understood(resolved: Any) -> dict[str, Any] | None:
    """What Alexa understood and why: the intent, each slot's value and resolution, and how the
    words matched (the sample, exactly or closely; the launch phrase; nothing: the fallback)."""
    if resolved is None:
        return None
    slots = []
    for name, filled in (resolved.slots or {}).items():
        per_authority = ((filled.get("resolutions") or {}).get("resolutionsPerAuthority")
                         or [{}])[0]
        values = per_authority.get("values") or []
        slots.append({"name": name, "value": filled.get("value"),
                      "status": (per_authority.get("status") or {}).get("code"),
                      "id": values[0]["value"]["id"] if values else None,
                      "canonical": values[0]["value"]["name"] if values else None})
    if resolved.launch:
        how = "the launch phrase names the skill: a LaunchRequest"
    elif resolved.sample is None:
        how = "no sample utterance matches: Alexa sends the fallback intent"
    elif resolved.close:
        how = f'close to the sample "{resolved.sample}" (a word or two differ)'
    else:
        how = f'matches the sample "{resolved.sample}"'
    if resolved.invoked and not resolved.launch:
        how += "; the utterance names the skill, so a new session opens"
    explain = getattr(resolved, "explanation", None) or getattr(resolved, "explain", None)
    if callable(explain):
        with contextlib.suppress(Exception):
            explain = explain()
    return {"request_type": resolved.request_type, "intent": resolved.intent,
            "summary": resolved.describe(), "slots": slots, "how": how,
            "heard": resolved.text, "detail": explain if isinstance(explain, str) else None}


# --- HTTP ---------------------------------------------------------------------------------------

_SCREEN = re.compile(r"^/api/screen/(\d{1,6})/(\d{1,3})$")
_AUDIO = re.compile(r"^/api/audio/(\d{1,6})\.wav$")


class _Handler(BaseHTTPRequestHandler):
    server: ConsoleServer
    server_version = "twitch-console"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    # Every request: from this machine, by a name of this machine.
    def _allowed(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in LOOPBACK:
            self._send_json({"error": "the console answers only to 127.0.0.1 or localhost"},
                            HTTPStatus.FORBIDDEN)
            return False
        return True

    def do_GET(self) -> None:
        if not self._allowed():
            return
        url = urlsplit(self.path)
        try:
            if url.path in STATIC:
                name, kind = STATIC[url.path]
                self._send(HTTPStatus.OK, (PAGE_DIR / name).read_bytes(), kind,
                           {"Content-Security-Policy": PAGE_POLICY})
            elif url.path == "/api/state":
                with self.server.console.lock:
                    self._send_json(self.server.console.state())
            elif match := _AUDIO.match(url.path):
                path = self.server.console.audio_file(int(match.group(1)))
                self._send(HTTPStatus.OK, path.read_bytes(), "audio/wav",
                           {"Cache-Control": "no-store"})
            elif match := _SCREEN.match(url.path):
                device = (parse_qs(url.query).get("device") or [None])[0]
                page = self.server.console.screen(int(match.group(1)), int(match.group(2)),
                                                  device)
                self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8",
                           {"Content-Security-Policy": PREVIEW_POLICY})
            else:
                self._send_json({"error": "not found"}, HTTPStatus.NOT_FOUND)
        except Exception as error:
            self._failed(error)

    def do_POST(self) -> None:
        if not self._allowed():
            return
        try:
            body = self._body()
            console = self.server.console
            path = urlsplit(self.path).path
            if path == "/api/say":
                result = console.say(body.get("utterance"), str(body.get("consent") or "ask"))
            elif path == "/api/consent":
                result = console.answer(body.get("status"))
            elif path == "/api/touch":
                result = console.touch(body.get("arguments"))
            elif path == "/api/end":
                result = console.end()
            elif path == "/api/reset":
                result = {"state": console.reset(body.get("locale"), body.get("device"))}
            elif path == "/api/permission":
                result = {"state": console.permission(body.get("name") or "",
                                                      bool(body.get("granted")))}
            else:
                raise ConsoleError("not found", HTTPStatus.NOT_FOUND)
            self._send_json(result)
        except Exception as error:
            self._failed(error)

    def _body(self) -> dict[str, Any]:
        """The request's JSON object. Only JSON is taken, which a page elsewhere cannot post
        without the browser asking this server first (and it never says yes)."""
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise ConsoleError("send JSON (Content-Type: application/json)",
                               HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as error:
            raise ConsoleError("a bad Content-Length") from error
        if length > MAX_BODY:
            raise ConsoleError(f"the request is over {MAX_BODY // 1024} KB",
                               HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        raw = self.rfile.read(length) if length > 0 else b"{}"
        try:
            body = json.loads(raw.decode("utf-8", "surrogatepass"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ConsoleError(f"the request is not JSON: {error}") from error
        if not isinstance(body, dict):
            raise ConsoleError("send a JSON object")
        return body

    def _failed(self, error: Exception) -> None:
        """Refusals are shown as they are; anything else is logged here, and the page gets one
        line, never a stack trace."""
        if isinstance(error, ConsoleError):
            self._send_json({"error": str(error)}, error.status)
            return
        from skill.simulator.audio import AudioUnavailable

        if isinstance(error, AudioUnavailable):
            self._send_json({"error": str(error)}, HTTPStatus.SERVICE_UNAVAILABLE)
            return
        if isinstance(error, ValueError):   # a bad permission name, time zone...
            self._send_json({"error": str(error)}, HTTPStatus.BAD_REQUEST)
            return
        log.error("console request failed:\n%s", traceback.format_exc())
        self._send_json({"error": f"the console failed: {type(error).__name__} "
                                  "(details in the terminal that runs it)"},
                        HTTPStatus.INTERNAL_SERVER_ERROR)

    def _send_json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        # ensure_ascii: any text, lone surrogates included, leaves as valid JSON
        self._send(status, json.dumps(data, ensure_ascii=True, default=str).encode("ascii"),
                   "application/json")

    def _send(self, status: HTTPStatus, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


class ConsoleServer(ThreadingHTTPServer):
    """The console's HTTP server, on a loopback address only."""

    daemon_threads = True

    def __init__(self, console: Console, host: str = "127.0.0.1", port: int = DEFAULT_PORT
                 ) -> None:
        address = loopback(host)
        if ":" in address:
            self.address_family = socket.AF_INET6
        self.console = console
        super().__init__((address, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'[' + str(host) + ']' if ':' in str(host) else host}:{port}/"

    def start(self) -> ConsoleServer:
        """Serve in a background thread (tests, and `serve` below)."""
        threading.Thread(target=self.serve_forever, name="console", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.console.close()


def loopback(host: str) -> str:
    """The address to bind for `host`; ValueError for anything but this machine's loopback."""
    address = LOOPBACK.get(host.strip().lower())
    if address is None:
        raise ValueError(f"the console serves this machine only: use 127.0.0.1 or localhost, "
                         f"not {host!r} (it hands whoever reaches it a skill session)")
    return address


def add_web_command(commands: Any) -> None:
    """`twitch-sim web`'s options (called by cli.py's parser)."""
    from skill.simulator.envelope import DEVICES

    web = commands.add_parser("web", help="the test console in a browser, on 127.0.0.1")
    web.add_argument("--host", default="127.0.0.1",
                     help="127.0.0.1 (default), localhost or ::1; nothing else is served")
    web.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"default {DEFAULT_PORT}; 0 picks a free port")
    web.add_argument("--locale", default="en-US", help="the first locale (the page can change it)")
    web.add_argument("--device", default=DEFAULT_DEVICE, choices=sorted(DEVICES),
                     help=f"the first device (default {DEFAULT_DEVICE})")
    web.add_argument("--user", default=None, help="a stable user id (default: a test id)")
    web.add_argument("--time-zone", default=None, metavar="ZONE",
                     help="the device's IANA time zone (default: this machine's, else UTC)")


def serve(args: argparse.Namespace, handler: Any = None, out: TextIO | None = None,
          err: TextIO | None = None) -> int:
    """Run the console until Ctrl-C."""
    out = out or sys.stdout
    address = loopback(args.host)   # refuse before anything starts
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    console = Console(handler, args.locale, args.device, args.time_zone, args.user)
    try:
        server = ConsoleServer(console, address, args.port)
    except OSError as error:
        console.close()
        raise ValueError(f"cannot listen on {address}:{args.port}: {error.strerror}") from error
    audio = "" if shutil.which("espeak-ng") else \
        " (no espeak-ng: answers are shown, not spoken; `apt-get install espeak-ng`)"
    print(f"Muscle Twitch Guide test console: {server.url}{audio}\nCtrl-C stops it.",
          file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(file=out)
    finally:
        server.server_close()
        console.close()
    return 0
