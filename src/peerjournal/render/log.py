"""The guided log's look: its steps and questions, privacy warning, drafts, feedback after saving.

What a supporter sees while logging, from the first step to the words after
saving (the rules that choose those words are in feedback.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from peerjournal.output import inert
from peerjournal.records import FLAGS, REFLECTION_PROMPTS, mode_label, when_label
from peerjournal.render import err, plural, say, user_text, wrapped
from peerjournal.render.guide import support_contacts

if TYPE_CHECKING:
    from peerjournal.drafts import Draft
    from peerjournal.feedback import Care, Feedback, Lowest, Strength, Thanks
    from peerjournal.principles import Guide, Principle
    from peerjournal.privacy import Finding
    from peerjournal.records import Entry, NewEntry


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

    # Words of risk count here only beside a low feeling or the debrief flag (see
    # feedback.py): together they make a heavy conversation.
    heavy = said.safety or said.risk_words
    opening: list[str] = []
    if heavy:
        opening.append(
            "That sounds like a heavy conversation. Thank you for staying with it, "
            "and for writing it down."
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
    if heavy:
        before.append(
            "After a conversation like this, it helps to talk it through soon, with your "
            "supervisor or someone you trust."
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
        after.append(_safety_hint(entry_id, also=said.flagged))
    elif not said.flagged:
        after.append(
            "If you would like to talk it over in supervision, add the debrief flag and it "
            f"will be on your list: peerjournal edit {entry_id}"
        )
    return before, after


def _safety_hint(entry_id: int, *, also: bool = False) -> str:
    """The safety flag offered, for a note that speaks of a risk but is not flagged."""
    return (
        f"If there was a safety concern, you can add the safety flag{' too' if also else ''} "
        f"to bring it to supervision: peerjournal edit {entry_id}"
    )


def feedback_words(said: Lowest | Strength | Thanks, entry_id: int) -> str:
    """The one or two sentences to take away when the conversation was not a heavy one:
    the supporter's own ratings said back as theirs, and a question a supervisor would ask."""
    from peerjournal.feedback import Lowest, Thanks

    words = _feedback_words(said, entry_id)
    if isinstance(said, Lowest) or not said.safety_hint:
        return words
    if isinstance(said, Thanks) and said.reason == "risk":
        offer = "You can add the safety flag to bring it to supervision"
        return f"{words} {offer}: peerjournal edit {entry_id}"
    return f"{words} {_safety_hint(entry_id)}"


def _feedback_words(said: Lowest | Strength | Thanks, entry_id: int) -> str:
    from peerjournal.feedback import Lowest, Strength

    debrief = (
        f"If you'd like to talk it over, you can add the debrief flag: peerjournal edit {entry_id}"
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
    if said.reason == "risk":
        return (
            f"{opening}Thank you for writing this one down. If there was a safety concern, acting "
            "on it within your organisation's protocol is good practice, not a lapse of any "
            f"principle.{listed}"
        )
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
        every = "both principles" if said.rated == 2 else f"all {said.rated} principles"
        text = f"You rated {every} {said.score} this time."
    else:
        # Joined so that names holding "and" still read apart.
        went = ", and ".join(f"to {inert(name)}" for name in said.names)
        text = f"Your lowest rating ({said.score}) went {went}."
    if said.score is not None and said.score <= 2:
        return f"{opening}{text} {listed.strip() or debrief + '.'}"
    return f"{opening}{text} What is one small thing you might try differently next time?{listed}"
