"""One person over time: the aliases used, and the filtered conversations in sum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peerjournal.queries.entries import EVERYTHING, EntryQueries, _where
from peerjournal.records import EntryFilter


@dataclass(frozen=True)
class SpanTotals:
    """The filtered conversations in sum: how many, on which days, minutes and feelings."""

    conversations: int
    first: date | None
    last: date | None
    minutes: int
    timed: int
    feelings: int
    feeling_total: int


@dataclass(frozen=True)
class RatingTotal:
    """How often one principle was rated in the filtered entries, and the sum of the scores."""

    slug: str
    ratings: int
    total: int


@dataclass(frozen=True)
class FlagCount:
    """How many of the filtered entries carry one flag, and the last day one did."""

    name: str
    times: int
    last: date


class PeerQueries(EntryQueries):
    """Totals over the filtered conversations (`peer` filters them by alias)."""

    def aliases(self, where: EntryFilter = EVERYTHING) -> list[tuple[str, int]]:
        """Each alias as written in the filtered entries, with how many conversations, most
        used first."""
        sql, params = _where(where)
        rows = self._rows(
            f"SELECT e.peer, count(*) AS n FROM entry e WHERE e.peer IS NOT NULL AND {sql}"
            " GROUP BY e.peer ORDER BY n DESC, e.peer",
            params,
        )
        return [(str(alias), int(n)) for alias, n in rows]

    def totals(self, where: EntryFilter = EVERYTHING) -> SpanTotals:
        """The filtered entries in sum, over all their days."""
        sql, params = _where(where)
        row = self._rows(
            "SELECT count(e.id), min(e.local_date), max(e.local_date), sum(e.minutes),"
            f" count(e.minutes), count(e.feeling), sum(e.feeling) FROM entry e WHERE {sql}",
            params,
        )[0]
        n, first, last, minutes, timed, feelings, feeling_total = row
        return SpanTotals(
            conversations=int(n),
            first=date.fromisoformat(first) if first else None,
            last=date.fromisoformat(last) if last else None,
            minutes=int(minutes or 0),
            timed=int(timed),
            feelings=int(feelings),
            feeling_total=int(feeling_total or 0),
        )

    def rating_totals(self, where: EntryFilter = EVERYTHING) -> list[RatingTotal]:
        """Count and sum of scores per principle slug in the filtered entries."""
        sql, params = _where(where)
        rows = self._rows(
            "SELECT r.slug, count(r.id), sum(r.score) FROM rating r"
            f" WHERE r.entry_id IN (SELECT e.id FROM entry e WHERE {sql}) GROUP BY r.slug",
            params,
        )
        return [RatingTotal(str(slug), int(n), int(total or 0)) for slug, n, total in rows]

    def flag_counts(self, where: EntryFilter = EVERYTHING) -> list[FlagCount]:
        """How many filtered entries carry each flag, and the last day one did."""
        sql, params = _where(where)
        rows = self._rows(
            "SELECT f.name, count(*), max(e.local_date) FROM flag f JOIN entry e"
            f" ON e.id = f.entry_id WHERE {sql} GROUP BY f.name",
            params,
        )
        return [FlagCount(str(name), int(n), date.fromisoformat(last)) for name, n, last in rows]
