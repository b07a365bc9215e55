"""One person over time: the numbers of `peerjournal peer ALIAS` (pure: data in, data out).

An alias is one person however it was capitalised ("R." and "r."); the view
shows the spelling used most. Everything is over all the conversations with
them: how many and when, the average of each principle rated with them (only
those rated; one decimal on screen through records.rounded, full precision in
the JSON), how the supporter felt afterwards, the flags their conversations
carried, and the follow-ups still open for them, those past their date first.

Nothing here is a verdict about the person or the supporter. One thing is
said in words: when the supporter noted how they felt after at least
MIN_FEELINGS conversations with this person and those average LOW_FEELING or
less, the view names it as heavy and suggests talking it through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peerjournal.principles import Guide
from peerjournal.queries import FlagCount, OpenFollowUp, RatingTotal, SpanTotals
from peerjournal.records import FLAGS, Entry, entry_as_dict, follow_up_as_dict
from peerjournal.review import LOW_FEELING, FollowUps, follow_ups_at

MIN_FEELINGS = 3


@dataclass(frozen=True)
class PeerPrinciple:
    """One principle as rated in the conversations with this person."""

    slug: str
    name: str
    retired: bool
    average: float
    ratings: int


@dataclass(frozen=True)
class PeerReview:
    """The conversations with one person, in sum, with the newest of them."""

    alias: str
    spellings: tuple[str, ...]  # every way the alias was written, most used first
    conversations: int
    first: date | None
    last: date | None
    minutes: int
    timed: int
    feeling: float | None
    feelings: int
    principles: tuple[PeerPrinciple, ...]  # the guide's order, then retired ones
    flags: tuple[FlagCount, ...]  # in FLAGS' order
    follow_ups: FollowUps
    entries: tuple[Entry, ...]  # newest first, as many as asked for

    @property
    def heavy(self) -> bool:
        """Whether conversations with them have tended to leave the supporter low."""
        return (
            self.feeling is not None
            and self.feelings >= MIN_FEELINGS
            and self.feeling <= LOW_FEELING
        )


def build_peer_review(
    alias: str,
    *,
    guide: Guide,
    spellings: Sequence[tuple[str, int]],
    totals: SpanTotals,
    ratings: Iterable[RatingTotal],
    names: Mapping[str, str],
    flags: Iterable[FlagCount],
    open_follow_ups: Iterable[OpenFollowUp],
    entries: Sequence[Entry],
    now: datetime,
) -> PeerReview:
    """Fold what the journal holds about one alias into a PeerReview."""
    by_slug = {row.slug: row for row in ratings if row.ratings}
    order = [s for s in guide.slugs if s in by_slug] + sorted(
        s for s in by_slug if guide.get(s) is None
    )
    principles = []
    for slug in order:
        principle = guide.get(slug)
        row = by_slug[slug]
        principles.append(
            PeerPrinciple(
                slug=slug,
                name=principle.name if principle is not None else names.get(slug, slug),
                retired=principle is None,
                average=row.total / row.ratings,
                ratings=row.ratings,
            )
        )
    flag_order = list(FLAGS)
    return PeerReview(
        alias=spellings[0][0] if spellings else alias,
        spellings=tuple(spelling for spelling, _ in spellings),
        conversations=totals.conversations,
        first=totals.first,
        last=totals.last,
        minutes=totals.minutes,
        timed=totals.timed,
        feeling=totals.feeling_total / totals.feelings if totals.feelings else None,
        feelings=totals.feelings,
        principles=tuple(principles),
        flags=tuple(
            sorted(
                flags,
                key=lambda f: flag_order.index(f.name) if f.name in FLAGS else len(FLAGS),
            )
        ),
        follow_ups=follow_ups_at(open_follow_ups, (), now),
        entries=tuple(entries),
    )


def peer_json(view: PeerReview) -> dict[str, Any]:
    """The view for scripts, at full precision; null where there is nothing."""
    return {
        "peer": view.alias,
        "spellings": list(view.spellings),
        "conversations": view.conversations,
        "first": view.first.isoformat() if view.first else None,
        "last": view.last.isoformat() if view.last else None,
        "minutes": view.minutes,
        "timed": view.timed,
        "principles": [
            {
                "slug": p.slug,
                "name": p.name,
                "retired": p.retired,
                "average": p.average,
                "ratings": p.ratings,
            }
            for p in view.principles
        ],
        "feeling": {"average": view.feeling, "ratings": view.feelings},
        "flags": [
            {"flag": f.name, "times": f.times, "last": f.last.isoformat()} for f in view.flags
        ],
        "followups": {
            "open": len(view.follow_ups.open),
            "overdue": view.follow_ups.overdue,
            "items": [
                {**follow_up_as_dict(item.follow_up), "entry": item.entry_id}
                for item in view.follow_ups.open
            ],
        },
        "entries": [entry_as_dict(entry) for entry in view.entries],
    }
