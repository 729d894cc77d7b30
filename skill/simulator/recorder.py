"""Saves turns as fixtures: request and response envelopes, with ids and tokens made anonymous.

Whatever user id, device id, API access token or consent token a turn carried, the files hold the
fixed placeholders of `envelope.py`, so a fixture recorded with `--user` or a real token is safe to
commit and replays the same everywhere. The API endpoint is Alexa's own
(https://api.amazonalexa.com), not the simulator's stand-in on 127.0.0.1: a fixture is in the
exact shape Alexa sends.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from skill.simulator.envelope import (
    API_ENDPOINT,
    PLACEHOLDER_CONSENT,
    PLACEHOLDER_DEVICE,
    PLACEHOLDER_TOKEN,
    PLACEHOLDER_USER,
)
from skill.simulator.session import Exchange


def _secrets(request: dict[str, Any]) -> dict[str, str]:
    """Real value -> placeholder, for every id and token the request carries."""
    system = (request.get("context") or {}).get("System") or {}
    session = request.get("session") or {}
    found: dict[str, str] = {}
    for user in (system.get("user") or {}, session.get("user") or {}):
        if user.get("userId"):
            found[user["userId"]] = PLACEHOLDER_USER
        consent = (user.get("permissions") or {}).get("consentToken")
        if consent:
            found[consent] = PLACEHOLDER_CONSENT
    device = (system.get("device") or {}).get("deviceId")
    if device:
        found[device] = PLACEHOLDER_DEVICE
    if system.get("apiAccessToken"):
        found[system["apiAccessToken"]] = PLACEHOLDER_TOKEN
    if system.get("apiEndpoint"):
        found[system["apiEndpoint"]] = API_ENDPOINT
    return {real: fake for real, fake in found.items() if real != fake}


def scrub(data: Any, secrets: dict[str, str]) -> Any:
    """A copy of `data` with every secret replaced, wherever it appears in a string."""
    if isinstance(data, dict):
        return {key: scrub(value, secrets) for key, value in data.items()}
    if isinstance(data, list):
        return [scrub(value, secrets) for value in data]
    if isinstance(data, str):
        for real in sorted(secrets, key=len, reverse=True):
            data = data.replace(real, secrets[real])
    return data


class Recorder:
    """Writes <nn>-<intent>.request.json and .response.json files into a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        taken = [int(m.group(1)) for p in self.directory.glob("*.request.json")
                 if (m := re.match(r"(\d+)-", p.name))]
        self.count = max(taken, default=0)  # numbering goes on after what is there
        self.saved = 0

    def save(self, exchange: Exchange) -> tuple[Path, Path]:
        self.count += 1
        self.saved += 1
        secrets = _secrets(exchange.request)
        stem = f"{self.count:02d}-{re.sub(r'[^A-Za-z0-9_.]+', '_', exchange.label)}"
        written = []
        for suffix, data in (("request", exchange.request), ("response", exchange.response)):
            path = self.directory / f"{stem}.{suffix}.json"
            path.write_text(json.dumps(scrub(data, secrets), indent=2, ensure_ascii=False)
                            + "\n", encoding="utf-8")
            written.append(path)
        return written[0], written[1]
