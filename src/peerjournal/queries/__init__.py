"""The read side: every everyday query, plain SQL over the standard library's connection.

`list`, `show`, `search`, `review`, `export`, `followups`, `peer`, the
numbers beside a principle and whatever the guided `log` reads before it
saves come from here, as the plain records of `records.py`. Nothing here
imports SQLAlchemy (db.py says why). Aggregates are computed in SQL (GROUP
BY), never by loading every row; `benchmarks/plans.py` prints the plan of
each statement on a ten-year journal.

A `Reader` wraps one open DB-API connection: `open_reader` gives one for a
command, and the write side hands its own connection to one so that an
entry just saved is read back the same way every screen reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.queries.entries import (
    _ENTRY_COLUMNS,
    _LARGEST_ID,
    CHUNK,
    CUT_NOTE,
    EVERYTHING,
    SCREEN_CLIP,
    _clipped,
    _clipped_sql,
    _follow_up,
    _moment,
    _rating,
    _where,
)
from peerjournal.queries.search import (
    MAX_SEARCH_TERMS,
    Match,
    SearchQueries,
    search_query,
    split_passage,
)
from peerjournal.records import Entry, EntryFilter, FollowUp, Intention, Rating

_FOLLOW_UP_COLUMNS = "f.id, f.text, f.due_date, f.due_time, f.done_at, e.id, e.local_date, e.peer"


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


@dataclass(frozen=True)
class Example:
    """The conversation that best showed a principle lately."""

    entry_id: int
    local_date: str
    score: int
    text: str


@dataclass(frozen=True)
class PrincipleGlance:
    """A principle in the supporter's own practice: the last four weeks and a good example."""

    start: date
    end: date
    average: float | None
    ratings: int
    example: Example | None


@dataclass(frozen=True)
class OpenFollowUp:
    """A follow-up with the conversation it was promised in."""

    follow_up: FollowUp
    entry_id: int
    local_date: str
    peer: str | None


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


class Reader(SearchQueries):
    """The journal's read queries over one open connection (stdlib sqlite3 or SQLCipher).

    With `clip`, every text is read to at most that many characters (see queries.entries).
    """

    # --- the weekly review ------------------------------------------------------------

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

    # --- follow-ups ------------------------------------------------------------------------

    def follow_ups(
        self, *, include_done: bool = False, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """Follow-ups (open ones only, unless `include_done`), with their conversations:
        by due day (none last), then as promised."""
        sql, params = _where(where)
        done = "" if include_done else " AND f.done_at IS NULL"
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            f" FROM follow_up f JOIN entry e ON e.id = f.entry_id WHERE {sql}{done}"
            " ORDER BY f.due_date IS NULL, f.due_date, f.due_time IS NULL, f.due_time, f.id",
            params,
        )
        return [self._open_follow_up(row) for row in rows]

    def _open_follow_up(self, row: Sequence[Any], *, still_open: bool = False) -> OpenFollowUp:
        """A follow-up read with _FOLLOW_UP_COLUMNS (`still_open`: as it was before it was
        done)."""
        done_at = None if still_open else row[4]
        follow_up = _follow_up((row[0], self._text(row[1]), row[2], row[3], done_at))
        return OpenFollowUp(follow_up, int(row[5]), str(row[6]), self._text(row[7]))

    def follow_up(self, follow_up_id: int) -> OpenFollowUp | None:
        """One follow-up by its number."""
        if not 0 < follow_up_id <= _LARGEST_ID:
            return None
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id WHERE f.id = ?",
            [follow_up_id],
        )
        return self._open_follow_up(rows[0]) if rows else None

    def follow_ups_done(self, period: Window, where: EntryFilter = EVERYTHING) -> int:
        """How many follow-ups were marked done on the period's days (UTC-close enough: the
        day is taken in the local time of the machine)."""
        return len(self.follow_ups_done_in(period, where))

    def follow_ups_done_in(
        self, period: Window, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """The follow-ups marked done on the period's local days, in the order they were kept."""
        start = datetime.combine(period.start, time()).astimezone(UTC)
        end = datetime.combine(period.end + timedelta(days=1), time()).astimezone(UTC)
        sql, params = _where(where)
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id"
            f" WHERE f.done_at >= ? AND f.done_at < ? AND {sql} ORDER BY f.done_at, f.id",
            [_stored(start), _stored(end), *params],
        )
        return [self._open_follow_up(row) for row in rows]

    def follow_ups_open_at(
        self, moment: datetime, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """The follow-ups that were still open at `moment`: promised in a conversation on or
        before its local day and not yet done then. By due day (none last), then as promised.

        At the present moment these are simply the open ones; for a week in the past,
        the ones that were open as it ended, whatever has happened since.
        """
        sql, params = _where(where)
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id"
            f" WHERE (f.done_at IS NULL OR f.done_at > ?) AND e.local_date <= ? AND {sql}"
            " ORDER BY f.due_date IS NULL, f.due_date, f.due_time IS NULL, f.due_time, f.id",
            [_stored(moment), moment.astimezone().date().isoformat(), *params],
        )
        # Done after `moment` is still open at it: the reader sees it as it was then.
        return [self._open_follow_up(row, still_open=True) for row in rows]

    # --- one person over time ------------------------------------------------------------

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


