"""The principles screens: the guide's list, one principle in full, and who to turn to."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import day_label
from peerjournal.render import one_decimal, out, prose, shorten, user_text

if TYPE_CHECKING:
    from peerjournal.principles import Guide, Principle
    from peerjournal.queries.light import PrincipleGlance


def principles_list(guide: Guide) -> None:
    table = Table(title="The principles of peer support", title_justify="left", expand=False)
    table.add_column("Short name", style="cyan", no_wrap=True)
    table.add_column("Principle", style="bold")
    table.add_column("What it asks")
    for principle in guide.principles:
        table.add_row(
            user_text(principle.slug), user_text(principle.name), user_text(principle.summary)
        )
    out().print(table)
    out().print(
        prose(
            Text(
                "Read one in full with: peerjournal principles SLUG (for example: "
                f"peerjournal principles {guide.principles[0].slug})",
                style="dim",
            )
        )
    )
    if guide.safety_note:
        label = "On safety: "
        note = Text(f"\n{label}", style="bold")
        note.append(" ".join(inert(guide.safety_note).split()))
        out().print(prose(note, hang=len(label)))
    out().print(support_contacts(guide))


def support_contacts(guide: Guide) -> Group:
    """Who the supporter can turn to, as the guide names them, or how to add them.

    Long lines wrap under their own start, not under the bullet.
    """
    heading = Text("\nWho you can turn to", style="bold")
    if guide.support_is_placeholder:
        placeholder = " ".join(inert(guide.support_placeholder).split())
        return Group(heading, prose(f"  {placeholder}"))
    contacts = Text()
    for contact in guide.support:
        contacts.append("\n  • ")
        contacts.append(" ".join(inert(contact.name).split()), style="bold")
        contacts.append(": ")
        contacts.append(" ".join(inert(contact.how).split()))
    return Group(heading, prose(contacts[1:]))


def principle_detail(principle: Principle, own: PrincipleGlance | None = None) -> None:
    body = Text()
    body.append(inert(principle.summary), style="italic")
    body.append("\n\n")
    body.append(inert(principle.description))
    body.append("\n\nAsk yourself\n", style="bold")
    for question in principle.questions:
        body.append(f"  • {inert(question)}\n")
    body.append("\nWhat a 1 looks like\n", style="bold")
    body.append(f"  {inert(principle.rating_1)}\n")
    body.append("\nWhat a 5 looks like\n", style="bold")
    body.append(f"  {inert(principle.rating_5)}")
    if own is not None:
        body.append("\n\nIn your own practice, the last four weeks\n", style="bold")
        if own.average is None:
            body.append("  Not rated yet in these four weeks.")
        else:
            plural = "" if own.ratings == 1 else "s"
            body.append(
                f"  Average {one_decimal(own.average)} of 5, from {own.ratings} rating{plural}."
            )
        if own.example is not None:
            example = own.example
            on = day_label(date.fromisoformat(example.local_date))
            body.append(f"\n  A good example: #{example.entry_id} on {on}, ")
            body.append(f"rated {example.score} of 5:\n")
            text = " / ".join(line for line in example.text.splitlines() if line.strip())
            body.append(f"  {inert(shorten(text, 240, example.entry_id))}", style="italic")
    title = Text(inert(principle.name), style="bold")
    title.append(f"  ({inert(principle.slug)})", style="dim")
    out().print(Panel(prose(body), title=title, title_align="left", expand=False, width=88))
