"""Hear the skill offline: Alexa's SSML rendered to WAV files by espeak-ng.

A voice answer is judged by ear, and an answer that reads well can still be too long to listen
to. espeak-ng is a small, offline speech engine in Debian's packages (the project's set-up
installs it); it understands a subset of SSML. This module maps the SSML the skill sends Alexa
onto that subset, so what is rendered is what the skill asked Alexa to say:

- `<break>` keeps its time or strength (Alexa's ceiling of 10 seconds applies);
- `<say-as interpret-as="characters">` / `"spell-out"` spells letters, as Alexa does for the
  acronyms the skill marks; digits and telephone numbers are spoken digit by digit;
- `<prosody>`, `<emphasis>`, `<p>` and `<s>` pass through;
- `<sub alias>` speaks the alias; `<audio>` and `<mark>` make no sound here;
- every other tag (Amazon's voice effects, `<lang>`, `<phoneme>`, `<w>`...) is dropped and its
  text spoken plainly: a tag's name is never read out.

The voice differs from Alexa's, so a duration measured here is an estimate of listening time at
espeak-ng's speaking rate (`RATE`, words per minute), not Alexa's exact timing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skill.speech import escape

ENGINE = "espeak-ng"
RATE = 175   # espeak-ng's default speaking rate, in words per minute
# espeak-ng's own voices per skill locale (no Australian or Indian English voice ships with it:
# those locales use the British one).
VOICES = {"en-US": "en-us", "en-CA": "en-us", "en-GB": "en-gb", "en-AU": "en-gb",
          "en-IN": "en-gb"}
DEFAULT_VOICE = "en-us"
MAX_BREAK_MS = 10_000   # Alexa's longest break
TIMEOUT = 120           # seconds for one render; espeak-ng takes well under one for an answer

_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$", re.IGNORECASE)
_STRENGTHS = frozenset({"none", "x-weak", "weak", "medium", "strong", "x-strong"})
_SPELL = frozenset({"characters", "spell-out", "letters"})
_DIGITS = frozenset({"digits", "telephone"})
_PASS = frozenset({"prosody", "emphasis", "p", "s"})
_PROSODY_ATTRS = frozenset({"rate", "pitch", "volume"})
_SILENT = frozenset({"audio", "mark"})
_TAG = re.compile(r"<[^>]*>")
_PREFIXED = re.compile(r"<(/?)(?!xml:)([A-Za-z_][\w.-]*):")


class AudioUnavailable(RuntimeError):
    """The speech engine is not installed; the message says how to install it."""


def engine() -> str:
    """The espeak-ng executable; AudioUnavailable (saying how to get it) when it is missing."""
    path = shutil.which(ENGINE)
    if path is None:
        raise AudioUnavailable(
            "audio needs espeak-ng, an offline speech engine: install it with "
            "`apt-get install espeak-ng` (Debian/Ubuntu; `make setup-system` does it as root)")
    return path


def voice_for(locale: str) -> str:
    """The espeak-ng voice for a skill locale (en-us for one it does not know)."""
    return VOICES.get(locale, DEFAULT_VOICE)


# --- SSML -------------------------------------------------------------------------------------

def _local(tag: Any) -> str:
    """A tag's name without its namespace ("{...}effect" or "amazon:effect" -> "effect")."""
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _break(element: ET.Element) -> str:
    time = _TIME.match(element.get("time") or "")
    if time:
        number, unit = float(time.group(1)), time.group(2).lower()
        ms = min(int(number * (1000 if unit == "s" else 1)), MAX_BREAK_MS)
        return f'<break time="{ms}ms"/>'
    strength = (element.get("strength") or "medium").lower()
    return f'<break strength="{strength if strength in _STRENGTHS else "medium"}"/>'


def _inner(element: ET.Element) -> str:
    """An element's content, converted; its own tail excluded."""
    parts = [escape(element.text or "")]
    for child in element:
        parts.append(_convert(child))
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def _plain(element: ET.Element) -> str:
    return "".join(element.itertext())


def _convert(element: ET.Element) -> str:
    """One SSML element as espeak-ng should get it (without the element's tail)."""
    name = _local(element.tag)
    if name == "break":
        return _break(element)
    if name in _SILENT:
        return ""
    if name == "sub":
        return escape(element.get("alias") or _plain(element))
    if name == "say-as":
        kind = (element.get("interpret-as") or "").lower()
        if kind in _SPELL:
            return f'<say-as interpret-as="characters">{escape(_plain(element))}</say-as>'
        if kind in _DIGITS:
            digits = " ".join(ch for ch in _plain(element) if ch.isalnum())
            return escape(digits)
        return _inner(element)
    if name == "prosody":
        attrs = "".join(f' {key}="{escape(value)}"' for key, value in element.attrib.items()
                        if key in _PROSODY_ATTRS)
        return f"<prosody{attrs}>{_inner(element)}</prosody>"
    if name in _PASS:
        level = element.get("level")
        attrs = f' level="{escape(level)}"' if name == "emphasis" and level else ""
        return f"<{name}{attrs}>{_inner(element)}</{name}>"
    return _inner(element)   # speak, and every tag espeak-ng does not know: its text only


