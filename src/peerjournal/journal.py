"""The journal service: add, read, change and remove entries, inside one session per command."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from peerjournal.errors import EntryNotFound, InvalidValue

if TYPE_CHECKING:
    from sqlmodel import Session

    from peerjournal.models import Entry

MODES = ("in-person", "phone", "text", "video", "group", "other")


def checked_text(value: str, what: str) -> str:
    """Text the journal can store, or InvalidValue naming `what`.

    Bytes that are not UTF-8 reach Python as lone surrogates (from argv, or a
    terminal read with surrogateescape); neither SQLite nor a draft file can hold them.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(
            f"{what} holds bytes that are not UTF-8 text; type it again without them."
        ) from None
    return value


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

    def __post_init__(self) -> None:
        # Checked here, before anything is written, so every way in (flags, prompts,
        # the editor, an edit) refuses such text with the same plain sentence.
        checked_text(self.mode, "The kind of contact")
        checked_text(self.peer or "", "The peer alias")
        for text in (self.what_happened, self.so_what, self.now_what):
            checked_text(text, "The reflection")
        for rating in self.ratings:
            checked_text(rating.note or "", "A rating's note")
        for tag in self.tags:
            checked_text(tag, "A tag")


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


def entry_as_dict(record: EntryRecord) -> dict[str, Any]:
    """An entry as plain JSON-ready data: for `--json` and for the edit history."""
    return {
        "id": record.id,
        "uid": record.uid,
        "occurred_at": record.occurred_at.isoformat(),
        "local_time": record.local_time.isoformat(),
        "local_date": record.local_date,
        "utc_offset": record.utc_offset,
        "logged_at": record.logged_at.isoformat(),
        "edited_at": record.edited_at.isoformat() if record.edited_at else None,
        "mode": record.mode,
        "minutes": record.minutes,
        "peer": record.peer,
        "what_happened": record.what_happened,
        "so_what": record.so_what,
        "now_what": record.now_what,
        "feeling": record.feeling,
        "shared": record.shared,
        "ratings": [
            {"slug": r.slug, "name": r.name, "score": r.score, "note": r.note}
            for r in record.ratings
        ],
        "tags": list(record.tags),
    }


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
        entry = self._entry(entry_id)
        return self._record(entry)

    def delete_entry(self, entry_id: int) -> None:
        """Remove an entry with its ratings, tags and edit history."""
        entry = self._entry(entry_id)
        self.session.delete(entry)
        self.session.flush()

    def set_shared(self, entry_id: int, shared: bool) -> bool:
        """Mark an entry for supervision summaries (or not); True if that changed it."""
        entry = self._entry(entry_id)
        if entry.shared == shared:
            return False
        entry.shared = shared
        self.session.flush()
        return True

    def list_entries(self, where: EntryFilter, limit: int | None = None) -> list[EntryRecord]:
        """Entries matching the filter, newest first; at most `limit` of them."""
        from sqlmodel import col, select

        from peerjournal.models import Entry

        query = (
            select(Entry)
            .where(*where.conditions())
            # Local day first: with --since/--until the day index then serves both the
            # range and the order, instead of sorting years of entries.
            .order_by(
                col(Entry.local_date).desc(), col(Entry.occurred_at).desc(), col(Entry.id).desc()
            )
        )
        if limit is not None:
            query = query.limit(limit)
        entries = self.session.exec(query).all()
        return self._records(entries)

    def edit_entry(self, entry_id: int, changes: NewEntry) -> EntryRecord:
        """Replace an entry's content, keeping its previous version in the edit history."""
        import json

        from sqlmodel import col, delete

        from peerjournal.models import EntryEdit, Rating, Tag

        entry = self._entry(entry_id)
        if changes.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be time-zone aware")
        before = entry_as_dict(self._record(entry))
        now = datetime.now(UTC)
        self.session.add(
            EntryEdit(
                entry_id=entry_id,
                edited_at=now,
                previous=json.dumps(before, ensure_ascii=False),
            )
        )
        offset = changes.occurred_at.utcoffset() or timedelta(0)
        entry.occurred_at = changes.occurred_at
        entry.utc_offset = int(offset.total_seconds() // 60)
        entry.local_date = changes.occurred_at.date().isoformat()
        entry.edited_at = now
        entry.mode = changes.mode
        entry.minutes = changes.minutes
        entry.peer = changes.peer
        entry.what_happened = changes.what_happened
        entry.so_what = changes.so_what
        entry.now_what = changes.now_what
        entry.feeling = changes.feeling
        entry.shared = changes.shared
        self.session.add(entry)
        self.session.exec(delete(Rating).where(col(Rating.entry_id) == entry_id))
        self.session.exec(delete(Tag).where(col(Tag.entry_id) == entry_id))
        for rating in changes.ratings:
            self.session.add(
                Rating(
                    entry_id=entry_id,
                    slug=rating.slug,
                    principle_name=rating.name,
                    score=rating.score,
                    note=rating.note,
                )
            )
        for tag in dict.fromkeys(changes.tags):
            self.session.add(Tag(entry_id=entry_id, name=tag))
        self.session.flush()
        return self.get_entry(entry_id)

    def edit_history(self, entry_id: int) -> list[tuple[datetime, dict[str, Any]]]:
        """Earlier versions of an entry, oldest first: when each edit replaced it, and what."""
        import json

        from sqlmodel import col, select

        from peerjournal.models import EntryEdit

        rows = self.session.exec(
            select(EntryEdit)
            .where(EntryEdit.entry_id == entry_id)
            .order_by(col(EntryEdit.edited_at), col(EntryEdit.id))
        ).all()
        return [(row.edited_at, json.loads(row.previous)) for row in rows]

    def _entry(self, entry_id: int) -> Entry:
        """The stored entry with this number, or EntryNotFound."""
        from peerjournal.models import Entry

        # SQLite numbers rows with 64-bit integers; a bigger number names no entry
        # (and would overflow the driver instead of finding nothing).
        entry = self.session.get(Entry, entry_id) if -(2**63) <= entry_id < 2**63 else None
        if entry is None:
            raise EntryNotFound(entry_id)
        return entry

    def _records(self, entries: Sequence[Entry]) -> list[EntryRecord]:
        """Records for many entries with two queries in all, not two per entry."""
        from sqlmodel import col, select

        from peerjournal.models import Rating, Tag

        ids = [e.id for e in entries if e.id is not None]
        ratings: dict[int, list[RatingRecord]] = {i: [] for i in ids}
        tags: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            for r in self.session.exec(
                select(Rating).where(col(Rating.entry_id).in_(ids)).order_by(col(Rating.id))
            ):
                ratings[r.entry_id].append(RatingRecord(r.slug, r.principle_name, r.score, r.note))
            for t in self.session.exec(
                select(Tag).where(col(Tag.entry_id).in_(ids)).order_by(col(Tag.name))
            ):
                tags[t.entry_id].append(t.name)
        return [
            replace(
                self._bare_record(e),
                ratings=tuple(ratings[e.id]),  # type: ignore[index]
                tags=tuple(tags[e.id]),  # type: ignore[index]
            )
            for e in entries
        ]

    @staticmethod
    def _bare_record(entry: Entry) -> EntryRecord:
        assert entry.id is not None
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
        )

    def _record(self, entry: Entry) -> EntryRecord:
        """One entry's record with its ratings and tags."""
        (record,) = self._records([entry])
        return record


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
    """One window's conversations, minutes (and how many were timed), and feelings noted."""

    window: int
    conversations: int
    minutes: int
    timed: int
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
        # Six columns are more than sqlmodel's typed select() takes; plain Core runs it.
        query = (
            select(
                window,
                func.count(col(Entry.id)),
                func.sum(col(Entry.minutes)),
                func.count(col(Entry.minutes)),
                func.count(col(Entry.feeling)),
                func.sum(col(Entry.feeling)),
            )
            .where(*_within(windows))
            .group_by(window)
        )
        return [
            ActivityWindowRow(
                int(w), int(n), int(minutes or 0), int(timed), int(feelings), int(total or 0)
            )
            for w, n, minutes, timed, feelings, total in self.session.connection().execute(query)
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

    def focus_quotes(self, slug: str, period: Window, limit: int = 2) -> list[str]:
        """The supporter's own words about one principle in the period, at most `limit`.

        Rating notes come first, then the first line of "Now what?", each from the
        entries that rated the principle, lowest rating first: the words closest to
        what made it hard.
        """
        from sqlmodel import col, select

        from peerjournal.models import Entry, Rating

        # The period's entries first: read by slug, SQLite would walk every rating of
        # the principle in the journal's whole history (100 ms in a ten-year journal).
        in_period = select(Entry.id).where(*_within([period]))
        query = (
            select(Rating.note, Entry.now_what)
            .join(Entry, col(Entry.id) == col(Rating.entry_id))
            .where(Rating.slug == slug, col(Rating.entry_id).in_(in_period))
            .order_by(col(Rating.score), col(Entry.occurred_at), col(Entry.id))
        )
        rows = self.session.exec(query).all()
        notes = [note.strip() for note, _ in rows if note and note.strip()]
        plans = [
            next(line.strip() for line in now_what.splitlines() if line.strip())
            for _, now_what in rows
            if now_what.strip()
        ]
        quotes: list[str] = []
        for text in notes + plans:
            if text not in quotes and len(quotes) < limit:
                quotes.append(text)
        return quotes

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

        checked_text(text, "The intention")
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


# --- full-text search ------------------------------------------------------------------
# (Kept apart at the end of the module: the index itself lives behind db.py's SQLite seam.)

# A bare word FTS5 reads as it is; anything else (R., don't, follow-up) is quoted
# so that it is searched as the words it contains instead of failing as syntax.
_BAREWORD = re.compile(r"\w+", re.UNICODE)
_QUERY_TOKEN = re.compile(r'"[^"]*"?\*?|[()]|[^\s()"]+')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_BLANK_LINES = re.compile(r"\n{2,}")


@dataclass(frozen=True)
class SearchHit:
    """One entry that matched a search, with the passage that matched best."""

    id: int
    uid: str
    occurred_at: datetime
    utc_offset: int
    local_date: str
    mode: str
    peer: str | None
    tags: tuple[str, ...]
    # The passage as (text, is_match) pieces, in order; joined they are the passage.
    passage: tuple[tuple[str, bool], ...]
    rank: float

    @property
    def local_time(self) -> datetime:
        """When it happened, on the clock where the supporter was."""
        return self.occurred_at.astimezone(timezone(timedelta(minutes=self.utc_offset)))

    @property
    def snippet(self) -> str:
        """The passage as plain text."""
        return "".join(text for text, _match in self.passage)

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """Where the matches are in `snippet`, as [start, end) character offsets."""
        spans, at = [], 0
        for text, match in self.passage:
            if match:
                spans.append((at, at + len(text)))
            at += len(text)
        return spans


def search_query(text: str) -> str:
    """The user's words as an FTS5 query: phrases ("...") and prefixes (word*) kept,
    AND/OR/NOT kept, every other word with punctuation quoted."""
    parts = []
    for token in _QUERY_TOKEN.findall(text):
        stem = token.rstrip("*")
        star = token[len(stem) :]
        special = token.startswith('"') or token in "()" or token in _OPERATORS
        if not special and not stem:
            continue  # a star with no word before it: FTS5 would read it as a command
        if special or _BAREWORD.fullmatch(stem):
            parts.append(token)
        else:
            parts.append(f'"{stem}"{star}')
    return " ".join(parts)


def split_passage(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Cut a snippet marked with the database's highlight characters into pieces."""
    from peerjournal.db import HIGHLIGHT_END, HIGHLIGHT_START

    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(HIGHLIGHT_START)):
        if i == 0:
            inside, after = "", chunk
        else:
            inside, _sep, after = chunk.partition(HIGHLIGHT_END)
        if inside:
            pieces.append((inside, True))
        if after:
            pieces.append((after, False))
    return tuple(pieces)


def search_entries(
    journal: Journal, text: str, *, where: EntryFilter | None = None, limit: int = 20
) -> list[SearchHit]:
    """Entries whose reflection, rating notes, alias or tags match `text`, best first.

    Words must all appear (in any order); "a phrase" must appear as written;
    word* matches any word starting so. A query the index cannot read raises
    InvalidValue.
    """
    from sqlalchemy import exc, select
    from sqlmodel import col

    from peerjournal import db
    from peerjournal.errors import InvalidValue
    from peerjournal.models import Entry, Tag

    query = search_query(text.strip())
    if not query:
        raise InvalidValue("Give a word to search for, for example: peerjournal search boundaries")
    fulltext = db.fulltext(journal.session)
    statement = (
        select(
            col(Entry.id),
            col(Entry.uid),
            col(Entry.occurred_at),
            col(Entry.utc_offset),
            col(Entry.local_date),
            col(Entry.mode),
            col(Entry.peer),
            fulltext.snippet.label("snippet"),
            fulltext.rank.label("rank"),
        )
        .select_from(fulltext.source)
        .join(Entry, col(Entry.id) == fulltext.entry_id)
        .where(fulltext.match(query), *(where or EntryFilter()).conditions())
        .order_by(fulltext.rank, col(Entry.occurred_at).desc())
        .limit(limit)
    )
    try:
        rows = journal.session.connection().execute(statement).all()
    except exc.OperationalError as error:
        if not db.is_fulltext_syntax_error(error):
            raise
        raise InvalidValue(
            f'peerjournal cannot read the search {text!r}: check that every " and ( is '
            "closed, and that AND, OR and NOT stand between words (write them in lower "
            "case to search for the word itself). Search for a phrase with double quotes "
            '("felt heard"), the start of a word with * (bound*).'
        ) from None
    ids = [row.id for row in rows]
    tags: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        found = journal.session.connection().execute(
            select(col(Tag.entry_id), col(Tag.name))
            .where(col(Tag.entry_id).in_(ids))
            .order_by(col(Tag.name))
        )
        for entry_id, name in found:
            tags[entry_id].append(name)
    return [
        SearchHit(
            id=row.id,
            uid=row.uid,
            occurred_at=row.occurred_at,
            utc_offset=row.utc_offset,
            local_date=row.local_date,
            mode=row.mode,
            peer=row.peer,
            tags=tuple(tags[row.id]),
            # The three prompts are stored apart by newlines; unanswered ones leave blank lines.
            passage=split_passage(_BLANK_LINES.sub("\n", row.snippet).strip("\n")),
            rank=float(row.rank),
        )
        for row in rows
    ]
