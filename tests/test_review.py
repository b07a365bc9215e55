"""The review's numbers from grouped rows: periods, averages, focus and feeling rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, Principle
from peerjournal.queries import ActivityWindowRow, PrincipleWindowRow, Window
from peerjournal.records import Intention as IntentionRecord
from peerjournal.review import (
    Review,
    build_review,
    query_windows,
    review_json,
    windows_ending,
)

SUNDAY = date(2026, 3, 29)


def _principle(slug: str) -> Principle:
    return Principle(
        slug=slug,
        name=f"Principle {slug.upper()}",
        summary="s",
        description="d",
        questions=(f"Question about {slug}?",),
        rating_1="one",
        rating_5="five",
    )


GUIDE = Guide(Path("guide.toml"), "default", (_principle("a"), _principle("b"), _principle("c")))


def _review(
    rows: list[tuple[int, str, int, int]],
    activity: Sequence[tuple[int, int, int, int, int]] = (),
    *,
    weeks: int = 3,
    names: dict[str, str] | None = None,
) -> Review:
    windows = query_windows(SUNDAY, weeks)
    return build_review(
        guide=GUIDE,
        windows=windows,
        weeks=weeks,
        principle_rows=[PrincipleWindowRow(*row) for row in rows],
        activity_rows=[
            ActivityWindowRow(w, n, m, n if m else 0, f, t) for w, n, m, f, t in activity
        ],
        modes={"phone": 2, "in-person": 1},
        names=names or {},
    )


def test_windows_are_seven_local_days_ending_on_the_day_given() -> None:
    assert windows_ending(SUNDAY, 3) == (
        Window(date(2026, 3, 9), date(2026, 3, 15)),
        Window(date(2026, 3, 16), date(2026, 3, 22)),
        Window(date(2026, 3, 23), date(2026, 3, 29)),
    )


def test_one_week_of_trend_still_compares_with_the_week_before() -> None:
    review = _review([(0, "a", 1, 2), (1, "a", 2, 9)], weeks=1)
    assert [(p.window.start, p.window.end) for p in review.principles[0].trend] == [
        (date(2026, 3, 23), SUNDAY)
    ]
    a = review.principles[0]
    assert (a.average, a.previous_average, a.change) == (4.5, 2.0, 2.5)


@pytest.mark.parametrize("weeks", [0, -1, 105])
def test_weeks_out_of_range_is_a_plain_error(weeks: int) -> None:
    with pytest.raises(InvalidValue, match="--weeks"):
        query_windows(SUNDAY, weeks)


def test_averages_this_week_last_week_and_nulls_where_nothing_was_rated() -> None:
    # a: this week 4 + 3 = 7 over 2 -> 3.5; the week before one 3 -> 3.0.
    # b: rated once, two weeks ago (4). c: never rated.
    review = _review([(2, "a", 2, 7), (1, "a", 1, 3), (0, "b", 1, 4)])
    a, b, c = review.principles
    assert (a.average, a.ratings, a.previous_average, a.change) == (3.5, 2, 3.0, 0.5)
    assert [p.average for p in a.trend] == [None, 3.0, 3.5]
    assert [p.ratings for p in a.trend] == [0, 1, 2]
    assert (b.average, b.ratings, b.previous_average, b.change) == (None, 0, None, None)
    assert [p.average for p in b.trend] == [4.0, None, None]
    assert (c.average, c.previous_average) == (None, None)
    assert all(p.average is None and p.ratings == 0 for p in c.trend)


def test_strongest_is_the_highest_average_and_focus_the_lowest() -> None:
    review = _review([(2, "a", 2, 9), (2, "b", 1, 2), (2, "c", 2, 6)])
    assert review.strongest is not None and review.strongest.slug == "a"
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("b", "lowest")
    assert review.focus.questions == ("Question about b?",)


def test_falling_three_weeks_in_a_row_comes_before_the_lowest() -> None:
    # a: 5 -> 4 -> 3 falls every week; b is lower this week but steady.
    rows = [(0, "a", 1, 5), (1, "a", 1, 4), (2, "a", 1, 3)]
    rows += [(0, "b", 1, 2), (1, "b", 1, 2), (2, "b", 1, 2), (2, "c", 1, 5)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("a", "falling")


def test_a_gap_in_the_weeks_is_not_a_fall() -> None:
    rows = [(0, "a", 1, 5), (2, "a", 1, 3), (2, "b", 1, 4)]
    review = _review(rows)
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("a", "lowest")


def test_when_only_one_is_rated_the_focus_is_the_one_not_rated_longest() -> None:
    # b was rated two weeks ago, c never: c has waited longest.
    review = _review([(2, "a", 1, 4), (0, "b", 1, 5)])
    assert review.strongest is not None and review.strongest.slug == "a"
    assert review.focus is not None
    assert (review.focus.slug, review.focus.reason) == ("c", "not-rated")


def test_ties_go_to_more_ratings_then_to_the_guide_order() -> None:
    review = _review([(2, "a", 1, 3), (2, "b", 2, 6), (2, "c", 1, 3)])
    assert review.strongest is not None and review.strongest.slug == "b"
    # Every principle has the same average and all were rated: nothing stands out.
    assert review.focus is None


def test_nothing_rated_this_week_means_no_strongest_and_no_focus() -> None:
    review = _review([(1, "a", 1, 2)])
    assert review.strongest is None
    assert review.focus is None


def test_a_single_entry_invents_no_trend() -> None:
    review = _review([(2, "a", 1, 4)], [(2, 1, 20, 1, 3)])
    a = review.principles[0]
    assert [p.average for p in a.trend] == [None, None, 4.0]
    assert a.change is None
    assert [p.average for p in review.feeling.trend] == [None, None, 3.0]
    assert review.feeling.suggestion is None
    assert (review.conversations, review.minutes, review.previous_conversations) == (1, 20, 0)


def test_feeling_falling_three_weeks_suggests_support() -> None:
    activity = [(0, 1, 30, 2, 10), (1, 2, 30, 2, 8), (2, 1, 30, 2, 7)]
    review = _review([], activity)
    assert [p.average for p in review.feeling.trend] == [5.0, 4.0, 3.5]
    assert review.feeling.suggestion == "falling"


def test_a_low_feeling_week_is_heavy() -> None:
    review = _review([], [(1, 1, 30, 1, 4), (2, 2, 30, 2, 4)])
    assert review.feeling.average == 2.0
    assert review.feeling.suggestion == "low"


@pytest.mark.parametrize(("minutes", "heavy"), [(150, True), (119, False), (90, False)])
def test_a_week_much_busier_than_usual_is_heavy(minutes: int, heavy: bool) -> None:
    # Usual week: 60 minutes. Busy: at least 1.5 times that and 60 minutes more.
    activity = [(0, 2, 60, 1, 4), (1, 2, 60, 1, 4), (2, 3, minutes, 1, 4)]
    review = _review([], activity)
    assert review.feeling.suggestion == ("busy" if heavy else None)


def test_retired_slugs_keep_their_stored_name_after_the_guide() -> None:
    review = _review([(2, "gone", 1, 2), (2, "a", 1, 4)], names={"gone": "Old name"})
    assert [s.slug for s in review.principles] == ["a", "b", "c", "gone"]
    gone = review.principles[-1]
    assert (gone.name, gone.retired, gone.average) == ("Old name", True, 2.0)
    # A retired principle has no questions in the guide any more: never the focus.
    assert review.focus is not None and review.focus.slug != "gone"


def test_json_has_the_product_keys_with_nulls_and_rounded_averages() -> None:
    windows = query_windows(SUNDAY, 2)
    review = build_review(
        guide=GUIDE,
        windows=windows,
        weeks=2,
        principle_rows=[PrincipleWindowRow(1, "a", 3, 11), PrincipleWindowRow(0, "a", 1, 3)],
        activity_rows=[ActivityWindowRow(1, 3, 75, 3, 2, 5)],
        modes={"text": 1, "phone": 2},
        names={},
        intention=IntentionRecord(date(2026, 3, 16), date(2026, 3, 22), "Ask before advising."),
    )
    data = review_json(review)
    assert data["period"] == {"start": "2026-03-23", "end": "2026-03-29"}
    assert data["previous_period"] == {"start": "2026-03-16", "end": "2026-03-22"}
    assert (data["conversations"], data["minutes"]) == (3, 75)
    assert data["modes"] == {"phone": 2, "text": 1}
    a = data["principles"][0]
    assert a == {
        "slug": "a",
        "name": "Principle A",
        "retired": False,
        "average": 3.67,
        "ratings": 3,
        "previous_average": 3.0,
        "change": 0.67,
        "trend": [
            {"start": "2026-03-16", "end": "2026-03-22", "average": 3.0, "ratings": 1},
            {"start": "2026-03-23", "end": "2026-03-29", "average": 3.67, "ratings": 3},
        ],
    }
    assert data["principles"][1]["average"] is None
    assert data["feeling"]["average"] == 2.5
    assert data["feeling"]["trend"][0]["average"] is None
    assert data["strongest"]["slug"] == "a"
    assert data["focus"] == {
        "slug": "b",
        "name": "Principle B",
        "reason": "not-rated",
        "questions": ["Question about b?"],
    }
    assert data["intention"]["text"] == "Ask before advising."
