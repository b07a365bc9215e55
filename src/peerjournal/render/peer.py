"""The peer view: the conversations with one person over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import day_label, mode_label, when_label
from peerjournal.render import one_decimal, out, plural, prose, shorten, user_text
from peerjournal.render.followups import follow_up_line
from peerjournal.render.review import QUOTE_SHOWN_CHARS, average_text

if TYPE_CHECKING:
    from peerjournal.peers import PeerReview


def _peer_principles(view: PeerReview) -> Table:
    table = Table.grid(padding=(0, 3))
    table.add_column()
    table.add_column(no_wrap=True)
    for principle in view.principles:
        name = user_text(principle.name)
        if principle.retired:
            name.append(" (retired)", style="dim")
        table.add_row(name, average_text(principle.average, principle.ratings))
    return table


def peer_screen(view: PeerReview, *, console: Console | None = None) -> None:
    """The conversations with one person: how many and when, what was rated, flags,
    open follow-ups, and the newest conversations."""
    screen = console or out()
    alias = inert(view.alias)
    head = Text(f"Your conversations with {alias}", style="bold")
    head.append(f"\n{plural(view.conversations, 'conversation')}")
    if view.first is not None and view.last is not None:
        if view.first == view.last:
            head.append(f", on {day_label(view.first)}")
        else:
            head.append(f", from {day_label(view.first)} to {day_label(view.last)}")
    if view.timed:
        minutes = plural(view.minutes, "minute")
        if view.timed < view.conversations:
            minutes += f" over {view.timed} of them"
        head.append(f" · {minutes}")
    if len(view.spellings) > 1:
        head.append("\nWritten as: ", style="dim")
        head.append(inert(", ".join(view.spellings)), style="dim")
    screen.print(head)
    screen.print()

    if view.principles:
        screen.print(Text(f"What you rated with {alias}", style="bold"))
        screen.print(Padding(_peer_principles(view), (0, 0, 0, 2), expand=False))
    else:
        screen.print(Text(f"You have not rated a principle with {alias} yet.", style="dim"))
    felt = Text("How you felt afterwards: ", style="bold")
    if view.feeling is None:
        felt.append("not noted", style="dim")
    else:
        felt.append(
            f"{one_decimal(view.feeling)} of 5, from {plural(view.feelings, 'conversation')}"
        )
    screen.print(felt)
    if view.heavy:
        screen.print(
            prose(
                Text(
                    f"Conversations with {alias} have often left you low. That is a lot to "
                    "carry; it may help to talk them through in supervision.",
                    style="italic",
                )
            )
        )
    screen.print()

    if view.flags:
        flags = Text("Flagged: ", style="bold")
        flags.append(
            "; ".join(
                f"{f.name} once, on {day_label(f.last)}"
                if f.times == 1
                else f"{f.name} {f.times} times, last on {day_label(f.last)}"
                for f in view.flags
            )
        )
        screen.print(flags)
    else:
        screen.print(Text("No conversation with them was flagged.", style="dim"))

    kept = view.follow_ups
    if kept.open:
        screen.print(Text(f"Open follow-ups: {len(kept.open)}", style="bold"))
        for place, item in enumerate(kept.open):
            screen.print(prose(follow_up_line(item, late=place < kept.overdue, with_peer=False)))
    else:
        screen.print(Text("No follow-up is open for them.", style="dim"))
    screen.print()

    screen.print(Text("Conversations, newest first", style="bold underline"))
    for entry in view.entries:
        line = Text(f"#{entry.id} · {when_label(entry.occurred_at)} · ", style="bold")
        line.append(inert(mode_label(entry.mode)))
        if entry.minutes is not None:
            line.append(f" · {entry.minutes} min")
        if entry.flags:
            line.append(f" · {', '.join(entry.flags)}")
        screen.print(line)
        if entry.first_line:
            first = user_text(shorten(entry.first_line, QUOTE_SHOWN_CHARS))
            screen.print(Padding(first, (0, 0, 0, 2), expand=False))
    if view.conversations > len(view.entries):
        more = view.conversations - len(view.entries)
        screen.print(
            Text(
                f"…and {plural(more, 'earlier conversation')}. List them all with: "
                f"peerjournal peer {_shell_word(view.alias)} -n 0",
                style="dim",
            )
        )


def _shell_word(text: str) -> str:
    """An alias as it can be typed back into the shell."""
    import shlex

    return shlex.quote(inert(text))
