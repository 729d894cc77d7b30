"""The knowledge base: loads `content/*.yaml`, validates it, and indexes it.

Content is data, not code. This module knows nothing of Alexa: it turns YAML into frozen records
and refuses, loudly and with the file, entry and line named, anything that would make the skill say
something wrong or say nothing at all. It never half-loads: one bad file fails the whole load.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
MESSAGES_FILE = "messages.yaml"
CHECK_FILE = "symptom_check.yaml"  # the guided check: its own schema, not a topic kind
DEFAULT_PARSE_CACHE = CONTENT_DIR.parent / ".state" / "content-cache.json"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_LINE = "__line__"

_KIND_KEYS = {"kind", "doctor_pointer", "emergency_first", "overview", "entries"}
_ENTRY_REQUIRED = {"id", "name", "title", "speech", "card"}
_ENTRY_KEYS = _ENTRY_REQUIRED | {"synonyms", "more"}
_OVERVIEW_REQUIRED = {"id", "title", "speech", "list_intro", "items", "card"}
_OVERVIEW_KEYS = _OVERVIEW_REQUIRED | {"more"}
_CHECK_KEYS = {"answers", "emergency", "steps", "outcomes"}
_CHECK_ANSWERS = ("yes", "no", "unsure")  # the handlers act on these ids, so they are fixed
_CHECK_OUTCOMES = ("emergency", "see_doctor", "no_signs")
_CHECK_MAX_STEPS = 4  # a short check: the emergency screen, then at most four questions
_CHECK_TEST_KIND = "test"  # steps name the tests a doctor may use by their tests.yaml ids


class ContentError(ValueError):
    """A content file is broken; the message names the file, the entry and the line."""


class Entry(NamedTuple):
    """One thing the skill can talk about: a cause, a condition, a tip..."""

    id: str
    kind: str
    name: str
    title: str
    speech: str
    card: str
    more: str | None = None
    synonyms: tuple[str, ...] = ()


class Overview(NamedTuple):
    """The answer to the question about a whole kind ("what causes twitching")."""

    id: str
    kind: str
    title: str
    speech: str
    list_intro: str
    items: tuple[str, ...]
    card: str
    more: str | None = None


class Kind(NamedTuple):
    """All entries of one kind, with the safety rules that apply to every one of them."""

    name: str
    source: str
    doctor_pointer: bool
    emergency_first: bool
    entries: tuple[Entry, ...]
    overview: Overview | None = None


class Messages(NamedTuple):
    """The skill's own lines, with per-locale values and the acronyms to spell out."""

    templates: Mapping[str, str]
    locales: Mapping[str, Mapping[str, str]]
    acronyms: tuple[str, ...]
    default_locale: str

    def text(self, key: str, locale: str | None = None, **values: Any) -> str:
        """Fill a message template; locale values (the emergency number) fill in by themselves."""
        local = self.locales.get(locale or "", self.locales[self.default_locale])
        return self.templates[key].format(**{**local, **values})


