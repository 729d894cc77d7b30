"""Turns content into what the skill says: one `Answer` per turn, and its SSML.

Every spoken rule lives here, once: the emergency line goes first, the doctor pointer goes last,
lists are spoken three items at a time with an offer of the rest, acronyms are spelled out, and
text is escaped for SSML. Handlers choose *what* to answer; this module decides *how* it sounds.
It imports nothing from the ASK SDK, so it is tested and benchmarked on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from skill.content import Content, Entry, Overview

LIST_PAGE = 3  # never speak more than three list items without offering the rest

# A follow-up says what "more" / "yes" continues with; it travels in the session attributes.
MORE = "more"  # {"more": item_id}: speak the entry's `more` text
LIST = "list"  # {"list": overview_id, "offset": n}: speak the next page of the overview's list


@dataclass(frozen=True)
class Answer:
    """One turn of the skill: plain text (no SSML yet), with what may follow it.

    `reprompt=None` means the session ends. `title`/`card` feed the Alexa app card and the screen.
    """

    speech: str
    reprompt: str | None
    title: str | None = None
    card: str | None = None
    follow_up: dict[str, Any] | None = None
    topic: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """For the session. Not dataclasses.asdict, whose deep copy cost every request ~5%."""
        data = {key: getattr(self, key) for key in self.__dataclass_fields__}
        if self.follow_up is not None:
            data["follow_up"] = dict(self.follow_up)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """An answer back from the session; TypeError if it is not one this skill could have
        made (session attributes return from the client: they are checked, not trusted)."""
        values = {key: data.get(key) for key in cls.__dataclass_fields__}
        for key, value in values.items():
            kind = dict if key == "follow_up" else str
            if not isinstance(value, kind) and (value is not None or key == "speech"):
                raise TypeError(f"a stored answer's '{key}' is not {kind.__name__}")
        return cls(**values)


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def spoken_list(names: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c': how a list sounds."""
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])}, and {names[-1]}"


class Speaker:
    """Builds answers for one locale from the loaded content."""

    def __init__(self, content: Content, locale: str | None = None) -> None:
        self.content = content
        self.locale = locale
        self.messages = content.messages

    def say(self, key: str, **values: Any) -> str:
        return self.messages.text(key, self.locale, **values)

    def message(self, key: str, reprompt: str | None = "anything_else", **values: Any) -> Answer:
        """A line of the skill's own (welcome, help...); reprompt=None ends the session."""
        return Answer(self.say(key, **values), self.say(reprompt, **values) if reprompt else None)

    # --- topics -------------------------------------------------------------------------------

    def answer(self, item_id: str) -> Answer:
        """The first answer about an entry or an overview."""
        item = self.content.get(item_id)
        if isinstance(item, Overview):
            return self._list_page(item, 0, first=True)
        if item.more:
            follow, reprompt = {MORE: item.id}, "offer_more_reprompt"
            closing = self.say("offer_more")
        else:
            follow, reprompt, closing = None, "anything_else", None
        return self._safe(item, item.speech, closing, reprompt, follow, first=True)

    def follow_up(self, follow: dict[str, Any] | None) -> Answer | None:
        """What "more" or "yes" continues with; None when nothing is pending."""
        if not follow:
            return None
        try:
            if MORE in follow:
                item = self.content.get(str(follow[MORE]))
                if not item.more:
                    return None
                return self._safe(item, item.more, self.say("anything_else"), "anything_else",
                                  None, first=False)
            if LIST in follow:
                overview = self.content.get(str(follow[LIST]))
                offset = int(follow.get("offset", 0))
                if isinstance(overview, Overview) and 0 < offset < len(overview.items):
                    return self._list_page(overview, offset, first=False)
        except (KeyError, TypeError, ValueError):
            return None  # a stale or tampered session attribute is not worth a crash
        return None

    def not_covered(self, kind: str, heard: str) -> Answer:
        """An honest "I don't cover that", with three things of the same kind that I do cover."""
        overview = self.content.kinds[kind].overview
        ids = overview.items if overview else [e.id for e in self.content.entries(kind)]
        examples = spoken_list([self.content.get(i).name for i in ids[:LIST_PAGE]])
        return self.message("not_covered", "not_covered_reprompt", heard=heard, examples=examples)

    def tip(self, tip: Entry) -> Answer:
        return Answer(
            speech=_join(self.say("tip_intro"), tip.speech, self.say("anything_else")),
            reprompt=self.say("anything_else"),
            title=self.say("tip_card_title"),
            card=tip.card,
            topic=tip.id,
        )

    # --- the shared shapes ----------------------------------------------------------------------

    def _safe(self, item: Entry | Overview, text: str, closing: str | None, reprompt: str,
              follow: dict[str, Any] | None, first: bool) -> Answer:
        """Wrap a topic's text in the safety lines its kind demands.

        The emergency line opens the first answer of an emergency-first kind (a continuation
        follows it in the same breath); the doctor pointer closes every answer of its kinds.
        """
        kind = self.content.kinds[item.kind]
        emergency = self.say("emergency") if kind.emergency_first and first else None
        doctor = self.say("doctor_pointer") if kind.doctor_pointer else None
        card = _join(self.say("emergency_card") if kind.emergency_first else None, item.card)
        return Answer(
            speech=_join(emergency, text, doctor, closing),
            reprompt=self.say(reprompt),
            title=item.title,
            card=card,
            follow_up=follow,
            topic=item.id,
        )

    def _list_page(self, overview: Overview, offset: int, first: bool) -> Answer:
        items = overview.items
        page = [self.content.get(i).name for i in items[offset:offset + LIST_PAGE]]
        left = len(items) - offset - len(page)
        if first:
            listing = f"{overview.list_intro} {spoken_list(page)}."
        else:
            intro = self.say("list_last_intro" if left == 0 else "list_next_intro")
            listing = f"{intro} {spoken_list(page)}."
        if left:
            closing = self.say("list_more_one") if left == 1 else self.say("list_more_many",
                                                                            count=left)
            follow: dict[str, Any] | None = {LIST: overview.id, "offset": offset + len(page)}
            reprompt = "offer_more_reprompt"
        else:
            closing, follow, reprompt = self.say("list_done"), None, "anything_else"
        text = _join(overview.speech, listing) if first else listing
        return self._safe(overview, text, closing, reprompt, follow, first)


# --- SSML ---------------------------------------------------------------------------------------

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_ESCAPE = re.compile("[&<>\"]")
# What XML cannot carry at all, escaped or not (controls, lone surrogates, non-characters):
# a slot value holding one would otherwise make the whole response unreadable to Alexa.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Escape text for SSML (stdlib's xml.sax.saxutils would pull urllib into a cold start)."""
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group()], _NOT_XML.sub("", text))


def to_ssml(text: str, acronyms: tuple[str, ...] = ()) -> str:
    """Plain text to the inside of a <speak> element, with acronyms spelled letter by letter."""
    ssml = escape(text)
    if acronyms:
        ssml = _acronym_pattern(acronyms).sub(r'<say-as interpret-as="characters">\1</say-as>',
                                               ssml)
    return ssml


@cache
def _acronym_pattern(acronyms: tuple[str, ...]) -> re.Pattern[str]:
    """Built once per list of acronyms, not once per answer."""
    return re.compile(r"\b(" + "|".join(re.escape(a) for a in acronyms) + r")\b")
