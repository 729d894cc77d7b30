"""What the Lambda entry module does to the process it is imported into (skill/app.py).

It is imported with the cyclic garbage collector paused and freezes what the import made; the
process must come out of that with its collector as it found it, or a long-lived host (the web
service, a test run) would stop collecting garbage cycles altogether.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import gc, json, sys
if sys.argv[1] == "off":
    gc.disable()
from skill.app import lambda_handler
print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def imported_into(collector: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, collector], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_importing_the_entry_module_leaves_the_collector_running_and_the_imports_frozen():
    after = imported_into("on")
    assert after["enabled"] is True
    assert after["frozen"] > 10_000   # the SDK and the skill: out of every later pass


def test_a_host_that_disabled_the_collector_finds_it_still_disabled():
    assert imported_into("off")["enabled"] is False
