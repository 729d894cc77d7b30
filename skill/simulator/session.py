"""One person talking to the skill through a device: utterances in, request/response pairs out.

`Simulator.say()` does what Alexa does between the microphone and the skill: resolve the words,
open a session when the skill is invoked (or when none is open), carry the session attributes and
the `new` flag across turns, and close the session with a SessionEndedRequest when the skill ends
it or the person says "exit". The skill is reached only through a handler with the signature of
`skill.app.lambda_handler`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skill.simulator.envelope import PLACEHOLDER_USER, Conversation
from skill.simulator.resolver import Resolved, load_resolver

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Said while a session is open, Alexa itself closes it: the skill gets a SessionEndedRequest.
EXIT_WORDS = frozenset({"exit", "quit", "alexa exit", "alexa quit"})


def default_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point, imported late so `--help` does not load the skill."""
    from skill.app import lambda_handler

    return lambda_handler(event, context)


def _last_resort() -> dict[str, Any]:
    from skill.app import last_resort_response

    return last_resort_response()


@dataclass
class Exchange:
    """One request envelope and the skill's response envelope."""

    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def request_type(self) -> str:
        return self.request["request"]["type"]

    @property
    def label(self) -> str:
        """The intent name, or the request type: how a recorded fixture is named."""
        intent = self.request["request"].get("intent") or {}
        return intent.get("name") or self.request_type


@dataclass
class Turn:
    """What happened after one utterance."""

    said: str
    resolved: Resolved | None
    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # what the skill logged as errors
    note: str | None = None                           # what the simulator did on its own
    session_open: bool = False                        # after this turn

    @property
    def answer(self) -> dict[str, Any] | None:
        """The response to the utterance itself (not the SessionEndedRequest that may follow)."""
        for exchange in self.exchanges:
            if exchange.request_type != "SessionEndedRequest":
                return exchange.response
        return None

    @property
    def errored(self) -> bool:
        return bool(self.errors)


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


class Simulator:
    """A device with a person in front of it, talking to one skill."""

    def __init__(self, locale: str = "en-US", device: str = "echo-dot",
                 user_id: str | None = None, handler: Handler | None = None,
                 moment: datetime | None = None) -> None:
        self.resolver = load_resolver(locale)
        self.conversation = Conversation(locale=locale, device=device,
                                         user_id=user_id or PLACEHOLDER_USER, moment=moment)
        self.conversation.envelope({"type": "LaunchRequest"})  # unknown device: fail now
        self.handler = handler or default_handler
        self.session_open = False

    @property
    def locale(self) -> str:
        return self.conversation.locale

    def say(self, utterance: str) -> Turn:
        """Resolve what the person typed and send it to the skill as Alexa would."""
        said = " ".join(str(utterance).split())
        turn = Turn(said, None)
        if self.session_open and said.lower().strip(" .!") in EXIT_WORDS:
            turn.note = "Alexa closes the session"
            self._end(turn)
            return turn
        resolved = self.resolver.resolve(said)
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
        if (response.get("response") or {}).get("shouldEndSession") is True:
            self._end(turn)
        turn.session_open = self.session_open
        return turn

    def end(self, reason: str = "USER_INITIATED") -> Turn | None:
        """Close an open session (the person walked away); None if none is open."""
        if not self.session_open:
            return None
        turn = Turn("", None, note="session closed")
        self._end(turn, reason)
        return turn

    def _end(self, turn: Turn, reason: str = "USER_INITIATED") -> None:
        self._send(self.conversation.session_ended(reason), turn)
        self.session_open = False
        self.conversation.restart()
        turn.session_open = False

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
        return response
