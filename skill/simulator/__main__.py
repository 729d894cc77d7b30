"""`python -m skill.simulator chat | ask | replay | record | resolve | accuracy` (see cli.py)."""

from __future__ import annotations

import os
import sys

from skill.simulator.cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... | head`: the reader left; nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
