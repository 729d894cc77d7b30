"""`python -m skill.simulator`: talk to the skill as Alexa would, with no Amazon account.

    chat                      type what you would say; see the reply, the card, the session
    ask "utterance" [...]     one or more turns, for scripts and CI (exit 1 if the skill errored);
                              --can-fulfill sends Alexa's name-free check, --touch an APL touch
    replay FILE|DIR [...]     run dialog scripts, each on a fresh user store, a PASS/FAIL line per
                              turn (exit 1 on a failure)
    web                       the test console in a browser, on 127.0.0.1 (see console.py)
    record DIR [utterance...] save each turn's request and response as fixtures
    resolve "utterance" [...] only what Alexa would understand: intent and slots
    accuracy                  score the model on tests/understanding/<locale>*.yaml, three ways
    export-annotations DIR    the held-out sets as NLU Evaluation Tool annotation sets (CSV)

--nlu statistical (chat, ask, record, resolve) understands with a classifier trained only on the
model's samples instead of the resolver: closer to how Alexa's NLU generalises (needs the dev
extra's scikit-learn; the first run trains for about half a minute, then it is cached).

The Alexa APIs the skill calls (Settings: time zone; Reminders) are served by a stand-in on
127.0.0.1 for the run: --time-zone sets the device's zone, --grant reminders says yes when
Alexa asks for the reminders permission (chat asks you; otherwise the answer is no).
--audio DIR (chat, ask, replay) writes each turn's speech as DIR/NN-<intent>.wav, rendered
offline by espeak-ng; chat also plays it where the machine has a player (paplay, aplay).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from skill.simulator.envelope import DEVICES
from skill.simulator.session import (
    ACCEPTED,
    DENIED,
    NOT_ANSWERED,
    ConsentPrompt,
    Handler,
    Simulator,
    Turn,
)

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / ".state" / "chat_history"
CHAT_HELP = """\
Type what you would say to Alexa, e.g. "open muscle twitch guide", "what causes twitching",
"ask muscle twitch guide why does my eye twitch". Saying "exit" closes the skill's session.
Commands: /json (show envelopes on or off), /new (end the session), /grant reminders and
/revoke reminders (the permission, as in the Alexa app), /reminders (what the stand-in for the
Reminders API holds), /touch ARG ... (touch the screen: an APL UserEvent with these arguments,
e.g. /touch topic caffeine, on --device echo-show), /can-fulfill WORDS (Alexa's name-free check,
a CanFulfillIntentRequest), /help, /quit (or Ctrl-D)."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default="en-US",
                        help="en-US, en-GB, en-CA, en-AU or en-IN (default en-US)")
    parser.add_argument("--device", default="echo-dot", choices=sorted(DEVICES),
                        help="echo-show adds APL and a viewport to every request")
    parser.add_argument("--user", default=None, help="a stable user id (default: a test id)")
    parser.add_argument("--json", action="store_true",
                        help="print the request and response envelopes")
    parser.add_argument("--time-zone", default=None, metavar="ZONE",
                        help="the device's IANA time zone, e.g. Europe/London "
                             "(default: this machine's, else UTC)")
    parser.add_argument("--grant", action="append", default=[], metavar="PERMISSION",
                        help="say yes when Alexa asks for this permission (reminders); "
                             "may be repeated")
    _nlu(parser)


