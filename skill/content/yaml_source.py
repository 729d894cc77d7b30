"""Reading content YAML: line numbers for error messages, and a parse cache for cold starts."""

from __future__ import annotations

import json
import os
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from skill.content.records import ContentError

_LINE = "__line__"


@cache
def _line_loader() -> type:
    """The safe YAML loader, remembering the line each mapping starts on, for error messages.

    Built on first use: importing yaml costs a cold start more than parsing every content file,
    and a warm parse cache (below) answers without it.
    """
    import yaml

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False
                              ) -> dict[Any, Any]:
            mapping = super().construct_mapping(node, deep=deep)
            mapping[_LINE] = node.start_mark.line + 1
            return mapping

    return LineLoader


class _ParseCache:
    """YAML parsed before, keyed by each file's exact text, kept in one JSON file.

    Only the parse is cached, never the checks: every file is still read and every rule still
    runs on every load, so a file changed by one character is parsed afresh and a broken file
    fails exactly as it would without a cache. A missing, unreadable or foreign cache is ignored;
    one that cannot be written (a read-only Lambda package) is simply not written.
    """

    FORMAT = 1  # bump when what _read returns changes shape (e.g. the _LINE bookkeeping)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, Any] = {}
        self.current: dict[str, Any] = {}
        self.missed = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == self.FORMAT and isinstance(data.get("files"), dict):
                self.known = data["files"]
        except (OSError, ValueError, AttributeError):
            pass

    def get(self, name: str, text: str) -> tuple[bool, Any]:
        entry = self.known.get(name)
        if isinstance(entry, dict) and entry.get("text") == text and "raw" in entry:
            self.current[name] = entry
            return True, entry["raw"]
        self.missed = True
        return False, None

    def put(self, name: str, text: str, raw: Any) -> None:
        try:  # only what JSON gives back unchanged (no dates, no integer keys)
            faithful = json.loads(json.dumps(raw)) == raw
        except (TypeError, ValueError):
            faithful = False
        if faithful:
            self.current[name] = {"text": text, "raw": raw}

    def save(self) -> None:
        if not self.missed:
            return
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"format": self.FORMAT, "files": self.current}),
                                 encoding="utf-8")
            os.replace(temporary, self.path)  # atomic: a concurrent reader sees old or new
        except OSError:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)


def _read(path: Path, parsed: _ParseCache | None = None) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{path.name}: cannot be read: {error}") from error
    if parsed is not None:
        hit, raw = parsed.get(path.name, text)
        if hit:
            return raw
    import yaml

    try:
        raw = yaml.load(text, Loader=_line_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        raise ContentError(f"{where}: not valid YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{path.name}: cannot be read: {error}") from error
    if parsed is not None:
        parsed.put(path.name, text, raw)
    return raw
