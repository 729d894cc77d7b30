"""`python -m skill.simulator`: talk to the skill as Alexa would, with no Amazon account.

    chat                      type what you would say; see the reply, the card, the session
    ask "utterance" [...]     one or more turns, for scripts and CI (exit 1 if the skill errored)
    replay FILE|DIR [...]     run dialog scripts, a PASS/FAIL line per turn (exit 1 on a failure)
    record DIR [utterance...] save each turn's request and response as fixtures
    resolve "utterance" [...] only what Alexa would understand: intent and slots
    accuracy                  score the model on tests/understanding/<locale>.yaml
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from skill.simulator.envelope import DEVICES
from skill.simulator.session import Handler, Simulator, Turn

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / ".state" / "chat_history"
CHAT_HELP = """\
Type what you would say to Alexa, e.g. "open muscle twitch guide", "what causes twitching",
"ask muscle twitch guide why does my eye twitch". Saying "exit" closes the skill's session.
Commands: /json (show envelopes on or off), /new (end the session), /help, /quit (or Ctrl-D)."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default="en-US",
                        help="en-US, en-GB, en-CA, en-AU or en-IN (default en-US)")
    parser.add_argument("--device", default="echo-dot", choices=sorted(DEVICES),
                        help="echo-show adds APL and a viewport to every request")
    parser.add_argument("--user", default=None, help="a stable user id (default: a test id)")
    parser.add_argument("--json", action="store_true",
                        help="print the request and response envelopes")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skill.simulator",
                                     description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="talk to the skill interactively")
    _common(chat)
    ask = commands.add_parser("ask", help="one or more turns, non-interactively")
    _common(ask)
    ask.add_argument("utterances", nargs="+", metavar="UTTERANCE")
    replay = commands.add_parser("replay", help="run dialog scripts (YAML)")
    replay.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    replay.add_argument("--quiet", action="store_true", help="print only failures and the total")
    record = commands.add_parser("record", help="save turns as request/response fixtures")
    _common(record)
    record.add_argument("directory", type=Path, metavar="DIR")
    record.add_argument("utterances", nargs="*", metavar="UTTERANCE",
                        help="the turns to record (none: record a chat)")
    record.add_argument("--script", type=Path, help="record the turns of a dialog script")
    record.add_argument("--timestamp", help='a fixed request time, e.g. "2026-11-25T09:30:00Z"')
    resolve = commands.add_parser("resolve", help="show the intent and slots only")
    resolve.add_argument("--locale", default="en-US")
    resolve.add_argument("--json", action="store_true", help="print the slots' JSON")
    resolve.add_argument("utterances", nargs="+", metavar="UTTERANCE")
    accuracy = commands.add_parser("accuracy", help="score the model's understanding")
    accuracy.add_argument("--locale", default="en-US")
    accuracy.add_argument("--file", type=Path, help="a test set other than tests/understanding/")
    accuracy.add_argument("--min", type=float, default=0.95,
                          help="exit 1 below this intent accuracy (default 0.95)")
    accuracy.add_argument("-v", "--verbose", action="store_true", help="list every phrasing")
    return parser


