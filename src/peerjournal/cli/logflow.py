"""How `log` and `edit` gather an entry: flags checked, the guided steps asked, drafts kept."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peerjournal import drafts, paths, render
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide, Principle
from peerjournal.records import (
    MAX_REFLECTION,
    MAX_REFLECTION_FILE,
    MODES,
    PRIVACY_REMINDER,
    REFLECTION_PROMPTS,
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
    from peerjournal.privacy import Finding
    from peerjournal.records import NewEntry

DEFAULT_MODE = "other"
EDITOR_FILENAME = "reflection.txt"


class Interrupted(Exception):
    """The user stopped the guided flow (Ctrl-C or end of input)."""


# --- single values ------------------------------------------------------------


def parse_ratings(guide: Guide, specs: Sequence[str]) -> tuple[dict[str, int], dict[str, str]]:
    """`--rate SLUG=N` or `SLUG=N:NOTE` values as ({slug: score}, {slug: note}).

    The part after the first ':' is the rating's note ("why?").
    """
    ratings: dict[str, int] = {}
    notes: dict[str, str] = {}
    for spec in specs:
        slug, sep, rest = spec.partition("=")
        score, _colon, note = rest.partition(":")
        if not sep or not slug.strip():
            raise InvalidValue(
                f"--rate needs SLUG=N, for example --rate {guide.slugs[0]}=4 or "
                f"--rate '{guide.slugs[0]}=2:why it was hard' (not '{spec[:40]}')."
            )
        principle = guide.find(slug)
        if principle.slug in ratings:
            raise InvalidValue(f"'{principle.slug}' is rated twice; give each principle once.")
        ratings[principle.slug] = parse_score(score.strip(), f"The rating for {principle.slug}")
        if note.strip():
            notes[principle.slug] = note.strip()
    return ratings, notes


def read_note(note: str | None, note_file: Path | None) -> str | None:
    """The reflection from --note TEXT, --note - (stdin) or --note-file PATH."""
    if note is not None and note_file is not None:
        raise InvalidValue("Give the reflection with --note or with --note-file, not both.")
    too_long = (
        f"is too long for a reflection: peerjournal keeps at most {MAX_REFLECTION:,} "
        "characters (about 30 pages). Shorten it and try again."
    )
    if note == "-":
        # Read no more than a reflection can hold: `--note - < /dev/zero` must not run for ever.
        text = sys.stdin.read(MAX_REFLECTION + 1)
        if len(text) > MAX_REFLECTION:
            raise InvalidValue(f"The text on standard input {too_long}")
        return _trim(text)
    if note is not None:
        return _trim(note)
    if note_file is not None:
        try:
            raw = paths.read_file(note_file, limit=MAX_REFLECTION_FILE)
            return _trim(raw.decode("utf-8"))
        except paths.FileTooLarge:
            raise InvalidValue(f"{note_file} {too_long}") from None
        except FileNotFoundError:
            raise InvalidValue(f"There is no file {note_file}.") from None
        except UnicodeDecodeError:
            raise InvalidValue(f"{note_file} is not UTF-8 text.") from None
        except OSError as exc:
            raise InvalidValue(f"{note_file} could not be read ({exc.strerror}).") from None
    return None


def _trim(text: str) -> str:
    # Only blank space at the ends: every other character is kept exactly.
    return text.strip(" \t\r\n")


# --- the editor ---------------------------------------------------------------


def editor_template(draft: Draft) -> str:
    lines = [
        "# Write your reflection under each question. Lines starting with # are left out.",
        f"# {PRIVACY_REMINDER}",
        "",
    ]
    for prompt in REFLECTION_PROMPTS:
        lines += [f"# {prompt.question}", getattr(draft, prompt.field), ""]
    return "\n".join(lines)


def parse_editor_text(text: str) -> tuple[str, str, str]:
    """The three answers from an edited template; text before any heading is 'What happened'."""
    sections: list[list[str]] = [[], [], []]
    current = 0
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            for index, prompt in enumerate(REFLECTION_PROMPTS):
                if heading.startswith(prompt.label.split("?")[0].lower()):
                    current = index
            continue
        sections[current].append(line)
    what, so, now = (_trim("\n".join(s)) for s in sections)
    return what, so, now


def reflection_from_editor(draft: Draft) -> None:
    """Let the user write the reflection in their editor; fills the draft's three answers."""
    from peerjournal.cli.editor import open_in_editor

    path = paths.data_dir() / EDITOR_FILENAME
    paths.write_private_file(path, editor_template(draft).encode("utf-8"))
    open_in_editor(path)
    try:
        text = paths.read_file(path, limit=MAX_REFLECTION_FILE).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidValue(
            f"The editor saved text that is not UTF-8; it is kept in {path}."
        ) from None
    draft.what_happened, draft.so_what, draft.now_what = parse_editor_text(text)
    path.unlink(missing_ok=True)


