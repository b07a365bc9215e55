"""Everything the user sees: Rich consoles, tables, and text from users shown inert."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from peerjournal.journal import SearchHit
    from peerjournal.principles import Guide, Principle

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


# --- archive and search ---

_MATCH_STYLE = "bold underline"  # still visible with NO_COLOR: never colour alone


def search_results(hits: Sequence[SearchHit], query: str) -> None:
    """Each match: its number, when, contact and alias, then the passage with the words marked."""
    console = out()
    if not hits:
        notice(
            f"No entries match {query}. Try fewer words, or the start of a word "
            "followed by * (for example: bound*)."
        )
        return
    for hit in hits:
        head = Text(f"#{hit.id}", style="bold cyan")
        head.append(f"  {hit.local_time.strftime('%a %d %b %Y %H:%M')}  {hit.mode}")
        if hit.peer:
            head.append("  with ")
            head.append(inert(hit.peer))
        if hit.tags:
            head.append("  ")
            head.append(inert(", ".join(hit.tags)), style="dim")
        console.print(head)
        console.print(passage(hit.passage), soft_wrap=False)
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


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while a long job runs (only when stderr is a terminal).

    Yields a function to call with how much is done, out of `total`.
    """
    console = err()
    if not console.is_terminal or total <= 0:
        yield lambda _done: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
        bar.update(task, completed=total)


def markup_escape(text: str) -> str:
    """User text made safe to embed inside a Rich markup string."""
    return escape(inert(text))
