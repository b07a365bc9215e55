"""Everything the user sees: Rich consoles, tables, and text from users shown inert."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.constrain import Constrain
from rich.markup import escape
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import FLAGS, day_label, mode_label, when_label
from peerjournal.records import span_label as records_span_label

if TYPE_CHECKING:
    from peerjournal.peers import PeerReview
    from peerjournal.queries import Window
    from peerjournal.records import Entry, Rating
    from peerjournal.review import Evidence, Focus, Point, Review, Strongest

__all__ = [
    "FLAG_MARKS",
    "SAFETY_SENSITIVE",
    "ask",
    "care_words",
    "day_label",
    "draft_offer",
    "draft_text",
    "due_label",
    "entry_detail",
    "entry_list",
    "entry_summary",
    "feedback",
    "feedback_words",
    "feeling_label",
    "flag_marks",
    "flag_menu",
    "follow_up_done",
    "follow_up_line",
    "follow_up_list",
    "follow_ups_reminder",
    "inert",
    "passage",
    "principle_detail",
    "principle_menu",
    "principle_prompt",
    "principles_list",
    "privacy_warning",
    "question_text",
    "rating_bar",
    "rating_examples",
    "saved",
    "saved_facts",
    "search_results",
    "step",
    "step_menu",
    "summary_choices",
    "support_contacts",
    "when_label",
    "when_label_day",
]


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


# --- archive and search ---


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


# One scale of marks for a score or an average, 1 to 5, on every screen.
SCORE_MARKS = "▁▂▃▄▅▆▇█"


def score_mark(value: float) -> str:
    """The mark for a score or an average on the fixed 1-to-5 scale."""
    index = round((min(max(value, 1.0), 5.0) - 1.0) / 4.0 * (len(SCORE_MARKS) - 1))
    return SCORE_MARKS[index]


def hint(message: str) -> None:
    """A gentle correction before asking again."""
    say(Text(inert(message), style="yellow"))


def json_data(data: object) -> None:
    """Data as JSON on stdout, through the one JSON writer (characters a terminal could
    obey are written as \\u escapes)."""
    from peerjournal.output import write_json

    write_json(data, sys.stdout)


# --- follow-ups ---


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
        body.append(follow_up_line(item, late=place < kept.overdue, today=seen_from))
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


# The screens, each in a module of its own. Imported last: they use the pieces above.
from peerjournal.render.entries import (  # noqa: E402
    FLAG_MARKS,
    entry_detail,
    entry_list,
    entry_summary,
    feeling_label,
    flag_marks,
    passage,
    rating_bar,
    search_results,
    when_label_day,
)
from peerjournal.render.followups import (  # noqa: E402
    due_label,
    follow_up_done,
    follow_up_line,
    follow_up_list,
    follow_ups_reminder,
)
from peerjournal.render.guide import principle_detail, principles_list, support_contacts  # noqa: E402
from peerjournal.render.log import (  # noqa: E402
    SAFETY_SENSITIVE,
    ask,
    care_words,
    draft_offer,
    draft_text,
    feedback,
    feedback_words,
    flag_menu,
    principle_menu,
    principle_prompt,
    privacy_warning,
    question_text,
    rating_examples,
    saved,
    saved_facts,
    step,
    step_menu,
    summary_choices,
)
