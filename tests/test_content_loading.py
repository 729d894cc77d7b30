"""Start-up: broken content stops the skill before it answers anyone; good content loads fast.

tests/test_content.py checks what each broken file says; these check the start-up path itself
(build_skill and the Lambda entry with CONTENT_DIR pointing at a broken copy), that a failed load
leaves nothing behind, and that the parse cache never changes what is loaded.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import skill.app as app
from skill.app import build_skill
from skill.config import Settings
from skill.content import CONTENT_DIR, ContentError, get_content, load_content

from .conftest import load_fixture

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def fresh_content():
    """get_content() is cached per process: start and end each test without a cached load."""
    get_content.cache_clear()
    yield
    get_content.cache_clear()


def break_line(path: Path, needle: str) -> int:
    """Make the line holding `needle` invalid YAML; return its line number (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if needle in line)
    lines[number - 1] = lines[number - 1].replace(needle, needle + " [unclosed: {")
    path.write_text("".join(lines), encoding="utf-8")
    return number


def yaml_error_line(error: pytest.ExceptionInfo[ContentError], name: str) -> int:
    match = re.match(rf"{re.escape(name)}:(\d+): not valid YAML", str(error.value))
    assert match, str(error.value)
    return int(match.group(1))


# --- the start-up path ----------------------------------------------------------------------

@pytest.mark.usefixtures("fresh_content")
def test_build_skill_refuses_a_broken_file_naming_file_and_line(content_copy, monkeypatch):
    broken = break_line(content_copy / "causes.yaml", "id: caffeine")
    monkeypatch.setenv("CONTENT_DIR", str(content_copy))
    with pytest.raises(ContentError) as error:
        build_skill(Settings())
    assert yaml_error_line(error, "causes.yaml") in (broken, broken + 1)


@pytest.mark.usefixtures("fresh_content")
def test_the_lambda_entry_fails_loudly_rather_than_answering_with_broken_content(
        content_copy, monkeypatch):
    """An init error in Lambda (logged with file and line), not an apology per request."""
    (content_copy / "tips.yaml").write_text("kind: tip\nentries:\n  - id: x\n    name: [\n")
    monkeypatch.setenv("CONTENT_DIR", str(content_copy))
    monkeypatch.setenv("STATE_PATH", "none")
    monkeypatch.setattr(app, "_skill", None)
    with pytest.raises(ContentError, match=r"^tips\.yaml:\d+: not valid YAML"):
        app.lambda_handler(load_fixture("cause_coffee"), None)
    assert app._skill is None


@pytest.mark.usefixtures("fresh_content")
def test_a_failed_load_is_not_remembered_and_nothing_is_half_loaded(content_copy, monkeypatch):
    # the last file in load order breaks, after every other file has been parsed
    last = sorted(content_copy.glob("*.yaml"))[-1]
    break_line(last, "id:")
    monkeypatch.setenv("CONTENT_DIR", str(content_copy))
    with pytest.raises(ContentError, match=re.escape(last.name)):
        get_content()
    monkeypatch.delenv("CONTENT_DIR")
    content = get_content()  # the failure was not cached: the good content loads in full
    assert content == load_content(CONTENT_DIR)
    assert last.stem in {kind.source.removesuffix(".yaml") for kind in content.kinds.values()}
    build_skill(Settings())


# --- the parse cache ------------------------------------------------------------------------

def test_a_warm_parse_cache_loads_exactly_what_yaml_loads(tmp_path):
    cache = tmp_path / "cache.json"
    cold = load_content(CONTENT_DIR, cache)
    assert cache.is_file()
    assert load_content(CONTENT_DIR, cache) == cold == load_content(CONTENT_DIR)


def test_a_warm_parse_cache_does_not_import_yaml(tmp_path):
    """What the cache is for: a cold start with it never imports PyYAML (a benchmark measures the
    time; this keeps an innocent module-level `import yaml` from quietly undoing it)."""
    cache = tmp_path / "cache.json"
    load_content(CONTENT_DIR, cache)
    probe = ("import sys\nfrom skill.content import CONTENT_DIR, load_content\n"
             f"load_content(CONTENT_DIR, {str(cache)!r})\nprint('yaml' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_an_edited_file_is_parsed_afresh(content_copy, tmp_path):
    cache = tmp_path / "cache.json"
    old = load_content(content_copy, cache).get("caffeine").speech
    new = "Caffeine can set muscles twitching."
    causes = content_copy / "causes.yaml"
    text = causes.read_text(encoding="utf-8")
    start = text.index("speech:", text.index("id: caffeine\n"))
    end = text.index("\n    card:", start)
    causes.write_text(f"{text[:start]}speech: {new}{text[end:]}", encoding="utf-8")
    assert new != old
    assert load_content(content_copy, cache).get("caffeine").speech == new


def test_a_broken_file_fails_the_same_with_a_warm_cache(content_copy, tmp_path):
    cache = tmp_path / "cache.json"
    load_content(content_copy, cache)
    broken = break_line(content_copy / "conditions.yaml", "id: ms")
    with pytest.raises(ContentError) as warm:
        load_content(content_copy, cache)
    with pytest.raises(ContentError) as uncached:
        load_content(content_copy)
    assert str(warm.value) == str(uncached.value)
    assert yaml_error_line(warm, "conditions.yaml") in (broken, broken + 1)


@pytest.mark.parametrize("garbage", ["", "{not json", "[]", '{"format": 1, "files": []}',
                                     '{"format": 1, "files": {"causes.yaml": "x"}}',
                                     '{"format": 0, "files": {}}'])
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(tmp_path, garbage):
    cache = tmp_path / "cache.json"
    cache.write_text(garbage, encoding="utf-8")
    assert load_content(CONTENT_DIR, cache) == load_content(CONTENT_DIR)
    assert json.loads(cache.read_text(encoding="utf-8"))["format"] >= 1


def test_an_unwritable_cache_is_not_an_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache = blocker / "cache.json"  # its directory is a file: nothing can be written there
    assert load_content(CONTENT_DIR, cache) == load_content(CONTENT_DIR)
    assert not cache.exists() and not list(tmp_path.glob("**/*.tmp"))


def test_what_json_would_change_is_never_cached(content_copy, tmp_path):
    """An integer key survives YAML but would come back from JSON as text: parse, don't cache."""
    messages = content_copy / "messages.yaml"
    text = messages.read_text(encoding="utf-8")
    messages.write_text(text.replace("messages:\n", "messages:\n  404: Not found.\n", 1),
                        encoding="utf-8")
    cache = tmp_path / "cache.json"
    for _ in range(2):
        templates = load_content(content_copy, cache).messages.templates
        assert templates[404] == "Not found." and "404" not in templates
