"""The journal service: add, read, change and remove entries, inside one session per command."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from peerjournal.errors import EntryNotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from peerjournal.models import Entry

MODES = ("in-person", "phone", "text", "video", "group", "other")


@dataclass(frozen=True)
class EntryFilter:
    """Which entries a listing, search or export covers: local days inclusive, and a tag."""

    since: date | None = None
    until: date | None = None
    tag: str | None = None

    def conditions(self) -> list[Any]:
        """SQLAlchemy conditions on Entry for this filter (empty: every entry)."""
        from sqlmodel import col, select

        from peerjournal.models import Entry, Tag

        found: list[Any] = []
        if self.since is not None:
            found.append(col(Entry.local_date) >= self.since.isoformat())
        if self.until is not None:
            found.append(col(Entry.local_date) <= self.until.isoformat())
        if self.tag is not None:
            tagged = select(Tag.entry_id).where(Tag.name == self.tag)
            found.append(col(Entry.id).in_(tagged))
        return found


@dataclass(frozen=True)
class RatingRecord:
    """One principle's score for one conversation."""

    slug: str
    name: str
    score: int
    note: str | None = None


@dataclass(frozen=True)
class NewEntry:
    """Everything a supporter gives about one conversation, before it is saved."""

    occurred_at: datetime
    mode: str
    minutes: int | None = None
    peer: str | None = None
    what_happened: str = ""
    so_what: str = ""
    now_what: str = ""
    feeling: int | None = None
    ratings: tuple[RatingRecord, ...] = ()
    tags: tuple[str, ...] = ()
    shared: bool = False


@dataclass(frozen=True)
class EntryRecord:
    """A saved entry with its ratings and tags, independent of any database session."""

    id: int
    uid: str
    occurred_at: datetime
    utc_offset: int
    local_date: str
    logged_at: datetime
    edited_at: datetime | None
    mode: str
    minutes: int | None
    peer: str | None
    what_happened: str
    so_what: str
    now_what: str
    feeling: int | None
    shared: bool
    ratings: tuple[RatingRecord, ...] = field(default=())
    tags: tuple[str, ...] = field(default=())

    @property
    def local_time(self) -> datetime:
        """When it happened, on the clock where the supporter was."""
        return self.occurred_at.astimezone(timezone(timedelta(minutes=self.utc_offset)))


class Journal:
    """The journal's operations over one open session. Flushes; the scope commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_entry(self, new: NewEntry) -> EntryRecord:
        """Save an entry with its ratings and tags (they commit together or not at all)."""
        from peerjournal.models import Entry, Rating, Tag

        if new.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be time-zone aware")
        offset = new.occurred_at.utcoffset() or timedelta(0)
        entry = Entry(
            uid=uuid.uuid4().hex,
            occurred_at=new.occurred_at,
            utc_offset=int(offset.total_seconds() // 60),
            local_date=new.occurred_at.date().isoformat(),
            logged_at=datetime.now(UTC),
            mode=new.mode,
            minutes=new.minutes,
            peer=new.peer,
            what_happened=new.what_happened,
            so_what=new.so_what,
            now_what=new.now_what,
            feeling=new.feeling,
            shared=new.shared,
        )
        self.session.add(entry)
        self.session.flush()
        assert entry.id is not None
        for rating in new.ratings:
            self.session.add(
                Rating(
                    entry_id=entry.id,
                    slug=rating.slug,
                    principle_name=rating.name,
                    score=rating.score,
                    note=rating.note,
                )
            )
        for tag in dict.fromkeys(new.tags):
            self.session.add(Tag(entry_id=entry.id, name=tag))
        self.session.flush()
        return self.get_entry(entry.id)

    def get_entry(self, entry_id: int) -> EntryRecord:
        """The entry with this number, or EntryNotFound."""
        from peerjournal.models import Entry

        entry = self.session.get(Entry, entry_id)
        if entry is None:
            raise EntryNotFound(entry_id)
        return self._record(entry)

    def delete_entry(self, entry_id: int) -> None:
        """Remove an entry with its ratings, tags and edit history."""
        from peerjournal.models import Entry

        entry = self.session.get(Entry, entry_id)
        if entry is None:
            raise EntryNotFound(entry_id)
        self.session.delete(entry)
        self.session.flush()

    def _record(self, entry: Entry) -> EntryRecord:
        from sqlmodel import select

        from peerjournal.models import Rating, Tag

        assert entry.id is not None
        ratings = self.session.exec(
            select(Rating).where(Rating.entry_id == entry.id).order_by(Rating.id)  # type: ignore[arg-type]
        ).all()
        tags = self.session.exec(
            select(Tag.name).where(Tag.entry_id == entry.id).order_by(Tag.name)
        ).all()
        return EntryRecord(
            id=entry.id,
            uid=entry.uid,
            occurred_at=entry.occurred_at,
            utc_offset=entry.utc_offset,
            local_date=entry.local_date,
            logged_at=entry.logged_at,
            edited_at=entry.edited_at,
            mode=entry.mode,
            minutes=entry.minutes,
            peer=entry.peer,
            what_happened=entry.what_happened,
            so_what=entry.so_what,
            now_what=entry.now_what,
            feeling=entry.feeling,
            shared=entry.shared,
            ratings=tuple(RatingRecord(r.slug, r.principle_name, r.score, r.note) for r in ratings),
            tags=tuple(tags),
        )


@contextmanager
def open_journal(location: str | None = None, *, write: bool = True) -> Iterator[Journal]:
    """Open the journal for one command: committed at the end, rolled back on any error."""
    from peerjournal import db
    from peerjournal.paths import database_location

    database = db.connect(database_location(location))
    with db.session_scope(database, write=write) as session:
        yield Journal(session)


# --- review queries ----------------------------------------------------------
# The numbers behind `peerjournal review`, aggregated in SQL: at most one row
# per window and principle, never one per entry.


@dataclass(frozen=True)
class Window:
    """A span of local calendar days, both ends included."""

    start: date
    end: date


@dataclass(frozen=True)
class PrincipleWindowRow:
    """How one principle was rated in one window: how often, and the sum of the scores."""

    window: int
    slug: str
    ratings: int
    total: int


@dataclass(frozen=True)
class ActivityWindowRow:
    """One window's conversations, minutes, and the feelings noted after them."""

    window: int
    conversations: int
    minutes: int
    feelings: int
    feeling_total: int


