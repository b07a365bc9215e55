"""How `log` and `edit` gather an entry without asking: flags read, the editor, drafts kept.

The guided questions are in `guided.py`; both end here, in `to_new_entry`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peerjournal import drafts, paths, render
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue
from peerjournal.principles import Guide
from peerjournal.records import (
    DEFAULT_MODE,
    MAX_FOLLOW_UPS,
    MAX_REFLECTION,
    MAX_REFLECTION_FILE,
    PRIVACY_REMINDER,
    REFLECTION_FIELDS,
    REFLECTION_PROMPTS,
    FollowUp,
    clean_flags,
    parse_flag,
    parse_score,
)

if TYPE_CHECKING:
    from datetime import datetime

    from peerjournal.privacy import Finding
    from peerjournal.records import NewEntry

EDITOR_FILENAME = "reflection.txt"
# Marks a draft saved just before the editor opened: text left in the editor's
# file then belongs to that draft.
EDITOR_OPEN = "editor-open"


class Interrupted(Exception):
    """The user stopped the guided flow (Ctrl-C or end of input), or the editor."""


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


def parse_follow_ups(
    texts: Sequence[str], dues: Sequence[str], made: datetime | None = None
) -> list[FollowUp]:
    """`--follow-up TEXT` values, each with its `--due WHEN` in the same order.

    Either no --due at all, or one per follow-up (`--due none` for one without a date).
    `made` is when the conversation happened, which a due date is read from.
    """
    from peerjournal.dates import parse_due

    if dues and len(dues) != len(texts):
        raise InvalidValue(
            f"There {_count(len(texts), '--follow-up')} but {len(dues)} --due: give one --due "
            "per --follow-up, in the same order (--due none for one without a date)."
        )
    if len(texts) > MAX_FOLLOW_UPS:
        raise InvalidValue(f"An entry can hold at most {MAX_FOLLOW_UPS} follow-ups.")
    follow_ups = []
    for index, text in enumerate(texts):
        when = dues[index].strip() if dues else ""
        if when.lower() in ("", "none", "-"):
            follow_ups.append(FollowUp(text))
            continue
        try:
            due = parse_due(when, made=made)
        except InvalidValue as exc:
            raise InvalidValue(f"--due {when[:40]!r}: {exc}") from None
        follow_ups.append(FollowUp(text, due.day, due.time))
    return follow_ups


def _count(number: int, option: str) -> str:
    return f"is 1 {option}" if number == 1 else f"are {number} {option} options"


def parse_flags(answer: str) -> tuple[str, ...]:
    """Flags typed as numbers or names, separated by commas or spaces (`1 3`, `own story`)."""
    found: list[str] = []
    for part in re.split(r"[,;]+", answer):
        if not part.strip():
            continue
        try:
            found.append(parse_flag(part))
        except InvalidValue:
            found += [parse_flag(word) for word in part.split()]
    return clean_flags(found)


def parse_choice(guide: Guide, answer: str) -> list[str]:
    """The slugs of the principles chosen: numbers from the list or (starts of) slugs.

    Empty or `all` is every principle; `none` or `-` is none.
    """
    text = answer.strip().lower()
    if text in ("", "all"):
        return list(guide.slugs)
    if text in ("none", "-", "0"):
        return []
    chosen: set[str] = set()
    total = len(guide.principles)
    for token in re.split(r"[\s,;]+", text):
        if not token:
            continue
        if token.isdigit():
            if not 1 <= int(token) <= total:
                raise InvalidValue(
                    f"There are {total} principles; choose numbers from 1 to {total}."
                )
            chosen.add(guide.principles[int(token) - 1].slug)
        else:
            chosen.add(guide.find(token).slug)
    return [slug for slug in guide.slugs if slug in chosen]


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


def editor_file(entry_id: int | None = None) -> Path:
    """The file the editor opens: one for a new entry, one per entry being edited."""
    name = EDITOR_FILENAME if entry_id is None else f"reflection-edit-{entry_id}.txt"
    return paths.data_dir() / name


def reflection_from_editor(draft: Draft) -> None:
    """Let the user write the reflection in their editor; fills the draft's three answers.

    If the editor is stopped (Ctrl-C, or it fails), what it had saved is put in
    the draft and `Interrupted` is raised, for the caller to keep the draft.
    The file stays until the caller has kept it (`editor_done`): if this
    process is killed, the next `log` finds it (`recover_editor_text`).
    """
    from peerjournal.cli.editor import EditorStopped, open_in_editor

    path = editor_file(draft.entry_id)
    paths.write_private_file(path, editor_template(draft).encode("utf-8"))
    try:
        open_in_editor(path)
    except (KeyboardInterrupt, EditorStopped):
        _fill_from_editor(draft, path)
        render.notice("The editor stopped before it was closed in the usual way.")
        raise Interrupted from None
    _fill_from_editor(draft, path)
    editor_done(draft)


def _fill_from_editor(draft: Draft, path: Path) -> None:
    text = _editor_text(path)
    if text is not None:
        draft.what_happened, draft.so_what, draft.now_what = parse_editor_text(text)


def _editor_text(path: Path) -> str | None:
    """What the editor's file holds, read with a bound (a reflection never needs more)."""
    try:
        data = paths.read_file(path, limit=MAX_REFLECTION_FILE)
    except (FileNotFoundError, NotADirectoryError):
        # None there (or no data folder at all, when a file has its name).
        return None
    except OSError as exc:
        raise InvalidValue(f"{path} could not be read ({exc.strerror}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidValue(
            f"The editor saved text that is not UTF-8; it is kept in {path}."
        ) from None


