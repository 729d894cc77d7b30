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
from collections.abc import Collection, Iterator, Mapping
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

_KIND_KEYS = {"kind", "doctor_pointer", "emergency_first", "sensitive", "overview", "entries",
              "locales"}
_ENTRY_REQUIRED = {"id", "name", "title", "speech", "card"}
_ENTRY_KEYS = _ENTRY_REQUIRED | {"synonyms", "more", "locales", "sensitive", "emergency",
                                  "signs"}
_OVERVIEW_REQUIRED = {"id", "title", "speech", "list_intro", "items", "card"}
_OVERVIEW_KEYS = _OVERVIEW_REQUIRED | {"more", "groups"}
_GROUP_KEYS = {"name", "items"}
_LOCAL_ENTRY_KEYS = {"synonyms", "say"}  # what an entry may change for one locale
_LOCAL_KIND_KEYS = {"say"}  # what a whole file may change for one locale
_CHECK_KEYS = {"answers", "emergency", "steps", "outcomes"}
_CHECK_ANSWERS = ("yes", "no", "unsure")  # the handlers act on these ids, so they are fixed
# The check's emergency ending is the emergency entry's answer (one answer, however reached).
_CHECK_OUTCOMES = ("see_doctor", "no_signs")
# A short check: the emergency screen, then at most six questions (about a minute of yes / no);
# symptom_check.yaml says why each one is there.
_CHECK_MAX_STEPS = 6
_CHECK_TEST_KIND = "test"  # steps name the tests a doctor may use by their tests.yaml ids


class ContentError(ValueError):
    """A content file is broken; the message names the file, the entry and the line."""


class Local(NamedTuple):
    """What one locale's people say differently: more synonyms (what they call a thing, such as
    "motor neurone disease" for ALS) and spoken words swapped in every text ("GP" for "doctor")."""

    synonyms: tuple[str, ...] = ()
    say: tuple[tuple[str, str], ...] = ()  # (phrase as written, what this locale says instead)


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
    sensitive: bool = False  # never named aloud unasked (welcome back), whatever its kind says
    emergency: bool = False  # answered with the call instruction, then the session ends
    signs: tuple[str, ...] = ()  # emergency only: words that, heard in any slot, mean emergency
    locales: tuple[tuple[str, Local], ...] = ()  # (locale, its words): see Content.for_locale


class Group(NamedTuple):
    """Several overview items spoken as one ("weakness or shrinking muscles"), so a list of six
    signs can be heard whole as three items instead of paged."""

    name: str
    items: tuple[str, ...]


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
    groups: tuple[Group, ...] = ()  # when given: what is spoken, covering every item in order


class Kind(NamedTuple):
    """All entries of one kind, with the safety rules that apply to every one of them."""

    name: str
    source: str
    doctor_pointer: bool
    emergency_first: bool
    entries: tuple[Entry, ...]
    overview: Overview | None = None
    locales: tuple[tuple[str, Local], ...] = ()  # words swapped in every text of the file
    sensitive: bool = False  # health matters a household should not overhear unasked


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
    """One yes/no question of the symptom check; `sign`, `tests` and `advice` feed the outcome.

    `advice` is what to do about this sign in particular (a new medicine: the prescriber), spoken
    in the outcome whenever the sign came up.
    """

    id: str
    question: str
    reprompt: str
    sign: str | None = None
    tests: tuple[str, ...] = ()
    advice: str | None = None


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
    locale: str | None = None  # the locale for_locale() made this for; None: as written
    _base: Content | None = field(default=None, repr=False, compare=False)
    _localised: dict[str, Content] = field(default_factory=dict, repr=False, compare=False)

    def for_locale(self, locale: str | None) -> Content:
        """The content as `locale`'s people say it and hear it: each entry with that locale's
        extra synonyms (its slot values, and `find`), and every text with its spoken words
        swapped in. Made once per locale; a locale with no words of its own gets the same texts.
        """
        base = self._base or self
        if not locale:
            return base
        localised = base._localised.get(locale)
        if localised is None:
            localised = base._localised[locale] = _localise(base, locale)
        return localised

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

    @property
    def emergency(self) -> Entry | None:
        """The entry answered with the call instruction (the loader allows at most one)."""
        return next((entry for entry in self if entry.emergency), None)

    def is_emergency(self, item_id: str) -> bool:
        """Whether `item_id` is the emergency answer: never stored, never resumed."""
        item = self._by_id.get(item_id)
        return isinstance(item, Entry) and item.emergency

    def names_emergency(self, phrase: str) -> bool:
        """Whether words heard in any slot name an emergency sign among others ("weakness and
        slurred speech", "twitching and i can't breathe"): then the emergency answer wins.

        Read from the emergency entry's name, synonyms and `signs` of two words or more, found
        whole words: a lone word ("emergency") is too often part of a question about twitching.
        The signs are not slot values: a statement of a sign belongs to EmergencyIntent alone.
        """
        entry = self.emergency
        if entry is None or not phrase:
            return False
        said = f" {normalise(phrase)} "
        signs = (entry.name, *entry.synonyms, *entry.signs)
        return any(f" {normalise(sign)} " in said for sign in signs if len(sign.split()) > 1)

    def is_sensitive(self, item_id: str) -> bool:
        """Whether naming `item_id` aloud unasked could tell a household about someone's health.

        From the data: the kind's `sensitive` flag, the entry's own, or an emergency. An id the
        content no longer knows counts as sensitive: what cannot be checked is not spoken.
        """
        item = self._by_id.get(item_id)
        if item is None:
            return True
        own = isinstance(item, Entry) and (item.sensitive or item.emergency)
        return own or self.kinds[item.kind].sensitive

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


