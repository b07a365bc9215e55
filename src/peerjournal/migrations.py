"""Schema versions: a short list of named steps, a new journal in one go, upgrades after a backup.

Migrations are plain functions, not Alembic. The journal has a handful of
tables that change rarely; a list of functions is easy to read, needs no
extra package or config folder inside the wheel, and costs nothing at
start-up. Each step is written out in full with SQLAlchemy Core, not taken
from the models, so it stays exactly what its release created however the
models change later. A new database is created from the models in one go and
stamped with the latest version; `tests/test_db.py` proves it ends with the
same tables, indexes and triggers as one walked through every step.

Part of the write side: loaded only by a command that creates or upgrades a
journal (see db.py on why reading commands never import SQLAlchemy).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlmodel import SQLModel

from peerjournal import db, models  # noqa: F401  (registers the tables create_latest makes)


def _step_initial(conn: Connection) -> None:
    """The first schema: entries, ratings, tags and weekly intentions."""
    meta = MetaData()
    Table(
        "entry",
        meta,
        Column("id", Integer, primary_key=True),
        Column("uid", String(32), nullable=False, unique=True),
        Column("occurred_at", DateTime, nullable=False),
        Column("utc_offset", Integer, nullable=False),
        Column("local_date", String(10), nullable=False),
        Column("logged_at", DateTime, nullable=False),
        Column("edited_at", DateTime, nullable=True),
        Column("mode", String(20), nullable=False),
        Column("minutes", Integer, nullable=True),
        Column("peer", String(80), nullable=True),
        Column("what_happened", String, nullable=False),
        Column("so_what", String, nullable=False),
        Column("now_what", String, nullable=False),
        Column("feeling", Integer, nullable=True),
        Column("shared", Boolean, nullable=False),
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="ck_entry_minutes"),
        CheckConstraint("feeling IS NULL OR feeling BETWEEN 1 AND 5", name="ck_entry_feeling"),
        Index("ix_entry_local_date", "local_date"),
        Index("ix_entry_occurred_at", "occurred_at"),
    )
    Table(
        "rating",
        meta,
        Column("id", Integer, primary_key=True),
        Column("entry_id", Integer, ForeignKey("entry.id", ondelete="CASCADE"), nullable=False),
        Column("slug", String(64), nullable=False),
        Column("principle_name", String(200), nullable=False),
        Column("score", Integer, nullable=False),
        Column("note", String, nullable=True),
        CheckConstraint("score BETWEEN 1 AND 5", name="ck_rating_score"),
        UniqueConstraint("entry_id", "slug", name="uq_rating_entry_slug"),
        Index("ix_rating_slug", "slug"),
    )
    Table(
        "tag",
        meta,
        Column(
            "entry_id",
            Integer,
            ForeignKey("entry.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        ),
        Column("name", String(64), primary_key=True, nullable=False),
        Index("ix_tag_name", "name"),
    )
    Table(
        "intention",
        meta,
        Column("id", Integer, primary_key=True),
        Column("period_start", String(10), nullable=False),
        Column("period_end", String(10), nullable=False, unique=True),
        Column("text", String, nullable=False),
        Column("written_at", DateTime, nullable=False),
    )
    Table(db.SCHEMA_VERSION_TABLE, meta, Column("version", Integer, nullable=False))
    meta.create_all(conn)


def _step_entry_edit_history(conn: Connection) -> None:
    """Keep each entry's earlier wording when it is edited."""
    meta = MetaData()
    Table("entry", meta, Column("id", Integer, primary_key=True))
    Table(
        "entry_edit",
        meta,
        Column("id", Integer, primary_key=True),
        Column("entry_id", Integer, ForeignKey("entry.id", ondelete="CASCADE"), nullable=False),
        Column("edited_at", DateTime, nullable=False),
        Column("previous", String, nullable=False),
        Index("ix_entry_edit_entry_id", "entry_id"),
    )
    meta.tables["entry_edit"].create(conn)


# The search index as schema 3 made it: reflection, alias, notes and tags.
_V3_DOCUMENT = """
SELECT e.id,
       e.what_happened || char(10) || e.so_what || char(10) || e.now_what,
       coalesce(e.peer, ''),
       coalesce((SELECT group_concat(r.note, char(10)) FROM rating r
                 WHERE r.entry_id = e.id AND r.note IS NOT NULL), ''),
       coalesce((SELECT group_concat(t.name, ' ') FROM tag t WHERE t.entry_id = e.id), '')
FROM entry e
"""
_V3_TRIGGERS = {
    "entry_search_entry_insert": ("AFTER INSERT ON entry", "new.id"),
    "entry_search_entry_update": (
        "AFTER UPDATE OF what_happened, so_what, now_what, peer ON entry",
        "new.id",
    ),
    "entry_search_entry_delete": ("AFTER DELETE ON entry", "old.id"),
    "entry_search_rating_insert": ("AFTER INSERT ON rating", "new.entry_id"),
    "entry_search_rating_update": ("AFTER UPDATE ON rating", "new.entry_id"),
    "entry_search_rating_delete": ("AFTER DELETE ON rating", "old.entry_id"),
    "entry_search_tag_insert": ("AFTER INSERT ON tag", "new.entry_id"),
    "entry_search_tag_delete": ("AFTER DELETE ON tag", "old.entry_id"),
    "entry_search_rating_move": ("AFTER UPDATE OF entry_id ON rating", "old.entry_id"),
}


