"""The numbers of a weekly review: aggregated rows in, a Review out (pure, no I/O).

Periods. The review covers the 7 local days ending on `until`, compares them
with the 7 days before, and draws a trend over `weeks` consecutive 7-day
windows ending on the same day.

Strongest. The highest average this period among the guide's principles;
ties go to the one rated more often, then to the guide's order.

Focus, first rule that applies:
1. "falling": the average fell in each of the last three windows (three
   windows in a row with ratings, each lower than the one before, the last
   being this period). The biggest fall wins; ties go to the guide's order.
2. "lowest": the lowest average this period, if it is below the strongest's.
   Ties go to the one rated more often, then to the guide's order.
3. "not-rated": a principle of the guide with no rating this period, while
   others were rated. The one rated longest ago in the windows wins (never
   rated counts as longest ago); ties go to the guide's order.
Otherwise (nothing rated this period, or every principle the same) there is
no focus. Retired principles are shown but never chosen: the guide no longer
has their questions.

Feeling suggestion, first that applies:
- "falling": the feeling average fell in each of the last three windows.
- "low": this period's feeling average is 2 or below (of 5).
- "busy": this period's minutes are at least half again the usual week's and
  at least 60 more (usual: the mean of the earlier windows that had any
  conversations, when there are at least two such windows). Conversations
  without minutes count only through the feeling rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide
from peerjournal.queries import ActivityWindowRow, PrincipleWindowRow, Window
from peerjournal.records import MODES
from peerjournal.records import Intention as IntentionRecord

DAYS = 7
DEFAULT_WEEKS = 8
MAX_WEEKS = 104
FALLING_RUN = 3
LOW_FEELING = 2.0
BUSY_FACTOR = 1.5
BUSY_EXTRA_MINUTES = 60


@dataclass(frozen=True)
class Point:
    """One window of a trend: its days, the average (None if nothing rated) and the count."""

    window: Window
    average: float | None
    ratings: int


@dataclass(frozen=True)
class PrincipleStats:
    """One principle over the review: this period, the one before, and the trend."""

    slug: str
    name: str
    retired: bool
    average: float | None
    ratings: int
    previous_average: float | None
    trend: tuple[Point, ...]

    @property
    def change(self) -> float | None:
        """This period's average minus the previous one's; None unless both exist."""
        if self.average is None or self.previous_average is None:
            return None
        return self.average - self.previous_average


@dataclass(frozen=True)
class Focus:
    """The principle to practise next, and which rule chose it."""

    slug: str
    name: str
    reason: str  # "falling", "lowest" or "not-rated"
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Feeling:
    """How the supporter felt after conversations: this period, the trend, a suggestion."""

    average: float | None
    ratings: int
    trend: tuple[Point, ...]
    suggestion: str | None  # "falling", "low", "busy" or None


@dataclass(frozen=True)
class Review:
    """Everything a weekly review shows, as numbers."""

    period: Window
    previous_period: Window
    windows: tuple[Window, ...]
    conversations: int
    minutes: int
    previous_conversations: int
    modes: Mapping[str, int]
    principles: tuple[PrincipleStats, ...]
    strongest: PrincipleStats | None
    focus: Focus | None
    feeling: Feeling
    intention: IntentionRecord | None
    current_intention: IntentionRecord | None = None


def windows_ending(until: date, weeks: int) -> tuple[Window, ...]:
    """`weeks` consecutive 7-day windows, oldest first, the last one ending on `until`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidValue(f"--weeks must be a whole number from 1 to {MAX_WEEKS}, not {weeks}.")
    try:
        return tuple(
            Window(
                until - timedelta(days=DAYS * back + DAYS - 1), until - timedelta(days=DAYS * back)
            )
            for back in reversed(range(weeks))
        )
    except OverflowError:
        # The calendar starts at year 1: the weeks before `until` would fall off its start.
        raise InvalidValue(
            f"There are not {weeks} weeks of calendar before {until}; choose a later day."
        ) from None


def query_windows(until: date, weeks: int) -> tuple[Window, ...]:
    """The windows to ask the journal about: the trend, and always the previous period."""
    windows_ending(until, weeks)  # says plainly when `weeks` is out of range
    return windows_ending(until, max(weeks, 2))


