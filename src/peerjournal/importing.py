"""Reading an export back in: peerjournal's JSON (streamed) and CSV, through the entry rules.

Every imported entry is built as a `records.NewEntry`, the same shape `log`
and `edit` build, so a value `log` refuses (a kind of contact nobody has, a
conversation of 5,000 minutes, an impossible UTC offset) is refused here
too, and one `log` normalises (`Crisis` as a tag) is normalised the same.
Entries are matched by their stable uid: importing a file twice adds nothing
the second time. An import is one transaction: a bad record anywhere means
nothing at all was written.

The JSON reader decodes one entry at a time, so a 50,000-entry file never
sits in memory; rows go in through Core inserts (journal.import_entry).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from peerjournal import paths
from peerjournal.errors import InvalidValue, PeerJournalError
from peerjournal.exporting import (
    CSV_BASE_COLUMNS,
    CSV_NOTE_PREFIX,
    FORMAT_NAME,
    FORMAT_VERSION,
    csv_text_columns,
    csv_unguarded,
)
from peerjournal.journal import ImportedEntry, Journal
from peerjournal.records import (
    MAX_PRINCIPLE_NAME,
    MAX_REFLECTION,
    MAX_SLUG,
    RATED_SLUG,
    Intention,
    NewEntry,
    Rating,
    check_offset,
    checked_text,
    follow_up_from_dict,
    zone,
)

Progress = Callable[[int], None]
# No cell holds more than a reflection can (the csv module counts characters).
LONGEST_CSV_CELL = MAX_REFLECTION
# A line of a CSV file, in bytes: a whole row of the longest entry fits several times over.
LONGEST_CSV_LINE = 8 * 1024 * 1024
# One entry of a JSON export, in characters: the longest entry with a long edit history
# fits many times over. A larger one was not written by peerjournal.
LONGEST_RECORD = 32 * 1024 * 1024


class MalformedImport(PeerJournalError):
    """A file to import is not something peerjournal wrote, or is damaged."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        super().__init__(
            f"{path} cannot be imported: {where}: {problem}. Nothing was imported; "
            "fix that record or export the journal again."
        )


def _no_progress(_done: int) -> None:
    return None


@dataclass
class ImportReport:
    """What an import did: entries added and already there, intentions added, and uids that
    appeared with different content (the journal's version, or the file's first, was kept)."""

    added: int = 0
    present: int = 0
    intentions_added: int = 0
    conflicts: list[str] = field(default_factory=list)


def import_file(
    journal: Journal,
    path: Path,
    *,
    names: Mapping[str, str] | None = None,
    on_progress: Progress = _no_progress,
    handle: IO[bytes] | None = None,
) -> ImportReport:
    """Add the entries of a peerjournal JSON export or CSV file that the journal lacks.

    `names` gives principle names for a CSV (which stores only slugs); a slug
    it lacks keeps the slug as its name. `on_progress` hears how many bytes of
    the file have been read. `handle`, from `open_import`, is the file already
    opened (so that a file that cannot be imported is refused before a journal
    is started for it).
    """
    with handle or open_import(path) as opened:
        first = opened.read(64)
        opened.seek(0)
        if first.startswith(PLAIN_JOURNAL):
            raise InvalidValue(
                f"{path} is a journal file (a backup), not an export: bring it back with "
                f"'peerjournal restore {path}'."
            )
        importer = _Importer(journal)
        if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            _import_json(importer, path, opened, on_progress)
        else:
            _import_csv(importer, path, opened, names or {}, on_progress)
    return importer.report


PLAIN_JOURNAL = b"SQLite format 3\x00"


def open_import(path: Path) -> IO[bytes]:
    """The file to import, opened to read: an ordinary file, or one plain sentence why not."""
    try:
        return paths.open_file(path)
    except FileNotFoundError:
        raise InvalidValue(f"There is no file {path} to import.") from None
    except IsADirectoryError:
        raise InvalidValue(f"{path} is a folder; give the export file inside it.") from None
    except OSError as exc:
        raise InvalidValue(f"{path} cannot be read ({exc.strerror or exc}).") from None