class Word(NamedTuple):
    """A slot value that is not a topic: an id, its canonical name, what else people say."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()


class CheckStep(NamedTuple):
    """One yes/no question of the symptom check; `sign` and `tests` feed the outcome."""

    id: str
    question: str
    reprompt: str
    sign: str | None = None
    tests: tuple[str, ...] = ()


class CheckOutcome(NamedTuple):
    """How the check ends: what is spoken first, and the card."""

    title: str
    speech: str
    card: str


@dataclass(frozen=True)
class SymptomCheck:
    """The "Should I worry?" check: an emergency screen, then a few warning-sign questions.

    Kept apart from the topic kinds because it is a sequence of questions, not things to talk
    about; its answer words still become a slot type (`answer_kind`), like a kind's entries do.
    """

    source: str
    answer_kind: str
    answers: tuple[Word, ...]
    emergency: CheckStep
    steps: tuple[CheckStep, ...]
    outcomes: Mapping[str, CheckOutcome]
    _by_phrase: Mapping[str, str] = field(repr=False)

    def answer_id(self, phrase: str) -> str | None:
        """'yes', 'no' or 'unsure' for a word people answer with; None for anything else."""
        return self._by_phrase.get(normalise(phrase))

    def step(self, step_id: str) -> CheckStep:
        """A question by id (the emergency screen included); KeyError for an unknown id."""
        if step_id == self.emergency.id:
            return self.emergency
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def after(self, step_id: str) -> CheckStep | None:
        """The question that follows `step_id`; None after the last one."""
        order = [self.emergency, *self.steps]
        index = [step.id for step in order].index(step_id)
        return order[index + 1] if index + 1 < len(order) else None


@dataclass(frozen=True)
class Content:
    """The loaded knowledge base, indexed for the handlers."""

    kinds: Mapping[str, Kind]
    messages: Messages
    _by_id: Mapping[str, Entry | Overview] = field(repr=False)
    _by_phrase: Mapping[tuple[str, str], Entry] = field(repr=False)
    check: SymptomCheck | None = None

    def get(self, item_id: str) -> Entry | Overview:
        """Look an entry or overview up by id; KeyError for an id no file defines."""
        return self._by_id[item_id]

    def find(self, kind: str, phrase: str) -> Entry | None:
        """The entry of `kind` whose name or synonym is `phrase` (case and spacing ignored)."""
        return self._by_phrase.get((kind, normalise(phrase)))

    def entries(self, kind: str) -> tuple[Entry, ...]:
        return self.kinds[kind].entries

    def kind_of(self, item_id: str) -> Kind:
        return self.kinds[self.get(item_id).kind]

    def vocabulary(self, kind: str) -> tuple[Entry, ...] | tuple[Word, ...]:
        """The slot values a kind stands for: a topic kind's entries, or the check's answers.

        KeyError for a kind no file defines.
        """
        if kind in self.kinds:
            return self.kinds[kind].entries
        if self.check is not None and kind == self.check.answer_kind:
            return self.check.answers
        raise KeyError(kind)

    def __iter__(self) -> Iterator[Entry]:
        for kind in self.kinds.values():
            yield from kind.entries


def normalise(phrase: str) -> str:
    """Lower case, single spaces, no surrounding punctuation: how Alexa's words compare."""
    return " ".join(phrase.lower().replace("-", " ").split()).strip(string.punctuation + " ")


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


