"""`export`, `import`, `backup`, `restore`, `forget` and `search`: your journal is yours."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from peerjournal import render
from peerjournal.cli.app import (
    EXIT_USER_ERROR,
    app,
    at_a_terminal,
    guide_for_reading,
    location,
    reading,
    writing,
)
from peerjournal.cli.options import AsJson, Flag, Since, Tag, Until, entry_filter
from peerjournal.errors import InvalidValue


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    markdown = "markdown"


Overwrite = Annotated[
    bool, typer.Option("--overwrite", help="Replace the output file if it already exists.")
]


def given_path(raw: str) -> Path:
    """The path as typed; one ending in / names a folder, which must then exist."""
    path = Path(raw).expanduser()
    if raw.endswith(("/", os.sep)) and not path.is_dir():
        raise InvalidValue(f"The folder {path} does not exist; create it first.")
    return path


@contextmanager
def output_to(
    ctx: typer.Context,
    name: str | None,
    *,
    overwrite: bool,
    encoding: str = "utf-8",
    kind: str = "export",
) -> Iterator[TextIO]:
    """Standard output, or the file `name` written the one private way (output.py), and
    remembered as a copy of journal words (`kind`) for `forget` to name."""
    if name is None or name == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    from peerjournal import housekeeping
    from peerjournal.output import is_stream, private_output

    path = given_path(name)
    with private_output(
        path, overwrite=overwrite, journal=location(ctx).path, encoding=encoding
    ) as handle:
        yield handle
    if not is_stream(path):
        housekeeping.note_outside_copy(path, kind)


def might_need_tidying(journal: Path) -> bool:
    """Whether any name could be something housekeeping.tidy removes: a hidden file of an
    unfinished command, or a copy kept before a restore or an upgrade.

    A glance at names only, so that the nearly-always case (nothing to tidy) costs
    no import of the housekeeping module on every command.
    """
    from peerjournal.paths import data_dir

    worth_a_look = (".", f"{journal.stem}.before-")
    for folder in dict.fromkeys((journal.parent, data_dir(), data_dir() / "backups")):
        try:
            with os.scandir(folder) as found:
                for item in found:
                    if item.name.startswith(worth_a_look):
                        return True
        except OSError:
            continue
    return False


def tidy_at_start(ctx: typer.Context) -> None:
    """Clear what stopped commands left behind and copies kept past their time; say so."""
    from peerjournal.errors import DatabaseError

    try:
        journal = location(ctx).path
    except DatabaseError:
        return  # the command itself says what is wrong with the location
    if not might_need_tidying(journal):
        return
    from peerjournal import housekeeping

    done = housekeeping.tidy(journal)
    if not done:
        return
    if done.plain:
        render.notice(
            "An unencrypted copy of your journal, left by an 'encrypt' that was stopped, "
            "was overwritten and removed: " + ", ".join(str(p) for p in done.plain)
        )
    if done.unfinished:
        render.notice(
            f"Removed {render.plural(len(done.unfinished), 'unfinished file')} left by a "
            "peerjournal command that was stopped: " + ", ".join(str(p) for p in done.unfinished)
        )
    if done.expired:
        render.notice(
            f"Removed {render.plural(len(done.expired), 'copy', 'copies')} of your journal kept "
            f"before a restore or an upgrade, after {housekeeping.KEEP_DAYS} days: "
            + ", ".join(str(c.path) for c in done.expired)
        )


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help=(
                "json: everything, to import again; csv: a row per entry, for spreadsheets; "
                "markdown: easy to read or print."
            ),
        ),
    ] = ExportFormat.json,
    output_name: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (readable only by you) instead of the screen.",
            show_default=False,
        ),
    ] = None,
    overwrite: Overwrite = False,
    since: Since = None,
    until: Until = None,
    tag: Tag = None,
    flag: Flag = None,
) -> None:
    """Write your journal out as JSON (complete), CSV (spreadsheets) or Markdown (reading)."""
    from peerjournal import exporting
    from peerjournal.output import is_stream

    where = entry_filter(since, until, tag, flag)
    output = given_path(output_name) if output_name not in (None, "-") else None
    replacing = output is not None and not is_stream(output) and output.exists()
    # A spreadsheet opened from a file needs the byte-order mark to read UTF-8
    # (Excel assumes a local code page otherwise); a pipe is better without it.
    encoding = "utf-8-sig" if fmt is ExportFormat.csv and output is not None else "utf-8"
    # The output first: a name already taken is said before any passphrase is asked.
    with (
        output_to(ctx, output_name, overwrite=overwrite, encoding=encoding) as handle,
        reading(ctx) as reader,
    ):
        if fmt is ExportFormat.json:
            count = exporting.export_json(reader, handle, where)
        elif fmt is ExportFormat.csv:
            count = exporting.export_csv(
                reader, handle, where, guide_for_reading(ctx).slugs, to_terminal=handle.isatty()
            )
        else:
            count = exporting.export_markdown(reader, handle, where)
    entries = render.plural(count, "entry", "entries")
    if output is None:
        render.notice(f"Exported {entries}.")
    elif is_stream(output):
        render.notice(f"Exported {entries} to {output}.")
    else:
        said = (
            f"Replaced {output} with {entries}" if replacing else f"Exported {entries} to {output}"
        )
        render.notice(f"{said}. It is readable only by you; keep it safe.")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A JSON export of peerjournal, or a CSV in its export's columns."
        ),
    ],
) -> None:
    """Add the entries of an export to your journal (entries it already has are skipped)."""
    from peerjournal.importing import import_file, open_import
    from peerjournal.principles import load_guide

    names = {p.slug: p.name for p in load_guide().principles}
    # The file is opened first: one that cannot be imported starts no journal.
    with (
        open_import(file) as handle,
        render.progress("Importing", os.fstat(handle.fileno()).st_size) as advance,
        writing(ctx, create=True) as journal,
    ):
        report = import_file(journal, file, names=names, on_progress=advance, handle=handle)
    message = f"Imported {file}: {report.added} added, {report.present} already present"
    message += f", {len(report.conflicts)} not imported." if report.conflicts else "."
    if report.intentions_added:
        message += f" {render.plural(report.intentions_added, 'weekly intention')} added."
    render.notice(message)
    for conflict in report.conflicts:
        render.notice(f"Not imported: {conflict}.")
    if report.conflicts:
        render.notice(
            "The version already in the journal was kept each time. To take another "
            "instead, delete that entry (peerjournal delete N) and import again."
        )


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    dest_name: Annotated[
        str | None,
        typer.Argument(
            metavar="[DEST]",
            help=(
                "Where to put the copy: a new file name or a folder. "
                "Default: the backups folder beside your journal, keeping the newest 10."
            ),
        ),
    ] = None,
) -> None:
    """Make a safe copy of your journal, even while peerjournal is in use elsewhere."""
    from peerjournal import copies, db, housekeeping

    dest = given_path(dest_name) if dest_name is not None else None
    journal = location(ctx)
    if not db.exists(journal.path):
        raise db.missing(journal)
    target = copies.backup(journal.path, dest)
    if dest is not None:
        housekeeping.note_outside_copy(target, "backup")
    typer.echo(str(target))
    kept = (
        f" Only the newest {copies.KEEP_BACKUPS} are kept in that folder." if dest is None else ""
    )
    render.notice(
        f"Backup saved.{kept} Put a copy somewhere else too (an encrypted USB stick), "
        "and bring it back with: peerjournal restore FILE"
    )


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A backup made by peerjournal backup.")
    ],
) -> None:
    """Put a backup in place of your journal; the journal it replaces is kept beside it."""
    from peerjournal import copies, housekeeping

    done = copies.restore(location(ctx), file)
    if done.kept is not None:
        render.notice(
            f"Restored {file}. Your journal as it was is kept in {done.kept} for "
            f"{housekeeping.KEEP_DAYS} days."
        )
    else:
        render.notice(f"Started a new journal at {location(ctx).path}, from {file}.")
    if done.unlocked:
        render.notice(
            "The journal it replaced was encrypted (or could not be read), and the backup is "
            "not: your journal is not locked now. Lock it again with: peerjournal encrypt"
        )


@app.command("forget")
def forget_command(
    ctx: typer.Context,
    before: Annotated[
        str,
        typer.Option(
            "--before",
            metavar="DATE",
            help="Clear the words of entries from before this day (2025-01-01, or 26 weeks ago).",
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Clear old reflections, aliases and notes; keep the ratings so trends still show.

    Cleared for every entry before the day: the three reflections, the peer
    alias, rating notes, the words of follow-ups and the history of earlier
    wordings, in the journal and in every copy peerjournal keeps. Kept: the
    date, contact kind, minutes, feeling, tags, flags and every rating. This
    cannot be undone.
    """
    from peerjournal import copies
    from peerjournal.dates import parse_day

    try:
        day = parse_day(before)
    except InvalidValue as exc:
        raise InvalidValue(f"--before: {exc}") from None
    # A mistyped year must not clear this year's stories: tomorrow (to include
    # today) is as far as forget goes.
    if day > date.today() + timedelta(days=1):
        raise InvalidValue(
            f"--before {day} is in the future; forget clears only entries from before a day "
            "that has come. Use today's date, or tomorrow's to include today."
        )
    with reading(ctx) as reader:
        count = reader.count_forgettable(day)
    if not count:
        render.notice(f"Nothing to forget: no entry before {day} still holds any words.")
        # A forget that another program kept from finishing is finished now, if it can be.
        copies.compact(location(ctx).path, unfinished_only=True)
        _forget_in_copies(ctx, day)
        return
    entries = render.plural(count, "entry", "entries")
    if not yes:
        if not at_a_terminal():
            render.error(
                f"forget would clear the words of {entries}; it asks first. "
                "Run it again with --yes to go ahead."
            )
            raise typer.Exit(EXIT_USER_ERROR)
        question = (
            f"Clear the reflections, aliases and notes of {entries} from before {day}? "
            "Ratings are kept. This cannot be undone"
        )
        from peerjournal.cli.app import confirm

        if not confirm(question, default=False):
            render.notice("Nothing was changed.")
            return
    with writing(ctx) as journal:
        cleared = journal.forget_before(day)
    finished = copies.compact(location(ctx).path)
    done = render.plural(cleared, "entry", "entries")
    render.notice(
        f"Cleared the words of {done} from before {day}. Their ratings and feelings "
        "still count in your reviews."
    )
    if not finished:
        render.notice(
            "Another peerjournal has the journal open (in another window?), so the cleared "
            "words stay in the file until it closes. Close it, then run "
            f"'peerjournal forget --before {day}' again to finish."
        )
    _forget_in_copies(ctx, day)


