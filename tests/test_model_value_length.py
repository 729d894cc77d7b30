"""A slot value longer than the simulator's slot span is refused, with the value named.

The offline resolver hears at most MAX_SLOT_WORDS words in a slot. A longer listed value would
let `make model` drop a spelled-out sample it stands for ("i have a crushing pain in my chest"),
which then nothing offline could hear: a CI run found exactly that.
"""

from __future__ import annotations

from skill.build.model_checks import check_model
from skill.simulator.resolver import MAX_SLOT_WORDS


def language_model(value: str) -> dict:
    return {"invocationName": "muscle twitch guide",
            "intents": [{"name": "EmergencyIntent", "slots": [{"name": "Sign", "type": "SignType"}],
                         "samples": ["{Sign}"]}],
            "types": [{"name": "SignType", "values": [{"id": "x", "name": {"value": value}}]}]}


def test_a_value_within_the_slot_span_passes():
    report = check_model(language_model(" ".join(["word"] * MAX_SLOT_WORDS)), {})
    assert report.count("value-length") == 0


def test_a_longer_value_is_refused_and_named():
    long_value = "i have a crushing pain in my chest"
    assert len(long_value.split()) > MAX_SLOT_WORDS
    report = check_model(language_model(long_value), {})
    assert report.count("value-length") == 1
    assert any(long_value in line for line in report.lines())
