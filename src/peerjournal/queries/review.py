"""The weekly review's aggregates: per window of days, per principle and kind of contact.

A window is a span of local days; SQL puts each row in its window
(`_window_case`: arithmetic on the day for a review's consecutive weeks).
Also the period's reflections, its flagged entries, the supporter's own
words about the focus principle, and the weekly intentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from peerjournal.queries.entries import (
    _ENTRY_COLUMNS,
    EVERYTHING,
    EntryQueries,
    _moment,
    _rating,
    _where,
)
from peerjournal.records import Entry, EntryFilter, Intention, Rating


@dataclass(frozen=True)
class Window:
    """A span of local calendar days, both ends included."""

    start: date
    end: date


@dataclass(frozen=True)
class PrincipleWindowRow:
    """How one principle was rated in one window: how often, and the sum of the scores."""

    window: int
    slug: str
    ratings: int
    total: int


@dataclass(frozen=True)
class ActivityWindowRow:
    """One window's conversations, minutes (and how many were timed), and feelings noted."""

    window: int
    conversations: int
    minutes: int
    timed: int
    feelings: int
    feeling_total: int


class ReviewQueries(EntryQueries):
    """The numbers and the words of a review, aggregated in SQL."""

    def principle_rows(
        self, windows: Sequence[Window], where: EntryFilter = EVERYTHING
    ) -> list[PrincipleWindowRow]:
        """Count and sum of scores per window and principle slug."""
        case, case_params = _window_case(windows)
        within, within_params = _within(windows, where)
        rows = self._rows(
            f"SELECT {case} AS window, r.slug, count(r.id), sum(r.score)"
            f" FROM rating r JOIN entry e ON e.id = r.entry_id WHERE {within}"
            " GROUP BY window, r.slug",
            [*case_params, *within_params],
        )
        return [PrincipleWindowRow(int(w), s, int(n), int(t or 0)) for w, s, n, t in rows]

    def activity_rows(
        self, windows: Sequence[Window], where: EntryFilter = EVERYTHING
    ) -> list[ActivityWindowRow]:
        """Conversations, minutes and feelings per window (windows with none are absent)."""
        case, case_params = _window_case(windows)
        within, within_params = _within(windows, where)
        rows = self._rows(
            f"SELECT {case} AS window, count(e.id), sum(e.minutes), count(e.minutes),"
            f" count(e.feeling), sum(e.feeling) FROM entry e WHERE {within} GROUP BY window",
            [*case_params, *within_params],
        )
        return [
            ActivityWindowRow(int(w), int(n), int(m or 0), int(t), int(f), int(ft or 0))
            for w, n, m, t, f, ft in rows
        ]

    def modes(self, period: Window, where: EntryFilter = EVERYTHING) -> dict[str, int]:
        """How many conversations of each kind of contact in the period."""
        within, params = _within([period], where)
        rows = self._rows(
            f"SELECT e.mode, count(e.id) FROM entry e WHERE {within} GROUP BY e.mode", params
        )
        return {mode: int(count) for mode, count in rows}

    def principle_names(self, slugs: Iterable[str]) -> dict[str, str]:
        """The name most recently stored with each slug, for principles the guide retired."""
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(
            "SELECT slug, principle_name FROM rating WHERE id IN"
            f" (SELECT max(id) FROM rating WHERE slug IN ({marks}) GROUP BY slug)",
            wanted,
        )
        return dict(rows)

    def reflections(
        self,
        period: Window,
        *,
        limit: int,
        shared_only: bool = False,
        where: EntryFilter = EVERYTHING,
    ) -> tuple[list[Entry], int]:
        """The period's first `limit` entries in time order, and how many there are in all."""
        within, params = _within([period], where)
        if shared_only:
            within += " AND e.shared = 1"
        total = self._rows(f"SELECT count(*) FROM entry e WHERE {within}", params)[0][0]
        rows = self._rows(
            f"SELECT {self._sql(_ENTRY_COLUMNS)} FROM entry e WHERE {within}"
            " ORDER BY e.occurred_at, e.id LIMIT ?",
            [*params, limit],
        )
        return self._complete(rows), int(total)

    def ratings_of(
        self, slug: str, period: Window, where: EntryFilter = EVERYTHING
    ) -> list[tuple[Rating, Entry]]:
        """Every rating of one principle in the period, oldest first, with its entry."""
        within, params = _within([period], where)
        rows = self._rows(
            f"SELECT e.id, r.slug, r.principle_name, r.score, {self._sql('r.note')}"
            " FROM rating r JOIN entry e ON e.id = r.entry_id WHERE r.slug = ?"
            f" AND r.entry_id IN (SELECT e.id FROM entry e WHERE {within})"
            " ORDER BY e.occurred_at, e.id",
            [slug, *params],
        )
        entries = {entry.id: entry for entry in self.by_ids([row[0] for row in rows])}
        return [(_rating(s, n, sc, self._text(note)), entries[i]) for i, s, n, sc, note in rows]

    def focus_quotes(
        self, slug: str, period: Window, limit: int = 2, where: EntryFilter = EVERYTHING
    ) -> list[str]:
        """The supporter's own words about one principle in the period, at most `limit`.

        Rating notes come first, then the first line of "Now what?", each from the
        entries that rated the principle, lowest rating first: the words closest to
        what made it hard.
        """
        # The period's entries first: read by slug, SQLite would walk every rating of
        # the principle in the journal's whole history (100 ms in a ten-year journal).
        within, params = _within([period], where)
        rows = self._rows(
            f"SELECT {self._sql('r.note, e.now_what')} FROM rating r"
            " JOIN entry e ON e.id = r.entry_id"
            f" WHERE r.slug = ? AND r.entry_id IN (SELECT e.id FROM entry e WHERE {within})"
            " ORDER BY r.score, e.occurred_at, e.id",
            [slug, *params],
        )
        rows = [(self._text(note), self._text(now_what)) for note, now_what in rows]
        notes = [note.strip() for note, _ in rows if note and note.strip()]
        plans = [
            next(line.strip() for line in now_what.splitlines() if line.strip())
            for _, now_what in rows
            if now_what.strip()
        ]
        quotes: list[str] = []
        for text in notes + plans:
            if text not in quotes and len(quotes) < limit:
                quotes.append(text)
        return quotes

    def intention(self, period: Window) -> Intention | None:
        """The intention written for the period, if any."""
        rows = self._rows(
            "SELECT period_start, period_end, text, reply, written_at, replied_at"
            " FROM intention WHERE period_end = ?",
            [period.end.isoformat()],
        )
        return _intention(rows[0]) if rows else None

    def intentions(self, where: EntryFilter = EVERYTHING) -> list[Intention]:
        """Weekly intentions whose week overlaps the filter's days (a handful a year)."""
        clauses, params = [], []
        if where.since is not None:
            clauses.append("period_end >= ?")
            params.append(where.since.isoformat())
        if where.until is not None:
            clauses.append("period_start <= ?")
            params.append(where.until.isoformat())
        rows = self._rows(
            "SELECT period_start, period_end, text, reply, written_at, replied_at FROM intention"
            f" WHERE {' AND '.join(clauses) or '1'} ORDER BY period_end",
            params,
        )
        return [_intention(row) for row in rows]

    def flagged(self, period: Window, where: EntryFilter = EVERYTHING) -> list[Entry]:
        """The period's entries that carry any flag, in time order."""
        within, params = _within([period], where)
        # EXISTS looks up the period's few entries in the flag index; IN would read every
        # flag of the journal's history first.
        rows = self._rows(
            f"SELECT {self._sql(_ENTRY_COLUMNS)} FROM entry e WHERE {within}"
            " AND EXISTS (SELECT 1 FROM flag f WHERE f.entry_id = e.id)"
            " ORDER BY e.occurred_at, e.id",
            params,
        )
        return self._complete(rows)


