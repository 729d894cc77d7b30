"""Which prevention tip a user hears on a given day.

The choice is a pure function of the user and the date, so the tip is the same all day without
storing anything, differs for different users, and (with two or more tips) is never the same on
two days running: consecutive days land on consecutive positions of the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from skill.content import Entry


def tip_of_the_day(tips: tuple[Entry, ...], user_id: str, day: date) -> Entry:
    """The user's tip for `day`."""
    if not tips:
        raise ValueError("there are no tips to choose from")
    import zlib  # here, not at the top: only tip turns need it, and its import slows a cold start

    offset = zlib.crc32(user_id.encode("utf-8"))
    return tips[(day.toordinal() + offset) % len(tips)]


def daily_tip(tips: tuple[Entry, ...], user_id: str, day: date,
              heard_yesterday: Sequence[str] = ()) -> Entry:
    """The user's tip for `day`, stepping past tips they already heard the day before.

    `heard_yesterday` starts with yesterday's daily tip (when known). The tip is never yesterday's
    daily tip: if every tip was heard yesterday, the first one that was not yesterday's is taken.
    """
    first = tip_of_the_day(tips, user_id, day)
    start = tips.index(first)
    rotation = [tips[(start + step) % len(tips)] for step in range(len(tips))]
    for tip in rotation:
        if tip.id not in heard_yesterday:
            return tip
    yesterday = heard_yesterday[0] if heard_yesterday else None
    return next((tip for tip in rotation if tip.id != yesterday), first)


def another_tip(tips: tuple[Entry, ...], user_id: str, day: date, daily_id: str,
                heard: Sequence[str]) -> Entry | None:
    """A tip not heard today, following today's tip in the user's rotation; None if none is left.

    Today's daily tip is never offered as "another" one: it stays the daily tip.
    """
    if not tips:
        raise ValueError("there are no tips to choose from")
    start = next((i for i, tip in enumerate(tips) if tip.id == daily_id),
                 tips.index(tip_of_the_day(tips, user_id, day)))
    skip = {daily_id, *heard}
    for step in range(1, len(tips) + 1):
        tip = tips[(start + step) % len(tips)]
        if tip.id not in skip:
            return tip
    return None
