"""Everything the user sees: Rich consoles, tables, and text from users shown inert."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from peerjournal.drafts import Draft
    from peerjournal.glance import PrincipleGlance
    from peerjournal.journal import (
        EntryRecord,
        NewEntry,
        RatedReflection,
        ReflectionRecord,
        SearchHit,
        Window,
    )
    from peerjournal.principles import Guide, Principle
    from peerjournal.privacy import Finding
    from peerjournal.review import Point, Review

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
            body.append(f"  Average {own.average:.2f} of 5, from {own.ratings} rating{plural}.")
        if own.example is not None:
            example = own.example
            body.append(f"\n  A good example: #{example.entry_id} on {example.local_date}, ")
            body.append(f"rated {example.score} of 5:\n")
            text = " / ".join(line for line in example.text.splitlines() if line.strip())
            body.append(f"  {inert(shorten(text, 240, example.entry_id))}", style="italic")
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


def draft_text(draft: Draft) -> None:
    """What the user wrote, on stderr, when it cannot be kept anywhere else."""
    body = Text("Here is what you wrote; copy it somewhere safe:\n", style="bold")
    for label, text in zip(
        REFLECTION_LABELS, (draft.what_happened, draft.so_what, draft.now_what), strict=True
    ):
        if text:
            body.append(f"\n{label}\n", style="italic")
            body.append(inert(text) + "\n")
    if draft.peer:
        body.append("\nPeer: ", style="italic")
        body.append(inert(draft.peer) + "\n")
    if draft.ratings:
        body.append("\nRatings: ", style="italic")
        body.append(", ".join(f"{inert(slug)}={score}" for slug, score in draft.ratings.items()))
        body.append("\n")
    err().print(body, soft_wrap=True)


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


def ask(prompt: str, prefill: str = "", *, history: str | None = "answers") -> str:
    """Read one line the user types, after a prompt on stderr.

    The line starts out holding `prefill` (an old answer being changed), and Up
    recalls earlier answers of this run kept under `history` (None: no recall).
    Where the terminal cannot edit a line, the prompt says that Enter keeps it.
    """
    from peerjournal import terminal

    if terminal.line_editing():
        console = err()
        with console.capture() as captured:
            console.print(Text(prompt, style="cyan"), end="", soft_wrap=True)
        return terminal.read_line(captured.get(), prefill=prefill, history=history)
    err().print(Text(_keeping(prompt, prefill) if prefill else prompt, style="cyan"), end="")
    return terminal.read_line("", prefill=prefill, history=history)


def _keeping(prompt: str, old: str) -> str:
    """The prompt with "[Enter keeps: …]" before its closing ':' or '>'."""
    found = re.search(r"[:>?]\s*$", prompt)
    at = found.start() if found else len(prompt)
    head = prompt[:at].rstrip()
    keeps = f"[Enter keeps: {inert(old)}]"
    if head.strip():
        return f"{head} {keeps}{prompt[len(head) :]}"
    return f"{prompt[:at]}{keeps} {prompt[at:]}"


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


# --- review ---

_BARS = "▁▂▃▄▅▆▇█"
_NO_DATA_MARK = "·"
_NO_DATA_NUMBER = "\u2013"  # an en dash
# A reflection prompt longer than this is shortened on screen, at a word.
REFLECTION_SHOWN_CHARS = 400

_FOCUS_REASONS = {
    "falling": "its average fell three weeks in a row",
    "lowest": "it had your lowest average this week",
    "not-rated": "you have not rated it lately",
}
_FEELING_SUGGESTIONS = {
    "falling": (
        "How you feel after conversations has dropped three weeks in a row. "
        "This could be a good time for a debrief with someone you trust, "
        "a word with your supervisor, or some rest."
    ),
    "low": (
        "This week sounds heavy. Be gentle with yourself: a debrief, "
        "supervision or some time off can help."
    ),
    "busy": (
        "This week was much busier than usual. Plan some rest, and bring it to "
        "supervision if it would help."
    ),
}
_MODE_NAMES = {"in-person": "in person", "text": "text/chat"}


def day_label(day: date, *, year: bool = True) -> str:
    """A day as people say it: Sun 29 Mar 2026."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if year else text