def build_review(
    *,
    guide: Guide,
    windows: tuple[Window, ...],
    weeks: int,
    principle_rows: Iterable[PrincipleWindowRow],
    activity_rows: Iterable[ActivityWindowRow],
    modes: Mapping[str, int],
    names: Mapping[str, str],
    intention: IntentionRecord | None = None,
    current_intention: IntentionRecord | None = None,
) -> Review:
    """Fold the grouped rows of `windows` (oldest first, as queried) into a Review."""
    if len(windows) < 2:
        raise ValueError("a review needs at least this period and the one before")
    now = len(windows) - 1
    shown = windows[len(windows) - min(weeks, len(windows)) :]
    first_shown = len(windows) - len(shown)

    counts: dict[str, dict[int, tuple[int, int]]] = {}
    for row in principle_rows:
        if 0 <= row.window < len(windows):
            counts.setdefault(row.slug, {})[row.window] = (row.ratings, row.total)
    activity = {row.window: row for row in activity_rows if 0 <= row.window < len(windows)}

    slugs = list(guide.slugs) + sorted(s for s in counts if guide.get(s) is None)
    stats: list[PrincipleStats] = []
    for slug in slugs:
        principle = guide.get(slug)
        per_window = counts.get(slug, {})
        name = principle.name if principle is not None else names.get(slug, slug)
        stats.append(
            PrincipleStats(
                slug=slug,
                name=name,
                retired=principle is None,
                average=_average(per_window.get(now)),
                ratings=per_window.get(now, (0, 0))[0],
                previous_average=_average(per_window.get(now - 1)),
                trend=tuple(
                    Point(windows[i], _average(per_window.get(i)), per_window.get(i, (0, 0))[0])
                    for i in range(first_shown, len(windows))
                ),
            )
        )

    current = activity.get(now)
    previous = activity.get(now - 1)
    feeling_points = tuple(
        Point(windows[i], *_feeling(activity.get(i))) for i in range(first_shown, len(windows))
    )
    feeling_now = _feeling(current)
    all_feeling = [_feeling(activity.get(i))[0] for i in range(len(windows))]
    all_minutes = [activity[i].minutes if i in activity else None for i in range(len(windows))]
    feeling = Feeling(
        average=feeling_now[0],
        ratings=feeling_now[1],
        trend=feeling_points,
        suggestion=_feeling_suggestion(all_feeling, all_minutes),
    )

    in_guide = [s for s in stats if not s.retired]
    strongest = _strongest(in_guide, guide.slugs)
    return Review(
        period=windows[now],
        previous_period=windows[now - 1],
        windows=shown,
        conversations=current.conversations if current else 0,
        minutes=current.minutes if current else 0,
        previous_conversations=previous.conversations if previous else 0,
        modes={mode: modes[mode] for mode in _mode_order(modes)},
        principles=tuple(stats),
        strongest=strongest,
        focus=_focus(in_guide, strongest, guide, counts, now),
        feeling=feeling,
        intention=intention,
        current_intention=current_intention,
    )


def _average(counted: tuple[int, int] | None) -> float | None:
    if counted is None or counted[0] == 0:
        return None
    return counted[1] / counted[0]


def _feeling(row: ActivityWindowRow | None) -> tuple[float | None, int]:
    if row is None or row.feelings == 0:
        return None, 0
    return row.feeling_total / row.feelings, row.feelings


def _mode_order(modes: Mapping[str, int]) -> list[str]:
    known = [m for m in MODES if modes.get(m)]
    return known + sorted(m for m in modes if m not in MODES and modes[m])


def _falling(values: list[float | None]) -> float | None:
    """How far the last FALLING_RUN values fell, if each is below the one before."""
    if len(values) < FALLING_RUN:
        return None
    run = values[-FALLING_RUN:]
    if any(v is None for v in run):
        return None
    known = [v for v in run if v is not None]
    if all(a > b for a, b in pairwise(known)):
        return known[0] - known[-1]
    return None


