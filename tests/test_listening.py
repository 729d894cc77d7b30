"""Every answer is short enough to listen to: rendered with espeak-ng and timed, not estimated.

The budget (no turn over 30 seconds, the median under 15) is measured on the en-US voice over
every content answer, "more", overview page, tip and symptom-check ending (benchmarks/listening.py
says how each is built and how the check's combinations count in the median).
"""

from __future__ import annotations

import pytest

from benchmarks.listening import LONGEST_TURN, MEDIAN_TURN, Report, answers, run
from skill.content import get_content
from tests.system_tools import require


@pytest.fixture(scope="module")
def report() -> Report:
    require("espeak-ng")
    return run("en-US")


def test_no_answer_takes_longer_than_30_seconds_to_hear(report):
    over = [f"{t.spoken.id}: {t.seconds:.1f} s" for t in report.timed if t.seconds > LONGEST_TURN]
    assert not over, f"answers over {LONGEST_TURN:g} s: {over}"


def test_the_median_answer_takes_under_15_seconds(report):
    assert report.median < MEDIAN_TURN, "\n".join(report.lines())


def test_every_kind_of_answer_is_measured():
    content = get_content()
    ids = {spoken.id for spoken in answers("en-US", content)}
    for entry in content:
        assert f"answer:{entry.id}" in ids
        if entry.more:
            assert f"more:{entry.id}" in ids
        if entry.kind == "tip":
            assert f"tip:{entry.id}" in ids
    for kind in content.kinds.values():
        if kind.overview is not None:
            assert f"overview:{kind.overview.id}:page1" in ids
    assert content.check is not None
    outcomes = [i for i in ids if i.startswith("check:outcome(")]
    assert len(outcomes) == 3 ** len(content.check.steps)
    assert {"check:emergency", "check:stopped"} <= ids


def test_a_long_overview_is_measured_page_by_page():
    pages = [s.id for s in answers("en-US") if s.id.startswith("overview:")]
    assert any(page.endswith(":page2") for page in pages)


def test_the_durations_are_real_speech_at_espeaks_rate(report):
    # 175 words a minute is 2.9 words a second; pauses and spelled letters slow it a little.
    assert 2.0 < report.words_per_second() < 3.5
    assert all(t.seconds > 0.5 for t in report.timed)