def span_label(window: Window) -> str:
    """A span of days as people write it: Mon 23 Mar, an en dash, Sun 29 Mar 2026."""
    first = day_label(window.start, year=window.start.year != window.end.year)
    return f"{first} \u2013 {day_label(window.end)}"


def sparkline(values: Sequence[float | None]) -> str:
    """One mark per value on a fixed 1-to-5 scale; a dot where there is no value."""
    marks = []
    for value in values:
        if value is None:
            marks.append(_NO_DATA_MARK)
        else:
            index = round((min(max(value, 1.0), 5.0) - 1.0) / 4.0 * (len(_BARS) - 1))
            marks.append(_BARS[index])
    return "".join(marks)


def trend_numbers(values: Sequence[float | None]) -> str:
    """The numbers behind a sparkline, one decimal each, a dash where there is none."""
    return " ".join(_NO_DATA_NUMBER if v is None else f"{v:.1f}" for v in values)


def shorten(text: str, limit: int, entry_id: int) -> str:
    """Text cut at a word before `limit` characters, saying where to read the rest."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return f"{cut.rstrip()}… (see: peerjournal show {entry_id})"


def review_empty() -> None:
    """What to do when the journal has nothing to review yet."""
    notice(
        "Your journal has no entries yet, so there is nothing to review. "
        "After your next support conversation, run: peerjournal log. "
        "Then come back to peerjournal review at the end of the week."
    )


def _average_text(average: float | None, ratings: int) -> Text:
    if average is None:
        return Text("not rated", style="dim")
    return Text(f"{average:.2f} ({ratings})")


def _change_text(change: float | None) -> Text:
    if change is None:
        return Text(_NO_DATA_NUMBER, style="dim")
    if change > 0.005:
        return Text(f"▲ {change:.2f}", style="green")
    if change < -0.005:
        return Text(f"▼ {abs(change):.2f}", style="red")
    return Text("= 0.00")


def _trend_cell(points: Sequence[Point]) -> Text:
    values = [p.average for p in points]
    cell = Text(sparkline(values), style="cyan")
    cell.append("\n")
    cell.append(trend_numbers(values), style="dim")
    return cell


def _header(review: Review) -> Text:
    head = Text()
    head.append(f"Your week: {span_label(review.period)}", style="bold")
    head.append(f"\nCompared with the week before: {span_label(review.previous_period)}\n")
    if review.conversations == 0:
        head.append("No conversations logged this week.")
        return head
    plural = "" if review.conversations == 1 else "s"
    head.append(f"{review.conversations} conversation{plural} · {review.minutes} minutes")
    if review.modes:
        mix = ", ".join(f"{_MODE_NAMES.get(m, m)} {n}" for m, n in review.modes.items())
        head.append(f" · {inert(mix)}")
    return head


def _principle_table(review: Review) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    # Names wrap before the trend's numbers do: the numbers read best on one line.
    numbers_width = 4 * len(review.windows) - 1
    others = len("This week") + len("▲ 0.00") + numbers_width + 3 * 3
    table.add_column("Principle", min_width=12, max_width=max(12, out().width - others))
    table.add_column("This week", no_wrap=True)
    table.add_column("Change", no_wrap=True)
    table.add_column(f"Trend, {len(review.windows)} weeks", min_width=8)
    for stats in review.principles:
        name = user_text(stats.name, style="bold")
        if stats.retired:
            name.append(" (retired)", style="dim")
        table.add_row(
            name,
            _average_text(stats.average, stats.ratings),
            _change_text(stats.change),
            _trend_cell(stats.trend),
        )
    return table


def _focus_text(review: Review) -> Text:
    body = Text()
    if review.strongest is not None and review.strongest.average is not None:
        body.append("Strongest this week: ", style="bold")
        body.append(inert(review.strongest.name))
        plural = "" if review.strongest.ratings == 1 else "s"
        body.append(
            f" ({review.strongest.average:.2f} from {review.strongest.ratings} rating{plural})\n"
        )
    focus = review.focus
    if focus is None:
        if review.strongest is None:
            body.append("No principle was rated this week, so there is no focus to suggest.")
        else:
            body.append("No single principle stands out to focus on next week.")
        return body
    body.append("Focus for next week: ", style="bold")
    body.append(inert(focus.name))
    body.append(f", because {_FOCUS_REASONS.get(focus.reason, focus.reason)}.")
    if focus.questions:
        body.append("\nAsk yourself:")
        for question in focus.questions:
            body.append(f"\n  • {inert(question)}")
    return body


def _feeling_text(review: Review) -> Text:
    feeling = review.feeling
    body = Text()
    body.append("How you felt after conversations: ", style="bold")
    if feeling.average is None:
        body.append("not noted this week")
    else:
        plural = "" if feeling.ratings == 1 else "s"
        body.append(f"{feeling.average:.2f} of 5 ({feeling.ratings} note{plural})")
    values = [p.average for p in feeling.trend]
    if any(v is not None for v in values):
        body.append("\nTrend: ")
        body.append(sparkline(values), style="cyan")
        body.append(f"  {trend_numbers(values)}", style="dim")
    if feeling.suggestion is not None:
        body.append("\n")
        body.append(_FEELING_SUGGESTIONS.get(feeling.suggestion, ""), style="italic")
    return body


def _intention_text(review: Review) -> Text:
    body = Text()
    if review.intention is not None:
        body.append("Last week you meant to: ", style="bold")
        body.append(inert(review.intention.text))
    else:
        body.append("No intention was written last week.", style="dim")
    if review.current_intention is not None:
        body.append("\nYour intention for next week: ", style="bold")
        body.append(inert(review.current_intention.text))
    return body


def _reflection_lines(reflection: ReflectionRecord, *, peer: bool = True) -> Group:
    when = reflection.local_time
    head = Text(f"#{reflection.id} · {day_label(when.date())} {when:%H:%M} · ", style="bold")
    head.append(inert(_MODE_NAMES.get(reflection.mode, reflection.mode)))
    if reflection.minutes is not None:
        head.append(f" · {reflection.minutes} min")
    if peer and reflection.peer:
        head.append(" · with ")
        head.append(inert(reflection.peer))
    if reflection.feeling is not None:
        head.append(f" · feeling {reflection.feeling}/5")
    parts: list[Text | Padding] = [head]
    for label, text in (
        ("What happened", reflection.what_happened),
        ("So what", reflection.so_what),
        ("Now what", reflection.now_what),
    ):
        if text.strip():
            line = Text(f"{label}: ", style="italic")
            line.append(inert(shorten(text, REFLECTION_SHOWN_CHARS, reflection.id)))
            # Wrapped lines stay indented under their prompt, easy to tell apart.
            parts.append(Padding(line, (0, 0, 0, 2)))
    return Group(*parts)


def review_screen(
    review: Review,
    reflections: Sequence[ReflectionRecord],
    total: int,
    *,
    console: Console | None = None,
) -> None:
    """The weekly review as a supporter reads it."""
    screen = console or out()
    screen.print(_header(review))
    screen.print()
    screen.print(_principle_table(review))
    screen.print(
        Text(
            f"Trend: one mark a week, oldest first ({_BARS[0]} is 1, {_BARS[-1]} is 5); "
            f"{_NO_DATA_MARK} and {_NO_DATA_NUMBER}: not rated that week.",
            style="dim",
        )
    )
    screen.print()
    screen.print(_focus_text(review))
    screen.print()
    screen.print(_feeling_text(review))
    screen.print()
    screen.print(_intention_text(review))
    screen.print()
    if not reflections:
        screen.print(Text("No reflections this week.", style="dim"))
        return
    screen.print(Text("Your reflections this week", style="bold underline"))
    for reflection in reflections:
        screen.print()
        screen.print(_reflection_lines(reflection))
    if total > len(reflections):
        more = total - len(reflections)
        screen.print(
            Text(
                f"…and {more} more this week. See them all with: peerjournal list "
                f"--since {review.period.start} --until {review.period.end}",
                style="dim",
            )
        )


def intention_question(existing: str) -> None:
    """Invite this week's intention before the prompt (on stderr)."""
    text = Text("\nOne thing you mean to practise next week", style="bold")
    if existing:
        # The words themselves are on the answer's line, ready to change.
        text.append(" (Enter keeps what you wrote)", style="")
    else:
        text.append(" (Enter skips)")
    err().print(text)