def _stored(moment: datetime) -> str:
    """An aware datetime as the write side stores it: naive UTC text."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


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


@contextmanager
def open_reader(location: db.Location) -> Iterator[Reader]:
    """The journal at `location`, opened to read for one command, texts clipped for screens.

    A missing journal is refused (reading never creates one); an older one is
    upgraded first (the only time a reading command loads the write side).
    """
    path = location.path
    if not db.exists(path):
        raise db.missing(location)
    db.check_version(path)
    conn = db.open_connection(path, db.key_for(path), readonly=True)
    try:
        yield Reader(conn, clip=SCREEN_CLIP)
    except driver_errors("OperationalError") as exc:
        raise db.unusable(path, str(exc)) from None
    finally:
        conn.close()


def tags_in(path: Path) -> list[str]:
    """The tags in use in a plain journal, for the shell's Tab; [] when it cannot be read.

    Completion runs on every Tab press, so like `glance` this never asks for a
    passphrase, never creates or upgrades a journal: an encrypted, missing,
    older or damaged one simply offers nothing.
    """
    if not db.exists(path):
        return []
    try:
        conn = db.open_connection(path, None, readonly=True)
    except driver_errors():
        return []
    try:
        if db.read_version(conn) != db.LATEST_VERSION:
            return []
        return Reader(conn).tags()
    except (*driver_errors(), db.ForeignFile):  # type: ignore[misc]
        return []
    finally:
        conn.close()


WINDOW_DAYS = 28


def glance(path: Path, slug: str, *, today: date) -> PrincipleGlance | None:
    """The last four weeks of `slug` in a plain journal, or None if it cannot be read.

    For `principles SLUG`, which must open as fast as a bare Typer app and
    never ask for a passphrase: an encrypted, missing, older or damaged
    journal simply means nothing to show beside the guide.
    """
    if not db.exists(path):
        return None
    start = today - timedelta(days=WINDOW_DAYS - 1)
    try:
        conn = db.open_connection(path, None, readonly=True)
    except driver_errors():
        return None
    try:
        if db.read_version(conn) != db.LATEST_VERSION:
            return None
        span = [slug, start.isoformat(), today.isoformat()]
        average, count = conn.execute(
            "SELECT avg(r.score), count(r.score) FROM rating r JOIN entry e ON e.id = r.entry_id"
            " WHERE r.slug = ? AND e.local_date BETWEEN ? AND ?",
            span,
        ).fetchone()
        texts = _clipped_sql("e.what_happened, e.so_what, e.now_what", SCREEN_CLIP)
        row = conn.execute(
            f"SELECT e.id, e.local_date, r.score, {texts}"
            " FROM rating r JOIN entry e ON e.id = r.entry_id"
            " WHERE r.slug = ? AND r.score >= 4 AND e.local_date BETWEEN ? AND ?"
            " ORDER BY r.score DESC, e.occurred_at DESC LIMIT 1",
            span,
        ).fetchone()
    except (*driver_errors(), db.ForeignFile):  # type: ignore[misc]
        return None
    finally:
        conn.close()
    example = None
    if row is not None:
        text = "\n".join(_clipped(part, SCREEN_CLIP) for part in row[3:] if part)
        example = Example(int(row[0]), str(row[1]), int(row[2]), text)
    return PrincipleGlance(
        start=start,
        end=today,
        average=float(average) if average is not None else None,
        ratings=int(count),
        example=example,
    )


__all__ = [
    "CHUNK",
    "CUT_NOTE",
    "EVERYTHING",
    "MAX_SEARCH_TERMS",
    "SCREEN_CLIP",
    "WINDOW_DAYS",
    "ActivityWindowRow",
    "Example",
    "FlagCount",
    "Match",
    "OpenFollowUp",
    "PrincipleGlance",
    "PrincipleWindowRow",
    "RatingTotal",
    "Reader",
    "SpanTotals",
    "Window",
    "glance",
    "open_reader",
    "search_query",
    "split_passage",
    "tags_in",
]
