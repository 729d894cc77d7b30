"""Whether a sample with slots says an utterance, without listing every way to fill it.

"{SignClause} and {OtherSignClause}" with three hundred clauses stands for ninety thousand
utterances. Listing them to compare with other samples costs minutes and gigabytes; reading an
utterance against the sample costs a few dictionary lookups. Both `make model` steps that ask
"does this sample say that?" use this: leaving out spelled-out copies (skill/build/model.py) and
finding utterances two intents mean (skill/build/model_checks.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Generic, TypeVar

_SLOT = re.compile(r"(\{\w+\})")
Owner = TypeVar("Owner")


class SlotPatterns(Generic[Owner]):
    """Slotted samples, indexed by their words before the first slot and after the last.

    `phrases` maps a slot type to everything a slot of it may be filled with (values, and
    synonyms where the caller counts them). A slot fills whole words only.
    """

    def __init__(self, phrases: Mapping[str, Collection[str]]) -> None:
        self._phrases = phrases
        # a whole word of each sample's longest words between two slots: an utterance with
        # none of them is said by no sample here (None once a sample has no such word)
        self._keys: set[str] | None = set()
        # words before the first slot -> words after the last -> the longest whole word of
        # the longest words between two slots -> those words (every utterance the sample says
        # contains them) -> samples
        self._index: dict[str, dict[str, dict[str, dict[str, list[
            tuple[list[str], dict[str, str], Owner]]]]]] = {}

    def add(self, sample: str, slot_types: Mapping[str, str], owner: Owner) -> bool:
        """Index a sample; False (and nothing indexed) when it has no slot, or a slot whose
        type has no phrases here (a built-in type such as AMAZON.TIME)."""
        parts = _SLOT.split(sample)
        if len(parts) == 1 or any(slot_types.get(part[1:-1]) not in self._phrases
                                  for part in parts[1::2]):
            return False
        between = max(parts[2:-1:2], key=len, default="")
        # its longest whole word (spaces on both sides: the "'s" of "{Who}'s so {State}" is no
        # word of "my dad's so tired"); "" when it has none, and then it is always tried
        key = max(between.split(" ")[1:-1], key=len, default="")
        if self._keys is not None:
            self._keys = self._keys | {key} if key else None
        by_word = self._index.setdefault(parts[0], {}).setdefault(parts[-1], {})
        by_word.setdefault(key, {}).setdefault(between, []).append(
            (parts, dict(slot_types), owner))
        return True

    def __bool__(self) -> bool:
        return bool(self._index)

    def owners(self, utterance: str) -> Iterator[tuple[Owner, str]]:
        """(owner, sample) for every indexed sample that says the utterance.

        `make model` asks this of some eighteen million utterances, so the common case stays in
        C: cut points per word (not per letter), the ends a start's samples may take and the
        words their middles hold found by set intersections, and the letters' word ends read
        only once a sample is a candidate.
        """
        said = set(utterance.split())
        if self._keys is not None and self._keys.isdisjoint(said):
            return   # most utterances: one split, one set test
        said.add("")
        cuts = [0]
        space = utterance.find(" ")
        while space >= 0:
            cuts.append(space + 1)
            space = utterance.find(" ", space + 1)
        cuts.append(len(utterance))
        index = self._index
        starts = [index[start] for start in {utterance[:cut] for cut in cuts}
                  | {utterance[:cut - 1] for cut in cuts if cut} if start in index]
        if not starts:
            return
        ends = {utterance[cut:] for cut in cuts} | {utterance[cut - 1:] for cut in cuts if cut}
        word_ends: tuple[int, ...] | None = None
        for after in starts:
            for end in ends.intersection(after):
                by_word = after[end]
                for between, samples in (item for key in said.intersection(by_word)
                                         for item in by_word[key].items()):
                    if between not in utterance:
                        continue
                    if word_ends is None:
                        word_ends = (*(at for at, letter in enumerate(utterance)
                                       if letter in " '"), len(utterance))
                    for parts, slot_types, owner in samples:
                        if self._fills(utterance, word_ends, len(parts[0]), parts, 1,
                                       slot_types):
                            yield owner, "".join(parts)

    def says(self, utterance: str) -> bool:
        return next(self.owners(utterance), None) is not None

    def _fills(self, utterance: str, word_ends: tuple[int, ...], at: int, parts: list[str],
               index: int, slot_types: Mapping[str, str]) -> bool:
        """Whether parts[index:] (a slot, then written words, in turn) say utterance[at:]."""
        if index == len(parts):
            return at == len(utterance)
        if index % 2 == 0:   # the written words between two slots
            part = parts[index]
            return utterance.startswith(part, at) and self._fills(
                utterance, word_ends, at + len(part), parts, index + 1, slot_types)
        phrases = self._phrases[slot_types[parts[index][1:-1]]]
        return any(end > at and utterance[at:end] in phrases
                   and self._fills(utterance, word_ends, end, parts, index + 1, slot_types)
                   for end in word_ends)
