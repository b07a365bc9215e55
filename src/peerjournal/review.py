"""The numbers of a weekly review: aggregated rows in, a Review out (pure, no I/O).

Periods. The review covers the 7 local days ending on `until`, compares them
with the 7 days before, and draws a trend over `weeks` consecutive 7-day
windows ending on the same day. The rules below always see at least the last
four windows, however few weeks the trend shows.

Numbers. Every number a person reads has one decimal, rounded half up, by
`records.rounded` alone (4.25 is 4.3, 3.75 is 3.8, 2.05 is 2.1); the JSON keeps full
precision. A change whose rounded size is under 0.5 is noise: it carries no
alarm colour and is never a fall worth a focus.

Evidence. A verdict about a principle rests on at least 3 ratings: this
period's; or else, if it was rated this period at all, this period's and the
previous one's together (the verdict then speaks of the last two weeks).
With fewer ratings a principle gets no verdict, whatever its numbers; one not
rated this period gets none at all, so being skipped is never a reason for a
focus. Retired principles are shown but never judged: the guide no longer has
their questions.

Strongest: the highest average among the principles with evidence, when at
least two have evidence and it stands above the lowest of them. Ties go to the
one rated more often, then to the guide's order.

Focus, first rule that applies, among the principles with evidence:
1. "falling": its average fell three weeks in a row (the last four windows
   all rated, each lower than the one before, the last being this period),
   by 0.5 or more in all, and it is not the strongest. The biggest fall wins;
   ties go to the guide's order.
2. "lowest": the lowest average, when there is a strongest and it stands 0.5
   or more below it. Ties go to the one rated more often, then to the guide's
   order.
Otherwise there is no focus, and the review says why: "too-few" when fewer
than two principles have evidence, "even" when they do but none stands 0.5
below the highest of them. The focus quotes up to two of the supporter's own
words from the entries behind its evidence (`with_quotes`, from
ReviewQueries.focus_quotes).

Feeling, first that applies:
- "low-run": this period and the one before each averaged 2.5 or less (of 5).
- "falling": the average fell three weeks in a row (the last four windows all
  noted, each lower than the one before, the last being this period), by 0.5
  or more in all, to 3.0 or less this period.
- "easing": the same three falls, by 0.5 or more, while this period is still
  above 3.0: said calmly, with no offer of contacts (small dips from a good
  place are not an alarm).
- "low": this period averaged 2.5 or less.
- "busy": this period's minutes are at least half again the usual week's and
  at least 60 more (usual: the mean of the earlier windows with any timed
  conversations, when there are at least two such windows). Conversations
  without minutes count only through the feeling rules.
The first three offer the guide's support contacts; "busy" suggests rest.

To bring to supervision: the period's entries that carry any flag, in time
order. Follow-ups are seen as they stood at the review's moment (now, for the
current week; the end of its last day for a week in the past): the open ones,
those past their date first, and those marked done on the period's days.

The current week: a review whose last day is today. Only then are "how did it
go?" and next week's intention asked (and only at a terminal); a last day
after today is refused, since a review looks back on days that have happened.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, SupportContact
from peerjournal.queries import (
    EVERYTHING,
    ActivityWindowRow,
    OpenFollowUp,
    PrincipleWindowRow,
    Window,
)
from peerjournal.records import (
    MODES,
    Entry,
    EntryFilter,
    Intention,
    day_label,
    reflection_parts,
    rounded,
)

DAYS = 7
DEFAULT_WEEKS = 8
MAX_WEEKS = 104
MIN_RATINGS = 3
FALLING_DROPS = 3
RULE_WINDOWS = FALLING_DROPS + 1
NOTABLE_CHANGE = Decimal("0.5")
LOW_FEELING = 2.5
# Feeling that falls but stays above this is "easing": noted, not an alarm.
EASING_ABOVE = 3.0
BUSY_FACTOR = 1.5
BUSY_EXTRA_MINUTES = 60
# A refusal names this many findings; more would not fit one readable sentence.
SHOWN_FINDINGS = 5


def notable(change: float) -> bool:
    """Whether a change is big enough to mean something: 0.5 or more once rounded."""
    return abs(rounded(change)) >= NOTABLE_CHANGE


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

    @property
    def shown_change(self) -> float | None:
        """The change as a person reads it: between the two averages as shown, so that
        4.3 beside 4.3 reads "same", never "▼ 0.1" (the JSON keeps `change`)."""
        if self.average is None or self.previous_average is None:
            return None
        return float(rounded(self.average) - rounded(self.previous_average))


@dataclass(frozen=True)
class Evidence:
    """The ratings a verdict about one principle rests on."""

    average: float
    ratings: int
    days: Window
    weeks: int  # 1: this period alone; 2: this period and the one before together


@dataclass(frozen=True)
class Strongest:
    """The principle that went best, and the ratings that show it."""

    slug: str
    name: str
    evidence: Evidence
    # The names of other principles with the very same average: said together.
    tied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Focus:
    """The principle to practise next, which rule chose it, and what it rests on."""

    slug: str
    name: str
    reason: str  # "falling" or "lowest"
    questions: tuple[str, ...]
    evidence: Evidence
    falls: tuple[float, ...] = ()  # "falling": the four window averages, oldest first
    quotes: tuple[str, ...] = ()  # the supporter's own words from those entries


@dataclass(frozen=True)
class Feeling:
    """How the supporter felt after conversations: this period, the trend, a suggestion."""

    average: float | None
    ratings: int
    trend: tuple[Point, ...]
    suggestion: str | None  # "low-run", "falling", "easing", "low", "busy" or None
    # What the suggestion's rule saw, oldest first: feeling averages, or for
    # "busy" this period's minutes and the usual week's.
    seen: tuple[float, ...] = ()

    @property
    def from_one_conversation(self) -> bool:
        """A low week that is one conversation: said as that, not as a heavy week."""
        return self.suggestion == "low" and self.ratings == 1

    @property
    def offer_support(self) -> bool:
        """Whether the weeks were heavy enough to offer the guide's support contacts."""
        return self.suggestion in ("low-run", "falling", "low")


