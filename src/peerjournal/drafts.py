"""The entry in progress, kept as a private JSON file so nothing typed is ever lost.

For an encrypted journal the same JSON is sealed in a small SQLCipher file
locked with the journal's passphrase (draft.db, not draft.json): what is typed
is never on disk in plain text. The choice is made in `_sealing_key` and the
few lines that call it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerjournal import encryption, paths
from peerjournal.errors import InvalidValue, PeerJournalError
from peerjournal.records import (
    MAX_NOTE,
    FollowUp,
    NewEntry,
    Rating,
    checked_text,
    follow_up_as_dict,
    follow_up_from_dict,
)

DRAFT_FILENAME = "draft.json"
SEALED_FILENAME = "draft.db"
# Version 2 added rating notes, flags and follow-ups; a version 1 draft reads without them.
FORMAT_VERSION = 2
# The most of a draft file that is read: the longest entry, in the widest UTF-8 and escaped
# as JSON, fits many times over. Anything larger was not written by peerjournal.
MAX_DRAFT_BYTES = 8 * 1024 * 1024


class DraftUnreadable(PeerJournalError):
    """The draft file exists but is not a draft peerjournal can read."""


class DraftNotKept(PeerJournalError):
    """The draft file could not be written (the folder is missing, full or not ours)."""


@dataclass
class Draft:
    """The answers given so far for one entry (a new one, or an edit of `entry_id`).

    Mutable on purpose: the guided flow fills it in step by step and saves it
    after every answer.
    """

    occurred_at: datetime | None = None
    mode: str | None = None
    minutes: int | None = None
    peer: str | None = None
    what_happened: str = ""
    so_what: str = ""
    now_what: str = ""
    ratings: dict[str, int] = field(default_factory=dict)
    # A rating's "why?", by slug.
    notes: dict[str, str] = field(default_factory=dict)
    feeling: int | None = None
    tags: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    # Which steps have been answered (skipping counts), so a resumed draft
    # asks only the rest.
    done: list[str] = field(default_factory=list)
    entry_id: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The line being typed when the log was stopped, and the step it was typed at:
    # that step's question starts out holding it next time.
    unfinished: str = ""
    unfinished_step: str = ""

    @property
    def reflection(self) -> str:
        """The three reflection answers joined, for a preview or a check."""
        return "\n".join(t for t in (self.what_happened, self.so_what, self.now_what) if t)

    def content(self) -> tuple[object, ...]:
        """The answers alone (not the progress), to tell whether anything changed."""
        return (
            self.occurred_at,
            self.mode,
            self.minutes,
            self.peer,
            self.what_happened,
            self.so_what,
            self.now_what,
            sorted(self.ratings.items()),
            sorted(self.notes.items()),
            self.feeling,
            sorted(self.tags),
            sorted(self.flags),
            [(f.id, f.text, f.due, f.due_time) for f in self.follow_ups],
        )

    def check(self) -> None:
        """InvalidValue when an answer breaks a rule every entry obeys.

        A draft may have been changed by hand, or kept by an older version: it is
        held to the same rules as the entry it will become, before any question.
        """
        for note in self.notes.values():
            checked_text(note, "A note", limit=MAX_NOTE)
        NewEntry(
            occurred_at=self.occurred_at or self.started_at,
            mode=self.mode or "other",
            minutes=self.minutes,
            peer=self.peer,
            what_happened=self.what_happened,
            so_what=self.so_what,
            now_what=self.now_what,
            feeling=self.feeling,
            ratings=tuple(Rating(slug, slug, score) for slug, score in self.ratings.items()),
            tags=tuple(self.tags),
            flags=tuple(self.flags),
            follow_ups=tuple(self.follow_ups),
        )

    def mark_done(self, step: str) -> None:
        if step not in self.done:
            self.done.append(step)

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "started_at": self.started_at.isoformat(),
            "entry_id": self.entry_id,
            "done": list(self.done),
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "mode": self.mode,
            "minutes": self.minutes,
            "peer": self.peer,
            "what_happened": self.what_happened,
            "so_what": self.so_what,
            "now_what": self.now_what,
            "ratings": dict(self.ratings),
            "notes": dict(self.notes),
            "feeling": self.feeling,
            "tags": list(self.tags),
            "flags": list(self.flags),
            "follow_ups": [follow_up_as_dict(f) for f in self.follow_ups],
        }
        if self.unfinished:
            data["unfinished"] = {"step": self.unfinished_step, "text": self.unfinished}
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        """A draft from its JSON; ValueError/TypeError/KeyError if it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") not in (1, FORMAT_VERSION):
            raise ValueError("not a draft")
        when = data["occurred_at"]
        ratings = data["ratings"]
        if not isinstance(ratings, dict) or not all(
            isinstance(k, str) and type(v) is int for k, v in ratings.items()
        ):
            raise ValueError("ratings")
        notes = data.get("notes", {})
        if not isinstance(notes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in notes.items()
        ):
            raise ValueError("notes")
        try:
            follow_ups = [follow_up_from_dict(f) for f in data.get("follow_ups", [])]
        except (InvalidValue, AttributeError):
            raise ValueError("follow_ups") from None
        unfinished = data.get("unfinished") or {"step": "", "text": ""}
        if not isinstance(unfinished, dict):
            raise ValueError("unfinished")
        draft = cls(
            occurred_at=datetime.fromisoformat(when) if when is not None else None,
            mode=_optional(data["mode"], str),
            minutes=_optional(data["minutes"], int),
            peer=_optional(data["peer"], str),
            what_happened=_text(data["what_happened"]),
            so_what=_text(data["so_what"]),
            now_what=_text(data["now_what"]),
            ratings=ratings,
            notes=notes,
            feeling=_optional(data["feeling"], int),
            tags=[_text(t) for t in data["tags"]],
            flags=[_text(f) for f in data.get("flags", [])],
            follow_ups=follow_ups,
            done=[_text(s) for s in data["done"]],
            entry_id=_optional(data["entry_id"], int),
            started_at=datetime.fromisoformat(data["started_at"]),
            unfinished=_text(unfinished["text"]),
            unfinished_step=_text(unfinished["step"]),
        )
        if draft.occurred_at is not None and draft.occurred_at.tzinfo is None:
            raise ValueError("occurred_at")
        return draft


