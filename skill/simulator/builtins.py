"""What Alexa knows before any skill model: its built-in intents' core phrases and the grammars
of the built-in slot types (AMAZON.NUMBER, AMAZON.TIME, AMAZON.DATE).

A skill's model only *extends* the built-in intents, so "stop" or "go home" work without being
listed; the resolver adds these phrases for the built-in intents a model declares. Other built-in
slot types pass the words through, as Alexa does for AMAZON.SearchQuery and similar.
"""

from __future__ import annotations

from datetime import date, timedelta

# The core phrases Alexa trains each built-in intent on (a model's own samples come first).
BUILTIN_INTENT_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.StopIntent": ("stop", "off", "shut up", "be quiet", "stop talking"),
    "AMAZON.CancelIntent": ("cancel", "never mind"),
    "AMAZON.HelpIntent": ("help", "help me"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
    "AMAZON.NextIntent": ("next", "skip"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back"),
    "AMAZON.MoreIntent": ("more",),
    "AMAZON.StartOverIntent": ("start over", "restart"),
    "AMAZON.ResumeIntent": ("resume", "continue"),
    "AMAZON.PauseIntent": ("pause",),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to the home screen", "main menu"),
}

# Built-in slot types whose words must parse; any other built-in type takes any words.
GRAMMARS = frozenset({"AMAZON.NUMBER", "AMAZON.TIME", "AMAZON.DATE"})

_UNITS = {w: i for i, w in enumerate(
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen"
    ])}
_TENS = {w: 10 * i for i, w in enumerate(
    [
        "_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety"
    ]) if w != "_"}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
             "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
             "thirtieth": 30}
_MONTHS = {m: i + 1 for i, m in enumerate(
    [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december"
    ])}
_WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_PERIODS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}


def parse_builtin(slot_type: str, forms: list[str], today: date) -> str | None:
    """The value Alexa would put in a built-in slot, None when the words are not one.

    Unknown built-in types (AMAZON.SearchQuery, AMAZON.City, ...) pass the words through.
    """
    forms = [f for f in forms if f]
    if not forms:
        return None
    if slot_type == "AMAZON.NUMBER":
        number = parse_number(forms)
        return None if number is None else str(number)
    if slot_type == "AMAZON.TIME":
        return parse_time(forms)
    if slot_type == "AMAZON.DATE":
        return parse_date(forms, today)
    return " ".join(forms)


def parse_number(forms: list[str]) -> int | None:
    """ "42", "forty two", "one hundred and five", "a dozen" -> int."""
    forms = [f for f in forms if f != "and"]
    if len(forms) == 1 and forms[0].isdigit():
        return int(forms[0])
    if forms == ["a", "dozen"] or forms == ["dozen"]:
        return 12
    if forms and forms[0] == "a" and len(forms) > 1 and forms[1] in _SCALES:
        forms = ["one", *forms[1:]]
    total = current = 0
    seen = False
    for form in forms:
        if form in _UNITS:
            current += _UNITS[form]
        elif form in _TENS:
            current += _TENS[form]
        elif form == "hundred":
            current = max(current, 1) * 100
        elif form in _SCALES:
            total += max(current, 1) * _SCALES[form]
            current = 0
        elif form.isdigit():
            current += int(form)
        else:
            return None
        seen = True
    return total + current if seen else None


def _minutes(forms: list[str]) -> int | None:
    if not forms:
        return 0
    if forms in (["o'clock"], ["oclock"]):
        return 0
    if forms[0] in ("oh", "o") and len(forms) == 2:
        minute = parse_number(forms[1:])
        return minute if minute is not None and minute < 10 else None
    minute = parse_number(forms)
    return minute if minute is not None and 0 <= minute < 60 else None