def principle_ratings(
    review: Review,
    slug: str,
    ratings: Sequence[RatedReflection],
    *,
    console: Console | None = None,
) -> None:
    """Every rating of one principle in the period, with its reflection."""
    screen = console or out()
    stats = next((s for s in review.principles if s.slug == slug), None)
    name = stats.name if stats is not None else slug
    title = user_text(name, style="bold")
    if stats is not None and stats.retired:
        title.append(" (retired)", style="dim")
    title.append(f": {span_label(review.period)}")
    screen.print(title)
    if not ratings:
        screen.print(
            Text(
                "You did not rate it this week. Rate it after your next conversation "
                "with: peerjournal log",
                style="dim",
            )
        )
        return
    if stats is not None and stats.average is not None:
        plural = "" if stats.ratings == 1 else "s"
        screen.print(f"Average {stats.average:.2f} from {stats.ratings} rating{plural}")
    for rated in ratings:
        screen.print()
        line = Text(f"{rated.score}/5", style="bold")
        if rated.note:
            line.append(" · ")
            line.append(inert(rated.note))
        screen.print(line)
        screen.print(_reflection_lines(rated.reflection))


def _md(text: str) -> str:
    """User text made plain for a Markdown line: controls visible, pipes kept out of tables."""
    return inert(text).replace("|", "\\|").replace("\n", " ").strip()


