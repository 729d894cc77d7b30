"""How long each answer takes to hear: every content answer rendered to audio and timed.

Run it with `make listen` (or `.venv/bin/python benchmarks/listening.py [--locale en-GB ...]`).
A voice answer that reads well can still be too long to sit through, and only a measured
duration says so. Every answer a person can be given about the content is built by the skill's
own `Speaker` and turned into SSML by `skill.speech.to_ssml`, exactly as `skill/reply.py` sends
it (acronyms spelled out), then rendered offline by espeak-ng (`skill/simulator/audio.py`) in the
locale's voice, and its WAV's length measured:

- every entry's first answer (emergency line and doctor pointer included where its kind says);
- every "more" continuation;
- every page of every overview ("the most common are ... want to hear more?");
- every tip as the tip intent speaks it;
- every way the symptom check ends: the emergency answer (yes, not sure), stopping part-way, and
  the outcome for every combination of yes / no / not sure to its questions.

Budget: no single turn over 30 seconds, median under 15 seconds (tests/test_listening.py holds
the skill to it for en-US). Every answer counts for the longest turn. For the median, every
combination of answers to the check is one of two turns a person can hear (no warning signs;
see a doctor, with the signs named), each counted once at its longest combination: counted one
by one, the variants of a single ending would outnumber the topic answers and make the "typical
turn" a check ending. The median over every combination is printed too.

espeak-ng speaks at its default 175 words a minute; Alexa's voice is different, so the figures are
listening time at that rate, measured, not Alexa's own timing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.content import Content, Overview, get_content
from skill.speech import LIST, MORE, NO, UNSURE, YES, Speaker, to_ssml

LONGEST_TURN = 30.0   # seconds: no single turn over this
MEDIAN_TURN = 15.0    # seconds: the median under this
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")


@dataclass(frozen=True)
class Spoken:
    """One answer to time: an id people can find it by, its category, and its SSML."""

    id: str
    category: str
    ssml: str
    group: str | None = None   # variants of one ending: counted once (the longest) in the median

    @property
    def words(self) -> int:
        from skill.simulator.transcript import spoken

        return len(spoken(self.ssml).split())


@dataclass(frozen=True)
class Timed:
    spoken: Spoken
    seconds: float


def answers(locale: str = "en-US", content: Content | None = None) -> Iterator[Spoken]:
    """Every answer the content can give in `locale`, as the SSML the skill would send."""
    content = content or get_content()
    speaker = Speaker(content, locale)
    acronyms = content.messages.acronyms

    def item(id_: str, category: str, answer_text: str) -> Spoken:
        return Spoken(id_, category, to_ssml(answer_text, acronyms))

    for kind in content.kinds.values():
        for entry in kind.entries:
            yield item(f"answer:{entry.id}", "answer", speaker.answer(entry.id).speech)
            if entry.more:
                more = speaker.follow_up({MORE: entry.id})
                if more is not None:
                    yield item(f"more:{entry.id}", "more", more.speech)
            if kind.name == "tip":
                yield item(f"tip:{entry.id}", "tip", speaker.tip(entry).speech)
        if kind.overview is not None:
            yield from _pages(kind.overview, speaker, item)
    if content.check is not None:
        yield item("check:emergency", "check ending", speaker.check_emergency().speech)
        yield item("check:stopped", "check ending", speaker.check_stopped().speech)
        steps = [step.id for step in content.check.steps]
        for said in itertools.product((NO, YES, UNSURE), repeat=len(steps)):
            yes = [s for s, a in zip(steps, said, strict=True) if a == YES]
            unsure = [s for s, a in zip(steps, said, strict=True) if a == UNSURE]
            name = ",".join(f"{s}={a}" for s, a in zip(steps, said, strict=True))
            ending = item(f"check:outcome({name})", "check ending",
                          speaker.check_outcome(yes, unsure).speech)
            group = "check:see-doctor" if yes or unsure else "check:no-signs"
            yield Spoken(ending.id, ending.category, ending.ssml, group)


def _pages(overview: Overview, speaker: Speaker, item) -> Iterator[Spoken]:  # type: ignore[no-untyped-def]
    answer = speaker.answer(overview.id)
    page = 1
    yield item(f"overview:{overview.id}:page{page}", "overview page", answer.speech)
    while answer.follow_up and LIST in answer.follow_up:
        following = speaker.follow_up(answer.follow_up)
        if following is None:
            break
        answer, page = following, page + 1
        yield item(f"overview:{overview.id}:page{page}", "overview page", answer.speech)


def measure(spoken: list[Spoken], locale: str, workers: int = 2) -> list[Timed]:
    """Render each answer with espeak-ng and time its WAV (in a throw-away directory)."""
    from skill.simulator.audio import duration, render

    with tempfile.TemporaryDirectory(prefix="twitch-listen-") as directory:
        def one(pair: tuple[int, Spoken]) -> Timed:
            index, item = pair
            path = render(item.ssml, Path(directory) / f"{index:04d}.wav", locale)
            seconds = duration(path)
            path.unlink()
            return Timed(item, seconds)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, enumerate(spoken)))


@dataclass(frozen=True)
class Report:
    locale: str
    timed: list[Timed]
    render_seconds: float

    @property
    def longest(self) -> Timed:
        return max(self.timed, key=lambda t: t.seconds)

    def turns(self) -> list[Timed]:
        """One per turn a person can hear: variants of one ending collapsed to their longest."""
        longest: dict[str, Timed] = {}
        for timed in self.timed:
            key = timed.spoken.group or timed.spoken.id
            if key not in longest or timed.seconds > longest[key].seconds:
                longest[key] = timed
        return list(longest.values())

    @property
    def median(self) -> float:
        return statistics.median(t.seconds for t in self.turns())

    @property
    def median_every_variant(self) -> float:
        return statistics.median(t.seconds for t in self.timed)

    def median_item(self) -> Timed:
        """The answer whose length is the median (the lower middle for an even count)."""
        ordered = sorted(self.turns(), key=lambda t: t.seconds)
        return ordered[(len(ordered) - 1) // 2]

    @property
    def over_budget(self) -> list[Timed]:
        return [t for t in self.timed if t.seconds > LONGEST_TURN]

    @property
    def passed(self) -> bool:
        return not self.over_budget and self.median < MEDIAN_TURN

    def words_per_second(self) -> float:
        """Words heard per second over everything rendered (the word-count proxy's rate)."""
        return sum(t.spoken.words for t in self.timed) / sum(t.seconds for t in self.timed)

    def lines(self, top: int = 5) -> list[str]:
        middle = self.median_item()
        lines = [
            f"{self.locale}: {len(self.timed)} answers, rendered in {self.render_seconds:.1f} s "
            f"(espeak-ng voice {voice(self.locale)}, {rate()} words a minute)",
            f"  longest {self.longest.seconds:5.1f} s  {self.longest.spoken.id} "
            f"({self.longest.spoken.words} words)   budget {LONGEST_TURN:g} s",
            f"  median  {self.median:5.1f} s  e.g. {middle.spoken.id} "
            f"({middle.spoken.words} words)   budget {MEDIAN_TURN:g} s, over "
            f"{len(self.turns())} turns (every check combination counted: "
            f"{self.median_every_variant:.1f} s)",
        ]
        categories = sorted({t.spoken.category for t in self.timed})
        for category in categories:
            times = [t.seconds for t in self.timed if t.spoken.category == category]
            lines.append(f"    {category:<14} {len(times):3d}: median "
                         f"{statistics.median(times):5.1f} s, longest {max(times):5.1f} s")
        lines.append(f"  the {top} longest:")
        for timed in sorted(self.timed, key=lambda t: -t.seconds)[:top]:
            lines.append(f"    {timed.seconds:5.1f} s  {timed.spoken.id}")
        lines.append(f"  {'PASS' if self.passed else 'FAIL'}: "
                     + (f"{len(self.over_budget)} over {LONGEST_TURN:g} s; "
                        if self.over_budget else "none over the longest-turn budget; ")
                     + f"median {'under' if self.median < MEDIAN_TURN else 'NOT under'} "
                       f"{MEDIAN_TURN:g} s")
        return lines

    def to_dict(self) -> dict[str, object]:
        return {"locale": self.locale, "answers": len(self.timed),
                "longest": {"id": self.longest.spoken.id,
                            "seconds": round(self.longest.seconds, 2)},
                "median_seconds": round(self.median, 2),
                "median_every_variant_seconds": round(self.median_every_variant, 2),
                "passed": self.passed,
                "render_seconds": round(self.render_seconds, 1),
                "over_budget": [t.spoken.id for t in self.over_budget]}


def voice(locale: str) -> str:
    from skill.simulator.audio import voice_for

    return voice_for(locale)


def rate() -> int:
    from skill.simulator.audio import RATE

    return RATE


def run(locale: str, workers: int = 2) -> Report:
    spoken = list(answers(locale))
    started = time.perf_counter()
    timed = measure(spoken, locale, workers)
    return Report(locale, timed, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locale", action="append", choices=LOCALES,
                        help="a locale to measure (repeatable; default: all five)")
    parser.add_argument("--workers", type=int, default=2, help="espeak-ng processes at once")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    from skill.simulator.audio import AudioUnavailable

    reports = []
    try:
        for locale in args.locale or LOCALES:
            report = run(locale, args.workers)
            reports.append(report)
            if not args.json:
                print("\n".join(report.lines()), flush=True)
    except AudioUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2))
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
