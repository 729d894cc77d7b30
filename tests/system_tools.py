"""The system programs some tests need (espeak-ng, chromium, chromedriver), and when a test may
skip for want of them.

The project's set-up (`make system-packages`, part of `make test`'s set-up) installs them on
Debian as root, which is how CI runs: there a missing program is a failure, not a skip. Only a
developer who is not root (or not on Debian), and so could not have had them installed by the
set-up, gets a skip, with the command that fixes it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PACKAGES = {"espeak-ng": "espeak-ng", "chromium": "chromium", "chromedriver": "chromium-driver"}


def root_on_debian() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and Path("/etc/debian_version").exists()


def require(*programs: str) -> dict[str, str]:
    """Each program's path; skip (not root on Debian) or fail (root on Debian) when missing."""
    found = {name: shutil.which(name) for name in programs}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        packages = " ".join(PACKAGES.get(name, name) for name in missing)
        if root_on_debian():
            pytest.fail(f"{', '.join(missing)} missing: the set-up installs them as root "
                        f"(`make system-packages`, or apt-get install {packages})")
        pytest.skip(f"{', '.join(missing)} not installed and not root on Debian, so the set-up "
                    f"could not install them: sudo apt-get install {packages}")
    return {name: str(path) for name, path in found.items()}