def editor_done(draft: Draft) -> None:
    """The editor's file is no longer needed: its text is in `draft`, and the draft is kept."""
    editor_file(draft.entry_id).unlink(missing_ok=True)


def recover_editor_text(draft_file: Path, entry_id: int | None = None) -> Path | None:
    """Text left in the editor's file by a `log` that was stopped or killed, kept as a draft.

    It joins the draft it was written for (saved just before the editor
    opened), or a draft with no reflection yet; otherwise it becomes a draft
    of its own, in `draft_file` if that is free. Returns where it is kept now,
    or None when there was nothing to keep. Nothing is ever overwritten.
    """
    path = editor_file(entry_id)
    text = _editor_text(path)
    if text is None:
        return None
    answers = parse_editor_text(text)
    if not any(answers):
        path.unlink(missing_ok=True)
        return None
    try:
        pending = drafts.load(draft_file)
    except drafts.DraftUnreadable as exc:
        render.notice(str(exc))
        pending = None
    target = draft_file
    if pending is None:
        pending = Draft(entry_id=entry_id)
    elif EDITOR_OPEN not in pending.done and pending.reflection.strip():
        # The draft waiting was written elsewhere, with words of its own: both are kept.
        pending, target = Draft(entry_id=entry_id), drafts.spare_path()
    pending.what_happened, pending.so_what, pending.now_what = answers
    pending.done = [d for d in pending.done if d != EDITOR_OPEN]
    for step in (*REFLECTION_FIELDS, "reflection"):
        pending.mark_done(step)
    kept = drafts.save(pending, target)
    path.unlink(missing_ok=True)
    return kept


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

    Fields are the alias (`peer`), the three reflection answers, each follow-up
    (`follow-up:N`, N from 0) and each rating's note (`note:SLUG`). The words
    of the guide's principle names are never taken for a person's name.
    """
    from peerjournal.privacy import scan

    known = {word for p in guide.principles for word in re.findall(r"\w+", p.name)}
    found = []
    for name, label, text in answers_to_check(draft, guide):
        findings = scan(text, known_words=known) if text else []
        if findings:
            found.append((name, label, findings))
    return found


def answers_to_check(draft: Draft, guide: Guide) -> list[tuple[str, str, str]]:
    """(field, label, text) for every answer the privacy guard reads."""
    checks = [("peer", "peer alias", draft.peer or "")]
    checks += [(p.field, p.label, getattr(draft, p.field)) for p in REFLECTION_PROMPTS]
    # In the order the guided log asks: promises come before the ratings' notes.
    for index, follow_up in enumerate(draft.follow_ups):
        checks.append((f"follow-up:{index}", "a follow-up", follow_up.text))
    for slug, note in draft.notes.items():
        principle = guide.get(slug)
        name = principle.name if principle is not None else slug
        checks.append((f"note:{slug}", f"your note on {name}", note))
    return checks


def answer_text(draft: Draft, guide: Guide, field_name: str) -> str:
    """The text of one answer the privacy guard names."""
    found = (text for name, _, text in answers_to_check(draft, guide) if name == field_name)
    return next(found, "")


def check_privacy(draft: Draft, guide: Guide, *, strict: bool) -> bool:
    """Warn on stderr about what looks identifying; with `strict`, refuse to go on.

    Returns whether anything was found, so that after saving the caller can say
    how to change it.
    """
    found = privacy_findings(draft, guide)
    if not found:
        return False
    for field_name, label, findings in found:
        render.privacy_warning(label, answer_text(draft, guide, field_name), findings)
    if strict:
        kinds = sorted({f.kind for _, _, findings in found for f in findings})
        raise InvalidValue(
            f"Not saved: it may identify someone ({', '.join(kinds)}). Change those words, "
            "or leave out --strict-privacy to save it anyway."
        )
    return True


def missing_input(draft: Draft) -> str | None:
    """What a scripted log still needs, or None when it can be saved."""
    if draft.reflection.strip() or draft.ratings:
        return None
    return (
        "Nothing to save yet: give a reflection (--note TEXT, --note -, --note-file PATH "
        "or --editor) or at least one rating (--rate SLUG=N)."
    )


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