def _swap(text: str, say: tuple[tuple[str, str], ...]) -> str:
    """`text` with each whole phrase of `say` replaced by what the locale says instead."""
    for phrase, instead in say:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", lambda _, word=instead: word, text)
    return text


def _local(locales: tuple[tuple[str, Local], ...], locale: str) -> Local:
    return next((words for name, words in locales if name == locale), Local())


def _localise(content: Content, locale: str) -> Content:
    """Content.for_locale: file-wide words apply after an entry's own (the more specific first)."""
    kinds: dict[str, Kind] = {}
    for name, kind in content.kinds.items():
        file_say = _local(kind.locales, locale).say
        entries = []
        for entry in kind.entries:
            local = _local(entry.locales, locale)
            say = (*local.say, *file_say)
            entries.append(entry._replace(
                synonyms=(*entry.synonyms, *local.synonyms), title=_swap(entry.title, say),
                speech=_swap(entry.speech, say), card=_swap(entry.card, say),
                more=_swap(entry.more, say) if entry.more else None))
        overview = kind.overview
        if overview and file_say:
            overview = overview._replace(
                title=_swap(overview.title, file_say), speech=_swap(overview.speech, file_say),
                list_intro=_swap(overview.list_intro, file_say),
                card=_swap(overview.card, file_say),
                more=_swap(overview.more, file_say) if overview.more else None,
                groups=tuple(g._replace(name=_swap(g.name, file_say)) for g in overview.groups))
        kinds[name] = kind._replace(entries=tuple(entries), overview=overview)
    by_id, by_phrase = _index(kinds, locale)
    return Content(kinds=kinds, messages=content.messages, _by_id=by_id, _by_phrase=by_phrase,
                   check=content.check, locale=locale, _base=content)


def _index(kinds: Mapping[str, Kind], locale: str | None = None
           ) -> tuple[dict[str, Entry | Overview], dict[tuple[str, str], Entry]]:
    """Entries by id (unique across files) and by what people say (unique within a kind)."""
    by_id: dict[str, Entry | Overview] = {}
    by_phrase: dict[tuple[str, str], Entry] = {}
    where = f" in {locale}" if locale else ""
    for kind in kinds.values():
        items: list[Entry | Overview] = [*kind.entries, *([kind.overview] if kind.overview else [])]
        for item in items:
            if item.id in by_id:
                raise ContentError(f"{kind.source}: entry '{item.id}': id already used in "
                                   f"{kinds[by_id[item.id].kind].source}")
            by_id[item.id] = item
        for entry in kind.entries:
            for phrase in (entry.name, *entry.synonyms):
                key = (kind.name, normalise(phrase))
                if key in by_phrase:
                    raise ContentError(
                        f"{kind.source}: entry '{entry.id}': '{phrase}' is already said for "
                        f"'{by_phrase[key].id}'{where}")
                by_phrase[key] = entry
    return by_id, by_phrase


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

    def flag(self, raw: dict[str, Any], key: str, item: str | None = None) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(raw, f"'{key}' must be true or false", item)
        return value

    def identifier(self, raw: dict[str, Any], item: str | None) -> str:
        value = raw.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(raw, "'id' must be lowercase letters, digits and underscores", item)
        return value


