"""Settings from the environment, with defaults that work on a laptop with no AWS account.

Nothing here is a secret; the skill id is configuration, never a constant in code.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STATE_PATH = str(Path(__file__).resolve().parent.parent / ".state" / "users.sqlite3")
# Alexa requests are a few kilobytes (a screen device's context included); anything far larger is
# not from Alexa, and the web service refuses it before parsing.
DEFAULT_MAX_BODY_BYTES = 128 * 1024

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    """A yes/no variable; anything but a clear yes or no is an error, never a silent default."""
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={env[name]!r}: expected one of {', '.join(_TRUE + _FALSE)}")


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"{name}={env[name]!r}: expected a positive whole number")
    return int(value)


class Settings:
    """What the skill is configured with, immutable once made (`from_env` reads it).

    Written out rather than a frozen dataclass: every cold start defines this class, and a frozen
    dataclass of twelve fields cost it over a millisecond, generating and compiling its methods
    (and an inspect.signature for its docstring). Keyword arguments only, as every caller passes.
    """

    __slots__ = ("alexa_api_loopback", "dynamodb_endpoint", "log_level", "max_body_bytes",
                 "production", "route", "skill_id", "state_path", "state_table",
                 "test_cert_origin", "trusted_roots", "verify_signatures")

    skill_id: str | None
    log_level: str
    state_table: str | None
    dynamodb_endpoint: str | None
    state_path: str | None
    verify_signatures: bool
    production: bool
    route: str
    max_body_bytes: int
    trusted_roots: str | None
    test_cert_origin: str | None
    alexa_api_loopback: bool

    def __init__(
        self, *,
        skill_id: str | None = None,            # when set, requests for another skill are refused
        log_level: str = "INFO",
        state_table: str | None = None,         # DynamoDB table for user records (Lambda)
        dynamodb_endpoint: str | None = None,   # a DynamoDB emulator's URL, for tests
        state_path: str | None = None,          # SQLite file for user records (local); None: none
        # The web service (skill/web/service.py) only; the Lambda path never reads these.
        verify_signatures: bool = True,         # Alexa's signature and timestamp checks
        production: bool = False,               # refuse unsafe settings (no SKILL_ID, checks off)
        route: str = "/",                       # where Alexa POSTs requests
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        trusted_roots: str | None = None,       # PEM file of root CAs; None: the certifi bundle
        test_cert_origin: str | None = None,    # tests only: a loopback origin allowed as cert URL
        # The local simulator only: lets the skill call the Alexa APIs over plain HTTP on this
        # machine (127.0.0.1, localhost, ::1), where the simulator serves its stand-in for them.
        alexa_api_loopback: bool = False,
    ) -> None:
        if alexa_api_loopback and production:
            raise ValueError("ALEXA_API_LOOPBACK is for the local simulator and refused in "
                             "production mode (PRODUCTION=1)")
        given = locals()  # exactly the arguments (and self): each one becomes its field
        for name in self.__slots__:
            object.__setattr__(self, name, given[name])

    def _values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    def replace(self, **changes: object) -> Settings:
        """A copy with `changes` (checked like any new Settings)."""
        return Settings(**{**self._values(), **changes})  # type: ignore[arg-type]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Settings are immutable: cannot set '{name}' (use replace)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Settings are immutable: cannot delete '{name}'")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(tuple(self._values().values()))

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in self._values().items()) + ")"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read SKILL_ID, LOG_LEVEL, STATE_TABLE, DYNAMODB_ENDPOINT and STATE_PATH.

        Without STATE_TABLE the user records go to a SQLite file (STATE_PATH, default
        .state/users.sqlite3 in the checkout; STATE_PATH=none turns the store off).
        The web service adds VERIFY_SIGNATURES, PRODUCTION, SKILL_ROUTE, MAX_BODY_BYTES,
        TRUSTED_ROOTS and TEST_CERT_ORIGIN (see the README's "Web service" section); the local
        simulator sets ALEXA_API_LOOPBACK, refused with PRODUCTION and inside AWS Lambda.
        """
        env = dict(os.environ if env is None else env)
        state_path = env.get("STATE_PATH", DEFAULT_STATE_PATH)
        return cls(
            skill_id=env.get("SKILL_ID") or None,
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            state_table=env.get("STATE_TABLE") or None,
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            state_path=None if state_path.lower() in ("", "none") else state_path,
            verify_signatures=_flag(env, "VERIFY_SIGNATURES", True),
            production=_flag(env, "PRODUCTION", False),
            route=env.get("SKILL_ROUTE") or "/",
            max_body_bytes=_positive_int(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            trusted_roots=env.get("TRUSTED_ROOTS") or None,
            test_cert_origin=env.get("TEST_CERT_ORIGIN") or None,
            alexa_api_loopback=_loopback(env),
        )


def _loopback(env: dict[str, str]) -> bool:
    """ALEXA_API_LOOPBACK, which a deployed skill never has: Alexa's APIs are HTTPS only."""
    on = _flag(env, "ALEXA_API_LOOPBACK", False)
    if on and env.get("AWS_LAMBDA_FUNCTION_NAME"):
        raise ValueError("ALEXA_API_LOOPBACK is for the local simulator and refused in AWS Lambda")
    return on
