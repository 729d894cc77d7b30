"""Dialog scripts: what the person says, turn by turn, and what the reply must (not) contain.

The format (tests/dialogs/*.yaml), in the spirit of Bespoken's test scripts:

    name: a short description
    locale: en-US            # optional
    device: echo-dot         # optional: echo-dot | echo-show
    user: amzn1.ask.account.SOMEONE   # optional stable user id
    time_zone: Pacific/Auckland       # optional: the device's zone (default UTC)
    timestamp: 2026-11-25T11:30:00Z   # optional: a fixed request time (default: now)
    grant: [reminders]                # optional: say yes when Alexa asks for these permissions
    turns:
      - say: open muscle twitch guide
        reply: [welcome, not medical advice]   # substrings of the spoken reply (any case)
        not_reply: [diagnos]                   # optional: substrings it must not contain
        card: Caffeine                         # optional: the card title contains this
        ends: false                            # optional: shouldEndSession
        permission: accept                     # optional: Alexa must ask for a permission in
                                               # this turn; answer accept, deny or none

`reply` and `not_reply` look at everything the skill said in the turn (its question, then its
answer to the permission), `card` and `ends` at its last response. Without `permission` or
`grant`, the person says no when Alexa asks.

A script with a typo must not pass silently: unknown keys, wrong types and bad YAML are errors
that name the file and the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from skill.simulator.alexa_api import scope_of, valid_time_zone
from skill.simulator.envelope import DEVICES
from skill.simulator.session import ACCEPTED, DENIED, NOT_ANSWERED, Handler, Simulator, Turn
from skill.simulator.transcript import card_of, speech_of

SCRIPT_KEYS = {"name": str, "locale": str, "device": str, "user": str, "time_zone": str,
               "timestamp": str, "grant": (str, list), "turns": list}
TURN_KEYS = {"say": str, "reply": (str, list), "not_reply": (str, list), "card": str,
             "ends": bool, "permission": str}
PERMISSION_ANSWERS = {"accept": ACCEPTED, "deny": DENIED, "none": NOT_ANSWERED}


# Scalars read as the text written when the key wants text (`say: yes`, `timestamp: 2026-...`).
_PLAIN_TAGS = (":bool", ":int", ":float", ":str", ":timestamp")


class ScriptError(ValueError):
    """A dialog script is malformed; the message starts with file:line."""


@dataclass(frozen=True)
class ScriptTurn:
    say: str
    line: int
    reply: tuple[str, ...] = ()
    not_reply: tuple[str, ...] = ()
    card: str | None = None
    ends: bool | None = None
    permission: str | None = None   # ACCEPTED, DENIED or NOT_ANSWERED


@dataclass(frozen=True)
class Script:
    path: Path
    name: str
    turns: tuple[ScriptTurn, ...]
    locale: str = "en-US"
    device: str = "echo-dot"
    user: str | None = None
    time_zone: str = "UTC"
    moment: datetime | None = None
    grant: tuple[str, ...] = ()      # permission names, e.g. "reminders"


@dataclass
class TurnResult:
    script: Script
    index: int
    turn: ScriptTurn
    outcome: Turn
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def line(self) -> str:
        """One line per turn: PASS/FAIL, where, what was said, and why it failed."""
        where = f"{self.script.path}:{self.turn.line}"
        status = "PASS" if self.passed else "FAIL"
        text = f"{status} {where} turn {self.index}: {self.turn.say!r}"
        if self.failures:
            text += " -- " + "; ".join(self.failures)
        return text


# --- loading ----------------------------------------------------------------------------------

def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _construct(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _scalar(path: Path, node: yaml.Node, expected: Any, key: str) -> Any:
    """The value of `key`, checked against the type the format allows."""
    if isinstance(node, yaml.MappingNode):
        raise ScriptError(f"{_where(path, node)}: '{key}' must not be a mapping")
    kinds = expected if isinstance(expected, tuple) else (expected,)
    # Text is taken as written: `say: yes` means the word, not YAML's boolean.
    if str in kinds and isinstance(node, yaml.ScalarNode) and node.tag.endswith(_PLAIN_TAGS):
        value: Any = node.value
    elif list in kinds and key != "turns" and isinstance(node, yaml.SequenceNode):
        value = [item.value if isinstance(item, yaml.ScalarNode) else None
                 for item in node.value]
    else:
        value = _construct(node)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if isinstance(value, list) and list in kinds and key != "turns":
        ok = all(isinstance(item, str) and item.strip() for item in value)
    if isinstance(value, str) and not value.strip():
        ok = False
    if not ok:
        names = " or ".join({str: "text", list: "a list of texts", bool: "true or false"}
                            .get(kind, kind.__name__) for kind in kinds)
        raise ScriptError(f"{_where(path, node)}: '{key}' must be {names}, not {value!r}")
    return value


def _mapping(path: Path, node: yaml.Node, allowed: dict[str, Any], what: str
             ) -> dict[str, tuple[yaml.Node, Any]]:
    if not isinstance(node, yaml.MappingNode):
        raise ScriptError(f"{_where(path, node)}: {what} must be a mapping of keys to values")
    found: dict[str, tuple[yaml.Node, Any]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in allowed:
            raise ScriptError(f"{_where(path, key_node)}: unknown key {key!r} in {what} "
                              f"(allowed: {', '.join(allowed)})")
        if key in found:
            raise ScriptError(f"{_where(path, key_node)}: key {key!r} given twice in {what}")
        found[key] = (key_node, value_node)
    return found


def _texts(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def load_script(path: Path) -> Script:
    """Parse and check one script; ScriptError names the file and line of the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScriptError(f"{path}: cannot be read: {error}") from error
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ScriptError(f"{path}{line}: not valid YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise ScriptError(f"{path}: not valid YAML: {error}") from error
    if root is None:
        raise ScriptError(f"{path}:1: empty script; it needs 'name' and 'turns'")
    top = _mapping(path, root, SCRIPT_KEYS, "the script")
    for required in ("name", "turns"):
        if required not in top:
            raise ScriptError(f"{_where(path, root)}: the script needs '{required}'")
    values = {key: _scalar(path, value, SCRIPT_KEYS[key], key)
              for key, (_, value) in top.items() if key != "turns"}
    turns_node = top["turns"][1]
    if not isinstance(turns_node, yaml.SequenceNode) or not turns_node.value:
        raise ScriptError(f"{_where(path, turns_node)}: 'turns' must be a non-empty list")
    device = values.get("device", "echo-dot")
    if device not in DEVICES:
        raise ScriptError(f"{_where(path, top['device'][1])}: unknown device {device!r} "
                          f"(known: {', '.join(DEVICES)})")
    time_zone = values.get("time_zone", "UTC")
    if not valid_time_zone(time_zone):
        raise ScriptError(f"{_where(path, top['time_zone'][1])}: unknown time zone "
                          f"{time_zone!r} (an IANA name, e.g. Europe/London)")
    moment = None
    if "timestamp" in values:
        try:
            moment = datetime.fromisoformat(values["timestamp"].replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ScriptError(f"{_where(path, top['timestamp'][1])}: 'timestamp' must be an ISO "
                              f"time with a zone, e.g. 2026-11-25T09:30:00Z, not "
                              f"{values['timestamp']!r}")
    grant = _texts(values.get("grant", ()))
    for name in grant:
        try:
            scope_of(name)
        except ValueError as error:
            raise ScriptError(f"{_where(path, top['grant'][1])}: {error}") from None
    turns = []
    for node in turns_node.value:
        fields = _mapping(path, node, TURN_KEYS, "a turn")
        if "say" not in fields:
            raise ScriptError(f"{_where(path, node)}: a turn needs 'say'")
        got = {key: _scalar(path, value, TURN_KEYS[key], key)
               for key, (_, value) in fields.items()}
        permission = got.get("permission")
        if permission is not None and permission.lower() not in PERMISSION_ANSWERS:
            raise ScriptError(f"{_where(path, fields['permission'][1])}: 'permission' must be "
                              f"{', '.join(PERMISSION_ANSWERS)}, not {permission!r}")
        turns.append(ScriptTurn(
            say=got["say"], line=node.start_mark.line + 1,
            reply=_texts(got.get("reply", ())), not_reply=_texts(got.get("not_reply", ())),
            card=got.get("card"), ends=got.get("ends"),
            permission=PERMISSION_ANSWERS[permission.lower()] if permission else None))
    return Script(path=path, name=values["name"], turns=tuple(turns),
                  locale=values.get("locale", "en-US"), device=device,
                  user=values.get("user"), time_zone=time_zone, moment=moment, grant=grant)


def script_paths(target: Path) -> list[Path]:
    """A file, or every *.yaml / *.yml file under a directory, in name order."""
    target = Path(target)
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml"))
    if not target.exists():
        raise ScriptError(f"{target}: no such file or directory")
    return [target]


# --- running ----------------------------------------------------------------------------------

def check(turn: ScriptTurn, outcome: Turn) -> list[str]:
    """Why the reply does not meet the turn's expectations (empty: it does)."""
    failures = [f"the skill errored: {error}" for error in outcome.errors]
    if turn.permission is not None and not outcome.consents:
        failures.append("Alexa asked for no permission (the skill sent no AskFor)")
    response = outcome.answer
    heard = " ".join(speech_of(answer) for answer in outcome.answers)
    low = heard.lower()
    missing = [text for text in turn.reply if text.lower() not in low]
    if missing:
        failures.append(f"reply lacks {', '.join(repr(t) for t in missing)}")
    present = [text for text in turn.not_reply if text.lower() in low]
    if present:
        failures.append(f"reply contains {', '.join(repr(t) for t in present)}")
    if turn.card is not None:
        card = card_of(response)
        title = (card or {}).get("title") or ""
        if turn.card.lower() not in title.lower():
            failures.append(f"card title {title!r} lacks {turn.card!r}" if card
                            else f"no card (expected {turn.card!r})")
    if turn.ends is not None:
        ends = ((response or {}).get("response") or {}).get("shouldEndSession") is True
        if ends != turn.ends:
            failures.append("session ended" if ends else "session stayed open")
    if failures and (missing or present):
        failures.append(f"heard: {heard!r}")
    return failures


def fresh_store_handler(directory: str) -> Handler:
    """A handler whose skill keeps its user records in a new SQLite file under `directory`.

    Each script is a new person on a new device: a script about remembering someone must
    remember only what it said itself, never what the script before it left in a shared store.
    The requests still go through `handle_event`, the function `lambda_handler` calls.
    """
    from skill.app import build_skill, handle_event
    from skill.config import Settings

    settings = Settings.from_env().replace(state_table=None, alexa_api_loopback=True,
                                           state_path=str(Path(directory) / "users.sqlite3"))
    skill = build_skill(settings)
    return lambda event, context: handle_event(skill, event, context)


def run_script(script: Script, handler: Handler | None = None,
               moment: datetime | None = None,
               on_turn: Callable[[TurnResult], None] | None = None) -> list[TurnResult]:
    """Play a script against the skill, turn by turn, from a fresh device and session.

    Each script gets its own stand-in for the Alexa APIs: no permission, no reminders.
    """
    results = []
    with Simulator(locale=script.locale, device=script.device, user_id=script.user,
                   handler=handler, moment=moment or script.moment, time_zone=script.time_zone,
                   grant={scope_of(name) for name in script.grant}) as simulator:
        for index, turn in enumerate(script.turns, start=1):
            outcome = simulator.say(turn.say, turn.permission)
            result = TurnResult(script, index, turn, outcome, check(turn, outcome))
            results.append(result)
            if on_turn:
                on_turn(result)
    return results