def _strongest(stats: list[PrincipleStats], order: tuple[str, ...]) -> PrincipleStats | None:
    rated = [s for s in stats if s.average is not None]
    if not rated:
        return None
    return min(rated, key=lambda s: (-(s.average or 0), -s.ratings, order.index(s.slug)))


def _focus(
    stats: list[PrincipleStats],
    strongest: PrincipleStats | None,
    guide: Guide,
    counts: Mapping[str, Mapping[int, tuple[int, int]]],
    now: int,
) -> Focus | None:
    if strongest is None:
        return None
    order = guide.slugs

    def chosen(stat: PrincipleStats, reason: str) -> Focus:
        principle = guide.get(stat.slug)
        questions = principle.questions if principle is not None else ()
        return Focus(stat.slug, stat.name, reason, questions)

    falling: list[tuple[float, int, PrincipleStats]] = []
    for stat in stats:
        history = [_average(counts.get(stat.slug, {}).get(i)) for i in range(now + 1)]
        fall = _falling(history)
        if fall is not None:
            falling.append((-fall, order.index(stat.slug), stat))
    if falling:
        return chosen(min(falling, key=lambda f: (f[0], f[1]))[2], "falling")

    rated = [s for s in stats if s.average is not None]
    lowest = min(rated, key=lambda s: (s.average or 0, -s.ratings, order.index(s.slug)))
    if strongest.average is not None and (lowest.average or 0) < strongest.average:
        return chosen(lowest, "lowest")

    unrated = [s for s in stats if s.average is None]
    if unrated:

        def last_rated(stat: PrincipleStats) -> int:
            seen = [i for i in counts.get(stat.slug, {}) if counts[stat.slug][i][0] > 0]
            return max(seen, default=-1)

        return chosen(min(unrated, key=lambda s: (last_rated(s), order.index(s.slug))), "not-rated")
    return None


def _feeling_suggestion(feelings: list[float | None], minutes: list[int | None]) -> str | None:
    if _falling(feelings) is not None:
        return "falling"
    now = feelings[-1]
    if now is not None and now <= LOW_FEELING:
        return "low"
    this_week = minutes[-1]
    earlier = [m for m in minutes[:-1] if m is not None]
    if this_week is not None and len(earlier) >= 2:
        usual = sum(earlier) / len(earlier)
        if this_week >= usual * BUSY_FACTOR and this_week >= usual + BUSY_EXTRA_MINUTES:
            return "busy"
    return None


def review_json(review: Review) -> dict[str, Any]:
    """The review's numbers for scripts: averages rounded to 2 places, null where none."""
    return {
        "period": _span(review.period),
        "previous_period": _span(review.previous_period),
        "conversations": review.conversations,
        "minutes": review.minutes,
        "modes": dict(review.modes),
        "principles": [
            {
                "slug": s.slug,
                "name": s.name,
                "retired": s.retired,
                "average": _rounded(s.average),
                "ratings": s.ratings,
                "previous_average": _rounded(s.previous_average),
                "change": _rounded(s.change),
                "trend": [_point(p) for p in s.trend],
            }
            for s in review.principles
        ],
        "feeling": {
            "average": _rounded(review.feeling.average),
            "ratings": review.feeling.ratings,
            "trend": [_point(p) for p in review.feeling.trend],
            "suggestion": review.feeling.suggestion,
        },
        "strongest": None
        if review.strongest is None
        else {
            "slug": review.strongest.slug,
            "name": review.strongest.name,
            "average": _rounded(review.strongest.average),
            "ratings": review.strongest.ratings,
        },
        "focus": None
        if review.focus is None
        else {
            "slug": review.focus.slug,
            "name": review.focus.name,
            "reason": review.focus.reason,
            "questions": list(review.focus.questions),
        },
        "intention": None
        if review.intention is None
        else {
            "period": {
                "start": review.intention.start.isoformat(),
                "end": review.intention.end.isoformat(),
            },
            "text": review.intention.text,
        },
    }


def _span(window: Window) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _point(point: Point) -> dict[str, Any]:
    return {**_span(point.window), "average": _rounded(point.average), "ratings": point.ratings}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
