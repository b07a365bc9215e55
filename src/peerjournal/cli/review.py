"""`peerjournal review`: the weekly look back, a focus for next week, and an intention."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from peerjournal import render
from peerjournal.cli.app import app, guide_for_reading, reading
from peerjournal.cli.data import Overwrite, output_to
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.principles import Guide
    from peerjournal.queries import Reader, Window
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
                "else to the screen. It holds only reflections you marked for sharing, "
                "and your ratings and feelings only if you add --with-ratings or --with-feeling."
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
    overwrite: Overwrite = False,
    with_ratings: Annotated[
        bool,
        typer.Option(
            "--with-ratings",
            help="With --markdown: include your principle ratings (left out unless you ask).",
        ),
    ] = False,
    with_feeling: Annotated[
        bool,
        typer.Option(
            "--with-feeling",
            help="With --markdown: include how you felt after conversations (left out unless "
            "you ask).",
        ),
    ] = False,
    allow_identifiers: Annotated[
        bool,
        typer.Option(
            "--allow-identifiers",
            help="With --markdown: write the summary even if a shared reflection seems to "
            "identify someone.",
        ),
    ] = False,
) -> None:
    """Look back over the week: averages, trends, a focus for next week, your reflections."""
    from peerjournal import review as reviewing

    if file is not None and not markdown:
        raise InvalidValue(f"A file name ('{file}') goes only with --markdown.")
    for given, option in (
        (with_ratings, "--with-ratings"),
        (with_feeling, "--with-feeling"),
        (allow_identifiers, "--allow-identifiers"),
    ):
        if given and not markdown:
            raise InvalidValue(f"{option} goes only with --markdown.")
    windows = reviewing.query_windows(_last_day(until, week), weeks)
    guide = guide_for_reading(ctx)
    with reading(ctx) as queries:
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
                result.period, limit=MARKDOWN_REFLECTIONS, shared_only=True
            )
            if not allow_identifiers:
                intentions = [i for i in (result.intention, result.current_intention) if i]
                reviewing.check_summary(shared, intentions, guide)
            text = render.review_markdown(
                result, shared, total, with_ratings=with_ratings, with_feeling=with_feeling
            )
        elif not as_json:
            reflections, total = queries.reflections(result.period, limit=SCREEN_REFLECTIONS)
    if as_json:
        render.json_data(reviewing.review_json(result))
    elif markdown:
        with output_to(ctx, file, overwrite=overwrite, kind="supervision summary") as handle:
            handle.write(text)
        if file not in (None, "-"):
            render.notice(f"Your summary for supervision is in {file} (only you can read it).")
        if not shared and result.conversations:
            render.notice(
                "No reflection from this week is marked for sharing, so the summary holds "
                "none. Choose some with: peerjournal share ID"
            )
    else:
        render.review_screen(result, reflections, total)
        if sys.stdin.isatty() and sys.stderr.isatty():
            _ask_intention(ctx, result)


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


def _gather(queries: Reader, guide: Guide, spans: tuple[Window, ...], weeks: int) -> Review:
    from peerjournal.review import build_review, with_quotes

    rows = queries.principle_rows(spans)
    retired = {row.slug for row in rows if guide.get(row.slug) is None}
    result = build_review(
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
    if result.focus is None:
        return result
    focus = result.focus
    return with_quotes(result, queries.focus_quotes(focus.slug, focus.evidence.days))


def _principle_slug(guide: Guide, result: Review, given: str) -> str:
    """The slug the user meant: the guide's (prefixes welcome), or a retired one exactly."""
    from peerjournal.principles import normalise_slug

    wanted = normalise_slug(given)
    if guide.get(wanted) is None and any(s.slug == wanted and s.retired for s in result.principles):
        return wanted
    return guide.find(given).slug


def _ask_intention(ctx: typer.Context, result: Review) -> None:
    """Ask for next week's intention on a terminal; Enter keeps what is there (or skips)."""
    from peerjournal.cli.app import writing

    existing = result.current_intention.text if result.current_intention else ""
    render.intention_question(existing)
    text = render.ask("Intention: ", existing).strip()
    if not text or text == existing:
        return
    with writing(ctx) as journal:
        journal.save_intention(result.period.start, result.period.end, text)
    render.notice("Saved. Next week's review will show it.")
