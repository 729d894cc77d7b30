"""The package's rooms keep their layers: arrows point down, and no module imports itself back.

Read from the source (every `import`, at module level or inside a function: a deferred import is
still a dependency), so a cycle or an upward arrow fails here before anyone has to draw the graph.

    hosting and tools   skill/web, skill/build, skill/simulator
    the skill           skill/app.py, skill/handlers/, skill/interceptors.py
    the domain          skill/content/, speech, reply, slots, tips, screens, config
    below the domain    skill/alexa/ (platform adapters), skill/store/ (user records)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skill"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The skill modules `path` imports: `from skill.x import y` names skill.x.y when y is a
    module, else skill.x."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("skill"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("skill"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return {name for name in found if name in MODULES}


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def room(name: str) -> str:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in ("web", "build", "simulator", "alexa", "store", "handlers",
                                       "content"):
        return parts[1]
    return "domain"


LOWER = {"alexa", "store"}          # platform adapters and storage: below the domain
TOOLS = {"web", "build", "simulator"}  # hosting and tools: above everything


def test_no_module_imports_itself_back():
    cycles = []

    def visit(node: str, path: list[str], seen: set[str]) -> None:
        for target in sorted(GRAPH[node]):
            if target == path[0]:
                cycles.append(" -> ".join([*path, target]))
            elif target not in seen and target > path[0]:   # each cycle once, from its least
                seen.add(target)
                visit(target, [*path, target], seen)

    for start in sorted(GRAPH):
        visit(start, [start], {start})
    # a package's __init__ naming its own submodules is how a package offers them, not a cycle
    cycles = [c for c in cycles if not any(
        a.split(".")[:len(b.split("."))] == b.split(".") or
        b.split(".")[:len(a.split("."))] == a.split(".")
        for a, b in zip(c.split(" -> "), c.split(" -> ")[1:], strict=False))]
    assert cycles == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if room(n) in LOWER))
def test_the_platform_adapters_and_the_store_never_import_upward(name):
    upward = {target for target in GRAPH[name] if room(target) not in LOWER | {"domain"}
              or target.split(".")[-1] in ("speech", "reply", "screens", "slots", "tips", "app")}
    assert upward == set(), f"{name} imports {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if room(n) not in TOOLS))
def test_the_skill_never_imports_its_hosting_or_tools(name):
    assert {target for target in GRAPH[name] if room(target) in TOOLS} == set()


def test_the_content_knows_nothing_of_alexa():
    for name in (n for n in MODULES if room(n) == "content"):
        source = MODULES[name].read_text(encoding="utf-8")
        assert "ask_sdk" not in source, name
        assert {room(target) for target in GRAPH[name]} <= {"content"}, name
