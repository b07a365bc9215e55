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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.queries.entries import (
    _LARGEST_ID,
    CHUNK,
    CUT_NOTE,
    EVERYTHING,
    SCREEN_CLIP,
    _clipped,
    _clipped_sql,
    _follow_up,
    _where,
)
from peerjournal.queries.review import ActivityWindowRow, PrincipleWindowRow, ReviewQueries, Window
from peerjournal.queries.search import (
    MAX_SEARCH_TERMS,
    Match,
    SearchQueries,
    search_query,
    split_passage,
)
from peerjournal.records import EntryFilter, FollowUp

_FOLLOW_UP_COLUMNS = "f.id, f.text, f.due_date, f.due_time, f.done_at, e.id, e.local_date, e.peer"


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


class Reader(SearchQueries, ReviewQueries):
    """The journal's read queries over one open connection (stdlib sqlite3 or SQLCipher).

    With `clip`, every text is read to at most that many characters (see queries.entries).
    """

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
