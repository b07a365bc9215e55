"""`list`, `show`, `edit` and `delete`: the entries already in the journal."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peerjournal import render
from peerjournal.cli.app import (
    app,
    at_a_terminal,
    confirm,
    guide_for_reading,
    location,
    reading,
    writing,
)
from peerjournal.cli.log import EXIT_INTERRUPTED
from peerjournal.cli.options import AsJson, Flag, Since, Tag, Until, entry_filter
from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, load_guide

if TYPE_CHECKING:
    from peerjournal.drafts import Draft
    from peerjournal.queries import Reader
    from peerjournal.records import Entry

EntryRef = Annotated[
    str,
    typer.Argument(metavar="ID|last", help="The entry's number (see 'list'), or 'last'."),
]


def entry_number(reader: "Reader", ref: str) -> int:
    """The entry a user named: its number, or `last` for the one logged most recently."""
    given = ref.strip().lstrip("#")
    if given.lower() == "last":
        found = reader.last_id()
        if found is None:
            raise InvalidValue("Your journal has no entries yet, so there is no last one.")
        return found
    if not given.isdigit():
        raise InvalidValue(
            f"'{ref[:40]}' is not an entry number; give a number from 'list', or last."
        )
    return int(given)


@app.command("list")
def list_command(
    ctx: typer.Context,
    number: Annotated[
        int,
        typer.Option(
            "-n",
            "--number",
            metavar="N",
            help="How many entries to show; 0 shows all.",
        ),
    ] = 20,
    since: Since = None,
    until: Until = None,
    tag: Tag = None,
    flag: Flag = None,
    as_json: AsJson = False,
) -> None:
    """Your recent entries, newest first."""
    if number < 0:
        raise InvalidValue(f"-n is how many entries to show (0 for all), not {number}.")
    where = entry_filter(since, until, tag, flag)
    with reading(ctx) as reader:
        entries = reader.entries(where, number or None)
        empty = not entries and not reader.has_entries()
    if as_json:
        from peerjournal.records import entry_as_dict

        render.json_data([entry_as_dict(e) for e in entries])
    else:
        render.entry_list(entries, guide_for_reading(ctx).slugs, where=where, journal_empty=empty)


@app.command("show")
def show_command(ctx: typer.Context, ref: EntryRef, as_json: AsJson = False) -> None:
    """One entry in full, with its rating notes, flags and follow-ups."""
    with reading(ctx) as reader:
        entry = reader.entry(entry_number(reader, ref))
    if as_json:
        from peerjournal.records import entry_as_dict

        render.json_data(entry_as_dict(entry))
    else:
        render.entry_detail(entry)


@app.command("delete")
def delete_command(
    ctx: typer.Context,
    ref: EntryRef,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Remove an entry for good (it asks first)."""
    with reading(ctx) as reader:
        entry_id = entry_number(reader, ref)
        record = reader.entry(entry_id)
    if not yes:
        if not at_a_terminal():
            raise InvalidValue(f"To delete entry #{entry_id} without a terminal, add --yes.")
        render.notice(f"Entry #{entry_id}, {render.when_label(record.occurred_at)}.")
        try:
            sure = confirm(f"Delete entry #{entry_id} for good?", default=False)
        except typer.Abort:
            render.notice("Stopped. Nothing was deleted.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        if not sure:
            render.notice("Nothing was deleted.")
            return
    with writing(ctx) as journal:
        journal.delete_entry(entry_id)
    render.notice(f"Deleted entry #{entry_id}.")


@app.command("share")
def share_command(
    ctx: typer.Context,
    refs: Annotated[
        list[str],
        typer.Argument(metavar="ID...", help="The entries' numbers, from 'list', or 'last'."),
    ],
    off: Annotated[
        bool, typer.Option("--off", help="Stop sharing these entries' reflections.")
    ] = False,
) -> None:
    """Choose which reflections a supervision summary (review --markdown) may include.

    Nothing is shared unless you say so here or with 'log --share'.
    """
    with reading(ctx) as reader:
        entry_ids = [entry_number(reader, ref) for ref in refs]
    with writing(ctx) as journal:
        changed = [n for n in entry_ids if journal.set_shared(n, not off)]
    numbers = ", ".join(f"#{n}" for n in entry_ids)
    if off:
        render.notice(f"{numbers}: kept out of supervision summaries.")
    else:
        render.notice(
            f"{numbers}: included in supervision summaries (peerjournal review --markdown)."
        )
    if len(changed) < len(entry_ids):
        render.notice("Some were already set that way; nothing else changed.")


@app.command("edit")
def edit_command(
    ctx: typer.Context,
    ref: EntryRef,
    editor: Annotated[
        bool, typer.Option("--editor", help="Change the reflection in $VISUAL or $EDITOR.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Change an entry: the same questions as 'log' with your answers filled in.

    Each old answer is on its line: press Enter to keep it, or empty the line to
    clear an optional one. The earlier version is kept in the entry's history.
    """
    from peerjournal import drafts
    from peerjournal.cli import logflow
    from peerjournal.journal import open_journal
    from peerjournal.records import entry_as_dict

    with reading(ctx) as reader:
        entry_id = entry_number(reader, ref)
        record = reader.entry(entry_id)
    guide = load_guide()
    path = drafts.edit_path(entry_id)
    kept = logflow.recover_editor_text(path, entry_id)
    if kept is not None:
        render.notice(
            f"The reflection you were writing in your editor last time is kept in {kept}."
        )
    draft = _draft_of(record)
    if editor:
        draft = _pending_edit(path) or draft
        try:
            logflow.reflection_from_editor(draft)
        except logflow.Interrupted:
            if logflow.keep_or_show(draft, lambda: drafts.save(draft, path)):
                logflow.editor_done(draft)
                render.notice(
                    f"Stopped; entry #{entry_id} was not changed. What you wrote is kept in "
                    f"{path}; run the edit again to use it."
                )
            raise typer.Exit(EXIT_INTERRUPTED) from None
        if not draft.reflection and not draft.ratings:
            raise InvalidValue(
                f"The reflection came back empty; entry #{entry_id} was not changed."
            )
        if logflow.check_privacy(draft, guide, strict=False):
            render.notice(
                f"It will be saved as it is; you can change those words with: "
                f"peerjournal edit {entry_id}"
            )
    elif not at_a_terminal():
        raise InvalidValue(
            "Editing asks questions, so it needs a terminal; to change the reflection "
            "from here, add --editor."
        )
    else:
        asked = _ask_edit(draft, guide, path, {r.slug: r.name for r in record.ratings})
        if asked is None:
            return
        draft = asked
    if draft.content() == _draft_of(record).content():
        drafts.discard(path)
        render.notice(f"Nothing changed; entry #{entry_id} is as it was.")
        return
    changes = logflow.to_new_entry(
        draft, guide, shared=record.shared, names={r.slug: r.name for r in record.ratings}
    )
    try:
        with open_journal(location(ctx)) as journal:
            updated = journal.edit_entry(entry_id, changes)
    except BaseException:
        render.notice(f"Entry #{entry_id} was not changed.")
        if logflow.keep_or_show(draft, lambda: drafts.save(draft, path)):
            render.notice(f"Your new answers are kept in {path}.")
        raise
    drafts.discard(path)
    render.notice(f"Entry #{entry_id} changed; the earlier version is kept in its history.")
    if as_json:
        render.json_data(entry_as_dict(updated))


def _draft_of(record: "Entry") -> "Draft":
    from peerjournal.drafts import Draft

    return Draft(
        occurred_at=record.occurred_at,
        mode=record.mode,
        minutes=record.minutes,
        peer=record.peer,
        what_happened=record.what_happened,
        so_what=record.so_what,
        now_what=record.now_what,
        ratings={r.slug: r.score for r in record.ratings},
        notes={r.slug: r.note for r in record.ratings if r.note},
        feeling=record.feeling,
        tags=list(record.tags),
        flags=list(record.flags),
        follow_ups=list(record.follow_ups),
        entry_id=record.id,
    )


def _pending_edit(path: Path) -> "Draft | None":
    """The unsaved answers of an earlier edit of this entry, if any can be read."""
    from peerjournal import drafts

    try:
        pending = drafts.load(path)
    except drafts.DraftUnreadable as exc:
        render.notice(str(exc))
        return None
    if pending is not None:
        render.notice(f"Starting from the unsaved changes kept in {path}.")
    return pending


def _ask_edit(draft: "Draft", guide: Guide, path: Path, names: dict[str, str]) -> "Draft | None":
    """The guided questions with the entry's answers; the new answers, or None if not saved."""
    from peerjournal import drafts
    from peerjournal.cli import guided, logflow

    flow = guided.GuidedFlow(draft, guide, path, editing=True)
    try:
        try:
            pending = drafts.load(path)
        except drafts.DraftUnreadable as exc:
            render.notice(str(exc))
            pending = None
        if pending is not None:
            render.draft_offer(pending)
            if flow.choose("  [r] resume it, or [d] discard it? [Enter: r] ", "rd", "r") == "r":
                flow.draft = pending
            flow.typed = True
        flow.run()
        if flow.confirm_save(lambda: logflow.to_new_entry(flow.draft, guide, names=names)):
            return flow.draft
        if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, path)):
            render.notice(f"Not changed. Your answers are kept in {path}.")
        return None
    except logflow.Interrupted:
        if flow.typed:
            render.notice("\nStopped.")
            if logflow.keep_or_show(flow.draft, lambda: drafts.save(flow.draft, path)):
                logflow.editor_done(flow.draft)
                render.notice(f"What you typed is kept in {path}; run the edit again.")
        else:
            render.notice("\nStopped. The entry was not changed.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
