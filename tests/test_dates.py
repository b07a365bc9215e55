"""Reading when a conversation happened: the forms people type, time zones, and no crashes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerjournal.dates import (
    FUTURE_ALLOWANCE,
    PARTS_OF_DAY,
    Due,
    iso_week_sunday,
    local_moment,
    parse_day,
    parse_due,
    parse_when,
)
from peerjournal.errors import InvalidValue
from tests.conftest import UseZone

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def now(use_zone: UseZone) -> datetime:
    """Wednesday 25 November 2026, 15:00 in London (GMT, offset zero)."""
    use_zone("Europe/London")
    return datetime(2026, 11, 25, 15, 0).astimezone()


def local(*fields: int) -> datetime:
    return datetime(*fields).astimezone()


def test_the_reference_moment_is_a_wednesday_in_london(now: datetime) -> None:
    assert now.strftime("%A") == "Wednesday"
    assert now.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("now", (2026, 11, 25, 15, 0)),
        ("NOW", (2026, 11, 25, 15, 0)),
        ("  just   now ", (2026, 11, 25, 15, 0)),
        ("today", (2026, 11, 25, 15, 0)),
        ("today 14:30", (2026, 11, 25, 14, 30)),
        ("Today  at 9:05", (2026, 11, 25, 9, 5)),
        ("yesterday 3pm", (2026, 11, 24, 15, 0)),
        ("yesterday 3 PM", (2026, 11, 24, 15, 0)),
        ("yesterday at 3:15 pm", (2026, 11, 24, 15, 15)),
        ("yesterday 3:15 p.m.", (2026, 11, 24, 15, 15)),
        ("yesterday 12am", (2026, 11, 24, 0, 0)),
        ("yesterday 12pm", (2026, 11, 24, 12, 0)),
        ("yesterday noon", (2026, 11, 24, 12, 0)),
        ("yesterday midnight", (2026, 11, 24, 0, 0)),
        ("yesterday 23:59:30", (2026, 11, 24, 23, 59, 30)),
        ("3pm yesterday", (2026, 11, 24, 15, 0)),
        ("14:30", (2026, 11, 25, 14, 30)),
        ("3pm", (2026, 11, 25, 15, 0)),
        ("9am", (2026, 11, 25, 9, 0)),
        ("at 10:15am", (2026, 11, 25, 10, 15)),
        ("2 hours ago", (2026, 11, 25, 13, 0)),
        ("an hour ago", (2026, 11, 25, 14, 0)),
        ("3 hrs ago", (2026, 11, 25, 12, 0)),
        ("45 minutes ago", (2026, 11, 25, 14, 15)),
        ("90 min ago", (2026, 11, 25, 13, 30)),
        ("20m ago", (2026, 11, 25, 14, 40)),
        ("3 days ago", (2026, 11, 22, 15, 0)),
        ("1 day ago", (2026, 11, 24, 15, 0)),
        ("a week ago", (2026, 11, 18, 15, 0)),
        ("2 weeks ago", (2026, 11, 11, 15, 0)),
        ("3 days ago at 10am", (2026, 11, 22, 10, 0)),
        ("monday", (2026, 11, 23, 12, 0)),
        ("Mon", (2026, 11, 23, 12, 0)),
        ("last monday", (2026, 11, 23, 12, 0)),
        ("last monday 10am", (2026, 11, 23, 10, 0)),
        ("on tuesday at 16:45", (2026, 11, 24, 16, 45)),
        ("thursday", (2026, 11, 19, 12, 0)),
        ("last thurs", (2026, 11, 19, 12, 0)),
        ("wednesday", (2026, 11, 25, 15, 0)),
        ("wednesday 9am", (2026, 11, 25, 9, 0)),
        ("last wednesday", (2026, 11, 18, 12, 0)),
        ("2026-11-20", (2026, 11, 20, 12, 0)),
        ("2026-11-25", (2026, 11, 25, 15, 0)),
        ("2026-11-20 14:30", (2026, 11, 20, 14, 30)),
        ("2026-11-20T14:30", (2026, 11, 20, 14, 30)),
        ("2026-11-20t14:30:15", (2026, 11, 20, 14, 30, 15)),
        ("2026-11-20 at 2:30pm", (2026, 11, 20, 14, 30)),
        ("2026-11-20T14:30Z", (2026, 11, 20, 14, 30)),
        ("2026-11-20T14:30+01:00", (2026, 11, 20, 13, 30)),
        ("2026-11-20 14:30-0500", (2026, 11, 20, 19, 30)),
        ("2026-11-20T14:30:15.250000Z", (2026, 11, 20, 14, 30, 15, 250000)),
    ],
)
def test_the_forms_people_type(now: datetime, typed: str, expected: tuple[int, ...]) -> None:
    assert parse_when(typed, now=now) == local(*expected)


def test_results_are_aware_and_in_the_local_zone(now: datetime) -> None:
    result = parse_when("2026-11-20T14:30+01:00", now=now)
    assert result.tzinfo is not None
    assert result.utcoffset() == timedelta(0)
    assert (result.hour, result.minute) == (13, 30)


def test_a_summer_date_gets_the_summer_offset(now: datetime) -> None:
    summer = parse_when("2026-07-01 09:00", now=now)
    winter = parse_when("2026-11-20 09:00", now=now)
    assert summer.utcoffset() == timedelta(hours=1)
    assert winter.utcoffset() == timedelta(0)
    assert summer.hour == winter.hour == 9


def test_now_defaults_to_the_system_clock() -> None:
    before = datetime.now().astimezone()
    result = parse_when("now")
    after = datetime.now().astimezone()
    assert before <= result <= after
    assert result.tzinfo is not None


def test_a_reference_moment_in_another_zone_is_moved_into_the_local_zone(
    now: datetime,
) -> None:
    from datetime import timezone

    in_tokyo = now.astimezone(timezone(timedelta(hours=9)))
    assert parse_when("now", now=in_tokyo).utcoffset() == timedelta(0)
    assert parse_when("yesterday 3pm", now=in_tokyo) == local(2026, 11, 24, 15, 0)


@pytest.mark.parametrize("typed", ["15:04", "15:05", "2026-11-25T15:05:00Z"])
def test_a_few_minutes_ahead_is_allowed(now: datetime, typed: str) -> None:
    assert now < parse_when(typed, now=now) <= now + FUTURE_ALLOWANCE


@pytest.mark.parametrize(
    "typed", ["15:06", "4pm", "tomorrow", "tomorrow 9am", "2026-11-26", "2027-01-01 10:00"]
)
def test_the_future_is_refused(now: datetime, typed: str) -> None:
    with pytest.raises(InvalidValue, match="in the future"):
        parse_when(typed, now=now)


def test_a_later_time_today_suggests_yesterday(now: datetime) -> None:
    with pytest.raises(InvalidValue, match="'yesterday 11pm'"):
        parse_when("11pm", now=now)


def test_a_future_moment_written_with_an_offset_is_refused(now: datetime) -> None:
    # 16:00 in Paris is 15:00 in London: allowed. 17:00 in Paris is 16:00: refused.
    assert parse_when("2026-11-25T16:00+01:00", now=now) == now
    with pytest.raises(InvalidValue, match="in the future"):
        parse_when("2026-11-25T17:00+01:00", now=now)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("yesterday 25:00", "no hour 25"),
        ("24:00", "no hour 24"),
        ("yesterday 10:75", "00 to 59"),
        ("13pm", "no 13 o'clock"),
        ("0am", "no 0 o'clock"),
        ("2026-02-30", "not a real date"),
        ("2026-13-01", "not a real date"),
        ("2026-02-30 10:00", "not a real date"),
        ("", "Please say when"),
        ("   ", "Please say when"),
        ("gibberish", "not a time"),
        ("next tuesday", "not a time"),
        ("in 2 hours", "not a time"),
        ("3", "not a time"),
        ("4/5/2026", "day/month or month/day"),
        ("20.11.2026 14:30", "day/month or month/day"),
        ("11/20", "day/month or month/day"),
        ("3.5 hours ago", "not a time"),
        ("1850-06-01", "before 1900"),
        ("0001-01-01", "too far"),
        ("9999 weeks ago", "before 1900"),
        ("x" * 500, "too long"),
    ],
)
def test_impossible_input_says_what_works(now: datetime, typed: str, hint: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_when(typed, now=now)
    message = str(caught.value)
    assert hint in message
    assert "\n" not in message
    assert "'" in message  # it quotes an example (or what was typed)


def test_an_unreadable_answer_gives_examples_that_work(now: datetime) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_when("whenever", now=now)
    message = str(caught.value)
    for example in ("'now'", "'yesterday 3pm'", "'2 hours ago'"):
        assert example in message
        assert parse_when(example.strip("'"), now=now) <= now


def test_a_long_answer_is_shortened_in_the_message(now: datetime) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_when("on the second tuesday after the big meeting", now=now)
    assert len(str(caught.value)) < 200


# Daylight saving: New York springs forward on 2026-03-08 at 02:00 (to 03:00) and
# falls back on 2026-11-01 at 02:00 (to 01:00).


@pytest.fixture
def new_york(use_zone: UseZone) -> None:
    use_zone("America/New_York")


@pytest.mark.usefixtures("new_york")
def test_each_side_of_spring_forward_has_its_own_offset() -> None:
    later = local(2026, 12, 1, 12, 0)
    before = parse_when("2026-03-08 01:30", now=later)
    after = parse_when("2026-03-08 03:30", now=later)
    assert before.utcoffset() == timedelta(hours=-5)
    assert after.utcoffset() == timedelta(hours=-4)
    # 01:30 EST to 03:30 EDT is one hour of real time, not two.
    assert after - before == timedelta(hours=1)


@pytest.mark.usefixtures("new_york")
def test_a_time_in_the_skipped_hour_is_read_on_the_old_clock() -> None:
    result = parse_when("2026-03-08 02:30", now=local(2026, 12, 1, 12, 0))
    assert (result.hour, result.minute) == (3, 30)
    assert result.utcoffset() == timedelta(hours=-4)
    assert result.date() == date(2026, 3, 8)


@pytest.mark.usefixtures("new_york")
def test_an_hour_that_happens_twice_means_the_first() -> None:
    result = parse_when("2026-11-01 01:30", now=local(2026, 12, 1, 12, 0))
    assert result.utcoffset() == timedelta(hours=-4)


@pytest.mark.usefixtures("new_york")
def test_yesterday_evening_keeps_its_offset_after_the_change() -> None:
    morning_after = local(2026, 3, 8, 9, 0)
    assert morning_after.utcoffset() == timedelta(hours=-4)
    result = parse_when("yesterday 23:30", now=morning_after)
    assert result == datetime.fromisoformat("2026-03-07T23:30:00-05:00")
    assert result.utcoffset() == timedelta(hours=-5)
    assert result.date() == date(2026, 3, 7)


@pytest.mark.usefixtures("new_york")
def test_hours_ago_counts_real_time_across_the_change() -> None:
    morning_after = local(2026, 3, 8, 9, 0)
    result = parse_when("8 hours ago", now=morning_after)
    # 09:00 EDT minus eight real hours is 00:00 EST (the clocks skipped an hour).
    assert result == datetime.fromisoformat("2026-03-08T00:00:00-05:00")
    assert result.utcoffset() == timedelta(hours=-5)


@pytest.mark.usefixtures("new_york")
def test_days_ago_keeps_the_clock_time_across_the_change() -> None:
    result = parse_when("1 day ago", now=local(2026, 3, 8, 9, 0))
    assert (result.date(), result.hour) == (date(2026, 3, 7), 9)
    assert result.utcoffset() == timedelta(hours=-5)


# Parts of the day and dates with the month as a word.


def at(clock: str, day: tuple[int, int, int] = (2026, 11, 25)) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return local(*day, hour, minute)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("last night", (2026, 11, 24, 22, 0)),
        ("Last Night", (2026, 11, 24, 22, 0)),
        ("this morning", (2026, 11, 25, 9, 0)),
        ("this afternoon", (2026, 11, 25, 15, 0)),
        ("yesterday morning", (2026, 11, 24, 9, 0)),
        ("yesterday afternoon", (2026, 11, 24, 15, 0)),
        ("yesterday evening", (2026, 11, 24, 19, 0)),
        ("yesterday night", (2026, 11, 24, 22, 0)),
        ("yesterday in the evening", (2026, 11, 24, 19, 0)),
        ("monday evening", (2026, 11, 23, 19, 0)),
        ("last wednesday night", (2026, 11, 18, 22, 0)),
        ("3 Nov evening", (2026, 11, 3, 19, 0)),
        ("last night at 11pm", (2026, 11, 24, 23, 0)),
        ("11:30pm last night", (2026, 11, 24, 23, 30)),
        ("last night 1am", (2026, 11, 25, 1, 0)),
        ("this morning at 8:15", (2026, 11, 25, 8, 15)),
        ("3 Nov", (2026, 11, 3, 12, 0)),
        ("Nov 3", (2026, 11, 3, 12, 0)),
        ("November 3", (2026, 11, 3, 12, 0)),
        ("3 november", (2026, 11, 3, 12, 0)),
        ("3rd of November", (2026, 11, 3, 12, 0)),
        ("nov. 3rd", (2026, 11, 3, 12, 0)),
        ("on 3 Nov", (2026, 11, 3, 12, 0)),
        ("3 Nov 14:00", (2026, 11, 3, 14, 0)),
        ("Nov 3 2pm", (2026, 11, 3, 14, 0)),
        ("Nov 3 at 2:30 pm", (2026, 11, 3, 14, 30)),
        ("2pm Nov 3", (2026, 11, 3, 14, 0)),
        ("3 Nov 2025", (2025, 11, 3, 12, 0)),
        ("Nov 3, 2025", (2025, 11, 3, 12, 0)),
        ("3 Nov 2025 14:00", (2025, 11, 3, 14, 0)),
        ("Tue 3 Nov 2026 09:00", (2026, 11, 3, 9, 0)),
        ("tue, 3 nov", (2026, 11, 3, 12, 0)),
        ("25 Nov", (2026, 11, 25, 15, 0)),
        ("26 Nov", (2025, 11, 26, 12, 0)),
        ("Dec 31", (2025, 12, 31, 12, 0)),
        ("1 Jan", (2026, 1, 1, 12, 0)),
        ("29 Feb", (2024, 2, 29, 12, 0)),
        ("sept 9", (2026, 9, 9, 12, 0)),
        ("may 1", (2026, 5, 1, 12, 0)),
    ],
)
def test_parts_of_the_day_and_named_months(
    now: datetime, typed: str, expected: tuple[int, ...]
) -> None:
    assert parse_when(typed, now=now) == local(*expected)


def test_each_part_of_the_day_has_a_fixed_documented_hour(now: datetime) -> None:
    assert {name: f"{hour:%H:%M}" for name, hour in PARTS_OF_DAY.items()} == {
        "morning": "09:00",
        "afternoon": "15:00",
        "evening": "19:00",
        "night": "22:00",
    }
    documentation = " ".join((parse_when.__doc__ or "").split())
    for name, hour in PARTS_OF_DAY.items():
        assert f"{name} {hour:%H:%M}" in documentation
        assert parse_when(f"yesterday {name}", now=now) == at(f"{hour:%H:%M}", (2026, 11, 24))


@pytest.mark.parametrize(
    ("clock", "typed", "expected"),
    [
        # A part of today that has passed means its fixed hour.
        ("23:00", "this evening", "19:00"),
        ("23:00", "tonight", "22:00"),
        # One that is under way, its hour not yet come, means now.
        ("06:30", "this morning", "06:30"),
        ("18:00", "this evening", "18:00"),
        ("21:30", "this night", "21:30"),
        # "tonight" is said of the evening too.
        ("18:00", "tonight", "18:00"),
        ("16:59", "this afternoon", "15:00"),
    ],
)
def test_a_part_of_today(use_zone: UseZone, clock: str, typed: str, expected: str) -> None:
    use_zone("Europe/London")
    assert parse_when(typed, now=at(clock)) == at(expected)


@pytest.mark.parametrize("typed", ["last night", "tonight", "this night", "yesterday night"])
def test_in_the_small_hours_the_night_just_passed_began_yesterday(
    use_zone: UseZone, typed: str
) -> None:
    use_zone("Europe/London")
    result = parse_when(typed, now=at("01:30"))
    assert result == at("22:00", (2026, 11, 24))


@pytest.mark.parametrize(
    ("clock", "typed", "earlier"),
    [
        ("10:00", "this evening", "'yesterday evening'"),
        ("10:00", "this afternoon", "'yesterday afternoon'"),
        ("04:00", "this morning", "'yesterday morning'"),
        ("16:00", "tonight", "'last night'"),
        ("10:00", "wednesday evening", "'yesterday evening'"),
    ],
)
def test_a_part_of_today_that_has_not_begun_is_refused(
    use_zone: UseZone, clock: str, typed: str, earlier: str
) -> None:
    use_zone("Europe/London")
    moment = at(clock)
    with pytest.raises(InvalidValue) as caught:
        parse_when(typed, now=moment)
    message = str(caught.value)
    assert f"It is only {clock}" in message
    assert "has not come yet" in message
    assert earlier in message
    assert "\n" not in message
    # Both suggestions work as typed.
    assert parse_when(earlier.strip("'"), now=moment) < moment
    assert parse_when(f"{clock[:2]}:00", now=moment) <= moment


@pytest.mark.parametrize(
    ("today", "typed", "expected"),
    [
        # Said on 1 November, "Nov 3" is last year's.
        ((2026, 11, 1), "Nov 3", (2025, 11, 3)),
        ((2026, 11, 3), "Nov 3", (2026, 11, 3)),
        ((2026, 11, 4), "Nov 3", (2026, 11, 3)),
        ((2026, 1, 2), "31 Dec", (2025, 12, 31)),
        ((2028, 3, 1), "29 Feb", (2028, 2, 29)),
        ((2028, 2, 28), "29 Feb", (2024, 2, 29)),
    ],
)
def test_a_date_without_a_year_is_the_most_recent_one(
    use_zone: UseZone,
    today: tuple[int, int, int],
    typed: str,
    expected: tuple[int, int, int],
) -> None:
    use_zone("Europe/London")
    assert parse_when(typed, now=at("12:00", today)).date() == date(*expected)
    assert parse_day(typed, today=date(*today)) == date(*expected)


def test_a_dated_time_later_today_is_in_the_future_not_last_year(use_zone: UseZone) -> None:
    use_zone("Europe/London")
    with pytest.raises(InvalidValue, match="in the future"):
        parse_when("3 Nov 14:00", now=at("10:00", (2026, 11, 3)))


@pytest.mark.parametrize("typed", ["3/11", "11/3", "3.11.26", "3/11 14:00", "11/3/2026"])
def test_day_and_month_in_numbers_are_refused_as_ambiguous(now: datetime, typed: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_when(typed, now=now)
    message = str(caught.value)
    assert "could be read as day/month or month/day" in message
    assert "'3 Nov' or '2026-11-03'" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("31 Nov", "November has no day 31; its days run from 1 to 30"),
        ("Feb 30", "February has no day 30"),
        ("0 Jan", "January has no day 0"),
        ("29 Feb 2026", "no 29 February in 2026"),
        ("Wed 3 Nov 2026", "Tue 3 Nov 2026 is a Tuesday, not a Wednesday"),
        ("3 Nov 1850", "before 1900"),
        ("3 Nov 2027", "in the future"),
        ("tomorrow morning", "in the future"),
        ("3 Nov 26", "not a time"),
        ("this dawn", "not a time"),
    ],
)
def test_dates_with_named_months_that_cannot_be(now: datetime, typed: str, hint: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_when(typed, now=now)
    assert hint in str(caught.value)
    assert "'" in str(caught.value)


@pytest.mark.usefixtures("new_york")
def test_last_night_keeps_its_offset_after_the_clocks_change() -> None:
    result = parse_when("last night", now=local(2026, 3, 8, 9, 0))
    assert result == datetime.fromisoformat("2026-03-07T22:00:00-05:00")
    result = parse_when("last night", now=local(2026, 11, 1, 9, 0))
    assert result == datetime.fromisoformat("2026-10-31T22:00:00-04:00")


# parse_day and iso_week_sunday: the days filters and reviews mean.

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", date(2026, 11, 25)),
        ("Yesterday", date(2026, 11, 24)),
        ("2026-11-20", date(2026, 11, 20)),
        ("2026-12-31", date(2026, 12, 31)),
        ("7 days ago", date(2026, 11, 18)),
        ("1 day ago", date(2026, 11, 24)),
        ("2 weeks ago", date(2026, 11, 11)),
        ("a week ago", date(2026, 11, 18)),
        ("monday", date(2026, 11, 23)),
        ("last monday", date(2026, 11, 23)),
        ("wednesday", date(2026, 11, 25)),
        ("last wednesday", date(2026, 11, 18)),
        ("thu", date(2026, 11, 19)),
        ("2026-W47", date(2026, 11, 22)),
        ("2026-w47", date(2026, 11, 22)),
        ("2026W01", date(2026, 1, 4)),
        ("3 Nov", date(2026, 11, 3)),
        ("Nov 3", date(2026, 11, 3)),
        ("november 25", date(2026, 11, 25)),
        ("26 Nov", date(2025, 11, 26)),
        ("3 Nov 2025", date(2025, 11, 3)),
        ("31 Dec 2026", date(2026, 12, 31)),
        ("Tue 3 Nov 2026", date(2026, 11, 3)),
    ],
)
def test_days_for_filters(typed: str, expected: date) -> None:
    assert parse_day(typed, today=TODAY) == expected


def test_parse_day_defaults_to_the_local_today() -> None:
    assert parse_day("today") == date.today()


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "Please say a day"),
        ("soon", "not a day"),
        ("2026-02-29", "not a real date"),
        ("yesterday 3pm", "not a day"),
        ("5/11/2026", "day/month or month/day"),
        ("2026-W60", "no week 60"),
        ("2025-W53", "no week 53"),
        ("31 Nov", "November has no day 31"),
        ("3/11", "'3 Nov'"),
        ("yesterday evening", "not a day"),
    ],
)
def test_days_that_cannot_be_read(typed: str, hint: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_day(typed, today=TODAY)
    assert hint in str(caught.value)


def test_a_filter_may_reach_far_back() -> None:
    assert parse_day("9999 weeks ago", today=TODAY) == TODAY - timedelta(weeks=9999)


def test_a_day_too_far_back_for_the_calendar_is_refused() -> None:
    with pytest.raises(InvalidValue, match="too far"):
        parse_day("9999 weeks ago", today=date(100, 1, 1))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-W47", date(2026, 11, 22)),
        ("2026-W01", date(2026, 1, 4)),
        ("2026-W53", date(2027, 1, 3)),
        ("2020-W53", date(2021, 1, 3)),
        (" 2026-w05 ", date(2026, 2, 1)),
    ],
)
def test_an_iso_week_ends_on_its_sunday(typed: str, expected: date) -> None:
    sunday = iso_week_sunday(typed)
    assert sunday == expected
    assert sunday.isoweekday() == 7
    assert (sunday - timedelta(days=6)).isoweekday() == 1


@pytest.mark.parametrize("typed", ["", "2026-47", "W47", "2026-W0", "2025-W53", "2026-W47-3"])
def test_a_bad_iso_week_is_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match=r"2026-W47|W01"):
        iso_week_sunday(typed)


# parse_due and Due: when a follow-up is due. The reference is Wednesday 25 November.


@pytest.mark.parametrize(
    ("typed", "day", "clock"),
    [
        ("today", (2026, 11, 25), None),
        ("Tonight", (2026, 11, 25), None),
        ("tomorrow", (2026, 11, 26), None),
        ("thursday", (2026, 11, 26), None),
        ("thu", (2026, 11, 26), None),
        ("this thursday", (2026, 11, 26), None),
        ("on thursday", (2026, 11, 26), None),
        ("by thursday", (2026, 11, 26), None),
        ("wednesday", (2026, 11, 25), None),
        ("tuesday", (2026, 12, 1), None),
        ("next thursday", (2026, 12, 3), None),
        ("next monday", (2026, 11, 30), None),
        ("next wednesday", (2026, 12, 2), None),
        ("next sunday", (2026, 12, 6), None),
        ("friday 5pm", (2026, 11, 27), "17:00"),
        ("friday at 17:30", (2026, 11, 27), "17:30"),
        ("5pm friday", (2026, 11, 27), "17:00"),
        ("5pm", (2026, 11, 25), "17:00"),
        ("9am", (2026, 11, 25), "09:00"),
        ("in 3 days", (2026, 11, 28), None),
        ("in a day", (2026, 11, 26), None),
        ("in 2 weeks", (2026, 12, 9), None),
        ("in a week", (2026, 12, 2), None),
        ("this week", (2026, 11, 29), None),
        ("next week", (2026, 12, 6), None),
        ("2026-12-10", (2026, 12, 10), None),
        ("2026-12-10 17:00", (2026, 12, 10), "17:00"),
        ("2026-12-10T17:00", (2026, 12, 10), "17:00"),
        ("10 Dec", (2026, 12, 10), None),
        ("Dec 10 17:00", (2026, 12, 10), "17:00"),
        ("Thu 10 Dec", (2026, 12, 10), None),
        ("10 Dec 2026", (2026, 12, 10), None),
        ("5 Jan", (2027, 1, 5), None),
        ("25 Nov", (2026, 11, 25), None),
        ("tomorrow morning", (2026, 11, 26), "09:00"),
        ("friday afternoon", (2026, 11, 27), "15:00"),
        ("this evening", (2026, 11, 25), "19:00"),
        ("friday night", (2026, 11, 27), None),
        ("tonight at 11pm", (2026, 11, 25), "23:00"),
        ("friday night 1am", (2026, 11, 28), "01:00"),
    ],
)
def test_when_a_follow_up_is_due(
    now: datetime, typed: str, day: tuple[int, int, int], clock: str | None
) -> None:
    expected_time = None if clock is None else datetime.strptime(clock, "%H:%M").time()
    assert parse_due(typed, now=now) == Due(date(*day), expected_time)


def test_a_time_that_has_passed_today_is_still_today(now: datetime) -> None:
    # A late log of a promise made this morning for noon: it is due, and already overdue.
    due = parse_due("noon", now=now)
    assert due == Due(date(2026, 11, 25), datetime.strptime("12:00", "%H:%M").time())
    assert due.is_overdue(now)


def test_on_a_thursday_thursday_is_today_and_next_thursday_a_week_on(use_zone: UseZone) -> None:
    use_zone("Europe/London")
    thursday = local(2026, 11, 26, 9, 0)
    assert parse_due("thursday", now=thursday).day == date(2026, 11, 26)
    assert parse_due("next thursday", now=thursday).day == date(2026, 12, 3)


def test_a_promise_written_up_later_is_read_from_the_conversation(now: datetime) -> None:
    """Monday's "call back Tuesday", logged on Wednesday: Tuesday, now past its date."""
    monday = now - timedelta(days=2)  # `now` is a Wednesday
    assert parse_due("tuesday", now=now, made=monday).day == date(2026, 11, 24)
    assert parse_due("in 3 days", now=now, made=monday).day == date(2026, 11, 26)
    assert parse_due("2026-11-23", now=now, made=monday).day == date(2026, 11, 23)
    with pytest.raises(InvalidValue) as caught:
        parse_due("2026-11-22", now=now, made=monday)
    assert "That day (Sun 22 Nov) is before the conversation; a follow-up is due on " in str(
        caught.value
    )
    # Logged the same day: read from now, as ever.
    assert parse_due("tuesday", now=now, made=now).day == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("yesterday", "That day has passed (Tue 24 Nov)"),
        ("last monday", "That day has passed (Mon 23 Nov)"),
        ("3 days ago", "That day has passed (Sun 22 Nov)"),
        ("2026-11-24", "That day has passed"),
        ("2025-12-10 17:00", "That day has passed (Wed 10 Dec 2025)"),
        ("last night", "That day has passed"),
        ("3 Nov", "add the year, for example '3 Nov 2027'"),
        ("Nov 24 5pm", "That day has passed (Tue 24 Nov)"),
        ("3/11", "'3 Nov' or '2026-11-03'"),
        ("11/3", "day/month or month/day"),
        ("31 Nov", "November has no day 31"),
        ("29 Feb", "for example '29 Feb 2028'"),
        ("Fri 10 Dec", "Thu 10 Dec 2026 is a Thursday, not a Friday"),
        ("2030-01-01", "more than two years away"),
        ("in 9999 weeks", "more than two years away"),
        ("friday 25:00", "no hour 25"),
        ("soon", "not a day peerjournal understands"),
        ("in 2 hours", "not a day peerjournal understands"),
        ("", "Please say when the follow-up is due"),
    ],
)
def test_due_dates_that_cannot_be(now: datetime, typed: str, hint: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_due(typed, now=now)
    message = str(caught.value)
    assert hint in message
    assert "\n" not in message
    assert "'" in message


def test_a_passed_day_suggests_days_that_work(now: datetime) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_due("yesterday", now=now)
    message = str(caught.value)
    for example in ("'friday'", "'in 3 days'", "'next week'", "'10 Dec'"):
        assert example in message
        assert parse_due(example.strip("'"), now=now).day >= now.date()


def test_parse_due_defaults_to_the_system_clock() -> None:
    assert parse_due("today") == Due(date.today())


def test_a_due_day_becomes_overdue_at_its_end(now: datetime) -> None:
    due = Due(date(2026, 12, 3))
    assert due.overdue_at() == local(2026, 12, 4, 0, 0)
    assert not due.is_overdue(local(2026, 12, 3, 23, 59))
    assert due.is_overdue(local(2026, 12, 4, 0, 0))


def test_a_due_time_becomes_overdue_at_that_time(now: datetime) -> None:
    due = parse_due("Dec 3 17:00", now=now)
    assert due.overdue_at() == local(2026, 12, 3, 17, 0)
    assert not due.is_overdue(local(2026, 12, 3, 16, 59))
    assert due.is_overdue(local(2026, 12, 3, 17, 0))


@pytest.mark.usefixtures("new_york")
def test_overdue_moments_have_the_offset_of_their_day() -> None:
    before = Due(date(2026, 3, 7)).overdue_at()
    assert before == datetime.fromisoformat("2026-03-08T00:00:00-05:00")
    after = Due(date(2026, 3, 8)).overdue_at()
    assert after == datetime.fromisoformat("2026-03-09T00:00:00-04:00")
    skipped = Due(date(2026, 3, 8), datetime.strptime("02:30", "%H:%M").time()).overdue_at()
    assert skipped == datetime.fromisoformat("2026-03-08T03:30:00-04:00")


def test_a_day_whose_midnight_is_skipped_ends_when_the_next_day_begins(
    use_zone: UseZone,
) -> None:
    # Chile moves its clocks from 00:00 to 01:00 on 6 September 2026.
    use_zone("America/Santiago")
    end = Due(date(2026, 9, 5)).overdue_at()
    assert end == datetime.fromisoformat("2026-09-06T01:00:00-03:00")


@pytest.mark.parametrize(
    ("due", "label"),
    [
        (Due(date(2026, 12, 3)), "Thu 3 Dec"),
        (Due(date(2026, 12, 3), datetime.strptime("17:00", "%H:%M").time()), "Thu 3 Dec 17:00"),
        (Due(date(2027, 1, 5)), "Tue 5 Jan 2027"),
        (Due(date(2027, 1, 5), datetime.strptime("09:05", "%H:%M").time()), "Tue 5 Jan 2027 09:05"),
    ],
)
def test_a_due_day_is_labelled_as_screens_show_days(due: Due, label: str) -> None:
    assert due.label(today=date(2026, 11, 25)) == label


# local_moment: the date and time cells of a CSV row typed in a spreadsheet.


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        ("2026-11-20", "14:30", "2026-11-20T14:30:00+00:00"),
        ("2026-07-01", "09:00", "2026-07-01T09:00:00+01:00"),
        (" 2026-07-01 ", " 9:00 ", "2026-07-01T09:00:00+01:00"),
        ("2026-11-20", "14:30:15", "2026-11-20T14:30:15+00:00"),
        ("2026-11-20", "2:30 PM", "2026-11-20T14:30:00+00:00"),
        ("20 Nov 2026", "14:30", "2026-11-20T14:30:00+00:00"),
        ("Nov 20, 2026", "noon", "2026-11-20T12:00:00+00:00"),
        ("2026-11-20", "", "2026-11-20T12:00:00+00:00"),
        ("2099-01-01", "10:00", "2099-01-01T10:00:00+00:00"),
    ],
)
def test_a_spreadsheet_row_is_read_in_the_local_zone(
    now: datetime, day: str, clock: str, expected: str
) -> None:
    result = local_moment(day, clock)
    assert result == datetime.fromisoformat(expected)
    assert result.utcoffset() == datetime.fromisoformat(expected).utcoffset()


