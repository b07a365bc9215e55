"""The journal's tables: entries, ratings, tags, flags, follow-ups, edit history, intentions.

The schema, and the write side's view of it; the read side (the queries package)
speaks plain SQL to the same tables. A change here is a new step in
migrations.py, and the fresh-equals-migrated test keeps the two in step.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, UniqueConstraint, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from peerjournal.records import MAX_PEER, MAX_PRINCIPLE_NAME, MAX_SLUG, MAX_TAG


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, returned aware again.

    SQLite has no time-zone type; storing UTC everywhere keeps ordering and
    comparisons right in SQL, and the same column works on PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("peerjournal stores only time-zone aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        return moment.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Entry(SQLModel, table=True):
    """One support conversation and the supporter's reflection on it."""

    __tablename__ = "entry"
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="ck_entry_minutes"),
        CheckConstraint("feeling IS NULL OR feeling BETWEEN 1 AND 5", name="ck_entry_feeling"),
        Index("ix_entry_local_date", "local_date"),
        Index("ix_entry_occurred_at", "occurred_at"),
        # `peer ALIAS` matches aliases whatever their case.
        Index("ix_entry_peer", text("peer COLLATE NOCASE")),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=32, unique=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    # Minutes east of UTC where the supporter was, so the local time is kept
    # exactly as they lived it, across daylight-saving changes and travel.
    utc_offset: int
    # The local calendar day; reviews bucket by it in SQL.
    local_date: str = Field(max_length=10)
    logged_at: datetime = Field(sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mode: str = Field(max_length=20)
    minutes: int | None = None
    peer: str | None = Field(default=None, max_length=MAX_PEER)
    what_happened: str = ""
    so_what: str = ""
    now_what: str = ""
    feeling: int | None = None
    shared: bool = False


class Rating(SQLModel, table=True):
    """How well one conversation lived up to one principle, 1 to 5."""

    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="ck_rating_score"),
        UniqueConstraint("entry_id", "slug", name="uq_rating_entry_slug"),
        Index("ix_rating_slug", "slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", ondelete="CASCADE")
    slug: str = Field(max_length=MAX_SLUG)
    # The principle's name when rated, so history reads right after the guide changes.
    principle_name: str = Field(max_length=MAX_PRINCIPLE_NAME)
    score: int
    note: str | None = None


class Tag(SQLModel, table=True):
    """A label the supporter put on an entry."""

    __tablename__ = "tag"
    __table_args__ = (Index("ix_tag_name", "name"),)

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True, max_length=MAX_TAG)


class Flag(SQLModel, table=True):
    """Something about a conversation to bring to supervision (records.FLAGS)."""

    __tablename__ = "flag"
    __table_args__ = (Index("ix_flag_name", "name"),)

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True, max_length=20)


class FollowUp(SQLModel, table=True):
    """A promise made in a conversation, by when (local day, optional time), and when kept."""

    __tablename__ = "follow_up"
    __table_args__ = (
        Index("ix_follow_up_entry_id", "entry_id"),
        Index("ix_follow_up_done_at", "done_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", ondelete="CASCADE")
    text: str
    due_date: str | None = Field(default=None, max_length=10)
    due_time: str | None = Field(default=None, max_length=5)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Intention(SQLModel, table=True):
    """What the supporter means to practise in the week after a review, and how it went."""

    __tablename__ = "intention"

    id: int | None = Field(default=None, primary_key=True)
    period_start: str = Field(max_length=10)
    period_end: str = Field(max_length=10, unique=True)
    text: str
    written_at: datetime = Field(sa_type=UTCDateTime)
    reply: str | None = None
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EntryEdit(SQLModel, table=True):
    """An entry as it was before one edit, kept so no wording is ever lost."""

    __tablename__ = "entry_edit"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True, ondelete="CASCADE")
    edited_at: datetime = Field(sa_type=UTCDateTime)
    # JSON of the entry, its ratings and tags before the edit.
    previous: str