def _words(check: _Checker, raw: dict[str, Any], key: str, item: str | None) -> tuple[str, ...]:
    words = raw.get(key) or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise check.fail(raw, f"'{key}' must be a list of words", item)
    return tuple(" ".join(w.split()) for w in words)


def _parse_locales(check: _Checker, raw: dict[str, Any], item: str | None, allowed: set[str],
                   known: Collection[str]) -> tuple[tuple[str, Local], ...]:
    """An entry's or a file's `locales:` block: locale -> synonyms and/or `say` (phrase ->
    what that locale says instead). Only the skill's locales (messages.yaml) are allowed."""
    if raw.get("locales") is None:
        return ()
    block = check.mapping(raw["locales"], "'locales'", item)
    locales = []
    for locale, words in block.items():
        if locale == _LINE:
            continue
        if locale not in known:
            raise check.fail(block, f"unknown locale '{locale}' under 'locales' (the skill's "
                                    f"locales are {', '.join(sorted(known))})", item)
        words = check.mapping(words, f"locale '{locale}'", item)
        check.keys(words, set(), allowed, item)
        say = check.mapping(words.get("say") or {}, f"'say' of locale '{locale}'", item)
        pairs = []
        for phrase, instead in say.items():
            if phrase == _LINE:
                continue
            if not (isinstance(phrase, str) and phrase.strip() and isinstance(instead, str)
                    and instead.strip()):
                raise check.fail(say, f"'say' of locale '{locale}' must map words to words", item)
            pairs.append((" ".join(phrase.split()), " ".join(instead.split())))
        local = Local(_words(check, words, "synonyms", item), tuple(pairs))
        if not local.synonyms and not local.say:
            raise check.fail(words, f"locale '{locale}' changes nothing", item)
        locales.append((str(locale), local))
    return tuple(locales)


def _check_said(check: _Checker, raw: dict[str, Any], item: str | None,
                locales: tuple[tuple[str, Local], ...], texts: list[str | None]) -> None:
    """A phrase to swap must be in a text it applies to: a typo must not silently do nothing."""
    for locale, local in locales:
        for phrase, _ in local.say:
            if not any(text and _swap(text, ((phrase, "\0"),)) != text for text in texts):
                raise check.fail(raw, f"locale '{locale}' says '{phrase}' differently, but no "
                                      "text here has those words", item)


def _texts(item: Entry | Overview) -> list[str | None]:
    groups = [group.name for group in item.groups] if isinstance(item, Overview) else []
    return [item.title, item.speech, item.card, item.more, getattr(item, "list_intro", None),
            *groups]


def _parse_entry(check: _Checker, raw: Any, kind: str, known: Collection[str] = ()) -> Entry:
    raw = check.mapping(raw, "an entry")
    item = raw.get("id") if isinstance(raw.get("id"), str) else None
    check.keys(raw, _ENTRY_REQUIRED, _ENTRY_KEYS, item)
    entry = Entry(
        id=check.identifier(raw, item),
        kind=kind,
        name=check.text(raw, "name", item),
        title=check.text(raw, "title", item),
        speech=check.text(raw, "speech", item),
        card=check.text(raw, "card", item),
        more=check.text(raw, "more", item, optional=True),
        synonyms=_words(check, raw, "synonyms", item),
        locales=_parse_locales(check, raw, item, _LOCAL_ENTRY_KEYS, known),
        sensitive=check.flag(raw, "sensitive", item),
        emergency=check.flag(raw, "emergency", item),
        signs=_words(check, raw, "signs", item),
    )
    _check_said(check, raw, item, entry.locales, _texts(entry))
    return entry


