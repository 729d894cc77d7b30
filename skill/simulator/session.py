"""One person talking to the skill through a device: utterances in, request/response pairs out.

`Simulator.say()` does what Alexa does between the microphone and the skill: resolve the words,
open a session when the skill is invoked (or when none is open), carry the session attributes and
the `new` flag across turns, and close the session. As Amazon's Request Types Reference says, the
skill gets a SessionEndedRequest only when the session ends for another reason than its own
response: the person says "exit", nobody answers (EXCEEDED_MAX_REPROMPTS), or an error (an
invalid response). A skill that ends the session itself hears nothing more. The skill is reached
only through a handler with the signature of `skill.app.lambda_handler`.

The Alexa APIs the skill calls (time zone, reminders) are served by a stand-in on 127.0.0.1
(`alexa_api.py`), started with the simulator and stopped by `close()`. When the skill asks for a
permission by voice, the simulator accepts only the form "Set Up Voice Permissions for Reminders"
documents (Connections.SendRequest named AskFor, version-1 payload): it asks the person (or takes
the answer given up front), sends the skill the Connections.Response, and from then on the
requests carry the permission. Anything else is treated as Alexa treats an invalid response.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skill.simulator.alexa_api import PERMISSION_WORDS, AlexaApiStandIn, ask_for_problem
from skill.simulator.envelope import PLACEHOLDER_USER, Conversation
from skill.simulator.resolver import Resolved, load_resolver

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Answers to Alexa's permission question, as the Connections.Response payload names them.
ACCEPTED, DENIED, NOT_ANSWERED = "ACCEPTED", "DENIED", "NOT_ANSWERED"
CONSENT_ANSWERS = (ACCEPTED, DENIED, NOT_ANSWERED)

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"

# Said while a session is open, Alexa itself closes it: the skill gets a SessionEndedRequest.
EXIT_WORDS = frozenset({"exit", "quit", "alexa exit", "alexa quit"})


def default_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point, imported late so `--help` does not load the skill."""
    from skill.app import lambda_handler

    return lambda_handler(event, context)


def allow_loopback_api() -> None:
    """Let this process's skill call the stand-in over plain HTTP on 127.0.0.1.

    Set before the skill is first built (`skill.app.get_skill` reads it once); a setting that
    refuses it (PRODUCTION=1) is a ValueError here, before any turn is played.
    """
    from skill.config import Settings

    os.environ["ALEXA_API_LOOPBACK"] = "1"
    Settings.from_env()


def _last_resort() -> dict[str, Any]:
    from skill.app import last_resort_response

    return last_resort_response()


@dataclass
class Exchange:
    """One request envelope and the skill's response envelope."""

    request: dict[str, Any]
    response: dict[str, Any]
    note: str | None = None   # what Alexa did after this response (asked for a permission)

    @property
    def request_type(self) -> str:
        return self.request["request"]["type"]

    @property
    def label(self) -> str:
        """The intent name, or the request type: how a recorded fixture is named."""
        intent = self.request["request"].get("intent") or {}
        return intent.get("name") or self.request_type


@dataclass(frozen=True)
class Consent:
    """Alexa asked the person for a permission; how it was answered and by whom."""

    scope: str
    question: str
    status: str          # ACCEPTED, DENIED or NOT_ANSWERED
    source: str          # "the person", "--grant", "the script", "already granted"


@dataclass
class Turn:
    """What happened after one utterance."""

    said: str
    resolved: Resolved | None
    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # what the skill logged as errors
    note: str | None = None                           # what the simulator did on its own
    session_open: bool = False                        # after this turn
    consents: list[Consent] = field(default_factory=list)   # permission questions Alexa asked

    @property
    def answers(self) -> list[dict[str, Any]]:
        """The skill's responses in this turn: to the utterance, then to a permission answer."""
        return [e.response for e in self.exchanges if e.request_type != "SessionEndedRequest"]

    @property
    def answer(self) -> dict[str, Any] | None:
        """The skill's last response in this turn (not the SessionEndedRequest that may follow)."""
        answers = self.answers
        return answers[-1] if answers else None

    @property
    def errored(self) -> bool:
        return bool(self.errors)


def _connection(response: dict[str, Any]) -> dict[str, Any] | None:
    """A Connections directive in a response (AskFor, or any other), if the skill sent one."""
    for directive in (response.get("response") or {}).get("directives") or ():
        if isinstance(directive, dict) and str(directive.get("type", "")).startswith(
                "Connections."):
            return directive
    return None


