"""Reading dates and times from what people type: when it happened, which days, when it is due.

A small parser of our own rather than `dateparser`, for two reasons:

* Start-up time. Measured on the development machine (Python 3.11, dateparser 1.5):
  a bare Typer app starts in about 120 ms; `import dateparser` costs about 50-70 ms
  and its first `parse()` another 75 ms while it loads language data, so
  `peerjournal log --when ...` would start in roughly twice the time of a bare
  Typer app. Our target is within 1.3x. This module imports only the standard library.
* Predictability. We need exactly the forms parse_when documents, and one rule dateparser
  does not keep: an ambiguous date means the past, never the future. dateparser reads
  `11/12/2026` month-first, accepts `tomorrow` and `in 2 days` as valid answers to
  "when did it happen?", and knows many languages we never promised to support.

Four readers share one grammar (times, day words, month names, parts of the day):

* `parse_when`: when a conversation happened; never the future. Its docstring is the
  reference for every phrase a supporter may type.
* `parse_day`: a calendar day for `--since`/`--until` filters.
* `parse_due`: when a follow-up is due; today or later.
* `local_moment`: the `date` and `time` cells of a CSV row.

Every moment returned is an aware datetime in the system's local time zone (including
`TZ`) with the UTC offset in force at that moment. Every failure is `InvalidValue`
with one plain sentence and an example; no other exception escapes, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

from peerjournal.errors import InvalidValue

FUTURE_ALLOWANCE = timedelta(minutes=5)
"""How far ahead of the clock a time may be: clocks and typing both drift a little."""

EARLIEST_YEAR = 1900
"""Older moments are typing mistakes; before then, zones had odd local-mean-time offsets."""

PARTS_OF_DAY: Mapping[str, time] = MappingProxyType(
    {
        "morning": time(9, 0),
        "afternoon": time(15, 0),
        "evening": time(19, 0),
        "night": time(22, 0),
    }
)
"""The hour each part of the day stands for when no time is given: `last night` is 22:00."""

# When each part of the day begins, so that "this evening" at 18:00 can mean "just
# now" while "this evening" at 10:00 is refused. The small hours, up to the morning,
# belong to the night before: "tonight" at 01:30 is the night that began yesterday.
_PART_BEGINS = {"morning": time(5), "afternoon": time(12), "evening": time(17), "night": time(21)}
_NIGHT_ENDS = _PART_BEGINS["morning"]

_FURTHEST_DUE = timedelta(days=2 * 366)
"""A follow-up due further ahead than this is a mistyped year."""

_MAX_LENGTH = 80
_SHOWN_LENGTH = 40

_WHEN_EXAMPLES = (
    "for example 'now', 'yesterday 3pm', 'last night', '2 hours ago' or '2026-11-20 14:30'"
)
_DAY_EXAMPLES = "for example 'today', '7 days ago', 'last monday', '3 Nov' or '2026-11-20'"
_DUE_EXAMPLES = "for example 'friday', 'friday 5pm', 'in 3 days', 'next week' or '10 Dec'"
_UNAMBIGUOUS = (
    "write the month as a word or the date as year-month-day, for example '3 Nov' or '2026-11-03'"
)

_WEEKDAY_NAMES = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
_WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
_WEEKDAY_PATTERN = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
_PART_PATTERN = "|".join(PARTS_OF_DAY)

# Every pattern is ASCII-only: `\d` would otherwise also match digits of other
# scripts, which `int()` accepts but nobody means as a date.
_AMPM = r"(?:a\.?m\.?|p\.?m\.?)"
_TIME = rf"""
    (?P<clock>(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?
        (?:\s?(?P<ampm>{_AMPM}))?)
  | (?P<bare>(?P<bare_hour>\d{{1,2}})\s?(?P<bare_ampm>{_AMPM}))
  | (?P<named>noon|midday|midnight)
"""
# "3 Nov", "Nov 3", "3rd of November", "Nov 3, 2025", "Tue 3 Nov 2026" (as screens show days).
_MONTH_DATE = rf"""
    (?:on\s)?(?:(?P<dated_weekday>{_WEEKDAY_PATTERN}),?\s)?
    (?:
        (?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<dm_month>{_MONTH_PATTERN})\.?
      | (?P<md_month>{_MONTH_PATTERN})\.?\s(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?
    )
    (?:,?\s(?P<year>\d{{4}}))?
"""
_ISO_DATE = r"(?P<iso>\d{4}-\d{2}-\d{2})"
_DAY = rf"""
    (?P<relative>today|yesterday|tomorrow)
  | (?:(?P<last>last)\s)?(?:on\s)?(?P<weekday>{_WEEKDAY_PATTERN})
  | (?P<count>\d{{1,4}}|an?)\s(?P<unit>days?|weeks?)\sago
  | (?:on\s)?{_ISO_DATE}
  | {_MONTH_DATE}
"""
# The days a follow-up may be due: `this`/`next` weekdays and weeks, `in N days`.
_DUE_DAY = rf"""
    (?P<relative>today|tomorrow)
  | (?:(?P<which>this|next)\s)?(?:on\s)?(?P<weekday>{_WEEKDAY_PATTERN})
  | (?P<which_week>this|next)\sweek
  | in\s(?P<count>\d{{1,4}}|an?)\s(?P<unit>days?|weeks?)
  | (?:on\s)?{_ISO_DATE}
  | {_MONTH_DATE}
"""


def _with_parts(day: str) -> str:
    """A part of the day, alone or after a day: `tonight`, `this morning`, `monday night`."""
    return rf"""
        (?P<tonight>tonight)
      | this\s(?P<this_part>{_PART_PATTERN})
      | (?P<last_night>last\snight)
      | (?:{day})\s(?:in\sthe\s)?(?P<part>{_PART_PATTERN})
    """


class _Lazy:
    """A pattern compiled on first use.

    Compiling the whole grammar costs about 20 ms, paid at import by every command
    that reads a date; most answers ('now', 'yesterday 3pm') need two or three patterns.
    """

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, re.ASCII | re.VERBOSE)
        return self._compiled

    def fullmatch(self, words: str) -> re.Match[str] | None:
        return self._pattern().fullmatch(words)

    def search(self, words: str) -> re.Match[str] | None:
        return self._pattern().search(words)


@dataclass(frozen=True)
class _Grammar:
    """The ways a day, a part of the day and a time combine, for one meaning of 'day'."""

    day: _Lazy
    day_then_time: _Lazy
    time_then_day: _Lazy
    part: _Lazy
    part_then_time: _Lazy
    time_then_part: _Lazy

    @classmethod
    def over(cls, day: str) -> _Grammar:
        parts = _with_parts(day)
        return cls(
            day=_Lazy(rf"(?:{day})"),
            day_then_time=_Lazy(rf"(?:{day})\s(?:at\s)?(?:{_TIME})"),
            time_then_day=_Lazy(rf"(?:at\s)?(?:{_TIME})\s(?:{day})"),
            part=_Lazy(rf"(?:{parts})"),
            part_then_time=_Lazy(rf"(?:{parts})\s(?:at\s)?(?:{_TIME})"),
            time_then_part=_Lazy(rf"(?:at\s)?(?:{_TIME})\s(?:{parts})"),
        )

    def with_time(self, words: str) -> re.Match[str] | None:
        return self.day_then_time.fullmatch(words) or self.time_then_day.fullmatch(words)

    def part_with_time(self, words: str) -> re.Match[str] | None:
        return self.part_then_time.fullmatch(words) or self.time_then_part.fullmatch(words)


_PAST = _Grammar.over(_DAY)
_AHEAD = _Grammar.over(_DUE_DAY)
_TIME_ONLY = _Lazy(rf"(?:at\s)?(?:{_TIME})")
_DAY_ONLY = _PAST.day
_CALENDAR_DATE = _Lazy(rf"{_ISO_DATE}|(?:{_MONTH_DATE})")
_DURATION_AGO = _Lazy(r"(?P<count>\d{1,5}|an?)\s?(?P<unit>minutes?|mins?|m|hours?|hrs?|h)\sago")
_ISO_DATETIME = _Lazy(
    r"\d{4}-\d{2}-\d{2}[t\ ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:z|[+-]\d{2}:?\d{2})?"
)
_ISO_DATE_T = re.compile(r"(\d{4}-\d{2}-\d{2})t(?=\d)", re.ASCII)
_ISO_WEEK = _Lazy(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})")
_SLASHED = _Lazy(r"\b(?:\d{1,4}/\d{1,2}(?:/\d{1,4})?|\d{1,2}\.\d{1,2}\.\d{2,4})\b")
_NOW_WORDS = frozenset(("now", "just now", "right now"))


def parse_when(text: str, *, now: datetime | None = None) -> datetime:
    """When a conversation happened, as an aware local datetime; never in the future.

    `now` is the reference moment (default: the system clock, in local time). Case
    does not matter and extra spaces are fine. Accepted:

    * `now` (also `just now`, `right now`).
    * A time alone, meaning today: `14:30`, `9:05:30`, `3pm`, `3:15 pm`, `noon`,
      `midnight`. `at` may come first: `at 10am`.
    * A day alone or with a time, the time before or after it, `at` optional:
      `today`, `yesterday`, `monday` ... `sunday` (also `mon`, `tue`, `thurs`...),
      `last monday`, `3 days ago`, `a week ago`, `2 weeks ago`; a date with the month
      as a word, `3 Nov`, `Nov 3`, `November 3`, `3rd of November`, `3 Nov 2025`,
      `Nov 3, 2025`, `Tue 3 Nov 2026`; an ISO date `2026-11-03`. So: `yesterday 3pm`,
      `3pm yesterday`, `monday at 10:15`, `3 Nov 14:00`, `Nov 3 2pm`.
    * A part of the day, each standing for a fixed hour (PARTS_OF_DAY): morning 09:00,
      afternoon 15:00, evening 19:00, night 22:00. `this morning`, `this afternoon`,
      `this evening`, `tonight`, `last night` (22:00 yesterday), `yesterday morning`,
      `yesterday evening`, `yesterday night`, and after any other day: `monday
      evening`, `3 Nov in the afternoon`. A time may follow and then wins: `last night
      at 11pm`, `this morning 8:30`; a time from midnight to 05:00 with `night` is in
      the small hours after that night (`last night 1am` is 01:00 today).
    * `2 hours ago`, `45 minutes ago`, `90 min ago`, `an hour ago`.
    * ISO date-times `2026-11-20 14:30`, `2026-11-20T14:30:15`, optionally with `Z`
      or an offset such as `+01:00`, which are converted to local time.

    Rules a user can rely on:

    * Nothing is ever in the future (beyond FUTURE_ALLOWANCE, five minutes for drifting
      clocks). Words for the future (`tomorrow`) are understood only to say so.
    * A weekday means the most recent such day, today included (`monday` on a Monday
      is today); `last monday` is the most recent Monday before today.
    * A date without a year means the most recent such day, today included: `Nov 3`
      typed on 1 November is last year's. A weekday written with a date must match it.
    * A day without a time means 12:00 on that day, or now if that day is today. Noon
      keeps the local calendar day right even when shown at another UTC offset.
    * A part of today that is under way but whose hour has not come means now
      (`this evening` at 18:00); one that has not begun is refused (`this evening` at
      10:00). `tonight` is under way from 17:00, as it is said of the evening too.
      The hours from midnight to 05:00 belong to the night before: `tonight` and
      `last night` at 01:30 both mean 22:00 yesterday, the night just passed.
    * `N days ago` and `a week ago` keep the current clock time; `N hours/minutes ago`
      count back exactly, across daylight-saving changes.
    * A local time that happens twice when clocks go back means the first; one in the
      hour skipped when clocks go forward is read on the old clock (02:30 is 03:30).
    * Day and month in numbers only (`3/11`, `11/3`, `3.11.26`) are refused: they read
      differently in the US and elsewhere, and a journal must not guess.

    Raises InvalidValue with one plain sentence for anything else.
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

    Accepts the day words of parse_when with the same meanings: `today`,
    `yesterday`, weekday names (`monday`, `last monday`), `N days ago`, `N weeks
    ago`, `a week ago`, dates with the month as a word (`3 Nov`, `Nov 3`, `3 Nov
    2025`; without a year, the most recent such day), ISO dates (`2026-11-20`), and
    ISO weeks (`2026-W47`, meaning that week's Sunday, its last day; a caller wanting
    the Monday subtracts six days). Future days are allowed when written out:
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


def day_label(day: date, *, year: bool = True) -> str:
    """A day as people say it: Thu 3 Dec 2026, or Thu 3 Dec without the year."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if year else text


@dataclass(frozen=True)
class Due:
    """When a follow-up is due: a local calendar day, and a time of day if one was said.

    Stored as the day and the wall-clock time, not as a UTC moment: "Thursday 17:00"
    stays Thursday 17:00 for someone who travels or whose clocks change before then.
    """

    day: date
    time: time | None = None

    def overdue_at(self) -> datetime:
        """The local moment the follow-up becomes overdue.

        Its time if one was given; otherwise the end of its day, that is the midnight
        that begins the next day (a promise for Thursday is kept all Thursday).
        """
        if self.time is not None:
            return _at(self.day, self.time)
        return _at(self.day + timedelta(days=1), time(0, 0))

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Whether `now` (default: the system clock) has reached overdue_at()."""
        return _local_now(now) >= self.overdue_at()

    def label(self, *, today: date | None = None) -> str:
        """A short label for screens: `Thu 3 Dec`, `Thu 3 Dec 17:00`.

        The year is shown only when it is not the current one (`Tue 5 Jan 2027`):
        most follow-ups fall within weeks, and the shorter form reads faster in a list.
        The label reads back through parse_due as the same Due.
        """
        current = today if today is not None else date.today()
        text = day_label(self.day, year=self.day.year != current.year)
        return text if self.time is None else f"{text} {self.time:%H:%M}"


def parse_due(text: str, *, now: datetime | None = None, made: datetime | None = None) -> Due:
    """When a follow-up is due ("by when?"): today or a later day, maybe with a time.

    `now` is the reference moment (default: the system clock, in local time). Case
    does not matter and extra spaces are fine; a leading `by` is ignored. Accepted:

    * `today`, `tomorrow`, `tonight` (by the end of today);
    * a weekday, meaning the coming one, today included: `thursday` on a Thursday is
      today; `this thursday` is the same;
    * `next thursday`: the Thursday of next week (weeks run Monday to Sunday), so on
      a Monday it is ten days away and on a Friday six;
    * `this week`, `next week`: by the end of that week, its Sunday;
    * `in 3 days`, `in a day`, `in 2 weeks`, `in a week`;
    * dates: `2026-12-10`, `10 Dec`, `Dec 10`, `10 Dec 2026`, `Thu 10 Dec`;
      without a year, the nearest such day; if that has passed, it is refused
      rather than moved to next year (add the year to mean next year);
    * any of those with a time before or after, `at` optional: `friday 5pm`,
      `Dec 10 17:00`, `tomorrow at 9:30`; or a time alone, meaning today: `5pm`;
    * parts of the day at the hours of PARTS_OF_DAY: `tomorrow morning` (09:00),
      `friday afternoon` (15:00), `this evening` (19:00); `night` means by the end
      of that day (`friday night`, `tonight`), since a promise for the night is
      kept if done before the day is out; with a time from midnight to 05:00 it is
      the small hours after it (`friday night 1am` is 01:00 on Saturday).

    A day that has passed is refused ("that day has passed"), except today, whose
    time may have passed already (a late log of an earlier promise). A day more than
    two years ahead is refused as a mistyped year. Raises InvalidValue.

    `made` is when the conversation happened. For an entry written up on a later
    day, the promise was made then: `tuesday` is the Tuesday after it, and a day
    between it and today is a promise now past its date, not a mistake.
    """
    current = _local_now(now)
    back_dated = made is not None and _local_now(made).date() < current.date()
    if back_dated and made is not None:  # (`made` again only for the type checker)
        current = _local_now(made)
    today = current.date()
    words = _normalise(text, what="when the follow-up is due", examples=_DUE_EXAMPLES)
    words = _ISO_DATE_T.sub(r"\1 ", words.removeprefix("by "))
    try:
        due = _read_due(words, today)
        too_far = due.day > today + _FURTHEST_DUE
    except (ValueError, OverflowError) as exc:
        raise InvalidValue(
            f"'{_shown(words)}' is too far from today for a follow-up; try {_DUE_EXAMPLES}."
        ) from exc
    if due.day < today:
        raise InvalidValue(_passed_message(due.day, today, back_dated=back_dated))
    if too_far:
        raise InvalidValue(
            f"{day_label(due.day)} is more than two years away; check the year, "
            f"or try {_DUE_EXAMPLES}."
        )
    return due


def local_moment(day: str, clock: str) -> datetime:
    """The moment a CSV row's `date` and `time` cells name, in the machine's time zone.

    `day` is an ISO date (`2026-11-20`) or a date with the month as a word and a year
    (`20 Nov 2026`, `Nov 20, 2026`); `clock` is a time as parse_when reads it (`14:30`,
    `14:30:15`, `2:30 pm`, `noon`). An empty `clock` means 12:00, as a day without a
    time does everywhere in peerjournal.

    The offset is the one in force on that day and hour, so a summer row and a winter
    row each get their own. Clock changes are handled as parse_when handles them: a
    time in the hour skipped when clocks go forward is read on the clock as it was
    (02:30 becomes 03:30 summer time, the moment an un-changed clock would show
    02:30), and a time in the hour that happens twice when clocks go back means the
    first of the two (still summer time), as nothing in the row says which.

    Future moments are allowed (the importer decides); days before 1900 are refused.
    Raises InvalidValue for a malformed day or time, saying which.
    """
    day_words = " ".join(day.split()).lower()
    clock_words = " ".join(clock.split()).lower()
    date_example = "write it as year-month-day, for example '2026-11-20'"
    if not day_words:
        raise InvalidValue(f"The date is empty; {date_example}.")
    found = None if len(day_words) > _MAX_LENGTH else _CALENDAR_DATE.fullmatch(day_words)
    if found is None:
        if _SLASHED.search(day_words):
            raise InvalidValue(
                f"The date '{_shown(day_words)}' could be read as day/month or month/day; "
                f"{date_example}."
            )
        raise InvalidValue(f"'{_shown(day_words)}' is not a date; {date_example}.")
    if not clock_words:
        wall = time(12, 0)
    else:
        timed = None if len(clock_words) > _MAX_LENGTH else _TIME_ONLY.fullmatch(clock_words)
        if timed is None:
            raise InvalidValue(
                f"'{_shown(clock_words)}' is not a time of day; write it as hour:minute, "
                "for example '14:30'."
            )
        wall = _clock(timed)
    calendar_day = _calendar_day(found, date.max, _no_year)
    if calendar_day.year < EARLIEST_YEAR:
        raise InvalidValue(
            f"{calendar_day.isoformat()} is before {EARLIEST_YEAR}, too long ago for "
            "this journal; check the year, for example '2026-11-20'."
        )
    try:
        return _at(calendar_day, wall)
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidValue(
            f"{calendar_day.isoformat()} is too far from today; check the year, "
            "for example '2026-11-20'."
        ) from exc


# Reading ---------------------------------------------------------------------------


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
        return f"'{_shown(words)}' could be read as day/month or month/day; {_UNAMBIGUOUS}."
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


def _passed_message(day: date, today: date, *, back_dated: bool = False) -> str:
    shown = day_label(day, year=day.year != today.year)
    if back_dated:
        return (
            f"That day ({shown}) is before the conversation; a follow-up is due on "
            f"{day_label(today)} or later, {_DUE_EXAMPLES}."
        )
    return f"That day has passed ({shown}); a follow-up is due today or later, {_DUE_EXAMPLES}."


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
    found = _PAST.with_time(words)
    if found is not None:
        return _at(_resolve_day(found, now.date()), _clock(found))
    found = _PAST.part.fullmatch(words)
    if found is not None:
        day, part = _past_part(found, now)
        # "tonight" is said of the evening too: the call at 18:00 was "tonight".
        begins = _PART_BEGINS["evening" if found["tonight"] else part]
        return _part_of_day(day, part, now, words, begins)
    found = _PAST.part_with_time(words)
    if found is not None:
        day, part = _past_part(found, now)
        return _at(*_part_with_clock(day, part, _clock(found)))
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


def _past_part(found: re.Match[str], now: datetime) -> tuple[date, str]:
    """The day whose part of the day was meant, and which part."""
    today = now.date()
    if found["last_night"] is not None:
        return today - timedelta(days=1), "night"
    if found["tonight"] is not None or found["this_part"] == "night":
        # In the small hours "tonight" is still the night that began yesterday.
        night_began_yesterday = now.time() < _NIGHT_ENDS
        return today - timedelta(days=1 if night_began_yesterday else 0), "night"
    if found["this_part"] is not None:
        return today, found["this_part"]
    return _resolve_day(found, today), found["part"]


def _part_of_day(day: date, part: str, now: datetime, words: str, begins: time) -> datetime:
    moment = _at(day, PARTS_OF_DAY[part])
    if moment <= now or day != now.date():
        # Another day's part, or one of today's that has passed: its fixed hour. A
        # future day is left for the caller's future check to refuse.
        return moment
    if now.time() >= begins:
        return now
    earlier = "last night" if part == "night" else f"yesterday {part}"
    raise InvalidValue(
        f"It is only {now:%H:%M}, so '{_shown(words)}' has not come yet; type "
        f"'{earlier}' or the time it happened, for example '{now:%H}:00'."
    )


def _part_with_clock(day: date, part: str, clock: time) -> tuple[date, time]:
    # "last night at 1am" is in the small hours after that night, on the next date.
    if part == "night" and clock < _NIGHT_ENDS:
        return day + timedelta(days=1), clock
    return day, clock


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
    return _calendar_day(found, today, _most_recent)


def _read_due(words: str, today: date) -> Due:
    found = _TIME_ONLY.fullmatch(words)
    if found is not None:
        return Due(today, _clock(found))
    found = _AHEAD.day.fullmatch(words)
    if found is not None:
        return Due(_resolve_due_day(found, today))
    found = _AHEAD.with_time(words)
    if found is not None:
        return Due(_resolve_due_day(found, today), _clock(found))
    found = _AHEAD.part.fullmatch(words)
    if found is not None:
        day, part = _due_part(found, today)
        return Due(day, None if part == "night" else PARTS_OF_DAY[part])
    found = _AHEAD.part_with_time(words)
    if found is not None:
        day, part = _due_part(found, today)
        return Due(*_part_with_clock(day, part, _clock(found)))
    # Words for the past ("yesterday", "last monday", "3 days ago") are read only
    # to say that the day has passed.
    past = _DAY_ONLY.fullmatch(words) or _PAST.with_time(words)
    if past is not None and _resolve_day(past, today) < today:
        return Due(_resolve_day(past, today))
    raise InvalidValue(_not_understood(words, "a day", _DUE_EXAMPLES))


def _due_part(found: re.Match[str], today: date) -> tuple[date, str]:
    if found["tonight"] is not None:
        return today, "night"
    if found["this_part"] is not None:
        return today, found["this_part"]
    if found["last_night"] is not None:
        return today - timedelta(days=1), "night"
    return _resolve_due_day(found, today), found["part"]


def _resolve_due_day(found: re.Match[str], today: date) -> date:
    relative = found["relative"]
    if relative == "today":
        return today
    if relative == "tomorrow":
        return today + timedelta(days=1)
    weekday = found["weekday"]
    if weekday is not None:
        if found["which"] == "next":
            next_monday = today + timedelta(days=7 - today.weekday())
            return next_monday + timedelta(days=_WEEKDAYS[weekday])
        return today + timedelta(days=(_WEEKDAYS[weekday] - today.weekday()) % 7)
    which_week = found["which_week"]
    if which_week is not None:
        this_sunday = today + timedelta(days=6 - today.weekday())
        return this_sunday + timedelta(weeks=1 if which_week == "next" else 0)
    if found["unit"] is not None:
        return today + _days_back(found)
    return _calendar_day(found, today, _nearest_ahead)


# Calendar days ---------------------------------------------------------------------

_YearPicker = Callable[[int, int, date], date]


def _calendar_day(found: re.Match[str], today: date, pick_year: _YearPicker) -> date:
    """The day an ISO date or a month-name date names; `pick_year` places one without a year."""
    iso = found["iso"]
    if iso is not None:
        try:
            return date.fromisoformat(iso)
        except ValueError as exc:
            raise InvalidValue(
                f"{iso} is not a real date; write dates as year-month-day, "
                "for example '2026-11-20'."
            ) from exc
    month_word = found["dm_month"] or found["md_month"]
    month = _MONTHS[month_word]
    number = int(found["dm_day"] or found["md_day"])
    month_name, month_short = _MONTH_NAMES[month - 1][0].title(), _MONTH_NAMES[month - 1][-1]
    longest = _LONGEST_MONTHS[month - 1]
    if not 1 <= number <= longest:
        raise InvalidValue(
            f"{month_name} has no day {number}; its days run from 1 to {longest}, "
            f"for example '{longest} {month_short.title()}'."
        )
    year = found["year"]
    if year is None:
        day = pick_year(month, number, today)
    else:
        try:
            day = date(int(year), month, number)
        except ValueError as exc:
            # The only day that exists in some years and not others.
            raise InvalidValue(
                f"There was no 29 February in {year}, which is not a leap year; check the "
                f"date, for example '28 Feb {year}'."
            ) from exc
    weekday = found["dated_weekday"]
    if weekday is not None and day.weekday() != _WEEKDAYS[weekday]:
        said = _WEEKDAY_NAMES[_WEEKDAYS[weekday]][0].title()
        raise InvalidValue(
            f"{day_label(day)} is a {day:%A}, not a {said}; "
            f"check the date, or leave out the day of the week, for example '{day.day} {day:%b}'."
        )
    return day


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _most_recent(month: int, number: int, today: date) -> date:
    # Eight years back always reaches a 29 February.
    for year in range(today.year, max(today.year - 9, 0), -1):
        try:
            candidate = date(year, month, number)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise ValueError("no such day before today")


def _nearest_ahead(month: int, number: int, today: date) -> date:
    """The nearest such day, before or after today; a passed one is refused by the caller."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, number))
        except ValueError:
            continue
    if not candidates:
        leap = next(year for year in range(today.year, today.year + 8) if _is_leap(year))
        raise InvalidValue(
            "There is no 29 February this year or next; write the date with its year, "
            f"for example '29 Feb {leap}'."
        )
    # A tie (half a year either way) goes to the future.
    nearest = min(candidates, key=lambda day: (abs((day - today).days), day < today))
    later = [day for day in candidates if day >= today]
    if nearest < today and later:
        raise InvalidValue(
            f"That day has passed ({day_label(nearest, year=nearest.year != today.year)}); "
            f"to mean next year's, add the year, for example '{later[0].day} {later[0]:%b %Y}'."
        )
    return nearest


def _no_year(month: int, number: int, today: date) -> date:
    raise InvalidValue(
        f"'{number} {_MONTH_NAMES[month - 1][-1].title()}' needs its year; write it as "
        "year-month-day, for example '2026-11-20'."
    )


def _days_back(found: re.Match[str]) -> timedelta:
    amount = _count(found["count"])
    if found["unit"].startswith("week"):
        return timedelta(weeks=amount)
    return timedelta(days=amount)


def _count(text: str) -> int:
    return 1 if text in ("a", "an") else int(text)


# Clock times -----------------------------------------------------------------------


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