def _optional(value: Any, kind: type) -> Any:
    if value is not None and type(value) is not kind:
        raise TypeError(kind.__name__)
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("str")
    return value


def _sealing_key() -> str | None:
    """The passphrase to seal drafts with: the encrypted journal's, or None for a plain one."""
    return encryption.journal_passphrase()


def _suffix() -> str:
    return ".db" if encryption.journal_is_encrypted() else ".json"


def draft_path() -> Path:
    """Where the draft lives: in the data folder, next to the journal.

    For an encrypted journal this asks for the passphrase now, before any
    question, since every answer will be sealed with it.
    """
    if _sealing_key() is not None:
        return paths.data_dir() / SEALED_FILENAME
    return paths.data_dir() / DRAFT_FILENAME


def edit_path(entry_id: int) -> Path:
    """Where the new answers of an edit of entry `entry_id` wait until saved."""
    return paths.data_dir() / f"draft-edit-{entry_id}{_suffix()}"


def spare_path() -> Path:
    """A second place for an entry that could not be saved while another draft was waiting."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return paths.data_dir() / f"draft-unsaved-{stamp}{_suffix()}"


def load(path: Path | None = None) -> Draft | None:
    """The pending draft, or None. An unreadable one is moved aside (never deleted)."""
    path = path or draft_path()
    try:
        if encryption.looks_encrypted(path):
            text = encryption.read_sealed(path)
        else:
            text = paths.read_file(path, limit=MAX_DRAFT_BYTES).decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        # No draft there (or no folder at all, when the data folder is taken by a file).
        return None
    except (OSError, UnicodeDecodeError, ValueError, paths.UnreadableFile):
        text = ""
    try:
        draft = Draft.from_json(text)
    except (ValueError, TypeError, KeyError):
        aside = _move_aside(path)
        raise DraftUnreadable(
            f"An unfinished entry could not be read; it was moved to {aside} so you can look at it."
        ) from None
    try:
        draft.check()
    except InvalidValue:
        aside = _move_aside(path)
        raise DraftUnreadable(
            "An unfinished entry holds an answer that cannot be saved as it is, so it was "
            f"moved to {aside}, where you can look at it and copy out what you wrote."
        ) from None
    return draft


def _move_aside(path: Path) -> Path:
    """Move an unusable draft out of the way, never over another one."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    aside = path.with_name(f"draft-unreadable-{stamp}{path.suffix or '.json'}")
    path.replace(aside)
    return aside


def save(draft: Draft, path: Path | None = None) -> Path:
    """Write the draft (0600, atomically: a crash leaves the previous version)."""
    path = path or draft_path()
    key = _sealing_key()
    try:
        if key is None:
            paths.write_private_file(path, draft.to_json().encode("utf-8"))
        else:
            encryption.write_sealed(path, draft.to_json(), key)
    except OSError as exc:
        raise DraftNotKept(
            f"Your answers could not be kept in {path} ({exc.strerror or exc}); check that "
            "folder, or choose another with PEERJOURNAL_HOME."
        ) from None
    return path


def discard(path: Path | None = None) -> None:
    """Remove the draft, once its entry is safely saved or the user let it go."""
    (path or draft_path()).unlink(missing_ok=True)


def seal_plain_drafts() -> list[Path]:
    """Seal every plain draft in the data folder, once the journal has been encrypted.

    Each draft*.json becomes a draft*.db locked with the journal's passphrase,
    and the plain file is overwritten and removed. Returns the sealed files.
    """
    key = _sealing_key()
    if key is None:
        return []
    sealed: list[Path] = []
    for plain in sorted(paths.data_dir().glob("draft*.json")):
        target = plain.with_suffix(".db")
        if target.exists():
            continue
        try:
            text = paths.read_file(plain, limit=MAX_DRAFT_BYTES).decode("utf-8", errors="replace")
        except (OSError, paths.UnreadableFile):
            continue  # not a draft this program wrote; `log` moves it aside when it meets it
        encryption.write_sealed(target, text, key)
        paths.wipe_file(plain)
        sealed.append(target)
    return sealed
