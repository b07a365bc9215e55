"""Large, realistic journals for the benchmark, built in seconds instead of hours.

A journal of ten years is far too slow to make through `peerjournal log`, so
the real code creates the file (`peerjournal.journal.open_journal`, which means the real
schema, PRAGMAs and migrations) and the rows then go in with the standard
library's sqlite3 in a few large transactions. The rows are stored exactly as
the models store them: naive UTC timestamps in SQLAlchemy's text format, the
local calendar day and the offset that together give back the local time.
Besides ratings and tags, some entries carry flags and follow-ups (most of
the old ones kept), and most weeks have an intention, so every query of the
read side meets tables of a realistic size.

The same stream of entries can also be written as a jrnl plain-text journal,
so both tools are timed on the same words.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerjournal.principles import Principle

# Bump when the rows this module writes change, so cached journals are rebuilt.
BUILDER_REVISION = 3

# The word the benchmark searches for; about one entry in two hundred has it.
SEARCH_WORD = "grandmother"

_MODES = ("in-person", "phone", "text", "video", "group", "other")
_MODE_WEIGHTS = (30, 35, 15, 8, 10, 2)
_TAGS = (
    "warmline",
    "group",
    "crisis",
    "follow-up",
    "housing",
    "family",
    "first-contact",
    "supervision",
    "night-shift",
    "benefits",
)
_PEERS = ("R.", "J.", "Sky", "M.K.", "T.", "Blue", "A.", "Dee", "P.", "Robin", None, None)

_TOPICS = (
    "their housing appointment",
    "a hard week at work",
    "getting back to meetings",
    "their medication review",
    "a row with their sister",
    "sleeping badly again",
    "the court date next month",
    "their first month sober",
    "money worries",
    "feeling cut off from friends",
    "starting a college course",
    "a setback after a good spell",
)
_WHAT = (
    "They called about {topic} and talked for most of the time.",
    "We met at the drop-in and they wanted to go over {topic}.",
    "They opened with small talk, then got to {topic}.",
    "It started slowly; it took a while before they mentioned {topic}.",
    "They were upset when they rang and kept coming back to {topic}.",
    "They texted first and asked if we could talk about {topic}.",
    "In group they shared about {topic} and others joined in.",
    "They had a plan already and mostly wanted to think out loud about {topic}.",
)
_WHAT_MORE = (
    "I mostly listened and asked what they wanted from the call.",
    "They said they felt judged by services before.",
    "There was a long silence and I let it sit.",
    "They asked about my own recovery and I kept it short.",
    "They laughed at one point, which felt like a shift.",
    "They wanted me to tell them what to do.",
    "We talked about what had helped last time.",
    "They were tired and said so.",
    "They named two people they could lean on.",
    "They described the morning in detail, from waking early to the bus being late again.",
    "Their worker had changed again, and they did not want to start over with someone new.",
    "We went through what a good day looks like for them right now.",
    "They asked whether it ever gets easier, and I answered honestly.",
)
# Rare on purpose: the searched-for word should match a small share of entries.
_RARE = "They mentioned their grandmother, who used to help them through this."
_SO_WHAT = (
    "I noticed I wanted to fix it for them and had to hold back.",
    "I felt calm and present most of the time.",
    "This one hit close to home and I felt it afterwards.",
    "Respect was tested when they dismissed the group; I stayed curious.",
    "I was not sure I checked my understanding often enough.",
    "I felt useful, and I also felt the pull to rescue.",
    "Emotional safety mattered most: they needed to set the pace.",
    "I caught myself assuming what they meant and asked instead.",
    "Afterwards I felt drained, which tells me I took on more than was mine to carry.",
    "I am proud that I did not fill the silence this time.",
)
_NOW_WHAT = (
    "Next time I will ask what they want before offering anything.",
    "I want to bring this to supervision on Thursday.",
    "Try reflecting back more and talking less.",
    "Take a short walk after calls like this one.",
    "Check in with them about the follow-up they mentioned.",
    "Remember to name the strengths I hear, not just the struggles.",
    "Keep my own story for when it serves them.",
    "Ask about their strengths earlier in the conversation.",
    "Write down the resources they asked about so I have them ready.",
)
_RATING_NOTES = (
    "Held back advice.",
    "Checked my understanding twice.",
    "Could have named a strength.",
    "They set the pace.",
)
_FOLLOW_UPS = (
    "Send the housing leaflet",
    "Call back about the group times",
    "Find the benefits advice number",
    "Check in after the appointment",
    "Bring the meeting list next time",
)
_INTENTIONS = (
    "Ask before offering anything.",
    "Let silences sit a little longer.",
    "Name one strength in every conversation.",
    "Take five minutes after hard calls.",
)
# Shares of entries with a flag, with follow-ups; of weeks with an intention.
_FLAGGED = 0.1
_WITH_FOLLOW_UP = 0.15
_WEEKS_WITH_INTENTION = 0.6


@dataclass(frozen=True)
class SampleEntry:
    """One generated conversation: when, how, the reflection, ratings and tags."""

    local_time: datetime  # aware, in the machine's local time zone
    mode: str
    minutes: int | None
    peer: str | None
    what_happened: str
    so_what: str
    now_what: str
    feeling: int | None
    scores: tuple[int | None, ...]  # one per principle of the guide, None: not rated
    rating_notes: tuple[str | None, ...]
    tags: tuple[str, ...]
    shared: bool

    def jrnl_text(self) -> str:
        """The same reflection as one jrnl entry: first sentence as its title."""
        return f"{self.what_happened}\n{self.so_what}\n{self.now_what}"


def sample_entries(
    count: int, days: int, *, end: date, principles: int = 8, seed: int = 7
) -> Iterator[SampleEntry]:
    """`count` entries spread evenly over `days` days ending on `end`, oldest first.

    Each reflection runs to about 300-600 characters.

    Deterministic for a seed, so jrnl and peerjournal get the same words.
    """
    rng = random.Random(seed)
    start = datetime.combine(end - timedelta(days=days - 1), datetime.min.time())
    span = days * 86_400
    slot = span / max(count, 1)
    for index in range(count):
        base = index * slot
        # Conversations happen in the daytime: squeeze each day's slots into 08:00-21:59.
        day, within = divmod(base + rng.random() * slot * 0.9, 86_400)
        seconds = 8 * 3600 + within * (14 / 24)
        naive = start + timedelta(days=day, seconds=int(seconds))
        local_time = naive.astimezone()  # the machine's zone, daylight saving included
        topic = rng.choice(_TOPICS)
        what = rng.choice(_WHAT).format(topic=topic)
        more = rng.sample(_WHAT_MORE, rng.randint(2, 4))
        if rng.random() < 0.005:
            more.append(_RARE)
        what = " ".join([what, *more])
        so_what = " ".join(rng.sample(_SO_WHAT, rng.randint(1, 3)))
        now_what = " ".join(rng.sample(_NOW_WHAT, rng.randint(1, 2)))
        yield SampleEntry(
            local_time=local_time,
            mode=rng.choices(_MODES, _MODE_WEIGHTS)[0],
            minutes=rng.choice((None, 5, 10, 15, 20, 25, 30, 45, 60, 90)),
            peer=rng.choice(_PEERS),
            what_happened=what,
            so_what=so_what,
            now_what=now_what,
            feeling=rng.choice((None, 1, 2, 3, 3, 4, 4, 4, 5)),
            scores=tuple(rng.choice((2, 3, 3, 4, 4, 4, 5, 5)) for _ in range(principles)),
            rating_notes=tuple(
                rng.choice(_RATING_NOTES) if rng.random() < 0.05 else None
                for _ in range(principles)
            ),
            tags=tuple(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 1, 2)))),
            shared=rng.random() < 0.2,
        )


def _yesterday() -> date:
    """The default last day: every entry is in the past, and today is free for `log`."""
    return date.today() - timedelta(days=1)


def _sql_datetime(moment: datetime) -> str:
    """A datetime as the models store it: naive UTC, SQLAlchemy's SQLite text format."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f")