class _ErrorCatcher(logging.Handler):
    """Collects ERROR records logged while the skill handles one request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        self.messages.append(message)


# Asks the person Alexa's permission question: (turn so far, scope, question) -> an answer.
ConsentPrompt = Callable[[Turn, str, str], str]


class Simulator:
    """A device with a person in front of it, talking to one skill.

    `time_zone` is the device's (what the Settings API answers). `grant` lists permission scopes
    the person says yes to when Alexa asks; `consent` asks the person instead (the chat); with
    neither, the answer is no. The user starts with no permission, like a new Alexa user.
    `nlu` is how typed words become an intent: "resolver" (sample matching) or "statistical"
    (skill.simulator.statistical, a classifier trained on the samples).
    """

    def __init__(self, locale: str = "en-US", device: str = "echo-dot",
                 user_id: str | None = None, handler: Handler | None = None,
                 moment: datetime | None = None, time_zone: str = "UTC",
                 grant: Iterable[str] = (), consent: ConsentPrompt | None = None,
                 nlu: str = "resolver") -> None:
        from skill.simulator.statistical import load_nlu

        self.resolver = load_resolver(locale)
        self.nlu = load_nlu(locale, nlu)  # the resolver, or the statistical stand-in
        self.conversation = Conversation(locale=locale, device=device,
                                         user_id=user_id or PLACEHOLDER_USER, moment=moment)
        self.conversation.envelope({"type": "LaunchRequest"})  # unknown device: fail now
        if handler is None:
            allow_loopback_api()
        self.handler = handler or default_handler
        self.session_open = False
        self.grant_on_ask = set(grant)
        self.consent = consent
        self.skill_name = " ".join(self.resolver.invocation).title()
        self.screen_token: str | None = None   # the document on screen (Echo Show), if any
        self.alexa_api = AlexaApiStandIn(time_zone).start()
        self.conversation.api_endpoint = self.alexa_api.url
        self.conversation.api_access_token = self.alexa_api.token

    def close(self) -> None:
        """Stop the Alexa API stand-in (the session, if open, is left as it is)."""
        self.alexa_api.stop()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.end()
        self.close()

    def grant(self, scope: str) -> None:
        """The person grants a permission (as in the Alexa app); requests carry it from now on."""
        self.alexa_api.grant(scope)
        self.conversation.permissions = self.alexa_api.permissions()

    def revoke(self, scope: str) -> None:
        """The person withdraws a permission; the APIs refuse it (403) from now on."""
        self.alexa_api.revoke(scope)
        self.conversation.permissions = self.alexa_api.permissions()

    @property
    def locale(self) -> str:
        return self.conversation.locale

    def say(self, utterance: str, permission: str | None = None) -> Turn:
        """Resolve what the person typed and send it to the skill as Alexa would.

        `permission` (ACCEPTED, DENIED or NOT_ANSWERED) answers a permission question Alexa asks
        in this turn, ahead of `grant` and `consent`.
        """
        said = " ".join(str(utterance).split())
        turn = Turn(said, None)
        if self.session_open and said.lower().strip(" .!") in EXIT_WORDS:
            turn.note = "Alexa closes the session"
            self._end(turn)
            return turn
        resolved = self.nlu.resolve(said)
        turn.resolved = resolved
        if resolved.invoked or not self.session_open:
            if not resolved.invoked:
                turn.note = "no session open: sent as a one-shot request to the skill"
            self.conversation.restart()
        convo = self.conversation
        request = convo.launch() if resolved.launch else convo.intent(resolved.intent or "",
                                                                      resolved.slots)
        response = self._send(request, turn)
        convo.carry(response)
        self.session_open = True
        for _ in range(3):   # a skill that asks again after every answer must not loop forever
            ask = _connection(response)
            if ask is None:
                break
            problem = ask_for_problem(ask)
            if problem is not None:
                self._invalid_response(turn, problem)
                return turn
            if (response.get("response") or {}).get("shouldEndSession") is True:
                turn.note = ("the skill ended the session along with AskFor: what Alexa does "
                             "then is undocumented, so the simulator asks nothing")
                break
            response = self._ask_permission(turn, ask, permission)
            convo.carry(response)
        if (response.get("response") or {}).get("shouldEndSession") is True:
            self._close(turn)   # the skill ended it: Alexa sends no SessionEndedRequest
        turn.session_open = self.session_open
        return turn

    def _invalid_response(self, turn: Turn, problem: str) -> None:
        """What Alexa does with a response it cannot carry out: the person hears Alexa's own
        error, the session ends, and the skill gets a SessionEndedRequest with reason ERROR and
        error type INVALID_RESPONSE (Request Types Reference)."""
        turn.errors.append(f"invalid response: {problem}")
        turn.note = ("Alexa says there was a problem with the skill's response, and ends the "
                     "session")
        self._end(turn, "ERROR", {"type": "INVALID_RESPONSE", "message": problem})

    def _ask_permission(self, turn: Turn, directive: dict[str, Any], permission: str | None
                        ) -> dict[str, Any]:
        """Alexa's part of AskFor: ask, remember a yes, send the skill a Connections.Response."""
        scope = str(directive["payload"]["permissionScope"])
        words = PERMISSION_WORDS.get(scope, f"use {scope}")
        question = f"allow {self.skill_name} to {words}?"
        if scope in self.alexa_api.granted:
            status, source = ACCEPTED, "already granted"
        elif permission is not None:
            status, source = permission, "the script"
        elif scope in self.grant_on_ask:
            status, source = ACCEPTED, "--grant"
        elif self.consent is not None:
            status, source = self.consent(turn, scope, question), "the person"
        else:
            status, source = DENIED, "no --grant"
        if status not in CONSENT_ANSWERS:
            raise ValueError(f"a permission answer must be one of {', '.join(CONSENT_ANSWERS)}")
        turn.consents.append(Consent(scope, question, status, source))
        turn.exchanges[-1].note = f"Alexa asks: {question} -> {status} ({source})"
        if status == ACCEPTED:
            self.grant(scope)
        request = self.conversation.envelope({
            "type": "Connections.Response",
            "status": {"code": "200", "message": "OK"},
            "name": "AskFor",
            "payload": {"permissionScope": scope, "status": status},
            "token": directive.get("token") or "",
        })
        return self._send(request, turn)

    def end(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Turn | None:
        """Close an open session; None if none is open.

        By default the person walked away: Alexa reprompted, heard nothing, and closed the
        session (EXCEEDED_MAX_REPROMPTS); pass USER_INITIATED for an "exit".
        """
        if not self.session_open:
            return None
        turn = Turn("", None, note="session closed")
        self._end(turn, reason)
        return turn

    def _end(self, turn: Turn, reason: str = "USER_INITIATED",
             error: dict[str, str] | None = None) -> None:
        """Alexa ends the session and tells the skill (SessionEndedRequest)."""
        self._send(self.conversation.session_ended(reason, error), turn)
        self._close(turn)

    def _close(self, turn: Turn) -> None:
        self.session_open = False
        self.screen_token = None
        self.conversation.restart()
        turn.session_open = False

    # --- requests nobody speaks ---------------------------------------------------------------

    def can_fulfill(self, utterance: str) -> Turn:
        """Alexa's name-free check: could the skill answer these words if they came to it?

        Sent as a CanFulfillIntentRequest in the shape of Amazon's "Implement CanFulfillIntent
        Request" page: a new, empty session, the intent and slots as resolved. It opens no
        session and changes none; what Alexa then decides (which skill gets the request) is
        not documented, so the simulator only shows the skill's answer.
        """
        said = " ".join(str(utterance).split())
        resolved = self.resolver.resolve(said)
        turn = Turn(said, resolved, session_open=self.session_open)
        if resolved.launch or not resolved.intent:
            turn.note = "nothing to ask: these words name no intent (Alexa would not ask)"
            return turn
        probe = Conversation(locale=self.conversation.locale, device=self.conversation.device,
                             user_id=self.conversation.user_id,
                             api_endpoint=self.conversation.api_endpoint,
                             api_access_token=self.conversation.api_access_token,
                             permissions=self.conversation.permissions,
                             moment=self.conversation.moment)
        self._send(probe.can_fulfill(resolved.intent, resolved.slots), turn)
        turn.note = ("name-free check only: which skill Alexa then chooses is not documented, "
                     "so nothing more is sent")
        return turn

    def touch(self, arguments: list[str]) -> Turn:
        """A touch on the screen: the APL UserEvent a SendEvent command sends, with `arguments`.

        Shape from the "Alexa.Presentation.APL Interface Reference" (UserEvent request): the
        token of the document on screen, the arguments, the source component. Only a device with
        a screen, in an open session, showing a document the skill sent, can be touched.
        """
        turn = Turn(f"(touch {' '.join(arguments)})", None, session_open=self.session_open)
        if not self.session_open or not self.screen_token:
            turn.note = "nothing on screen to touch (no open session showing the skill's document)"
            return turn
        request = self.conversation.envelope({
            "type": USER_EVENT,
            "token": self.screen_token,
            "arguments": list(arguments),
            "source": {"type": "TouchWrapper", "handler": "Press", "id": ""},
            "components": {},
        })
        response = self._send(request, turn)
        self.conversation.carry(response)
        if (response.get("response") or {}).get("shouldEndSession") is True:
            self._close(turn)
        turn.session_open = self.session_open
        return turn

    def _send(self, request: dict[str, Any], turn: Turn) -> dict[str, Any]:
        catcher = _ErrorCatcher()
        root = logging.getLogger()
        root.addHandler(catcher)
        try:
            response = self.handler(request, None)
        except Exception as error:  # the Lambda itself failed: Alexa would say so, not crash
            catcher.messages.append(f"the skill raised {type(error).__name__}: {error}")
            response = {}
        finally:
            root.removeHandler(catcher)
        if not isinstance(response, dict):
            catcher.messages.append(f"the skill returned {type(response).__name__}, not JSON")
            response = {}
        if request["request"]["type"] != "SessionEndedRequest" and "response" not in response:
            catcher.messages.append("the response has no 'response' object")
        elif response == _last_resort():
            catcher.messages.append("the skill rejected the request (its last-resort apology)")
        turn.errors.extend(catcher.messages)
        turn.exchanges.append(Exchange(request, response))
        for directive in (response.get("response") or {}).get("directives") or ():
            if isinstance(directive, dict) and directive.get("type") == RENDER_DOCUMENT:
                self.screen_token = directive.get("token") or ""
        return response
