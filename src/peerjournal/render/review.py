"""The weekly review's screens: the week, one principle's ratings, the intention's questions.

The words for a week's numbers (an average, a change, the minutes, the mix of
contact, the follow-ups) are here too: the summary and the peer view say them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.constrain import Constrain
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import day_label, mode_label, reflection_parts
from peerjournal.records import span_label as records_span_label
from peerjournal.render import (
    READABLE_WIDTH,
    SCORE_MARKS,
    notice,
    one_decimal,
    out,
    plural,
    prose,
    say,
    score_mark,
    shorten,
    user_text,
)
from peerjournal.render.followups import follow_up_line

if TYPE_CHECKING:
    from peerjournal.queries import Window
    from peerjournal.records import Entry, Rating
    from peerjournal.review import Evidence, Focus, Point, Review, Strongest


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

# One conversation is not a week: said as what it was.
_ONE_HEAVY = "You came away from this week's one conversation feeling low."


_BUSY = (
    "That's a lot of time on calls this week ({0} minutes). Can you plan some rest? "
    "Supervision can help too."
)


def span_label(window: Window) -> str:
    """A span of days as people write it: Mon 23 Mar, an en dash, Sun 29 Mar 2026."""
    return records_span_label(window.start, window.end)


def sparkline(values: Sequence[float | None]) -> str:
    """One mark per value on the fixed 1-to-5 scale of every screen; a dot where there is none."""
    return "".join(_NO_DATA_MARK if v is None else score_mark(v) for v in values)


def trend_numbers(values: Sequence[float | None]) -> str:
    """The numbers behind a sparkline, one decimal each, a dash where there is none."""
    return " ".join(_NO_DATA_NUMBER if v is None else one_decimal(v) for v in values)


def review_empty() -> None:
    """What to do when the journal has nothing to review yet."""
    notice(
        "Your journal has no entries yet, so there is nothing to review. "
        "After your next support conversation, run: peerjournal log. "
        "Then come back to peerjournal review at the end of the week."
    )


def average_text(average: float | None, ratings: int) -> Text:
    if average is None:
        return Text("not rated", style="dim")
    return Text(f"{one_decimal(average)} ({plural(ratings, 'rating')})")


def change_label(change: float | None) -> str:
    if change is None:
        return _NO_DATA_NUMBER
    size = one_decimal(abs(change))
    if size == "0.0":
        return "same"
    return f"▲ {size}" if change > 0 else f"▼ {size}"


def _change_text(change: float | None) -> Text:
    from peerjournal.review import notable

    label = change_label(change)
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


def week_minutes(review: Review) -> str | None:
    """The week's minutes, saying how many conversations they cover when some were untimed."""
    if review.timed == 0:
        return None
    minutes = plural(review.minutes, "minute")
    if review.timed == review.conversations:
        return minutes
    return f"{minutes} over {review.timed} of them"


def contact_mix(review: Review) -> str:
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
    minutes = week_minutes(review)
    if minutes is not None:
        head.append(f" · {minutes}")
    if review.modes:
        head.append(f" · {inert(contact_mix(review))}")
    return head


def _principle_table(review: Review) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    # Names wrap before the trend's numbers do: the numbers read best on one line.
    numbers_width = 4 * len(review.windows) - 1
    widest = max(
        (average_text(s.average, s.ratings).cell_len for s in review.principles), default=9
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
            average_text(stats.average, stats.ratings),
            _change_text(stats.shown_change),
            _trend_cell(stats.trend),
        )
    return table


def evidence_label(evidence: Evidence) -> str:
    return f"{one_decimal(evidence.average)} from {plural(evidence.ratings, 'rating')}"


def _strongest_sentence(strongest: Strongest) -> str:
    evidence = strongest.evidence
    span = "this week" if evidence.weeks == 1 else "over the last two weeks"
    if strongest.tied:
        names = " and ".join((strongest.name, *strongest.tied))
        were = "were" if evidence.weeks == 1 else "have been"
        said = f"{names} {were} your strongest {span}, each at {one_decimal(evidence.average)}"
        return f"{said}. What helped there?"
    if evidence.weeks == 1:
        said = f"{strongest.name} was your strongest {span}"
    else:
        said = f"{strongest.name} has been your strongest {span}"
    return f"{said} ({evidence_label(evidence)}). What helped there?"


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
    return f"{said} ({evidence_label(focus.evidence)}). What was going on in those conversations?"


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
                "rated three or more times, this week or over the last two weeks."
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
    one = review.feeling.from_one_conversation
    body = Text("Go gently. " if one else "That is a lot to carry. Go gently. ")
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
        heavy = _ONE_HEAVY if feeling.from_one_conversation else _HEAVY[feeling.suggestion]
        body.append(heavy, style="italic")
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


def follow_ups_count(review: Review) -> str:
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
    body.append(follow_ups_count(review))
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
    for prompt, text in reflection_parts(reflection):
        line = Text(f"{prompt.label} ", style="italic")
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
