"""The follow-up screens: the reminder, the list, marking one done, and one promise's line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import day_label, when_label
from peerjournal.render import err, notice, out, plural, say, user_text

if TYPE_CHECKING:
    from peerjournal.queries import OpenFollowUp
    from peerjournal.records import FollowUp


def follow_ups_reminder(due_today: int, overdue: int) -> None:
    """The one line `log` opens with when promises are due or overdue."""
    # "past its date", as the review says it: a promise running late is not a fault.
    parts = []
    if overdue:
        its = "its" if overdue == 1 else "their"
        parts.append(f"{plural(overdue, 'follow-up')} past {its} date")
    if due_today:
        parts.append(f"{plural(due_today, 'follow-up')} due today")
    them = "it" if due_today + overdue == 1 else "them"
    notice(
        f"A reminder first: you have {' and '.join(parts)}. See {them} with: peerjournal followups"
    )


def follow_up_list(found: Sequence[OpenFollowUp], *, include_done: bool, now: datetime) -> None:
    """Follow-ups on stdout, overdue first: number, what, by when, and where it was promised."""
    if not found:
        if include_done:
            notice(
                "No follow-ups yet. When you promise something in a conversation, "
                "'peerjournal log' asks about it and it is listed here."
            )
        else:
            notice("No open follow-ups: nothing you promised is waiting.")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Promise")
    table.add_column("By when", no_wrap=True)
    table.add_column("From", no_wrap=True)
    for item in found:
        follow_up = item.follow_up
        due = Text(due_label(follow_up))
        if follow_up.done and follow_up.done_at is not None:
            due = Text(f"done {when_label(follow_up.done_at.astimezone())}", style="dim")
        elif follow_up.overdue(now):
            due.append(" · overdue", style="bold")
        source = Text(f"#{item.entry_id} {day_label(date.fromisoformat(item.local_date))}")
        if item.peer:
            source.append(" with ")
            source.append(inert(item.peer))
        table.add_row(str(follow_up.id), user_text(follow_up.text), due, source)
    out().print(table)
    err().print(Text("Mark one done with: peerjournal done NUMBER", style="dim"))


def due_label(follow_up: FollowUp) -> str:
    """When a follow-up is due, as every list of them says it; empty when undated."""
    from peerjournal.dates import Due

    return Due(follow_up.due, follow_up.due_time).label() if follow_up.due else ""


def follow_up_done(item: OpenFollowUp, *, already: bool) -> None:
    """What `done N` did: the promise, and the entry it was made in."""
    follow_up = item.follow_up
    if already and follow_up.done_at is not None:
        line = Text("Already marked done on ")
        line.append(when_label(follow_up.done_at.astimezone()))
        line.append(": ")
    else:
        line = Text("Marked done: ")
    line.append(inert(follow_up.text))
    line.append(f" (follow-up {follow_up.id}, promised in entry #{item.entry_id}).")
    say(line)


def follow_up_line(
    item: OpenFollowUp, *, late: bool, today: date | None = None, with_peer: bool = True
) -> Text:
    from peerjournal.dates import Due

    follow_up = item.follow_up
    line = Text(f"  [{follow_up.id}] ", style="dim")
    line.append(inert(follow_up.text))
    if follow_up.due is not None:
        due = Due(follow_up.due, follow_up.due_time).label(today=today)
        line.append(f" · was due {due}" if late else f" · by {due}", style="bold" if late else "")
    line.append(f" · from #{item.entry_id}", style="dim")
    if with_peer and item.peer:
        line.append(" with ", style="dim")
        line.append(inert(item.peer), style="dim")
    return line
