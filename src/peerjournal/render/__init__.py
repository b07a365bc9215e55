"""Everything the user sees: the consoles, wrapping and messages that every screen shares.

The screens live in the modules beside this one: entries (list, show, search),
log (the guided log's look and the feedback after saving), followups, review,
summary (the supervision summary's Markdown), peer and guide (the principles).
Every name a command uses is reachable here, as `render.NAME`. Only this package
knows Rich.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import day_label, when_label

# Names defined elsewhere (the screens' modules, imported at the end; records; output).
__all__ = [
    "FLAG_MARKS",
    "QUOTE_SHOWN_CHARS",
    "REFLECTION_SHOWN_CHARS",
    "SAFETY_SENSITIVE",
    "SHOWN_FOLLOW_UPS",
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
    "follow_up_list",
    "follow_ups_reminder",
    "inert",
    "intention_question",
    "passage",
    "peer_screen",
    "principle_detail",
    "principle_menu",
    "principle_prompt",
    "principle_ratings",
    "principles_list",
    "privacy_warning",
    "question_text",
    "rating_bar",
    "rating_examples",
    "reply_question",
    "review_empty",
    "review_markdown",
    "review_screen",
    "saved",
    "saved_facts",
    "search_results",
    "span_label",
    "sparkline",
    "step",
    "step_menu",
    "summary_choices",
    "support_contacts",
    "trend_numbers",
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


# A test that replaces `render.err` sees every message (say, error, hint, progress):
# they look it up here as they run. The screens' modules took their own reference
# when imported, so what they print straight to it (menus, questions, the list's
# legend, the check before saving) still reaches the real console.
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


def hint(message: str) -> None:
    """A gentle correction before asking again."""
    say(Text(inert(message), style="yellow"))


def plain(text: str) -> None:
    """A line of data on stdout, written without any Rich processing."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def json_data(data: object) -> None:
    """Data as JSON on stdout, through the one JSON writer (characters a terminal could
    obey are written as \\u escapes)."""
    from peerjournal.output import write_json

    write_json(data, sys.stdout)


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


# --- marks and numbers every screen shares ------------------------------------------


# One scale of marks for a score or an average, 1 to 5, on every screen.
SCORE_MARKS = "▁▂▃▄▅▆▇█"


def score_mark(value: float) -> str:
    """The mark for a score or an average on the fixed 1-to-5 scale."""
    index = round((min(max(value, 1.0), 5.0) - 1.0) / 4.0 * (len(SCORE_MARKS) - 1))
    return SCORE_MARKS[index]


def one_decimal(value: float) -> str:
    """A number as people read it: one decimal, halves rounded up (4.25 is 4.3)."""
    from peerjournal.records import rounded

    return str(rounded(value))


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
from peerjournal.render.peer import peer_screen  # noqa: E402
from peerjournal.render.review import (  # noqa: E402
    QUOTE_SHOWN_CHARS,
    REFLECTION_SHOWN_CHARS,
    SHOWN_FOLLOW_UPS,
    intention_question,
    principle_ratings,
    reply_question,
    review_empty,
    review_screen,
    span_label,
    sparkline,
    trend_numbers,
)
from peerjournal.render.summary import review_markdown  # noqa: E402
