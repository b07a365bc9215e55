"""The journal as files: export and import (JSON, CSV, Markdown), backup, restore, forgetting.

Every export streams: entries are read from the database in chunks of
CHUNK rows, each chunk's ratings, tags and edits with one query apiece, and
written out before the next chunk is read, so memory stays flat however long
the journal. Import streams the same way: the JSON reader decodes one entry
at a time, and rows go in through SQLAlchemy Core, not ORM objects, so a
50,000-entry file never sits in memory. An import is one transaction: a bad
record anywhere means nothing at all was written.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from peerjournal.errors import InvalidValue, PeerJournalError
from peerjournal.journal import EntryFilter, checked_text

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

FORMAT_NAME = "peerjournal"
# The version of the export file's layout (not the database schema). When it
# changes, add a step to _FORMAT_UPGRADES that turns an entry of the previous
# version into the next: older files then map forward one step at a time.
FORMAT_VERSION = 1
CHUNK = 500
Progress = Callable[[int], None]
EVERYTHING = EntryFilter()

CSV_BASE_COLUMNS = (
    "uid",
    "date",
    "time",
    "occurred_at",
    "utc_offset",
    "logged_at",
    "edited_at",
    "mode",
    "minutes",
    "peer",
    "what_happened",
    "so_what",
    "now_what",
    "feeling",
    "shared",
    "tags",
)
CSV_NOTE_PREFIX = "note: "
LONGEST_CSV_CELL = 2**31 - 1
# What a rated principle may be called in either format: a CSV names it in a
# column header, so a JSON import must not let in a name a CSV could not carry.
_RATED_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class MalformedImport(PeerJournalError):
    """A file to import is not something peerjournal wrote, or is damaged."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        super().__init__(
            f"{path} cannot be imported: {where}: {problem}. Nothing was imported; "
            "fix that record or export the journal again."
        )


def _no_progress(_done: int) -> None:
    return None


# --- reading the journal in chunks ----------------------------------------------