class _Checker:
    """Collects where we are so every error says file, entry and line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, raw: Any, message: str, item: str | None = None) -> ContentError:
        line = raw.get(_LINE) if isinstance(raw, dict) else None
        where = f"{self.source}:{line}" if line else self.source
        label = f" entry '{item}'" if item else ""
        return ContentError(f"{where}:{label} {message}")

    def mapping(self, raw: Any, what: str, item: str | None = None) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(raw, f"{what} must be a mapping", item)
        return raw

    def keys(self, raw: dict[str, Any], required: set[str], allowed: set[str], item: str | None):
        present = set(raw) - {_LINE}
        for unknown in sorted(present - allowed, key=str):   # a misspelt key, named as written
            from difflib import get_close_matches

            guess = get_close_matches(str(unknown), sorted(allowed - present), n=1, cutoff=0.6)
            if guess:
                raise self.fail(raw, f"unknown field '{unknown}' (did you mean '{guess[0]}'?)",
                                item)
        for missing in sorted(required - present):
            raise self.fail(raw, f"missing field '{missing}'", item)
        for unknown in sorted(present - allowed):
            raise self.fail(raw, f"unknown field '{unknown}'", item)

    def text(self, raw: dict[str, Any], key: str, item: str | None, optional: bool = False):
        value = raw.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(raw, f"'{key}' must be non-empty text", item)
        return " ".join(value.split())

    def identifier(self, raw: dict[str, Any], item: str | None) -> str:
        value = raw.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(raw, "'id' must be lowercase letters, digits and underscores", item)
        return value


def _parse_entry(check: _Checker, raw: Any, kind: str) -> Entry:
    raw = check.mapping(raw, "an entry")
    item = raw.get("id") if isinstance(raw.get("id"), str) else None
    check.keys(raw, _ENTRY_REQUIRED, _ENTRY_KEYS, item)
    synonyms = raw.get("synonyms") or []
    if not isinstance(synonyms, list) or not all(isinstance(s, str) and s for s in synonyms):
        raise check.fail(raw, "'synonyms' must be a list of words", item)
    return Entry(
        id=check.identifier(raw, item),
        kind=kind,
        name=check.text(raw, "name", item),
        title=check.text(raw, "title", item),
        speech=check.text(raw, "speech", item),
        card=check.text(raw, "card", item),
        more=check.text(raw, "more", item, optional=True),
        synonyms=tuple(" ".join(s.split()) for s in synonyms),
    )


def _parse_overview(check: _Checker, raw: Any, kind: str) -> Overview:
    raw = check.mapping(raw, "'overview'")
    item = raw.get("id") if isinstance(raw.get("id"), str) else "overview"
    check.keys(raw, _OVERVIEW_REQUIRED, _OVERVIEW_KEYS, item)
    items = raw["items"]
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise check.fail(raw, "'items' must be a list of entry ids", item)
    return Overview(
        id=check.identifier(raw, item),
        kind=kind,
        title=check.text(raw, "title", item),
        speech=check.text(raw, "speech", item),
        list_intro=check.text(raw, "list_intro", item),
        items=tuple(items),
        card=check.text(raw, "card", item),
        more=check.text(raw, "more", item, optional=True),
    )


def _parse_kind(path: Path, parsed: _ParseCache | None = None) -> Kind:
    check = _Checker(path.name)
    raw = check.mapping(_read(path, parsed), "the file")
    check.keys(raw, {"kind", "entries"}, _KIND_KEYS, None)
    kind = raw["kind"]
    if not isinstance(kind, str) or not _ID.match(kind):
        raise check.fail(raw, "'kind' must be lowercase letters, digits and underscores")
    if not isinstance(raw["entries"], list) or not raw["entries"]:
        raise check.fail(raw, "'entries' must be a non-empty list")
    for flag in ("doctor_pointer", "emergency_first"):
        if not isinstance(raw.get(flag, False), bool):
            raise check.fail(raw, f"'{flag}' must be true or false")
    entries = tuple(_parse_entry(check, entry, kind) for entry in raw["entries"])
    overview = _parse_overview(check, raw["overview"], kind) if "overview" in raw else None
    if overview:
        known = {entry.id for entry in entries}
        for item in overview.items:
            if item not in known:
                raise check.fail(raw["overview"], f"lists '{item}', which is not in this file",
                                 overview.id)
    return Kind(
        name=kind,
        source=path.name,
        doctor_pointer=raw.get("doctor_pointer", False),
        emergency_first=raw.get("emergency_first", False),
        entries=entries,
        overview=overview,
    )


def _parse_messages(path: Path, parsed: _ParseCache | None = None) -> Messages:
    check = _Checker(path.name)
    raw = check.mapping(_read(path, parsed), "the file")
    check.keys(raw, {"default_locale", "locales", "acronyms", "messages"},
               {"default_locale", "locales", "acronyms", "messages"}, None)
    templates = check.mapping(raw["messages"], "'messages'")
    locales = check.mapping(raw["locales"], "'locales'")
    default = raw["default_locale"]
    if default not in locales:
        raise check.fail(raw, f"default_locale '{default}' has no entry under 'locales'")
    local_keys: set[str] | None = None
    clean_locales: dict[str, dict[str, str]] = {}
    for name, values in locales.items():
        if name == _LINE:
            continue
        values = {k: v for k, v in check.mapping(values, f"locale '{name}'").items() if k != _LINE}
        if local_keys is not None and set(values) != local_keys:
            raise check.fail(locales[name], "must define the same keys as the other locales", name)
        local_keys = set(values)
        clean_locales[name] = {k: str(v) for k, v in values.items()}
    clean: dict[str, str] = {}
    formatter = string.Formatter()
    for key, template in templates.items():
        if key == _LINE:
            continue
        if not isinstance(template, str) or not template.strip():
            raise check.fail(templates, "must be non-empty text", key)
        for _, placeholder, _, _ in formatter.parse(template):
            if placeholder is not None and not placeholder.isidentifier():
                raise check.fail(templates, f"has a bad placeholder '{{{placeholder}}}'", key)
        clean[key] = " ".join(template.split())
    acronyms = raw["acronyms"]
    if not isinstance(acronyms, list) or not all(isinstance(a, str) for a in acronyms):
        raise check.fail(raw, "'acronyms' must be a list of words")
    return Messages(clean, clean_locales, tuple(acronyms), default)


def _parse_step(check: _Checker, raw: Any, what: str, needs_sign: bool) -> CheckStep:
    raw = check.mapping(raw, what)
    item = raw.get("id") if isinstance(raw.get("id"), str) else what
    required = {"id", "question", "reprompt"} | ({"sign", "tests"} if needs_sign else set())
    check.keys(raw, required, required, item)
    tests = raw.get("tests") or []
    if needs_sign and (not isinstance(tests, list) or not tests
                       or not all(isinstance(t, str) for t in tests)):
        raise check.fail(raw, "'tests' must be a non-empty list of test ids", item)
    return CheckStep(
        id=check.identifier(raw, item),
        question=check.text(raw, "question", item),
        reprompt=check.text(raw, "reprompt", item),
        sign=check.text(raw, "sign", item) if needs_sign else None,
        tests=tuple(tests),
    )


def _parse_words(check: _Checker, raw: Any) -> tuple[str, tuple[Word, ...], dict[str, str]]:
    raw = check.mapping(raw, "'answers'")
    check.keys(raw, {"kind", "values"}, {"kind", "values"}, "answers")
    kind = raw["kind"]
    if not isinstance(kind, str) or not _ID.match(kind):
        raise check.fail(raw, "'kind' must be lowercase letters, digits and underscores",
                         "answers")
    if not isinstance(raw["values"], list):
        raise check.fail(raw, "'values' must be a list", "answers")
    words: list[Word] = []
    by_phrase: dict[str, str] = {}
    for value in raw["values"]:
        value = check.mapping(value, "an answer")
        item = value.get("id") if isinstance(value.get("id"), str) else None
        check.keys(value, {"id", "name"}, {"id", "name", "synonyms"}, item)
        synonyms = value.get("synonyms") or []
        if not isinstance(synonyms, list) or not all(isinstance(s, str) and s for s in synonyms):
            raise check.fail(value, "'synonyms' must be a list of words", item)
        word = Word(check.identifier(value, item), check.text(value, "name", item),
                    tuple(" ".join(s.split()) for s in synonyms))
        for phrase in (word.name, *word.synonyms):
            said = normalise(phrase)
            if said in by_phrase:
                raise check.fail(value, f"says '{phrase}', already said for '{by_phrase[said]}'",
                                 word.id)
            by_phrase[said] = word.id
        words.append(word)
    if sorted(w.id for w in words) != sorted(_CHECK_ANSWERS):
        raise check.fail(raw, f"'values' must be exactly the ids {', '.join(_CHECK_ANSWERS)}",
                         "answers")
    return kind, tuple(words), by_phrase


def _parse_check(path: Path, parsed: _ParseCache | None = None) -> SymptomCheck:
    """The symptom check file: answer words, the emergency screen, the steps, the outcomes."""
    check = _Checker(path.name)
    raw = check.mapping(_read(path, parsed), "the file")
    check.keys(raw, _CHECK_KEYS, _CHECK_KEYS, None)
    answer_kind, answers, by_phrase = _parse_words(check, raw["answers"])
    emergency = _parse_step(check, raw["emergency"], "'emergency'", needs_sign=False)
    steps_raw = raw["steps"]
    if not isinstance(steps_raw, list) or not 1 <= len(steps_raw) <= _CHECK_MAX_STEPS:
        raise check.fail(raw, f"'steps' must list one to {_CHECK_MAX_STEPS} questions")
    steps = tuple(_parse_step(check, step, "a step", needs_sign=True) for step in steps_raw)
    seen = {emergency.id}
    for step, step_raw in zip(steps, steps_raw, strict=True):
        if step.id in seen:
            raise check.fail(step_raw, "id already used by another question", step.id)
        seen.add(step.id)
    outcomes_raw = check.mapping(raw["outcomes"], "'outcomes'")
    check.keys(outcomes_raw, set(_CHECK_OUTCOMES), set(_CHECK_OUTCOMES), "outcomes")
    outcomes: dict[str, CheckOutcome] = {}
    for name in _CHECK_OUTCOMES:
        outcome = check.mapping(outcomes_raw[name], f"outcome '{name}'", name)
        check.keys(outcome, {"title", "speech", "card"}, {"title", "speech", "card"}, name)
        outcomes[name] = CheckOutcome(check.text(outcome, "title", name),
                                      check.text(outcome, "speech", name),
                                      check.text(outcome, "card", name))
    return SymptomCheck(path.name, answer_kind, answers, emergency, steps, outcomes, by_phrase)


def _link_check(check: SymptomCheck, kinds: Mapping[str, Kind],
                by_id: Mapping[str, Entry | Overview]) -> None:
    """The check names tests by id and its answers become a slot kind: both must fit the rest."""
    if check.answer_kind in kinds:
        raise ContentError(f"{check.source}: answers kind '{check.answer_kind}' is also defined "
                           f"in {kinds[check.answer_kind].source}")
    for step in check.steps:
        for test in step.tests:
            item = by_id.get(test)
            if not isinstance(item, Entry) or item.kind != _CHECK_TEST_KIND:
                raise ContentError(f"{check.source}: entry '{step.id}': test '{test}' is not an "
                                   f"entry of kind '{_CHECK_TEST_KIND}'")


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
    by_id: dict[str, Entry | Overview] = {}
    by_phrase: dict[tuple[str, str], Entry] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in (MESSAGES_FILE, CHECK_FILE):
            continue
        kind = _parse_kind(path, parsed)
        if kind.name in kinds:
            raise ContentError(f"{path.name}: kind '{kind.name}' is also defined in "
                               f"{kinds[kind.name].source}")
        kinds[kind.name] = kind
        items: list[Entry | Overview] = [*kind.entries, *([kind.overview] if kind.overview else [])]
        for item in items:
            if item.id in by_id:
                raise ContentError(f"{path.name}: entry '{item.id}': id already used in "
                                   f"{kinds[by_id[item.id].kind].source}")
            by_id[item.id] = item
        for entry in kind.entries:
            for phrase in (entry.name, *entry.synonyms):
                key = (kind.name, normalise(phrase))
                if key in by_phrase:
                    raise ContentError(
                        f"{path.name}: entry '{entry.id}': '{phrase}' is already said for "
                        f"'{by_phrase[key].id}'")
                by_phrase[key] = entry
    if not kinds:
        raise ContentError(f"no content files in {directory}")
    check = None
    if (directory / CHECK_FILE).is_file():
        check = _parse_check(directory / CHECK_FILE, parsed)
        _link_check(check, kinds, by_id)
    if parsed is not None:
        parsed.save()
    return Content(kinds=kinds, messages=messages, _by_id=by_id, _by_phrase=by_phrase,
                   check=check)


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
