"""How a turn reads on a terminal: the words a person would hear, the card, the session state."""

from __future__ import annotations

import html
import json
import re
import textwrap
from typing import Any

from skill.simulator.session import Turn

_BREAK = re.compile(r"<break\b([^>]*)/?>", re.IGNORECASE)
_ATTR = re.compile(r'(time|strength)\s*=\s*"([^"]*)"')
_AUDIO = re.compile(r"<audio\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def spoken(ssml: str | None, show_breaks: bool = False) -> str:
    """What a person hears: SSML tags removed, entities decoded; pauses shown if asked."""
    text = ssml or ""
    if show_breaks:
        def pause(match: re.Match[str]) -> str:
            attrs = dict(_ATTR.findall(match.group(1)))
            return f" [pause {attrs.get('time') or attrs.get('strength') or ''}".rstrip() + "] "

        text = _BREAK.sub(pause, text)
        text = _AUDIO.sub(" [sound] ", text)
    text = html.unescape(_TAG.sub(" ", text))
    text = " ".join(text.split())
    return re.sub(r" ([,.!?;:])", r"\1", text)


def speech_of(response: dict[str, Any] | None, show_breaks: bool = False) -> str:
    body = (response or {}).get("response") or {}
    return spoken((body.get("outputSpeech") or {}).get("ssml")
                  or (body.get("outputSpeech") or {}).get("text"), show_breaks)


def reprompt_of(response: dict[str, Any] | None, show_breaks: bool = False) -> str:
    body = (response or {}).get("response") or {}
    speech = ((body.get("reprompt") or {}).get("outputSpeech") or {})
    return spoken(speech.get("ssml") or speech.get("text"), show_breaks)


def card_of(response: dict[str, Any] | None) -> dict[str, Any] | None:
    return ((response or {}).get("response") or {}).get("card")


def render_turn(turn: Turn, show_json: bool = False, width: int = 100, start: int = 0,
                errors: bool = True) -> str:
    """The turn as the chat prints it; from exchange `start` on when the rest was shown already."""
    lines: list[str] = []
    if start == 0 and turn.resolved is not None:
        lines.append(f"  [{turn.resolved.describe()}]")
    if start == 0 and turn.note:
        lines.append(f"  ({turn.note})")
    for exchange in turn.exchanges[start:]:
        if show_json:
            lines.append("  request:")
            lines.append(textwrap.indent(json.dumps(exchange.request, indent=2), "    "))
            lines.append("  response:")
            lines.append(textwrap.indent(json.dumps(exchange.response, indent=2), "    "))
        if exchange.request_type == "SessionEndedRequest":
            reason = exchange.request["request"].get("reason")
            error = (exchange.request["request"].get("error") or {}).get("type")
            lines.append(f"  (SessionEndedRequest {reason}{f' {error}' if error else ''} sent)")
            continue
        if exchange.request_type == "CanFulfillIntentRequest":
            lines.extend(_can_fulfill_lines(exchange.request, exchange.response))
            continue
        if exchange.request_type == "Alexa.Presentation.APL.UserEvent":
            lines.append(f"  (APL UserEvent sent: arguments "
                         f"{json.dumps(exchange.request['request'].get('arguments'))})")
        response = exchange.response
        speech = speech_of(response, show_breaks=True)
        lines.append(textwrap.fill(f"Alexa: {speech or '(silence)'}", width,
                                   subsequent_indent="       "))
        reprompt = reprompt_of(response, show_breaks=True)
        if reprompt:
            lines.append(textwrap.fill(f"  reprompt: {reprompt}", width,
                                       subsequent_indent="            "))
        card = card_of(response)
        if card:
            lines.append(f"  card: {card.get('title', '')}")
            text = card.get("content") or card.get("text") or ""
            for paragraph in str(text).splitlines():
                lines.append(textwrap.fill(paragraph, width, initial_indent="        ",
                                           subsequent_indent="        "))
        for directive in (response.get("response") or {}).get("directives") or []:
            kind = "screen" if str(directive.get("type")).startswith("Alexa.Presentation") \
                else "directive"
            lines.append(f"  {kind}: {directive.get('type')}"
                         + (f" (token {directive['token']})" if directive.get("token") else ""))
        ends = (response.get("response") or {}).get("shouldEndSession")
        lines.append("  session: " + ("ends" if ends is True else "stays open"))
        if exchange.note:
            lines.append(f"  ({exchange.note})")
    for error in turn.errors if errors else ():
        lines.append(f"  SKILL ERROR: {error}")
    return "\n".join(lines)


def _can_fulfill_lines(request: dict[str, Any], response: dict[str, Any]) -> list[str]:
    """The skill's answer to the name-free check: the verdict, then each slot's."""
    intent = (request.get("request") or {}).get("intent") or {}
    verdict = ((response.get("response") or {}).get("canFulfillIntent") or {})
    lines = [f"  (CanFulfillIntentRequest sent for {intent.get('name')})",
             f"  can fulfill: {verdict.get('canFulfill', '(no answer)')}"]
    for name, slot in sorted((verdict.get("slots") or {}).items()):
        lines.append(f"    slot {name}: understand {slot.get('canUnderstand')}, "
                     f"fulfill {slot.get('canFulfill')}")
    body = response.get("response") or {}
    if body.get("outputSpeech"):
        lines.append("  (speech in answer to a name-free check: Amazon's rules allow none)")
    return lines
