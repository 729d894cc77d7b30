"""Loading the knowledge base: every file checked or nothing loaded; get_content once a process."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from skill.content.knowledge import Content, _index, added_phrases
from skill.content.records import ContentError, Entry, Kind
from skill.content.schema import _link_check, _parse_check, _parse_kind, _parse_messages
from skill.content.yaml_source import _ParseCache

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"

MESSAGES_FILE = "messages.yaml"

CHECK_FILE = "symptom_check.yaml"  # the guided check: its own schema, not a topic kind

DEFAULT_PARSE_CACHE = CONTENT_DIR.parent / ".state" / "content-cache.json"


def load_content(directory: Path = CONTENT_DIR, parse_cache: Path | None = None) -> Content:
    """Load and validate every file, or raise ContentError naming what is wrong and where.

    With `parse_cache`, YAML parsed on an earlier start is reused for files whose text is
    unchanged (see _ParseCache); the result is the same either way.
    """
    directory = Path(directory)
    parsed = _ParseCache(Path(parse_cache)) if parse_cache else None
    messages_path = directory / MESSAGES_FILE
    if not messages_path.is_file():
        raise ContentError(f"{MESSAGES_FILE}: missing from {directory}")
    messages = _parse_messages(messages_path, parsed)
    kinds: dict[str, Kind] = {}
    # Listed, not globbed: Path.glob compiles a pattern, which a cold start need not pay for.
    for path in sorted(path for path in directory.iterdir() if path.name.endswith(".yaml")):
        if path.name in (MESSAGES_FILE, CHECK_FILE):
            continue
        kind = _parse_kind(path, parsed, tuple(messages.locales))
        if kind.name in kinds:
            raise ContentError(f"{path.name}: kind '{kind.name}' is also defined in "
                               f"{kinds[kind.name].source}")
        kinds[kind.name] = kind
    if not kinds:
        raise ContentError(f"no content files in {directory}")
    by_id, by_phrase = _index(kinds)
    emergencies = [entry.id for entry in by_id.values()
                   if isinstance(entry, Entry) and entry.emergency]
    if len(emergencies) > 1:
        raise ContentError(f"only one entry may be 'emergency: true': {', '.join(emergencies)}")
    check = None
    if (directory / CHECK_FILE).is_file():
        check = _parse_check(directory / CHECK_FILE, parsed)
        _link_check(check, kinds, by_id)
    if parsed is not None:
        parsed.save()
    content = Content(kinds=kinds, messages=messages, _by_id=by_id, _by_phrase=by_phrase,
                      check=check)
    for locale in messages.locales:  # each locale's synonyms must be unique in its kind, too
        added_phrases(content, locale)  # (its texts are localised when first asked for)
    return content


@cache
def get_content() -> Content:
    """The skill's content, loaded once per process (a Lambda container reuses it).

    CONTENT_DIR points at another content directory; CONTENT_CACHE at the parse cache
    (default .state/content-cache.json; `none` turns it off).
    """
    directory = os.environ.get("CONTENT_DIR") or CONTENT_DIR
    parse_cache = os.environ.get("CONTENT_CACHE") or DEFAULT_PARSE_CACHE
    if str(parse_cache).lower() == "none":
        parse_cache = None
    return load_content(Path(directory), parse_cache)