def _forget_in_copies(ctx: typer.Context, day: date) -> None:
    """Clear the same words in the copies the program keeps, and say what became of each."""
    from peerjournal import housekeeping
    from peerjournal.records import day_label

    done = housekeeping.forget_in_copies(location(ctx).path, day)
    if done.cleared:
        render.notice(
            f"Cleared them too in {render.plural(len(done.cleared), 'copy', 'copies')} "
            "peerjournal keeps: " + ", ".join(str(c.path) for c in done.cleared)
        )
    if done.removed:
        render.notice(
            f"Removed {render.plural(len(done.removed), 'copy', 'copies')} peerjournal kept "
            "whose words could not be cleared (made by an older version, locked with another "
            "passphrase, or damaged): " + ", ".join(str(c.path) for c in done.removed)
        )
    if done.elsewhere:
        render.notice(
            "Copies you made yourself may still hold the old words; delete them if you no "
            "longer need them: "
            + ", ".join(
                f"{c.path} ({c.kind}, {day_label(c.made.astimezone().date())})"
                for c in done.elsewhere
            )
        )
    else:
        render.notice("Copies you made yourself elsewhere still hold the old words.")


@app.command("search")
def search_command(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="WORDS...",
            help='Words to find (all of them). "a phrase" in quotes; bound* for any ending.',
        ),
    ],
    limit: Annotated[
        int,
        typer.Option(
            "-n",
            "--limit",
            metavar="N",
            help="Show at most this many entries.",
        ),
    ] = 20,
    since: Since = None,
    until: Until = None,
    tag: Tag = None,
    flag: Flag = None,
    as_json: AsJson = False,
) -> None:
    """Find entries by their words: reflections, rating notes, aliases, tags and follow-ups.

    Best match first. Several words find entries with all of them.
    """
    if limit < 1:
        raise InvalidValue(f"-n is how many entries to show, at least 1, not {limit}.")
    text = " ".join(words)
    where = entry_filter(since, until, tag, flag)
    with reading(ctx) as reader:
        hits = reader.search(text, where, limit)
    if as_json:
        render.json_data(
            [
                {
                    "id": hit.entry.id,
                    "uid": hit.entry.uid,
                    "occurred_at": hit.entry.occurred_at.astimezone(UTC).isoformat(),
                    "local_date": hit.entry.local_date,
                    "local_time": hit.entry.occurred_at.strftime("%H:%M"),
                    "mode": hit.entry.mode,
                    "peer": hit.entry.peer,
                    "tags": list(hit.entry.tags),
                    "flags": list(hit.entry.flags),
                    "snippet": hit.snippet,
                    "highlights": [list(span) for span in hit.highlights],
                    "rank": hit.rank,
                }
                for hit in hits
            ]
        )
        return
    render.search_results(hits, text)