def _tables() -> tuple[Any, Any, Any, Any, Any]:
    from peerjournal.models import Entry, EntryEdit, Intention, Rating, Tag

    return (
        Entry.__table__,  # type: ignore[attr-defined]
        Rating.__table__,  # type: ignore[attr-defined]
        Tag.__table__,  # type: ignore[attr-defined]
        EntryEdit.__table__,  # type: ignore[attr-defined]
        Intention.__table__,  # type: ignore[attr-defined]
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _entry_chunks(
    session: Session, where: EntryFilter, *, edits: bool
) -> Iterator[list[dict[str, Any]]]:
    """The filtered entries, oldest first, as export dictionaries, CHUNK at a time."""
    from sqlalchemy import select

    entry, rating, tag, entry_edit, _intention = _tables()
    conn = session.connection()
    query = select(entry).where(*where.conditions()).order_by(entry.c.occurred_at, entry.c.uid)
    result = conn.execution_options(yield_per=CHUNK).execute(query)
    for rows in result.partitions():
        ids = [row.id for row in rows]
        ratings: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in conn.execute(
            select(rating).where(rating.c.entry_id.in_(ids)).order_by(rating.c.id)
        ):
            ratings[r.entry_id].append(
                {"slug": r.slug, "name": r.principle_name, "score": r.score, "note": r.note}
            )
        tags: dict[int, list[str]] = defaultdict(list)
        for t in conn.execute(
            select(tag).where(tag.c.entry_id.in_(ids)).order_by(tag.c.entry_id, tag.c.name)
        ):
            tags[t.entry_id].append(t.name)
        history: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if edits:
            for e in conn.execute(
                select(entry_edit).where(entry_edit.c.entry_id.in_(ids)).order_by(entry_edit.c.id)
            ):
                history[e.entry_id].append({"edited_at": _iso(e.edited_at), "previous": e.previous})
        chunk = []
        for row in rows:
            item = {
                "uid": row.uid,
                "occurred_at": _iso(row.occurred_at),
                "utc_offset": row.utc_offset,
                "local_date": row.local_date,
                "logged_at": _iso(row.logged_at),
                "edited_at": _iso(row.edited_at),
                "mode": row.mode,
                "minutes": row.minutes,
                "peer": row.peer,
                "what_happened": row.what_happened,
                "so_what": row.so_what,
                "now_what": row.now_what,
                "feeling": row.feeling,
                "shared": bool(row.shared),
                "ratings": ratings[row.id],
                "tags": tags[row.id],
            }
            if edits:
                item["edits"] = history[row.id]
            chunk.append(item)
        yield chunk


def _intentions(session: Session, where: EntryFilter) -> list[dict[str, Any]]:
    """Weekly intentions whose week overlaps the filter's days (a handful a year)."""
    from sqlalchemy import select

    *_rest, intention = _tables()
    query = select(intention).order_by(intention.c.period_end)
    if where.since is not None:
        query = query.where(intention.c.period_end >= where.since.isoformat())
    if where.until is not None:
        query = query.where(intention.c.period_start <= where.until.isoformat())
    return [
        {
            "period_start": i.period_start,
            "period_end": i.period_end,
            "text": i.text,
            "written_at": _iso(i.written_at),
        }
        for i in session.connection().execute(query)
    ]


def _local(item: Mapping[str, Any]) -> datetime:
    moment = datetime.fromisoformat(item["occurred_at"])
    return moment.astimezone(timezone(timedelta(minutes=item["utc_offset"])))


# --- export ------------------------------------------------------------------------


def export_json(session: Session, out: TextIO, where: EntryFilter = EVERYTHING) -> int:
    """Write the journal as peerjournal's JSON (everything, losslessly); return the entry count.

    Entries come oldest first, each with its ratings (and the principle names
    they were given under), tags and earlier wordings. Intentions are
    included for the weeks the date filter covers; a tag filter leaves them
    all in, as they belong to weeks, not entries.
    """
    from peerjournal.db import LATEST_VERSION

    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(datetime.now(UTC)),
        "schema_version": LATEST_VERSION,
    }
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    out.write('  "entries": [')
    count = 0
    for chunk in _entry_chunks(session, where, edits=True):
        for item in chunk:
            out.write(",\n" if count else "\n")
            out.write(_indented(item))
            count += 1
    out.write("\n  ],\n" if count else "],\n")
    intentions = [_indented(i) for i in _intentions(session, where)]
    if intentions:
        out.write('  "intentions": [\n' + ",\n".join(intentions) + "\n  ]\n}\n")
    else:
        out.write('  "intentions": []\n}\n')
    return count


def _indented(item: Mapping[str, Any]) -> str:
    text = json.dumps(item, indent=2, ensure_ascii=False)
    # Split on "\n" only: splitlines() would also break inside strings at U+0085 or U+2028.
    return "\n".join("    " + line for line in text.split("\n"))


def principle_columns(
    session: Session, where: EntryFilter, guide_order: Sequence[str]
) -> list[str]:
    """Every principle rated in the filtered entries: the guide's order, then retired ones."""
    from sqlalchemy import select

    entry, rating, *_rest = _tables()
    selected = select(entry.c.id).where(*where.conditions())
    found = set(
        session.connection()
        .execute(select(rating.c.slug).where(rating.c.entry_id.in_(selected)).distinct())
        .scalars()
    )
    known = [slug for slug in guide_order if slug in found]
    return known + sorted(found - set(known))


