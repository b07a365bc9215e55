"""Storage: schema versions, migrations, PRAGMAs, permissions, and whole-or-nothing saves."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from peerjournal import db, migrations
from peerjournal.errors import DatabaseError, InvalidValue
from peerjournal.journal import open_journal
from peerjournal.records import NewEntry, Rating
from tests.conftest import create_journal


def schema_of(path: Path) -> dict[str, Any]:
    """Tables, columns, keys, indexes and constraints, as SQLAlchemy reflects them."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        inspector = inspect(engine)
        schema: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            schema[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                    for f in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
                ),
                "checks": sorted(c["sqltext"] for c in inspector.get_check_constraints(table)),
            }
        return schema
    finally:
        engine.dispose()


def sqlite_objects(path: Path) -> set[tuple[str, str, str, str | None]]:
    """Every table, index, trigger and virtual table SQLite knows, with the SQL of triggers
    and virtual tables (those are written by hand, so their text must match exactly)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    conn.close()
    return {
        (kind, name, table, sql if kind == "trigger" or "VIRTUAL" in (sql or "") else None)
        for kind, name, table, sql in rows
    }


def build_version(path: Path, version: int) -> None:
    """A database exactly as the code at `version` left it."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations.migrate(conn, 0, version)
    engine.dispose()