def _step_fulltext_search(conn: Connection) -> None:
    """Index every entry's words for `search`."""
    run = conn.exec_driver_sql
    run(
        f"CREATE VIRTUAL TABLE {db.SEARCH_TABLE} USING fts5("
        "reflection, peer, notes, tags, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, (when, entry_id) in _V3_TRIGGERS.items():
        rebuild = (
            f"DELETE FROM {db.SEARCH_TABLE} WHERE rowid = {entry_id};"
            f" INSERT INTO {db.SEARCH_TABLE} (rowid, reflection, peer, notes, tags)"
            f" {_V3_DOCUMENT} WHERE e.id = {entry_id};"
        )
        run(f"CREATE TRIGGER {name} {when} BEGIN {rebuild} END")
    run(f"INSERT INTO {db.SEARCH_TABLE} (rowid, reflection, peer, notes, tags) {_V3_DOCUMENT}")


def _step_flags_follow_ups_replies(conn: Connection) -> None:
    """Flags and follow-ups on entries, "how did it go?" on intentions; follow-ups searchable;
    aliases indexed whatever their case, for `peer`."""
    meta = MetaData()
    Table("entry", meta, Column("id", Integer, primary_key=True))
    Table(
        "flag",
        meta,
        Column(
            "entry_id",
            Integer,
            ForeignKey("entry.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        ),
        Column("name", String(20), primary_key=True, nullable=False),
        Index("ix_flag_name", "name"),
    )
    Table(
        "follow_up",
        meta,
        Column("id", Integer, primary_key=True),
        Column("entry_id", Integer, ForeignKey("entry.id", ondelete="CASCADE"), nullable=False),
        Column("text", String, nullable=False),
        Column("due_date", String(10), nullable=True),
        Column("due_time", String(5), nullable=True),
        Column("done_at", DateTime, nullable=True),
        Index("ix_follow_up_entry_id", "entry_id"),
        Index("ix_follow_up_done_at", "done_at"),
    )
    meta.tables["flag"].create(conn)
    meta.tables["follow_up"].create(conn)
    conn.exec_driver_sql("CREATE INDEX ix_entry_peer ON entry (peer COLLATE NOCASE)")
    conn.exec_driver_sql("ALTER TABLE intention ADD COLUMN reply VARCHAR")
    conn.exec_driver_sql("ALTER TABLE intention ADD COLUMN replied_at DATETIME")
    for name in _V3_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    conn.exec_driver_sql(f"DROP TABLE {db.SEARCH_TABLE}")
    db.create_search(conn.exec_driver_sql)
    db.fill_search(conn.exec_driver_sql)


# Append only: the position of a step is the schema version it brings a database to.
MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("initial", _step_initial),
    ("entry_edit_history", _step_entry_edit_history),
    ("fulltext_search", _step_fulltext_search),
    ("flags_follow_ups_replies", _step_flags_follow_ups_replies),
)
if len(MIGRATIONS) != db.LATEST_VERSION:
    raise RuntimeError("db.LATEST_VERSION must be the number of migration steps")


def _write_version(conn: Connection, version: int) -> None:
    conn.exec_driver_sql(f"DELETE FROM {db.SCHEMA_VERSION_TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {db.SCHEMA_VERSION_TABLE} (version) VALUES ({int(version)})")


def create_latest(conn: Connection) -> None:
    """A new database: every table from the models, stamped with the latest version."""
    SQLModel.metadata.create_all(conn)
    db.create_search(conn.exec_driver_sql)
    conn.exec_driver_sql(f"CREATE TABLE {db.SCHEMA_VERSION_TABLE} (version INTEGER NOT NULL)")
    _write_version(conn, db.LATEST_VERSION)


def migrate(conn: Connection, start: int, stop: int = db.LATEST_VERSION) -> None:
    """Apply the steps that bring a database from version `start` to `stop`."""
    for version in range(start, stop):
        _name, step = MIGRATIONS[version]
        step(conn)
        _write_version(conn, version + 1)


def bring_up_to_date(path: Path, found: int | None) -> None:
    """Create the tables of a new (empty) journal file, or upgrade an older one.

    An older journal is copied first (`journal.before-upgrade-vN.<time>.db`
    beside it). The version is read again under the write lock: another
    process may have done the work meanwhile.
    """
    from peerjournal import copies, journal

    if found is not None:
        copies.keep_copy(path, f"before-upgrade-v{found}")
    engine = journal.engine(path)
    with engine.connect() as conn:
        conn = conn.execution_options(peerjournal_write=True)
        with conn.begin():
            raw = conn.connection.dbapi_connection
            current = db.read_version(raw)
            if current is None:
                create_latest(conn)
            elif current < db.LATEST_VERSION:
                migrate(conn, current)