def _intention(row: Sequence[Any]) -> Intention:
    start, end, text, reply, written_at, replied_at = row
    return Intention(
        date.fromisoformat(start),
        date.fromisoformat(end),
        text,
        reply,
        written_at=_moment(written_at),
        replied_at=_moment(replied_at),
    )


def _within(windows: Sequence[Window], where: EntryFilter) -> tuple[str, list[Any]]:
    """Entries on local days from the first window's start to the last one's end."""
    first = min(w.start for w in windows)
    last = max(w.end for w in windows)
    sql, params = _where(where)
    return f"e.local_date BETWEEN ? AND ? AND {sql}", [first.isoformat(), last.isoformat(), *params]


def _window_case(windows: Sequence[Window]) -> tuple[str, list[Any]]:
    """A SQL expression giving each entry's window number from its local day.

    A review's windows are consecutive spans of the same length: the number is
    then arithmetic on the day (one step per row, whatever the number of weeks);
    other windows fall back to one comparison per window.
    """
    lengths = {(w.end - w.start).days + 1 for w in windows}
    consecutive = all((later.start - earlier.end).days == 1 for earlier, later in pairwise(windows))
    if len(lengths) == 1 and consecutive:
        (days,) = lengths
        back = "CAST(julianday(?) - julianday(e.local_date) AS INTEGER)"
        return (
            f"CASE WHEN e.local_date BETWEEN ? AND ? THEN ? - {back} / ? ELSE -1 END",
            [
                windows[0].start.isoformat(),
                windows[-1].end.isoformat(),
                len(windows) - 1,
                windows[-1].end.isoformat(),
                days,
            ],
        )
    whens = " ".join(f"WHEN e.local_date BETWEEN ? AND ? THEN {i}" for i in range(len(windows)))
    params = [d.isoformat() for w in windows for d in (w.start, w.end)]
    return f"CASE {whens} ELSE -1 END", params