@pytest.mark.usefixtures("new_york")
def test_a_row_in_the_skipped_hour_is_read_on_the_old_clock() -> None:
    result = local_moment("2026-03-08", "02:30")
    assert result == datetime.fromisoformat("2026-03-08T03:30:00-04:00")
    assert result.utcoffset() == timedelta(hours=-4)


@pytest.mark.usefixtures("new_york")
def test_a_row_in_the_hour_that_happens_twice_means_the_first() -> None:
    result = local_moment("2026-11-01", "01:30")
    assert result.utcoffset() == timedelta(hours=-4)
    assert result == datetime.fromisoformat("2026-11-01T05:30:00+00:00")
    # The hours either side are unambiguous.
    assert local_moment("2026-11-01", "00:30").utcoffset() == timedelta(hours=-4)
    assert local_moment("2026-11-01", "02:30").utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    ("day", "clock", "hint"),
    [
        ("", "14:30", "The date is empty"),
        ("  ", "14:30", "The date is empty"),
        ("2026-02-30", "14:30", "not a real date"),
        ("11/20/2026", "14:30", "day/month or month/day"),
        ("20.11.2026", "14:30", "day/month or month/day"),
        ("20 Nov", "14:30", "needs its year"),
        ("yesterday", "14:30", "is not a date"),
        ("1850-06-01", "14:30", "before 1900"),
        ("0001-01-01", "00:00", "before 1900"),
        ("2026-11-20", "25:00", "no hour 25"),
        ("2026-11-20", "14:75", "00 to 59"),
        ("2026-11-20", "half past two", "not a time of day"),
        ("2026-11-20", "1430", "not a time of day"),
        ("x" * 500, "14:30", "is not a date"),
        ("2026-11-20", "9" * 500, "not a time of day"),
    ],
)
def test_a_malformed_row_says_which_cell_and_what_works(
    now: datetime, day: str, clock: str, hint: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        local_moment(day, clock)
    message = str(caught.value)
    assert hint in message
    assert "\n" not in message
    assert len(message) < 200
    assert "'" in message


# Properties: no input crashes the parsers, and nothing they return is in the future.

WEEKDAY_WORDS = [
    *("monday", "mon", "tue", "tues", "wednesday", "wed", "thu", "thurs"),
    *("friday", "fri", "sat", "sunday", "sun"),
]
FRAGMENTS = [
    *WEEKDAY_WORDS,
    *("now", "today", "yesterday", "tomorrow", "last", "on", "at", "ago", "a", "an"),
    *("noon", "midnight", "midday", "day", "days", "week", "weeks", "hour", "hours"),
    *("hr", "hrs", "h", "minute", "minutes", "min", "mins", "m", "am", "pm", "a.m.", "p.m."),
    *("t", "z", "w", ":", "-", "+", ".", "/", "2026-11-20", "2026-02-30", "0001-01-01"),
    *("9999-12-31", "2026-w47", "14:30", "3:15", "25:00", "00:00", "12", "13", "0", "1"),
    *("99", "9999", "99999", "+01:00", "-05:00"),
    *("morning", "afternoon", "evening", "night", "tonight", "this", "next", "in", "the"),
    *("by", "of", "3rd", ",", "jan", "feb", "may", "sept", "november", "dec", "29", "31"),
]

fragment = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.text(max_size=3),
)
plausible = st.lists(fragment, max_size=6).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["", " ", "  ", "-", ":", "T"]),
        min_size=len(parts),
        max_size=len(parts),
    ).map(lambda gaps: "".join(g + p for g, p in zip(gaps, parts, strict=True)))
)
numbers = st.integers(min_value=0, max_value=99_999)
ampm = st.sampled_from(["", "am", " pm", "p.m.", "AM"])
clock = st.one_of(
    st.builds("{}:{:02d}{}".format, st.integers(0, 30), st.integers(0, 70), ampm),
    st.builds("{}{}".format, st.integers(0, 30), ampm),
    st.sampled_from(["noon", "midnight", "midday"]),
)
day_words = st.one_of(
    st.sampled_from(["today", "yesterday", "tomorrow"]),
    st.builds(
        "{}{}".format,
        st.sampled_from(["", "last ", "on ", "last on "]),
        st.sampled_from(WEEKDAY_WORDS),
    ),
    st.builds(
        "{} {} ago".format,
        st.one_of(numbers, st.just("a")),
        st.sampled_from(["day", "days", "week", "weeks"]),
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)
    ),
)
MONTH_WORDS = ["jan", "feb", "february", "mar", "may", "jun", "sept", "nov", "november", "dec"]
month_dates = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "tue ", "sun, ", "on "]),
    st.one_of(
        st.builds("{} {}".format, st.integers(0, 40), st.sampled_from(MONTH_WORDS)),
        st.builds("{} {}".format, st.sampled_from(MONTH_WORDS), st.integers(0, 40)),
    ),
    st.one_of(st.just(""), st.integers(0, 9999).map(" {:04d}".format)),
)
part_words = st.one_of(
    st.sampled_from(["tonight", "last night", *(f"this {part}" for part in PARTS_OF_DAY)]),
    st.builds(
        "{}{}{}".format,
        st.one_of(day_words, month_dates),
        st.sampled_from([" ", " in the "]),
        st.sampled_from(list(PARTS_OF_DAY)),
    ),
)
due_words = st.one_of(
    st.sampled_from(["today", "tonight", "tomorrow", "this week", "next week"]),
    st.builds(
        "{}{}".format,
        st.sampled_from(["", "this ", "next ", "on ", "by "]),
        st.sampled_from(WEEKDAY_WORDS),
    ),
    st.builds(
        "in {} {}".format,
        st.one_of(numbers, st.just("a")),
        st.sampled_from(["day", "days", "week", "weeks"]),
    ),
)
structured = st.one_of(
    clock,
    day_words,
    month_dates,
    part_words,
    due_words,
    st.builds("{} {}".format, st.one_of(month_dates, part_words, due_words), clock),
    st.builds("{} at {}".format, st.one_of(month_dates, part_words, due_words), clock),
    st.builds("{} {}".format, day_words, clock),
    st.builds("{} at {}".format, day_words, clock),
    st.builds("{} {}".format, clock, day_words),
    st.builds(
        "{} {} ago".format,
        st.one_of(numbers, st.just("an")),
        st.sampled_from(["minutes", "min", "h", "hours", "hrs"]),
    ),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
)
anything = st.one_of(st.text(), plausible, structured)