# --- from a draft to an entry -------------------------------------------------


def to_new_entry(
    draft: Draft, guide: Guide, *, shared: bool = False, names: dict[str, str] | None = None
) -> NewEntry:
    """The entry a finished draft describes; ratings follow the guide's order.

    `names` gives the stored name of a principle the guide no longer has.
    """
    from peerjournal.dates import parse_when
    from peerjournal.records import NewEntry, Rating

    order = {slug: i for i, slug in enumerate(guide.slugs)}
    ratings = []
    for slug in sorted(draft.ratings, key=lambda s: order.get(s, len(order))):
        principle = guide.get(slug)
        name = principle.name if principle else (names or {}).get(slug, slug)
        ratings.append(Rating(slug, name, draft.ratings[slug], draft.notes.get(slug)))
    return NewEntry(
        occurred_at=draft.occurred_at or parse_when("now"),
        mode=draft.mode or DEFAULT_MODE,
        minutes=draft.minutes,
        peer=draft.peer,
        what_happened=draft.what_happened,
        so_what=draft.so_what,
        now_what=draft.now_what,
        feeling=draft.feeling,
        ratings=tuple(ratings),
        tags=tuple(draft.tags),
        flags=tuple(draft.flags),
        follow_ups=tuple(draft.follow_ups),
        shared=shared,
    )


def privacy_findings(draft: Draft, guide: Guide) -> list[tuple[str, str, list[Finding]]]:
    """Each answer that looks identifying: (field, its label, what was found).

    The words of the guide's principle names are never taken for a person's name.
    """
    from peerjournal.privacy import scan

    known = {word for p in guide.principles for word in re.findall(r"\w+", p.name)}
    found = []
    checks = [("peer", "peer alias", draft.peer or "")]
    checks += [(p.field, p.label, getattr(draft, p.field)) for p in REFLECTION_PROMPTS]
    for name, label, text in checks:
        findings = scan(text, known_words=known) if text else []
        if findings:
            found.append((name, label, findings))
    return found


def check_privacy(draft: Draft, guide: Guide, *, strict: bool) -> None:
    """Warn on stderr about what looks identifying; with `strict`, refuse to go on."""
    found = privacy_findings(draft, guide)
    if not found:
        return
    for field_name, label, findings in found:
        render.privacy_warning(label, getattr(draft, field_name) or "", findings)
    if strict:
        kinds = sorted({f.kind for _, _, findings in found for f in findings})
        raise InvalidValue(
            f"Not saved: it may identify someone ({', '.join(kinds)}). Change those words, "
            "or leave out --strict-privacy to save it anyway."
        )
    render.notice("Saved anyway; you can change it later with: peerjournal edit ID")


def feedback(entry: NewEntry, guide: Guide) -> str:
    """One line to take away: the principle rated lowest with a question, or something kind."""
    if not entry.ratings:
        return (
            "Thank you for taking a moment to reflect. Rating the principles next time "
            "lets your weekly review show trends."
        )
    lowest = min(entry.ratings, key=lambda r: r.score)
    if lowest.score >= 4:
        return "Every principle you rated was 4 or higher. Notice what helped, and keep it."
    principle = guide.get(lowest.slug)
    question = f" Next time, ask yourself: {principle.questions[0]}" if principle else ""
    return f"Lowest today: {lowest.name} ({lowest.score} of 5).{question}"


