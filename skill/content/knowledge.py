"""The loaded knowledge base: look-ups by id and by what people say, and each locale's words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from skill.content.records import (
    ContentError,
    Entry,
    Kind,
    Local,
    Messages,
    Overview,
    SymptomCheck,
    Word,
    normalise,
)


class Content:
    """The loaded knowledge base, indexed for the handlers: immutable once made.

    Written out rather than a frozen dataclass: every cold start defines this class, and
    generating a frozen dataclass's methods (compiling each one) cost it about a millisecond.
    Equality compares what was loaded, never the caches (`_base`, `_localised`).
    """

    __slots__ = ("_base", "_by_id", "_by_phrase", "_emergency", "_emergency_signs", "_localised",
                 "check", "kinds", "locale", "messages")

    kinds: Mapping[str, Kind]
    messages: Messages
    _by_id: Mapping[str, Entry | Overview]
    _by_phrase: Mapping[tuple[str, str], Entry]
    check: SymptomCheck | None
    locale: str | None  # the locale for_locale() made this for; None: as written
    _base: Content | None  # the content as written, for a localised one
    _localised: dict[str, Content]  # for_locale's results, made on first use
    _emergency: Entry | None  # see `emergency`
    _emergency_signs: tuple[str, ...]  # see names_emergency: normalised once, not per request

    def __init__(self, kinds: Mapping[str, Kind], messages: Messages,
                 _by_id: Mapping[str, Entry | Overview],
                 _by_phrase: Mapping[tuple[str, str], Entry], check: SymptomCheck | None = None,
                 locale: str | None = None, _base: Content | None = None) -> None:
        emergency = next((entry for kind in kinds.values() for entry in kind.entries
                          if entry.emergency), None)
        signs = () if emergency is None else tuple(
            f" {normalise(sign)} " for sign in (emergency.name, *emergency.synonyms,
                                                *emergency.signs) if len(sign.split()) > 1)
        for name, value in (("kinds", kinds), ("messages", messages), ("_by_id", _by_id),
                            ("_by_phrase", _by_phrase), ("check", check), ("locale", locale),
                            ("_base", _base), ("_localised", {}), ("_emergency", emergency),
                            ("_emergency_signs", signs)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Content is immutable: cannot set '{name}'")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Content is immutable: cannot delete '{name}'")

    def _compared(self) -> tuple[object, ...]:
        return self.kinds, self.messages, self._by_id, self._by_phrase, self.check, self.locale

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # equal by value, and it holds dicts

    def __repr__(self) -> str:
        return (f"Content(kinds={self.kinds!r}, messages={self.messages!r}, "
                f"check={self.check!r}, locale={self.locale!r})")

    def for_locale(self, locale: str | None) -> Content:
        """The content as `locale`'s people say it and hear it: each entry with that locale's
        extra synonyms (its slot values, and `find`), and every text with its spoken words
        swapped in. Made once per locale, on first use (the loader has already checked every
        locale's synonyms); a locale with no words of its own gets the same texts.
        """
        base = self._base or self
        if not locale:
            return base
        localised = base._localised.get(locale)
        if localised is None:  # two threads may both make it: setdefault keeps one for both
            localised = base._localised.setdefault(locale, _localise(base, locale))
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
        return self._emergency

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
        if not phrase:
            return False
        said = f" {normalise(phrase)} "
        return any(sign in said for sign in self._emergency_signs)

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
        if phrase in text:   # most texts hold none of a locale's phrases: nothing to scan
            text = _replace_whole(text, phrase, instead)
    return text


def _is_word_character(character: str) -> bool:
    """What a regular expression's \\w matches in text: a letter or digit (str.isalnum), or _."""
    return character.isalnum() or character == "_"


def _replace_whole(text: str, phrase: str, instead: str) -> str:
    """`text` with `phrase` replaced wherever no word character touches it on either side.

    What re.sub(r"(?<!\\w)phrase(?!\\w)", ...) does, scanning left to right the same way, without
    compiling a pattern per phrase: the first answer in a locale localises every text of it, and
    those compiles were a noticeable part of a cold start.
    """
    pieces: list[str] = []
    done = 0
    found = text.find(phrase)
    while found != -1:
        end = found + len(phrase)
        if ((found == 0 or not _is_word_character(text[found - 1]))
                and (end == len(text) or not _is_word_character(text[end]))):
            pieces += (text[done:found], instead)
            done = end
            found = text.find(phrase, end)
        else:
            found = text.find(phrase, found + 1)
    return "".join(pieces) + text[done:] if pieces else text


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
            if not say and not local.synonyms:   # most entries: the same words everywhere
                entries.append(entry)
                continue
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
    by_id, by_phrase = _reindex(content, kinds, locale)
    return Content(kinds=kinds, messages=content.messages, _by_id=by_id, _by_phrase=by_phrase,
                   check=content.check, locale=locale, _base=content)


def _reindex(content: Content, kinds: Mapping[str, Kind], locale: str
             ) -> tuple[dict[str, Entry | Overview], dict[tuple[str, str], Entry]]:
    """The written content's index with this locale's entries put in, and its added synonyms."""
    local = {item.id: item for kind in kinds.values()
             for item in (*kind.entries, *([kind.overview] if kind.overview else []))}
    by_id = {item_id: local[item_id] for item_id in content._by_id}
    by_phrase = {key: local[entry.id] for key, entry in content._by_phrase.items()}
    for key, entry_id in added_phrases(content, locale).items():
        by_phrase[key] = local[entry_id]  # type: ignore[assignment]
    return by_id, by_phrase


def added_phrases(content: Content, locale: str) -> dict[tuple[str, str], str]:
    """(kind, phrase) -> entry id for what `locale` adds to the written synonyms, each checked
    unique within its kind in this locale too (ContentError naming file and entry).

    Only the added synonyms are normalised: the loader runs this for every locale, so a broken
    locale fails the load while each locale's texts are still localised on first use.
    """
    added: dict[tuple[str, str], str] = {}
    for kind in content.kinds.values():
        for entry in kind.entries:
            if not entry.locales:   # most entries: nothing of any locale's own
                continue
            for phrase in _local(entry.locales, locale).synonyms:
                key = (kind.name, normalise(phrase))
                said = added.get(key) or getattr(content._by_phrase.get(key), "id", None)
                if said is not None:
                    raise ContentError(
                        f"{kind.source}: entry '{entry.id}': '{phrase}' is already said for "
                        f"'{said}' in {locale}")
                added[key] = entry.id
    return added


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
