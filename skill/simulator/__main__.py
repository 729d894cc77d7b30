"""`python -m skill.simulator chat | ask | replay | record | resolve | accuracy` (see cli.py);
the same as the `twitch-sim` command."""

from __future__ import annotations

import sys

from skill.simulator.cli import run

if __name__ == "__main__":
    sys.exit(run())
