"""What the person asked about, read from a slot the way Alexa resolved it.

Alexa's entity resolution names the content entry (its id) when the words matched a value or a
synonym; when it did not, we still have the words heard, so the skill can say honestly that it does
not cover them. Exact name/synonym lookup is the fallback for requests without resolutions.
"""

# No `from __future__ import annotations`: typing.NamedTuple turns each string annotation into a
# ForwardRef by calling compile(), and the first compile() in a process costs a cold start about
# a millisecond (the hello-world baseline never calls it). Annotations here are evaluated.

from typing import NamedTuple

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

from skill.content import Content, Entry

ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
MAX_HEARD = 100  # characters; what a person says in one breath, and all we ever repeat back


class SlotValue(NamedTuple):
    """`entry` when the words name something we cover; `heard` is what the person said."""

    entry: Entry | None = None
    heard: str | None = None


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name, or None for other requests (and for malformed ones)."""
    request = handler_input.request_envelope.request
    if isinstance(request, IntentRequest) and request.intent is not None:
        return request.intent.name
    return None


def _slot(handler_input: HandlerInput, slot_name: str) -> object | None:
    """The request's slot of that name, or None (no intent, no slots, a malformed request)."""
    request = handler_input.request_envelope.request
    slots = getattr(getattr(request, "intent", None), "slots", None)
    return slots.get(slot_name) if isinstance(slots, dict) else None


def resolved_ids(handler_input: HandlerInput, slot_name: str) -> tuple[list[object], str | None]:
    """The value ids Alexa's entity resolution matched for `slot_name`, and the words heard."""
    slot = _slot(handler_input, slot_name)
    heard = getattr(slot, "value", None)
    heard = heard.strip() if isinstance(heard, str) and heard.strip() else None
    if heard and len(heard) > MAX_HEARD:  # never echo a request's megabyte into the speech
        heard = heard[:MAX_HEARD].rsplit(" ", 1)[0].strip() or heard[:MAX_HEARD]
    ids: list[object] = []
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None)
    for authority in resolutions or ():
        status = getattr(getattr(authority, "status", None), "code", None)
        if getattr(status, "value", status) != ER_SUCCESS_MATCH:
            continue
        for wrapper in authority.values or ():
            ids.append(getattr(getattr(wrapper, "value", None), "id", None))
    return ids, heard


def heard_unlisted(handler_input: HandlerInput, slot_name: str) -> bool:
    """Whether words were heard in `slot_name` that Alexa's entity resolution matched to none of
    the slot type's values (ER_SUCCESS_NO_MATCH from every authority it asked).

    Alexa's NLU fills a custom slot with words outside its list; a request without resolutions
    says nothing either way, and is not counted as unlisted.
    """
    slot = _slot(handler_input, slot_name)
    heard = getattr(slot, "value", None)
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None)
    if not isinstance(heard, str) or not heard.strip() or not resolutions:
        return False
    codes = [getattr(getattr(authority, "status", None), "code", None)
             for authority in resolutions]
    return all(getattr(code, "value", code) != ER_SUCCESS_MATCH for code in codes)


def read_slot(handler_input: HandlerInput, slot_name: str, kind: str, content: Content
              ) -> SlotValue:
    """Resolve `slot_name` to an entry of `kind`, or say what was heard that we do not cover."""
    ids, heard = resolved_ids(handler_input, slot_name)
    for entry_id in ids:
        entry = _entry(content, entry_id, kind)
        if entry:
            return SlotValue(entry, heard)
    if heard:
        return SlotValue(content.find(kind, heard), heard)
    return SlotValue()


def _entry(content: Content, entry_id: object, kind: str) -> Entry | None:
    if not isinstance(entry_id, str):
        return None
    try:
        item = content.get(entry_id)
    except KeyError:
        return None
    return item if isinstance(item, Entry) and item.kind == kind else None