def review_markdown(
    review: Review,
    reflections: Sequence[ReflectionRecord],
    total: int,
    *,
    include_notes: bool = False,
) -> str:
    """A supervision-ready summary; private text only when the user asked for it."""
    lines = [
        f"# Peer support review: {span_label(review.period)}",
        "",
        f"- Conversations: {review.conversations} ({review.minutes} minutes)",
    ]
    if review.modes:
        mix = ", ".join(f"{_MODE_NAMES.get(m, m)} {n}" for m, n in review.modes.items())
        lines.append(f"- Kinds of contact: {_md(mix)}")
    feeling = review.feeling
    if feeling.average is not None:
        lines.append(f"- Feeling after conversations: {feeling.average:.2f} of 5")
    lines += [
        "",
        "## Principles",
        "",
        "| Principle | This week | Week before | Change | Trend |",
        "|---|---|---|---|---|",
    ]
    for stats in review.principles:
        name = _md(stats.name) + (" (retired)" if stats.retired else "")
        this = "not rated" if stats.average is None else f"{stats.average:.2f} ({stats.ratings})"
        before = "not rated" if stats.previous_average is None else f"{stats.previous_average:.2f}"
        change = _change_text(stats.change).plain
        values = [p.average for p in stats.trend]
        lines.append(f"| {name} | {this} | {before} | {change} | {trend_numbers(values)} |")
    lines.append("")
    if review.focus is not None:
        lines += [
            "## Focus for next week",
            "",
            f"**{_md(review.focus.name)}**, because "
            f"{_FOCUS_REASONS.get(review.focus.reason, review.focus.reason)}.",
            "",
        ]
        lines += [f"- {_md(q)}" for q in review.focus.questions]
        lines.append("")
    if include_notes and review.intention is not None:
        lines += ["## Last week's intention", "", _md(review.intention.text), ""]
    heading = "Reflections" if include_notes else "Reflections shared for supervision"
    lines += [f"## {heading}", ""]
    if not reflections:
        lines += ["None this week.", ""]
    for reflection in reflections:
        when = reflection.local_time
        head = f"### {day_label(when.date())}, {_MODE_NAMES.get(reflection.mode, reflection.mode)}"
        if reflection.minutes is not None:
            head += f", {reflection.minutes} minutes"
        if include_notes and reflection.peer:
            head += f", with {_md(reflection.peer)}"
        lines += [head, ""]
        for label, text in (
            ("What happened", reflection.what_happened),
            ("So what", reflection.so_what),
            ("Now what", reflection.now_what),
        ):
            if text.strip():
                lines += [f"**{label}:** {inert(text.strip())}", ""]
    if total > len(reflections):
        lines += [f"_{total - len(reflections)} more not included._", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
