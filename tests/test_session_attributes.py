"""Session attributes: only what the skill itself keeps goes back to Alexa, and never too much.

Alexa echoes the session attributes a response carries into the next request, and refuses a
response over 24 KB in all. A request carrying a megabyte of attributes (forged, or from a broken
client) must not be echoed back: the reply keeps the skill's own keys only, each bounded.
"""

from __future__ import annotations

import json

import pytest

from skill.alexa.attributes import MAX_ATTRIBUTE_BYTES, own_keys

ALEXA_RESPONSE_LIMIT = 24 * 1024
MEGABYTE = "x" * (1024 * 1024)


def size(reply) -> int:
    return len(json.dumps(reply.envelope).encode("utf-8"))


@pytest.mark.parametrize("fixture", ["cause_coffee", "help", "memory_launch", "stop"])
def test_a_megabyte_of_foreign_attributes_is_not_echoed_back(replay, fixture):
    reply = replay(fixture, junk=MEGABYTE, **{f"k{i}": i for i in range(1000)})
    assert "junk" not in reply.attributes and "k1" not in reply.attributes
    assert size(reply) < ALEXA_RESPONSE_LIMIT


def test_an_own_attribute_swollen_to_a_megabyte_is_dropped_not_echoed(replay):
    reply = replay("help", topic=MEGABYTE, last_answer={"speech": MEGABYTE},
                   follow_up={"more": MEGABYTE})
    assert size(reply) < ALEXA_RESPONSE_LIMIT
    assert reply.speech  # still an answer


def test_a_megabyte_of_attributes_is_not_echoed_when_a_handler_fails(replay, monkeypatch):
    from skill.handlers.builtins import MessageHandler

    def broken(self, handler_input):
        raise RuntimeError("boom")

    monkeypatch.setattr(MessageHandler, "handle", broken)
    reply = replay("help", junk=MEGABYTE)
    assert "junk" not in reply.attributes
    assert size(reply) < ALEXA_RESPONSE_LIMIT


def test_the_skills_own_attributes_still_carry_over(replay):
    coffee = replay("cause_coffee")
    assert coffee.attributes["topic"] == "caffeine"
    more = replay("repeat_after_answer", **coffee.attributes)
    assert more.attributes["topic"] == "caffeine"
    assert set(more.attributes) <= own_keys()


def test_every_attribute_the_skill_writes_fits_the_bound(replay):
    """The bound never cuts the skill's own state: the longest answer's attributes fit."""
    from tests.conftest import FIXTURES

    largest = 0
    for path in sorted(FIXTURES.glob("*.json")):
        reply = replay(path.stem)
        assert set(reply.attributes) <= own_keys(), path.stem
        for value in reply.attributes.values():
            largest = max(largest, len(json.dumps(value).encode("utf-8")))
    assert 0 < largest <= MAX_ATTRIBUTE_BYTES
