"""A quick read-only look at one principle's recent numbers, for screens that must start fast.

`peerjournal principles SLUG` shows the supporter's own four-week average
and best recent example beside the guide. That screen must open as quickly
as a bare Typer app, so it cannot import SQLAlchemy; this module reads the
SQLite file directly with the standard library, read-only, and never creates
or changes it. Anything it cannot read (no journal yet, another database, an
encrypted or damaged file) simply means nothing to show: the guide itself is
what the screen is for.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from peerjournal.paths import sqlite_file

WINDOW_DAYS = 28


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


def principle_glance(
    location: str, slug: str, *, today: date | None = None
) -> PrincipleGlance | None:
    """The last four weeks of `slug` in the journal at `location`, or None if it cannot be read."""
    path = sqlite_file(location)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    end = today or date.today()
    start = end - timedelta(days=WINDOW_DAYS - 1)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        average, count = conn.execute(
            "SELECT avg(r.score), count(r.score) FROM rating r JOIN entry e ON e.id = r.entry_id"
            " WHERE r.slug = ? AND e.local_date BETWEEN ? AND ?",
            (slug, start.isoformat(), end.isoformat()),
        ).fetchone()
        row = conn.execute(
            "SELECT e.id, e.local_date, r.score,"
            " e.what_happened, e.so_what, e.now_what"
            " FROM rating r JOIN entry e ON e.id = r.entry_id"
            " WHERE r.slug = ? AND r.score >= 4 AND e.local_date BETWEEN ? AND ?"
            " ORDER BY r.score DESC, e.occurred_at DESC LIMIT 1",
            (slug, start.isoformat(), end.isoformat()),
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    example = None
    if row is not None:
        text = "\n".join(part for part in row[3:] if part)
        example = Example(int(row[0]), str(row[1]), int(row[2]), text)
    return PrincipleGlance(
        start=start,
        end=end,
        average=float(average) if average is not None else None,
        ratings=int(count),
        example=example,
    )
