"""`python -m skill.simulator chat | ask | replay | record | resolve | accuracy` (see cli.py)."""

from __future__ import annotations

import sys

from skill.simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