reference_moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)
).map(lambda naive: naive.astimezone())


@PROPERTY_SETTINGS
@given(typed=anything, moment=reference_moments)
def test_parse_when_never_crashes_and_never_returns_the_future(
    use_zone: UseZone, typed: str, moment: datetime
) -> None:
    use_zone("America/New_York")
    moment = moment.astimezone()
    try:
        result = parse_when(typed, now=moment)
    except InvalidValue as exc:
        assert str(exc)
        return
    assert result.tzinfo is not None
    assert result.utcoffset() == result.astimezone().utcoffset()
    assert result <= moment + FUTURE_ALLOWANCE


@PROPERTY_SETTINGS
@given(typed=anything, today=st.dates())
def test_parse_day_never_crashes(typed: str, today: date) -> None:
    try:
        result = parse_day(typed, today=today)
    except InvalidValue as exc:
        assert str(exc)
        return
    assert isinstance(result, date)


@PROPERTY_SETTINGS
@given(typed=st.one_of(st.text(), plausible, st.from_regex(r"\A\d{4}-?[wW]\d{1,2}\Z")))
def test_iso_week_sunday_never_crashes(typed: str) -> None:
    try:
        result = iso_week_sunday(typed)
    except InvalidValue:
        return
    assert result.isoweekday() == 7


