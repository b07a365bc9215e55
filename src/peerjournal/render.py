"""Everything the user sees: Rich consoles, tables, and text from users shown inert."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from peerjournal.drafts import Draft
    from peerjournal.journal import EntryRecord, NewEntry
    from peerjournal.principles import Guide, Principle
    from peerjournal.privacy import Finding

# C0 and C1 control characters (but newline and tab), DEL, and the Unicode
# bidirectional controls that can make text read differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """User text with every control character shown as a visible escape, never obeyed."""
    return _UNSAFE.sub(_visible, text)


def user_text(text: str, style: str = "") -> Text:
    """A Rich Text of user-written content: markup is not parsed, controls are made visible."""
    return Text(inert(text), style=style)


@cache
def out() -> Console:
    """The console for data, on stdout."""
    return Console(highlight=False, soft_wrap=False)


@cache
def err() -> Console:
    """The console for prompts and messages, on stderr."""
    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One plain line on stderr saying what went wrong and what to do."""
    line = Text("Error: ", style="bold red")
    line.append(inert(message))
    err().print(line, soft_wrap=True)


def notice(message: str) -> None:
    """A short message on stderr (never data)."""
    err().print(Text(inert(message)), soft_wrap=True)


def plain(text: str) -> None:
    """A line of data on stdout, written without any Rich processing."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def principles_list(guide: Guide) -> None:
    table = Table(title="The principles of peer support", title_justify="left", expand=False)
    table.add_column("Slug", style="cyan", no_wrap=True)
    table.add_column("Principle", style="bold")
    table.add_column("What it asks")
    for principle in guide.principles:
        table.add_row(
            user_text(principle.slug), user_text(principle.name), user_text(principle.summary)
        )
    out().print(table)
    out().print(
        Text(
            "Read one in full with: peerjournal principles SLUG (for example: "
            f"peerjournal principles {guide.principles[0].slug})",
            style="dim",
        )
    )


def principle_detail(principle: Principle) -> None:
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
    title = Text(inert(principle.name), style="bold")
    title.append(f"  ({inert(principle.slug)})", style="dim")
    out().print(Panel(Group(body), title=title, title_align="left", expand=False, width=88))


def markup_escape(text: str) -> str:
    """User text made safe to embed inside a Rich markup string."""
    return escape(inert(text))


# --- entries ---

_BAR_BLOCKS = "▁▂▃▅▇"
_NOT_RATED = "·"
MODE_LABELS = {
    "in-person": "in person",
    "phone": "phone",
    "text": "text/chat",
    "video": "video",
    "group": "group",
    "other": "other",
}


def rating_bar(scores: Sequence[int | None]) -> str:
    """One block per principle, taller for a higher score; `·` where not rated."""
    return "".join(_NOT_RATED if s is None else _BAR_BLOCKS[s - 1] for s in scores)


def _when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y %H:%M")


def _mode(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


def _first_line(record: EntryRecord) -> str:
    for text in (record.what_happened, record.so_what, record.now_what):
        for line in text.splitlines():
            if line.strip():
                return line.strip()
    return ""


def _average(scores: Iterable[int]) -> float | None:
    values = list(scores)
    return sum(values) / len(values) if values else None


def entry_list(records: Sequence[EntryRecord], slugs: Sequence[str]) -> None:
    """Recent entries as a table on stdout, newest first."""
    if not records:
        out().print(
            Text("No entries yet. After your next conversation, run: peerjournal log", style="dim")
        )
        return
    rows = [_list_row(record, slugs) for record in records]
    table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
    headers = ("#", "When", "Kind", "Min", "Ratings")
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
    out().print(
        Text(
            f"Ratings: one block per principle in the guide's order ({', '.join(slugs)}); "
            "· not rated; the number is the average. Read one in full: peerjournal show ID",
            style="dim",
        ),
    )


def _list_row(record: EntryRecord, slugs: Sequence[str]) -> list[Text | str]:
    by_slug = {r.slug: r.score for r in record.ratings}
    bar = rating_bar([by_slug.get(s) for s in slugs])
    average = _average(r.score for r in record.ratings)
    ratings = f"{bar} {average:.1f}" if average is not None else bar
    return [
        str(record.id),
        record.local_time.strftime("%Y-%m-%d %H:%M"),
        _mode(record.mode),
        "" if record.minutes is None else str(record.minutes),
        ratings,
        user_text(_first_line(record)),
    ]


def _entry_body(
    *,
    when: datetime,
    mode: str,
    minutes: int | None,
    peer: str | None,
    feeling: int | None,
    tags: Sequence[str],
    ratings: Sequence[tuple[str, int]],
    reflection: Sequence[tuple[str, str]],
    extra: Sequence[tuple[str, str]] = (),
) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("When", _when(when))
    facts.add_row("Kind", _mode(mode))
    facts.add_row("Minutes", "not given" if minutes is None else str(minutes))
    facts.add_row("Peer", user_text(peer) if peer else Text("not given", style="dim"))
    facts.add_row("Feeling after", "not given" if feeling is None else f"{feeling} of 5")
    facts.add_row("Tags", user_text(", ".join(tags)) if tags else Text("none", style="dim"))
    for label, value in extra:
        facts.add_row(label, value)
    parts: list[Table | Text] = [facts]
    if ratings:
        scores = Table.grid(padding=(0, 2))
        scores.add_column(no_wrap=True)
        scores.add_column(no_wrap=True)
        scores.add_column()
        for name, score in ratings:
            scores.add_row(f"{score} of 5", "█" * score + "░" * (5 - score), user_text(name))
        parts += [Text("\nRatings", style="bold"), scores]
    else:
        parts.append(Text("\nNo principles rated.", style="dim"))
    for label, text in reflection:
        parts.append(Text(f"\n{label}", style="bold"))
        parts.append(user_text(text) if text else Text("(nothing written)", style="dim"))
    return Group(*parts)


REFLECTION_LABELS = ("What happened?", "So what?", "Now what?")


def entry_detail(record: EntryRecord) -> None:
    """One saved entry in full, on stdout."""
    extra = [("Logged", _when(record.logged_at.astimezone()))]
    if record.edited_at is not None:
        extra.append(("Last edited", _when(record.edited_at.astimezone())))
    if record.shared:
        extra.append(("Shared", "marked for supervision summaries"))
    body = _entry_body(
        when=record.local_time,
        mode=record.mode,
        minutes=record.minutes,
        peer=record.peer,
        feeling=record.feeling,
        tags=record.tags,
        ratings=[(r.name, r.score) for r in record.ratings],
        reflection=list(
            zip(
                REFLECTION_LABELS,
                (record.what_happened, record.so_what, record.now_what),
                strict=True,
            )
        ),
        extra=extra,
    )
    out().print(Panel(body, title=f"Entry #{record.id}", title_align="left", expand=False))


def entry_summary(entry: NewEntry) -> None:
    """The entry about to be saved, on stderr, so the user can check it first."""
    body = _entry_body(
        when=entry.occurred_at,
        mode=entry.mode,
        minutes=entry.minutes,
        peer=entry.peer,
        feeling=entry.feeling,
        tags=entry.tags,
        ratings=[(r.name, r.score) for r in entry.ratings],
        reflection=list(
            zip(
                REFLECTION_LABELS,
                (entry.what_happened, entry.so_what, entry.now_what),
                strict=True,
            )
        ),
    )
    err().print(Panel(body, title="Your entry", title_align="left", expand=False))


def saved(entry_id: int, feedback: str) -> None:
    """The line that confirms a save, and one line to take away."""
    err().print(Text(f"Saved entry #{entry_id}", style="bold green"))
    err().print(Text(inert(feedback), style="italic"), soft_wrap=True)


def step(number: int, total: int, title: str, hint: str = "") -> None:
    """The heading of one step of the guided log."""
    line = Text(f"\n{number}/{total} ", style="dim")
    line.append(title, style="bold")
    if hint:
        line.append(f"  {hint}", style="dim")
    err().print(line, soft_wrap=True)


def ask(prompt: str) -> str:
    """Read one line the user types, after a prompt on stderr."""
    return err().input(Text(prompt, style="cyan"))


def hint(message: str) -> None:
    """A gentle one-line correction before asking again."""
    err().print(Text(inert(message), style="yellow"), soft_wrap=True)


def principle_prompt(principle: Principle, number: int, total: int) -> None:
    """What a rating step shows: the principle, what it means, and a question to ask."""
    line = Text(f"\n  [{number}/{total}] ", style="dim")
    line.append(inert(principle.name), style="bold")
    line.append(f" — {inert(principle.summary)}")
    err().print(line, soft_wrap=True)
    err().print(Text(f"  Ask yourself: {inert(principle.questions[0])}", style="italic"))


def rating_examples(principle: Principle) -> None:
    """What a 1 and a 5 look like for one principle."""
    err().print(Text(f"  1 looks like: {inert(principle.rating_1)}"), soft_wrap=True)
    err().print(Text(f"  5 looks like: {inert(principle.rating_5)}"), soft_wrap=True)


def privacy_warning(label: str, text: str, findings: Sequence[Finding]) -> None:
    """Show where a text looks identifying, with the spans marked (never colour alone)."""
    err().print(
        Text(f"\nThis may identify someone ({label}):", style="bold yellow"), soft_wrap=True
    )
    marked = Text("  ")
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        marked.append(inert(text[position : finding.start]))
        marked.append(f"»{inert(text[finding.start : finding.end])}«", style="reverse")
        position = finding.end
    marked.append(inert(text[position:]))
    err().print(marked, soft_wrap=True)
    for finding in findings:
        err().print(Text(f"  • {finding.kind}: {inert(finding.text)}"), soft_wrap=True)


def draft_offer(draft: Draft) -> None:
    """Describe the unfinished entry waiting from last time."""
    started = _when(draft.started_at.astimezone())
    line = Text("You have an unfinished entry", style="bold")
    line.append(f" (started {started}")
    preview = draft.reflection.strip().splitlines()
    if preview:
        line.append(": ")
        line.append(inert(preview[0][:60]))
        if len(preview[0]) > 60 or len(preview) > 1:
            line.append("…")
    line.append(").")
    err().print(line, soft_wrap=True)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_data(data: object) -> None:
    """Data as JSON on stdout; characters a terminal could obey are written as \\u escapes."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False)
    # json escapes C0 controls itself; C1 controls and bidi overrides it leaves raw.
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