@dataclass(frozen=True)
class FollowUps:
    """The follow-ups a review looks at, as they stood at its moment."""

    open: tuple[OpenFollowUp, ...] = ()  # those past their date first
    overdue: int = 0  # how many of the first in `open` were past their date
    done: tuple[OpenFollowUp, ...] = ()  # marked done on the period's days
    as_of: datetime | None = None


NO_FOLLOW_UPS = FollowUps()


@dataclass(frozen=True)
class Review:
    """Everything a weekly review shows, as numbers."""

    period: Window
    previous_period: Window
    windows: tuple[Window, ...]
    conversations: int
    minutes: int
    timed: int
    previous_conversations: int
    modes: Mapping[str, int]
    principles: tuple[PrincipleStats, ...]
    strongest: Strongest | None
    focus: Focus | None
    no_focus: str | None  # "too-few" or "even" when there is no focus
    feeling: Feeling
    intention: Intention | None
    current_intention: Intention | None = None
    support: tuple[SupportContact, ...] = ()
    support_is_placeholder: bool = True
    flagged: tuple[Entry, ...] = ()
    follow_ups: FollowUps = NO_FOLLOW_UPS
    where: EntryFilter = EVERYTHING


def last_day(given: date, today: date, *, week: str | None = None) -> date:
    """The review's last day, refused when it is still to come."""
    if given <= today:
        return given
    if week is not None:
        raise InvalidValue(
            f"The week {week} ends on {day_label(given)}, which is still to come; "
            "to look back on the days so far, run peerjournal review without --week."
        )
    raise InvalidValue(
        f"--until cannot be after today ({day_label(today)}): a review looks back on days "
        "that have happened."
    )


def is_current(period: Window, today: date) -> bool:
    """Whether this is the current week's review, the only one that asks anything."""
    return period.end == today


