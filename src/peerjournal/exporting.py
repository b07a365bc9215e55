"""Writing the journal out: JSON (complete, to import again), CSV (spreadsheets), Markdown.

Every export streams: entries come from the read side CHUNK at a time, each
chunk's ratings, tags, flags, follow-ups and edits with one query apiece,
and are written out before the next chunk is read, so memory stays flat
however long the journal. Read side only: no ORM.

Text is written so that nothing in it acts: JSON escapes every character a
terminal could obey (output.json_text); Markdown, written to be read, shows
control characters as visible escapes; a CSV cell that a spreadsheet would
run as a formula (`=HYPERLINK(...)`) starts with an apostrophe, which the
importer takes away again, and on a terminal its control characters are
shown as escapes too. A CSV file keeps every other character exactly.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from peerjournal import db
from peerjournal.output import inert, json_text
from peerjournal.queries import EVERYTHING, Reader
from peerjournal.records import (
    Entry,
    EntryFilter,
    Intention,
    day_label,
    entry_as_dict,
    mode_label,
    reflection_parts,
    when_label,
)

FORMAT_NAME = "peerjournal"
# The version of the export file's layout (not the database schema). Keys added
# since version 1 (flags, follow_ups, an intention's reply) are optional on
# import, so files of every release read back. A change that is not additive
# adds a step to importing._FORMAT_UPGRADES.
FORMAT_VERSION = 1

# An exported entry's keys, in the order the file has always had them.
EXPORT_KEYS = (
    "uid",
    "occurred_at",
    "utc_offset",
    "local_date",
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
    "ratings",
    "tags",
    "flags",
    "follow_ups",
)

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
    "flags",
)
CSV_NOTE_PREFIX = "note: "
# The cells of a row that hold words someone wrote (or a value an old version stored as is).
_CSV_TEXT_COLUMNS = frozenset(("mode", "peer", "what_happened", "so_what", "now_what", "tags"))
# What makes a spreadsheet read a cell as a formula: these first characters (a tab or a
# carriage return too, which some spreadsheets skip before looking).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_GUARD = "'"


def csv_text_columns(columns: Iterable[str]) -> list[str]:
    """The columns of a CSV that hold text someone wrote: guarded on export, unguarded on import."""
    return [c for c in columns if c in _CSV_TEXT_COLUMNS or c.startswith(CSV_NOTE_PREFIX)]


def _is_guarded(cell: str) -> bool:
    return cell[:1] == _CSV_GUARD and (cell[1:2] == _CSV_GUARD or cell[1:2] in _FORMULA_START)


def csv_guarded(text: str) -> str:
    """A text cell a spreadsheet shows and never runs: an apostrophe before a formula's first
    character, and before an apostrophe the importer would otherwise take away."""
    if text[:1] in _FORMULA_START or _is_guarded(text):
        return _CSV_GUARD + text
    return text


def csv_unguarded(cell: str) -> str:
    """The text of a cell as `csv_guarded` had it (a cell typed into a sheet is kept as is)."""
    return cell[1:] if _is_guarded(cell) else cell


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def export_item(
    entry: Entry, edits: Sequence[tuple[datetime, str]] | None = None
) -> dict[str, Any]:
    """One entry as the JSON export holds it: `entry_as_dict`'s data without the
    journal-local numbers (the entry's and its follow-ups'), which the uid replaces."""
    data = entry_as_dict(entry)
    item: dict[str, Any] = {key: data[key] for key in EXPORT_KEYS}
    item["follow_ups"] = [{k: v for k, v in f.items() if k != "id"} for f in data["follow_ups"]]
    if edits is not None:
        item["edits"] = [
            {"edited_at": _iso(moment), "previous": previous} for moment, previous in edits
        ]
    return item


def intention_item(intention: Intention) -> dict[str, Any]:
    return {
        "period_start": intention.start.isoformat(),
        "period_end": intention.end.isoformat(),
        "text": intention.text,
        "written_at": _iso(intention.written_at),
        "reply": intention.reply,
        "replied_at": _iso(intention.replied_at),
    }


def export_json(reader: Reader, out: TextIO, where: EntryFilter = EVERYTHING) -> int:
    """Write the journal as peerjournal's JSON (everything, losslessly); return the entry count.

    Entries come oldest first, each with its ratings (and the principle names
    they were given under), tags, flags, follow-ups and earlier wordings.
    Intentions are included for the weeks the date filter covers; a tag or
    flag filter leaves them all in, as they belong to weeks, not entries.
    """
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(datetime.now(UTC)),
        "schema_version": db.LATEST_VERSION,
    }
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    out.write('  "entries": [')
    count = 0
    for chunk in reader.chunks(where, whole=True):
        edits = reader.edits([entry.id for entry in chunk])
        for entry in chunk:
            out.write(",\n" if count else "\n")
            out.write(_indented(export_item(entry, edits.get(entry.id, []))))
            count += 1
    out.write("\n  ],\n" if count else "],\n")
    intentions = [_indented(intention_item(i)) for i in reader.intentions(where)]
    if intentions:
        out.write('  "intentions": [\n' + ",\n".join(intentions) + "\n  ]\n}\n")
    else:
        out.write('  "intentions": []\n}\n')
    return count


def _indented(item: dict[str, Any]) -> str:
    # Characters a terminal could obey are escaped, as in every --json output.
    text = json_text(item)
    # Split on "\n" only: splitlines() would also break inside strings at U+0085 or U+2028.
    return "\n".join("    " + line for line in text.split("\n"))


def export_csv(
    reader: Reader,
    out: TextIO,
    where: EntryFilter = EVERYTHING,
    guide_order: Sequence[str] = (),
    *,
    to_terminal: bool = False,
) -> int:
    """Write one row per entry, a score column per principle, for spreadsheets.

    Rating notes get a `note: SLUG` column only for principles that have
    any, so the sheet stays narrow. The edit history, follow-ups and
    intentions are not in the CSV: JSON is the complete format. Text cells
    are guarded against formulas; `to_terminal` also shows their control
    characters as escapes.
    """
    slugs = reader.rated_slugs(where, guide_order)
    with_notes = reader.slugs_with_notes(where)
    note_columns = [f"{CSV_NOTE_PREFIX}{slug}" for slug in slugs if slug in with_notes]
    fieldnames = [*CSV_BASE_COLUMNS, *slugs, *note_columns]
    text_columns = csv_text_columns(fieldnames)
    writer = csv.DictWriter(out, fieldnames=fieldnames)
    writer.writeheader()
    count = 0
    for chunk in reader.chunks(where, whole=True):
        for entry in chunk:
            item = export_item(entry)
            row: dict[str, Any] = {
                key: item[key]
                for key in CSV_BASE_COLUMNS
                if key not in ("date", "time", "shared", "tags", "flags")
            }
            row["date"] = entry.local_date
            row["time"] = entry.occurred_at.strftime("%H:%M")
            row["shared"] = "yes" if entry.shared else "no"
            row["tags"] = ", ".join(entry.tags)
            row["flags"] = ", ".join(entry.flags)
            for rating in entry.ratings:
                row[rating.slug] = rating.score
                if rating.note:
                    row[f"{CSV_NOTE_PREFIX}{rating.slug}"] = rating.note
            for key in text_columns:
                if row.get(key):
                    cell = csv_guarded(row[key])
                    row[key] = inert(cell) if to_terminal else cell
            writer.writerow(row)
            count += 1
    return count


def export_markdown(reader: Reader, out: TextIO, where: EntryFilter = EVERYTHING) -> int:
    """Write the journal as readable Markdown, a section per entry, oldest first."""
    out.write("# My peer support journal\n")
    count = 0
    for chunk in reader.chunks(where, whole=True):
        for entry in chunk:
            out.write("\n" + _readable(_markdown_entry(entry)))
            count += 1
    if not count:
        out.write("\nNo entries.\n")
    return count


def _readable(text: str) -> str:
    """Markdown as it is read: Windows line ends as plain ones, every other control character
    shown as a visible escape, never obeyed by the terminal it is printed on."""
    return inert(text.replace("\r\n", "\n"))


def _markdown_entry(entry: Entry) -> str:
    heading = [when_label(entry.occurred_at), mode_label(entry.mode)]
    if entry.minutes is not None:
        heading.append(f"{entry.minutes} minutes")
    if entry.peer:
        heading.append(f"with {entry.peer}")
    lines = [f"## {' · '.join(heading)}", ""]
    facts = []
    if entry.feeling is not None:
        facts.append(f"Feeling afterwards: {entry.feeling} of 5")
    if entry.tags:
        facts.append("Tags: " + ", ".join(entry.tags))
    if entry.flags:
        facts.append("Flags: " + ", ".join(entry.flags))
    if entry.shared:
        facts.append("Marked for supervision")
    if facts:
        lines += [f"*{' · '.join(facts)}*", ""]
    for prompt, text in reflection_parts(entry):
        lines += [f"**{prompt.label}**", "", text.strip(), ""]
    if entry.ratings:
        lines += ["**Ratings**", ""]
        for rating in entry.ratings:
            note = f" — {rating.note}" if rating.note else ""
            lines.append(f"- {rating.name}: {rating.score} of 5{note}")
        lines.append("")
    if entry.follow_ups:
        lines += ["**Follow-ups**", ""]
        for follow_up in entry.follow_ups:
            state = " (done)" if follow_up.done else ""
            due = ""
            if follow_up.due:
                # As every screen names a day; a file is read in later years, so with its year.
                at = f" {follow_up.due_time:%H:%M}" if follow_up.due_time else ""
                due = f", by {day_label(follow_up.due)}{at}"
            lines.append(f"- {follow_up.text}{due}{state}")
        lines.append("")
    return "\n".join(lines)
