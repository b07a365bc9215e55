"""The light reads: a principle's last four weeks and the tags in use, from a plain journal.

For `principles SLUG` and the shell's Tab, which must stay as fast as a bare
Typer app: they never ask for a passphrase, never create or upgrade a
journal, and one that cannot be read simply offers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.queries.entries import SCREEN_CLIP, EntryQueries, _clipped, _clipped_sql


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
        return EntryQueries(conn).tags()
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