def export_csv(
    session: Session,
    out: TextIO,
    where: EntryFilter = EVERYTHING,
    guide_order: Sequence[str] = (),
) -> int:
    """Write one row per entry, a score column per principle, for spreadsheets.

    Rating notes get a `note: SLUG` column only for principles that have
    any, so the sheet stays narrow. The edit history and intentions are not in
    the CSV: JSON is the complete format.
    """
    from sqlalchemy import select

    entry, rating, *_rest = _tables()
    slugs = principle_columns(session, where, guide_order)
    selected = select(entry.c.id).where(*where.conditions())
    with_notes = set(
        session.connection()
        .execute(
            select(rating.c.slug)
            .where(rating.c.entry_id.in_(selected), rating.c.note.is_not(None))
            .where(rating.c.note != "")
            .distinct()
        )
        .scalars()
    )
    note_columns = [f"{CSV_NOTE_PREFIX}{slug}" for slug in slugs if slug in with_notes]
    writer = csv.DictWriter(out, fieldnames=[*CSV_BASE_COLUMNS, *slugs, *note_columns])
    writer.writeheader()
    count = 0
    for chunk in _entry_chunks(session, where, edits=False):
        for item in chunk:
            local = _local(item)
            row: dict[str, Any] = {
                key: item[key]
                for key in CSV_BASE_COLUMNS
                if key not in ("date", "time", "shared", "tags")
            }
            row["date"] = item["local_date"]
            row["time"] = local.strftime("%H:%M")
            row["shared"] = "yes" if item["shared"] else "no"
            row["tags"] = ", ".join(item["tags"])
            for r in item["ratings"]:
                row[r["slug"]] = r["score"]
                if r["note"]:
                    row[f"{CSV_NOTE_PREFIX}{r['slug']}"] = r["note"]
            writer.writerow(row)
            count += 1
    return count


_MODE_WORDS = {"in-person": "in person", "text": "text or chat"}


def export_markdown(session: Session, out: TextIO, where: EntryFilter = EVERYTHING) -> int:
    """Write the journal as readable Markdown, a section per entry, oldest first."""
    out.write("# My peer support journal\n")
    count = 0
    for chunk in _entry_chunks(session, where, edits=False):
        for item in chunk:
            out.write("\n" + _markdown_entry(item))
            count += 1
    if not count:
        out.write("\nNo entries.\n")
    return count


def _markdown_entry(item: Mapping[str, Any]) -> str:
    local = _local(item)
    heading = [local.strftime("%A %d %B %Y, %H:%M"), _MODE_WORDS.get(item["mode"], item["mode"])]
    if item["minutes"] is not None:
        heading.append(f"{item['minutes']} minutes")
    if item["peer"]:
        heading.append(f"with {item['peer']}")
    lines = [f"## {' · '.join(heading)}", ""]
    facts = []
    if item["feeling"] is not None:
        facts.append(f"Feeling afterwards: {item['feeling']} of 5")
    if item["tags"]:
        facts.append("Tags: " + ", ".join(item["tags"]))
    if item["shared"]:
        facts.append("Marked for supervision")
    if facts:
        lines += [f"*{' · '.join(facts)}*", ""]
    for title, key in (
        ("What happened", "what_happened"),
        ("So what", "so_what"),
        ("Now what", "now_what"),
    ):
        if item[key].strip():
            lines += [f"**{title}**", "", item[key].strip(), ""]
    if item["ratings"]:
        lines += ["**Ratings**", ""]
        for r in item["ratings"]:
            note = f" — {r['note']}" if r["note"] else ""
            lines.append(f"- {r['name']}: {r['score']} of 5{note}")
        lines.append("")
    return "\n".join(lines)


# --- import ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What an import did: entries added and already there, intentions added."""

    added: int
    present: int
    intentions_added: int = 0