def parse_time(forms: list[str]) -> str | None:
    """ "8 am", "eight a m", "seven thirty pm", "19:30", "noon", "half past six" -> "HH:MM"."""
    forms = [f for f in forms if f not in ("at", "around", "about")]
    if forms and forms[0] == "the" and len(forms) == 2 and forms[1] in _PERIODS:
        forms = forms[1:]
    if len(forms) == 1 and forms[0] in _PERIODS:
        return _PERIODS[forms[0]]
    if forms in (["noon"], ["midday"]):
        return "12:00"
    if forms == ["midnight"]:
        return "00:00"
    meridiem = None
    text = " ".join(forms)
    for tail, which in ((" in the morning", "am"), (" in the afternoon", "pm"),
                        (" in the evening", "pm"), (" at night", "pm"), (" tonight", "pm")):
        if text.endswith(tail):
            text, meridiem = text[: -len(tail)], which
    forms = text.split()
    if forms and forms[-1] in ("am", "pm"):
        meridiem, forms = forms[-1], forms[:-1]
    elif len(forms) >= 2 and forms[-2] in ("a", "p") and forms[-1] == "m":
        meridiem, forms = forms[-2] + "m", forms[:-2]
    elif forms and forms[-1][-2:] in ("am", "pm") and forms[-1][:-2].replace(":", "").isdigit():
        meridiem, forms = forms[-1][-2:], [*forms[:-1], forms[-1][:-2]]
    if not forms:
        return None
    hour: int | None
    minute: int | None
    if len(forms) >= 3 and forms[1] in ("past", "after", "to", "till", "before"):
        offsets = {"half": 30, "quarter": 15}
        offset = offsets.get(forms[0])
        if offset is None:
            offset = parse_number([forms[0]])
        hour = parse_number(forms[2:])
        if offset is None or hour is None or offset >= 60:
            return None
        minute = offset if forms[1] in ("past", "after") else 60 - offset
        if forms[1] not in ("past", "after"):
            hour -= 1
    elif ":" in forms[0] and len(forms) == 1:
        left, _, right = forms[0].partition(":")
        hour, minute = int(left), int(right)
    else:
        hour = parse_number(forms[:1])
        minute = _minutes(forms[1:])
    if hour is None or minute is None or not 0 <= hour <= 23 or minute >= 60:
        return None
    if meridiem and hour > 12:
        return None
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return f"{hour % 24:02d}:{minute:02d}"


def parse_date(forms: list[str], today: date) -> str | None:
    """ "today", "tomorrow", "monday", "next week", "december fifth", "2026-12-05" -> ISO."""
    forms = [f for f in forms if f not in ("on", "the", "of")]
    text = " ".join(forms)
    relative = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1,
                "day after tomorrow": 2}
    if text in relative:
        return (today + timedelta(days=relative[text])).isoformat()
    if text in ("this week", "next week", "this weekend", "next weekend", "last week"):
        shift = {"this": 0, "next": 7, "last": -7}[forms[0]]
        year, number, _ = (today + timedelta(days=shift)).isocalendar()
        return f"{year}-W{number:02d}" + ("-WE" if forms[1] == "weekend" else "")
    if forms and forms[-1] in _WEEKDAYS and (len(forms) == 1 or forms[:-1] in (["this"],
                                                                                ["next"])):
        ahead = (_WEEKDAYS[forms[-1]] - today.weekday()) % 7 or 7  # the coming one
        return (today + timedelta(days=ahead)).isoformat()
    if len(forms) == 1 and len(forms[0]) == 10 and forms[0][4] == forms[0][7] == "-":
        try:
            return date.fromisoformat(forms[0]).isoformat()
        except ValueError:
            return None
    month = day = None
    year = today.year
    rest = []
    for form in forms:
        if form in _MONTHS and month is None:
            month = _MONTHS[form]
        else:
            rest.append(form)
    if month is None:
        return None
    if rest and rest[-1].isdigit() and len(rest[-1]) == 4:
        year = int(rest[-1])
        rest = rest[:-1]
    if not rest:
        return f"{year}-{month:02d}"
    day = _day(rest)
    if day is None:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found < today and len(forms) == 2:
        found = found.replace(year=year + 1)
    return found.isoformat()


def _day(forms: list[str]) -> int | None:
    if len(forms) == 1:
        form = forms[0].rstrip("stndrh") if forms[0][:1].isdigit() else forms[0]
        if form.isdigit():
            return int(form)
        return _ORDINALS.get(form)
    if len(forms) == 2 and forms[0] in ("twenty", "thirty") and forms[1] in _ORDINALS:
        return {"twenty": 20, "thirty": 30}[forms[0]] + _ORDINALS[forms[1]]
    return None
