"""Reading when a conversation happened, and which days a filter means, from what people type.

A small parser of our own rather than `dateparser`, for two reasons:

* Start-up time. Measured on the development machine (Python 3.11, dateparser 1.5):
  a bare Typer app starts in about 120 ms; `import dateparser` costs about 50-70 ms
  and its first `parse()` another 75 ms while it loads language data, so
  `peerjournal log --when ...` would start in roughly twice the time of a bare
  Typer app. Our target is within 1.3x. This module imports only the standard library.
* Predictability. We need exactly the forms below and one rule dateparser does not
  keep: an ambiguous date means the past, never the future. dateparser reads
  `11/12/2026` month-first, accepts `tomorrow` and `in 2 days` as valid answers to
  "when did it happen?", and knows many languages we never promised to support.

What `parse_when` accepts (case does not matter; extra spaces are fine):

* `now` (also `just now`, `right now`);
* a time alone, meaning today: `14:30`, `9:05:30`, `3pm`, `3:15 pm`, `noon`, `midnight`;
* a day, optionally followed by a time (`at` is optional): `today`, `yesterday`,
  `monday` ... `sunday` (three-letter forms too), `last monday`, `3 days ago`,
  `a week ago`, `2 weeks ago`, and ISO dates `2026-11-20`; the time may also come
  first (`3pm yesterday`, `10am on monday`);
* `2 hours ago`, `45 minutes ago`, `90 min ago`, `an hour ago`;
* ISO date-times `2026-11-20 14:30`, `2026-11-20T14:30:15`, optionally with `Z` or an
  offset such as `+01:00`, which are converted to local time.

Rules a user can rely on:

* A weekday name means the most recent such day, today included (`monday` on a
  Monday is today); `last monday` is the most recent Monday before today. Neither is
  ever in the future.
* A day without a time means 12:00 local time on that day (or now, if that day is
  today). Noon keeps the local calendar day right even if the moment is later
  shown at another UTC offset (up to 12 hours away), which is what day-by-day
  reviews bucket by; the time of day itself was not given, so any choice is a guess.
* `N days ago` and `a week ago` keep the current clock time; `N hours/minutes ago`
  count back exactly, across daylight-saving changes.
* A result more than five minutes in the future is refused (`tomorrow` is
  understood only to say so).
* Day/month forms such as `4/5/2026` are refused: they read differently in the US
  and elsewhere, and a journal must not guess. Use year-month-day.

Every result is an aware datetime in the system's local time zone (including `TZ`)
with the UTC offset in force at that moment. Every failure is `InvalidValue` with
one plain sentence; no other exception escapes, whatever the input.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from peerjournal.errors import InvalidValue

FUTURE_ALLOWANCE = timedelta(minutes=5)
"""How far ahead of the clock a time may be: clocks and typing both drift a little."""

EARLIEST_YEAR = 1900
"""Older moments are typing mistakes; before then, zones had odd local-mean-time offsets."""

_MAX_LENGTH = 80
_SHOWN_LENGTH = 40

_WHEN_EXAMPLES = "for example 'now', 'yesterday 3pm', '2 hours ago' or '2026-11-20 14:30'"
_DAY_EXAMPLES = "for example 'today', '7 days ago', 'last monday' or '2026-11-20'"

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_WEEKDAY_PATTERN = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

# Every pattern is ASCII-only: `\d` would otherwise also match digits of other
# scripts, which `int()` accepts but nobody means as a date.
_AMPM = r"(?:a\.?m\.?|p\.?m\.?)"
_TIME = rf"""
    (?P<clock>(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?
        (?:\s?(?P<ampm>{_AMPM}))?)
  | (?P<bare>(?P<bare_hour>\d{{1,2}})\s?(?P<bare_ampm>{_AMPM}))
  | (?P<named>noon|midday|midnight)
"""
_DAY = rf"""
    (?P<relative>today|yesterday|tomorrow)
  | (?:(?P<last>last)\s)?(?:on\s)?(?P<weekday>{_WEEKDAY_PATTERN})
  | (?P<count>\d{{1,4}}|an?)\s(?P<unit>days?|weeks?)\sago
  | (?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
"""
_FLAGS = re.ASCII | re.VERBOSE
_TIME_ONLY = re.compile(rf"(?:at\s)?(?:{_TIME})", _FLAGS)
_DAY_ONLY = re.compile(rf"(?:{_DAY})", _FLAGS)
_DAY_THEN_TIME = re.compile(rf"(?:{_DAY})\s(?:at\s)?(?:{_TIME})", _FLAGS)
_TIME_THEN_DAY = re.compile(rf"(?:at\s)?(?:{_TIME})\s(?:{_DAY})", _FLAGS)
_DURATION_AGO = re.compile(
    r"(?P<count>\d{1,5}|an?)\s?(?P<unit>minutes?|mins?|m|hours?|hrs?|h)\sago", _FLAGS
)
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:z|[+-]\d{2}:?\d{2})?",
    _FLAGS,
)
_ISO_WEEK = re.compile(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})", _FLAGS)
_SLASHED = re.compile(r"\b(?:\d{1,4}/\d{1,2}(?:/\d{1,4})?|\d{1,2}\.\d{1,2}\.\d{2,4})\b", _FLAGS)
_NOW_WORDS = frozenset(("now", "just now", "right now"))


def parse_when(text: str, *, now: datetime | None = None) -> datetime:
    """When a conversation happened, as an aware local datetime; never in the future.

    `now` is the reference moment (default: the system clock, in local time).
    Raises InvalidValue with one plain sentence for anything it cannot read or that
    lies more than FUTURE_ALLOWANCE ahead of `now`.
    """
    current = _local_now(now)
    words = _normalise(text, what="when the conversation happened", examples=_WHEN_EXAMPLES)
    try:
        moment = _read_when(words, current)
    except (ValueError, OverflowError, OSError) as exc:
        # Arithmetic or the C library's time functions can fail at the edges of the
        # calendar (year 1, year 9999): that is the user asking for a day too far away.
        raise InvalidValue(
            f"'{_shown(words)}' is too far from today to be a conversation's time; "
            f"try {_WHEN_EXAMPLES}."
        ) from exc
    if moment > current + FUTURE_ALLOWANCE:
        raise InvalidValue(_future_message(words, moment))
    if moment.year < EARLIEST_YEAR:
        raise InvalidValue(
            f"That is before {EARLIEST_YEAR}, too long ago for a conversation in this journal; "
            "check the year, for example '2026-11-20'."
        )
    return moment


def parse_day(text: str, *, today: date | None = None) -> date:
    """A local calendar day for --since/--until filters.

    Accepts `today`, `yesterday`, ISO dates (`2026-11-20`), `N days ago`,
    `N weeks ago`, `a week ago`, weekday names (`monday`, `last monday`, as in
    parse_when) and ISO weeks (`2026-W47`, meaning that week's Sunday, its last
    day; a caller wanting the Monday subtracts six days). Future days are allowed:
    `--until 2026-12-31` is a sensible filter. Raises InvalidValue otherwise.
    """
    current = today if today is not None else date.today()
    words = _normalise(text, what="a day", examples=_DAY_EXAMPLES)
    if _ISO_WEEK.fullmatch(words):
        return iso_week_sunday(words)
    found = _DAY_ONLY.fullmatch(words)
    if found is None:
        raise InvalidValue(_not_understood(words, "a day", _DAY_EXAMPLES))
    try:
        return _resolve_day(found, current)
    except (ValueError, OverflowError) as exc:
        raise InvalidValue(
            f"'{_shown(words)}' is too far from today; try {_DAY_EXAMPLES}."
        ) from exc


def iso_week_sunday(text: str) -> date:
    """The Sunday (last day) of an ISO week written like `2026-W47`.

    Used by `review --week`. Raises InvalidValue for anything else, including week
    numbers the year does not have (most years have 52 weeks, some 53).
    """
    words = " ".join(text.split()).lower()
    found = _ISO_WEEK.fullmatch(words)
    if found is None:
        raise InvalidValue(
            f"'{_shown(words)}' is not an ISO week; write the year, W and the week "
            "number, for example '2026-W47'."
        )
    year, week = int(found["year"]), int(found["week"])
    try:
        return date.fromisocalendar(year, week, 7)
    except ValueError as exc:
        raise InvalidValue(
            f"{year} has no week {week}; ISO weeks run from 1 to 52 (53 in some years), "
            f"for example '{year}-W01'."
        ) from exc


def _local_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now().astimezone()
    # A naive `now` is taken as local time; an aware one is moved into the local zone,
    # because every result is expressed in the local zone.
    return now.astimezone()


def _normalise(text: str, *, what: str, examples: str) -> str:
    if not text.strip():
        raise InvalidValue(f"Please say {what}, {examples}.")
    words = " ".join(text.split()).lower()
    if len(words) > _MAX_LENGTH:
        raise InvalidValue(f"That is too long to be {what}; try {examples}.")
    return words


def _shown(words: str) -> str:
    return words if len(words) <= _SHOWN_LENGTH else words[: _SHOWN_LENGTH - 1] + "…"


def _not_understood(words: str, what: str, examples: str) -> str:
    if _SLASHED.search(words):
        return (
            f"'{_shown(words)}' could be read as day/month or month/day; "
            "write dates as year-month-day, for example '2026-11-20'."
        )
    return f"'{_shown(words)}' is not {what} peerjournal understands; try {examples}."


def _future_message(words: str, moment: datetime) -> str:
    shown = moment.strftime("%Y-%m-%d %H:%M")
    if _TIME_ONLY.fullmatch(words):
        return (
            f"That is in the future (today at {shown[-5:]}); for yesterday, "
            f"type 'yesterday {words}'."
        )
    return (
        f"That is in the future ({shown}); give the time the conversation happened, "
        "for example 'now' or 'yesterday 15:00'."
    )


def _read_when(words: str, now: datetime) -> datetime:
    if words in _NOW_WORDS:
        return now
    if _ISO_DATETIME.fullmatch(words):
        return _iso_datetime(words)
    found = _DURATION_AGO.fullmatch(words)
    if found is not None:
        amount = _count(found["count"])
        unit = found["unit"]
        step = timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount)
        # Exact elapsed time: subtract in UTC, then show in the zone of that moment.
        return (now - step).astimezone()
    found = _TIME_ONLY.fullmatch(words)
    if found is not None:
        return _at(now.date(), _clock(found))
    found = _DAY_ONLY.fullmatch(words)
    if found is not None:
        return _day_without_time(found, now)
    found = _DAY_THEN_TIME.fullmatch(words) or _TIME_THEN_DAY.fullmatch(words)
    if found is not None:
        return _at(_resolve_day(found, now.date()), _clock(found))
    raise InvalidValue(_not_understood(words, "a time", _WHEN_EXAMPLES))


def _iso_datetime(words: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(words.upper())
    except ValueError as exc:
        raise InvalidValue(
            f"'{_shown(words)}' is not a real date and time; write it as "
            "year-month-day hour:minute, for example '2026-11-20 14:30'."
        ) from exc
    if parsed.tzinfo is None:
        return _localise(parsed)
    return parsed.astimezone()


def _day_without_time(found: re.Match[str], now: datetime) -> datetime:
    if found["relative"] == "today":
        return now
    if found["unit"] is not None:
        # "3 days ago" keeps the clock time: the same wall-clock time that many days back.
        return _localise(now.replace(tzinfo=None) - _days_back(found))
    day = _resolve_day(found, now.date())
    if day == now.date():
        return now
    return _at(day, time(12, 0))


def _resolve_day(found: re.Match[str], today: date) -> date:
    relative = found["relative"]
    if relative == "today":
        return today
    if relative == "yesterday":
        return today - timedelta(days=1)
    if relative == "tomorrow":
        return today + timedelta(days=1)
    weekday = found["weekday"]
    if weekday is not None:
        back = (today.weekday() - _WEEKDAYS[weekday]) % 7
        if found["last"] and back == 0:
            back = 7
        return today - timedelta(days=back)
    if found["unit"] is not None:
        return today - _days_back(found)
    iso = found["iso"]
    try:
        return date.fromisoformat(iso)
    except ValueError as exc:
        raise InvalidValue(
            f"{iso} is not a real date; write dates as year-month-day, for example '2026-11-20'."
        ) from exc


def _days_back(found: re.Match[str]) -> timedelta:
    amount = _count(found["count"])
    if found["unit"].startswith("week"):
        return timedelta(weeks=amount)
    return timedelta(days=amount)


def _count(text: str) -> int:
    return 1 if text in ("a", "an") else int(text)


def _clock(found: re.Match[str]) -> time:
    named = found["named"]
    if named == "midnight":
        return time(0, 0)
    if named is not None:
        return time(12, 0)
    if found["bare"] is not None:
        hour, minute, second, ampm = found["bare_hour"], "0", "0", found["bare_ampm"]
    else:
        hour, minute, second, ampm = (
            found["hour"],
            found["minute"],
            found["second"] or "0",
            found["ampm"],
        )
    return _checked_time(int(hour), int(minute), int(second), ampm)


def _checked_time(hour: int, minute: int, second: int, ampm: str | None) -> time:
    if ampm is not None:
        if not 1 <= hour <= 12:
            raise InvalidValue(
                f"There is no {hour} o'clock with am or pm; use 1 to 12 with am/pm, "
                "or 0 to 23 without, for example '3pm' or '15:00'."
            )
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23:
        raise InvalidValue(
            f"There is no hour {hour} on a clock; use 0 to 23, for example '15:00' or '3pm'."
        )
    if minute > 59 or second > 59:
        raise InvalidValue(
            "Minutes and seconds run from 00 to 59; try for example '15:05' or '3:45pm'."
        )
    return time(hour, minute, second)


def _at(day: date, clock: time) -> datetime:
    return _localise(datetime.combine(day, clock))


def _localise(naive: datetime) -> datetime:
    """A local wall-clock time as an aware datetime with the offset in force then.

    `astimezone()` on a naive datetime asks the C library (so `TZ` is honoured) and
    picks the right offset on each side of a daylight-saving change. A time that
    happens twice when clocks go back means the first of the two. A time in the hour
    skipped when clocks go forward is read on the clock as it was before the change
    (02:30 becomes 03:30 summer time): the moment the user's old clock would have shown.
    """
    aware = naive.astimezone()
    if aware.replace(tzinfo=None) != naive:
        # The C library shifted a skipped wall time backwards; fold=1 asks for the
        # forward reading instead.
        aware = naive.replace(fold=1).astimezone()
    return aware


def local_moment(day: str, clock: str) -> datetime:
    """A day and a time typed into a spreadsheet, on this computer's clock (made aware)."""
    try:
        when = datetime.fromisoformat(f"{day.strip()}T{clock.strip() or '12:00'}")
    except ValueError:
        raise InvalidValue(
            f"'{day} {clock}' is not a day and time like 2026-11-20 and 14:30."
        ) from None
    return when.astimezone()