# The entry columns this builder fills; a NOT NULL column beyond these must be taught to it.
_ENTRY_COLUMNS = (
    "id",
    "uid",
    "occurred_at",
    "utc_offset",
    "local_date",
    "logged_at",
    "edited_at",
    "mode",
    "minutes",
    "peer",
    "what_happened",
    "so_what",
    "now_what",
    "feeling",
    "shared",
)


class BuilderOutOfDate(Exception):
    """The schema has a required column the benchmark's builder does not fill."""


def _check_columns(conn: sqlite3.Connection, table: str, known: tuple[str, ...]) -> None:
    for _cid, name, _type, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
        if name not in known and notnull and default is None and not pk:
            raise BuilderOutOfDate(
                f"Table {table} has a required column {name!r} that "
                "benchmarks/journal_builder.py does not fill: teach it, then bump "
                "BUILDER_REVISION."
            )


def build_journal(
    path: Path, count: int, days: int, *, end: date | None = None, seed: int = 7
) -> None:
    """Create a peerjournal journal at `path` with `count` entries over `days` days."""
    from peerjournal import db
    from peerjournal.journal import open_journal
    from peerjournal.paths import default_guide_path
    from peerjournal.principles import parse_guide

    principles = parse_guide(default_guide_path())
    with open_journal(db.locate(str(path))):
        pass  # the real code creates the file, with every table, index and trigger
    db.dispose_engines()

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _check_columns(conn, "entry", _ENTRY_COLUMNS)
        _check_columns(conn, "rating", ("id", "entry_id", "slug", "principle_name", "score"))
        _check_columns(conn, "flag", ("entry_id", "name"))
        _check_columns(conn, "follow_up", ("id", "entry_id", "text"))
        _check_columns(
            conn, "intention", ("id", "period_start", "period_end", "text", "written_at")
        )
        conn.execute("PRAGMA synchronous = OFF")
        # Triggers (the search index's) would rebuild a row per rating and tag inserted:
        # set them aside and index every entry once at the end instead.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        _insert_entries(conn, principles, count, days, end or _yesterday(), seed)
        for _name, sql in triggers:
            conn.execute(sql)
    finally:
        conn.close()
    _fill_search_index(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _insert_entries(
    conn: sqlite3.Connection,
    principles: tuple[Principle, ...],
    count: int,
    days: int,
    end: date,
    seed: int,
) -> None:
    from peerjournal.records import FLAGS

    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM entry").fetchone()[0]
    entries = sample_entries(count, days, end=end, principles=len(principles), seed=seed)
    # A separate stream, so the entries' words (which jrnl gets too) stay as they were.
    rng = random.Random(seed + 1)
    flags = sorted(FLAGS)
    recent = datetime.combine(end - timedelta(days=14), datetime.min.time()).astimezone()
    batch_size = 10_000
    entry_rows: list[tuple[object, ...]] = []
    rating_rows: list[tuple[object, ...]] = []
    tag_rows: list[tuple[object, ...]] = []
    flag_rows: list[tuple[object, ...]] = []
    follow_up_rows: list[tuple[object, ...]] = []
    for number, sample in enumerate(entries, start=first_id):
        offset = sample.local_time.utcoffset() or timedelta(0)
        logged = sample.local_time + timedelta(minutes=rng.randint(2, 240))
        entry_rows.append(
            (
                number,
                f"{rng.getrandbits(128):032x}",
                _sql_datetime(sample.local_time),
                int(offset.total_seconds() // 60),
                sample.local_time.date().isoformat(),
                _sql_datetime(logged),
                None,
                sample.mode,
                sample.minutes,
                sample.peer,
                sample.what_happened,
                sample.so_what,
                sample.now_what,
                sample.feeling,
                int(sample.shared),
            )
        )
        for principle, score, note in zip(
            principles, sample.scores, sample.rating_notes, strict=True
        ):
            if score is not None:
                rating_rows.append((number, principle.slug, principle.name, score, note))
        tag_rows.extend((number, tag) for tag in sample.tags)
        if rng.random() < _FLAGGED:
            flag_rows.extend((number, f) for f in rng.sample(flags, rng.choice((1, 1, 2))))
        if rng.random() < _WITH_FOLLOW_UP:
            due = sample.local_time.date() + timedelta(days=rng.randint(1, 7))
            # Older promises are mostly kept; the last two weeks' are mostly still open.
            kept = rng.random() < (0.3 if sample.local_time >= recent else 0.95)
            done = logged + timedelta(days=rng.uniform(0.2, 6)) if kept else None
            follow_up_rows.append(
                (
                    number,
                    rng.choice(_FOLLOW_UPS),
                    due.isoformat(),
                    rng.choice((None, None, "10:00", "15:30")),
                    _sql_datetime(done) if done is not None else None,
                )
            )
        if len(entry_rows) >= batch_size:
            _insert(conn, entry_rows, rating_rows, tag_rows, flag_rows, follow_up_rows)
            entry_rows, rating_rows, tag_rows, flag_rows, follow_up_rows = [], [], [], [], []
    _insert(conn, entry_rows, rating_rows, tag_rows, flag_rows, follow_up_rows)
    _insert_intentions(conn, days, end, rng)


def _insert_intentions(conn: sqlite3.Connection, days: int, end: date, rng: random.Random) -> None:
    """A weekly intention after most reviews (weeks ending on Sunday), most with a reply."""
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    rows = []
    while sunday - timedelta(days=6) >= end - timedelta(days=days - 1):
        if rng.random() < _WEEKS_WITH_INTENTION:
            written = datetime.combine(sunday, datetime.min.time()).astimezone()
            written += timedelta(hours=18)
            replied = written + timedelta(days=7) if sunday < end - timedelta(days=7) else None
            rows.append(
                (
                    (sunday - timedelta(days=6)).isoformat(),
                    sunday.isoformat(),
                    rng.choice(_INTENTIONS),
                    _sql_datetime(written),
                    "Mostly; I forgot on the busy days." if replied else None,
                    _sql_datetime(replied) if replied else None,
                )
            )
        sunday -= timedelta(days=7)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO intention (period_start, period_end, text, written_at, reply, replied_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")


def _fill_search_index(path: Path) -> None:
    """Index every entry for `search` the way the schema's own migration does."""
    from peerjournal import db

    fill = getattr(db, "fill_search", None)
    if fill is None:
        raise BuilderOutOfDate(
            "peerjournal.db no longer has fill_search: teach "
            "benchmarks/journal_builder.py how to fill the search index."
        )
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(f"DELETE FROM {db.SEARCH_TABLE}")
        fill(conn.execute)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _insert(
    conn: sqlite3.Connection,
    entries: list[tuple[object, ...]],
    ratings: list[tuple[object, ...]],
    tags: list[tuple[object, ...]],
    flags: list[tuple[object, ...]],
    follow_ups: list[tuple[object, ...]],
) -> None:
    columns = ", ".join(_ENTRY_COLUMNS)
    marks = ", ".join("?" for _ in _ENTRY_COLUMNS)
    conn.execute("BEGIN")
    try:
        conn.executemany(f"INSERT INTO entry ({columns}) VALUES ({marks})", entries)
        conn.executemany(
            "INSERT INTO rating (entry_id, slug, principle_name, score, note) "
            "VALUES (?, ?, ?, ?, ?)",
            ratings,
        )
        conn.executemany("INSERT INTO tag (entry_id, name) VALUES (?, ?)", tags)
        conn.executemany("INSERT INTO flag (entry_id, name) VALUES (?, ?)", flags)
        conn.executemany(
            "INSERT INTO follow_up (entry_id, text, due_date, due_time, done_at)"
            " VALUES (?, ?, ?, ?, ?)",
            follow_ups,
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def write_jrnl_journal(
    path: Path, count: int, days: int, *, end: date | None = None, seed: int = 7
) -> None:
    """The same entries as a jrnl plain-text journal ("[YYYY-MM-DD HH:MM] Title\\nBody\\n")."""
    with path.open("w", encoding="utf-8") as out:
        for number, sample in enumerate(
            sample_entries(count, days, end=end or _yesterday(), seed=seed)
        ):
            if number:
                out.write("\n")
            stamp = sample.local_time.strftime("%Y-%m-%d %H:%M")
            title, _, body = sample.jrnl_text().partition("\n")
            out.write(f"[{stamp}] {title}\n{body}\n")