def main(argv: list[str] | None = None, handler: Handler | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a command; `handler` replaces lambda_handler (tests), `out`/`err` the streams."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        command: Callable[..., int] = COMMANDS[args.command]
        return command(args, handler, out, err)
    except ValueError as error:  # a bad locale, script or timestamp: say so, no traceback
        print(f"error: {error}", file=err)
        return 2


def _simulator(args: argparse.Namespace, handler: Handler | None,
               moment: datetime | None = None) -> Simulator:
    return Simulator(locale=args.locale, device=args.device, user_id=args.user,
                     handler=handler, moment=moment)


def _show(turn: Turn, args: argparse.Namespace, out: TextIO) -> None:
    from skill.simulator.transcript import render_turn

    print(render_turn(turn, show_json=args.json), file=out, flush=True)


def chat(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO,
         recorder: object | None = None) -> int:
    simulator = _simulator(args, handler, getattr(args, "moment", None))
    interactive = sys.stdin.isatty()
    if interactive:
        _line_editing()
    print(f"Muscle Twitch Guide simulator: {args.locale}, {args.device}. "
          "Type /help for help, Ctrl-D to leave.", file=out, flush=True)
    failed = False
    try:
        while True:
            try:
                line = input("you> " if interactive else "")
            except EOFError:
                break
            except KeyboardInterrupt:
                print(file=out)
                break
            line = line.strip()
            if not interactive and line:
                print(f"you> {line}", file=out)
            if not line:
                continue
            if line.startswith("/"):
                word = line[1:].strip().lower()
                if word in ("quit", "q", "exit"):
                    break
                if word == "json":
                    args.json = not args.json
                    print(f"  (envelopes {'shown' if args.json else 'hidden'})", file=out)
                elif word == "new":
                    ended = simulator.end()
                    print("  (session ended)" if ended else "  (no session open)", file=out)
                else:
                    print(CHAT_HELP, file=out)
                continue
            if not simulator.session_open and line.lower().strip(" .!") in ("exit", "quit"):
                break
            turn = simulator.say(line)
            failed |= turn.errored
            _show(turn, args, out)
            _save(recorder, turn, out)
    finally:
        simulator.end()
        if interactive:
            _save_history()
    return 1 if failed else 0


def ask(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO,
        recorder: object | None = None) -> int:
    simulator = _simulator(args, handler, getattr(args, "moment", None))
    failed = False
    for utterance in args.utterances:
        print(f"you> {utterance}", file=out)
        turn = simulator.say(utterance)
        failed |= turn.errored
        _show(turn, args, out)
        _save(recorder, turn, out)
    simulator.end()
    if failed:
        print("error: the skill errored (see SKILL ERROR above)", file=err)
    return 1 if failed else 0


def replay(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.dialogs import ScriptError, load_script, run_script, script_paths

    try:
        scripts = [load_script(path) for target in args.paths for path in script_paths(target)]
    except ScriptError as error:
        print(f"error: {error}", file=err)
        return 2
    if not scripts:
        print(f"error: no dialog scripts in {', '.join(map(str, args.paths))}", file=err)
        return 2
    passed = failed = 0
    for script in scripts:
        if not args.quiet:
            print(f"# {script.path}: {script.name}", file=out)
        for result in run_script(script, handler):
            if result.passed:
                passed += 1
            else:
                failed += 1
            if not (args.quiet and result.passed):
                print(result.line(), file=out, flush=True)
    print(f"{passed + failed} turns in {len(scripts)} scripts: {passed} passed, {failed} failed",
          file=out)
    return 1 if failed else 0


def record(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.recorder import Recorder

    if args.timestamp:
        try:
            args.moment = datetime.fromisoformat(args.timestamp.replace("Z", "+00:00"))
        except ValueError as error:
            raise ValueError(f"--timestamp: {error}") from error
    recorder = Recorder(args.directory)
    if args.script:
        from skill.simulator.dialogs import load_script

        script = load_script(args.script)
        args.utterances = [turn.say for turn in script.turns]
        args.locale, args.device = script.locale, script.device
        args.user = args.user or script.user
    if args.utterances:
        status = ask(args, handler, out, err, recorder)
    else:
        status = chat(args, handler, out, err, recorder)
    print(f"recorded {recorder.saved} fixtures in {args.directory}", file=out)
    return status


def resolve(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.resolver import load_resolver

    resolver = load_resolver(args.locale)
    for utterance in args.utterances:
        resolved = resolver.resolve(utterance)
        invoked = " (names the skill)" if resolved.invoked else ""
        print(f"{utterance!r} -> {resolved.describe()}{invoked}", file=out)
        if args.json and resolved.slots:
            print(json.dumps(resolved.slots, indent=2), file=out)
    return 0


def accuracy(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO
             ) -> int:
    from skill.simulator.understanding import score

    result = score(args.locale, args.file)
    print(result.report(args.verbose), file=out)
    return 0 if result.intent_accuracy >= args.min else 1


def _save(recorder: object | None, turn: Turn, out: TextIO) -> None:
    if recorder is None:
        return
    for exchange in turn.exchanges:
        request, _ = recorder.save(exchange)  # type: ignore[attr-defined]
        print(f"  (saved {request.name.removesuffix('.request.json')})", file=out)


def _line_editing() -> None:
    """Arrow keys and history where the terminal has readline."""
    try:
        import readline
    except ImportError:
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    readline.set_history_length(1000)


def _save_history() -> None:
    try:
        import readline

        HISTORY.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(HISTORY)
    except (ImportError, OSError):
        pass


COMMANDS: dict[str, Callable[..., int]] = {
    "chat": chat, "ask": ask, "replay": replay, "record": record, "resolve": resolve,
    "accuracy": accuracy,
}