def review_moment(period: Window, now: datetime) -> datetime:
    """The moment a review looks from: now for the current week, else the end of its last day."""
    end = datetime.combine(period.end, time.max).astimezone()
    return min(now.astimezone(), end)


def follow_ups_at(
    open_items: Iterable[OpenFollowUp], done: Iterable[OpenFollowUp], as_of: datetime
) -> FollowUps:
    """The open follow-ups with those past their date first (otherwise in the order given)."""
    items = list(open_items)
    late = [item for item in items if item.follow_up.overdue(as_of)]
    waiting = [item for item in items if not item.follow_up.overdue(as_of)]
    return FollowUps(tuple(late + waiting), len(late), tuple(done), as_of)


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
    """The windows to ask the journal about: the trend, and always the four the rules need."""
    windows_ending(until, weeks)  # says plainly when `weeks` is out of range
    try:
        return windows_ending(until, max(weeks, RULE_WINDOWS))
    except InvalidValue:
        # Near the calendar's start the rules see what there is.
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
    intention: Intention | None = None,
    current_intention: Intention | None = None,
    flagged: Sequence[Entry] = (),
    follow_ups: FollowUps = NO_FOLLOW_UPS,
    where: EntryFilter = EVERYTHING,
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
    feeling_now = _feeling(current)
    all_feeling = [_feeling(activity.get(i))[0] for i in range(len(windows))]
    # A week whose conversations were all untimed has no minutes, not 0 of them.
    all_minutes = [
        activity[i].minutes if i in activity and activity[i].timed else None
        for i in range(len(windows))
    ]
    suggestion, seen = _feeling_suggestion(all_feeling, all_minutes)
    feeling = Feeling(
        average=feeling_now[0],
        ratings=feeling_now[1],
        trend=tuple(
            Point(windows[i], *_feeling(activity.get(i))) for i in range(first_shown, len(windows))
        ),
        suggestion=suggestion,
        seen=seen,
    )

    evidence = {
        s.slug: found
        for s in stats
        if not s.retired and (found := _evidence(counts.get(s.slug, {}), windows, now)) is not None
    }
    strongest = _strongest(evidence, guide)
    focus = _focus(evidence, strongest, guide, counts, now)
    no_focus = None
    if focus is None:
        no_focus = "too-few" if len(evidence) < 2 else "even"
    return Review(
        period=windows[now],
        previous_period=windows[now - 1],
        windows=shown,
        conversations=current.conversations if current else 0,
        minutes=current.minutes if current else 0,
        timed=current.timed if current else 0,
        previous_conversations=previous.conversations if previous else 0,
        modes={mode: modes[mode] for mode in _mode_order(modes)},
        principles=tuple(stats),
        strongest=strongest,
        focus=focus,
        no_focus=no_focus,
        feeling=feeling,
        intention=intention,
        current_intention=current_intention,
        support=guide.support,
        support_is_placeholder=guide.support_is_placeholder,
        flagged=tuple(flagged),
        follow_ups=follow_ups,
        where=where,
    )


def with_quotes(review: Review, quotes: Sequence[str]) -> Review:
    """The review with the supporter's own words added to its focus (if it has one)."""
    if review.focus is None:
        return review
    return replace(review, focus=replace(review.focus, quotes=tuple(quotes)))


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


def _evidence(
    per_window: Mapping[int, tuple[int, int]], windows: tuple[Window, ...], now: int
) -> Evidence | None:
    ratings, total = per_window.get(now, (0, 0))
    if ratings >= MIN_RATINGS:
        return Evidence(total / ratings, ratings, windows[now], 1)
    before, before_total = per_window.get(now - 1, (0, 0))
    if ratings > 0 and ratings + before >= MIN_RATINGS:
        days = Window(windows[now - 1].start, windows[now].end)
        return Evidence((total + before_total) / (ratings + before), ratings + before, days, 2)
    return None