@PROPERTY_SETTINGS
@given(day=st.sampled_from(WEEKDAY_WORDS), today=st.dates(min_value=date(1900, 1, 8)))
def test_a_weekday_is_never_in_the_future_and_never_more_than_a_week_back(
    day: str, today: date
) -> None:
    plain = parse_day(day, today=today)
    last = parse_day(f"last {day}", today=today)
    assert today - timedelta(days=6) <= plain <= today
    assert today - timedelta(days=7) <= last < today
    assert plain.weekday() == last.weekday()


@PROPERTY_SETTINGS
@given(
    written=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2026, 11, 24)),
)
def test_an_iso_time_reads_back_as_the_same_wall_clock(now: datetime, written: datetime) -> None:
    written = written.replace(microsecond=0)
    result = parse_when(written.isoformat(sep=" "), now=now)
    # A wall time in the hour skipped in spring reads one hour on; all others exactly.
    assert result.replace(tzinfo=None) in (written, written + timedelta(hours=1))


@PROPERTY_SETTINGS
@given(minutes=st.integers(min_value=0, max_value=99_999))
def test_minutes_ago_is_exact(now: datetime, minutes: int) -> None:
    assert parse_when(f"{minutes} minutes ago", now=now) == now - timedelta(minutes=minutes)


@PROPERTY_SETTINGS
@given(typed=anything, moment=reference_moments)
def test_parse_due_never_crashes_and_never_returns_a_passed_day(
    use_zone: UseZone, typed: str, moment: datetime
) -> None:
    use_zone("America/New_York")
    moment = moment.astimezone()
    try:
        due = parse_due(typed, now=moment)
    except InvalidValue as exc:
        assert str(exc)
        assert "\n" not in str(exc)
        return
    today = moment.date()
    assert today <= due.day <= today + timedelta(days=2 * 366)
    overdue = due.overdue_at()
    assert overdue.tzinfo is not None
    assert overdue.utcoffset() == overdue.astimezone().utcoffset()
    assert overdue > moment - timedelta(days=1)


