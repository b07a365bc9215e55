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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.queries.entries import (
    CHUNK,
    CUT_NOTE,
    EVERYTHING,
    SCREEN_CLIP,
    _clipped,
    _clipped_sql,
)
from peerjournal.queries.followups import FollowUpQueries, OpenFollowUp
from peerjournal.queries.peers import FlagCount, PeerQueries, RatingTotal, SpanTotals
from peerjournal.queries.review import ActivityWindowRow, PrincipleWindowRow, ReviewQueries, Window
from peerjournal.queries.search import (
    MAX_SEARCH_TERMS,
    Match,
    SearchQueries,
    search_query,
    split_passage,
)


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


class Reader(SearchQueries, ReviewQueries, FollowUpQueries, PeerQueries):
    """The journal's read queries over one open connection (stdlib sqlite3 or SQLCipher).

    With `clip`, every text is read to at most that many characters (see queries.entries).
    Each family of reads is a base class in its own module; this one object has them all.
    """


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
