"""The review's numbers from grouped rows: periods, evidence, focus, feeling and rounding."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, Principle
from peerjournal.queries import ActivityWindowRow, PrincipleWindowRow, Window
from peerjournal.records import Entry as ReflectionRecord
from peerjournal.records import Intention as IntentionRecord
from peerjournal.records import rounded
from peerjournal.review import (
    Review,
    build_review,
    check_summary,
    follow_ups_at,
    is_current,
    last_day,
    notable,
    query_windows,
    review_json,
    review_moment,
    windows_ending,
    with_quotes,
)

SUNDAY = date(2026, 3, 29)
# Window numbers as query_windows(SUNDAY, 3) gives them: four windows, the rules' minimum.
FOUR_AGO, THREE_AGO, LAST, NOW = 0, 1, 2, 3


def _principle(slug: str, name: str | None = None) -> Principle:
    return Principle(
        slug=slug,
        name=name or f"Principle {slug.upper()}",
        summary="s",
        description="d",
        questions=(f"Question about {slug}?",),
        rating_1="one",
        rating_5="five",
    )


GUIDE = Guide(Path("guide.toml"), "default", (_principle("a"), _principle("b"), _principle("c")))


def _review(
    rows: Sequence[tuple[int, str, int, int]],
    activity: Sequence[tuple[int, int, int, int, int, int]] = (),
    *,
    weeks: int = 3,
    names: dict[str, str] | None = None,
    guide: Guide = GUIDE,
) -> Review:
    windows = query_windows(SUNDAY, weeks)
    return build_review(
        guide=guide,
        windows=windows,
        weeks=weeks,
        principle_rows=[PrincipleWindowRow(*row) for row in rows],
        activity_rows=[ActivityWindowRow(*row) for row in activity],
        modes={"phone": 2, "in-person": 1},
        names=names or {},
    )


def _feelings(*averages_times_four: int) -> list[tuple[int, int, int, int, int, int]]:
    """Activity rows with four feelings noted in each window, oldest window first."""
    start = 4 - len(averages_times_four)
    return [(start + i, 4, 0, 0, 4, total) for i, total in enumerate(averages_times_four)]


# --- periods -------------------------------------------------------------------


def test_windows_are_seven_local_days_ending_on_the_day_given() -> None:
    assert windows_ending(SUNDAY, 3) == (
        Window(date(2026, 3, 9), date(2026, 3, 15)),
        Window(date(2026, 3, 16), date(2026, 3, 22)),
        Window(date(2026, 3, 23), date(2026, 3, 29)),
    )


def test_the_rules_always_see_four_windows_however_few_the_trend_shows() -> None:
    assert len(query_windows(SUNDAY, 1)) == 4
    assert len(query_windows(SUNDAY, 8)) == 8
    review = _review([(NOW, "a", 1, 2)], weeks=1)
    assert [p.window for p in review.principles[0].trend] == [Window(date(2026, 3, 23), SUNDAY)]


def test_one_week_of_trend_still_compares_with_the_week_before() -> None:
    review = _review([(NOW, "a", 2, 9), (LAST, "a", 1, 2)], weeks=1)
    a = review.principles[0]
    assert (a.average, a.previous_average, a.change) == (4.5, 2.0, 2.5)


@pytest.mark.parametrize("weeks", [0, -1, 105])
def test_weeks_out_of_range_is_a_plain_error(weeks: int) -> None:
    with pytest.raises(InvalidValue, match="--weeks"):
        query_windows(SUNDAY, weeks)


def test_averages_this_week_last_week_and_nulls_where_nothing_was_rated() -> None:
    # a: this week 4 + 3 = 7 over 2 -> 3.5; the week before one 3 -> 3.0.
    # b: rated once, two weeks ago (4). c: never rated.
    review = _review([(NOW, "a", 2, 7), (LAST, "a", 1, 3), (THREE_AGO, "b", 1, 4)])
    a, b, c = review.principles
    assert (a.average, a.ratings, a.previous_average, a.change) == (3.5, 2, 3.0, 0.5)
    assert [p.average for p in a.trend] == [None, 3.0, 3.5]
    assert [p.ratings for p in a.trend] == [0, 1, 2]
    assert (b.average, b.ratings, b.previous_average, b.change) == (None, 0, None, None)
    assert [p.average for p in b.trend] == [4.0, None, None]
    assert (c.average, c.previous_average) == (None, None)
    assert all(p.average is None and p.ratings == 0 for p in c.trend)


# --- numbers a person reads ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4.25, "4.3"),
        (3.75, "3.8"),
        (2.05, "2.1"),  # stored a hair below 2.05: still read, and rounded, as 2.05
        (2.25, "2.3"),  # round() would give 2.2
        (11 / 3, "3.7"),
        (4.0, "4.0"),
        (0.45, "0.5"),
        (0.04, "0.0"),
        (-0.25, "-0.3"),
    ],
)
def test_numbers_round_half_up_to_one_decimal(value: float, shown: str) -> None:
    assert str(rounded(value)) == shown


# Counts that are multiples of 20 make exact ties (41/20 is 2.05) common.
@given(st.integers(1, 100).map(lambda k: 20 * k) | st.integers(1, 2000), st.data())
def test_an_average_of_whole_scores_rounds_as_its_exact_fraction(
    count: int, data: st.DataObject
) -> None:
    total = data.draw(st.integers(min_value=count, max_value=5 * count))
    # Half up, worked out on the exact fraction: never touched by binary floats.
    tenths = math.floor(Fraction(total, count) * 10 + Fraction(1, 2))
    assert rounded(total / count) == Decimal(tenths) / 10


@pytest.mark.parametrize(
    ("change", "means_something"),
    [(0.07, False), (-0.07, False), (0.45, True), (-0.5, True), (0.44, False), (1.2, True)],
)
def test_a_change_under_half_a_point_once_rounded_is_noise(
    change: float, means_something: bool
) -> None:
    assert notable(change) is means_something


def test_json_keeps_full_precision() -> None:
    windows = query_windows(SUNDAY, 2)
    review = build_review(
        guide=GUIDE,
        windows=windows,
        weeks=2,
        principle_rows=[PrincipleWindowRow(NOW, "a", 3, 11), PrincipleWindowRow(LAST, "a", 1, 3)],
        activity_rows=[ActivityWindowRow(NOW, 3, 75, 2, 2, 5)],
        modes={"text": 1, "phone": 2},
        names={},
        intention=IntentionRecord(date(2026, 3, 16), date(2026, 3, 22), "Ask before advising."),
    )
    data = review_json(review)
    assert data["period"] == {"start": "2026-03-23", "end": "2026-03-29"}
    assert data["previous_period"] == {"start": "2026-03-16", "end": "2026-03-22"}
    assert (data["conversations"], data["minutes"], data["timed"]) == (3, 75, 2)
    assert data["modes"] == {"phone": 2, "text": 1}
    a = data["principles"][0]
    assert a == {
        "slug": "a",
        "name": "Principle A",
        "retired": False,
        "average": 11 / 3,
        "ratings": 3,
        "previous_average": 3.0,
        "change": 11 / 3 - 3.0,
        "trend": [
            {"start": "2026-03-16", "end": "2026-03-22", "average": 3.0, "ratings": 1},
            {"start": "2026-03-23", "end": "2026-03-29", "average": 11 / 3, "ratings": 3},
        ],
    }
    assert data["principles"][1]["average"] is None
    assert data["feeling"]["average"] == 2.5
    assert data["feeling"]["trend"][0]["average"] is None
    # One principle with enough ratings: nothing to compare it with.
    assert (data["strongest"], data["focus"], data["no_focus"]) == (None, None, "too-few")
    assert data["intention"]["text"] == "Ask before advising."


# --- enough evidence before a verdict ---------------------------------------------


def test_one_rating_is_not_a_strength() -> None:
    # a: a single 5. c: 4, 4, 5. b: 2, 3, 3.
    review = _review([(NOW, "a", 1, 5), (NOW, "b", 3, 8), (NOW, "c", 3, 13)])
    assert review.strongest is not None
    assert review.strongest.slug == "c"
    assert (review.strongest.evidence.ratings, review.strongest.evidence.weeks) == (3, 1)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("b", "lowest")
    assert review.focus.questions == ("Question about b?",)


def test_a_principle_not_rated_is_never_the_focus() -> None:
    # Only a was rated: b and c were skipped, as the log invites.
    review = _review([(NOW, "a", 4, 14), (LAST, "a", 2, 8), (FOUR_AGO, "b", 1, 5)])
    assert review.focus is None
    assert review.strongest is None
    assert review.no_focus == "too-few"


def test_few_ratings_this_week_borrow_last_weeks_and_say_so() -> None:
    # a: 1 rating now and 2 the week before -> 3 over two weeks, (2 + 3 + 3) / 3.
    # b: 3 ratings now, 4 + 4 + 5.
    review = _review([(NOW, "a", 1, 2), (LAST, "a", 2, 6), (NOW, "b", 3, 13)])
    assert review.focus is not None and review.focus.slug == "a"
    evidence = review.focus.evidence
    assert (evidence.average, evidence.ratings, evidence.weeks) == (8 / 3, 3, 2)
    assert evidence.days == Window(date(2026, 3, 16), SUNDAY)
    assert review.strongest is not None and review.strongest.evidence.weeks == 1


def test_last_weeks_ratings_alone_are_not_a_verdict_on_this_week() -> None:
    # a: three 1s last week, nothing this week. b and c: level this week.
    review = _review([(LAST, "a", 3, 3), (NOW, "b", 3, 12), (NOW, "c", 3, 12)])
    assert review.strongest is None and review.focus is None
    assert review.no_focus == "even"


def test_two_ratings_in_two_weeks_are_not_enough() -> None:
    review = _review([(NOW, "a", 1, 1), (LAST, "a", 1, 1), (NOW, "b", 3, 15)])
    assert review.focus is None and review.no_focus == "too-few"


def test_close_averages_name_a_strongest_but_no_focus() -> None:
    review = _review([(NOW, "a", 3, 12), (NOW, "b", 3, 11)])  # 4.0 and 3.7
    assert review.strongest is not None and review.strongest.slug == "a"
    assert review.focus is None
    assert review.no_focus == "even"


def test_equal_averages_name_neither() -> None:
    review = _review([(NOW, "a", 3, 9), (NOW, "b", 4, 12), (NOW, "c", 3, 9)])
    assert review.strongest is None
    assert review.focus is None and review.no_focus == "even"


def test_ties_go_to_more_ratings_then_to_the_guide_order() -> None:
    review = _review([(NOW, "a", 3, 12), (NOW, "b", 4, 16), (NOW, "c", 3, 6)])
    assert review.strongest is not None and review.strongest.slug == "b"
    review = _review([(NOW, "a", 3, 12), (NOW, "b", 3, 6), (NOW, "c", 3, 6)])
    assert review.focus is not None and review.focus.slug == "b"


# --- falling --------------------------------------------------------------------


def _falling_a(*totals: int) -> list[tuple[int, str, int, int]]:
    """a rated three times in each of the last len(totals) windows, with these totals."""
    first = 4 - len(totals)
    return [(first + i, "a", 3, total) for i, total in enumerate(totals)]


def test_three_drops_in_a_row_come_before_the_lowest() -> None:
    # a: 4.0, 3.7, 3.3, 3.0 falls every week; b is lower this week but steady.
    rows = _falling_a(12, 11, 10, 9) + [(i, "b", 3, 6) for i in range(4)] + [(NOW, "c", 3, 15)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("a", "falling")
    assert review.focus.falls == (4.0, 11 / 3, 10 / 3, 3.0)


def test_two_drops_are_not_a_fall() -> None:
    # a: 4.0, 4.3, 3.7, 3.0: down twice, after a rise.
    rows = [*_falling_a(12, 13, 11, 9), (NOW, "b", 3, 15)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("a", "lowest")


def test_a_gap_in_the_weeks_is_not_a_fall() -> None:
    rows = [r for r in _falling_a(15, 12, 9, 6) if r[0] != THREE_AGO] + [(NOW, "b", 3, 12)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("a", "lowest")


@pytest.mark.parametrize(
    ("totals", "focus"),
    [((33, 32, 31, 30), ("b", "lowest")), ((36, 34, 32, 30), ("a", "falling"))],
)
def test_a_fall_of_less_than_half_a_point_is_noise(
    totals: tuple[int, ...], focus: tuple[str, str]
) -> None:
    # a slides 3.3, 3.2, 3.1, 3.0 (0.3 in all), or 3.6 to 3.0; b sits at 2.0, c at 4.7.
    rows = [(i, "a", 10, total) for i, total in enumerate(totals)]
    rows += [(NOW, "b", 3, 6), (NOW, "c", 3, 14)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == focus


def test_the_strongest_is_never_the_falling_focus() -> None:
    # a falls 5.0 -> 4.3 but is still well above b.
    rows = [(i, "a", 10, total) for i, total in enumerate((50, 48, 46, 43))]
    rows += [(NOW, "b", 3, 6)]
    review = _review(rows)
    assert review.strongest is not None and review.strongest.slug == "a"
    assert review.focus is not None and review.focus.slug == "b"


def test_retired_slugs_keep_their_stored_name_and_are_never_judged() -> None:
    review = _review(
        [(NOW, "gone", 5, 5), (NOW, "a", 3, 12), (NOW, "b", 3, 9)], names={"gone": "Old name"}
    )
    assert [s.slug for s in review.principles] == ["a", "b", "c", "gone"]
    gone = review.principles[-1]
    assert (gone.name, gone.retired, gone.average) == ("Old name", True, 1.0)
    assert review.focus is not None and review.focus.slug == "b"


def test_quotes_join_the_focus_and_nothing_else() -> None:
    review = _review([(NOW, "a", 3, 6), (NOW, "b", 3, 15)])
    quoted = with_quotes(review, ["gave my number", "Ask first."])
    assert quoted.focus is not None and quoted.focus.quotes == ("gave my number", "Ask first.")
    calm = _review([(NOW, "a", 3, 12)])
    assert with_quotes(calm, ["anything"]) == calm


# --- feeling --------------------------------------------------------------------


def test_two_drops_after_a_rise_are_not_three_weeks_of_dropping() -> None:
    # Five weeks: 4.0, 3.7, 3.8, 2.7, 2.4 (ten feelings noted each week).
    activity = [(i, 10, 0, 0, 10, total) for i, total in enumerate((40, 37, 38, 27, 24))]
    review = _review([], activity, weeks=5)
    assert [p.average for p in review.feeling.trend] == [4.0, 3.7, 3.8, 2.7, 2.4]
    assert review.feeling.suggestion == "low"
    assert review.feeling.seen == (2.4,)
    assert review.feeling.offer_support


def test_three_drops_in_a_row_offer_support() -> None:
    review = _review([], _feelings(16, 15, 13, 12))  # 4.0, 3.75, 3.25, 3.0
    assert review.feeling.suggestion == "falling"
    assert review.feeling.seen == (4.0, 3.75, 3.25, 3.0)
    assert review.feeling.offer_support


def test_two_heavy_weeks_in_a_row_say_so_before_anything_else() -> None:
    # 4.0, 3.5, 2.5, 2.25: also falling, but two heavy weeks is what a person hears first.
    review = _review([], _feelings(16, 14, 10, 9))
    assert review.feeling.suggestion == "low-run"
    assert review.feeling.seen == (2.5, 2.25)


def test_one_middling_week_is_not_heavy() -> None:
    review = _review([], _feelings(12, 11))  # 3.0 then 2.75
    assert review.feeling.suggestion is None
    assert not review.feeling.offer_support


@pytest.mark.parametrize(("minutes", "busy"), [(150, True), (119, False), (90, False)])
def test_a_week_much_busier_than_usual_suggests_rest_not_contacts(minutes: int, busy: bool) -> None:
    # Usual week: 60 minutes. Busy: at least 1.5 times that and 60 minutes more.
    activity = [(1, 2, 60, 2, 1, 4), (2, 2, 60, 2, 1, 4), (3, 3, minutes, 3, 1, 4)]
    review = _review([], activity)
    assert review.feeling.suggestion == ("busy" if busy else None)
    assert not review.feeling.offer_support


def test_a_single_entry_invents_no_trend() -> None:
    review = _review([(NOW, "a", 1, 4)], [(NOW, 1, 20, 1, 1, 3)])
    a = review.principles[0]
    assert [p.average for p in a.trend] == [None, None, 4.0]
    assert a.change is None
    assert [p.average for p in review.feeling.trend] == [None, None, 3.0]
    assert review.feeling.suggestion is None
    assert (review.conversations, review.minutes, review.timed) == (1, 20, 1)
    assert review.previous_conversations == 0


def test_the_guide_support_contacts_travel_with_the_review() -> None:
    from peerjournal.principles import SupportContact

    contacts = (SupportContact("Dana, my supervisor", "ext. 214"),)
    guide = Guide(GUIDE.path, GUIDE.source, GUIDE.principles, contacts, False)
    review = _review([], _feelings(9, 9), guide=guide)
    assert (review.support, review.support_is_placeholder) == (contacts, False)


# --- the supervision summary's privacy check ---------------------------------------


def _shared(entry_id: int, **text: str) -> ReflectionRecord:
    return ReflectionRecord(
        id=entry_id,
        uid=f"u{entry_id}",
        logged_at=datetime(2026, 3, 25, 11, tzinfo=UTC),
        occurred_at=datetime(2026, 3, 25, 10, tzinfo=timezone(timedelta(hours=1))),
        mode="phone",
        what_happened=text.get("what", ""),
        so_what=text.get("so", ""),
        now_what=text.get("now", ""),
        shared=True,
    )


def test_a_summary_naming_someone_is_refused_with_the_entry_and_the_words() -> None:
    reflections = [
        _shared(3, what="A calm call about the week."),
        _shared(7, now="Call back Maria Lopez on Friday."),
    ]
    with pytest.raises(InvalidValue) as refused:
        check_summary(reflections, [], GUIDE)
    message = str(refused.value)
    assert 'entry 7 (Now what?): "Maria Lopez" (a full name)' in message
    assert "(peerjournal edit 7) or stop sharing (peerjournal share 7 --off)" in message
    assert "entry 3" not in message and "edit ID" not in message
    assert "--allow-identifiers" in message


def test_an_intention_is_checked_too() -> None:
    intention = IntentionRecord(date(2026, 3, 23), SUNDAY, "Text 555-123-4567 first")
    with pytest.raises(InvalidValue, match='your intention: "555-123-4567"'):
        check_summary([], [intention], GUIDE)


def test_the_guides_principle_names_are_not_taken_for_a_person() -> None:
    guide = Guide(GUIDE.path, GUIDE.source, (_principle("listen", "Deep Listening Practice"),))
    check_summary([_shared(2, so="Then I tried Deep Listening Practice with them.")], [], guide)
    with pytest.raises(InvalidValue):
        check_summary([_shared(2, so="Then I tried Deep Listening Practice with them.")], [], GUIDE)


def test_how_it_went_is_checked_only_when_the_summary_carries_it() -> None:
    intention = IntentionRecord(
        date(2026, 3, 16), date(2026, 3, 22), "Ask before I advise.", "Sam said it helped."
    )
    check_summary([], [intention], GUIDE)  # left out, so not checked
    with pytest.raises(InvalidValue, match='how it went: "Sam"'):
        check_summary([], [intention], GUIDE, with_reply=True)


# --- the review's last day and the current week ------------------------------------


def test_a_last_day_still_to_come_is_refused_in_one_sentence() -> None:
    today = date(2026, 12, 1)
    assert last_day(today, today) == today
    assert last_day(date(2026, 11, 17), today) == date(2026, 11, 17)
    with pytest.raises(InvalidValue) as until:
        last_day(date(2027, 1, 1), today)
    assert str(until.value).startswith("--until cannot be after today (Tue 1 Dec 2026)")
    assert str(until.value).count(". ") == 0
    with pytest.raises(InvalidValue, match="2026-W49 ends on Sun 6 Dec 2026, which is still"):
        last_day(date(2026, 12, 6), today, week="2026-W49")


def test_only_a_review_ending_today_is_the_current_week() -> None:
    today = date(2026, 12, 1)
    assert is_current(Window(date(2026, 11, 25), today), today)
    assert not is_current(Window(date(2026, 11, 24), date(2026, 11, 30)), today)


def test_a_past_week_is_seen_from_the_end_of_its_last_day(use_zone: Any) -> None:
    use_zone("Europe/Berlin")
    now = datetime(2026, 12, 1, 18, 0).astimezone()
    current = Window(date(2026, 11, 25), date(2026, 12, 1))
    assert review_moment(current, now) == now
    past = Window(date(2026, 11, 16), date(2026, 11, 22))
    moment = review_moment(past, now)
    assert moment.tzinfo is not None
    assert moment.replace(tzinfo=None) == datetime(2026, 11, 22, 23, 59, 59, 999999)


# --- follow-ups as a review sees them ----------------------------------------------


def _promise(number: int, text: str, due: date | None = None, clock: str | None = None) -> Any:
    from datetime import time

    from peerjournal.queries import OpenFollowUp
    from peerjournal.records import FollowUp

    return OpenFollowUp(
        FollowUp(text, due, time.fromisoformat(clock) if clock else None, id=number),
        entry_id=number * 10,
        local_date="2026-11-20",
        peer=None,
    )


def test_follow_ups_past_their_date_come_first_the_rest_keep_their_order() -> None:
    promised = [
        _promise(1, "no date"),
        _promise(2, "due later", date(2026, 12, 4)),
        _promise(3, "due this morning", date(2026, 12, 1), "09:00"),
        _promise(4, "due tonight", date(2026, 12, 1), "20:00"),
        _promise(5, "due today, no time", date(2026, 12, 1)),
        _promise(6, "due last week", date(2026, 11, 24)),
    ]
    kept = [_promise(7, "kept")]
    seen = follow_ups_at(promised, kept, datetime(2026, 12, 1, 18, 0).astimezone())
    assert [item.follow_up.id for item in seen.open] == [3, 6, 1, 2, 4, 5]
    assert seen.overdue == 2
    assert [item.follow_up.id for item in seen.done] == [7]


def test_the_json_carries_flagged_entries_and_follow_up_counts() -> None:
    flagged = ReflectionRecord(
        id=8,
        uid="u8",
        logged_at=datetime(2026, 3, 26, 23, tzinfo=UTC),
        # Late on Thursday where it happened: its day is Thursday, whatever UTC says.
        occurred_at=datetime(2026, 3, 26, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        mode="phone",
        peer="R.",
        flags=("safety", "debrief"),
        what_happened="A hard call.",
    )
    windows = query_windows(SUNDAY, 3)
    follow_ups = follow_ups_at(
        [_promise(1, "late", date(2026, 3, 20)), _promise(2, "open")],
        [_promise(3, "kept")],
        datetime(2026, 3, 29, 23, 0).astimezone(),
    )
    review = build_review(
        guide=GUIDE,
        windows=windows,
        weeks=3,
        principle_rows=[],
        activity_rows=[],
        modes={},
        names={},
        flagged=[flagged],
        follow_ups=follow_ups,
    )
    data = review_json(review)
    assert data["flagged"] == [
        {"id": 8, "date": "2026-03-26", "flags": ["safety", "debrief"], "peer": "R."}
    ]
    assert data["followups"] == {"open": 2, "overdue": 1, "done": 1}
    assert "A hard call." not in str(data)
    assert data["tag"] is None