@dataclass(frozen=True)
class ReflectionRecord:
    """One entry's reflection as a review shows it."""

    id: int
    local_date: str
    local_time: datetime
    mode: str
    minutes: int | None
    peer: str | None
    what_happened: str
    so_what: str
    now_what: str
    feeling: int | None
    shared: bool


@dataclass(frozen=True)
class RatedReflection:
    """One rating of a principle, with the reflection of the entry it belongs to."""

    score: int
    note: str | None
    name: str
    reflection: ReflectionRecord


@dataclass(frozen=True)
class IntentionRecord:
    """What the supporter meant to practise after the review of one period."""

    start: date
    end: date
    text: str


class ReviewQueries:
    """Grouped queries for the weekly review, over one open session.

    Window numbers are positions in the list of windows the caller gives:
    each row says which window its local days fall in, so every window comes
    from one query.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def has_entries(self) -> bool:
        """Whether the journal holds any entry at all."""
        from sqlmodel import select

        from peerjournal.models import Entry

        return self.session.exec(select(Entry.id).limit(1)).first() is not None

    def principle_rows(self, windows: Sequence[Window]) -> list[PrincipleWindowRow]:
        """Count and sum of scores per window and principle slug."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from peerjournal.models import Entry, Rating

        window = _window_case(windows)
        query = (
            select(window, Rating.slug, func.count(col(Rating.id)), func.sum(col(Rating.score)))
            .join(Entry, col(Entry.id) == col(Rating.entry_id))
            .where(*_within(windows))
            .group_by(window, Rating.slug)
        )
        return [
            PrincipleWindowRow(int(w), slug, int(count), int(total or 0))
            for w, slug, count, total in self.session.exec(query)
        ]

    def activity_rows(self, windows: Sequence[Window]) -> list[ActivityWindowRow]:
        """Conversations, minutes and feelings per window (windows with none are absent)."""
        from sqlalchemy import func, select
        from sqlmodel import col

        from peerjournal.models import Entry

        window = _window_case(windows)
        # Five columns are more than sqlmodel's typed select() takes; plain Core runs it.
        query = (
            select(
                window,
                func.count(col(Entry.id)),
                func.sum(col(Entry.minutes)),
                func.count(col(Entry.feeling)),
                func.sum(col(Entry.feeling)),
            )
            .where(*_within(windows))
            .group_by(window)
        )
        return [
            ActivityWindowRow(int(w), int(n), int(minutes or 0), int(feelings), int(total or 0))
            for w, n, minutes, feelings, total in self.session.connection().execute(query)
        ]

    def modes(self, period: Window) -> dict[str, int]:
        """How many conversations of each kind of contact in the period."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from peerjournal.models import Entry

        query = (
            select(Entry.mode, func.count(col(Entry.id)))
            .where(*_within([period]))
            .group_by(Entry.mode)
        )
        return {mode: int(count) for mode, count in self.session.exec(query)}

    def principle_names(self, slugs: Iterable[str]) -> dict[str, str]:
        """The name most recently stored with each slug, for principles the guide retired."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from peerjournal.models import Rating

        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        latest = (
            select(func.max(col(Rating.id)))
            .where(col(Rating.slug).in_(wanted))
            .group_by(Rating.slug)
        )
        query = select(Rating.slug, Rating.principle_name).where(col(Rating.id).in_(latest))
        return dict(self.session.exec(query).all())

    def reflections(
        self, period: Window, *, limit: int, shared_only: bool = False
    ) -> tuple[list[ReflectionRecord], int]:
        """The period's first `limit` entries in time order, and how many there are in all."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from peerjournal.models import Entry

        conditions = _within([period])
        if shared_only:
            conditions.append(col(Entry.shared).is_(True))
        total = self.session.exec(select(func.count(col(Entry.id))).where(*conditions)).one()
        query = (
            select(Entry)
            .where(*conditions)
            .order_by(col(Entry.occurred_at), col(Entry.id))
            .limit(limit)
        )
        return [_reflection(entry) for entry in self.session.exec(query)], int(total)

    def ratings_of(self, slug: str, period: Window) -> list[RatedReflection]:
        """Every rating of one principle in the period, oldest first, with its reflection."""
        from sqlmodel import col, select

        from peerjournal.models import Entry, Rating

        query = (
            select(Rating, Entry)
            .join(Entry, col(Entry.id) == col(Rating.entry_id))
            .where(Rating.slug == slug, *_within([period]))
            .order_by(col(Entry.occurred_at), col(Entry.id))
        )
        return [
            RatedReflection(rating.score, rating.note, rating.principle_name, _reflection(entry))
            for rating, entry in self.session.exec(query)
        ]

    def intention(self, period: Window) -> IntentionRecord | None:
        """The intention written for the period, if any."""
        from sqlmodel import select

        from peerjournal.models import Intention

        found = self.session.exec(
            select(Intention).where(Intention.period_end == period.end.isoformat())
        ).first()
        if found is None:
            return None
        return IntentionRecord(
            date.fromisoformat(found.period_start), date.fromisoformat(found.period_end), found.text
        )

    def save_intention(self, period: Window, text: str) -> IntentionRecord:
        """Store the period's intention, replacing one written earlier for the same period."""
        from sqlmodel import select

        from peerjournal.models import Intention

        found = self.session.exec(
            select(Intention).where(Intention.period_end == period.end.isoformat())
        ).first()
        if found is None:
            found = Intention(
                period_start=period.start.isoformat(),
                period_end=period.end.isoformat(),
                text=text,
                written_at=datetime.now(UTC),
            )
        else:
            found.period_start = period.start.isoformat()
            found.text = text
            found.written_at = datetime.now(UTC)
        self.session.add(found)
        self.session.flush()
        return IntentionRecord(period.start, period.end, text)


