"""Settings from the environment, with defaults that work on a laptop with no AWS account.

Nothing here is a secret; the skill id is configuration, never a constant in code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Settings:
    skill_id: str | None = None            # when set, requests for another skill are refused
    log_level: str = "INFO"
    state_table: str | None = None          # DynamoDB table for user records (Lambda)
    dynamodb_endpoint: str | None = None    # a DynamoDB emulator's URL, for tests
    state_path: str | None = None           # SQLite file for user records (local); None: no store
    # The web service (skill/web/service.py) only; the Lambda path never reads these.
    verify_signatures: bool = True          # Alexa's signature and timestamp checks
    production: bool = False                # refuse unsafe settings (no SKILL_ID, checks off)
    route: str = "/"                        # where Alexa POSTs requests
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    trusted_roots: str | None = None        # PEM file of root CAs; None: the certifi bundle
    test_cert_origin: str | None = None     # tests only: a loopback origin allowed as cert URL
    # The local simulator only: lets the skill call the Alexa APIs over plain HTTP on this machine
    # (127.0.0.1, localhost, ::1), where the simulator serves its stand-in for them.
    alexa_api_loopback: bool = False

    def __post_init__(self) -> None:
        if self.alexa_api_loopback and self.production:
            raise ValueError("ALEXA_API_LOOPBACK is for the local simulator and refused in "
                             "production mode (PRODUCTION=1)")

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
