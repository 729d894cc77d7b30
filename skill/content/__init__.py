"""The knowledge base: loads `content/*.yaml`, validates it, and indexes it.

Content is data, not code. This package knows nothing of Alexa: it turns YAML into frozen records
and refuses, loudly and with the file, entry and line named, anything that would make the skill say
something wrong or say nothing at all. It never half-loads: one bad file fails the whole load.

    records.py      the frozen records (Entry, Overview, Kind, Messages, SymptomCheck ...)
    knowledge.py    Content: look-ups by id and by what people say, and each locale's words
    schema.py       every rule a file must keep, each failure naming file, entry and line
    yaml_source.py  reading YAML with line numbers, and the parse cache for cold starts
    loader.py       load_content (all or nothing) and get_content (once per process)
"""

from skill.content.knowledge import Content
from skill.content.loader import (
    CHECK_FILE,
    CONTENT_DIR,
    DEFAULT_PARSE_CACHE,
    MESSAGES_FILE,
    get_content,
    load_content,
)
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

__all__ = [
    "CHECK_FILE", "CONTENT_DIR", "DEFAULT_PARSE_CACHE", "MESSAGES_FILE", "CheckOutcome",
    "CheckStep", "Content", "ContentError", "Entry", "Group", "Kind", "Local", "Messages",
    "Overview", "SymptomCheck", "Word", "get_content", "load_content", "normalise",
]
