"""`peerjournal review`: the weekly look back, a focus for next week, and an intention."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from peerjournal import render
from peerjournal.cli import completion
from peerjournal.cli.app import app, at_a_terminal, guide_for_reading, reading
from peerjournal.cli.data import Overwrite, output_to
from peerjournal.cli.options import Tag, entry_filter
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.principles import Guide
    from peerjournal.queries import Reader, Window
    from peerjournal.records import EntryFilter
    from peerjournal.review import Review

# Enough reflections to read on a Sunday evening; the rest are one command away.
SCREEN_REFLECTIONS = 20
MARKDOWN_REFLECTIONS = 500


@app.command("review")
def review_command(
    ctx: typer.Context,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="The last day of the week to review: 2026-11-29, yesterday, last sunday "
            "(default: today).",
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
        typer.Option("--weeks", metavar="N", help="How many weeks the trends cover."),
    ] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    principle: Annotated[
        str | None,
        typer.Option(
            "--principle",
            metavar="SLUG",
            help="Show every rating of one principle this week, with its reflection.",
            autocompletion=completion.principle_slugs,
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
    with_intention_reply: Annotated[
        bool,
        typer.Option(
            "--with-intention-reply",
            help='With --markdown: include what you answered to "how did it go?" about '
            "last week's intention (left out unless you ask).",
        ),
    ] = False,
    tag: Tag = None,
) -> None:
    """Look back over the week: averages, trends, a focus for next week, your reflections."""
    from peerjournal import review as reviewing

    if file is not None and not markdown:
        raise InvalidValue(f"A file name ('{file}') goes only with --markdown.")
    for given, option in (
        (with_ratings, "--with-ratings"),
        (with_feeling, "--with-feeling"),
        (allow_identifiers, "--allow-identifiers"),
        (with_intention_reply, "--with-intention-reply"),
    ):
        if given and not markdown:
            raise InvalidValue(f"{option} goes only with --markdown.")
    where = entry_filter(tag=tag)
    windows = reviewing.query_windows(_last_day(until, week), weeks)
    guide = guide_for_reading(ctx)
    with reading(ctx) as queries:
        # Scripts get the same JSON shape, nulls and all, even from a new journal.
        if not as_json and not queries.has_entries():
            render.review_empty()
            return
        if where.tag is not None and where.tag not in (tags := queries.tags()):
            raise InvalidValue(_no_such_tag(where.tag, tags))
        result = _gather(queries, guide, windows, weeks, where)
        if principle is not None:
            wanted = _principle_slug(guide, result, principle)
            ratings = queries.ratings_of(wanted, result.period, where)
            render.principle_ratings(result, wanted, ratings)
            return
        if markdown:
            shared, total = queries.reflections(
                result.period, limit=MARKDOWN_REFLECTIONS, shared_only=True, where=where
            )
            if not allow_identifiers:
                intentions = [i for i in (result.intention, result.current_intention) if i]
                reviewing.check_summary(shared, intentions, guide, with_reply=with_intention_reply)
            text = render.review_markdown(
                result,
                shared,
                total,
                with_ratings=with_ratings,
                with_feeling=with_feeling,
                with_intention_reply=with_intention_reply,
            )
        elif not as_json:
            reflections, total = queries.reflections(
                result.period, limit=SCREEN_REFLECTIONS, where=where
            )
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
        reply = result.intention.reply if result.intention else None
        if reply and not with_intention_reply:
            render.notice(
                "What you said about how last week's intention went is not in the summary; "
                "it stays yours unless you add --with-intention-reply."
            )
    else:
        render.review_screen(result, reflections, total)
        if reviewing.is_current(result.period, today()) and at_a_terminal():
            _ask(ctx, result)


def today() -> date:
    """Today on the supporter's own clock."""
    return date.today()


def _last_day(until: str | None, week: str | None) -> date:
    """The review's last day from --until or --week (default: today); never after today."""
    from peerjournal.dates import iso_week_sunday, parse_day
    from peerjournal.review import last_day

    if until is not None and week is not None:
        raise InvalidValue("Use either --until or --week, not both.")
    now = today()
    if week is not None:
        return last_day(iso_week_sunday(week), now, week=week)
    if until is None:
        return now  # the usual case: no words to read (the date grammar is built on first use)
    return last_day(parse_day(until, today=now), now)


def _no_such_tag(tag: str, tags: list[str]) -> str:
    if not tags:
        return f"No entry is tagged '{tag}'; your entries have no tags yet."
    from difflib import get_close_matches

    close = get_close_matches(tag, tags, n=1)
    if close:
        return f"No entry is tagged '{tag}'; did you mean '{close[0]}'?"
    return f"No entry is tagged '{tag}'. Your tags: {', '.join(tags)}."


def _gather(
    queries: "Reader",
    guide: "Guide",
    spans: "tuple[Window, ...]",
    weeks: int,
    where: "EntryFilter | None" = None,
) -> "Review":
    from peerjournal.queries import EVERYTHING
    from peerjournal.review import build_review, follow_ups_at, review_moment, with_quotes

    where = where or EVERYTHING
    period = spans[-1]
    rows = queries.principle_rows(spans, where)
    retired = {row.slug for row in rows if guide.get(row.slug) is None}
    moment = review_moment(period, datetime.now().astimezone())
    result = build_review(
        guide=guide,
        windows=spans,
        weeks=weeks,
        principle_rows=rows,
        activity_rows=queries.activity_rows(spans, where),
        modes=queries.modes(period, where),
        names=queries.principle_names(retired),
        intention=queries.intention(spans[-2]),
        current_intention=queries.intention(period),
        flagged=queries.flagged(period, where),
        follow_ups=follow_ups_at(
            queries.follow_ups_open_at(moment, where),
            queries.follow_ups_done_in(period, where),
            moment,
        ),
        where=where,
    )
    if result.focus is None:
        return result
    focus = result.focus
    return with_quotes(result, queries.focus_quotes(focus.slug, focus.evidence.days, where=where))


def _principle_slug(guide: "Guide", result: "Review", given: str) -> str:
    """The slug the user meant: the guide's (prefixes welcome), or a retired one exactly."""
    from peerjournal.principles import normalise_slug

    wanted = normalise_slug(given)
    if guide.get(wanted) is None and any(s.slug == wanted and s.retired for s in result.principles):
        return wanted
    return guide.find(given).slug


def _ask(ctx: typer.Context, result: "Review") -> None:
    """At a terminal, in the current week: how last week's intention went, then next
    week's. Enter keeps what is there (or skips). Both answers are saved together,
    after the last question, so Ctrl-C at either changes nothing."""
    from peerjournal.cli.app import writing

    last = result.intention
    reply = ""
    try:
        if last is not None:
            old_reply = last.reply or ""
            render.reply_question(last.text, old_reply)
            reply = render.ask("How it went: ", old_reply, history="intention").strip()
            if reply == old_reply:
                reply = ""
        existing = result.current_intention.text if result.current_intention else ""
        render.intention_question(existing)
        text = render.ask("Intention: ", existing, history="intention").strip()
    except (KeyboardInterrupt, EOFError):
        # The one way a question is left: said plainly, exit 130, nothing saved.
        raise typer.Abort() from None
    if text == existing:
        text = ""
    if not reply and not text:
        return
    with writing(ctx) as journal:
        if reply and last is not None:
            journal.save_reply(last.end, reply)
        if text:
            journal.save_intention(result.period.start, result.period.end, text)
    if text:
        render.notice("Saved. Next week's review will show your intention.")
    else:
        render.notice("Saved with last week's intention.")