@PROPERTY_SETTINGS
@given(
    day=st.sampled_from(WEEKDAY_WORDS),
    moment=reference_moments,
)
def test_a_due_weekday_is_the_coming_one_and_next_is_in_next_week(
    day: str, moment: datetime
) -> None:
    today = moment.date()
    coming = parse_due(day, now=moment).day
    following = parse_due(f"next {day}", now=moment).day
    assert today <= coming <= today + timedelta(days=6)
    assert coming.weekday() == following.weekday()
    # "next" is in the week after this one (weeks run Monday to Sunday).
    this_monday = today - timedelta(days=today.weekday())
    assert this_monday + timedelta(days=7) <= following <= this_monday + timedelta(days=13)
    assert parse_due("next week", now=moment).day == this_monday + timedelta(days=13)


@PROPERTY_SETTINGS
@given(count=st.integers(min_value=0, max_value=104), moment=reference_moments)
def test_in_n_days_and_weeks_are_exact(count: int, moment: datetime) -> None:
    assert parse_due(f"in {count} days", now=moment).day == moment.date() + timedelta(days=count)
    assert parse_due(f"in {count} weeks", now=moment).day == moment.date() + timedelta(weeks=count)


@PROPERTY_SETTINGS
@given(
    ahead=st.integers(min_value=0, max_value=150),
    clock=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    moment=reference_moments,
)
def test_a_due_label_reads_back_as_the_same_due(
    use_zone: UseZone, ahead: int, clock: time | None, moment: datetime
) -> None:
    use_zone("Europe/London")
    moment = moment.astimezone()
    due = Due(moment.date() + timedelta(days=ahead), clock)
    assert parse_due(due.label(today=moment.date()), now=moment) == due


