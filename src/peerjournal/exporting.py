"""Writing the journal out: JSON (complete, to import again), CSV (spreadsheets), Markdown.

Every export streams: entries come from the read side CHUNK at a time, each
chunk's ratings, tags, flags, follow-ups and edits with one query apiece,
and are written out before the next chunk is read, so memory stays flat
however long the journal. Read side only: no ORM.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from peerjournal import db
from peerjournal.output import json_text
from peerjournal.queries import EVERYTHING, Reader
from peerjournal.records import (
    REFLECTION_PROMPTS,
    Entry,
    EntryFilter,
    Intention,
    follow_up_as_dict,
    mode_label,
    rating_as_dict,
    when_label,
)

FORMAT_NAME = "peerjournal"
# The version of the export file's layout (not the database schema). Keys added
# since version 1 (flags, follow_ups, an intention's reply) are optional on
# import, so files of every release read back. A change that is not additive
# adds a step to importing._FORMAT_UPGRADES.
FORMAT_VERSION = 1

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


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def export_item(
    entry: Entry, edits: Sequence[tuple[datetime, str]] | None = None
) -> dict[str, Any]:
    """One entry as the JSON export holds it (no journal-local numbers: uids instead)."""
    item: dict[str, Any] = {
        "uid": entry.uid,
        "occurred_at": _iso(entry.occurred_at),
        "utc_offset": entry.utc_offset,
        "local_date": entry.local_date,
        "logged_at": _iso(entry.logged_at),
        "edited_at": _iso(entry.edited_at),
        "mode": entry.mode,
        "minutes": entry.minutes,
        "peer": entry.peer,
        "what_happened": entry.what_happened,
        "so_what": entry.so_what,
        "now_what": entry.now_what,
        "feeling": entry.feeling,
        "shared": entry.shared,
        "ratings": [rating_as_dict(r) for r in entry.ratings],
        "tags": list(entry.tags),
        "flags": list(entry.flags),
        "follow_ups": [
            {k: v for k, v in follow_up_as_dict(f).items() if k != "id"} for f in entry.follow_ups
        ],
    }
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
    for chunk in reader.chunks(where):
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
) -> int:
    """Write one row per entry, a score column per principle, for spreadsheets.

    Rating notes get a `note: SLUG` column only for principles that have
    any, so the sheet stays narrow. The edit history, follow-ups and
    intentions are not in the CSV: JSON is the complete format.
    """
    slugs = reader.rated_slugs(where, guide_order)
    with_notes = reader.slugs_with_notes(where)
    note_columns = [f"{CSV_NOTE_PREFIX}{slug}" for slug in slugs if slug in with_notes]
    writer = csv.DictWriter(out, fieldnames=[*CSV_BASE_COLUMNS, *slugs, *note_columns])
    writer.writeheader()
    count = 0
    for chunk in reader.chunks(where):
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
            writer.writerow(row)
            count += 1
    return count


def export_markdown(reader: Reader, out: TextIO, where: EntryFilter = EVERYTHING) -> int:
    """Write the journal as readable Markdown, a section per entry, oldest first."""
    out.write("# My peer support journal\n")
    count = 0
    for chunk in reader.chunks(where):
        for entry in chunk:
            out.write("\n" + _markdown_entry(entry))
            count += 1
    if not count:
        out.write("\nNo entries.\n")
    return count


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
    for prompt in REFLECTION_PROMPTS:
        text: str = getattr(entry, prompt.field)
        if text.strip():
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
            due = f", by {follow_up.due.isoformat()}" if follow_up.due else ""
            lines.append(f"- {follow_up.text}{due}{state}")
        lines.append("")
    return "\n".join(lines)
