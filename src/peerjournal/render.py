"""Everything the user sees: Rich consoles, tables, and text from users shown inert."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.constrain import Constrain
from rich.markup import escape
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import FLAGS, REFLECTION_PROMPTS, day_label, mode_label, when_label
from peerjournal.records import span_label as records_span_label

if TYPE_CHECKING:
    from peerjournal.drafts import Draft
    from peerjournal.feedback import Care, Feedback, Lowest, Strength, Thanks
    from peerjournal.peers import PeerReview
    from peerjournal.principles import Guide, Principle
    from peerjournal.privacy import Finding
    from peerjournal.queries import Match, OpenFollowUp, Window
    from peerjournal.queries.light import PrincipleGlance
    from peerjournal.records import Entry, EntryFilter, FollowUp, NewEntry, Rating
    from peerjournal.review import Evidence, Focus, Point, Review, Strongest

__all__ = ["day_label", "inert", "when_label"]


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun, right for one and for many: 1 entry, 3 entries."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def user_text(text: str, style: str = "") -> Text:
    """A Rich Text of user-written content: markup is not parsed, controls are made visible."""
    return Text(inert(text), style=style)


# emoji=False: a ":name:" a supporter typed stays as typed, and Rich's table of
# emoji codes (a few milliseconds to import) is never loaded.


@cache
def out() -> Console:
    """The console for data, on stdout."""
    return Console(highlight=False, soft_wrap=False, emoji=False)


@cache
def err() -> Console:
    """The console for prompts and messages, on stderr."""
    return Console(stderr=True, highlight=False, emoji=False)


# --- wrapping -------------------------------------------------------------------------

# Lines of prose longer than this are hard to follow back to their start: on a
# wide terminal, questions, messages and the review's sentences stop here.
READABLE_WIDTH = 100
# A line's own indent, and a bullet or an item's number ("[3] ") after it, are where
# its wrapped lines continue.
_INDENT = re.compile(r" *(?:[•\-] |\[\d+\] )?")
# Below this many columns for the words, a hanging indent costs more than it shows.
_NARROWEST_BODY = 20


def measure(console: Console | None = None) -> int:
    """How wide prose runs on `console` (the messages' console by default): the
    terminal's width, but never more than a readable measure."""
    return min((console or err()).width, READABLE_WIDTH)


def wrap_lines(text: Text, console: Console, width: int, *, hang: int | None = None) -> list[Text]:
    """`text` broken into lines of at most `width` cells, at spaces only.

    Each line of `text` is a paragraph. Its wrapped lines continue under its
    hanging indent: `hang` columns when given, else its own leading spaces and a
    bullet ("• ", "- ") or an item's number ("[3] ") after them. The only thing
    ever broken inside is a word longer than a whole line. The last line keeps
    trailing spaces (a question's prompt ends with one); every other line loses them.
    """
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        plain = paragraph.plain
        indent = hang if hang is not None and plain.strip() else _own_indent(plain)
        indent = min(indent, len(plain), max(width - _NARROWEST_BODY, 0))
        head, body = paragraph[:indent], paragraph[indent:]
        pieces = body.wrap(console, max(width - indent, 1), overflow="fold", justify="default")
        for number, piece in enumerate(pieces):
            line = head.copy() if number == 0 else Text(" " * indent)
            line.append_text(piece)
            lines.append(line)
    for line in lines[:-1]:
        line.rstrip()
    return lines


def _own_indent(plain: str) -> int:
    found = _INDENT.match(plain)
    return found.end() if found else 0


def wrapped(text: Text, console: Console, *, hang: int | None = None) -> Text:
    """`text` wrapped to the readable measure of `console`, as one Text (see wrap_lines)."""
    joined = Text("\n").join(wrap_lines(text, console, measure(console), hang=hang))
    joined.end = text.end
    return joined


class Prose:
    """Text that wraps at spaces to a readable measure, with hanging indents (see wrap_lines).

    A renderable, so it wraps to whatever room it is given: a whole terminal,
    or the inside of a panel. Printed with soft wrapping, it stays one line per
    paragraph.
    """

    def __init__(self, text: Text, *, hang: int | None = None) -> None:
        self.text = text
        self.hang = hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.no_wrap:
            yield self.text
            return
        width = min(options.max_width, READABLE_WIDTH)
        for line in wrap_lines(self.text, console, width, hang=self.hang):
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        words = [len(word) for word in self.text.plain.split()] or [0]
        longest = max((len(line) for line in self.text.plain.splitlines()), default=0)
        widest = min(longest, READABLE_WIDTH, options.max_width)
        return Measurement(min(max(words), widest), widest)


def prose(text: str | Text, *, style: str = "", hang: int | None = None) -> Prose:
    """Prose for a screen (see Prose); a str is shown literally, never as markup."""
    return Prose(text if isinstance(text, Text) else Text(inert(text), style=style), hang=hang)


def say(text: Text, *, hang: int | None = None, end: str = "\n") -> None:
    """A message on stderr, wrapped to the terminal's readable measure.

    Written to a file or a pipe instead, each paragraph stays on one line,
    whole, for whatever reads it to wrap (or search) as it likes.
    """
    console = err()
    if console.is_terminal:
        text = wrapped(text, console, hang=hang)
    console.print(text, soft_wrap=True, end=end)


def error(message: str) -> None:
    """One plain sentence on stderr saying what went wrong and what to do."""
    line = Text("Error: ", style="bold red")
    line.append(inert(message))
    say(line)


def warning(message: str) -> None:
    """One sentence on stderr about something that needs fixing but did not stop the command."""
    line = Text("Warning: ", style="bold yellow")
    line.append(inert(message))
    say(line)


def notice(message: str) -> None:
    """A short message on stderr (never data)."""
    say(Text(inert(message)))


def plain(text: str) -> None:
    """A line of data on stdout, written without any Rich processing."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


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


# --- archive and search ---

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

_NOT_RATED = "·"
# One mark per flag, for the compact `list` column (the legend under the list names them).
FLAG_MARKS = {"safety": "!", "debrief": "D", "boundary": "B", "disclosure": "S", "own-story": "O"}


# One scale of marks for a score or an average, 1 to 5, on every screen.
SCORE_MARKS = "▁▂▃▄▅▆▇█"


def score_mark(value: float) -> str:
    """The mark for a score or an average on the fixed 1-to-5 scale."""
    index = round((min(max(value, 1.0), 5.0) - 1.0) / 4.0 * (len(SCORE_MARKS) - 1))
    return SCORE_MARKS[index]


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
        inert(mode_label(record.mode)),
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


def draft_text(draft: Draft) -> None:
    """What the user wrote, on stderr, when it cannot be kept anywhere else."""
    body = Text("Here is what you wrote; copy it somewhere safe:\n", style="bold")
    for prompt in REFLECTION_PROMPTS:
        text = getattr(draft, prompt.field)
        if text:
            body.append(f"\n{prompt.label}\n", style="italic")
            body.append(inert(text) + "\n")
    if draft.peer:
        body.append("\nPeer: ", style="italic")
        body.append(inert(draft.peer) + "\n")
    if draft.ratings:
        body.append("\nRatings: ", style="italic")
        body.append(", ".join(f"{inert(slug)}={score}" for slug, score in draft.ratings.items()))
        body.append("\n")
    say(body)


def saved(record: Entry, *, heavy: bool = False) -> None:
    """The line that confirms a save, saying what was understood (on stderr). After a
    heavy conversation it is plain: no cheerful colour before the words of care."""
    style = "" if heavy else "bold green"
    say(Text(f"Saved entry #{record.id} — {saved_facts(record)}", style=style))


def saved_facts(entry: NewEntry) -> str:
    """An entry in one line, so a script's author can check how its flags were read:
    Mon 30 Nov 2026 09:00 · phone · 25 min · 2 ratings."""
    parts = [when_label(entry.occurred_at), inert(mode_label(entry.mode))]
    if entry.minutes is not None:
        parts.append(f"{entry.minutes} min")
    parts.append(plural(len(entry.ratings), "rating") if entry.ratings else "no ratings")
    if entry.flags:
        parts.append("flagged " + ", ".join(entry.flags))
    if entry.follow_ups:
        parts.append(plural(len(entry.follow_ups), "follow-up"))
    return " · ".join(parts)


# --- after saving: the feedback ---

# What a flag says, as feedback tells it back to the supporter.
_FLAG_REASONS = {
    "boundary": "a boundary or role question",
    "disclosure": "that you shared some of your own story",
    "own-story": "that it stirred up your own experience",
}
_AGAIN = "What did you do that helped? Naming it makes it easier to do again."
_ON_THE_LIST = "It's on your supervision list."


def feedback(said: Feedback, guide: Guide, entry_id: int) -> None:
    """What to take away from the entry just saved, on stderr (see feedback.py for the rules)."""
    from peerjournal.feedback import Care

    if not isinstance(said, Care):
        say(Text(feedback_words(said, entry_id), style="italic"))
        return
    before, after = care_words(said, guide, entry_id)
    for paragraph in before:
        say(Text(paragraph))
    err().print(support_contacts(guide))
    say(Text("\n" + " ".join(after)))


def care_words(said: Care, guide: Guide, entry_id: int) -> tuple[list[str], list[str]]:
    """The care given after a heavy conversation, as short paragraphs: those before the
    support contacts, and those after them. Never a word about ratings."""
    from peerjournal.records import FEELINGS

    # Words of risk alone, with no safety flag and no low feeling, may be everyday
    # harm-reduction work: acknowledged, not declared heavy.
    mentioned = said.risk_words and said.feeling is None and not said.debrief
    heavy = said.safety or (said.risk_words and not mentioned)
    opening: list[str] = []
    if heavy:
        opening.append(
            "That sounds like a heavy conversation. Thank you for staying with it, "
            "and for writing it down."
        )
    elif mentioned:
        opening.append(
            "Your note touches on a risk to someone's life. If this conversation was heavy, "
            "thank you for staying with it."
        )
    elif said.debrief:
        opening.append(
            "Thank you for writing this one down. Marking it to talk through was a good call."
        )
    if said.feeling is not None:
        feeling = FEELINGS[said.feeling]
        if opening:
            opening.append(
                f"You noted feeling {feeling} afterwards, which is understandable after a "
                "conversation like this."
            )
        else:
            opening.append(
                f"You noted feeling {feeling} after this conversation. That's worth listening "
                "to. Thank you for writing it down."
            )
    before = [" ".join(opening)]
    if said.safety and guide.safety_note:
        before.append(guide.safety_note)
    if heavy:
        before.append(
            "After a call like this, it helps to talk it through soon, with your supervisor "
            "or someone you trust."
        )
    else:
        before.append(
            "Before your next conversation, take a few minutes for yourself, and reach out "
            "if it would help to talk it through."
        )
    after: list[str] = []
    if said.flagged:
        after.append(
            "It is on your list to bring to supervision: your weekly review shows it under "
            "'To bring to supervision'."
        )
    if said.risk_words:
        if said.flagged:
            after.append(
                "Your note mentions a risk to someone's life; you can add the safety flag "
                f"too: peerjournal edit {entry_id}"
            )
        else:
            after.append(
                "Your note mentions a risk to someone's life. To put it on your supervision "
                f"list, add the safety flag: peerjournal edit {entry_id}"
            )
    elif not said.flagged:
        after.append(
            "If you would like to talk it over in supervision, add the debrief flag and it "
            f"will be on your list: peerjournal edit {entry_id}"
        )
    return before, after


def feedback_words(said: Lowest | Strength | Thanks, entry_id: int) -> str:
    """The one or two sentences to take away when the conversation was not a heavy one:
    the supporter's own ratings said back as theirs, and a question a supervisor would ask."""
    from peerjournal.feedback import Lowest, Strength

    debrief = (
        "That's worth talking over in supervision: add the debrief flag with "
        f"peerjournal edit {entry_id}"
    )
    opening = ""
    if "own-story" in said.flags:
        opening = "When a conversation touches your own story, look after yourself too. "
    listed = f" {_ON_THE_LIST}" if said.flags else ""
    if isinstance(said, Lowest):
        came = "among the lowest" if said.shared else "lower than the others"
        text = f"You rated {inert(said.name)} {came} this time (a {said.score})."
        if said.question is None:
            return f"{opening}{text} What got in the way?{listed}"
        if said.flag is not None:
            reason = _FLAG_REASONS.get(said.flag, f"'{said.flag}'")
            return (
                f"{opening}{text} Since you flagged {reason}, a question to carry into your "
                f"next conversation: {inert(said.question)}{listed}"
            )
        return (
            f"{opening}{text} A question to carry into your next conversation: "
            f"{inert(said.question)}{listed}"
        )
    if isinstance(said, Strength):
        if said.rated == 1:
            name = inert(said.best[0])
            said_well = (
                f"You felt {name} went well in this conversation (you gave it a {said.score})."
            )
        elif len(said.best) == said.rated:
            said_well = f"You rated every principle you chose a {said.score}."
        elif len(said.best) == 1:
            said_well = f"{inert(said.best[0])} stood out for you, and the rest held up well."
        else:
            said_well = f"{len(said.best)} of them stood out for you, and the rest held up well."
        return f"{opening}{said_well} {_AGAIN}{listed}"
    if said.reason == "unrated":
        return (
            f"{opening}Thank you for taking the time to reflect. If you like, rate the one or "
            f"two principles this conversation called on most next time.{listed}"
        )
    if said.reason == "one":
        if said.score is not None and said.score <= 2 and said.names:
            return (
                f"{opening}You gave {inert(said.names[0])} a {said.score}. "
                f"{listed.strip() or debrief + '.'}"
            )
        return (
            f"{opening}Thank you for reflecting on this one; your weekly review will bring "
            f"it together with the rest.{listed}"
        )
    if len(said.names) == said.rated:
        text = f"You rated them all {said.score} this time."
    else:
        # Joined so that names holding "and" still read apart.
        went = ", and ".join(f"to {inert(name)}" for name in said.names)
        text = f"Your lowest rating ({said.score}) went {went}."
    if said.score is not None and said.score <= 2:
        return f"{opening}{text} {listed.strip() or debrief + '.'}"
    return f"{opening}{text} What is one small thing you might try differently next time?{listed}"


def step(number: int, total: int, title: str, hint: str = "") -> None:
    """The heading of one step of the guided log."""
    counter = f"{number}/{total} "
    line = Text(f"\n{counter}", style="dim")
    line.append(title, style="bold")
    if hint:
        line.append(f"  {hint}", style="dim")
    # Wrapped words continue under the title, clear of the step's number.
    say(line, hang=len(counter))


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
            console.print(wrapped(Text(prompt, style="cyan"), console), end="", soft_wrap=True)
        return terminal.read_line(captured.get(), prefill=prefill, history=history)
    say(Text(_keeping(prompt, prefill) if prefill else prompt, style="cyan"), end="")
    return terminal.read_line("", prefill=prefill, history=history)


def question_text(question: str) -> str:
    """A question as the terminal shows it before the answer: styled as every question,
    wrapped like every message (on a terminal), ending in one space."""
    console = err()
    text = Text(question.rstrip() + " ", style="cyan")
    with console.capture() as captured:
        console.print(wrapped(text, console) if console.is_terminal else text, end="")
    return captured.get()


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
    """A gentle correction before asking again."""
    say(Text(inert(message), style="yellow"))


def flag_menu() -> None:
    """The flags a step offers, numbered, each with what it means."""
    grid = Table.grid(padding=(0, 1))
    for number, (name, meaning) in enumerate(FLAGS.items(), start=1):
        grid.add_row(f"  {number}", Text(name, style="bold"), Text(meaning, style="dim"))
    err().print(grid)


def principle_menu(guide: Guide) -> None:
    """The guide's principles, numbered, to choose the ones a conversation tested."""
    grid = Table.grid(padding=(0, 1))
    for number, principle in enumerate(guide.principles, start=1):
        grid.add_row(
            f"  {number}", user_text(principle.name), user_text(f"({principle.slug})", "dim")
        )
    err().print(grid)


def step_menu(titles: Sequence[str]) -> None:
    """The numbered steps, to pick one to change at the summary."""
    line = Text("  ")
    line.append(" · ".join(f"{n} {t}" for n, t in enumerate(titles, start=1)))
    say(line, hang=2)


def summary_choices() -> None:
    """What each answer to `Save? [Y/n/e]` does."""
    say(Text("  Enter saves it; n keeps it unsaved, as a draft; e changes one step.", style="dim"))


# The principles a safety protocol can seem to go against: when the entry is flagged
# `safety`, their rating step says first that following the protocol is no lapse.
SAFETY_SENSITIVE = frozenset(("empowerment", "emotional-safety", "trust"))


def principle_prompt(
    principle: Principle, number: int, total: int, *, flags: Sequence[str] = ()
) -> None:
    """What a rating step shows: the principle, what it means, and a question to ask."""
    counter = f"  [{number}/{total}] "
    line = Text(f"\n{counter}", style="dim")
    line.append(inert(principle.name), style="bold")
    line.append(f" — {inert(principle.summary)}")
    say(line, hang=len(counter))
    say(Text(f"  Ask yourself: {inert(principle.questions[0])}", style="italic"))
    if "safety" in flags and principle.slug in SAFETY_SENSITIVE:
        say(
            Text(
                "  You flagged safety. Following your protocol is good practice, not a lapse "
                "here. Rate how you did it: honestly, calmly, kindly, and involving them "
                "where you could."
            )
        )


def rating_examples(principle: Principle) -> None:
    """What a 1 and a 5 look like for one principle."""
    say(Text(f"  1 looks like: {inert(principle.rating_1)}"))
    say(Text(f"  5 looks like: {inert(principle.rating_5)}"))


def privacy_warning(label: str, text: str, findings: Sequence[Finding]) -> None:
    """Show where a text looks identifying, with the spans marked (never colour alone)."""
    say(Text(f"\nThis may identify the person, in your answer to '{label}':", style="bold yellow"))
    marked = Text("  ")
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        marked.append(inert(text[position : finding.start]))
        marked.append(f"»{inert(text[finding.start : finding.end])}«", style="reverse")
        position = finding.end
    marked.append(inert(text[position:]))
    say(marked)
    for finding in findings:
        say(Text(f"  • {finding.kind}: {inert(finding.text)}"))


def draft_offer(draft: Draft) -> None:
    """Describe the unfinished entry waiting from last time."""
    started = when_label(draft.started_at.astimezone())
    line = Text("You have an unfinished entry", style="bold")
    line.append(f" (started {started}")
    preview = draft.reflection.strip().splitlines()
    if preview:
        line.append(": ")
        line.append(inert(preview[0][:60]))
        if len(preview[0]) > 60 or len(preview) > 1:
            line.append("…")
    line.append(").")
    say(line)


def json_data(data: object) -> None:
    """Data as JSON on stdout, through the one JSON writer (characters a terminal could
    obey are written as \\u escapes)."""
    from peerjournal.output import write_json

    write_json(data, sys.stdout)


# --- follow-ups ---


def follow_ups_reminder(due_today: int, overdue: int) -> None:
    """The one line `log` opens with when promises are due or overdue."""
    parts = []
    if overdue:
        parts.append(f"{plural(overdue, 'follow-up')} overdue")
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


# --- review ---

_NO_DATA_MARK = "·"
_NO_DATA_NUMBER = "\u2013"  # an en dash
# A reflection prompt longer than this is shortened on screen, at a word.
REFLECTION_SHOWN_CHARS = 400
# A quoted line of the supporter's own words, the same.
QUOTE_SHOWN_CHARS = 160
# What each feeling rule saw, in words that say exactly that (the trend line
# beside them shows the numbers).
_HEAVY = {
    "low-run": "The last two weeks have been heavy.",
    "falling": "How you feel after conversations has dropped three weeks in a row.",
    "low": "This week has been heavy.",
    "easing": (
        "You've been coming away from conversations a little lower each week lately. "
        "It may be worth a check-in with yourself."
    ),
}
_BUSY = (
    "That's a lot of time on calls this week ({0} minutes). Can you plan some rest? "
    "Supervision can help too."
)
_SUMMARY_NOTE = (
    "_Self-ratings are for reflection, not evaluation. This summary holds only "
    "what the supporter chose to share._"
)


def one_decimal(value: float) -> str:
    """A number as people read it: one decimal, halves rounded up (4.25 is 4.3)."""
    from peerjournal.records import rounded

    return str(rounded(value))


def span_label(window: Window) -> str:
    """A span of days as people write it: Mon 23 Mar, an en dash, Sun 29 Mar 2026."""
    return records_span_label(window.start, window.end)


def sparkline(values: Sequence[float | None]) -> str:
    """One mark per value on the fixed 1-to-5 scale of every screen; a dot where there is none."""
    return "".join(_NO_DATA_MARK if v is None else score_mark(v) for v in values)


def trend_numbers(values: Sequence[float | None]) -> str:
    """The numbers behind a sparkline, one decimal each, a dash where there is none."""
    return " ".join(_NO_DATA_NUMBER if v is None else one_decimal(v) for v in values)


def shorten(text: str, limit: int, entry_id: int | None = None) -> str:
    """Text cut at a word before `limit` characters, saying so (and where to read the rest)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    if entry_id is None:
        return f"{cut.rstrip()}…"
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
    return Text(f"{one_decimal(average)} ({plural(ratings, 'rating')})")


def _change_label(change: float | None) -> str:
    if change is None:
        return _NO_DATA_NUMBER
    size = one_decimal(abs(change))
    if size == "0.0":
        return "same"
    return f"▲ {size}" if change > 0 else f"▼ {size}"


def _change_text(change: float | None) -> Text:
    from peerjournal.review import notable

    label = _change_label(change)
    if change is None:
        return Text(label, style="dim")
    # Self-ratings are for reflection: a change that means something is made
    # bold, never red or green; the arrow always says which way.
    if not notable(change):
        return Text(label)
    return Text(label, style="bold")


def _trend_cell(points: Sequence[Point]) -> Text:
    values = [p.average for p in points]
    cell = Text(sparkline(values), style="cyan")
    cell.append("\n")
    cell.append(trend_numbers(values), style="dim")
    return cell


def _minutes(review: Review) -> str | None:
    """The week's minutes, saying how many conversations they cover when some were untimed."""
    if review.timed == 0:
        return None
    minutes = plural(review.minutes, "minute")
    if review.timed == review.conversations:
        return minutes
    return f"{minutes} over {review.timed} of them"


def _mix(review: Review) -> str:
    return ", ".join(f"{mode_label(m)} {n}" for m, n in review.modes.items())


def _header(review: Review) -> Text:
    head = Text()
    head.append(f"Your week: {span_label(review.period)}", style="bold")
    head.append(f"\nCompared with the week before: {span_label(review.previous_period)}\n")
    if review.where.narrowed:
        head.append(f"Only the entries {inert(review.where.describe())}.\n")
    if review.conversations == 0:
        head.append("No conversations logged this week.")
        return head
    head.append(plural(review.conversations, "conversation"))
    minutes = _minutes(review)
    if minutes is not None:
        head.append(f" · {minutes}")
    if review.modes:
        head.append(f" · {inert(_mix(review))}")
    return head


def _principle_table(review: Review) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    # Names wrap before the trend's numbers do: the numbers read best on one line.
    numbers_width = 4 * len(review.windows) - 1
    widest = max(
        (_average_text(s.average, s.ratings).cell_len for s in review.principles), default=9
    )
    others = max(widest, len("This week")) + len("Change") + numbers_width + 3 * 3
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


def _evidence_label(evidence: Evidence) -> str:
    return f"{one_decimal(evidence.average)} from {plural(evidence.ratings, 'rating')}"


def _strongest_sentence(strongest: Strongest) -> str:
    evidence = strongest.evidence
    if evidence.weeks == 1:
        said = f"{strongest.name} was your strongest this week"
    else:
        said = f"{strongest.name} has been your strongest over the last two weeks"
    return f"{said} ({_evidence_label(evidence)}). What helped there?"


def _focus_sentence(focus: Focus) -> str:
    """What the ratings show, then a question, as a supervisor would ask it."""
    if focus.reason == "falling":
        steps = ", ".join(one_decimal(v) for v in focus.falls[:-1])
        return (
            f"{focus.name} has been lower each week for three weeks "
            f"({steps}, then {one_decimal(focus.falls[-1])}). What has been making it harder?"
        )
    if focus.evidence.weeks == 1:
        said = f"You rated {focus.name} lowest this week"
    else:
        said = f"You have rated {focus.name} lowest over the last two weeks"
    return f"{said} ({_evidence_label(focus.evidence)}). What was going on in those conversations?"


def _focus_text(review: Review) -> Text:
    body = Text()
    if review.strongest is not None:
        body.append("Going well: ", style="bold")
        body.append(inert(_strongest_sentence(review.strongest)))
        body.append("\n")
    focus = review.focus
    if focus is None:
        if review.no_focus == "too-few":
            body.append(
                "It's too early to suggest a focus. That needs at least two principles "
                "rated three or more times, this week or over the last two."
            )
        else:
            body.append(
                "No single principle stands out to focus on next week: your ratings were "
                "close together. Is there one you'd like to practise anyway?"
            )
        return body
    body.append("Focus for next week: ", style="bold")
    body.append(inert(_focus_sentence(focus)))
    if focus.quotes:
        body.append("\nIn your own words:")
        for quote in focus.quotes:
            said = shorten(" ".join(quote.split()), QUOTE_SHOWN_CHARS)
            body.append(f"\n  \u201c{inert(said)}\u201d", style="italic")
    if focus.questions:
        body.append("\nAsk yourself:")
        for question in focus.questions:
            body.append(f"\n  • {inert(question)}")
    return body


def _support_text(review: Review) -> Text:
    """The guide's support contacts, offered gently (never in red)."""
    body = Text("That is a lot to carry. Go gently. ")
    if review.support:
        body.append("It can help to talk it through with:")
        for contact in review.support:
            body.append(f"\n  • {inert(contact.name)}")
            if contact.how:
                body.append(f": {inert(contact.how)}")
    else:
        body.append("It can help to talk it through with your supervisor or someone you trust.")
    if review.support_is_placeholder:
        body.append(
            "\nTo see the people you can turn to here, add them to your guide with: "
            "peerjournal principles customize",
            style="dim",
        )
    return body


def _feeling_text(review: Review) -> Text:
    feeling = review.feeling
    body = Text()
    body.append("How you felt after conversations: ", style="bold")
    if feeling.average is None:
        body.append("not noted this week")
    else:
        body.append(
            f"{one_decimal(feeling.average)} of 5, from {plural(feeling.ratings, 'conversation')}"
        )
    values = [p.average for p in feeling.trend]
    if any(v is not None for v in values):
        body.append("\nTrend: ")
        body.append(sparkline(values), style="cyan")
        body.append(f"  {trend_numbers(values)}", style="dim")
    if feeling.suggestion in _HEAVY:
        body.append("\n")
        body.append(_HEAVY[feeling.suggestion], style="italic")
        if feeling.offer_support:
            body.append("\n")
            body.append(_support_text(review))
    elif feeling.suggestion == "busy":
        body.append("\n")
        body.append(_BUSY.format(review.minutes), style="italic")
    return body


# Open follow-ups listed in the review; the rest are one command away.
SHOWN_FOLLOW_UPS = 10


def _flagged_text(review: Review) -> Group:
    """The week's flagged conversations: when, which flags, with whom, and how it began."""
    parts: list[Text | Padding] = [Text("To bring to supervision", style="bold")]
    if not review.flagged:
        parts.append(Text("Nothing was flagged this week.", style="dim"))
        return Group(*parts)
    for entry in review.flagged:
        head = Text(f"  #{entry.id} · {day_label(entry.occurred_at.date())} · ")
        head.append(", ".join(entry.flags), style="bold")
        if entry.peer:
            head.append(" · with ")
            head.append(inert(entry.peer))
        parts.append(head)
        first = entry.first_line
        line = user_text(shorten(first, QUOTE_SHOWN_CHARS) if first else "(nothing written)")
        line.stylize("italic" if first else "dim")
        parts.append(Padding(line, (0, 0, 0, 4), expand=False))
    return Group(*parts)


def _follow_up_line(
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


def _follow_ups_count(review: Review) -> str:
    """Open, past their date, done this week: the counts in words."""
    kept = review.follow_ups
    said = f"{len(kept.open)} open" if kept.open else "none open"
    if kept.overdue:
        said += f", {kept.overdue} of them past {'its' if kept.overdue == 1 else 'their'} date"
    if kept.done:
        said += f"; {len(kept.done)} done this week"
    return said


def _follow_ups_text(review: Review) -> Text:
    kept = review.follow_ups
    body = Text("Follow-ups: ", style="bold")
    body.append(_follow_ups_count(review))
    # A due day names its year when it is not the year the review looks from.
    seen_from = kept.as_of.date() if kept.as_of is not None else None
    for place, item in enumerate(kept.open[:SHOWN_FOLLOW_UPS]):
        body.append("\n")
        body.append(_follow_up_line(item, late=place < kept.overdue, today=seen_from))
    if len(kept.open) > SHOWN_FOLLOW_UPS:
        more = len(kept.open) - SHOWN_FOLLOW_UPS
        body.append(f"\n  …and {more} more. See them all with: peerjournal followups", style="dim")
    if kept.done:
        body.append("\nDone this week: ")
        body.append(inert("; ".join(item.follow_up.text for item in kept.done)), style="italic")
    if kept.open:
        body.append("\nWhen you have done one: peerjournal done NUMBER", style="dim")
    return body


def _intention_text(review: Review) -> Text:
    body = Text()
    if review.intention is not None:
        body.append("Last week you meant to: ", style="bold")
        body.append(inert(review.intention.text))
        if review.intention.reply:
            body.append("\nHow it went: ", style="bold")
            body.append(inert(review.intention.reply))
    else:
        body.append("No intention was written last week.", style="dim")
    if review.current_intention is not None:
        body.append("\nYour intention for next week: ", style="bold")
        body.append(inert(review.current_intention.text))
    return body


def _reflection_lines(reflection: Entry, *, peer: bool = True) -> Group:
    when = reflection.occurred_at
    head = Text(f"#{reflection.id} · {day_label(when.date())} {when:%H:%M} · ", style="bold")
    head.append(inert(mode_label(reflection.mode)))
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
    reflections: Sequence[Entry],
    total: int,
    *,
    console: Console | None = None,
) -> None:
    """The weekly review as a supporter reads it."""
    screen = console or out()
    # The table takes the room it needs; the sentences keep to a readable measure.
    screen.print(prose(_header(review)))
    screen.print()
    # After heavy weeks the supporter comes first: how they are, before any number.
    if review.feeling.offer_support:
        screen.print(prose(_feeling_text(review)))
        screen.print()
    screen.print(_principle_table(review))
    screen.print(
        prose(
            Text(
                "Trend: one mark a week, oldest first "
                f"({SCORE_MARKS[0]} is 1, {SCORE_MARKS[-1]} is 5); "
                f"{_NO_DATA_MARK} and {_NO_DATA_NUMBER}: not rated that week.",
                style="dim",
            )
        )
    )
    screen.print()
    screen.print(prose(_focus_text(review)))
    screen.print()
    screen.print(Constrain(_flagged_text(review), READABLE_WIDTH))
    screen.print()
    screen.print(prose(_follow_ups_text(review)))
    screen.print()
    if not review.feeling.offer_support:
        screen.print(prose(_feeling_text(review)))
        screen.print()
    screen.print(prose(_intention_text(review)))
    screen.print()
    if not reflections:
        screen.print(Text("No reflections this week.", style="dim"))
        return
    screen.print(Text("Your reflections this week", style="bold underline"))
    for reflection in reflections:
        screen.print()
        screen.print(Constrain(_reflection_lines(reflection), READABLE_WIDTH))
    if total > len(reflections):
        more = total - len(reflections)
        screen.print(
            prose(
                Text(
                    f"…and {more} more this week. See them all with: peerjournal list "
                    f"--since {review.period.start} --until {review.period.end}",
                    style="dim",
                )
            )
        )


def reply_question(intention: str, existing: str) -> None:
    """Ask how last week's intention went, before the prompt (on stderr)."""
    text = Text("\nLast week you meant to: ", style="bold")
    text.append(inert(intention))
    text.append("\nHow did it go?", style="bold")
    text.append(" (Enter keeps what you wrote)" if existing else " (one line; Enter skips)")
    say(text)


def intention_question(existing: str) -> None:
    """Invite this week's intention before the prompt (on stderr)."""
    text = Text("\nOne thing you mean to practise next week", style="bold")
    if existing:
        # The words themselves are on the answer's line, ready to change.
        text.append(" (Enter keeps what you wrote)", style="")
    else:
        text.append(" (Enter skips)")
    say(text)


def principle_ratings(
    review: Review,
    slug: str,
    ratings: Sequence[tuple[Rating, Entry]],
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
    screen.print(prose(title))
    if not ratings:
        screen.print(
            prose(
                Text(
                    "You did not rate it this week. That's fine: rate it when a "
                    "conversation tests it.",
                    style="dim",
                )
            )
        )
        return
    if stats is not None and stats.average is not None:
        screen.print(f"Average {one_decimal(stats.average)} from {plural(stats.ratings, 'rating')}")
    for rating, entry in ratings:
        screen.print()
        line = Text(f"{rating.score}/5", style="bold")
        if rating.note:
            line.append(" · ")
            line.append(inert(rating.note))
        screen.print(prose(line))
        screen.print(Constrain(_reflection_lines(entry), READABLE_WIDTH))


def _md(text: str) -> str:
    """User text made plain for a Markdown line: controls visible, pipes kept out of tables."""
    return inert(text).replace("|", "\\|").replace("\n", " ").strip()


def _focus_markdown(focus: Focus) -> str:
    """Why the focus was chosen, in numbers, for a summary that carries them."""
    if focus.reason == "falling":
        return f"Lower each week for three weeks: {', '.join(one_decimal(v) for v in focus.falls)}."
    when = "this week" if focus.evidence.weeks == 1 else "over the last two weeks"
    return f"Lowest {when}: {_evidence_label(focus.evidence)}."


def review_markdown(
    review: Review,
    reflections: Sequence[Entry],
    total: int,
    *,
    with_ratings: bool = False,
    with_feeling: bool = False,
    with_intention_reply: bool = False,
) -> str:
    """A supervision summary the supporter controls: numbers and feelings only when asked.

    Flagged conversations are listed by day and flag alone: their words appear
    only where the supporter shared the reflection itself.
    """
    title = f"# Peer support review: {span_label(review.period)}"
    if review.where.narrowed:
        title += f" (entries {_md(review.where.describe())})"
    lines = [title, "", _SUMMARY_NOTE, ""]
    conversations = f"- Conversations: {review.conversations}"
    minutes = _minutes(review)
    if minutes is not None:
        conversations += f" ({minutes})"
    lines.append(conversations)
    if review.modes:
        lines.append(f"- Kinds of contact: {_md(_mix(review))}")
    lines.append(f"- Follow-ups: {_follow_ups_count(review)}")
    feeling = review.feeling
    if with_feeling:
        if feeling.average is None:
            lines.append("- Feeling after conversations: not noted this week")
        else:
            weekly = trend_numbers([p.average for p in feeling.trend])
            lines.append(
                f"- Feeling after conversations: {one_decimal(feeling.average)} of 5, "
                f"from {plural(feeling.ratings, 'conversation')} (week by week: {weekly})"
            )
    if with_ratings and review.strongest is not None:
        strongest = review.strongest
        span = "this week" if strongest.evidence.weeks == 1 else "over the last two weeks"
        lines.append(
            f"- Strongest {span}: {_md(strongest.name)} ({_evidence_label(strongest.evidence)})"
        )
    lines += ["", "## To bring to supervision", ""]
    shared = {reflection.id for reflection in reflections}
    for entry in review.flagged:
        flags = ", ".join(f"{flag} ({FLAGS.get(flag, flag)})" for flag in entry.flags)
        line = f"- {day_label(entry.occurred_at.date())}: {flags}"
        if entry.id in shared:
            line += "; the reflection is shared below"
        lines.append(line)
    if not review.flagged:
        lines.append("Nothing was flagged this week.")
    lines.append("")
    if review.focus is not None:
        lines += ["## Focus for next week", "", f"**{_md(review.focus.name)}**", ""]
        if with_ratings:
            lines += [_focus_markdown(review.focus), ""]
        lines += [f"- {_md(q)}" for q in review.focus.questions]
        lines.append("")
    if review.intention is not None:
        lines += ["## Last week's intention", "", _md(review.intention.text), ""]
        if with_intention_reply and review.intention.reply:
            lines += [f"How it went: {_md(review.intention.reply)}", ""]
    if review.current_intention is not None:
        lines += ["## Intention for next week", "", _md(review.current_intention.text), ""]
    if with_ratings:
        lines += [
            "## Principles",
            "",
            "| Principle | This week | Week before | Change | Week by week |",
            "|---|---|---|---|---|",
        ]
        for stats in review.principles:
            name = _md(stats.name) + (" (retired)" if stats.retired else "")
            this = _average_text(stats.average, stats.ratings).plain
            before = (
                "not rated"
                if stats.previous_average is None
                else one_decimal(stats.previous_average)
            )
            change = _change_label(stats.change)
            values = [p.average for p in stats.trend]
            lines.append(f"| {name} | {this} | {before} | {change} | {trend_numbers(values)} |")
        lines.append("")
    lines += ["## Reflections shared for supervision", ""]
    if not reflections:
        lines += ["None this week.", ""]
    for reflection in reflections:
        when = reflection.occurred_at
        head = f"### {day_label(when.date())}, {_md(mode_label(reflection.mode))}"
        if reflection.minutes is not None:
            head += f", {plural(reflection.minutes, 'minute')}"
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


# --- one person over time ---


def _peer_principles(view: PeerReview) -> Table:
    table = Table.grid(padding=(0, 3))
    table.add_column()
    table.add_column(no_wrap=True)
    for principle in view.principles:
        name = user_text(principle.name)
        if principle.retired:
            name.append(" (retired)", style="dim")
        table.add_row(name, _average_text(principle.average, principle.ratings))
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
            screen.print(prose(_follow_up_line(item, late=place < kept.overdue, with_peer=False)))
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
