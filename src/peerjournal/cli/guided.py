"""The guided questions of `log` and `edit`, one step at a time, and the summary before saving.

The order follows PRODUCT.md: when, then how the supporter is (they come
first), the facts of the contact, the reflection, promises, flags, the
principles the conversation tested and only those rated, tags. Every
optional step is skipped with one Enter.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from peerjournal import drafts, render, terminal
from peerjournal.cli import logflow
from peerjournal.cli.logflow import EDITOR_OPEN, Interrupted
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue, UnknownPrinciple
from peerjournal.principles import Guide, Principle
from peerjournal.records import (
    DEFAULT_MODE,
    FEELINGS,
    MAX_FOLLOW_UPS,
    MAX_NOTE,
    MODES,
    PRIVACY_REMINDER,
    REFLECTION_FIELDS,
    REFLECTION_PROMPTS,
    FollowUp,
    check_minutes,
    checked_text,
    clean_peer,
    clean_tags,
    mode_label,
    parse_feeling,
    parse_mode,
    parse_score,
)

if TYPE_CHECKING:
    from peerjournal.records import NewEntry


@dataclass(frozen=True)
class Step:
    """One numbered step: the name its answer is kept under in a draft, and what it asks."""

    name: str
    title: str


STEPS = (
    Step("when", "when"),
    Step("feeling", "how you are"),
    Step("mode", "kind of contact"),
    Step("minutes", "minutes"),
    Step("peer", "alias"),
    Step("reflection", "reflection"),
    Step("follow-ups", "promises"),
    Step("flags", "flags"),
    Step("ratings", "principles and ratings"),
    Step("tags", "tags"),
)
# A rating of these asks "why?" (the rating's note): a low one and a top one say most.
ASKS_WHY = frozenset((1, 2, 5))
# What each step also marks done in a draft, so that changing a step asks all of it again.
_PARTS = {"reflection": REFLECTION_FIELDS, "ratings": ("principles",)}


@contextmanager
def ctrl_c_heard() -> Iterator[None]:
    """Make sure a Ctrl-C pressed while a question appears stops the log at once.

    Python's line editing listens for keys only once the prompt is drawn and the
    interpreter's lock is free again (the write side may be loading in another
    thread); a Ctrl-C that arrives in between is noticed only at the next key.
    A timer that wakes the wait ten times a second lets Python see it then.
    """
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _wake)
    signal.siginterrupt(signal.SIGALRM, False)  # output being written is carried on, not cut
    signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _wake(_signal: int, _frame: object) -> None:
    """Nothing to do: being woken is enough for Python to handle a waiting Ctrl-C."""


def input_is_waiting() -> bool:
    """Whether more typed or pasted input is already waiting to be read (POSIX terminals).

    A terminal hands over one line per read, so the rest of a paste is still
    waiting when its first blank line arrives.
    """
    import select

    try:
        ready, _, _ = select.select([sys.stdin], [], [], 0.05)
    except (OSError, ValueError):
        return False
    return bool(ready)


@dataclass
class GuidedFlow:
    """The steps of a guided log, asked in order; what is already answered is skipped.

    The draft is saved after every answer from the first one the user types,
    so Ctrl-C, a crash or a failed save never lose it. Where an answer is being
    changed (`editing`: `edit`, or a step chosen again at the summary), its line
    starts out holding the old one: Enter keeps it, and an emptied line or '-'
    clears an optional one.
    """

    draft: Draft
    guide: Guide
    draft_file: Path
    use_editor: bool = False
    editing: bool = False
    strict_privacy: bool = False
    typed: bool = False
    unkept: bool = False
    # The kind of contact offered when none is given: the one used last.
    default_mode: str = DEFAULT_MODE
    read: Callable[[str, str], str] = render.ask  # (prompt, prefill) -> the line
    more_waiting: Callable[[], bool] = lambda: input_is_waiting()
    # Called once, when the first answer comes back (the guided log starts loading
    # the write side then, so that saving after the last answer costs no import).
    on_first_answer: Callable[[], None] | None = None
    # The step being asked, so that a line stopped half-typed comes back at the same one.
    asking: str = ""

    def run(self) -> None:
        for step in STEPS:
            if step.name not in self.draft.done:
                self.ask_step(step.name)
        self.privacy_guard()

    def ask_step(self, name: str) -> None:
        asks: dict[str, Callable[[], None]] = {
            "when": self.ask_when,
            "feeling": self.ask_feeling,
            "mode": self.ask_mode,
            "minutes": self.ask_minutes,
            "peer": self.ask_peer,
            "reflection": self.ask_reflection,
            "follow-ups": self.ask_follow_ups,
            "flags": self.ask_flags,
            "ratings": self.ask_ratings,
            "tags": self.ask_tags,
        }
        self.asking = name
        asks[name]()
        self.draft.mark_done(name)
        self.keep()

    # Saving and reading ------------------------------------------------------

    def keep(self) -> None:
        if self.typed and not self.unkept:
            try:
                drafts.save(self.draft, self.draft_file)
            except drafts.DraftNotKept as exc:
                # Said once; the answers stay in memory, and are shown back at the
                # end if the entry cannot be saved either.
                self.unkept = True
                render.notice(f"{exc} You can carry on: the entry is saved at the end.")

    def line(self, prompt: str, *, exact: bool = False, prefill: str = "") -> str:
        if self.draft.unfinished and self.draft.unfinished_step == self.asking:
            # Back where the log was stopped: the words being typed then, to finish.
            prefill, self.draft.unfinished = self.draft.unfinished, ""
        while True:
            try:
                with ctrl_c_heard():
                    answer = self.read(prompt, prefill)
            except KeyboardInterrupt:
                self.keep_stopped_line(prefill)
                raise Interrupted from None
            except EOFError:
                raise Interrupted from None
            if self.on_first_answer is not None:
                started, self.on_first_answer = self.on_first_answer, None
                started()
            try:
                checked_text(answer, "That line")
                break
            except InvalidValue as exc:
                # Asked again at once: such text could not be kept in the draft either.
                render.hint(f"  {exc}")
        if answer.strip() and answer != prefill:
            self.typed = True
        return answer.rstrip("\r\n") if exact else answer.strip(" \t\r\n")

    def keep_stopped_line(self, prefill: str) -> None:
        """Ctrl-C mid-line: the words on the line join the draft, for the same question."""
        stopped = terminal.unfinished_line()
        if stopped.strip() and stopped != prefill:
            self.draft.unfinished, self.draft.unfinished_step = stopped, self.asking
            self.typed = True

    @staticmethod
    def skip_hint(value: object, words: str = "Enter to skip") -> str:
        """What an optional question says when there is no answer yet to keep."""
        return f" [{words}]" if value in (None, "", [], ()) else ""

    def ask_until_valid(
        self, prompt: str, accept: Callable[[str], bool], prefill: object = None
    ) -> None:
        """Ask again, with the hint `accept` gives, until it takes the answer.

        The line starts out holding `prefill`, the answer there is now, if any.
        """
        shown = "" if prefill is None else str(prefill)
        while True:
            try:
                if accept(self.line(prompt, prefill=shown)):
                    return
            except (InvalidValue, UnknownPrinciple) as exc:
                render.hint(f"  {exc}")

    def step(self, name: str, title: str, hint: str = "") -> None:
        number = next(i for i, s in enumerate(STEPS, start=1) if s.name == name)
        render.step(number, len(STEPS), title, hint)

    # The steps ----------------------------------------------------------------

    def ask_when(self) -> None:
        from peerjournal.dates import parse_when

        self.step("when", "When was the conversation?", "e.g. now, today 14:30, 2 hours ago")
        shown = (
            self.draft.occurred_at.strftime("%Y-%m-%d %H:%M") if self.draft.occurred_at else None
        )
        keep = shown if self.editing else None

        def accept(answer: str) -> bool:
            # The time kept to the second when its line is left as it was, or emptied.
            if keep is not None and answer in ("", keep):
                return True
            self.draft.occurred_at = parse_when(answer or "now")
            return True

        if keep is not None:
            self.ask_until_valid("  When: ", accept, keep)
        else:
            self.ask_until_valid("  When [Enter: now]: ", accept)

    def ask_feeling(self) -> None:
        words = " · ".join(f"{n} {w}" for n, w in FEELINGS.items())
        self.step("feeling", "How are you, right now, after this conversation?", words)

        def accept(answer: str) -> bool:
            feeling = answer not in ("", "-")
            self.draft.feeling = parse_feeling(answer) if feeling else None
            return True

        now = self.draft.feeling
        self.ask_until_valid(f"  Feeling, a number or a word{self.skip_hint(now)}: ", accept, now)

    def ask_mode(self) -> None:
        self.step("mode", "Kind of contact")
        menu = "  ".join(f"{i} {mode_label(m)}" for i, m in enumerate(MODES, start=1))
        default = self.draft.mode or self.default_mode

        def accept(answer: str) -> bool:
            self.draft.mode = parse_mode(answer) if answer else default
            return True

        label = mode_label(default)
        if self.editing:
            self.ask_until_valid(f"  {menu}\n  Number or name: ", accept, label)
        else:
            self.ask_until_valid(f"  {menu}\n  Number or name [Enter: {label}]: ", accept)

    def ask_minutes(self) -> None:
        self.step("minutes", "How many minutes did it last?", "optional")

        def accept(answer: str) -> bool:
            self.draft.minutes = check_minutes(answer) if answer not in ("", "-") else None
            return True

        minutes = self.draft.minutes
        self.ask_until_valid(f"  Minutes{self.skip_hint(minutes)}: ", accept, minutes)

    def ask_peer(self) -> None:
        self.step(
            "peer", "Who was it with?", "optional: initials or a made-up name, never a full name"
        )

        def accept(answer: str) -> bool:
            self.draft.peer = clean_peer(answer) if answer != "-" else None
            return True

        peer = self.draft.peer
        self.ask_until_valid(f"  Alias{self.skip_hint(peer)}: ", accept, peer)

    def ask_reflection(self) -> None:
        self.step("reflection", "Your reflection", PRIVACY_REMINDER)
        if self.use_editor:
            self.editor()
            return
        render.hint("  Write as many lines as you like; an empty line ends each answer.")
        for prompt in REFLECTION_PROMPTS:
            if prompt.field not in self.draft.done:
                self.ask_text(prompt.field, prompt.question)
                self.draft.mark_done(prompt.field)
                self.keep()

    def editor(self) -> None:
        """The reflection in the user's editor; the draft waits on disk meanwhile."""
        # Marked, so that text left in the editor's file after a kill joins this draft.
        self.draft.mark_done(EDITOR_OPEN)
        self.keep()
        try:
            logflow.reflection_from_editor(self.draft)
        except Interrupted:
            self.typed = self.typed or bool(self.draft.reflection)
            raise
        finally:
            self.draft.done.remove(EDITOR_OPEN)
        self.typed = self.typed or bool(self.draft.reflection)

    def ask_text(self, field_name: str, prompt: str, *, revise: bool = False) -> None:
        """A multi-line answer, kept in the draft line by line.

        When it is being changed (editing, or `revise`), each of its lines comes
        back prefilled in turn before new ones are asked for.
        """
        existing: str = getattr(self.draft, field_name)
        render.notice(f"  {prompt}")
        lines: list[str] = []
        if existing and (self.editing or revise):
            render.hint(
                "  Your lines come back one at a time: change a line, or press Enter to keep "
                "it; clear it to leave it out. Then add lines, or press Enter on an empty "
                "line to finish."
            )
            lines = self.revise_lines(existing.splitlines())
            setattr(self.draft, field_name, "\n".join(lines))
            self.keep()
        elif existing:
            # A resumed draft: carry on from the last line that was kept.
            render.notice(f"  So far: {existing}")
            render.hint("  Carry on writing, or press Enter if it is complete.")
            lines = existing.splitlines()
        while True:
            answer = self.line("  > ", exact=True)
            if not answer.strip():
                # A blank line ends the answer, unless more text is already on its
                # way: then it is a paragraph break inside pasted text.
                if lines and self.more_waiting():
                    lines.append("")
                    continue
                break
            lines.append(answer)
            setattr(self.draft, field_name, "\n".join(lines))
            self.keep()

    def revise_lines(self, old: list[str]) -> list[str]:
        """The lines of an answer, each offered for change; blank ones stay as breaks."""
        lines: list[str] = []
        for text in old:
            if not text.strip():
                # One break between paragraphs, even when the one between was left out.
                if lines and lines[-1]:
                    lines.append("")
                continue
            answer = self.line("  > ", exact=True, prefill=text)
            if answer.strip() not in ("", "-"):
                lines.append(answer)
        if lines and not lines[-1]:
            lines.pop()
        return lines

    def ask_follow_ups(self) -> None:
        self.step(
            "follow-ups",
            "Did you promise anything?",
            "e.g. call back Thursday; optional, Enter if nothing",
        )
        kept: list[FollowUp] = []
        old = list(self.draft.follow_ups)
        for index, follow_up in enumerate(old):
            if follow_up.done:
                render.hint(f"  Done already, kept as it is: {follow_up.text}")
                kept.append(follow_up)
                continue
            text = self.ask_promise_text("  Promise: ", follow_up.text)
            if text is not None:
                kept.append(self.ask_due(replace(follow_up, text=text)))
            self.draft.follow_ups = kept + old[index + 1 :]
            self.keep()
        while len(kept) < MAX_FOLLOW_UPS:
            prompt = "  Anything else? [Enter if not]: " if kept else "  Promise [Enter if none]: "
            text = self.ask_promise_text(prompt, "")
            if text is None:
                break
            kept.append(self.ask_due(FollowUp(text)))
            self.draft.follow_ups = list(kept)
            self.keep()

    def ask_promise_text(self, prompt: str, old: str) -> str | None:
        """What was promised, or None for nothing (an empty line, or '-' to remove one)."""
        while True:
            answer = self.line(prompt, prefill=old)
            if answer in ("", "-"):
                return None
            try:
                return FollowUp(answer).text
            except InvalidValue as exc:
                render.hint(f"  {exc}")

    def ask_due(self, follow_up: FollowUp) -> FollowUp:
        """The follow-up with the day (and time) it is due, as the user says; Enter for none."""
        from peerjournal.dates import Due, parse_due

        old = Due(follow_up.due, follow_up.due_time).label() if follow_up.due else ""
        found: list[FollowUp] = []

        def accept(answer: str) -> bool:
            if old and answer == old:
                found.append(follow_up)  # unchanged, even if that day has passed now
            elif answer in ("", "-"):
                found.append(replace(follow_up, due=None, due_time=None))
            else:
                due = parse_due(answer, made=self.draft.occurred_at)
                found.append(replace(follow_up, due=due.day, due_time=due.time))
            return True

        skip = self.skip_hint(old, "Enter if no date")
        self.ask_until_valid(
            f"  By when? e.g. thursday, friday 5pm, in 3 days{skip}: ", accept, old or None
        )
        return found[-1]

    def ask_flags(self) -> None:
        self.step("flags", "Anything to flag?", "optional: numbers or names, as many as fit")
        render.flag_menu()
        shown = ", ".join(self.draft.flags)

        def accept(answer: str) -> bool:
            self.draft.flags = [] if answer == "-" else list(logflow.parse_flags(answer))
            return True

        self.ask_until_valid(f"  Flags{self.skip_hint(shown, 'Enter if none')}: ", accept, shown)

    def ask_ratings(self) -> None:
        if "principles" not in self.draft.done:
            self.ask_principles()
            self.draft.mark_done("principles")
            self.keep()
        chosen = [p for p in self.guide.principles if f"rate:{p.slug}" not in self.draft.done]
        for number, principle in enumerate(chosen, start=1):
            self.ask_rating(principle, number, len(chosen))
            self.draft.mark_done(f"rate:{principle.slug}")
            self.keep()

    def ask_principles(self) -> None:
        """Which principles to rate; the others are marked done, unrated."""
        self.step(
            "ratings",
            "Which principles did this conversation test most?",
            "one to three is plenty: numbers or names, e.g. 1 3 9; Enter rates all of them; "
            "none to rate none",
        )
        render.principle_menu(self.guide)
        numbers = {p.slug: i for i, p in enumerate(self.guide.principles, start=1)}
        rated = [str(numbers[slug]) for slug in self.guide.slugs if slug in self.draft.ratings]
        shown = " ".join(rated) if self.editing else ""
        chosen: list[str] = []

        def accept(answer: str) -> bool:
            chosen[:] = logflow.parse_choice(self.guide, answer)
            return True

        prompt = "  Principles: " if shown else "  Principles [Enter: all]: "
        self.ask_until_valid(prompt, accept, shown or None)
        for slug in self.guide.slugs:
            key = f"rate:{slug}"
            self.draft.done = [d for d in self.draft.done if d != key]
            if slug not in chosen:
                # Not tested this time: stored as not rated, never asked.
                self.draft.ratings.pop(slug, None)
                self.draft.notes.pop(slug, None)
                self.draft.mark_done(key)

    def ask_rating(self, principle: Principle, number: int, total: int) -> None:
        render.principle_prompt(principle, number, total, flags=self.draft.flags)
        now = self.draft.ratings.get(principle.slug)

        def accept(answer: str) -> bool:
            if answer == "?":
                render.rating_examples(principle)
                return False
            if answer in ("", "-"):
                self.draft.ratings.pop(principle.slug, None)
            else:
                self.draft.ratings[principle.slug] = parse_score(answer)
            return True

        self.ask_until_valid(f"  Rating 1-5, ? for examples{self.skip_hint(now)}: ", accept, now)
        score = self.draft.ratings.get(principle.slug)
        note = self.draft.notes.get(principle.slug)
        if score is None:
            self.draft.notes.pop(principle.slug, None)
        elif score in ASKS_WHY or note:
            self.ask_note(principle.slug, score)

    def ask_note(self, slug: str, score: int) -> None:
        """The rating's "why?", one line; an old one comes back to change or keep."""
        old = self.draft.notes.get(slug, "")

        def accept(answer: str) -> bool:
            if answer in ("", "-"):
                self.draft.notes.pop(slug, None)
            else:
                self.draft.notes[slug] = checked_text(answer, "A note", limit=MAX_NOTE)
            return True

        why = (
            f"What did you do that made it a {score}?" if score >= 5 else f"What made it a {score}?"
        )
        self.ask_until_valid(f"  {why} One line, optional{self.skip_hint(old)}: ", accept, old)

    def ask_tags(self) -> None:
        self.step("tags", "Tags", "optional, separated by commas, e.g. warmline, first-contact")
        shown = ", ".join(self.draft.tags)

        def accept(answer: str) -> bool:
            self.draft.tags = list(clean_tags(answer.split(","))) if answer != "-" else []
            return True

        self.ask_until_valid(f"  Tags{self.skip_hint(shown)}: ", accept, shown)

    # Before saving ------------------------------------------------------------

    def privacy_guard(self) -> None:
        """Show what looks identifying and offer to re-enter that answer, until it is kept."""
        kept: set[str] = set()
        while True:
            found = [
                f for f in logflow.privacy_findings(self.draft, self.guide) if f[0] not in kept
            ]
            if not found:
                return
            field_name, label, findings = found[0]
            text = logflow.answer_text(self.draft, self.guide, field_name)
            render.privacy_warning(label, text, findings)
            if self.strict_privacy:
                render.hint("  --strict-privacy is on, so this answer needs changing.")
                choice = "e"
            else:
                choice = self.choose("  [e] edit this answer, or [k] keep it as it is? ", "ek")
            if choice == "k":
                kept.add(field_name)
                continue
            self.change_answer(field_name)
            self.keep()

    def change_answer(self, field_name: str) -> None:
        """Ask one answer again with its text on the line, after a privacy warning."""
        kind, _, key = field_name.partition(":")
        if kind == "peer":
            self.ask_peer()
        elif kind == "note":
            self.ask_note(key, self.draft.ratings.get(key, 0))
        elif kind == "follow-up":
            index = int(key)
            old = self.draft.follow_ups[index]
            text = self.ask_promise_text("  Promise: ", old.text)
            follow_ups = list(self.draft.follow_ups)
            if text is None:
                del follow_ups[index]
            else:
                follow_ups[index] = replace(old, text=text)
            self.draft.follow_ups = follow_ups
        elif self.use_editor:
            self.editor()
        else:
            question = next(p.question for p in REFLECTION_PROMPTS if p.field == field_name)
            self.ask_text(field_name, question, revise=True)

    def choose(self, prompt: str, letters: str, default: str | None = None) -> str:
        """One letter from `letters`; Enter gives `default` when there is one.

        A choice is not something typed for the entry: answering one (say, `d` to
        discard an old draft) never makes a draft worth keeping.
        """
        while True:
            typed = self.typed
            answer = self.line(prompt).lower()
            self.typed = typed
            if not answer and default:
                return default
            if answer[:1] in letters and answer:
                return answer[0]
            render.hint(f"  Type one of: {', '.join(letters)}.")

    def confirm_save(self, entry: Callable[[], NewEntry]) -> bool:
        """The summary, then `Save? [Y/n/e]`: `e` changes one step and shows it again.

        `entry` builds the entry the draft describes now. True means save.
        """
        while True:
            render.entry_summary(entry())
            render.summary_choices()
            choice = self.choose("  Save? [Y/n/e] ", "yne", default="y")
            if choice != "e":
                return choice == "y"
            # Choosing to change something is typing: from here the draft is kept.
            self.typed = True
            self.keep()
            number = self.choose_step()
            if number is not None:
                self.change_step(STEPS[number - 1].name)

    def choose_step(self) -> int | None:
        """The number of the step to change, or None to go back to the summary."""
        render.step_menu([s.title for s in STEPS])
        while True:
            answer = self.line("  Step number [Enter to go back]: ")
            if not answer:
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(STEPS):
                return int(answer)
            render.hint(f"  Type a step number from 1 to {len(STEPS)}, or press Enter.")

    def change_step(self, name: str) -> None:
        """Ask one step again, each answer on its line to change or keep."""
        parts = {name, *_PARTS.get(name, ())}
        ratings = name == "ratings"
        self.draft.done = [
            d for d in self.draft.done if d not in parts and not (ratings and d.startswith("rate:"))
        ]
        editing, self.editing = self.editing, True
        try:
            self.ask_step(name)
        finally:
            self.editing = editing
        self.privacy_guard()
