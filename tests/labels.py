"""The content kind behind each slot a phrasing set may label, read from the topic table.

Every labelled set (held out or development) names slot values by content entry id. The
slot -> kind pairs are the ones the handlers answer from (`skill/handlers/topics.py`), so a set's
labels and the skill's answers cannot name different kinds.
"""

from __future__ import annotations

from pathlib import Path

from skill.content import load_content
from skill.handlers.topics import TOPIC_HANDLERS, TopicHandler
from skill.simulator.understanding import load_cases

SLOT_KINDS: dict[str, str] = {handler.slot: handler.kind for handler in TOPIC_HANDLERS
                              if isinstance(handler, TopicHandler)}


def labels_the_content_lacks(path: Path) -> list[tuple[int, str, str]]:
    """(line, slot, entry id) for every label of the set that names no entry of its kind."""
    content = load_content()
    ids = {kind: {entry.id for entry in content.entries(kind)} for kind in SLOT_KINDS.values()}
    return [(case.line, slot, entry) for case in load_cases(path)
            for slot, entry in case.slots.items() if entry not in ids[SLOT_KINDS[slot]]]