def test_fresh_and_migrated_databases_have_the_same_schema(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    create_journal(fresh)
    migrated = tmp_path / "migrated.db"
    build_version(migrated, 1)
    create_journal(migrated)
    assert schema_of(migrated) == schema_of(fresh)
    assert "entry_edit" in schema_of(fresh)
    assert sqlite_objects(migrated) == sqlite_objects(fresh)
    names = {name for _kind, name, _table, _sql in sqlite_objects(fresh)}
    assert {"entry_search", "entry_search_entry_update", "entry_search_tag_delete"} <= names


def test_an_older_database_is_backed_up_then_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    build_version(path, 1)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO entry (uid, occurred_at, utc_offset, local_date, logged_at, mode,"
            " what_happened, so_what, now_what, shared)"
            " VALUES ('u1', '2026-11-20 14:00:00', 60, '2026-11-20', '2026-11-20 15:00:00',"
            " 'phone', 'We talked.', '', '', 0)"
        )
    conn.close()
    before = path.read_bytes()

    with open_journal(db.locate(str(path))) as journal:
        entry = journal.read.entry(1)
    assert entry.what_happened == "We talked."
    assert entry.occurred_at == datetime(2026, 11, 20, 14, tzinfo=UTC)

    backups = list(tmp_path.glob("journal.before-upgrade-v1.*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version FROM schema_version").fetchone() == (1,)
        assert copy.execute("SELECT what_happened FROM entry").fetchone() == ("We talked.",)
    copy.close()
    assert len(before) > 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (db.LATEST_VERSION,)
    conn.close()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    create_journal(path)
    db.dispose_engines()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("UPDATE schema_version SET version = 99")
    conn.close()
    assert not list(tmp_path.glob("*-wal"))
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match=r"newer peerjournal .*schema 99") as caught:
        create_journal(path)
    assert "untouched" in str(caught.value)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*-wal"))


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="restore") as caught:
        create_journal(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a peerjournal journal"):
        create_journal(path)


def test_every_connection_gets_the_pragmas(tmp_path: Path) -> None:
    from peerjournal import journal

    path = tmp_path / "journal.db"
    create_journal(path)
    with journal.engine(path).connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert conn.execute(text("PRAGMA temp_store")).scalar() == 2
    reader = db.open_connection(path, None, readonly=True)
    try:
        assert reader.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert reader.execute("PRAGMA query_only").fetchone() == (1,)
        assert reader.execute("PRAGMA temp_store").fetchone() == (2,)
    finally:
        reader.close()


def test_folder_and_file_are_private_whatever_the_umask(journal_home: Path) -> None:
    old = os.umask(0)
    try:
        with open_journal() as journal:
            journal.add_entry(NewEntry(occurred_at=datetime.now(UTC), mode="phone"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(journal_home.stat().st_mode) == 0o700
    for name in ("journal.db", "journal.db-wal"):
        assert stat.S_IMODE((journal_home / name).stat().st_mode) == 0o600, name


def test_an_entry_and_its_parts_commit_together_or_not_at_all(
    journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerjournal import journal as write_side

    create_journal(journal_home / "journal.db")
    whole = write_side.Journal._add_parts

    def fail_half_way(self: write_side.Journal, entry_id: int, new: NewEntry, **kw: bool) -> None:
        whole(self, entry_id, new, **kw)
        self.session.flush()
        raise RuntimeError("the power went out")

    monkeypatch.setattr(write_side.Journal, "_add_parts", fail_half_way)
    entry = NewEntry(
        occurred_at=datetime.now(UTC),
        mode="phone",
        what_happened="kept only if everything saves",
        ratings=(Rating("empathy", "Empathy", 4),),
        tags=("warmline",),
        flags=("safety",),
    )
    with pytest.raises(RuntimeError), open_journal() as journal:
        journal.add_entry(entry)
    with sqlite3.connect(journal_home / "journal.db") as conn:
        for table in ("entry", "rating", "tag", "flag"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    conn.close()


def test_a_score_out_of_range_never_reaches_the_journal() -> None:
    with pytest.raises(InvalidValue, match="1 to 5"):
        Rating("hope", "Hope", 9)


def test_deleting_an_entry_removes_its_ratings_and_tags(journal_home: Path) -> None:
    with open_journal() as journal:
        saved = journal.add_entry(
            NewEntry(
                occurred_at=datetime.now(UTC),
                mode="video",
                ratings=(Rating("empathy", "Empathy", 4),),
                tags=("warmline",),
            )
        )
        assert saved.tags == ("warmline",)
        journal.delete_entry(saved.id)
    with sqlite3.connect(journal_home / "journal.db") as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("rating", "tag")
        ]
    conn.close()
    assert counts == [0, 0]


def test_entry_filter_selects_by_local_day_and_tag(journal_home: Path) -> None:
    from datetime import date, timedelta, timezone

    from peerjournal.records import EntryFilter

    late_evening = timezone(timedelta(hours=-5))
    with open_journal() as journal:
        for day, tag in ((1, "warmline"), (2, "group"), (3, "warmline")):
            journal.add_entry(
                NewEntry(
                    # 23:30 local is the next day in UTC: the local day must count.
                    occurred_at=datetime(2026, 11, day, 23, 30, tzinfo=late_evening),
                    mode="phone",
                    tags=(tag,),
                )
            )

        def days(flt: EntryFilter) -> list[str]:
            return sorted(entry.local_date for entry in journal.read.entries(flt))

        assert days(EntryFilter()) == ["2026-11-01", "2026-11-02", "2026-11-03"]
        assert days(EntryFilter(since=date(2026, 11, 2))) == ["2026-11-02", "2026-11-03"]
        assert days(EntryFilter(until=date(2026, 11, 1))) == ["2026-11-01"]
        assert days(EntryFilter(tag="warmline")) == ["2026-11-01", "2026-11-03"]


def test_a_journal_locked_too_long_is_a_plain_error(
    journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    with open_journal() as journal:
        journal.add_entry(NewEntry(occurred_at=datetime.now(UTC), mode="phone"))
    db.dispose_engines()
    holder = sqlite3.connect(journal_home / "journal.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseError, match="busy") as caught, open_journal() as journal:
            journal.add_entry(NewEntry(occurred_at=datetime.now(UTC), mode="phone"))
        assert "Try again" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_journal_folder_that_cannot_be_made_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PEERJOURNAL_HOME", str(blocker))
    with pytest.raises(DatabaseError, match="does not exist") as caught, open_journal():
        pass
    assert str(blocker) in str(caught.value)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_folder_given_as_the_journal_says_so(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder, not a journal file") as caught:
        create_journal(tmp_path)
    assert str(tmp_path / "journal.db") in str(caught.value)
