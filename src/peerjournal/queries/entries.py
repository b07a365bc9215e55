"""The entries themselves, and what every other read builds on: the one filter builder.

`EntryQueries` holds one open connection and reads entries whole (ratings,
tags, flags and follow-ups in four queries, whatever their number); `_where`
turns an `EntryFilter` into SQL for every filtered read of the package.

Screens read at most `SCREEN_CLIP` characters of any text (a reflection, a
note, an alias, a follow-up): every entry `log` accepts is shown whole, and
one far longer, stored by an older version before the limits, is shown cut,
with a line saying so, instead of making `show`, `list` or `search` run for
minutes through gigabytes. Exports read everything (`chunks(whole=True)`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from peerjournal import db
from peerjournal.errors import EntryNotFound
from peerjournal.records import (
    MAX_REFLECTION,
    Entry,
    EntryFilter,
    FollowUp,
    Rating,
    read_back,
    zone,
)

EVERYTHING = EntryFilter()
CHUNK = 500
# The most of one text a screen reads: a whole reflection as `log` allows it.
SCREEN_CLIP = MAX_REFLECTION
CUT_NOTE = (
    "\n\n[Cut here: peerjournal shows the first {clip:,} characters of a text this long. "
    "'peerjournal export' writes all of it.]"
)
# SQLite numbers rows with 64-bit integers; a bigger number names no entry.
_LARGEST_ID = 2**63 - 1


def _moment(value: Any) -> datetime | None:
    """A stored UTC datetime (naive text, as the write side keeps it), made aware."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC)


