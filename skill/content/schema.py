"""The content schema: every rule a file must keep, each failure naming file, entry and line."""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from skill.content.knowledge import _swap
from skill.content.records import (
    CheckOutcome,
    CheckStep,
    ContentError,
    Entry,
    Group,
    Kind,
    Local,
    Messages,
    Overview,
    SymptomCheck,
    Word,
    normalise,
)
from skill.content.yaml_source import _LINE, _ParseCache, _read

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

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
    # One pass (every cold start runs this over ~800 words): a word that is not text, or is
    # only whitespace, comes out empty.
    cleaned = [" ".join(w.split()) if isinstance(w, str) else "" for w in words] \
        if isinstance(words, list) else None
    if cleaned is None or not all(cleaned):
        raise check.fail(raw, f"'{key}' must be a list of words", item)
    return tuple(cleaned)


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