def _falls(values: Sequence[float | None]) -> tuple[float, ...] | None:
    """The last RULE_WINDOWS values, if each is below the one before; else None."""
    if len(values) < RULE_WINDOWS:
        return None
    run = values[-RULE_WINDOWS:]
    known = tuple(v for v in run if v is not None)
    if len(known) == RULE_WINDOWS and all(a > b for a, b in pairwise(known)):
        return known
    return None


def _strongest(evidence: Mapping[str, Evidence], guide: Guide) -> Strongest | None:
    if len(evidence) < 2:
        return None
    order = guide.slugs
    best = min(evidence, key=lambda s: (-evidence[s].average, -evidence[s].ratings, order.index(s)))
    if evidence[best].average <= min(e.average for e in evidence.values()):
        return None
    top = evidence[best].average
    tied = tuple(
        _name(slug, guide)
        for slug in sorted(evidence, key=order.index)
        if slug != best and math.isclose(evidence[slug].average, top)
    )
    return Strongest(best, _name(best, guide), evidence[best], tied)


def _name(slug: str, guide: Guide) -> str:
    principle = guide.get(slug)
    return principle.name if principle else slug


def _focus(
    evidence: Mapping[str, Evidence],
    strongest: Strongest | None,
    guide: Guide,
    counts: Mapping[str, Mapping[int, tuple[int, int]]],
    now: int,
) -> Focus | None:
    order = guide.slugs

    def chosen(slug: str, reason: str, falls: tuple[float, ...] = ()) -> Focus:
        principle = guide.get(slug)
        assert principle is not None  # only the guide's principles have evidence
        return Focus(slug, principle.name, reason, principle.questions, evidence[slug], falls)

    falling: list[tuple[float, int, str, tuple[float, ...]]] = []
    for slug in evidence:
        if strongest is not None and slug == strongest.slug:
            continue
        history = [_average(counts.get(slug, {}).get(i)) for i in range(now + 1)]
        falls = _falls(history)
        if falls is not None and notable(falls[0] - falls[-1]):
            falling.append((falls[-1] - falls[0], order.index(slug), slug, falls))
    if falling:
        _, _, slug, falls = min(falling)
        return chosen(slug, "falling", falls)

    if strongest is None:
        return None
    lowest = min(
        evidence, key=lambda s: (evidence[s].average, -evidence[s].ratings, order.index(s))
    )
    if notable(strongest.evidence.average - evidence[lowest].average):
        return chosen(lowest, "lowest")
    return None


def _feeling_suggestion(
    feelings: list[float | None], minutes: list[int | None]
) -> tuple[str | None, tuple[float, ...]]:
    now, before = feelings[-1], feelings[-2]
    if now is not None and before is not None and now <= LOW_FEELING and before <= LOW_FEELING:
        return "low-run", (before, now)
    falls = _falls(feelings)
    if falls is not None and notable(falls[0] - falls[-1]):
        return ("falling" if falls[-1] <= EASING_ABOVE else "easing"), falls
    if now is not None and now <= LOW_FEELING:
        return "low", (now,)
    this_week = minutes[-1]
    earlier = [m for m in minutes[:-1] if m is not None]
    if this_week is not None and len(earlier) >= 2:
        usual = sum(earlier) / len(earlier)
        if this_week >= usual * BUSY_FACTOR and this_week >= usual + BUSY_EXTRA_MINUTES:
            return "busy", (float(this_week), usual)
    return None, ()


