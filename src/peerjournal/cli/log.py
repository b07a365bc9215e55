"""`peerjournal log`: the two-minute reflection after a conversation, guided or by flags."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from peerjournal import render
from peerjournal.cli import completion
from peerjournal.cli.app import app, at_a_terminal, location, reading
from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, load_guide
from peerjournal.records import (
    DEFAULT_MODE,
    FLAGS,
    check_minutes,
    clean_flags,
    clean_peer,
    clean_tags,
    parse_feeling,
    parse_mode,
)

if TYPE_CHECKING:
    from peerjournal.cli import guided
    from peerjournal.db import Location
    from peerjournal.drafts import Draft
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
    flags: tuple[str, ...]
    follow_ups: tuple[str, ...]
    dues: tuple[str, ...]
    editor: bool
    no_input: bool
    strict_privacy: bool
    as_json: bool
    share: bool = False

    @property
    def guided(self) -> bool:
        """Ask step by step: only on a terminal, and only when the flags do not say it all."""
        described = self.note is not None or self.note_file is not None or bool(self.rate)
        return not self.no_input and not described and at_a_terminal()


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
            f"(default when not given: {DEFAULT_MODE}; in a terminal, the kind "
            "you used last).",
            autocompletion=completion.modes,
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
            metavar="SLUG=N[:NOTE]",
            help="Rate a principle the conversation tested, 1-5, e.g. empathy=4, with an "
            "optional note on why: 'boundaries=2:gave my number'. Repeat for each; a unique "
            "start of the slug is enough; principles not given stay unrated.",
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
    flag: Annotated[
        list[str] | None,
        typer.Option(
            metavar="FLAG",
            help="Flag the entry (repeat for more): "
            + "; ".join(f"{name}: {meaning}" for name, meaning in FLAGS.items())
            + ". Flagged entries are listed in the review to bring to supervision.",
            autocompletion=completion.flags,
        ),
    ] = None,
    follow_up: Annotated[
        list[str] | None,
        typer.Option(
            "--follow-up",
            metavar="TEXT",
            help="Something you promised, e.g. 'call back' (repeat for more; see them with "
            "'peerjournal followups').",
        ),
    ] = None,
    due: Annotated[
        list[str] | None,
        typer.Option(
            metavar="WHEN",
            help="When a follow-up is due, e.g. friday, 'friday 5pm', 'in 3 days', 2026-12-10: "
            "one --due per --follow-up, in the same order ('none' for no date).",
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

    In a terminal it asks ten short steps, starting with how you are; press
    Enter to skip the optional ones, and rate only the principles the
    conversation tested. With --note or --rate (or --no-input, or from a
    script) it uses the options only and never asks.
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
        tuple(flag or ()),
        tuple(follow_up or ()),
        tuple(due or ()),
        editor,
        no_input,
        strict_privacy,
        as_json,
        share,
    )
    guide = load_guide()
    where = location(ctx)
    if options.guided:
        from peerjournal.db import check_folder

        # Before the first question: answers that could be kept nowhere are not asked for.
        check_folder(where)
        record = _guided_log(options, guide, where, _glance(ctx))
    else:
        record = _scripted_log(options, guide, where)
    if record is not None and options.as_json:
        from peerjournal.records import entry_as_dict

        render.json_data(entry_as_dict(record))


def draft_from_flags(options: LogOptions, guide: Guide) -> "Draft":
    """A draft holding what the flags gave, each checked; steps given by a flag are done."""
    from peerjournal.cli import logflow
    from peerjournal.dates import parse_when
    from peerjournal.drafts import Draft

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
    if options.flags:
        draft.flags = list(clean_flags(options.flags))
        draft.mark_done("flags")
    if options.follow_ups or options.dues:
        if not options.follow_ups:
            raise InvalidValue("--due says when a --follow-up is due; give the --follow-up too.")
        draft.follow_ups = logflow.parse_follow_ups(
            options.follow_ups, options.dues, draft.occurred_at
        )
        draft.mark_done("follow-ups")
    draft.ratings, draft.notes = logflow.parse_ratings(guide, options.rate)
    return draft


def _scripted_log(options: LogOptions, guide: Guide, db: "Location") -> "Entry":
    from peerjournal import drafts
    from peerjournal.cli import logflow

    draft = draft_from_flags(options, guide)
    draft.what_happened = logflow.read_note(options.note, options.note_file) or ""
    _recover_editor_text(drafts.draft_path())
    if drafts.draft_path().exists():
        render.notice(
            f"You have an unfinished entry waiting in {drafts.draft_path()}; it was left as it "
            "is. Run 'peerjournal log' in a terminal to finish or discard it."
        )
    if options.editor:
        try:
            logflow.reflection_from_editor(draft)
        except logflow.Interrupted:
            _stopped_in_editor(draft)
        if not draft.reflection:
            raise InvalidValue("The reflection came back empty, so nothing was saved.")
    missing = logflow.missing_input(draft)
    if missing:
        raise InvalidValue(missing)
    flagged = logflow.check_privacy(draft, guide, strict=options.strict_privacy)
    new = logflow.to_new_entry(draft, guide, shared=options.share)
    record = _save(new, db, draft, lambda: logflow.keep_after_failure(draft, reuse=None))
    # The privacy warning's last word first, beside the warning; then the feedback.
    _saved(
        record,
        new,
        guide,
        privacy_note=(
            f"It was saved as it is; you can change those words with: peerjournal edit {record.id}"
            if flagged
            else None
        ),
    )
    return record


def _stopped_in_editor(draft: "Draft") -> NoReturn:
    """The editor was stopped in a scripted log: keep what it held, and say where."""
    from peerjournal.cli import logflow

    if not draft.reflection.strip():
        logflow.editor_done(draft)
        render.notice("Stopped. Nothing was written in the editor, so there is nothing to keep.")
        raise typer.Exit(EXIT_INTERRUPTED)
    where = logflow.keep_or_show(draft, lambda: logflow.keep_after_failure(draft, reuse=None))
    if where is not None:
        logflow.editor_done(draft)
        render.notice(
            f"Stopped. What you wrote is kept in {where}; run 'peerjournal log' to finish it."
        )
    raise typer.Exit(EXIT_INTERRUPTED)


def _saved(
    record: "Entry", new: "NewEntry", guide: Guide, *, privacy_note: str | None = None
) -> None:
    """Say what was saved, then the one thing to take away from it."""
    from peerjournal.feedback import Care, feedback

    said = feedback(new, guide)
    render.saved(record, heavy=isinstance(said, Care))
    if privacy_note is not None:
        render.notice(privacy_note)
    render.feedback(said, guide, record.id)


@dataclass(frozen=True)
class Glance:
    """What the guided log reads before its first question: the default kind of contact,
    and how many follow-ups are due today or overdue."""

    last_mode: str | None = None
    due_today: int = 0
    overdue: int = 0


def _glance(ctx: typer.Context) -> Glance:
    """A quick read of the journal, if there is one yet (a first log starts without)."""
    from datetime import date, datetime

    from peerjournal.db import exists

    if not exists(location(ctx).path):
        return Glance()
    now = datetime.now().astimezone()
    today = date.today()
    with reading(ctx) as reader:
        last_mode = reader.last_mode()
        open_ones = [item.follow_up for item in reader.follow_ups()]
    overdue = sum(1 for f in open_ones if f.overdue(now))
    due_today = sum(1 for f in open_ones if f.due == today and not f.overdue(now))
    return Glance(last_mode, due_today, overdue)


def _recover_editor_text(draft_file: Path) -> None:
    """Text left in the editor by a log that was stopped or killed becomes a draft again."""
    from peerjournal.cli import logflow

    kept = logflow.recover_editor_text(draft_file)
    if kept is not None:
        render.notice(
            f"The reflection you were writing in your editor last time is kept in {kept}."
        )


def _guided_log(
    options: LogOptions, guide: Guide, db: "Location", glance: Glance
) -> "Entry | None":
    from peerjournal import drafts
    from peerjournal.cli import guided, logflow

    path = drafts.draft_path()
    flow = guided.GuidedFlow(
        draft_from_flags(options, guide),
        guide,
        path,
        use_editor=options.editor,
        strict_privacy=options.strict_privacy,
        default_mode=glance.last_mode or DEFAULT_MODE,
        on_first_answer=preload_write_side,
    )
    if glance.due_today or glance.overdue:
        render.follow_ups_reminder(glance.due_today, glance.overdue)
    _recover_editor_text(path)
    try:
        _offer_pending(flow)
        render.notice(
            "Let's reflect on the conversation. Press Enter to skip anything optional; "
            "Ctrl-C stops and keeps what you typed."
        )
        flow.run()
        saving = flow.confirm_save(
            lambda: logflow.to_new_entry(flow.draft, guide, shared=options.share)
        )
        new = logflow.to_new_entry(flow.draft, guide, shared=options.share)
        if not saving:
            if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, path)):
                render.notice(
                    f"Not saved. Your answers are kept in {path}; run 'peerjournal log' to finish."
                )
            return None
    except logflow.Interrupted:
        _stopped(flow)
    record = _save(new, db, flow.draft, lambda: drafts.save(flow.draft, path))
    drafts.discard(path)
    _saved(record, new, guide)
    return record


def preload_write_side() -> None:
    """Import the write side (SQLModel) in a background thread while the person answers.

    Started after the first answer, so the first question appears without
    waiting for it, and saving after the last answer costs no import.
    """
    import threading

    threading.Thread(target=_import_write_side, daemon=True).start()


def _import_write_side() -> None:
    import importlib
    import signal

    # Signals go to the main thread, where the line is being read (see guided.ctrl_c_heard).
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    importlib.import_module("peerjournal.journal")


def _offer_pending(flow: "guided.GuidedFlow") -> None:
    """Resume the unfinished entry from last time, or let it go, as the user says."""
    from peerjournal import drafts

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


def _stopped(flow: "guided.GuidedFlow") -> NoReturn:
    from peerjournal import drafts
    from peerjournal.cli import logflow

    if flow.typed:
        render.notice("\nStopped.")
        if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, flow.draft_file)):
            logflow.editor_done(flow.draft)
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
        logflow.editor_done(flow.draft)
        render.notice("\nStopped. Nothing was typed, so there is nothing to keep.")
    raise typer.Exit(EXIT_INTERRUPTED)


def _save(new: "NewEntry", db: "Location", draft: "Draft", keep: Callable[[], Path]) -> "Entry":
    """Save the entry in one transaction; if that fails, keep every word and say where."""
    from peerjournal.cli import logflow
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