def _nlu(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nlu", default="resolver", choices=("resolver", "statistical"),
                        help="how typed words become an intent: the resolver (default, sample "
                             "matching) or statistical (a classifier trained on the samples)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twitch-sim",
                                     description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="talk to the skill interactively")
    _common(chat)
    ask = commands.add_parser("ask", help="one or more turns, non-interactively")
    _common(ask)
    ask.add_argument("utterances", nargs="*", metavar="UTTERANCE",
                     help='what the person says; "/touch ARG ..." touches the screen instead')
    ask.add_argument("--can-fulfill", action="store_true",
                     help="send each utterance as Alexa's name-free check "
                          "(CanFulfillIntentRequest) instead of a request in a session")
    ask.add_argument("--touch", action="append", default=[], metavar="ARGS",
                     help='after the utterances, touch the screen: the APL UserEvent arguments, '
                          'e.g. --touch "topic caffeine" (needs --device echo-show)')
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
    _nlu(resolve)
    resolve.add_argument("utterances", nargs="+", metavar="UTTERANCE")
    accuracy = commands.add_parser("accuracy", help="score the model's understanding")
    accuracy.add_argument("--locale", default=None,
                          help="one locale's sets (default: every locale that has sets)")
    accuracy.add_argument("--file", type=Path, help="a test set other than tests/understanding/")
    accuracy.add_argument("--min", type=float, default=0.95,
                          help="exit 1 when a gated set's resolver intent accuracy is below "
                               "this (default 0.95)")
    accuracy.add_argument("--misses", default="resolver",
                          choices=("word for word", "resolver", "statistical"),
                          help="whose misses to list (default resolver)")
    accuracy.add_argument("-v", "--verbose", action="store_true", help="list every phrasing")
    export = commands.add_parser("export-annotations",
                                 help="write the held-out sets as NLU annotation sets (CSV)")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument("--locale", default=None,
                        help="one locale's sets (default: every locale that has sets)")
    for speaking in (chat, ask, replay):
        speaking.add_argument("--audio", type=Path, metavar="DIR",
                              help="write each turn's speech to DIR/NN-<intent>.wav (espeak-ng)")
    from skill.simulator.console import add_web_command

    add_web_command(commands)
    return parser


def _audio(args: argparse.Namespace, play_it: bool = False, directory: Path | None = None
           ) -> object | None:
    """The WAV writer for --audio, or None; a missing speech engine is a clear error."""
    if getattr(args, "audio", None) is None:
        return None
    from skill.simulator.audio import AudioUnavailable, TurnAudio

    try:
        return TurnAudio(directory or args.audio, getattr(args, "locale", "en-US"), play_it)
    except AudioUnavailable as error:
        raise ValueError(str(error)) from error


