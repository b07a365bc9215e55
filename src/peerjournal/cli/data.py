"""`export`, `import`, `backup`, `restore`, `forget` and `search`: your journal is yours."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from peerjournal import paths, render
from peerjournal.cli.app import EXIT_USER_ERROR, app, guide_for_reading, settings
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.journal import EntryFilter


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    markdown = "markdown"


SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Only entries on or after this day (2026-11-20, yesterday, 2 weeks ago).",
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", metavar="DATE", help="Only entries on or before this day."),
]
TagOption = Annotated[
    str | None, typer.Option("--tag", metavar="TAG", help="Only entries with this tag.")
]


def _day(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    from peerjournal.dates import parse_day

    try:
        return parse_day(value)
    except InvalidValue as exc:
        raise InvalidValue(f"{flag}: {exc}") from None


def _filter(since: str | None, until: str | None, tag: str | None) -> EntryFilter:
    from peerjournal.journal import EntryFilter

    first, last = _day(since, "--since"), _day(until, "--until")
    if first and last and first > last:
        raise InvalidValue("--since is after --until; swap them.")
    return EntryFilter(since=first, until=last, tag=tag)


def _given_path(raw: str) -> Path:
    """The path as typed; one ending in / names a folder, which must then exist."""
    path = Path(raw)
    if raw.endswith(("/", os.sep)) and not path.is_dir():
        raise InvalidValue(f"The folder {path} does not exist; create it first.")
    return path


def _is_stream(path: Path) -> bool:
    """Whether `path` is a pipe or a device (/dev/stdout, a named pipe): written in place."""
    return path.exists() and not path.is_file() and not path.is_dir()


@contextmanager
def _private_output(path: Path, encoding: str, *, overwrite: bool) -> Iterator[TextIO]:
    """A new 0600 file, written under a temporary name and put in place when complete.

    An existing file is replaced only with `overwrite`; a symbolic link is
    followed, so the file it points to is replaced and the link kept. A pipe
    or a device is simply written to.
    """
    if path.is_dir():
        raise InvalidValue(f"{path} is a folder; give a file name, for example {path}/journal.json")
    if _is_stream(path):
        with path.open("w", encoding=encoding, newline="") as stream:
            yield stream
        return
    target = Path(os.path.realpath(path))
    if target.exists() and not overwrite:
        raise InvalidValue(
            f"{path} already exists; give another file name, or add --overwrite to replace it."
        )
    if not target.parent.is_dir():
        raise InvalidValue(f"The folder {target.parent} does not exist; create it first.")
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise InvalidValue(
            f"{path} cannot be written ({exc.strerror}); choose another place."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


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
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Replace the --output file if it already exists."),
    ] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    tag: TagOption = None,
) -> None:
    """Write your journal out as JSON (complete), CSV (spreadsheets) or Markdown (reading)."""
    from peerjournal import archive
    from peerjournal.journal import open_journal

    where = _filter(since, until, tag)
    output = _given_path(output_name) if output_name is not None else None
    replacing = output is not None and not _is_stream(output) and output.exists()
    # A spreadsheet opened from a file needs the byte-order mark to read UTF-8
    # (Excel assumes a local code page otherwise); a pipe is better without it.
    encoding = "utf-8-sig" if fmt is ExportFormat.csv else "utf-8"
    # The output first: a name already taken is said before any passphrase is asked.
    with (
        _private_output(output, encoding, overwrite=overwrite) if output else _stdout() as handle,
        open_journal(settings(ctx).db, write=False) as journal,
    ):
        if fmt is ExportFormat.json:
            count = archive.export_json(journal.session, handle, where)
        elif fmt is ExportFormat.csv:
            count = archive.export_csv(journal.session, handle, where, guide_for_reading(ctx).slugs)
        else:
            count = archive.export_markdown(journal.session, handle, where)
    entries = "1 entry" if count == 1 else f"{count} entries"
    if output is None:
        render.notice(f"Exported {entries}.")
    elif _is_stream(output):
        render.notice(f"Exported {entries} to {output}.")
    else:
        said = (
            f"Replaced {output} with {entries}" if replacing else f"Exported {entries} to {output}"
        )
        render.notice(f"{said}. It is readable only by you; keep it safe.")


@contextmanager
def _stdout() -> Iterator[TextIO]:
    yield sys.stdout
    sys.stdout.flush()


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
    from peerjournal import archive
    from peerjournal.journal import open_journal
    from peerjournal.principles import load_guide

    if not file.is_file():
        raise InvalidValue(f"There is no file {file} to import.")
    names = {p.slug: p.name for p in load_guide().principles}
    with (
        render.progress("Importing", file.stat().st_size) as advance,
        open_journal(settings(ctx).db) as journal,
    ):
        report = archive.import_file(journal.session, file, names=names, on_progress=advance)
    message = f"Imported {file}: {report.added} added, {report.present} already present."
    if report.intentions_added:
        message += f" {report.intentions_added} weekly intentions added."
    render.notice(message)


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
    from peerjournal import archive, db

    dest = _given_path(dest_name) if dest_name is not None else None
    target = archive.backup(paths.database_location(settings(ctx).db), dest)
    typer.echo(str(target))
    kept = f" Only the newest {db.KEEP_BACKUPS} are kept in that folder." if dest is None else ""
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
    from peerjournal import archive

    location = paths.database_location(settings(ctx).db)
    _version, kept = archive.restore(location, file)
    if kept is not None:
        render.notice(f"Restored {file}. Your journal as it was is kept in {kept}.")
    else:
        render.notice(f"Restored {file}.")


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
    alias, rating notes and the history of earlier wordings. Kept: the date,
    contact kind, minutes, feeling, tags and every rating. This cannot be
    undone (except from a backup made before).
    """
    from peerjournal import archive
    from peerjournal.journal import open_journal

    day = _day(before, "--before")
    assert day is not None
    # A mistyped year must not clear this year's stories: tomorrow (to include
    # today) is as far as forget goes.
    if day > date.today() + timedelta(days=1):
        raise InvalidValue(
            f"--before {day} is in the future; forget clears only entries from before a day "
            "that has come. Use today's date, or tomorrow's to include today."
        )
    location = settings(ctx).db
    with open_journal(location, write=False) as journal:
        count = archive.count_forgettable(journal.session, day)
    if not count:
        render.notice(f"Nothing to forget: no entry before {day} still holds any words.")
        return
    entries = "1 entry" if count == 1 else f"{count} entries"
    if not yes:
        if not sys.stdin.isatty():
            render.error(
                f"forget would clear the words of {entries}; it asks first. "
                "Run it again with --yes to go ahead."
            )
            raise typer.Exit(EXIT_USER_ERROR)
        question = (
            f"Clear the reflections, aliases and notes of {entries} from before {day}? "
            "Ratings are kept. This cannot be undone"
        )
        if not typer.confirm(question, default=False, err=True):
            render.notice("Nothing was changed.")
            return
    with open_journal(location) as journal:
        cleared = archive.forget_before(journal.session, day)
    archive.compact(paths.database_location(location))
    done = "1 entry" if cleared == 1 else f"{cleared} entries"
    render.notice(
        f"Cleared the words of {done} from before {day}. Their ratings and feelings "
        "still count in your reviews. Backups and exports made earlier still hold the old text."
    )


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help='Words to find (all of them). "a phrase" in quotes; bound* for any ending.',
        ),
    ],
    limit: Annotated[
        int, typer.Option("-n", "--limit", min=1, help="Show at most this many entries.")
    ] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    tag: TagOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the matches as JSON.")] = False,
) -> None:
    """Find entries by their words: reflections, rating notes, aliases and tags. Best first."""
    from peerjournal.journal import open_journal, search_entries

    where = _filter(since, until, tag)
    with open_journal(settings(ctx).db, write=False) as journal:
        hits = search_entries(journal, text, where=where, limit=limit)
    if as_json:
        data = [
            {
                "id": hit.id,
                "uid": hit.uid,
                "occurred_at": hit.occurred_at.isoformat(),
                "local_date": hit.local_date,
                "local_time": hit.local_time.strftime("%H:%M"),
                "mode": hit.mode,
                "peer": hit.peer,
                "tags": list(hit.tags),
                "snippet": hit.snippet,
                "highlights": [list(span) for span in hit.highlights],
                "rank": hit.rank,
            }
            for hit in hits
        ]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    render.search_results(hits, text)