@PROPERTY_SETTINGS
@given(
    day=st.integers(min_value=1, max_value=31),
    month=st.sampled_from(MONTH_WORDS),
    moment=reference_moments,
)
def test_a_date_without_a_year_is_within_the_last_year(
    use_zone: UseZone, day: int, month: str, moment: datetime
) -> None:
    use_zone("America/New_York")
    moment = moment.astimezone()
    try:
        result = parse_when(f"{day} {month}", now=moment)
    except InvalidValue as exc:
        assert "has no day" in str(exc)
        return
    assert result <= moment
    assert (result.day, result.strftime("%b").lower()) == (day, month[:3])
    if not (month.startswith("feb") and day == 29):
        assert moment - result < timedelta(days=366)


@PROPERTY_SETTINGS
@given(typed=st.one_of(day_words, month_dates), moment=reference_moments)
def test_parse_day_and_parse_when_agree_on_the_day(
    use_zone: UseZone, typed: str, moment: datetime
) -> None:
    use_zone("America/New_York")
    moment = moment.astimezone()
    try:
        when = parse_when(typed, now=moment)
    except InvalidValue:
        return
    assert parse_day(typed, today=moment.date()) == when.date()


@PROPERTY_SETTINGS
@given(part=st.sampled_from(list(PARTS_OF_DAY)), moment=reference_moments)
def test_a_part_of_the_day_is_its_hour_or_now_and_never_ahead(
    use_zone: UseZone, part: str, moment: datetime
) -> None:
    use_zone("America/New_York")
    moment = moment.astimezone()
    hour = PARTS_OF_DAY[part]
    for typed in (f"this {part}", f"yesterday {part}", "tonight", "last night"):
        try:
            result = parse_when(typed, now=moment)
        except InvalidValue as exc:
            assert "has not come yet" in str(exc)
            assert not typed.startswith("yesterday")
            assert typed != "last night"
            continue
        assert result <= moment
        named = PARTS_OF_DAY["night"] if "night" in typed else hour
        # The fixed hour (on the skipped-hour clock, an hour on), or just now.
        assert result == moment or result.time().replace(second=0) in (
            named,
            named.replace(hour=(named.hour + 1) % 24),
        )
        assert moment - result < timedelta(days=2)


