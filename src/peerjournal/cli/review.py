"""`peerjournal review`: the weekly look back, a focus for next week, and an intention."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peerjournal import render
from peerjournal.cli.app import app, settings
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.journal import ReviewQueries, Window
    from peerjournal.principles import Guide
    from peerjournal.review import Review

# Enough reflections to read on a Sunday evening; the rest are one command away.
SCREEN_REFLECTIONS = 50
MARKDOWN_REFLECTIONS = 500


@app.command("review")
def review_command(
    ctx: typer.Context,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="The last day of the week to review, as YYYY-MM-DD (default: today).",
        ),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            metavar="YYYY-Www",
            help="Review an ISO week, for example 2026-W13 (it ends on that week's Sunday).",
        ),
    ] = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", metavar="N", help="How many weeks the trends cover (default 8)."),
    ] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    principle: Annotated[
        str | None,
        typer.Option(
            "--principle",
            metavar="SLUG",
            help="Show every rating of one principle this week, with its reflection.",
        ),
    ] = None,
    markdown: Annotated[
        bool,
        typer.Option(
            "--markdown",
            help=(
                "Write a summary for supervision as Markdown, to FILE if given, "
                "else to the screen. It holds only reflections you marked for sharing."
            ),
        ),
    ] = False,
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE]",
            help="With --markdown: the file to write the summary to (only you can read it).",
            show_default=False,
        ),
    ] = None,
    include_notes: Annotated[
        bool,
        typer.Option(
            "--include-notes",
            help="With --markdown: include every reflection and peer alias, not only shared ones.",
        ),
    ] = False,
) -> None:
    """Look back over the week: averages, trends, a focus for next week, your reflections."""
    from peerjournal import review as reviewing
    from peerjournal.journal import ReviewQueries, open_journal
    from peerjournal.principles import load_guide

    if file is not None and not markdown:
        raise InvalidValue(f"A file name ('{file}') goes only with --markdown.")
    windows = reviewing.query_windows(_last_day(until, week), weeks)
    guide = load_guide()
    location = settings(ctx).db
    with open_journal(location, write=False) as journal:
        queries = ReviewQueries(journal.session)
        # Scripts get the same JSON shape, nulls and all, even from a new journal.
        if not as_json and not queries.has_entries():
            render.review_empty()
            return
        result = _gather(queries, guide, windows, weeks)
        if principle is not None:
            wanted = _principle_slug(guide, result, principle)
            ratings = queries.ratings_of(wanted, result.period)
            render.principle_ratings(result, wanted, ratings)
            return
        if markdown:
            shared, total = queries.reflections(
                result.period, limit=MARKDOWN_REFLECTIONS, shared_only=not include_notes
            )
            text = render.review_markdown(result, shared, total, include_notes=include_notes)
        elif not as_json:
            reflections, total = queries.reflections(result.period, limit=SCREEN_REFLECTIONS)
    if as_json:
        typer.echo(json.dumps(reviewing.review_json(result), indent=2, ensure_ascii=False))
    elif markdown:
        _write_markdown(file, text)
        if not include_notes and not shared and result.conversations:
            render.notice(
                "No reflection from this week is marked for sharing, so the summary has the "
                "numbers only. Choose some with: peerjournal share ID"
            )
    else:
        render.review_screen(result, reflections, total)
        if sys.stdin.isatty() and sys.stderr.isatty():
            _ask_intention(location, result)


def today() -> date:
    """Today on the supporter's own clock."""
    return date.today()


def _last_day(until: str | None, week: str | None) -> date:
    """The review's last day from --until or --week (default: today)."""
    from peerjournal.dates import iso_week_sunday, parse_day

    if until is not None and week is not None:
        raise InvalidValue("Use either --until or --week, not both.")
    if week is not None:
        return iso_week_sunday(week)
    return parse_day(until or "today", today=today())


def _gather(queries: ReviewQueries, guide: Guide, spans: tuple[Window, ...], weeks: int) -> Review:
    from peerjournal.review import build_review

    rows = queries.principle_rows(spans)
    retired = {row.slug for row in rows if guide.get(row.slug) is None}
    return build_review(
        guide=guide,
        windows=spans,
        weeks=weeks,
        principle_rows=rows,
        activity_rows=queries.activity_rows(spans),
        modes=queries.modes(spans[-1]),
        names=queries.principle_names(retired),
        intention=queries.intention(spans[-2]),
        current_intention=queries.intention(spans[-1]),
    )


def _principle_slug(guide: Guide, result: Review, given: str) -> str:
    """The slug the user meant: the guide's (prefixes welcome), or a retired one exactly."""
    from peerjournal.principles import normalise_slug

    wanted = normalise_slug(given)
    if guide.get(wanted) is None and any(s.slug == wanted and s.retired for s in result.principles):
        return wanted
    return guide.find(given).slug


def _write_markdown(target: str | None, text: str) -> None:
    from peerjournal.paths import write_private_file

    if target is None or target == "-":
        sys.stdout.write(text)
        return
    path = Path(target).expanduser()
    if path.is_dir():
        raise InvalidValue(f"{path} is a folder; give a file name for the summary.")
    try:
        write_private_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise InvalidValue(
            f"The summary could not be written to {path} ({exc.strerror or exc}); "
            "choose another place."
        ) from None
    render.notice(f"Your summary for supervision is in {path} (only you can read it).")


def _ask_intention(location: str | None, result: Review) -> None:
    """Ask for next week's intention on a terminal; Enter keeps what is there (or skips)."""
    from peerjournal.journal import ReviewQueries, open_journal

    existing = result.current_intention.text if result.current_intention else ""
    render.intention_question(existing)
    text = render.ask("Intention: ", existing).strip()
    if not text or text == existing:
        return
    with open_journal(location, write=True) as journal:
        ReviewQueries(journal.session).save_intention(result.period, text)
    render.notice("Saved. Next week's review will show it.")