def missing_input(draft: Draft) -> str | None:
    """What a scripted log still needs, or None when it can be saved."""
    if draft.reflection.strip() or draft.ratings:
        return None
    return (
        "Nothing to save yet: give a reflection (--note TEXT, --note -, --note-file PATH "
        "or --editor) or at least one rating (--rate SLUG=N)."
    )


# --- the guided steps ---------------------------------------------------------


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


STEPS = 8  # the ninth, the summary and save, has no number on screen


@dataclass
class GuidedFlow:
    """The nine steps of a guided log, asked in order; what is already answered is skipped.

    The draft is saved after every answer from the first one the user types,
    so Ctrl-C, a crash or a failed save never lose it. Where an answer is being
    changed, its line starts out holding the old one: Enter keeps it, and an
    emptied line or '-' clears an optional one.
    """

    draft: Draft
    guide: Guide
    draft_file: Path
    use_editor: bool = False
    editing: bool = False
    strict_privacy: bool = False
    typed: bool = False
    unkept: bool = False
    read: Callable[[str, str], str] = render.ask  # (prompt, prefill) -> the line
    more_waiting: Callable[[], bool] = lambda: input_is_waiting()
    # Called once, when the first answer comes back (the guided log starts loading
    # the write side then, so that saving after the last answer costs no import).
    on_first_answer: Callable[[], None] | None = None

    def run(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("when", self.ask_when),
            ("mode", self.ask_mode),
            ("minutes", self.ask_minutes),
            ("peer", self.ask_peer),
            ("reflection", self.ask_reflection),
            ("ratings", self.ask_ratings),
            ("feeling", self.ask_feeling),
            ("tags", self.ask_tags),
        ]
        for name, ask in steps:
            if name not in self.draft.done:
                ask()
                self.draft.mark_done(name)
                self.keep()
        self.privacy_guard()

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
        while True:
            try:
                answer = self.read(prompt, prefill)
            except (KeyboardInterrupt, EOFError):
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

    @staticmethod
    def skip_hint(value: object) -> str:
        """What an optional question says when there is no answer yet to keep."""
        return " [Enter to skip]" if value in (None, "", []) else ""

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
            except InvalidValue as exc:
                render.hint(f"  {exc}")

    # The steps ----------------------------------------------------------------

    def ask_when(self) -> None:
        from peerjournal.dates import parse_when

        render.step(1, STEPS, "When was the conversation?", "e.g. now, today 14:30, 2 hours ago")
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

    def ask_mode(self) -> None:
        render.step(2, STEPS, "Kind of contact")
        menu = "  ".join(f"{i} {mode_label(m)}" for i, m in enumerate(MODES, start=1))
        default = self.draft.mode or DEFAULT_MODE

        def accept(answer: str) -> bool:
            self.draft.mode = parse_mode(answer) if answer else default
            return True

        label = mode_label(default)
        if self.editing:
            self.ask_until_valid(f"  {menu}\n  Number or name: ", accept, label)
        else:
            self.ask_until_valid(f"  {menu}\n  Number or name [Enter: {label}]: ", accept)

    def ask_minutes(self) -> None:
        render.step(3, STEPS, "How many minutes did it last?", "optional")

        def accept(answer: str) -> bool:
            self.draft.minutes = check_minutes(answer) if answer not in ("", "-") else None
            return True

        minutes = self.draft.minutes
        self.ask_until_valid(f"  Minutes{self.skip_hint(minutes)}: ", accept, minutes)

    def ask_peer(self) -> None:
        render.step(4, STEPS, "Peer alias", "optional: initials or a pseudonym, never a full name")

        def accept(answer: str) -> bool:
            self.draft.peer = clean_peer(answer) if answer != "-" else None
            return True

        peer = self.draft.peer
        self.ask_until_valid(f"  Alias{self.skip_hint(peer)}: ", accept, peer)

    def ask_reflection(self) -> None:
        render.step(5, STEPS, "Your reflection", PRIVACY_REMINDER)
        if self.use_editor:
            self.keep()
            reflection_from_editor(self.draft)
            self.typed = self.typed or bool(self.draft.reflection)
            return
        render.hint("  Write as many lines as you like; an empty line ends each answer.")
        for prompt in REFLECTION_PROMPTS:
            if prompt.field not in self.draft.done:
                self.ask_text(prompt.field, prompt.question)
                self.draft.mark_done(prompt.field)
                self.keep()

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

    def ask_ratings(self) -> None:
        render.step(
            6,
            STEPS,
            "How well did it live up to each principle?",
            "1 (not at all) to 5 (fully); Enter skips one that did not apply; ? shows examples",
        )
        total = len(self.guide.principles)
        for number, principle in enumerate(self.guide.principles, start=1):
            key = f"rate:{principle.slug}"
            if key not in self.draft.done:
                self.ask_rating(principle, number, total)
                self.draft.mark_done(key)
                self.keep()

    def ask_rating(self, principle: Principle, number: int, total: int) -> None:
        render.principle_prompt(principle, number, total)
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

        self.ask_until_valid(f"  Rating 1-5{self.skip_hint(now)}: ", accept, now)

    def ask_feeling(self) -> None:
        render.step(
            7,
            STEPS,
            "How are you feeling after this conversation?",
            "optional: 1 drained, 3 okay, 5 well",
        )

        def accept(answer: str) -> bool:
            feeling = answer not in ("", "-")
            self.draft.feeling = parse_feeling(answer) if feeling else None
            return True

        now = self.draft.feeling
        self.ask_until_valid(f"  Feeling 1-5{self.skip_hint(now)}: ", accept, now)

    def ask_tags(self) -> None:
        render.step(8, STEPS, "Tags", "optional, separated by commas, e.g. warmline, first-contact")
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
            found = [f for f in privacy_findings(self.draft, self.guide) if f[0] not in kept]
            if not found:
                return
            field_name, label, findings = found[0]
            render.privacy_warning(label, self._field_text(field_name), findings)
            if self.strict_privacy:
                render.hint("  --strict-privacy is on, so this answer needs changing.")
                choice = "e"
            else:
                choice = self.choose("  [e] edit this answer, or [k] keep it as it is? ", "ek")
            if choice == "k":
                kept.add(field_name)
                continue
            if field_name == "peer":
                self.ask_peer()
            elif self.use_editor:
                reflection_from_editor(self.draft)
            else:
                question = next(p.question for p in REFLECTION_PROMPTS if p.field == field_name)
                self.ask_text(field_name, question, revise=True)
            self.keep()

    def _field_text(self, field_name: str) -> str:
        value = getattr(self.draft, field_name)
        return value if isinstance(value, str) else ""

    def choose(self, prompt: str, letters: str, default: str | None = None) -> str:
        """One letter from `letters`; Enter gives `default` when there is one."""
        while True:
            answer = self.line(prompt).lower()
            if not answer and default:
                return default
            if answer[:1] in letters and answer:
                return answer[0]
            render.hint(f"  Type one of: {', '.join(letters)}.")

    def confirm_save(self) -> bool:
        return self.choose("  Save this entry? [Y/n] ", "yn", default="y") == "y"


def keep_or_show(draft: Draft, keep: Callable[[], Path]) -> Path | None:
    """Keep the draft where `keep` writes it; if even that fails, show its text back.

    Returns where it was kept, or None when it is only on screen now.
    """
    try:
        return keep()
    except drafts.DraftNotKept as exc:
        render.notice(str(exc))
        render.draft_text(draft)
        return None


def keep_after_failure(draft: Draft, *, reuse: Path | None) -> Path:
    """Write an unsaved entry where the next `log` will find it; never over another draft."""
    if reuse is not None:
        return drafts.save(draft, reuse)
    target = drafts.draft_path()
    if target.exists():
        target = drafts.spare_path()
    return drafts.save(draft, target)
