"""Amazon's certification rules for a custom skill's responses, as checks a test can run.

Each rule names the Amazon page it comes from; the tests in test_certification.py run them over
every locale, every intent and slot value, and every recorded fixture.

- "Voice Interface and User Experience Testing for a Custom Skill" (session management, help,
  stop / cancel / exit, one-shot phrasing, fallback): a response that keeps the session open
  prompts the user, and comes with a reprompt; a response that ends the session asks nothing.
- "Request Types Reference" (SessionEndedRequest): the skill cannot return speech, a card or
  directives to it, only an empty response.
- "Use Skill Events", "Alexa Reminders API Reference" (reminder events), "Alexa.Presentation.APL
  Interface Reference" (RuntimeError), "Skill Messaging API Reference" (Messaging.MessageReceived):
  these requests come from no person speaking, so nothing is spoken back.
- "Request and Response JSON Reference" (response format): outputSpeech at most 8,000 characters,
  the whole response at most 24 kilobytes; "Include a Card in Your Skill's Response": a card's
  title and text together at most 8,000 characters.
- "Set Up Voice Permissions for Reminders": a response carrying the AskFor Connections.SendRequest
  hands the turn to Alexa, which asks the permission question itself; the skill adds no reprompt.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import spoken

SPEECH_LIMIT = 8000          # characters of outputSpeech SSML, <speak> included
CARD_LIMIT = 8000            # characters of card title + text
RESPONSE_LIMIT = 24 * 1024   # bytes of the whole response body

# Requests no person spoke: Alexa tells the skill something happened; nothing may be said back.
EVENT_TYPES = (
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "Reminders.ReminderStarted",
    "Reminders.ReminderCreated",
    "Reminders.ReminderUpdated",
    "Reminders.ReminderDeleted",
    "Reminders.ReminderStatusChanged",
    "Alexa.Presentation.APL.RuntimeError",
    "Messaging.MessageReceived",
)
SILENT_TYPES = (*EVENT_TYPES, "SessionEndedRequest", "CanFulfillIntentRequest")

_SENTENCE = re.compile(r"(?<=[.?!])\s+")
# An explicit spoken prompt that is not a question: it tells the person what to say next.
# An introductory clause may come first ("To set one, say, ...", "For example, say eight a m.").
_PROMPT = re.compile(r"^(?:[^,]*,\s*)?(?:and |or |so |now |then )?(?:please )?"
                     r"(?:you can |just )?"
                     r"(?:say|ask(?! (?:your|a|the|my) )|try asking|try saying|tell me)\b",
                     re.IGNORECASE)


def final_sentence(text: str) -> str:
    """The last sentence of spoken text (split after . ? or ! followed by a space)."""
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    return sentences[-1] if sentences else ""


def ends_on_prompt(text: str) -> bool:
    """Whether spoken text hands the turn to the listener.

    Decided on the final sentence only, because that is what a person hears just before the
    microphone opens: it is a prompt when it is a question (ends with "?"), or an explicit
    instruction of what to say ("Say continue to pick up there, or ask me something new.",
    "You can say yes, or ask something else.", "To set one, say, remind me every day at
    eight a m."). A question earlier in the answer, followed by
    a statement, does not count: by the time the light ring turns blue it has been forgotten.
    """
    last = final_sentence(text)
    return last.endswith("?") or bool(_PROMPT.match(last))


def _ssml(body: dict[str, Any], key: str) -> str:
    holder = body.get(key) or {}
    if key == "reprompt":
        holder = holder.get("outputSpeech") or {}
    return holder.get("ssml") or holder.get("text") or ""


def _hands_turn_to_alexa(body: dict[str, Any]) -> bool:
    """A Connections.SendRequest (AskFor): Alexa asks its own question next."""
    return any(isinstance(d, dict) and d.get("type") == "Connections.SendRequest"
               for d in body.get("directives") or ())


def problems(request_type: str, envelope: dict[str, Any]) -> list[str]:
    """Every certification rule a response to `request_type` breaks (empty: none)."""
    found: list[str] = []
    if not isinstance(envelope, dict) or envelope.get("version") != "1.0":
        return ["not a response envelope (version 1.0)"]
    body = envelope.get("response")
    if not isinstance(body, dict):
        return ["the envelope has no response object"]
    size = len(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    if size > RESPONSE_LIMIT:
        found.append(f"response is {size} bytes, over Amazon's 24 KB")
    ssml, reprompt = _ssml(body, "outputSpeech"), _ssml(body, "reprompt")
    for name, text in (("speech", ssml), ("reprompt", reprompt)):
        if len(text) > SPEECH_LIMIT:
            found.append(f"{name} SSML is {len(text)} characters, over 8000")
    card = body.get("card") or {}
    card_chars = len(card.get("title") or "") + len(card.get("content") or card.get("text") or "")
    if card_chars > CARD_LIMIT:
        found.append(f"card is {card_chars} characters, over 8000")

    if request_type in SILENT_TYPES:
        for key in ("outputSpeech", "reprompt", "card"):
            if body.get(key):
                found.append(f"a {request_type} got {key}")
        if request_type == "SessionEndedRequest" and body.get("directives"):
            found.append("a SessionEndedRequest got directives")
        return found

    ends = body.get("shouldEndSession")
    heard, again = spoken(ssml), spoken(reprompt)
    if _hands_turn_to_alexa(body):
        if reprompt:
            found.append("a Connections.SendRequest response has a reprompt")
        if ends is False:
            found.append("a Connections.SendRequest response keeps the microphone open")
        return found
    if not heard:
        found.append("no speech")
    if ends is True:
        if reprompt:
            found.append(f"the session ends but a reprompt is set: {again!r}")
        return found
    # open: false, or left out (Alexa keeps a session open when the flag is absent)
    if not ends_on_prompt(heard):
        found.append(f"the session stays open but the speech ends on a statement: "
                     f"{final_sentence(heard)!r}")
    if not again:
        found.append("the session stays open with no reprompt")
    elif not ends_on_prompt(again):
        found.append(f"the reprompt is not a prompt: {final_sentence(again)!r}")
    return found