def _parse_groups(check: _Checker, raw: dict[str, Any], item: str, items: list[str]
                  ) -> tuple[Group, ...]:
    """Spoken groups must cover the overview's items exactly, in order: every sign is heard."""
    if raw.get("groups") is None:
        return ()
    if not isinstance(raw["groups"], list) or not raw["groups"]:
        raise check.fail(raw, "'groups' must be a list of groups", item)
    groups = []
    for group in raw["groups"]:
        group = check.mapping(group, "a group", item)
        check.keys(group, _GROUP_KEYS, _GROUP_KEYS, item)
        members = group["items"]
        if not isinstance(members, list) or not members or not all(
                isinstance(member, str) for member in members):
            raise check.fail(group, "a group's 'items' must be a list of entry ids", item)
        groups.append(Group(check.text(group, "name", item), tuple(members)))
    if [member for group in groups for member in group.items] != items:
        raise check.fail(raw, "'groups' must name every one of 'items' once, in the same order",
                         item)
    return tuple(groups)


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
        groups=_parse_groups(check, raw, item, items),
    )


def _parse_kind(path: Path, parsed: _ParseCache | None = None, known: Collection[str] = ()
                ) -> Kind:
    check = _Checker(path.name)
    raw = check.mapping(_read(path, parsed), "the file")
    check.keys(raw, {"kind", "entries"}, _KIND_KEYS, None)
    kind = raw["kind"]
    if not isinstance(kind, str) or not _ID.match(kind):
        raise check.fail(raw, "'kind' must be lowercase letters, digits and underscores")
    if not isinstance(raw["entries"], list) or not raw["entries"]:
        raise check.fail(raw, "'entries' must be a non-empty list")
    for flag in ("doctor_pointer", "emergency_first", "sensitive"):
        check.flag(raw, flag)
    entries = tuple(_parse_entry(check, entry, kind, known) for entry in raw["entries"])
    for entry, entry_raw in zip(entries, raw["entries"], strict=True):
        if entry.emergency and entry.more:  # the emergency answer ends the session: no "more"
            raise check.fail(entry_raw, "an emergency entry cannot have 'more'", entry.id)
        if entry.signs and not entry.emergency:
            raise check.fail(entry_raw, "only the emergency entry has 'signs'", entry.id)
    overview = _parse_overview(check, raw["overview"], kind) if "overview" in raw else None
    locales = _parse_locales(check, raw, None, _LOCAL_KIND_KEYS, known)
    _check_said(check, raw, None, locales, [text for item in (*entries, overview) if item
                                           for text in _texts(item)])
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
        locales=locales,
        sensitive=raw.get("sensitive", False),
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
    """A question. A sign's step names tests a doctor may use, or advice of its own, or both:
    an outcome that flags it must always say what comes next."""
    raw = check.mapping(raw, what)
    item = raw.get("id") if isinstance(raw.get("id"), str) else what
    required = {"id", "question", "reprompt"} | ({"sign"} if needs_sign else set())
    check.keys(raw, required, required | ({"tests", "advice"} if needs_sign else set()), item)
    tests = raw.get("tests", [])
    if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
        raise check.fail(raw, "'tests' must be a list of test ids", item)
    advice = check.text(raw, "advice", item, optional=True) if needs_sign else None
    if needs_sign and not tests and advice is None:
        raise check.fail(raw, "needs 'tests' or 'advice' (what comes next for this sign)", item)
    return CheckStep(
        id=check.identifier(raw, item),
        question=check.text(raw, "question", item),
        reprompt=check.text(raw, "reprompt", item),
        sign=check.text(raw, "sign", item) if needs_sign else None,
        tests=tuple(tests),
        advice=advice,
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
    """The check names tests by id, its answers become a slot kind, and its emergency ending is
    the emergency entry's answer: all three must fit the rest."""
    if check.answer_kind in kinds:
        raise ContentError(f"{check.source}: answers kind '{check.answer_kind}' is also defined "
                           f"in {kinds[check.answer_kind].source}")
    for step in check.steps:
        for test in step.tests:
            item = by_id.get(test)
            if not isinstance(item, Entry) or item.kind != _CHECK_TEST_KIND:
                raise ContentError(f"{check.source}: entry '{step.id}': test '{test}' is not an "
                                   f"entry of kind '{_CHECK_TEST_KIND}'")
    if not any(isinstance(item, Entry) and item.emergency for item in by_id.values()):
        raise ContentError(f"{check.source}: the emergency screen needs an entry marked "
                           f"'emergency: true' to answer with")


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
    for path in sorted(directory.glob("*.yaml")):
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
        content.for_locale(locale)
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