def run() -> int:
    """The `twitch-sim` command (and `python -m skill.simulator`): main() for a terminal, where
    a reader that leaves early (`... | head`) is not an error."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


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
               moment: datetime | None = None, consent: ConsentPrompt | None = None
               ) -> Simulator:
    from skill.simulator.alexa_api import local_time_zone, scope_of

    grant = {scope_of(name) for name in args.grant}
    time_zone = args.time_zone or local_time_zone()
    return Simulator(locale=args.locale, device=args.device, user_id=args.user,
                     handler=handler, moment=moment, time_zone=time_zone, grant=grant,
                     consent=consent, nlu=getattr(args, "nlu", "resolver"))


def _render(turn: Turn, args: argparse.Namespace, start: int = 0) -> str:
    from skill.simulator.transcript import render_turn

    return render_turn(turn, show_json=args.json, start=start)


def _show(turn: Turn, args: argparse.Namespace, out: TextIO) -> None:
    print(_render(turn, args), file=out, flush=True)


NO_SESSION_TO_EXIT = ("  (no skill session is open, so Alexa would send the skill nothing; "
                      "/quit or Ctrl-D leaves the simulator)")


def chat(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO,
         recorder: object | None = None) -> int:
    interactive = sys.stdin.isatty()
    shown = [0]   # exchanges of the current turn already printed (before a permission question)

    def ask_person(turn: Turn, scope: str, question: str) -> str:
        print(_render(turn, args), file=out, flush=True)
        shown[0] = len(turn.exchanges)
        prompt = f"Alexa would ask: {question} [y/n] "
        try:
            if interactive:
                answer = input(prompt)
            else:
                print(prompt, end="", file=out, flush=True)
                answer = input("")
                print(answer, file=out)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            answer = ""
        word = answer.strip().lower()
        return ACCEPTED if word in ("y", "yes") else DENIED if word in ("n", "no") \
            else NOT_ANSWERED

    simulator = _simulator(args, handler, getattr(args, "moment", None), ask_person)
    audio = _audio(args, play_it=True)
    if interactive:
        _line_editing()
    print(f"Muscle Twitch Guide simulator: {args.locale}, {args.device}, time zone "
          f"{simulator.alexa_api.time_zone}. Type /help for help, Ctrl-D to leave.",
          file=out, flush=True)
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
                elif word.split()[:1] in (["grant"], ["revoke"]):
                    _permission_command(simulator, word, out)
                elif word.split()[:1] in (["touch"], ["can-fulfill"]):
                    verb, _, rest = line[1:].strip().partition(" ")
                    try:
                        turn = simulator.touch(touch_arguments(rest)) if verb.lower() == "touch" \
                            else simulator.can_fulfill(rest)
                    except ValueError as error:
                        print(f"  ({error})", file=out)
                        continue
                    failed |= turn.errored
                    print(_render(turn, args), file=out, flush=True)
                    _save(recorder, turn, out)
                elif word == "reminders":
                    held = simulator.alexa_api.describe_reminders()
                    print("\n".join(f"  reminder {n}: {text}" for n, text in
                                    enumerate(held, 1)) or "  (no reminders)", file=out)
                else:
                    print(CHAT_HELP, file=out)
                continue
            if not simulator.session_open and line.lower().strip(" .!") in ("exit", "quit"):
                # Alexa itself takes "exit" when no skill is open: nothing reaches the skill.
                print(NO_SESSION_TO_EXIT, file=out, flush=True)
                continue
            shown[0] = 0
            turn = simulator.say(line)
            failed |= turn.errored
            print(_render(turn, args, shown[0]), file=out, flush=True)
            _save(recorder, turn, out)
            if audio is not None:
                audio.write_and_tell(turn, out)  # type: ignore[attr-defined]
    finally:
        simulator.end()
        simulator.close()
        if interactive:
            _save_history()
    return 1 if failed else 0


def _permission_command(simulator: Simulator, word: str, out: TextIO) -> None:
    """/grant NAME or /revoke NAME: the person changes a permission, as in the Alexa app."""
    from skill.simulator.alexa_api import PERMISSIONS, scope_of

    verb, *names = word.split()
    if len(names) != 1:
        print(f"  (say /{verb} followed by one of: {', '.join(PERMISSIONS)})", file=out)
        return
    try:
        scope = scope_of(names[0])
    except ValueError as error:
        print(f"  ({error})", file=out)
        return
    if verb == "grant":
        simulator.grant(scope)
        print(f"  ({names[0]} permission granted: requests now carry a consent token)", file=out)
    else:
        simulator.revoke(scope)
        print(f"  ({names[0]} permission revoked: the API now answers 403)", file=out)


def touch_arguments(text: str) -> list[str]:
    """What follows /touch: a JSON list (["topic", "caffeine"]) or words (topic caffeine)."""
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError as error:
            raise ValueError(f"touch arguments: not a JSON list: {error}") from None
        if not isinstance(value, list):
            raise ValueError("touch arguments: not a JSON list")
        return [str(item) for item in value]
    return text.split()


def _play(simulator: Simulator, line: str, permission: str | None = None,
          can_fulfill: bool = False) -> Turn:
    """One line of a script or of `ask`: /touch, a name-free check, or something said."""
    if line.startswith("/touch"):
        return simulator.touch(touch_arguments(line[len("/touch"):]))
    if can_fulfill:
        return simulator.can_fulfill(line)
    return simulator.say(line, permission)


def ask(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO,
        recorder: object | None = None) -> int:
    lines = [*args.utterances, *(f"/touch {touch}" for touch in getattr(args, "touch", ()))]
    if not lines:
        raise ValueError("ask needs at least one utterance (or --touch)")
    simulator = _simulator(args, handler, getattr(args, "moment", None))
    audio = _audio(args)
    permissions = getattr(args, "permissions", None) or [None] * len(lines)
    failed = False
    try:
        for utterance, permission in zip(lines, permissions, strict=True):
            print(f"you> {utterance}", file=out)
            turn = _play(simulator, utterance, permission, getattr(args, "can_fulfill", False))
            failed |= turn.errored
            _show(turn, args, out)
            _save(recorder, turn, out)
            if audio is not None:
                audio.write_and_tell(turn, out)  # type: ignore[attr-defined]
    finally:
        simulator.end()
        simulator.close()
    if failed:
        print("error: the skill errored (see SKILL ERROR above)", file=err)
    return 1 if failed else 0


def replay(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.dialogs import (
        ScriptError,
        load_script,
        run_script,
        script_paths,
    )

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
        audio = _audio(args, directory=args.audio / script.path.stem if args.audio else None)
        if audio is not None:
            audio.locale = script.locale  # type: ignore[attr-defined]
        with _fresh_store(handler) as script_handler:
            results = run_script(script, script_handler)
        for result in results if audio is not None else ():
            audio.write(result.outcome)  # type: ignore[attr-defined]
        if audio is not None:
            print(f"  (audio: {audio.count} WAV files in "  # type: ignore[attr-defined]
                  f"{args.audio / script.path.stem})", file=out)
        for result in results:
            if result.passed:
                passed += 1
            else:
                failed += 1
            if not (args.quiet and result.passed):
                print(result.line(), file=out, flush=True)
    print(f"{passed + failed} turns in {len(scripts)} scripts: {passed} passed, {failed} failed",
          file=out)
    return 1 if failed else 0


@contextlib.contextmanager
def _fresh_store(handler: Handler | None) -> Iterator[Handler | None]:
    """The skill with an empty user store of its own, for one dialog script.

    A script about remembering someone remembers only what it said itself, as on a new device
    (and as tests/test_dialogs.py runs them): otherwise one script's "welcome back" depends on
    which scripts ran before it. A handler given by the caller (tests) is used as it is.
    """
    if handler is not None:
        yield handler
        return
    import tempfile

    from skill.simulator.dialogs import fresh_store_handler

    with tempfile.TemporaryDirectory(prefix="replay-") as directory:
        yield fresh_store_handler(directory)


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
        args.permissions = [turn.permission for turn in script.turns]
        args.locale, args.device = script.locale, script.device
        args.user = args.user or script.user
        args.time_zone = args.time_zone or script.time_zone
        args.grant = [*args.grant, *script.grant]
        if script.moment and not args.timestamp:
            args.moment = script.moment
    if args.utterances:
        status = ask(args, handler, out, err, recorder)
    else:
        status = chat(args, handler, out, err, recorder)
    print(f"recorded {recorder.saved} fixtures in {args.directory}", file=out)
    return status


def resolve(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.statistical import load_nlu

    resolver = load_nlu(args.locale, args.nlu)
    for utterance in args.utterances:
        resolved = resolver.resolve(utterance)
        invoked = " (names the skill)" if resolved.invoked else ""
        print(f"{utterance!r} -> {resolved.describe()}{invoked}", file=out)
        if args.json and resolved.slots:
            print(json.dumps(resolved.slots, indent=2), file=out)
    return 0


def accuracy(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO
             ) -> int:
    """Every held-out set scored three ways; exit 1 when a gated set's resolver score is low."""
    from skill.simulator.understanding import (
        RESOLVER,
        SCORER_NOTES,
        STATISTICAL,
        UNDERSTANDING_DIR,
        held_out_locales,
        scores,
        set_info,
        table,
    )

    if args.file:
        locales = [args.locale or set_info(args.file).locale]
    else:
        locales = [args.locale] if args.locale else held_out_locales()
    failed = []
    for locale in locales:
        results = scores(locale, args.file)
        missed = results.get(args.misses) or results[RESOLVER]
        assert missed is not None and results[RESOLVER] is not None
        print(missed.report(args.verbose), file=out)
        for scorer, result in results.items():
            print(f"{scorer}: {SCORER_NOTES[scorer]}", file=out)
            if result is None:
                print(f"  not run: {STATISTICAL} needs scikit-learn (the dev extra)", file=out)
                continue
            print("\n".join("  " + line for line in result.report().splitlines()
                            if not line.startswith(("MISS", "ok  ", " "))), file=out)
        print("intent and slots (intent alone) per set and scorer:", file=out)
        print(table(results), file=out)
        resolved = results[RESOLVER]
        for source in dict.fromkeys(o.case.source for o in resolved.outcomes):
            name = source.rstrip(": ") or args.file.name
            gated = args.file is not None or set_info(UNDERSTANDING_DIR / name).gate
            part = [o for o in resolved.outcomes if o.case.source == source]
            if gated and sum(o.intent_ok for o in part) / len(part) < args.min:
                failed.append(f"{locale} {name}")
    if failed:
        print(f"below {args.min:.0%} (resolver, intent): {', '.join(failed)}", file=err)
    return 1 if failed else 0


def export_annotations(args: argparse.Namespace, handler: Handler | None, out: TextIO,
                       err: TextIO) -> int:
    from skill.simulator.annotations import export

    locales = [args.locale] if args.locale else None
    for path in export(args.directory, locales):
        print(f"wrote {path}", file=out)
    return 0


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
    "accuracy": accuracy, "export-annotations": export_annotations,
    "web": lambda args, handler, out, err: _web(args, handler, out, err),
}


def _web(args: argparse.Namespace, handler: Handler | None, out: TextIO, err: TextIO) -> int:
    from skill.simulator.console import serve

    return serve(args, handler, out, err)