def import_file(
    session: Session,
    path: Path,
    *,
    names: Mapping[str, str] | None = None,
    on_progress: Progress = _no_progress,
) -> ImportReport:
    """Add the entries of a peerjournal JSON export or CSV file that the journal lacks.

    Entries are matched by their stable uid, so importing the same file twice
    adds nothing the second time. `names` gives principle names for a CSV
    (which stores only slugs); a slug it lacks keeps the slug as its name.
    `on_progress` hears how many bytes of the file have been read.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidValue(f"{path} cannot be read ({exc.strerror}).") from None
    with handle:
        first = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        importer = _Importer(session.connection())
        if first.startswith(b"{"):
            _import_json(importer, path, handle, on_progress)
        else:
            _import_csv(importer, path, handle, names or {}, on_progress)
    return ImportReport(importer.added, importer.present, importer.intentions_added)


class _Importer:
    """Inserts validated records through Core, skipping uids the journal already has."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.added = 0
        self.present = 0
        self.intentions_added = 0

    def entry(self, record: _EntryRecord) -> None:
        from sqlalchemy import select

        entry, rating, tag, entry_edit, _intention = _tables()
        found = self.conn.execute(select(entry.c.id).where(entry.c.uid == record.fields["uid"]))
        if found.first() is not None:
            self.present += 1
            return
        inserted = self.conn.execute(entry.insert().values(**record.fields))
        entry_id = inserted.inserted_primary_key[0]  # type: ignore[index]
        if record.ratings:
            self.conn.execute(
                rating.insert(), [{**r, "entry_id": entry_id} for r in record.ratings]
            )
        if record.tags:
            self.conn.execute(
                tag.insert(), [{"entry_id": entry_id, "name": t} for t in record.tags]
            )
        if record.edits:
            self.conn.execute(
                entry_edit.insert(), [{**e, "entry_id": entry_id} for e in record.edits]
            )
        self.added += 1

    def intention(self, fields: Mapping[str, Any]) -> None:
        from sqlalchemy import select

        *_rest, intention = _tables()
        query = select(intention.c.id).where(intention.c.period_end == fields["period_end"])
        if self.conn.execute(query).first() is None:
            self.conn.execute(intention.insert().values(**fields))
            self.intentions_added += 1


@dataclass(frozen=True)
class _EntryRecord:
    fields: dict[str, Any]
    ratings: list[dict[str, Any]]
    tags: list[str]
    edits: list[dict[str, Any]]


class _Invalid(Exception):
    """One field of one record is wrong (turned into MalformedImport with its place)."""


def _text(
    item: Mapping[str, Any], key: str, *, limit: int | None = None, empty: bool = True
) -> str:
    value = item.get(key, "" if empty else None)
    if not isinstance(value, str):
        raise _Invalid(f"'{key}' must be text")
    _storable(value, f"'{key}'")
    if not empty and not value:
        raise _Invalid(f"'{key}' must not be empty")
    if limit is not None and len(value) > limit:
        raise _Invalid(f"'{key}' is longer than {limit} characters")
    return value


def _storable(value: str, what: str) -> None:
    """Refuse text SQLite cannot hold (lone surrogates, from a \\udcXX escape in JSON)."""
    try:
        checked_text(value, what)
    except InvalidValue:
        raise _Invalid(f"{what} holds characters that are not valid text") from None


def _optional_text(item: Mapping[str, Any], key: str, *, limit: int | None = None) -> str | None:
    if item.get(key) is None:
        return None
    return _text(item, key, limit=limit)


def _whole(item: Mapping[str, Any], key: str, low: int, high: int, *, optional: bool) -> int | None:
    value = item.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Invalid(f"'{key}' must be a whole number from {low} to {high}")
    return value


def _moment(item: Mapping[str, Any], key: str, *, optional: bool = False) -> datetime | None:
    value = item.get(key)
    if value is None and optional:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
            # A day's margin at both ends of the calendar, so that shifting the
            # moment by any UTC offset to show it never falls off the calendar.
            if _FIRST_DAY <= moment.date() <= _LAST_DAY:
                return moment
    except (ValueError, OverflowError):
        pass
    raise _Invalid(f"'{key}' must be a date and time with its UTC offset")


_FIRST_DAY = date.min + timedelta(days=1)
_LAST_DAY = date.max - timedelta(days=1)


def _day(value: Any, key: str) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _Invalid(f"'{key}' must be a date like 2026-11-20")


def _local_day(occurred_at: datetime, offset: int) -> str:
    """The calendar day where the conversation happened, as the journal buckets it."""
    return (occurred_at + timedelta(minutes=offset)).date().isoformat()


