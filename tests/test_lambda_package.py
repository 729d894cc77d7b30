"""The Lambda artifact: self-contained, exactly the skill, its content and its pinned dependencies.

The zip is built the way `make package` / `sam build` build it (for this interpreter's platform, so
it can run here), unpacked into an empty directory, and run by a clean interpreter that sees only
the unpacked files and the standard library, through the handler template.yaml names.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from samtranslator.yaml_helper import yaml_parse

from skill.build import package
from skill.store.table import STATE_TABLE_ATTRIBUTE, STATE_TABLE_KEY
from tests.conftest import FIXTURES, spoken
from tests.test_state_dynamodb import create_state_table, dynamodb_emulator

ROOT = Path(__file__).resolve().parent.parent
HANDLER = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]["SkillFunction"][
    "Properties"]["Handler"]
# Where Lambda's python3.13 on arm64 evaluates dependency markers.
LAMBDA_MARKERS = {"python_version": "3.13", "python_full_version": "3.13.0",
                  "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                  "platform_machine": "aarch64", "implementation_name": "cpython",
                  "platform_python_implementation": "CPython", "extra": ""}
NEVER_SHIPPED = ("tests/", ".venv/", "skill/simulator/", "skill/web/", "skill/build/",
                 "interaction_models/", "deploy/", "build/", "content/README")
NEVER_SHIPPED_PACKAGES = ("flask", "werkzeug", "pytest", "moto", "boto3", "botocore", "cfnlint",
                          "samtranslator", "ask_smapi_model", "flask_ask_sdk")

# Run by a clean interpreter (-I -S: no site-packages, no PYTHONPATH, no user site).
CLEAN_RUN = r"""
import importlib, json, pkgutil, sys, sysconfig
root, handler, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path[:0] = [root, *extra]
module_name, function_name = handler.rsplit(".", 1)
function = getattr(importlib.import_module(module_name), function_name)
events = json.load(sys.stdin)
replies = [function(event, None) for event in events]
import skill
modules = sorted(m.name for m in pkgutil.walk_packages(skill.__path__, "skill."))
for name in modules:
    if name != "skill.store.dynamodb" or extra:   # that one needs the runtime's boto3
        importlib.import_module(name)
stored = None
if extra:   # with the runtime's AWS SDK: the store the Lambda builds from its environment
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    from skill.config import Settings
    from skill.store import persistence_adapter
    adapter = persistence_adapter(Settings.from_env())
    envelope = DefaultSerializer().deserialize(json.dumps(events[0]), RequestEnvelope)
    adapter.save_attributes(envelope, {"visits": 1, "score": 0.5})
    stored = adapter.get_attributes(envelope)
allowed = [root, *extra, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]]
outside = sorted(getattr(m, "__file__", None) or "" for m in list(sys.modules.values()))
outside = [f for f in outside if f and not any(f.startswith(a) for a in allowed)]
print(json.dumps({"replies": replies, "modules": modules, "outside": outside, "stored": stored,
                  "loaded": sorted(sys.modules)}))
"""


def normalised(name: str) -> str:
    """A zip entry's name with the interpreter and platform taken out of compiled files."""
    return re.sub(r"\.cpython-\d+(-[^/]+)?\.(so|pyc)$", r".\2", name)


@pytest.fixture(scope="module")
def dynamodb_url() -> Iterator[str]:
    with dynamodb_emulator() as url:
        yield url


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("lambda")
    path, zipped, unpacked_bytes = package.build_lambda_zip(where / "lambda.zip", "local")
    unpacked = where / "unpacked"
    unpacked.mkdir()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    return {"zip": path, "names": names, "dir": unpacked, "zipped": zipped,
            "unpacked": unpacked_bytes}


def pinned() -> dict[str, str]:
    pins = {}
    for line in package.REQUIREMENTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def distributions(directory: Path) -> dict[str, importlib.metadata.Distribution]:
    return {canonicalize_name(d.metadata["Name"]): d
            for d in importlib.metadata.distributions(path=[str(directory)])}


