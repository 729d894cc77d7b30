"""Today's prevention tip, and "another tip".

"Today" is the user's own date (skill/alexa/clock.py). The day's tip is the same all day: once
chosen it is kept, with every tip heard that day, in the user's record (the last two weeks of
days), and in the session too, so a skill with no store still never repeats itself within a
conversation.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.attributes import own
from skill.alexa.clock import local_now
from skill.content import Entry
from skill.reply import reply, session, speaker
from skill.slots import intent_name
from skill.store.records import remember, user_record
from skill.tips import another_tip, daily_tip

HISTORY = "tips"          # user record: {"YYYY-MM-DD": {"tip": daily id, "heard": [ids]}}
TODAY = own("tips_today")  # session: {"day": "YYYY-MM-DD", "tip": daily id, "heard": [ids]}
KEEP_DAYS = 14


def user_id(handler_input: HandlerInput) -> str:
    system = getattr(handler_input.request_envelope.context, "system", None)
    user = getattr(system, "user", None)
    return getattr(user, "user_id", None) or "anonymous"


def _day(entry: Any) -> dict[str, Any]:
    """A stored day, cleaned: a damaged record must not break the tip."""
    if not isinstance(entry, dict):
        return {"tip": None, "heard": []}
    tip = entry.get("tip") if isinstance(entry.get("tip"), str) else None
    heard = [i for i in entry.get("heard") or () if isinstance(i, str)] \
        if isinstance(entry.get("heard"), list) else []
    return {"tip": tip, "heard": heard}


class TipDays:
    """The user's tip history for today and yesterday, read from the record and the session."""

    def __init__(self, handler_input: HandlerInput, today: date) -> None:
        self.handler_input = handler_input
        self.today = today
        stored = user_record(handler_input).get(HISTORY)
        self.history: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {}
        self.day = _day(self.history.get(today.isoformat()))
        this_session = session(handler_input).get(TODAY)
        if isinstance(this_session, dict) and this_session.get("day") == today.isoformat():
            from_session = _day(this_session)
            self.day["tip"] = self.day["tip"] or from_session["tip"]
            self.day["heard"] += [i for i in from_session["heard"] if i not in self.day["heard"]]
        self.yesterday = _day(self.history.get((today - timedelta(days=1)).isoformat()))
        self._before = (self.day["tip"], tuple(self.day["heard"]))

    def daily(self, tips: tuple[Entry, ...]) -> Entry:
        """Today's tip: the one already chosen today, else a new choice."""
        known = {tip.id: tip for tip in tips}
        if self.day["tip"] in known:
            return known[self.day["tip"]]
        heard_yesterday = [i for i in (self.yesterday["tip"], *self.yesterday["heard"]) if i]
        tip = daily_tip(tips, user_id(self.handler_input), self.today, heard_yesterday)
        self.day["tip"] = tip.id
        return tip

    def heard(self, tip: Entry) -> None:
        if tip.id not in self.day["heard"]:
            self.day["heard"].append(tip.id)

    def save(self) -> None:
        """Keep today in the session and the record; the record is written only on a change."""
        iso = self.today.isoformat()
        session(self.handler_input)[TODAY] = {"day": iso, **self.day}
        if (self.day["tip"], tuple(self.day["heard"])) == self._before:
            return
        self.history[iso] = dict(self.day)
        oldest = (self.today - timedelta(days=KEEP_DAYS - 1)).isoformat()
        kept = {day: entry for day, entry in self.history.items()
                if isinstance(day, str) and oldest <= day <= iso}
        remember(self.handler_input, **{HISTORY: kept})


class DailyTipHandler(AbstractRequestHandler):
    """ "What's today's tip": the same tip all day, a different one tomorrow."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "DailyTipIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        days = TipDays(handler_input, local_now(handler_input).date())
        tip = days.daily(speak.content.entries("tip"))
        days.heard(tip)
        days.save()
        return reply(handler_input, speak.tip(tip))


class AnotherTipHandler(AbstractRequestHandler):
    """ "Another tip": one not heard yet today, until every tip has been heard."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) == "AnotherTipIntent"

    def handle(self, handler_input: HandlerInput) -> Response:
        speak = speaker(handler_input)
        tips = speak.content.entries("tip")
        days = TipDays(handler_input, local_now(handler_input).date())
        daily = days.daily(tips)
        tip = another_tip(tips, user_id(handler_input), days.today, daily.id, days.day["heard"])
        if tip is not None:
            days.heard(tip)
        days.save()
        if tip is None:
            all_heard = daily.id in days.day["heard"]
            key = "tips_all_heard" if all_heard else "tips_all_heard_but_today"
            return reply(handler_input, speak.message(key, count=len(tips)))
        return reply(handler_input, speak.tip(tip, intro="another_tip_intro"))
