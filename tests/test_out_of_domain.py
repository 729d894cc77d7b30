"""Requests that are not about muscle twitching reach AMAZON.FallbackIntent, not a topic.

A topic template with a slot would take "what causes acne" as the condition "acne", and a close
match would hear "how do i get rid of hiccups" as the treatment question; the fallback's own
samples (Amazon lets a skill extend it to tune its out-of-domain model) keep them out. These
phrasings specify the families the fallback samples cover; they are not a held-out measure.
"""

from __future__ import annotations

import pytest

from skill.build.model import build_models
from skill.simulator.resolver import load_resolver

LOCALES = sorted(build_models())

OUT_OF_DOMAIN = [
    "what's the weather", "what's the weather like today", "will it rain tomorrow",
    "how do i get rid of hiccups", "how do i stop hiccups", "why do i get hiccups",
    "how do i get rid of acne", "what causes acne", "how do i treat pimples",
    "tell me a joke", "do you know any jokes", "tell me something funny",
    "what do you know about me", "how much do you know about me",
    "why is my dog twitching", "what causes headaches", "how do i stop snoring",
    "what is the news today", "play some music", "what time is it",
    # the everyday requests of a voice assistant, and other conditions than twitching
    "give me a recipe for lasagna", "how do i bake bread", "tell me a good joke", "make me laugh",
    "play some jazz", "set a timer for ten minutes", "set an alarm for seven in the morning",
    "what causes sunburn", "how do i get rid of the flu", "what helps with a headache",
    "is the flu contagious", "what causes migraines", "how do i cure a hangover",
    "what do you remember about me", "what information do you have on me",
    "do you know who i am", "who won the game last night", "turn off the lights",
    "add milk to my shopping list",
]


@pytest.mark.parametrize("locale", LOCALES)
def test_unrelated_requests_reach_the_fallback_in_every_locale(locale):
    resolver = load_resolver(locale)
    for strict in (True, False):
        wrong = {say: resolver.resolve(say, strict=strict).intent for say in OUT_OF_DOMAIN
                 if resolver.resolve(say, strict=strict).intent != "AMAZON.FallbackIntent"}
        assert wrong == {}, "word for word" if strict else "lenient"


def test_the_fallback_has_samples_a_classifier_can_learn_out_of_domain_from():
    intents = build_models()["en-US"]["interactionModel"]["languageModel"]["intents"]
    fallback = next(i for i in intents if i["name"] == "AMAZON.FallbackIntent")
    assert len(fallback["samples"]) >= 100
    assert not any("twitch" in s and "my dog" not in s and "my cat" not in s and "my puppy"
                   not in s and "my kitten" not in s for s in fallback["samples"])
