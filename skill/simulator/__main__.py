"""`python -m skill.simulator FIXTURE.json`: answer a recorded request through lambda_handler.

A first way to talk to the skill locally; the full simulator (chat, ask, replay, record) replaces
this entry point.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from skill.app import lambda_handler

DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "launch.json"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv and argv[0] != "chat" else DEFAULT
    response = lambda_handler(json.loads(path.read_text(encoding="utf-8")), None)
    ssml = (response.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
    print("Alexa:", re.sub(r"<[^>]+>", "", ssml))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
