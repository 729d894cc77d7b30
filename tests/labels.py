"""What each slot a phrasing set may label can name: a content entry id, or a word type's id.

Every labelled set (held out or development) names slot values by id. The slot -> kind pairs
are the ones the handlers answer from (`skill/handlers/topics.py`); slots of the word types in
`interaction_models/model.yaml` (who a statement is about: "Person: my_uncle") name the ids the
model build gives those words. So a set's labels and the skill's model cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from skill.build.model import SOURCE, read_intents, word_types
from skill.content import load_content
from skill.handlers.topics import TOPIC_HANDLERS, TopicHandler
from skill.simulator.understanding import load_cases

SLOT_KINDS: dict[str, str] = {handler.slot: handler.kind for handler in TOPIC_HANDLERS
                              if isinstance(handler, TopicHandler)}


def _word_slot_ids() -> dict[str, set[str]]:
    """slot name -> the ids its word type holds, for every slot typed by a word type."""
    source = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    ids = {t["name"]: {value["id"] for value in t["values"]}
           for t in word_types(source.get("word_types"), SOURCE.name)}
    intents, _ = read_intents()
    return {slot["name"]: ids[slot["type"]] for intent in intents
            for slot in intent.get("slots", []) if slot["type"] in ids}


def labels_the_content_lacks(path: Path) -> list[tuple[int, str, str]]:
    """(line, slot, id) for every label of the set that names no entry of its kind or type."""
    content = load_content()
    allowed = {slot: {entry.id for entry in content.entries(kind)}
               for slot, kind in SLOT_KINDS.items()}
    allowed.update(_word_slot_ids())
    return [(case.line, slot, entry) for case in load_cases(path)
            for slot, entry in case.slots.items() if entry not in allowed.get(slot, set())]
