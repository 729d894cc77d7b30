"""Live testing without deploying: a real Echo, or the developer console, talks to this machine.

Amazon's `ask-sdk-local-debug` opens a WebSocket from here to Alexa's debug endpoint for the
skill's development stage; Alexa then routes that stage's requests to it, and it hands each one to
a handler function it loads from a file. We point it at `skill/app.py`'s `lambda_handler`, the
same entry the Lambda runs, so what a device hears is what the deployed skill would say.

    twitch-local-debug --skill-id amzn1.ask.skill.... --access-token "$(cat token)"   (or env)

Prerequisites (Amazon's, none of them ours): an Amazon developer account, the skill created in
the console with this repository's model, and an access token with the debug scope from ASK CLI
v2 or later (`ask util generate-lwa-tokens --scopes alexa::ask:skills:debug`). Amazon documents
the debug service for the North America region endpoint (`--region NA`, the default).
The token is a secret: it is read from the command line or ASK_ACCESS_TOKEN, never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP_FILE = Path(__file__).resolve().parents[1] / "app.py"
HANDLER = "lambda_handler"
REGIONS = ("NA", "EU", "FE")


def debugger_arguments(skill_id: str, access_token: str, region: str = "NA") -> list[str]:
    """The arguments ask-sdk-local-debug's invoker takes, for this skill's Lambda entry."""
    return ["--accessToken", access_token, "--skillId", skill_id,
            "--skillFilePath", str(APP_FILE), "--skillHandler", HANDLER, "--region", region]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twitch-local-debug",
        description="Route the skill's development-stage requests from Alexa to this machine.")
    parser.add_argument("--skill-id", default=os.environ.get("ASK_SKILL_ID"),
                        help="the skill id from the developer console (env ASK_SKILL_ID)")
    parser.add_argument("--access-token", default=os.environ.get("ASK_ACCESS_TOKEN"),
                        help="an LWA token with the alexa::ask:skills:debug scope "
                             "(env ASK_ACCESS_TOKEN)")
    parser.add_argument("--region", default=os.environ.get("ASK_REGION", "NA"), choices=REGIONS,
                        help="the developer account's region (default NA)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Check what Amazon's debugger needs, then hand over to it until Ctrl-C."""
    args = _parser().parse_args(argv)
    missing = [name for name, value in (("--skill-id", args.skill_id),
                                        ("--access-token", args.access_token)) if not value]
    if missing:
        print(f"twitch-local-debug: {' and '.join(missing)} needed; get a token with "
              "`ask util generate-lwa-tokens --scopes alexa::ask:skills:debug`", file=sys.stderr)
        return 2
    if not args.skill_id.startswith("amzn1.ask.skill."):
        print("twitch-local-debug: --skill-id must look like amzn1.ask.skill.<uuid>",
              file=sys.stderr)
        return 2
    try:
        from ask_sdk_local_debug.local_debugger_invoker import LocalDebuggerInvoker
    except ImportError:
        print("twitch-local-debug: ask-sdk-local-debug is not installed; "
              "run `make test` or `pip install -e '.[dev]'` first", file=sys.stderr)
        return 2
    print(f"Routing requests for {args.skill_id} ({args.region}) to {APP_FILE.name}:{HANDLER}. "
          "Ctrl-C stops.", file=sys.stderr)
    try:
        LocalDebuggerInvoker(debugger_arguments(args.skill_id, args.access_token,
                                                args.region)).invoke()
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
