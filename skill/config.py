"""Settings from the environment, with defaults that work on a laptop with no AWS account.

Nothing here is a secret; the skill id is configuration, never a constant in code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STATE_PATH = str(Path(__file__).resolve().parent.parent / ".state" / "users.sqlite3")


@dataclass(frozen=True)
class Settings:
    skill_id: str | None = None            # when set, requests for another skill are refused
    log_level: str = "INFO"
    state_table: str | None = None          # DynamoDB table for user records (Lambda)
    dynamodb_endpoint: str | None = None    # a DynamoDB emulator's URL, for tests
    state_path: str | None = None           # SQLite file for user records (local); None: no store

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read SKILL_ID, LOG_LEVEL, STATE_TABLE, DYNAMODB_ENDPOINT and STATE_PATH.

        Without STATE_TABLE the user records go to a SQLite file (STATE_PATH, default
        .state/users.sqlite3 in the checkout; STATE_PATH=none turns the store off).
        """
        env = dict(os.environ if env is None else env)
        state_path = env.get("STATE_PATH", DEFAULT_STATE_PATH)
        return cls(
            skill_id=env.get("SKILL_ID") or None,
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            state_table=env.get("STATE_TABLE") or None,
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            state_path=None if state_path.lower() in ("", "none") else state_path,
        )