def _entry_from_json(item: Any) -> _EntryRecord:
    if not isinstance(item, dict):
        raise _Invalid("it is not an object")
    fields = {
        "uid": _text(item, "uid", limit=32, empty=False),
        "occurred_at": _moment(item, "occurred_at"),
        "utc_offset": _whole(item, "utc_offset", -24 * 60, 24 * 60, optional=False),
        "logged_at": _moment(item, "logged_at"),
        "edited_at": _moment(item, "edited_at", optional=True),
        "mode": _text(item, "mode", limit=20, empty=False),
        "minutes": _whole(item, "minutes", 0, 10**6, optional=True),
        "peer": _optional_text(item, "peer", limit=80),
        "what_happened": _text(item, "what_happened"),
        "so_what": _text(item, "so_what"),
        "now_what": _text(item, "now_what"),
        "feeling": _whole(item, "feeling", 1, 5, optional=True),
        "shared": item.get("shared", False),
    }
    if not isinstance(fields["shared"], bool):
        raise _Invalid("'shared' must be true or false")
    # The local day follows from the moment and its offset; a file that says
    # otherwise would show the same conversation on two different days.
    fields["local_date"] = _local_day(fields["occurred_at"], fields["utc_offset"])
    if item.get("local_date", fields["local_date"]) != fields["local_date"]:
        raise _Invalid("'local_date' does not match occurred_at and utc_offset")
    ratings = []
    for rating in _list(item, "ratings"):
        if not isinstance(rating, dict):
            raise _Invalid("each rating must be an object")
        slug = _text(rating, "slug", limit=64, empty=False)
        if not _RATED_SLUG.fullmatch(slug):
            raise _Invalid(f"the principle '{slug}' is not a slug (like open-mind)")
        ratings.append(
            {
                "slug": slug,
                "principle_name": _text(rating, "name", limit=200, empty=False),
                "score": _whole(rating, "score", 1, 5, optional=False),
                "note": _optional_text(rating, "note"),
            }
        )
    slugs = [r["slug"] for r in ratings]
    if len(set(slugs)) != len(slugs):
        raise _Invalid("a principle is rated twice")
    tags = []
    for tag in _list(item, "tags"):
        if not isinstance(tag, str) or not tag or len(tag) > 64:
            raise _Invalid("each tag must be text of 1 to 64 characters")
        _storable(tag, "a tag")
        tags.append(tag)
    edits = []
    for edit in _list(item, "edits"):
        if not isinstance(edit, dict):
            raise _Invalid("each edit must be an object")
        edits.append({"edited_at": _moment(edit, "edited_at"), "previous": _text(edit, "previous")})
    return _EntryRecord(fields, ratings, list(dict.fromkeys(tags)), edits)


def _list(item: Mapping[str, Any], key: str) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise _Invalid(f"'{key}' must be a list")
    return value