def _where(where: EntryFilter) -> tuple[str, list[Any]]:
    """The SQL conditions on `entry e` for a filter, and their parameters: the one filter
    builder every filtered command uses."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.since is not None:
        clauses.append("e.local_date >= ?")
        params.append(where.since.isoformat())
    if where.until is not None:
        clauses.append("e.local_date <= ?")
        params.append(where.until.isoformat())
    if where.tag is not None:
        clauses.append("e.id IN (SELECT entry_id FROM tag WHERE name = ?)")
        params.append(where.tag)
    if where.flag is not None:
        clauses.append("e.id IN (SELECT entry_id FROM flag WHERE name = ?)")
        params.append(where.flag)
    if where.peer is not None:
        clauses.append("e.peer = ? COLLATE NOCASE")
        params.append(where.peer)
    return (" AND ".join(clauses) or "1"), params


_ENTRY_COLUMNS = (
    "e.id, e.uid, e.occurred_at, e.utc_offset, e.logged_at, e.edited_at, e.mode, e.minutes,"
    " e.peer, e.what_happened, e.so_what, e.now_what, e.feeling, e.shared"
)
_TEXT_COLUMNS = ("e.mode", "e.what_happened", "e.so_what", "e.now_what", "f.text")
_NULLABLE_TEXT = ("e.peer", "r.note")


def _clipped_sql(columns: str, clip: int | None) -> str:
    """`columns` with each text column read to at most `clip` + 1 characters (one more, to
    tell a text that was cut from one exactly that long), as UTF-8 bytes for `_clipped`.

    Cut as bytes: SQLite's substr() of a text stops at a NUL character, which a
    reflection may hold. Four bytes a character hold at least `clip` + 1 of them.
    """
    if clip is None:
        return columns

    def read(column: str) -> str:
        if column not in _TEXT_COLUMNS and column not in _NULLABLE_TEXT:
            return column
        cut = f"substr(CAST({column} AS BLOB), 1, {4 * (int(clip) + 1)})"
        # substr() of an empty text is NULL; a column that holds none must read as empty.
        return cut if column in _NULLABLE_TEXT else f"coalesce({cut}, x'')"

    return ", ".join(read(c.strip()) for c in columns.split(","))


def _clipped(value: Any, clip: int | None) -> Any:
    """A text read with `_clipped_sql`, with a line saying where it was cut if it was."""
    if isinstance(value, bytes):
        # The last character may have been cut through; it lies past `clip` if so.
        value = value.decode("utf-8", errors="replace")
    if clip is None or not isinstance(value, str) or len(value) <= clip:
        return value
    return value[:clip] + CUT_NOTE.format(clip=clip)


class EntryQueries:
    """The journal's entries over one open connection (stdlib sqlite3 or SQLCipher): the
    reads every other family of queries builds on; `Reader` joins them all.

    With `clip`, every text is read to at most that many characters (see the module).
    """

    def __init__(self, conn: Any, *, clip: int | None = None) -> None:
        self.conn = conn
        self.clip = clip

    def _sql(self, columns: str) -> str:
        return _clipped_sql(columns, self.clip)

    def _text(self, value: Any) -> Any:
        """A text read with `_sql`, with a line saying where it was cut if it was."""
        return _clipped(value, self.clip)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.conn.execute(sql, tuple(params)).fetchall())

    # --- entries --------------------------------------------------------------------

    def has_entries(self) -> bool:
        """Whether the journal holds any entry at all."""
        return bool(self._rows("SELECT 1 FROM entry LIMIT 1"))

    def entries(self, where: EntryFilter = EVERYTHING, limit: int | None = None) -> list[Entry]:
        """Entries matching the filter, newest first; at most `limit` of them."""
        sql, params = _where(where)
        # Local day first: with --since/--until the day index then serves both the
        # range and the order, instead of sorting years of entries.
        query = (
            f"SELECT {self._sql(_ENTRY_COLUMNS)} FROM entry e WHERE {sql}"
            " ORDER BY e.local_date DESC, e.occurred_at DESC, e.id DESC"
        )
        if limit is not None:
            query += " LIMIT ?"
            params.append(min(limit, _LARGEST_ID))
        return self._complete(self._rows(query, params))

    def entry(self, entry_id: int) -> Entry:
        """The entry with this number, or EntryNotFound."""
        found = self.by_ids([entry_id]) if 0 < entry_id <= _LARGEST_ID else []
        if not found:
            raise EntryNotFound(entry_id)
        return found[0]

    def by_ids(self, ids: Sequence[int]) -> list[Entry]:
        """The entries with these numbers, in the order given (missing ones left out)."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = self._rows(
            f"SELECT {self._sql(_ENTRY_COLUMNS)} FROM entry e WHERE e.id IN ({marks})", ids
        )
        found = {entry.id: entry for entry in self._complete(rows)}
        return [found[i] for i in ids if i in found]

    def last_id(self) -> int | None:
        """The number of the most recently logged entry."""
        rows = self._rows("SELECT max(id) FROM entry")
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def last_mode(self) -> str | None:
        """The kind of contact of the most recent conversation, the guided log's default."""
        # By the UTC moment, which its index serves: read before the first question.
        rows = self._rows("SELECT mode FROM entry ORDER BY occurred_at DESC LIMIT 1")
        return str(rows[0][0]) if rows else None

    def tags(self) -> list[str]:
        """Every tag in use, for completion."""
        return [row[0] for row in self._rows("SELECT DISTINCT name FROM tag ORDER BY name")]

    def chunks(
        self, where: EntryFilter = EVERYTHING, size: int = CHUNK, *, whole: bool = False
    ) -> Iterator[list[Entry]]:
        """The filtered entries, oldest first, `size` at a time (exports stream them);
        `whole`: every text in full, however long, as an export must have it."""
        sql, params = _where(where)
        clip, self.clip = self.clip, (None if whole else self.clip)
        try:
            cursor = self.conn.execute(
                f"SELECT {self._sql(_ENTRY_COLUMNS)} FROM entry e WHERE {sql}"
                " ORDER BY e.occurred_at, e.uid",
                tuple(params),
            )
            while rows := cursor.fetchmany(size):
                yield self._complete(rows)
        finally:
            self.clip = clip

    def edits(self, ids: Sequence[int]) -> dict[int, list[tuple[datetime, str]]]:
        """Earlier versions of these entries, oldest first: when replaced, and the JSON."""
        found: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for entry_id, edited_at, previous in self._in(
            "SELECT entry_id, edited_at, previous FROM entry_edit WHERE entry_id IN ({})"
            " ORDER BY id",
            ids,
        ):
            moment = _moment(edited_at)
            assert moment is not None
            found[entry_id].append((moment, previous))
        return found

    def edit_history(self, entry_id: int) -> list[tuple[datetime, dict[str, Any]]]:
        """One entry's earlier versions, oldest first."""
        return [
            (moment, json.loads(previous)) for moment, previous in self.edits([entry_id])[entry_id]
        ]

    def _in(self, sql: str, ids: Sequence[int]) -> list[Any]:
        if not ids:
            return []
        return self._rows(sql.format(", ".join("?" * len(ids))), ids)

    def _complete(self, rows: Sequence[Any]) -> list[Entry]:
        """Entries with their ratings, tags, flags and follow-ups: four queries in all."""
        ids = [row[0] for row in rows]
        ratings: dict[int, list[Rating]] = defaultdict(list)
        for entry_id, slug, name, score, note in self._in(
            f"SELECT entry_id, slug, principle_name, score, {self._sql('r.note')} FROM rating r"
            " WHERE entry_id IN ({}) ORDER BY id",
            ids,
        ):
            ratings[entry_id].append(_rating(slug, name, score, self._text(note)))
        tags: dict[int, list[str]] = defaultdict(list)
        for entry_id, name in self._in(
            "SELECT entry_id, name FROM tag WHERE entry_id IN ({}) ORDER BY name", ids
        ):
            tags[entry_id].append(name)
        flags: dict[int, list[str]] = defaultdict(list)
        for entry_id, name in self._in(
            "SELECT entry_id, name FROM flag WHERE entry_id IN ({})", ids
        ):
            flags[entry_id].append(name)
        follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
        for row in self._in(
            f"SELECT entry_id, id, {self._sql('f.text')}, due_date, due_time, done_at"
            " FROM follow_up f WHERE entry_id IN ({}) ORDER BY id",
            ids,
        ):
            follow_ups[row[0]].append(_follow_up((row[1], self._text(row[2]), *row[3:])))
        from peerjournal.records import FLAGS

        order = {name: place for place, name in enumerate(FLAGS)}
        if self.clip is not None:
            rows = [(*row[:6], *(self._text(v) for v in row[6:12]), *row[12:]) for row in rows]
        return [
            _entry(
                row,
                ratings=tuple(ratings[row[0]]),
                tags=tuple(tags[row[0]]),
                flags=tuple(sorted(flags[row[0]], key=lambda f: order.get(f, len(order)))),
                follow_ups=tuple(follow_ups[row[0]]),
            )
            for row in rows
        ]

    # --- exports and forgetting ---------------------------------------------------------------

    def rated_slugs(self, where: EntryFilter, guide_order: Sequence[str]) -> list[str]:
        """Every principle rated in the filtered entries: the guide's order, then retired ones."""
        sql, params = _where(where)
        found = {
            row[0]
            for row in self._rows(
                "SELECT DISTINCT r.slug FROM rating r"
                f" WHERE r.entry_id IN (SELECT e.id FROM entry e WHERE {sql})",
                params,
            )
        }
        known = [slug for slug in guide_order if slug in found]
        return known + sorted(found - set(known))

    def slugs_with_notes(self, where: EntryFilter) -> set[str]:
        """The principles that have a note on any rating in the filtered entries."""
        sql, params = _where(where)
        return {
            row[0]
            for row in self._rows(
                "SELECT DISTINCT r.slug FROM rating r WHERE r.note IS NOT NULL AND r.note != ''"
                f" AND r.entry_id IN (SELECT e.id FROM entry e WHERE {sql})",
                params,
            )
        }

    def count_forgettable(self, before: date) -> int:
        """How many entries before `before` still hold words that `forget` would clear."""
        rows = self._rows(
            f"SELECT count(*) FROM entry e WHERE {db.FORGETTABLE}", [before.isoformat()]
        )
        return int(rows[0][0])


