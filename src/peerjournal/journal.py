"""The write side: save, edit, delete, share, import and forget entries, through SQLModel.

One unit of work per command: `open_journal` yields a `Journal` over one
session, committed when the block ends and rolled back on any error, so an
entry and its ratings, tags, flags and follow-ups are saved together or not
at all. Methods flush, never commit. What a method returns is read back
through the read side's own queries (`queries.Reader`) over the same
connection, so a saved entry looks exactly as every screen will show it.

Loaded only by commands that write; the guided `log` imports it in a
background thread while the person answers (cli/log.py, `preload_write_side`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from peerjournal import db, encryption, queries
from peerjournal.errors import EntryNotFound, InvalidValue
from peerjournal.models import Entry as EntryRow
from peerjournal.models import EntryEdit, Flag, FollowUp, Intention, Rating, Tag
from peerjournal.records import (
    MAX_INTENTION,
    Entry,
    NewEntry,
    checked_text,
    entry_as_dict,
    offset_minutes,
)
from peerjournal.records import FollowUp as FollowUpRecord
from peerjournal.records import Intention as IntentionRecord

_engines: dict[Path, tuple[Engine, str | None]] = {}


def engine(path: Path) -> Engine:
    """The write side's engine for the journal file at `path`, built once per run.

    Connections come from `db.open_connection` (the PRAGMAs, SQLCipher's key)
    and every transaction starts with BEGIN IMMEDIATE, so two processes saving
    at once queue for the busy timeout instead of failing half way.
    """
    key = db.key_for(path)
    cached = _engines.get(path)
    if cached is not None:
        if cached[1] == key:
            return cached[0]
        cached[0].dispose()
    options: dict[str, Any] = {}
    if key is not None:
        # SQLAlchemy's own SQLite dialect over the SQLCipher driver: `module`
        # makes its errors SQLAlchemy's.
        options["module"] = encryption.driver()
    built = create_engine(
        f"sqlite:///{path}",
        creator=lambda: db.open_connection(path, key, isolation_level=None),
        **options,
    )

    @event.listens_for(built, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    _engines[path] = (built, key)
    return built


def dispose_all() -> None:
    """Close every engine (before the file is replaced, and between tests)."""
    for built, _key in _engines.values():
        built.dispose()
    _engines.clear()


@dataclass(frozen=True)
class ImportedEntry:
    """An entry read from an export file: its content, and the identity it had there."""

    content: NewEntry
    uid: str
    logged_at: datetime
    edited_at: datetime | None
    edits: tuple[tuple[datetime, str], ...] = ()


class Journal:
    """The journal's changes over one open session. Flushes; `open_journal` commits."""

    def __init__(self, session: Session, path: Path, *, created: bool = False) -> None:
        self.session = session
        self.path = path
        # Whether this command started the journal file, to say where it is.
        self.created = created
        # Whether words were removed, so that the write-ahead log is folded in after commit.
        self.scrubbed = False

    def _raw(self) -> Any:
        """The DB-API connection under this session (the same transaction)."""
        return self.session.connection().connection.dbapi_connection

    @property
    def read(self) -> queries.Reader:
        """The read side's queries over this session's connection (sees unsaved changes)."""
        return queries.Reader(self._raw())

    # --- entries ---------------------------------------------------------------------

    def add_entry(self, new: NewEntry, *, uid: str | None = None) -> Entry:
        """Save an entry with its ratings, tags, flags and follow-ups."""
        row = EntryRow(uid=uid or uuid.uuid4().hex, logged_at=datetime.now(UTC), **_columns(new))
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        self._add_parts(row.id, new)
        self.session.flush()
        return self.read.entry(row.id)

    def _add_parts(self, entry_id: int, new: NewEntry, *, follow_ups: bool = True) -> None:
        for rating in new.ratings:
            self.session.add(
                Rating(
                    entry_id=entry_id,
                    slug=rating.slug,
                    principle_name=rating.name,
                    score=rating.score,
                    note=rating.note,
                )
            )
        for tag in new.tags:
            self.session.add(Tag(entry_id=entry_id, name=tag))
        for flag in new.flags:
            self.session.add(Flag(entry_id=entry_id, name=flag))
        if follow_ups:
            for follow_up in new.follow_ups:
                self.session.add(_follow_up_row(entry_id, follow_up))

    def edit_entry(self, entry_id: int, changes: NewEntry) -> Entry:
        """Replace an entry's content, keeping its previous version in the edit history.

        Follow-ups keep their number and whether they were done: one in
        `changes` with an `id` updates that follow-up, one without is new, and
        one no longer listed is removed.
        """
        row = self._row(entry_id)
        before = entry_as_dict(self.read.entry(entry_id))
        now = datetime.now(UTC)
        self.session.add(
            EntryEdit(
                entry_id=entry_id, edited_at=now, previous=json.dumps(before, ensure_ascii=False)
            )
        )
        for column, value in _columns(changes).items():
            setattr(row, column, value)
        row.edited_at = now
        self.session.add(row)
        conn = self.session.connection()
        for table in (Rating, Tag, Flag):
            conn.execute(delete(table).where(col(table.entry_id) == entry_id))
        self._add_parts(entry_id, changes, follow_ups=False)
        self._replace_follow_ups(entry_id, changes.follow_ups)
        self.session.flush()
        return self.read.entry(entry_id)

    def _replace_follow_ups(self, entry_id: int, wanted: Sequence[FollowUpRecord]) -> None:
        kept = {f.id for f in wanted if f.id is not None}
        existing = self.session.exec(select(FollowUp).where(FollowUp.entry_id == entry_id)).all()
        for row in existing:
            if row.id not in kept:
                self.session.delete(row)
        by_id = {row.id: row for row in existing}
        for follow_up in wanted:
            found = by_id.get(follow_up.id) if follow_up.id is not None else None
            if found is None:
                self.session.add(_follow_up_row(entry_id, follow_up))
            else:
                row = found
                row.text = follow_up.text
                row.due_date = follow_up.due.isoformat() if follow_up.due else None
                row.due_time = follow_up.due_time.strftime("%H:%M") if follow_up.due_time else None
                self.session.add(row)

    def delete_entry(self, entry_id: int) -> None:
        """Remove an entry with its ratings, tags, flags, follow-ups and edit history, and
        every word of it from the file.

        The rows' bytes are zeroed (secure_delete). The search index keeps a
        deleted entry's terms in its older segments until they are merged (this
        SQLite has no FTS5 secure-delete), so it is merged now: about a third of a
        second on a ten-year journal. `open_journal` then folds the write-ahead
        log into the file, so no earlier page with the words stays beside it.
        """
        self.session.delete(self._row(entry_id))
        self.session.flush()
        db.scrub_search(self._raw().execute)
        self.scrubbed = True

    def set_shared(self, entry_id: int, shared: bool) -> bool:
        """Mark an entry for supervision summaries (or not); True if that changed it."""
        row = self._row(entry_id)
        if row.shared == shared:
            return False
        row.shared = shared
        self.session.add(row)
        self.session.flush()
        return True

    def mark_done(self, follow_up_id: int) -> queries.OpenFollowUp:
        """Mark a follow-up kept, now; one already done keeps its first time."""
        found = self.read.follow_up(follow_up_id)
        if found is None:
            raise InvalidValue(
                f"There is no follow-up number {follow_up_id}. "
                "Run 'peerjournal followups' to see their numbers."
            )
        if found.follow_up.done_at is None:
            self.session.connection().execute(
                update(FollowUp)
                .where(col(FollowUp.id) == follow_up_id)
                .values(done_at=datetime.now(UTC))
            )
            self.session.flush()
        done = self.read.follow_up(follow_up_id)
        assert done is not None
        return done

    def _row(self, entry_id: int) -> EntryRow:
        row = self.session.get(EntryRow, entry_id) if 0 < entry_id < 2**63 else None
        if row is None:
            raise EntryNotFound(entry_id)
        return row

    # --- intentions --------------------------------------------------------------------

    def save_intention(self, start: date, end: date, text: str) -> IntentionRecord:
        """Store the period's intention, replacing one written earlier for the same period."""
        checked_text(text, "The intention", limit=MAX_INTENTION)
        row = self._intention(end)
        if row is None:
            row = Intention(
                period_start=start.isoformat(),
                period_end=end.isoformat(),
                text=text,
                written_at=datetime.now(UTC),
            )
        else:
            row.period_start = start.isoformat()
            row.text = text
            row.written_at = datetime.now(UTC)
        self.session.add(row)
        self.session.flush()
        return IntentionRecord(start, end, text, row.reply)

    def save_reply(self, end: date, reply: str) -> None:
        """Store "how did it go?" with the intention of the period ending on `end`."""
        checked_text(reply, "Your answer", limit=MAX_INTENTION)
        row = self._intention(end)
        if row is None:
            raise InvalidValue(f"No intention was written for the week ending {end}.")
        row.reply = reply
        row.replied_at = datetime.now(UTC)
        self.session.add(row)
        self.session.flush()

    def _intention(self, end: date) -> Intention | None:
        return self.session.exec(
            select(Intention).where(Intention.period_end == end.isoformat())
        ).first()

    # --- importing -------------------------------------------------------------------------

    def has_uid(self, uid: str) -> Entry | None:
        """The entry with this stable uid, if the journal has it."""
        entry_id = self.session.exec(select(EntryRow.id).where(EntryRow.uid == uid)).first()
        return None if entry_id is None else self.read.entry(int(entry_id))

    def import_entry(self, imported: ImportedEntry) -> None:
        """Add an entry from an export file, with the uid, times and edit history it had.

        Through Core inserts, not ORM objects: an import of ten years of entries
        must not build 60,000 of them.
        """
        new = imported.content
        conn = self.session.connection()
        inserted = conn.execute(
            _table(EntryRow)
            .insert()
            .values(
                uid=imported.uid,
                logged_at=imported.logged_at,
                edited_at=imported.edited_at,
                **_columns(new),
            )
        )
        entry_id = inserted.inserted_primary_key[0]  # type: ignore[index]
        parts: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                _table(Rating),
                [
                    {
                        "entry_id": entry_id,
                        "slug": r.slug,
                        "principle_name": r.name,
                        "score": r.score,
                        "note": r.note,
                    }
                    for r in new.ratings
                ],
            ),
            (_table(Tag), [{"entry_id": entry_id, "name": t} for t in new.tags]),
            (_table(Flag), [{"entry_id": entry_id, "name": f} for f in new.flags]),
            (
                _table(FollowUp),
                [
                    {
                        "entry_id": entry_id,
                        "text": f.text,
                        "due_date": f.due.isoformat() if f.due else None,
                        "due_time": f.due_time.strftime("%H:%M") if f.due_time else None,
                        "done_at": f.done_at,
                    }
                    for f in new.follow_ups
                ],
            ),
            (
                _table(EntryEdit),
                [
                    {"entry_id": entry_id, "edited_at": edited_at, "previous": previous}
                    for edited_at, previous in imported.edits
                ],
            ),
        ]
        for table, rows in parts:
            if rows:
                conn.execute(table.insert(), rows)

    def import_intention(self, intention: IntentionRecord) -> bool:
        """Add a weekly intention from an export file, unless its week already has one."""
        if self._intention(intention.end) is not None:
            return False
        self.session.add(
            Intention(
                period_start=intention.start.isoformat(),
                period_end=intention.end.isoformat(),
                text=intention.text,
                written_at=intention.written_at or datetime.now(UTC),
                reply=intention.reply,
                replied_at=intention.replied_at,
            )
        )
        self.session.flush()
        return True

    # --- forgetting ------------------------------------------------------------------------

    def forget_before(self, before: date) -> int:
        """Clear the words of every entry from before `before`; keep what the trends need
        (db.clear_words_before says which). Returns how many entries were cleared."""
        self.scrubbed = True
        return db.clear_words_before(self._raw(), before.isoformat())


