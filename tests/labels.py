"""What each slot a phrasing set may label can name: a content entry id, or a word type's id.

Every labelled set (held out or development) names slot values by id. The slot -> kind pairs
are the ones the handlers answer from (`skill/handlers/topics.py`); any other slot (a word type
of `interaction_models/model.yaml`, who a statement is about: "Person: my_uncle") names an id of
its slot type in the set's locale model, the checked-in file the scorers resolve with. So a
set's labels and the skill's model cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from skill.content import load_content
from skill.handlers.topics import TOPIC_HANDLERS, TopicHandler
from skill.simulator.resolver import model_file
from skill.simulator.understanding import load_cases, set_info

SLOT_KINDS: dict[str, str] = {handler.slot: handler.kind for handler in TOPIC_HANDLERS
                              if isinstance(handler, TopicHandler)}


def _model_slot_ids(locale: str) -> dict[str, set[str]]:
    """slot name -> the ids its slot type holds in the locale's checked-in model."""
    model = json.loads(model_file(locale).read_text(encoding="utf-8"))
    language = model["interactionModel"]["languageModel"]
    ids = {t["name"]: {value["id"] for value in t.get("values", [])}
           for t in language.get("types", [])}
    return {slot["name"]: ids[slot["type"]] for intent in language["intents"]
            for slot in intent.get("slots", []) if slot["type"] in ids}


def labels_the_content_lacks(path: Path) -> list[tuple[int, str, str]]:
    """(line, slot, id) for every label of the set that names no entry of its kind or type."""
    content = load_content()
    allowed = _model_slot_ids(set_info(path).locale)
    allowed.update({slot: {entry.id for entry in content.entries(kind)}
                    for slot, kind in SLOT_KINDS.items()})
    return [(case.line, slot, entry) for case in load_cases(path)
            for slot, entry in case.slots.items() if entry not in allowed.get(slot, set())]
