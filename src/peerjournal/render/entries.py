"""The entry screens: the list and its marks, one entry in full, the check before saving, search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import FLAGS, REFLECTION_PROMPTS, mode_label, when_label
from peerjournal.render import (
    SCORE_MARKS,
    err,
    notice,
    one_decimal,
    out,
    prose,
    score_mark,
    user_text,
)

if TYPE_CHECKING:
    from peerjournal.queries import Match
    from peerjournal.records import Entry, EntryFilter, NewEntry, Rating


_NOT_RATED = "·"


# One mark per flag, for the compact `list` column (the legend under the list names them).
FLAG_MARKS = {"safety": "!", "debrief": "D", "boundary": "B", "disclosure": "S", "own-story": "O"}


def rating_bar(scores: Sequence[int | None]) -> str:
    """One mark per principle, taller for a higher score; `·` where not rated."""
    return "".join(_NOT_RATED if s is None else score_mark(s) for s in scores)


def flag_marks(flags: Sequence[str]) -> str:
    """The compact marks of an entry's flags, in FLAGS' order."""
    return "".join(FLAG_MARKS.get(f, "?") for f in flags)


def _average(scores: Iterable[int]) -> float | None:
    values = list(scores)
    return sum(values) / len(values) if values else None


def entry_list(
    records: Sequence[Entry],
    slugs: Sequence[str],
    *,
    where: EntryFilter | None = None,
    journal_empty: bool = False,
) -> None:
    """Recent entries as a table on stdout, newest first."""
    if not records:
        if journal_empty or where is None or not where.narrowed:
            notice("No entries yet. After your next conversation, run: peerjournal log")
        else:
            notice(f"No entries match: {where.describe()}. Try a wider filter, or none.")
        return
    rows = [_list_row(record, slugs) for record in records]
    table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
    headers = ("#", "When", "Kind", "Min", "Ratings", "Flags")
    for index, header in enumerate(headers):
        # The short columns never shrink; the reflection gets what is left.
        width = max(len(header), *(len(str(row[index])) for row in rows))
        table.add_column(
            header,
            justify="right" if header in ("#", "Min") else "left",
            no_wrap=True,
            min_width=width,
        )
    table.add_column("Reflection", no_wrap=True, overflow="ellipsis", ratio=1)
    for row in rows:
        table.add_row(*row)
    out().print(table)
    flagged = sorted({f for r in records for f in r.flags}, key=list(FLAGS).index)
    legend = (
        f"Ratings: one mark per principle in the guide's order ({', '.join(slugs)}), "
        f"{SCORE_MARKS[0]} is 1 and {SCORE_MARKS[-1]} is 5; · not rated; the number is the average."
    )
    if flagged:
        legend += " Flags: " + ", ".join(f"{FLAG_MARKS[f]} {f}" for f in flagged) + "."
    # The legend explains the table; it is a message, not data (stdout holds the table).
    err().print(prose(Text(legend + " Read one in full: peerjournal show ID", style="dim")))


def _list_row(record: Entry, slugs: Sequence[str]) -> list[Text | str]:
    by_slug = {r.slug: r.score for r in record.ratings}
    bar = rating_bar([by_slug.get(s) for s in slugs])
    average = _average(r.score for r in record.ratings)
    ratings = f"{bar} {one_decimal(average)}" if average is not None else bar
    return [
        str(record.id),
        record.occurred_at.strftime("%Y-%m-%d %H:%M"),
        user_text(mode_label(record.mode)),
        "" if record.minutes is None else str(record.minutes),
        ratings,
        flag_marks(record.flags),
        user_text(record.first_line),
    ]


def _entry_body(entry: NewEntry, extra: Sequence[tuple[str, str]] = ()) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("When", when_label(entry.occurred_at))
    facts.add_row("Kind", user_text(mode_label(entry.mode)))
    facts.add_row("Minutes", "not given" if entry.minutes is None else str(entry.minutes))
    facts.add_row("Peer", user_text(entry.peer) if entry.peer else Text("not given", style="dim"))
    facts.add_row("Feeling after", feeling_label(entry.feeling))
    facts.add_row(
        "Flags",
        Text(", ".join(f"{f} ({FLAGS[f]})" for f in entry.flags))
        if entry.flags
        else Text("none", style="dim"),
    )
    facts.add_row(
        "Tags", user_text(", ".join(entry.tags)) if entry.tags else Text("none", style="dim")
    )
    for label, value in extra:
        facts.add_row(label, value)
    parts: list[Table | Text] = [facts]
    if entry.ratings:
        parts += [Text("\nRatings", style="bold"), _ratings_table(entry.ratings)]
    else:
        parts.append(Text("\nNo principles rated.", style="dim"))
    for prompt in REFLECTION_PROMPTS:
        text: str = getattr(entry, prompt.field)
        parts.append(Text(f"\n{prompt.label}", style="bold"))
        parts.append(user_text(text) if text else Text("(nothing written)", style="dim"))
    if entry.follow_ups:
        parts.append(Text("\nFollow-ups", style="bold"))
        for follow_up in entry.follow_ups:
            line = Text("  ")
            if follow_up.id is not None:
                line.append(f"[{follow_up.id}] ", style="dim")
            line.append(inert(follow_up.text))
            if follow_up.due is not None:
                due = when_label_day(follow_up.due, follow_up.due_time)
                line.append(f" · by {due}")
            line.append(" · done" if follow_up.done else " · open", style="dim")
            parts.append(line)
    return Group(*parts)


def feeling_label(feeling: int | None) -> str:
    """How the supporter felt after a conversation: 2 of 5, low."""
    from peerjournal.records import FEELINGS

    if feeling is None:
        return "not given"
    word = FEELINGS.get(feeling)
    return f"{feeling} of 5, {word}" if word else f"{feeling} of 5"


def when_label_day(day: date, clock: time | None) -> str:
    """A due day, with its time when one was given."""
    from peerjournal.records import day_label

    return day_label(day) + (f" {clock:%H:%M}" if clock is not None else "")


def _ratings_table(ratings: Sequence[Rating]) -> Table:
    scores = Table.grid(padding=(0, 2))
    scores.add_column(no_wrap=True)
    scores.add_column(no_wrap=True)
    scores.add_column()
    for rating in ratings:
        name = user_text(rating.name)
        if rating.note:
            name.append(" — why: ", style="dim")
            name.append(inert(rating.note), style="italic")
        scores.add_row(f"{rating.score} of 5", "█" * rating.score + "░" * (5 - rating.score), name)
    return scores


def entry_detail(record: Entry) -> None:
    """One saved entry in full, on stdout."""
    extra = [("Logged", when_label(record.logged_at.astimezone()))]
    if record.edited_at is not None:
        extra.append(("Last edited", when_label(record.edited_at.astimezone())))
    if record.shared:
        extra.append(("Shared", "marked for supervision summaries"))
    body = _entry_body(record, extra)
    out().print(Panel(body, title=f"Entry #{record.id}", title_align="left", expand=False))


def entry_summary(entry: NewEntry) -> None:
    """The entry about to be saved, on stderr, so the user can check it first."""
    err().print(Panel(_entry_body(entry), title="Your entry", title_align="left", expand=False))


# --- search ---

_MATCH_STYLE = "bold underline"  # still visible with NO_COLOR: never colour alone


def search_results(hits: Sequence[Match], query: str) -> None:
    """Each match: its number, when, contact and alias, then the passage with the words marked."""
    console = out()
    if not hits:
        notice(
            f"No entries match {query}. Try fewer words, or the start of a word "
            "followed by * (for example: bound*)."
        )
        return
    for hit in hits:
        entry = hit.entry
        head = Text(f"#{entry.id}", style="bold cyan")
        head.append(f"  {when_label(entry.occurred_at)}  ")
        head.append(inert(mode_label(entry.mode)))
        if entry.peer:
            head.append("  with ")
            head.append(inert(entry.peer))
        if entry.flags:
            head.append(f"  {flag_marks(entry.flags)}", style="bold")
        if entry.tags:
            head.append("  ")
            head.append(inert(", ".join(entry.tags)), style="dim")
        console.print(head)
        console.print(prose(passage(hit.passage)))
        console.print()
    many = "1 entry matches" if len(hits) == 1 else f"{len(hits)} entries match"
    notice(f"{many}, best first. Read one in full with: peerjournal show NUMBER")


def passage(pieces: Sequence[tuple[str, bool]]) -> Text:
    """A search passage with its matches marked, built piece by piece.

    Each piece is made inert on its own and then styled, so escaping a
    control character can never shift a highlight onto the wrong letters.
    """
    text = Text("  ")
    for piece, is_match in pieces:
        shown = inert(piece.replace("\n", " / "))
        text.append(shown, style=_MATCH_STYLE if is_match else "")
    return text