def _columns(new: NewEntry) -> dict[str, Any]:
    """An entry's content as the entry table's columns: the one mapping that saving,
    editing and importing all write through."""
    return {
        "occurred_at": new.occurred_at,
        "utc_offset": offset_minutes(new.occurred_at),
        "local_date": new.local_date,
        "mode": new.mode,
        "minutes": new.minutes,
        "peer": new.peer,
        "what_happened": new.what_happened,
        "so_what": new.so_what,
        "now_what": new.now_what,
        "feeling": new.feeling,
        "shared": new.shared,
    }


def _table(model: type[Any]) -> Any:
    return model.__table__


def _follow_up_row(entry_id: int, follow_up: FollowUpRecord) -> FollowUp:
    return FollowUp(
        entry_id=entry_id,
        text=follow_up.text,
        due_date=follow_up.due.isoformat() if follow_up.due else None,
        due_time=follow_up.due_time.strftime("%H:%M") if follow_up.due_time else None,
    )


@contextmanager
def open_journal(location: db.Location | None = None) -> Iterator[Journal]:
    """Open the journal (default: this run's) for one command that writes, creating it if
    there is none yet. Committed when the block ends; rolled back on any error.
    """
    location = location or db.locate()
    path = location.path
    created = db.prepare_new(location)
    db.check_version(path)
    session = Session(bind=engine(path), expire_on_commit=False)
    try:
        journal = Journal(session, path, created=created)
        yield journal
        session.commit()
        if journal.scrubbed:
            db.checkpoint(path)
    except OperationalError as exc:
        session.rollback()
        raise db.unusable(path, str(exc.orig if exc.orig is not None else exc)) from None
    except encryption.errors("OperationalError") as exc:
        session.rollback()
        raise db.unusable(path, str(exc)) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
