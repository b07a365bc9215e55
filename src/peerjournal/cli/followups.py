"""`followups` and `done`: the promises made in conversations, and keeping them."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peerjournal import render
from peerjournal.cli.app import app, reading, writing
from peerjournal.cli.options import AsJson
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.queries import OpenFollowUp


@app.command("followups")
def followups_command(
    ctx: typer.Context,
    include_done: Annotated[
        bool, typer.Option("--all", help="Show the ones already done too.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """What you promised in conversations and have not yet done, overdue first.

    Promises come from 'peerjournal log' (the step "Did you promise anything?",
    or --follow-up). Mark one kept with: peerjournal done NUMBER
    """
    now = datetime.now().astimezone()
    with reading(ctx) as reader:
        found = reader.follow_ups(include_done=include_done)
    found = in_order(found, now)
    if as_json:
        render.json_data([follow_up_data(item, now) for item in found])
    else:
        render.follow_up_list(found, include_done=include_done, now=now)


def in_order(found: "list[OpenFollowUp]", now: datetime) -> "list[OpenFollowUp]":
    """Open ones first, overdue before the rest; each group as the journal gave it
    (by due day, undated last)."""
    return sorted(
        found,
        key=lambda item: (item.follow_up.done, not item.follow_up.overdue(now)),
    )


def follow_up_data(item: "OpenFollowUp", now: datetime) -> dict[str, Any]:
    """One follow-up as `followups --json` gives it."""
    from peerjournal.records import follow_up_as_dict

    return {
        **follow_up_as_dict(item.follow_up),
        "overdue": item.follow_up.overdue(now),
        "entry_id": item.entry_id,
        "entry_date": item.local_date,
        "peer": item.peer,
    }


@app.command("done")
def done_command(
    ctx: typer.Context,
    number: Annotated[
        str,
        typer.Argument(metavar="N", help="The follow-up's number, from 'peerjournal followups'."),
    ],
) -> None:
    """Mark a follow-up as done, with the time you did it."""
    given = number.strip().lstrip("#")
    if not given.isdigit():
        raise InvalidValue(
            f"'{number[:40]}' is not a follow-up number; see the numbers with: "
            "peerjournal followups"
        )
    with writing(ctx) as journal:
        before = journal.read.follow_up(int(given))
        if before is not None and before.follow_up.done:
            render.follow_up_done(before, already=True)
            return
        done = journal.mark_done(int(given))
    render.follow_up_done(done, already=False)