class _Importer:
    """Adds validated records, skipping uids the journal already has."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.report = ImportReport()
        # Where in this file each uid added by it was: a second version names the first.
        self.added_at: dict[str, int | str] = {}

    def entry(self, imported: ImportedEntry, where: int | str) -> None:
        found = self.journal.has_uid(imported.uid)
        if found is None:
            self.journal.import_entry(imported)
            self.report.added += 1
            self.added_at[imported.uid] = where
            return
        if _content(found) == _content(imported.content):
            self.report.present += 1
            return
        first = self.added_at.get(imported.uid)
        if first is not None:
            self.report.conflicts.append(
                f"the file's {where} (uid {imported.uid}) is another version of its "
                f"{first}, which was added as entry #{found.id}"
            )
        else:
            self.report.conflicts.append(
                f"the file's {where} (uid {imported.uid}) differs from your journal's "
                f"entry #{found.id}, which was kept"
            )

    def intention(self, intention: Intention) -> None:
        if self.journal.import_intention(intention):
            self.report.intentions_added += 1


def _content(entry: NewEntry) -> tuple[object, ...]:
    """What makes two entries the same conversation as written (not their numbers)."""
    return (
        entry.occurred_at,
        entry.mode,
        entry.minutes,
        entry.peer,
        entry.what_happened,
        entry.so_what,
        entry.now_what,
        entry.feeling,
        tuple((r.slug, r.score, r.note) for r in entry.ratings),
        tuple(sorted(entry.tags)),
        entry.flags,
        tuple((f.text, f.due, f.due_time) for f in entry.follow_ups),
    )


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


def _whole(item: Mapping[str, Any], key: str, *, optional: bool) -> int | None:
    value = item.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"'{key}' must be a whole number")
    return value


def _moment(item: Mapping[str, Any], key: str, *, optional: bool = False) -> datetime | None:
    value = item.get(key)
    if value in (None, "") and optional:
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


def _day(value: Any, key: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _Invalid(f"'{key}' must be a date like 2026-11-20")


def _list(item: Mapping[str, Any], key: str) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise _Invalid(f"'{key}' must be a list")
    return value


def _entry(
    *,
    uid: str,
    occurred_at: datetime,
    offset: int,
    logged_at: datetime,
    edited_at: datetime | None,
    content: Mapping[str, Any],
    edits: Sequence[tuple[datetime, str]] = (),
) -> ImportedEntry:
    """An imported entry through the rules every entry obeys (records.NewEntry)."""
    try:
        check_offset(offset)
        new = NewEntry(occurred_at=occurred_at.astimezone(zone(offset)), **content)
    except InvalidValue as exc:
        raise _Invalid(str(exc).rstrip(".")) from None
    return ImportedEntry(new, uid, logged_at, edited_at, tuple(edits))


def _ratings(items: Iterable[Any]) -> tuple[Rating, ...]:
    ratings = []
    for rating in items:
        if not isinstance(rating, dict):
            raise _Invalid("each rating must be an object")
        slug = _text(rating, "slug", limit=MAX_SLUG, empty=False)
        if not RATED_SLUG.fullmatch(slug):
            raise _Invalid(f"the principle '{slug}' is not a slug (like open-mind)")
        score = _whole(rating, "score", optional=False)
        try:
            ratings.append(
                Rating(
                    slug,
                    _text(rating, "name", limit=MAX_PRINCIPLE_NAME, empty=False),
                    score if score is not None else 0,
                    _optional_text(rating, "note"),
                )
            )
        except InvalidValue as exc:
            raise _Invalid(str(exc).rstrip(".")) from None
    return tuple(ratings)


def _entry_from_json(item: Any) -> ImportedEntry:
    if not isinstance(item, dict):
        raise _Invalid("it is not an object")
    occurred_at = _moment(item, "occurred_at")
    offset = _whole(item, "utc_offset", optional=False)
    assert occurred_at is not None and offset is not None
    tags = []
    for tag in _list(item, "tags"):
        if not isinstance(tag, str):
            raise _Invalid("each tag must be text")
        _storable(tag, "a tag")
        tags.append(tag)
    flags = []
    for flag in _list(item, "flags"):
        if not isinstance(flag, str):
            raise _Invalid("each flag must be text")
        _storable(flag, "a flag")
        flags.append(flag)
    follow_ups = []
    for follow_up in _list(item, "follow_ups"):
        if not isinstance(follow_up, dict):
            raise _Invalid("each follow-up must be an object")
        try:
            follow_ups.append(follow_up_from_dict(follow_up))
        except InvalidValue as exc:
            raise _Invalid(str(exc).rstrip(".")) from None
    edits = []
    for edit in _list(item, "edits"):
        if not isinstance(edit, dict):
            raise _Invalid("each edit must be an object")
        moment = _moment(edit, "edited_at")
        assert moment is not None
        edits.append((moment, _text(edit, "previous")))
    shared = item.get("shared", False)
    if not isinstance(shared, bool):
        raise _Invalid("'shared' must be true or false")
    logged_at = _moment(item, "logged_at")
    assert logged_at is not None
    imported = _entry(
        uid=_text(item, "uid", limit=32, empty=False),
        occurred_at=occurred_at,
        offset=offset,
        logged_at=logged_at,
        edited_at=_moment(item, "edited_at", optional=True),
        content={
            "mode": _text(item, "mode", empty=False),
            "minutes": _whole(item, "minutes", optional=True),
            "peer": _optional_text(item, "peer"),
            "what_happened": _text(item, "what_happened"),
            "so_what": _text(item, "so_what"),
            "now_what": _text(item, "now_what"),
            "feeling": _whole(item, "feeling", optional=True),
            "ratings": _ratings(_list(item, "ratings")),
            "tags": tuple(tags),
            "flags": tuple(flags),
            "follow_ups": tuple(follow_ups),
            "shared": shared,
        },
        edits=edits,
    )
    # The local day follows from the moment and its offset; a file that says
    # otherwise would show the same conversation on two different days.
    if item.get("local_date", imported.content.local_date) != imported.content.local_date:
        raise _Invalid("'local_date' does not match occurred_at and utc_offset")
    return imported


def _intention_from_json(item: Any) -> Intention:
    if not isinstance(item, dict):
        raise _Invalid("it is not an object")
    start = _day(item.get("period_start"), "period_start")
    end = _day(item.get("period_end"), "period_end")
    if start > end:
        raise _Invalid("'period_start' comes after 'period_end'")
    return Intention(
        start,
        end,
        _text(item, "text"),
        _optional_text(item, "reply"),
        written_at=_moment(item, "written_at"),
        replied_at=_moment(item, "replied_at", optional=True),
    )


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
                    importer.entry(_entry_from_json(_upgrade(value, version)), f"entry {index}")
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
        if len(self.buffer) > LONGEST_RECORD:
            raise _BrokenJson(
                self.line,
                f"one value runs past {LONGEST_RECORD:,} characters, longer than any entry can be",
            )
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
    number = 0  # of the line being read

    def lines() -> Iterator[str]:
        nonlocal read, number
        while raw := handle.readline(LONGEST_CSV_LINE + 1):
            number += 1
            if len(raw) > LONGEST_CSV_LINE:
                raise MalformedImport(
                    path, f"line {number}", "it is longer than any row of an export can be"
                )
            read += len(raw)
            if number % 200 == 0:
                progress(read)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedImport(path, f"line {number}", "it is not UTF-8 text") from None
            yield text.removeprefix("\ufeff") if number == 1 else text

    # The csv module's limit is for the whole process: set for this import, then put back.
    limit = csv.field_size_limit(LONGEST_CSV_CELL)
    reader = csv.DictReader(lines())
    try:
        header = reader.fieldnames or []
        for row in _csv_entries(reader, path, header, names):
            importer.entry(row, f"line {reader.line_num}")
    except csv.Error as exc:
        where = f"line {number}"
        if "field larger than field limit" in str(exc):
            raise MalformedImport(
                path,
                where,
                f"a cell holds more than {LONGEST_CSV_CELL:,} characters, "
                "longer than any reflection can be",
            ) from None
        raise MalformedImport(path, where, f"the CSV is broken ({exc})") from None
    finally:
        csv.field_size_limit(limit)
    progress(read)


def _csv_entries(
    reader: csv.DictReader[str], path: Path, header: Sequence[str], names: Mapping[str, str]
) -> Iterator[ImportedEntry]:
    needed = ("occurred_at", "utc_offset", "mode") if "occurred_at" in header else ("date", "mode")
    missing = [c for c in needed if c not in header]
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
        if not RATED_SLUG.fullmatch(slug or ""):
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


def _cell_number(row: Mapping[str, str], key: str) -> int | None:
    value = (row.get(key) or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise _Invalid(f"'{key}' must be a whole number") from None


_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False, "": False}


def _csv_moment(cell: Mapping[str, str]) -> tuple[datetime, int]:
    """When a row's conversation happened: `occurred_at` and `utc_offset` as exported, or a
    row typed into a spreadsheet with only `date` and `time` (the computer's time zone)."""
    if cell.get("occurred_at", "").strip():
        occurred_at = _moment(cell, "occurred_at")
        offset = _cell_number(cell, "utc_offset")
        assert occurred_at is not None
        if offset is None:
            raise _Invalid("'utc_offset' must be a whole number of minutes")
        return occurred_at, offset
    from peerjournal.dates import local_moment

    try:
        local = local_moment(cell.get("date", ""), cell.get("time", ""))
    except InvalidValue as exc:
        raise _Invalid(str(exc).rstrip(".")) from None
    offset_delta = local.utcoffset() or timedelta(0)
    return local.astimezone(UTC), int(offset_delta.total_seconds() // 60)


def _entry_from_csv(
    row: Mapping[str | None, str | None], principles: Sequence[str], names: Mapping[str, str]
) -> ImportedEntry:
    cell = {key: (value or "") for key, value in row.items() if key is not None}
    # Text cells were guarded on export so that a spreadsheet does not run them as formulas.
    for key in csv_text_columns(cell):
        cell[key] = csv_unguarded(cell[key])
    occurred_at, offset = _csv_moment(cell)
    shared = _YES.get(cell.get("shared", "").strip().lower())
    if shared is None:
        raise _Invalid("'shared' must be yes or no")
    uid = cell.get("uid", "").strip()
    if not uid:
        # A row typed into a spreadsheet has no uid: derive one from its content,
        # so importing the same sheet twice still adds it only once.
        content = json.dumps(sorted(cell.items()), ensure_ascii=False)
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"peerjournal:{content}").hex
    ratings = []
    for slug in principles:
        score = _cell_number(cell, slug)
        note = cell.get(f"{CSV_NOTE_PREFIX}{slug}") or None
        if score is not None:
            ratings.append(
                {"slug": slug, "name": names.get(slug, slug), "score": score, "note": note}
            )
        elif note:
            raise _Invalid(f"there is a note for '{slug}' but no score")
    return _entry(
        uid=_text({"uid": uid}, "uid", limit=32, empty=False),
        occurred_at=occurred_at,
        offset=offset,
        logged_at=_moment(cell, "logged_at", optional=True) or datetime.now(UTC),
        edited_at=_moment(cell, "edited_at", optional=True),
        content={
            "mode": _text(cell, "mode", empty=False),
            "minutes": _cell_number(cell, "minutes"),
            "peer": _text(cell, "peer") or None,
            "what_happened": _text(cell, "what_happened"),
            "so_what": _text(cell, "so_what"),
            "now_what": _text(cell, "now_what"),
            "feeling": _cell_number(cell, "feeling"),
            "ratings": _ratings(ratings),
            "tags": tuple(cell.get("tags", "").split(",")),
            "flags": tuple(f for f in cell.get("flags", "").split(",") if f.strip()),
            "shared": shared,
        },
    )