def run_clean(built, events: list[str], env: dict[str, str], extra: list[Path] = (),
              python: str = sys.executable) -> dict[str, Any]:
    payload = json.dumps([json.loads((FIXTURES / f"{e}.json").read_text()) for e in events])
    result = subprocess.run(
        [python, "-I", "-S", "-c", CLEAN_RUN, str(built["dir"]), HANDLER,
         *map(str, extra)],
        input=payload, capture_output=True, text=True, timeout=120, cwd=built["dir"],
        env={"PATH": os.environ.get("PATH", ""), "LOG_LEVEL": "WARNING", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_holds_the_skill_its_content_and_nothing_of_the_checkout(built):
    names = built["names"]
    ours = {n for n in names if n.startswith(("skill/", "content/")) and "__pycache__" not in n}
    assert ours == {name for _, name in package.source_files()}
    assert "skill/app.py" in ours and "content/messages.yaml" in ours
    for name in names:
        assert not name.startswith(NEVER_SHIPPED), name
        assert name.split("/")[0].lower() not in NEVER_SHIPPED_PACKAGES, name


def test_it_carries_bytecode_for_every_module_and_the_parsed_content(built):
    """Lambda's /var/task is read-only: what is not shipped compiled is compiled on every start."""
    names = set(built["names"])
    tag = sys.implementation.cache_tag
    for name in names:
        if name.endswith(".py"):
            folder, _, file = name.rpartition("/")
            compiled = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
            assert compiled in names, f"{name} has no bytecode"
        if name.endswith(".pyc"):
            assert f".{tag}." in name, f"{name}: bytecode of another Python"
    assert ".state/content-cache.json" in names


def test_its_dependencies_are_exactly_the_pinned_ones(built):
    shipped = {name: d.version for name, d in distributions(built["dir"]).items()}
    assert shipped == pinned()
    assert not set(shipped) & package.RUNTIME_PROVIDED


def test_the_pins_are_complete_for_lambda_but_for_the_runtimes_aws_sdk(built):
    shipped = distributions(built["dir"])
    for name, dist in shipped.items():
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(LAMBDA_MARKERS):
                continue
            needed = canonicalize_name(requirement.name)
            if needed in package.RUNTIME_PROVIDED:
                continue
            assert needed in shipped, f"{name} needs {requirement}"
            assert requirement.specifier.contains(shipped[needed].version, prereleases=True), (
                f"{name} needs {requirement}, the zip has {shipped[needed].version}")


def test_the_pins_satisfy_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert package.top_level_requirements() == [*project["dependencies"],
                                                *project["optional-dependencies"]["aws"]]
    pins = pinned()
    for line in package.top_level_requirements():
        requirement = Requirement(line)
        assert requirement.specifier.contains(pins[canonicalize_name(requirement.name)])


def test_a_clean_interpreter_answers_from_the_unpacked_zip_alone(built, tmp_path):
    result = run_clean(built, ["launch", "cause_coffee"],
                       {"STATE_PATH": str(tmp_path / "users.sqlite3")})
    launch, coffee = (r["response"] for r in result["replies"])
    assert "welcome to muscle twitch guide" in spoken(launch["outputSpeech"]["ssml"]).lower()
    assert launch["shouldEndSession"] is False
    assert "caffeine" in spoken(coffee["outputSpeech"]["ssml"]).lower()
    assert result["outside"] == []
    assert "skill.handlers.topics" in result["modules"]
    assert not {m.split(".")[0] for m in result["loaded"]} & {"boto3", "flask", "pytest"}
    assert "yaml" not in result["loaded"], "the shipped parse cache was not used"


def test_in_lambda_it_keeps_records_in_the_table_with_the_runtimes_boto3(
        built, tmp_path, dynamodb_url, monkeypatch):
    """Lambda's own boto3 (here: the test environment's) beside the zip, and a table."""
    runtime = tmp_path / "var-runtime"
    for name in sorted(package.RUNTIME_PROVIDED):
        dist = importlib.metadata.distribution(name)
        for file in dist.files or []:
            if file.parts[0].endswith(".dist-info") or "__pycache__" in file.parts:
                continue
            target = runtime / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist.locate_file(file), target)
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    for name, value in env.items():   # for this process's boto3, which checks the table
        monkeypatch.setenv(name, value)
    table = create_state_table(dynamodb_url, "lambda-users")
    result = run_clean(built, ["launch", "cause_coffee"],
                       {**env, "STATE_TABLE": table.name, "DYNAMODB_ENDPOINT": dynamodb_url,
                        "STATE_PATH": str(tmp_path / "must-not-exist" / "users.sqlite3")},
                       extra=[runtime])
    launch, coffee = (r["response"] for r in result["replies"])
    assert "welcome to muscle twitch guide" in spoken(launch["outputSpeech"]["ssml"]).lower()
    assert "caffeine" in spoken(coffee["outputSpeech"]["ssml"]).lower()
    assert "skill.store.dynamodb" in result["loaded"] and "boto3" in result["loaded"]
    assert result["stored"] == {"visits": 1, "score": 0.5}
    user = json.loads((FIXTURES / "launch.json").read_text())["session"]["user"]["userId"]
    item = table.get_item(Key={STATE_TABLE_KEY: user})["Item"]
    assert item[STATE_TABLE_ATTRIBUTE] == {"visits": 1, "score": Decimal("0.5")}
    assert not (tmp_path / "must-not-exist").exists(), "SQLite was used in Lambda"


@pytest.fixture(scope="module")
def arm64(tmp_path_factory) -> dict[str, Any]:
    """The deployment artifact itself: CPython 3.13 on arm64."""
    where = tmp_path_factory.mktemp("arm64")
    path, _, _ = package.build_lambda_zip(where / "lambda.zip", "lambda")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(where / "unpacked")
    return {"zip": path, "names": names, "dir": where / "unpacked"}


def test_the_arm64_zip_for_lambda_has_the_same_files(built, arm64):
    assert sorted(map(normalised, arm64["names"])) == sorted(map(normalised, built["names"]))
    assert any(name.endswith("-aarch64-linux-gnu.so") for name in arm64["names"])
    assert any(".cpython-313-" in name for name in arm64["names"])


def test_the_arm64_zip_runs_on_the_lambdas_python_version(arm64, tmp_path):
    """Its native speed-ups cannot load on this machine; their pure-Python fallbacks do."""
    python = package.target_python("lambda")
    if python is None:
        pytest.skip(f"no python{package.LAMBDA_PYTHON_VERSION} on this machine")
    result = run_clean(arm64, ["launch", "cause_coffee"],
                       {"STATE_PATH": str(tmp_path / "users.sqlite3")}, python=python)
    launch, coffee = (r["response"] for r in result["replies"])
    assert "welcome to muscle twitch guide" in spoken(launch["outputSpeech"]["ssml"]).lower()
    assert "caffeine" in spoken(coffee["outputSpeech"]["ssml"]).lower()
    assert result["outside"] == []


def test_it_refuses_to_build_into_a_directory_holding_anything_else(tmp_path, capsys):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "stale.py").write_text("")
    assert package.main(["lambda", "--into", str(tmp_path / "old")]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["stale.py"]