local_days = st.dates(min_value=date(1900, 1, 2), max_value=date(2100, 12, 31))
local_clocks = st.times().map(lambda t: t.replace(microsecond=0))


@PROPERTY_SETTINGS
@given(day=local_days, clock=local_clocks)
def test_a_row_reads_back_as_its_own_wall_clock(use_zone: UseZone, day: date, clock: time) -> None:
    use_zone("America/New_York")
    result = local_moment(day.isoformat(), clock.isoformat())
    wall = datetime.combine(day, clock)
    assert result.tzinfo is not None
    assert result.utcoffset() == result.astimezone().utcoffset()
    # Only a time in the hour skipped in spring reads as another wall time, an hour on.
    assert result.replace(tzinfo=None) in (wall, wall + timedelta(hours=1))
    if result.replace(tzinfo=None) == wall:
        # Written back with its own offset, the same instant: nothing drifts on re-import.
        assert local_moment(result.date().isoformat(), result.strftime("%H:%M:%S")) == result


@PROPERTY_SETTINGS
@given(day=st.one_of(st.text(), plausible, month_dates), clock=st.one_of(st.text(), clock))
def test_local_moment_never_crashes(use_zone: UseZone, day: str, clock: str) -> None:
    use_zone("America/New_York")
    try:
        result = local_moment(day, clock)
    except InvalidValue as exc:
        assert str(exc)
        assert "\n" not in str(exc)
        return
    assert result.tzinfo is not None
    assert result.year >= 1900
