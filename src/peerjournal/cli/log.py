"""`peerjournal log`: the two-minute reflection after a conversation, guided or by flags."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from peerjournal import drafts, render
from peerjournal.cli import completion, logflow
from peerjournal.cli.app import app, location
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, load_guide
from peerjournal.records import check_minutes, clean_peer, clean_tags, parse_feeling, parse_mode

if TYPE_CHECKING:
    from peerjournal.db import Location
    from peerjournal.records import Entry, NewEntry

EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class LogOptions:
    """What the flags of `log` said."""

    when: str | None
    mode: str | None
    minutes: int | None
    peer: str | None
    note: str | None
    note_file: Path | None
    rate: tuple[str, ...]
    feeling: str | None
    tags: tuple[str, ...]
    editor: bool
    no_input: bool
    strict_privacy: bool
    as_json: bool
    share: bool = False

    @property
    def guided(self) -> bool:
        """Ask step by step: only on a terminal, and only when the flags do not say it all."""
        described = self.note is not None or self.note_file is not None or bool(self.rate)
        return not self.no_input and not described and stdin_is_terminal()


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@app.command("log")
def log_command(
    ctx: typer.Context,
    when: Annotated[
        str | None,
        typer.Option(
            metavar="WHEN",
            help="When it happened: now, 'today 14:30', 'yesterday 3pm', '2 hours ago'.",
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="Kind of contact: in-person, phone, text, video, group or other "
            f"(default when not given: {logflow.DEFAULT_MODE}).",
        ),
    ] = None,
    minutes: Annotated[
        int | None, typer.Option(metavar="N", help="How long it lasted, in minutes.")
    ] = None,
    peer: Annotated[
        str | None,
        typer.Option(
            metavar="ALIAS", help="The peer's initials or a pseudonym, never a full name."
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(metavar="TEXT|-", help="The reflection; '-' reads it from stdin."),
    ] = None,
    note_file: Annotated[
        Path | None, typer.Option(metavar="PATH", help="Read the reflection from a file.")
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SLUG=N",
            help="Rate a principle 1-5, e.g. empathy=4 (repeat for each; a unique start "
            "of the slug is enough).",
            autocompletion=completion.ratings,
        ),
    ] = None,
    feeling: Annotated[
        str | None,
        typer.Option(
            metavar="N|WORD",
            help="How you feel right now, after it: 1-5, or drained, low, okay, good, well.",
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TAG", help="A tag (repeat for more).", autocompletion=completion.tags
        ),
    ] = None,
    editor: Annotated[
        bool, typer.Option("--editor", help="Write the reflection in $VISUAL or $EDITOR.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask questions; use the flags only.")
    ] = False,
    strict_privacy: Annotated[
        bool,
        typer.Option(
            "--strict-privacy", help="Refuse to save text that looks like it identifies someone."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the saved entry as JSON.")] = False,
    share: Annotated[
        bool,
        typer.Option(
            "--share",
            help="Include this reflection in supervision summaries (review --markdown).",
        ),
    ] = False,
) -> None:
    """Reflect on a conversation you just had.

    In a terminal it asks nine short questions; press Enter to skip the optional
    ones. With --note or --rate (or --no-input, or from a script) it uses the
    flags only and never asks.
    """
    options = LogOptions(
        when,
        mode,
        minutes,
        peer,
        note,
        note_file,
        tuple(rate or ()),
        feeling,
        tuple(tag or ()),
        editor,
        no_input,
        strict_privacy,
        as_json,
        share,
    )
    guide = load_guide()
    where = location(ctx)
    if options.guided:
        record = _guided_log(options, guide, where)
    else:
        record = _scripted_log(options, guide, where)
    if record is not None and options.as_json:
        from peerjournal.records import entry_as_dict

        render.json_data(entry_as_dict(record))


def draft_from_flags(options: LogOptions, guide: Guide) -> Draft:
    """A draft holding what the flags gave, each checked; steps given by a flag are done."""
    from peerjournal.dates import parse_when

    draft = Draft()
    if options.when is not None:
        draft.occurred_at = parse_when(options.when)
        draft.mark_done("when")
    if options.mode is not None:
        draft.mode = parse_mode(options.mode)
        draft.mark_done("mode")
    if options.minutes is not None:
        draft.minutes = check_minutes(options.minutes)
        draft.mark_done("minutes")
    if options.peer is not None:
        draft.peer = clean_peer(options.peer)
        draft.mark_done("peer")
    if options.feeling is not None:
        draft.feeling = parse_feeling(options.feeling)
        draft.mark_done("feeling")
    if options.tags:
        draft.tags = list(clean_tags(options.tags))
        draft.mark_done("tags")
    draft.ratings, draft.notes = logflow.parse_ratings(guide, options.rate)
    return draft


def _scripted_log(options: LogOptions, guide: Guide, db: Location) -> Entry:
    draft = draft_from_flags(options, guide)
    draft.what_happened = logflow.read_note(options.note, options.note_file) or ""
    if drafts.draft_path().exists():
        render.notice(
            f"You have an unfinished entry waiting in {drafts.draft_path()}; it was left as it "
            "is. Run 'peerjournal log' in a terminal to finish or discard it."
        )
    if options.editor:
        logflow.reflection_from_editor(draft)
        if not draft.reflection:
            raise InvalidValue("The reflection came back empty, so nothing was saved.")
    missing = logflow.missing_input(draft)
    if missing:
        raise InvalidValue(missing)
    logflow.check_privacy(draft, guide, strict=options.strict_privacy)
    new = logflow.to_new_entry(draft, guide, shared=options.share)
    record = _save(new, db, draft, lambda: logflow.keep_after_failure(draft, reuse=None))
    render.saved(record.id, logflow.feedback(new, guide))
    return record


def _guided_log(options: LogOptions, guide: Guide, db: Location) -> Entry | None:
    path = drafts.draft_path()
    flow = logflow.GuidedFlow(
        draft_from_flags(options, guide),
        guide,
        path,
        use_editor=options.editor,
        strict_privacy=options.strict_privacy,
        on_first_answer=preload_write_side,
    )
    try:
        _offer_pending(flow)
        render.notice(
            "Let's reflect on the conversation. Press Enter to skip anything optional; "
            "Ctrl-C stops and keeps what you typed."
        )
        flow.run()
        new = logflow.to_new_entry(flow.draft, guide, shared=options.share)
        render.entry_summary(new)
        if not flow.confirm_save():
            if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, path)):
                render.notice(
                    f"Not saved. Your answers are kept in {path}; run 'peerjournal log' to finish."
                )
            return None
    except logflow.Interrupted:
        _stopped(flow)
    record = _save(new, db, flow.draft, lambda: drafts.save(flow.draft, path))
    drafts.discard(path)
    render.saved(record.id, logflow.feedback(new, guide))
    return record


def preload_write_side() -> None:
    """Import the write side (SQLModel) in a background thread while the person answers.

    Started after the first answer, so the first question appears without
    waiting for it, and saving after the last answer costs no import.
    """
    import importlib
    import threading

    threading.Thread(
        target=importlib.import_module, args=("peerjournal.journal",), daemon=True
    ).start()


def _offer_pending(flow: logflow.GuidedFlow) -> None:
    """Resume the unfinished entry from last time, or let it go, as the user says."""
    try:
        pending = drafts.load(flow.draft_file)
    except drafts.DraftUnreadable as exc:
        render.notice(str(exc))
        return
    if pending is None:
        return
    render.draft_offer(pending)
    if (
        flow.choose("  [r] resume it, or [d] discard it and start afresh? [Enter: r] ", "rd", "r")
        == "r"
    ):
        flow.draft = pending
        flow.typed = True
    else:
        drafts.discard(flow.draft_file)
        render.notice("The unfinished entry was discarded.")


def _stopped(flow: logflow.GuidedFlow) -> NoReturn:
    if flow.typed:
        render.notice("\nStopped.")
        if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, flow.draft_file)):
            render.notice(
                f"What you typed is kept in {flow.draft_file}; run 'peerjournal log' to finish it."
            )
    elif flow.draft_file.exists():
        # Stopped at the offer to resume: the unfinished entry from before is untouched.
        render.notice(
            f"\nStopped. Your unfinished entry is still kept in {flow.draft_file}; "
            "run 'peerjournal log' to finish it."
        )
    else:
        render.notice("\nStopped. Nothing was typed, so there is nothing to keep.")
    raise typer.Exit(EXIT_INTERRUPTED)


def _save(new: NewEntry, db: Location, draft: Draft, keep: Callable[[], Path]) -> Entry:
    """Save the entry in one transaction; if that fails, keep every word and say where."""
    from peerjournal.journal import open_journal

    try:
        with open_journal(db) as journal:
            if journal.created:
                render.notice(f"Started a new journal at {journal.path}")
            return journal.add_entry(new)
    except BaseException:
        where = logflow.keep_or_show(draft, keep)
        if where is not None:
            render.notice(
                f"Your entry was not saved. Everything you wrote is kept in {where}; "
                "run 'peerjournal log' to try again."
            )
        raise
