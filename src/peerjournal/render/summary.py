"""The supervision summary: the review in Markdown, holding only what the supporter shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from peerjournal.output import inert
from peerjournal.records import FLAGS, day_label, mode_label, reflection_parts
from peerjournal.render import one_decimal, plural
from peerjournal.render.review import (
    average_text,
    change_label,
    evidence_label,
    follow_ups_count,
    span_label,
    trend_numbers,
)

if TYPE_CHECKING:
    from peerjournal.records import Entry
    from peerjournal.review import Focus, Review


_SUMMARY_NOTE = (
    "_Self-ratings are for reflection, not evaluation. This summary holds only "
    "what the supporter chose to share._"
)


def _md(text: str) -> str:
    """User text made plain for a Markdown line: controls visible, pipes kept out of tables."""
    return inert(text).replace("|", "\\|").replace("\n", " ").strip()


def _focus_markdown(focus: Focus) -> str:
    """Why the focus was chosen, in numbers, for a summary that carries them."""
    if focus.reason == "falling":
        return f"Lower each week for three weeks: {', '.join(one_decimal(v) for v in focus.falls)}."
    when = "this week" if focus.evidence.weeks == 1 else "over the last two weeks"
    return f"Lowest {when}: {evidence_label(focus.evidence)}."


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
    # How long and by what means stay on the supporter's own screen: a summary
    # carries only what the supporter chose, and workload reads easily as a grade.
    lines.append(f"- Conversations: {review.conversations}")
    lines.append(f"- Follow-ups: {follow_ups_count(review)}")
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
        names = " and ".join(_md(name) for name in (strongest.name, *strongest.tied))
        each = "each at " if strongest.tied else ""
        lines.append(f"- Strongest {span}: {names} ({each}{evidence_label(strongest.evidence)})")
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
            this = average_text(stats.average, stats.ratings).plain
            before = (
                "not rated"
                if stats.previous_average is None
                else one_decimal(stats.previous_average)
            )
            change = change_label(stats.shown_change)
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
        for prompt, text in reflection_parts(reflection):
            lines += [f"**{prompt.label}** {inert(text.strip())}", ""]
    if total > len(reflections):
        lines += [f"_{total - len(reflections)} more not included._", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
