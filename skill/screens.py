"""What an answer looks like on a screen (Echo Show, Fire TV): an APL document and its data.

The documents are JSON files in skill/apl/ (kept as data, edited with any APL authoring tool);
this module only fills their one datasource, `screen`, from the same content entry the answer was
spoken from: its title, the sentences of its card as key points, the emergency line for the kinds
that demand it, and a background chosen by kind in skill/apl/themes.json. Whether a device gets
a screen at all is `skill/reply.py`'s question (does it run APL?); whether *this* screen can go to
it is answered here, by comparing the version the document declares with the device's
`runtime.maxVersion`: a device whose APL is older than the document hears the answer without it.

Each document declares the lowest APL version whose features it uses (2023.3: a Frame's
`background`, which draws the gradient), so every device that can render it gets it.

Files are read once per process, on first need; the SDK's APL model classes are imported only
when a directive is built, so a voice-only request never pays for them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from skill.content import Content, Entry, Overview
from skill.speech import Answer, Speaker

APL_DIR = Path(__file__).resolve().parent / "apl"
APL_INTERFACE = "Alexa.Presentation.APL"
ANSWER_DOCUMENT = "answer"  # skill/apl/answer.json: one entry, its key points
LIST_DOCUMENT = "list"      # skill/apl/list.json: an overview, every entry it lists, touchable
DATASOURCE = "screen"       # the one mainTemplate parameter both documents take
TOKEN_PREFIX = "muscle-twitch-guide"
TOUCH_EVENT = "topic"       # SendEvent arguments from list.json: ["topic", <entry id>]

# Pattern strings, compiled by `re` on first use: a request from a device without a screen (most
# cold starts) never needs them.
_SENTENCE_END = r"(?<=[.!?])\s+(?=[A-Z0-9\"'])"
_VERSION = r"\d+\.\d+"
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "dr.", "vs.", "approx.", "no."})


def apl_version(text: object) -> tuple[int, ...] | None:
    """An APL version ("1.9", "2023.3") as numbers to compare, or None if it is not one.

    Amazon numbers releases 1.0 to 1.9, then year.release (2022.1 onwards), so comparing the
    numbers in order ranks every release correctly: (1, 9) < (2022, 1) < (2023, 3).
    """
    if not isinstance(text, str) or not re.fullmatch(_VERSION, text.strip()):
        return None
    return tuple(int(part) for part in text.strip().split("."))


class Screen(NamedTuple):
    """One screen: which document, and the datasources to render it with."""

    document: str
    datasources: dict[str, Any]

    @property
    def token(self) -> str:
        return f"{TOKEN_PREFIX}.{self.document}"


@cache
def load_document(name: str) -> dict[str, Any]:
    """An APL document from skill/apl/<name>.json, parsed once per process."""
    return json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))


def document_version(name: str) -> str:
    """The APL version a document declares: the oldest runtime that can render it."""
    return load_document(name)["version"]


def renders_on(screen: Screen, max_version: str | None) -> bool:
    """Whether a device whose APL runtime reports `max_version` can render this screen.

    Alexa's reference: a document must not declare a version newer than the device's
    `runtime.maxVersion`. A device that names no version, or one this code cannot read, gets
    no screen: the answer is spoken and carded either way, so refusing costs little, and a
    document the device cannot render would cost the whole response.
    """
    device = apl_version(max_version)
    needed = apl_version(document_version(screen.document))
    return device is not None and needed is not None and device >= needed


@cache
def load_themes() -> dict[str, Any]:
    """Backgrounds by content kind (skill/apl/themes.json), parsed once per process."""
    return json.loads((APL_DIR / "themes.json").read_text(encoding="utf-8"))


def theme_for(kind: str) -> dict[str, str]:
    """The gradient and accent for a kind; the default theme for a kind the file does not name."""
    themes = load_themes()
    return dict(themes["themes"][themes["kinds"].get(kind, themes["default"])])


def key_points(card: str) -> list[str]:
    """The card's sentences, one point each.

    Every sentence is kept: the last one is often "see a doctor", which a screen must not drop.
    Cards are a few sentences long, and the document scrolls.
    """
    points: list[str] = []
    for piece in re.split(_SENTENCE_END, card.strip()):
        if points and points[-1].split()[-1].lower() in _ABBREVIATIONS:
            points[-1] = f"{points[-1]} {piece}"  # "e.g. 2 litres" does not end a sentence
        elif piece:
            points.append(piece)
    return points


def screen_for(answer: Answer, speaker: Speaker) -> Screen | None:
    """The screen for an answer about a content entry; None for the skill's own lines."""
    if not answer.topic:
        return None
    content: Content = speaker.content
    try:
        item = content.get(answer.topic)
    except KeyError:
        return None  # a topic from a stale session: speak it, show nothing rather than guess
    kind = content.kinds[item.kind]
    data: dict[str, Any] = {
        "title": answer.title or item.title,
        "emergency": speaker.say("emergency_card") if kind.emergency_first else "",
        # the emergency answer has no routine doctor line, on the screen either
        "footer": speaker.say("doctor_pointer" if kind.doctor_pointer
                              and not content.is_emergency(item.id) else "screen_footer"),
        "theme": theme_for(kind.name),
    }
    if isinstance(item, Overview):
        points = key_points(item.card)
        data["intro"] = points[0] if points else ""
        data["items"] = [_list_item(content, entry_id) for entry_id in item.items]
        return Screen(LIST_DOCUMENT, {DATASOURCE: data})
    data["points"] = key_points(item.card)
    return Screen(ANSWER_DOCUMENT, {DATASOURCE: data})


def _list_item(content: Content, entry_id: str) -> dict[str, str]:
    entry = content.get(entry_id)
    return {"id": entry.id, "title": entry.title}


def touched_entry(arguments: object, content: Content) -> Entry | Overview | None:
    """The entry a touch on list.json names, or None for arguments this skill did not send."""
    if not isinstance(arguments, list) or len(arguments) != 2 or arguments[0] != TOUCH_EVENT:
        return None
    if not isinstance(arguments[1], str):
        return None
    try:
        return content.get(arguments[1])
    except KeyError:
        return None


def render_directive(screen: Screen) -> Any:
    """The Alexa.Presentation.APL.RenderDocument directive for a screen."""
    from ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive import (
        RenderDocumentDirective,
    )

    return RenderDocumentDirective(token=screen.token, document=load_document(screen.document),
                                   datasources=screen.datasources)