def _intention_from_json(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _Invalid("it is not an object")
    start = _day(item.get("period_start"), "period_start")
    end = _day(item.get("period_end"), "period_end")
    if start > end:
        raise _Invalid("'period_start' comes after 'period_end'")
    return {
        "period_start": start,
        "period_end": end,
        "text": _text(item, "text"),
        "written_at": _moment(item, "written_at"),
    }


# Each step turns an entry of format version N (the key) into version N + 1.
_FORMAT_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _upgrade(item: Any, version: int) -> Any:
    if not isinstance(item, dict):
        return item
    for step in range(version, FORMAT_VERSION):
        item = _FORMAT_UPGRADES[step](item)
    return item


def _import_json(importer: _Importer, path: Path, handle: IO[bytes], progress: Progress) -> None:
    stream = _JsonStream(handle, progress)
    header: dict[str, Any] = {}
    version = 0
    counters = {"entries": 0, "intentions": 0}

    def fail(where: str, problem: str) -> MalformedImport:
        return MalformedImport(path, where, problem)

    def check_header() -> int:
        if header.get("format") != FORMAT_NAME:
            raise fail("the start", 'it is not a peerjournal export (no "format": "peerjournal")')
        found = header.get("format_version")
        if isinstance(found, bool) or not isinstance(found, int) or found < 1:
            raise fail("the start", "it has no format_version")
        if found > FORMAT_VERSION:
            raise fail(
                "the start",
                f"it was written by a newer peerjournal (format {found}); "
                "upgrade with 'pip install --upgrade peerjournal'",
            )
        return found

    try:
        for key, index, value in stream.top_level(("entries", "intentions")):
            if key is None:
                continue
            if index is None:
                header[key] = value
                continue
            if not version:
                version = check_header()
            if index == 0:
                continue
            counters[key] = index
            try:
                if key == "entries":
                    importer.entry(_entry_from_json(_upgrade(value, version)))
                else:
                    importer.intention(_intention_from_json(value))
            except _Invalid as exc:
                label = "entry" if key == "entries" else "intention"
                uid = value.get("uid") if isinstance(value, dict) else None
                named = f" (uid {uid})" if isinstance(uid, str) and uid else ""
                raise fail(f"{label} {index}{named}", str(exc)) from None
    except _BrokenJson as exc:
        where = f"line {exc.line}"
        if counters["entries"]:
            where += f", after entry {counters['entries']}"
        raise fail(where, exc.problem) from None
    for key in ("entries", "intentions"):
        if key in header:  # present, but not streamed as a list
            raise fail("the start", f"'{key}' must be a list")
    if not version:
        check_header()


class _BrokenJson(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonStream:
    """Reads a JSON object whose big arrays are decoded one element at a time.

    The standard library parses whole documents only; this walks the top
    level by hand and hands each array element to `raw_decode`, reading more
    of the file whenever an element runs past what has been read so far.
    """

    BLOCK = 1 << 16

    def __init__(self, handle: IO[bytes], progress: Progress) -> None:
        self.handle = handle
        self.progress = progress
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.lines_before = 1  # line number of the buffer's first character
        self.bytes_read = 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self.handle.read(max(self.BLOCK, len(self.buffer) - self.pos))
        self.bytes_read += len(raw)
        try:
            text = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise _BrokenJson(self.line, "it is not UTF-8 text") from None
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        self.progress(self.bytes_read)
        if not raw:
            self.eof = True
        return True

    @property
    def line(self) -> int:
        return self.lines_before + self.buffer.count("\n", 0, self.pos)

    def _peek(self) -> str:
        while True:
            match = _SPACE.match(self.buffer, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def _expect(self, allowed: str) -> str:
        found = self._peek()
        if not found or found not in allowed:
            shown = f"'{found}'" if found else "the end of the file"
            wanted = " or ".join(f"'{c}'" for c in allowed)
            raise _BrokenJson(self.line, f"expected {wanted} but found {shown}")
        self.pos += 1
        return found

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                line = self.lines_before + self.buffer.count("\n", 0, exc.pos)
                raise _BrokenJson(line, f"the JSON is broken ({exc.msg})") from None
            except RecursionError:
                raise _BrokenJson(self.line, "it nests lists or objects too deeply") from None
            except ValueError:
                # Python refuses to read integers of thousands of digits.
                raise _BrokenJson(self.line, "it holds a number too long to read") from None
            # A number may continue past what has been read so far.
            if end == len(self.buffer) and self._more():
                continue
            self.pos = end
            return value

    def top_level(self, arrays: Iterable[str]) -> Iterator[tuple[str | None, int | None, Any]]:
        """(key, None, value) for plain members; (key, n, element) for the listed arrays."""
        streamed = set(arrays)
        self._expect("{")
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise _BrokenJson(self.line, "expected a quoted name")
                self._expect(":")
                if key in streamed and self._peek() == "[":
                    self.pos += 1
                    index = 0
                    if self._peek() == "]":
                        self.pos += 1
                        yield key, 0, None  # an empty list still proves the header
                    else:
                        while True:
                            index += 1
                            yield key, index, self._value()
                            if self._expect(",]") == "]":
                                break
                else:
                    yield key, None, self._value()
                if self._expect(",}") == "}":
                    break
        if self._peek():
            raise _BrokenJson(self.line, "there is more after the end of the export")


def _import_csv(
    importer: _Importer,
    path: Path,
    handle: IO[bytes],
    names: Mapping[str, str],
    progress: Progress,
) -> None:
    read = 0

    def lines() -> Iterator[str]:
        nonlocal read
        for number, raw in enumerate(handle, start=1):
            read += len(raw)
            if number % 200 == 0:
                progress(read)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedImport(path, f"line {number}", "it is not UTF-8 text") from None
            yield text.removeprefix("\ufeff") if number == 1 else text

    # The csv module stops at cells of 128 KiB; a long reflection is longer than that.
    csv.field_size_limit(max(csv.field_size_limit(), LONGEST_CSV_CELL))
    reader = csv.DictReader(lines())
    try:
        header = reader.fieldnames or []
        for row in _csv_entries(reader, path, header, names):
            importer.entry(row)
    except csv.Error as exc:
        where = f"line {reader.line_num}"
        raise MalformedImport(path, where, f"the CSV is broken ({exc})") from None
    progress(read)


def _csv_entries(
    reader: csv.DictReader[str], path: Path, header: Sequence[str], names: Mapping[str, str]
) -> Iterator[_EntryRecord]:
    missing = [c for c in ("occurred_at", "utc_offset", "mode") if c not in header]
    if missing:
        raise MalformedImport(
            path,
            "line 1",
            "it is neither a peerjournal JSON export nor a CSV with the columns "
            + ", ".join(missing),
        )
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise MalformedImport(path, "line 1", f"the column '{twice[0]}' appears more than once")
    principles = [
        c for c in header if c not in CSV_BASE_COLUMNS and not c.startswith(CSV_NOTE_PREFIX)
    ]
    for slug in principles:
        if not _RATED_SLUG.fullmatch(slug or ""):
            raise MalformedImport(
                path, "line 1", f"the column '{slug}' is not a principle slug or a known column"
            )
    start = 2
    for row in reader:
        try:
            if None in row:
                raise _Invalid("it has more cells than the header")
            record = _entry_from_csv(row, principles, names)
        except _Invalid as exc:
            raise MalformedImport(path, f"line {start}", str(exc)) from None
        yield record
        start = reader.line_num + 1


def _cell_number(row: Mapping[str, str | None], key: str, low: int, high: int) -> int | None:
    value = (row.get(key) or "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise _Invalid(f"'{key}' must be a whole number from {low} to {high}") from None
    return _whole({key: number}, key, low, high, optional=False)


_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False, "": False}


def _entry_from_csv(
    row: Mapping[str, str | None], principles: Sequence[str], names: Mapping[str, str]
) -> _EntryRecord:
    cell = {key: (value or "") for key, value in row.items() if key is not None}
    occurred_at = _moment(cell, "occurred_at")
    assert occurred_at is not None
    offset = _cell_number(cell, "utc_offset", -24 * 60, 24 * 60)
    if offset is None:
        raise _Invalid("'utc_offset' must be a whole number of minutes")
    local_date = _local_day(occurred_at, offset)
    shared = _YES.get(cell.get("shared", "").strip().lower())
    if shared is None:
        raise _Invalid("'shared' must be yes or no")
    uid = cell.get("uid", "").strip()
    if not uid:
        # A row typed into a spreadsheet has no uid: derive one from its content,
        # so importing the same sheet twice still adds it only once.
        content = json.dumps(sorted(cell.items()), ensure_ascii=False)
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"peerjournal:{content}").hex
    fields = {
        "uid": _text({"uid": uid}, "uid", limit=32, empty=False),
        "occurred_at": occurred_at,
        "utc_offset": offset,
        "local_date": local_date,
        "logged_at": _moment(cell, "logged_at") if cell.get("logged_at") else datetime.now(UTC),
        "edited_at": _moment(cell, "edited_at") if cell.get("edited_at") else None,
        "mode": _text(cell, "mode", limit=20, empty=False),
        "minutes": _cell_number(cell, "minutes", 0, 10**6),
        "peer": _text(cell, "peer", limit=80) or None,
        "what_happened": cell.get("what_happened", ""),
        "so_what": cell.get("so_what", ""),
        "now_what": cell.get("now_what", ""),
        "feeling": _cell_number(cell, "feeling", 1, 5),
        "shared": shared,
    }
    ratings = []
    for slug in principles:
        score = _cell_number(cell, slug, 1, 5)
        note = cell.get(f"{CSV_NOTE_PREFIX}{slug}") or None
        if score is not None:
            ratings.append(
                {
                    "slug": slug,
                    "principle_name": names.get(slug, slug),
                    "score": score,
                    "note": note,
                }
            )
        elif note:
            raise _Invalid(f"there is a note for '{slug}' but no score")
    tags = [t.strip() for t in cell.get("tags", "").split(",") if t.strip()]
    if any(len(t) > 64 for t in tags):
        raise _Invalid("a tag is longer than 64 characters")
    return _EntryRecord(fields, ratings, list(dict.fromkeys(tags)), [])


# --- forgetting --------------------------------------------------------------------


def _forgettable(before: date) -> Any:
    """Entries before the day that still hold any words: text, alias, notes or old wordings."""
    from sqlalchemy import and_, exists, or_, select

    entry, rating, _tag, entry_edit, _intention = _tables()
    return and_(
        entry.c.local_date < before.isoformat(),
        or_(
            entry.c.what_happened != "",
            entry.c.so_what != "",
            entry.c.now_what != "",
            entry.c.peer.is_not(None),
            exists(
                select(rating.c.id).where(
                    rating.c.entry_id == entry.c.id, rating.c.note.is_not(None)
                )
            ),
            exists(select(entry_edit.c.id).where(entry_edit.c.entry_id == entry.c.id)),
        ),
    )


def count_forgettable(session: Session, before: date) -> int:
    """How many entries before `before` still hold words that `forget` would clear."""
    from sqlalchemy import func, select

    entry, *_rest = _tables()
    query = select(func.count()).select_from(entry).where(_forgettable(before))
    return int(session.connection().execute(query).scalar_one())


def forget_before(session: Session, before: date) -> int:
    """Clear the words of every entry from before `before`; keep what the trends need.

    Cleared: the three reflections, the peer alias (initials and nicknames
    can still point at a person), every rating's note, and the edit history
    (it holds the earlier wordings). Kept: the date, kind of contact,
    minutes, feeling, tags and every rating's score and principle, so reviews
    and trends still count these conversations. The search index follows
    through its triggers. Returns how many entries were cleared.
    """
    from sqlalchemy import select

    from peerjournal import db

    entry, rating, _tag, entry_edit, _intention = _tables()
    conn = session.connection()
    ids = list(conn.execute(select(entry.c.id).where(_forgettable(before))).scalars())
    if not ids:
        return 0
    older = select(entry.c.id).where(entry.c.local_date < before.isoformat())
    conn.execute(entry_edit.delete().where(entry_edit.c.entry_id.in_(older)))
    conn.execute(
        rating.update()
        .where(rating.c.entry_id.in_(older), rating.c.note.is_not(None))
        .values(note=None)
    )
    conn.execute(
        entry.update()
        .where(entry.c.local_date < before.isoformat())
        .where(
            (entry.c.what_happened != "")
            | (entry.c.so_what != "")
            | (entry.c.now_what != "")
            | entry.c.peer.is_not(None)
        )
        .values(what_happened="", so_what="", now_what="", peer=None)
    )
    db.scrub_search_index(session)
    return len(ids)


def compact(location: str) -> None:
    """Rewrite the journal file so cleared words do not linger in its free space."""
    from peerjournal import db

    db.compact(location)


# --- backup and restore ------------------------------------------------------------


def backup(location: str, dest: Path | None = None) -> Path:
    """A consistent copy of the journal (see db.backup); returns where it went."""
    from peerjournal import db

    return db.backup(location, dest)


def restore(location: str, source: Path) -> tuple[int, Path | None]:
    """Put a backup in place of the journal; returns its schema version and the kept old file."""
    from peerjournal import db

    done = db.restore(location, source)
    return done.version, done.kept
