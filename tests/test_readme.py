"""The README's commands run as written, from the repository root, once the set-up has run.

Every line of a ```sh block in README.md that starts with `.venv/bin/` is run exactly as printed
(through bash, so its quoting is the reader's quoting), and must exit 0. `chat` gets an empty
standard input, as a person pressing Ctrl-D at once would. Lines that start `make` are the set-up
and test commands themselves (running them here would recurse) and are checked only to name
real Makefile targets.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"^```sh\n(.*?)^```", README, re.S | re.M)
LINES = [line.split("  #")[0].strip() for block in SH_BLOCKS for line in block.splitlines()]
VENV_COMMANDS = [line for line in LINES if line.startswith(".venv/bin/")]
MAKE_COMMANDS = [line for line in LINES if line.startswith("make ")]


def test_the_readme_shows_simulator_commands():
    assert any("twitch-sim" in line for line in VENV_COMMANDS)


def _environment(tmp_path: Path) -> dict[str, str]:
    """Where the README says `.venv/bin/`, the interpreter running these tests is that venv in
    `make test`; elsewhere (a checkout without .venv) its own bin folder stands in."""
    env = dict(os.environ, STATE_PATH=str(tmp_path / "users.sqlite3"))
    env.pop("PRODUCTION", None)
    return env


def _as_run_here(line: str) -> str:
    if (ROOT / ".venv" / "bin").is_dir():
        return line
    return str(Path(sys.executable).parent) + "/" + line[len(".venv/bin/"):]


@pytest.mark.parametrize("line", VENV_COMMANDS)
def test_each_readme_command_runs_as_written(line, tmp_path):
    done = subprocess.run(["bash", "-c", _as_run_here(line)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env=_environment(tmp_path), check=False)
    assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("line", MAKE_COMMANDS)
def test_each_make_command_names_a_real_target(line):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = shlex.split(line)[1]
    assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no target {target!r}"