def espeak_ssml(ssml: str) -> str:
    """Alexa SSML (with or without <speak>) as SSML espeak-ng honours; never raises.

    SSML that is not well-formed XML is spoken as its text, tags removed: Alexa would refuse it,
    but a listener here should still hear the words rather than an error.
    """
    text = (ssml or "").strip()
    if not text.startswith("<speak"):
        text = f"<speak>{text}</speak>"
    # Alexa takes <amazon:effect> without a namespace declaration; XML does not.
    text = _PREFIXED.sub(lambda m: f"<{m.group(1)}{m.group(2)}-", text)
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        plain = _TAG.sub(" ", text)
        for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                             ("&amp;", "&")):
            plain = plain.replace(entity, char)
        return f"<speak>{escape(plain)}</speak>"
    return f"<speak>{_inner(root)}</speak>"


def join_ssml(speeches: Iterable[str], pause_ms: int = 600) -> str:
    """Several answers of one turn (an answer, then the answer after a permission question) as
    one document, with the pause a person hears between them."""
    bodies = [espeak_ssml(s)[len("<speak>"):-len("</speak>")] for s in speeches if s]
    return "<speak>" + f' <break time="{pause_ms}ms"/> '.join(bodies) + "</speak>"


# --- rendering --------------------------------------------------------------------------------

def render(ssml: str, path: Path, locale: str = "en-US", rate: int = RATE) -> Path:
    """Render SSML to a WAV file (mono, 16 bit, espeak-ng's 22,050 Hz); an empty speech is a
    valid WAV of no length, so every turn has its file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = espeak_ssml(ssml)
    if not _TAG.sub("", document).strip():
        _silence(path)
        return path
    command = [engine(), "-m", "-v", voice_for(locale), "-s", str(rate), "-w", str(path),
               "--stdin"]
    try:
        result = subprocess.run(command, input=document.encode("utf-8", "replace"),
                                capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise AudioUnavailable(f"espeak-ng took over {TIMEOUT} s for one answer") from error
    if result.returncode != 0 or not path.exists():
        message = result.stderr.decode("utf-8", "replace").strip() or f"exit {result.returncode}"
        raise AudioUnavailable(f"espeak-ng failed: {message}")
    return path


def _silence(path: Path) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)


def duration(path: Path) -> float:
    """A WAV file's length in seconds."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return wav.getnframes() / rate if rate else 0.0


def player() -> list[str] | None:
    """A command that plays a WAV on this machine (PulseAudio's paplay, else ALSA's aplay)."""
    for name, options in (("paplay", []), ("aplay", ["-q"])):
        path = shutil.which(name)
        if path:
            return [path, *options]
    return None


def play(path: Path) -> bool:
    """Play a WAV and wait for it to end; False when this machine cannot (no player, no sound
    device), so the caller says where the file is instead."""
    command = player()
    if command is None:
        return False
    try:
        result = subprocess.run([*command, str(path)], capture_output=True, timeout=300,
                                check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


# --- turns ------------------------------------------------------------------------------------

def _speech(response: dict[str, Any]) -> str:
    speech = ((response.get("response") or {}).get("outputSpeech") or {})
    if speech.get("ssml"):
        return str(speech["ssml"])
    return escape(str(speech.get("text") or ""))


def turn_ssml(turn: Any) -> str:
    """Everything Alexa says in one turn (a simulator `Turn`), as one espeak-ng document."""
    return join_ssml(_speech(response) for response in turn.answers)


def turn_label(turn: Any) -> str:
    """What a turn's file is named after: the intent, the request type, or what Alexa did."""
    resolved = getattr(turn, "resolved", None)
    if resolved is not None:
        name = "LaunchRequest" if resolved.launch else (resolved.intent or "unknown")
    elif turn.exchanges:
        name = turn.exchanges[0].label
    else:
        name = "none"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


class TurnAudio:
    """Writes one WAV per turn into a directory (NN-<intent>.wav), numbered in order."""

    def __init__(self, directory: Path, locale: str = "en-US", play_it: bool = False) -> None:
        engine()   # fail before the first turn, with the install hint
        self.directory = Path(directory)
        self.locale = locale
        self.play_it = play_it
        self.count = 0

    def write(self, turn: Any) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{turn_label(turn)}.wav"
        return render(turn_ssml(turn), path, self.locale)

    def write_and_tell(self, turn: Any, out: Any) -> Path:
        """Write the turn's WAV; play it when asked and able, else say where it is."""
        path = self.write(turn)
        if self.play_it and play(path):
            return path
        print(f"  (audio: {path}, {duration(path):.1f} s)", file=out, flush=True)
        return path