def _entry(
    row: Sequence[Any],
    *,
    ratings: tuple[Rating, ...],
    tags: tuple[str, ...],
    flags: tuple[str, ...],
    follow_ups: tuple[FollowUp, ...],
) -> Entry:
    (entry_id, uid, occurred_at, offset, logged_at, edited_at, mode, minutes, peer) = row[:9]
    what_happened, so_what, now_what, feeling, shared = row[9:]
    moment = _moment(occurred_at)
    logged = _moment(logged_at)
    assert moment is not None and logged is not None
    return Entry(
        id=int(entry_id),
        uid=uid,
        occurred_at=moment.astimezone(zone(int(offset))),
        logged_at=logged,
        edited_at=_moment(edited_at),
        mode=mode,
        minutes=minutes,
        peer=peer,
        what_happened=what_happened,
        so_what=so_what,
        now_what=now_what,
        feeling=feeling,
        shared=bool(shared),
        ratings=ratings,
        tags=tags,
        flags=flags,
        follow_ups=follow_ups,
    )


def _follow_up(row: Sequence[Any]) -> FollowUp:
    follow_up_id, text, due_date, due_time, done_at = row
    return read_back(
        FollowUp,
        text=text or "(cleared)",
        due=date.fromisoformat(due_date) if due_date else None,
        due_time=time.fromisoformat(due_time) if due_time else None,
        id=int(follow_up_id),
        done_at=_moment(done_at),
    )


def _rating(slug: str, name: str, score: int, note: str | None) -> Rating:
    return read_back(Rating, slug=slug, name=name, score=score, note=note)