def check_summary(
    reflections: Sequence[Entry],
    intentions: Sequence[Intention],
    guide: Guide,
    *,
    with_reply: bool = False,
) -> None:
    """Refuse a supervision summary whose text may identify someone, naming where and what.

    Each reflection was checked when it was written, but the guard learns and
    text gets edited: what leaves the machine is checked again, as it is now.
    The words of the guide's principle names are never taken for a person's name.
    An intention's "how did it go?" is checked when the summary carries it.
    """
    from peerjournal.privacy import scan

    known = {word for p in guide.principles for word in re.findall(r"\w+", p.name)}
    # Where each text is, and the entry it belongs to (None for an intention).
    places: list[tuple[str, str, int | None]] = []
    for reflection in reflections:
        for prompt, text in reflection_parts(reflection):
            places += [(f"entry {reflection.id} ({prompt.label})", text, reflection.id)]
    places += [("your intention", intention.text, None) for intention in intentions]
    if with_reply:
        places += [("how it went", i.reply, None) for i in intentions if i.reply]
    found: list[str] = []
    entries: list[int] = []
    for where, text, entry_id in places:
        for finding in scan(text, known_words=known):
            found.append(f'{where}: "{finding.text}" ({finding.kind})')
            if entry_id is not None and entry_id not in entries:
                entries.append(entry_id)
    if not found:
        return
    shown = "; ".join(found[:SHOWN_FINDINGS])
    if len(found) > SHOWN_FINDINGS:
        shown += f"; and {len(found) - SHOWN_FINDINGS} more"
    if entries:
        edits = ", ".join(f"peerjournal edit {n}" for n in entries[:SHOWN_FINDINGS])
        unshare = ", ".join(f"peerjournal share {n} --off" for n in entries[:SHOWN_FINDINGS])
        fix = f"Change those words ({edits}) or stop sharing ({unshare}), or add"
    else:
        fix = "Change those words when the review asks for your intention, or add"
    raise InvalidValue(
        f"The summary was not written, because it may identify someone: {shown}. "
        f"{fix} --allow-identifiers to write it anyway."
    )


def review_json(review: Review) -> dict[str, Any]:
    """The review's numbers for scripts, at full precision; null where there is none."""
    return {
        "period": _span(review.period),
        "previous_period": _span(review.previous_period),
        "conversations": review.conversations,
        "minutes": review.minutes,
        "timed": review.timed,
        "modes": dict(review.modes),
        "principles": [
            {
                "slug": s.slug,
                "name": s.name,
                "retired": s.retired,
                "average": s.average,
                "ratings": s.ratings,
                "previous_average": s.previous_average,
                "change": s.change,
                "trend": [_point(p) for p in s.trend],
            }
            for s in review.principles
        ],
        "feeling": {
            "average": review.feeling.average,
            "ratings": review.feeling.ratings,
            "trend": [_point(p) for p in review.feeling.trend],
            "suggestion": review.feeling.suggestion,
            "offer_support": review.feeling.offer_support,
        },
        "strongest": None
        if review.strongest is None
        else {
            "slug": review.strongest.slug,
            "name": review.strongest.name,
            **_evidence_json(review.strongest.evidence),
        },
        "focus": None
        if review.focus is None
        else {
            "slug": review.focus.slug,
            "name": review.focus.name,
            "reason": review.focus.reason,
            **_evidence_json(review.focus.evidence),
            "questions": list(review.focus.questions),
        },
        "no_focus": review.no_focus,
        "intention": None
        if review.intention is None
        else {
            "period": {
                "start": review.intention.start.isoformat(),
                "end": review.intention.end.isoformat(),
            },
            "text": review.intention.text,
            "reply": review.intention.reply,
        },
        "next_intention": None
        if review.current_intention is None
        else {
            "period": {
                "start": review.current_intention.start.isoformat(),
                "end": review.current_intention.end.isoformat(),
            },
            "text": review.current_intention.text,
        },
        "tag": review.where.tag,
        "flagged": [
            {"id": e.id, "date": e.local_date, "flags": list(e.flags), "peer": e.peer}
            for e in review.flagged
        ],
        "followups": {
            "open": len(review.follow_ups.open),
            "overdue": review.follow_ups.overdue,
            "done": len(review.follow_ups.done),
        },
    }


def _span(window: Window) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _point(point: Point) -> dict[str, Any]:
    return {**_span(point.window), "average": point.average, "ratings": point.ratings}


def _evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {"average": evidence.average, "ratings": evidence.ratings, "weeks": evidence.weeks}
