"""Which prevention tip a user hears on a given day.

The choice is a pure function of the user and the date, so the tip is the same all day without
storing anything, differs for different users, and (with two or more tips) is never the same on
two days running: consecutive days land on consecutive positions of the list.
"""

from __future__ import annotations

import zlib
from datetime import date

from skill.content import Entry


def tip_of_the_day(tips: tuple[Entry, ...], user_id: str, day: date) -> Entry:
    """The user's tip for `day`."""
    if not tips:
        raise ValueError("there are no tips to choose from")
    offset = zlib.crc32(user_id.encode("utf-8"))
    return tips[(day.toordinal() + offset) % len(tips)]
