"""The screens pass Amazon's own APL checker: apl-suggester, the npm package behind the APL
authoring tool's warnings, reports no error and no warning on either document, alone or filled
with the data of every answer it shows.

`make` installs the checker (`npm ci --prefix tools/apl`, versions pinned by
tools/apl/package-lock.json); tools/apl/validate.js runs it. Without that install these tests are
skipped with the command to run, except in CI, where a missing checker is a failure.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skill.screens import ANSWER_DOCUMENT, APL_DIR, DATASOURCE, LIST_DOCUMENT, screen_for
from tests.test_screens import every_item_id, first_answer

ROOT = Path(__file__).resolve().parent.parent
TOOL_DIR = ROOT / "tools" / "apl"
VALIDATE = TOOL_DIR / "validate.js"
INSTALLED = TOOL_DIR / "node_modules" / "apl-suggester" / "package.json"
_WHOLE_BINDING = re.compile(r"\$\{screen((?:\.[A-Za-z_]\w*)+)\}")


def _checker_or_skip() -> str:
    node = shutil.which("node")
    if node and INSTALLED.is_file():
        return node
    reason = ("apl-suggester is not installed: run `make test` (or `npm ci --prefix tools/apl`; "
              "it needs node and npm)")
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def run_checker(checks: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """What apl-suggester reports for each {"document", "datasources"} in `checks`."""
    node = _checker_or_skip()
    result = subprocess.run([node, str(VALIDATE), "--stdin"], input=json.dumps(checks),
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)
    assert (result.returncode == 1) == bool(findings)
    return findings


def filled(document: dict[str, Any], datasources: dict[str, Any]) -> dict[str, Any]:
    """The document with every whole `${screen...}` binding replaced by the value sent.

    The suggester checks a binding's *shape* only; filled in, a colour, a list or a title that is
    not what the property takes would be reported too. Row bindings (`${data...}`) and
    conditions (`when`) stay expressions, as on the device.
    """
    data = datasources[DATASOURCE]

    def resolve(path: str) -> Any:
        value = data
        for part in path.strip(".").split("."):
            value = value[part]
        return value

    def fill(node: Any) -> Any:
        if isinstance(node, str):
            match = _WHOLE_BINDING.fullmatch(node)
            return resolve(match.group(1)) if match else node
        if isinstance(node, list):
            return [fill(child) for child in node]
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        return node

    result = copy.deepcopy(document)
    result["mainTemplate"] = fill(result["mainTemplate"])
    return result


def document(name: str) -> dict[str, Any]:
    return json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))


def test_each_document_as_written_passes_apl_suggester():
    checks = {name: {"document": document(name)} for name in (ANSWER_DOCUMENT, LIST_DOCUMENT)}
    assert run_checker(checks) == []


def test_each_document_filled_with_every_answers_data_passes_apl_suggester():
    checks = {}
    for item_id in every_item_id():
        answer, speak = first_answer(item_id)
        screen = screen_for(answer, speak)
        source = document(screen.document)
        checks[item_id] = {"document": filled(source, screen.datasources),
                           "datasources": screen.datasources}
        assert "${screen." not in json.dumps(checks[item_id]["document"]["mainTemplate"]).replace(
            "${screen.emergency != ''}", "")
    assert run_checker(checks) == []


def test_the_checker_reports_what_the_issue_found_in_the_old_answer_document():
    """So a clean run means something: the two findings the documents used to have come back."""
    broken = document(ANSWER_DOCUMENT)
    scroll = broken["mainTemplate"]["items"][0]["item"]["items"][2]
    assert scroll["type"] == "ScrollView"
    del scroll["width"]                                          # child "100%" of an auto width
    bullet = scroll["item"]["items"][0]["items"][0]["items"][0]
    assert bullet["type"] == "Frame"
    bullet["marginTop"] = "14dp"                                 # not an APL property
    findings = run_checker({"broken": {"document": broken}})
    messages = sorted(finding["message"] for finding in findings)
    assert len(messages) == 2, findings
    assert "width must be an absolute value" in messages[0]
    assert messages[1].endswith("additional properties : marginTop")


def test_the_checker_reports_a_datasource_that_is_not_an_object():
    findings = run_checker({"bad data": {"document": document(LIST_DOCUMENT),
                                         "datasources": {DATASOURCE: ["not", "an", "object"]}}})
    assert [finding["path"] for finding in findings] == [f"Data.{DATASOURCE}"]
