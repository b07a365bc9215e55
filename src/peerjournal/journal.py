"""The journal service: add, read, change and remove entries, inside one session per command."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
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
        if special or not stem or _BAREWORD.fullmatch(stem):
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
            'closed. Search for a phrase with double quotes ("felt heard"), '
            "the start of a word with * (bound*)."
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
