"""Every dialog script in tests/dialogs/ plays through the skill, turn by turn, as Alexa would."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.simulator.dialogs import load_script, run_script

DIALOGS = Path(__file__).parent / "dialogs"
SCRIPTS = sorted(DIALOGS.glob("*.yaml"))


def test_there_are_scripts_for_the_main_conversations():
    assert len(SCRIPTS) >= 8


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_dialog_script_passes(path, tmp_path):
    # Each script starts on a fresh device whose user store is empty, as `make run` would on a
    # new machine: a script about remembering someone remembers only what it said itself. The
    # skill's own HTTP client calls the simulator's stand-in for the Alexa APIs on 127.0.0.1.
    skill = build_skill(Settings(state_path=str(tmp_path / "users.sqlite3"),
                                 alexa_api_loopback=True))
    script = load_script(path)
    results = run_script(script, handler=lambda event, context: handle_event(skill, event))
    failed = [result.line() for result in results if not result.passed]
    assert not failed, "\n".join(failed)