def _within(windows: Sequence[Window]) -> list[Any]:
    """Entries on local days from the first window's start to the last one's end."""
    from sqlmodel import col

    from peerjournal.models import Entry

    first = min(w.start for w in windows)
    last = max(w.end for w in windows)
    return [col(Entry.local_date).between(first.isoformat(), last.isoformat())]


def _window_case(windows: Sequence[Window]) -> Any:
    """A SQL expression giving each entry's window number from its local day."""
    from sqlalchemy import case
    from sqlmodel import col

    from peerjournal.models import Entry

    day = col(Entry.local_date)
    return case(
        *[
            (day.between(w.start.isoformat(), w.end.isoformat()), index)
            for index, w in enumerate(windows)
        ],
        else_=-1,
    ).label("window")


def _reflection(entry: Entry) -> ReflectionRecord:
    assert entry.id is not None
    local = entry.occurred_at.astimezone(timezone(timedelta(minutes=entry.utc_offset)))
    return ReflectionRecord(
        id=entry.id,
        local_date=entry.local_date,
        local_time=local,
        mode=entry.mode,
        minutes=entry.minutes,
        peer=entry.peer,
        what_happened=entry.what_happened,
        so_what=entry.so_what,
        now_what=entry.now_what,
        feeling=entry.feeling,
        shared=entry.shared,
    )
