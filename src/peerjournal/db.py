"""The database: engine, per-connection PRAGMAs, one session per command, and migrations.

Migrations are a short list of named steps, not Alembic. The journal has a
handful of tables that change rarely; a list of plain functions is easy to
read, needs no extra package or config folder inside the wheel, and costs
nothing at start-up. Each step is written with SQLAlchemy Core so that it runs
on PostgreSQL as well. A new database is created from the models in one go and
stamped with the latest version; a test proves it ends with the same tables
and indexes as one walked through every step from the first.

Journal mode is WAL: a `review` can read while `log` writes in another
terminal, a crash mid-write can never corrupt the file (the write-ahead log is
replayed or discarded), and commits are one sequential append. With
`synchronous=FULL` a commit that returned is on disk. WAL's one cost, that it
does not work on network filesystems, does not apply to a personal journal.

Everything that only SQLite has (PRAGMAs, the file checks, the backup API)
lives in the `_sqlite_*` functions below: that is the seam where another
database would plug in. An encrypted journal is SQLite too, through SQLCipher:
`_sqlite_open` and `_sqlite_engine` hand out keyed connections for it, and
everything above them (PRAGMAs, BEGIN IMMEDIATE, migrations) stays the same.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from peerjournal import encryption, models
from peerjournal.encryption import errors as driver_errors
from peerjournal.errors import DatabaseError
from peerjournal.paths import create_private_file, ensure_private_dir, sqlite_file, wipe_file

BUSY_TIMEOUT_MS = 10_000
SCHEMA_VERSION_TABLE = models.SCHEMA_VERSION_TABLE

_engines: dict[str, Engine] = {}
# The passphrase each engine was built with: a run with another one must not reuse it.
_engine_keys: dict[str, str | None] = {}


# --- migrations --------------------------------------------------------------


def _step_initial(conn: Connection) -> None:
    """The first schema: entries, ratings, tags and weekly intentions.

    Written out in full, not taken from the models, so it stays exactly what
    the first release created however the models change later.
    """
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
    Table(SCHEMA_VERSION_TABLE, meta, Column("version", Integer, nullable=False))
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


def _step_fulltext_search(conn: Connection) -> None:
    """Index every entry's words for `search` (SQLite only: other databases search differently)."""
    if conn.dialect.name == "sqlite":
        _sqlite_create_search(conn)
        _sqlite_fill_search(conn)


# Append only: the position of a step is the schema version it brings a database to.
MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("initial", _step_initial),
    ("entry_edit_history", _step_entry_edit_history),
    ("fulltext_search", _step_fulltext_search),
)
LATEST_VERSION = len(MIGRATIONS)

_version_table = Table(SCHEMA_VERSION_TABLE, MetaData(), Column("version", Integer, nullable=False))


def _read_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table(SCHEMA_VERSION_TABLE):
        return None
    return conn.execute(select(_version_table.c.version)).scalar_one_or_none()


def _write_version(conn: Connection, version: int) -> None:
    conn.execute(_version_table.delete())
    conn.execute(_version_table.insert().values(version=version))


def create_latest(conn: Connection) -> None:
    """A new database: every table from the models, stamped with the latest version."""
    SQLModel.metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        _sqlite_create_search(conn)
    _version_table.create(conn, checkfirst=True)
    _write_version(conn, LATEST_VERSION)


def migrate(conn: Connection, start: int, stop: int = LATEST_VERSION) -> None:
    """Apply the steps that bring a database from version `start` to `stop`."""
    for version in range(start, stop):
        _name, step = MIGRATIONS[version]
        step(conn)
        _write_version(conn, version + 1)


# --- engines and sessions ------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """An open journal database and where it lives."""

    engine: Engine
    location: str
    path: Path | None


def connect(location: str) -> Database:
    """Open the database at `location` (a file path or URL), creating and upgrading it.

    The engine is built on the first call and reused for the rest of the
    process; PRAGMAs are set on every new connection.
    """
    path = sqlite_file(location)
    key = _sqlite_key(path) if path is not None else None
    if location in _engines:
        if _engine_keys.get(location) == key:
            return Database(_engines[location], location, path)
        _engines.pop(location).dispose()
    if path is not None:
        _sqlite_prepare_file(path)
        engine = _sqlite_engine(path, key)
        _sqlite_configure(engine)
    else:
        engine = create_engine(location)
    database = Database(engine, location, path)
    try:
        _bring_up_to_date(database)
    except OperationalError as exc:
        engine.dispose()
        raise _unusable(location, exc) from None
    _engines[location] = engine
    _engine_keys[location] = key
    return database


def dispose_all() -> None:
    """Close every engine (tests use this between journals)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _engine_keys.clear()


@contextmanager
def session_scope(database: Database, *, write: bool = True) -> Iterator[Session]:
    """One session for one command: committed when the block ends, rolled back on error.

    A writing session takes the write lock at its start (BEGIN IMMEDIATE on
    SQLite), so two processes logging at once queue for the busy timeout
    instead of failing half way.
    """
    bind = database.engine.execution_options(peerjournal_write=write)
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise _unusable(database.location, exc) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _unusable(location: str, exc: OperationalError) -> DatabaseError:
    """A plain message for a database that refused to work (busy, full, unreadable)."""
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in reason or "busy" in reason:
        return DatabaseError(
            f"The journal {location} is busy: another peerjournal has been using it for "
            f"over {BUSY_TIMEOUT_MS // 1000} seconds. Try again in a moment."
        )
    if "full" in reason:
        return DatabaseError(
            f"The journal {location} could not be saved because the disk is full. "
            "Free some space and try again."
        )
    return DatabaseError(
        f"The journal {location} could not be used ({reason}). "
        "Check the file and its folder, or restore a backup with 'peerjournal restore FILE'."
    )


def _bring_up_to_date(database: Database) -> None:
    """Create a new journal, or upgrade an older one after a backup; refuse a newer one.

    The check reads without taking the write lock, so a command that finds the
    schema current (nearly always) never waits behind another writer here.
    """
    if database.path is not None:
        found = _sqlite_inspect_file(database.path)
        if found is not None and found > LATEST_VERSION:
            raise _too_new(database.location, found)
        if found == LATEST_VERSION:
            return  # the usual case, already read from the file: nothing more to ask
    version = _schema_state(database)
    if version == LATEST_VERSION:
        return
    if version is not None and database.path is not None:
        _sqlite_backup(database.path, f"before-upgrade-v{version}")
    with database.engine.connect() as conn:
        conn = conn.execution_options(peerjournal_write=True)
        with conn.begin():
            # Read again under the write lock: another process may have done it meanwhile.
            current = _read_version(conn)
            if current is None:
                _refuse_foreign(conn, database.location)
                create_latest(conn)
            elif current < LATEST_VERSION:
                migrate(conn, current)


def _schema_state(database: Database) -> int | None:
    """The stored schema version (None for an empty file); refuses foreign or newer ones."""
    with database.engine.connect() as conn:
        conn = conn.execution_options(peerjournal_write=False)
        with conn.begin():
            version = _read_version(conn)
            if version is None:
                _refuse_foreign(conn, database.location)
            elif version > LATEST_VERSION:
                raise _too_new(database.location, version)
            return version


def _refuse_foreign(conn: Connection, location: str) -> None:
    if inspect(conn).get_table_names():
        raise DatabaseError(
            f"{location} is not a peerjournal journal. "
            "Point --db at your journal file, or at a new file name to start one."
        )


def _too_new(location: str, version: int) -> DatabaseError:
    return DatabaseError(
        f"The journal {location} was written by a newer peerjournal "
        f"(schema {version}; this one knows up to {LATEST_VERSION}). "
        "It was left untouched: upgrade with 'pip install --upgrade peerjournal'."
    )


# --- the SQLite seam -----------------------------------------------------------


def _sqlite_prepare_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, whatever the umask."""
    if path.is_dir():
        raise DatabaseError(
            f"{path} is a folder, not a journal file. Give a file name, for example "
            f"--db {path / 'journal.db'}"
        )
    try:
        ensure_private_dir(path.parent)
        if not path.exists():
            create_private_file(path)
    except OSError as exc:
        raise DatabaseError(
            f"The journal cannot be created at {path} ({exc.strerror or exc}). "
            "Choose another place with --db or PEERJOURNAL_HOME."
        ) from None


def _sqlite_key(path: Path) -> str | None:
    """The passphrase that opens the file at `path`, or None for a plain (or new) file."""
    if not encryption.looks_encrypted(path):
        return None
    return encryption.passphrase(path)


def _sqlite_engine(path: Path, key: str | None) -> Engine:
    timeout = BUSY_TIMEOUT_MS / 1000
    if key is None:
        return create_engine(f"sqlite:///{path}", connect_args={"timeout": timeout})
    # SQLAlchemy's own SQLite dialect over the SQLCipher driver: `module` makes
    # its errors SQLAlchemy's, and `creator` gives the key before anything is
    # read (the pysqlcipher dialect would put the passphrase in a URL and a
    # PRAGMA without quoting it).
    return create_engine(
        f"sqlite:///{path}",
        module=encryption.driver(),
        creator=lambda: encryption.connect(path, key, timeout=timeout),
    )


def _sqlite_open(
    path: Path,
    key: str | None,
    *,
    readonly: bool = False,
    what: str = "the journal",
    **options: Any,
) -> Any:
    """A DB-API connection to the file at `path`: stdlib sqlite3, or SQLCipher with `key`.

    A key that does not open an existing file is WrongPassphrase, raised
    before anything is written.
    """
    target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    if key is None:
        return sqlite3.connect(target, uri=readonly, **options)
    conn = encryption.connect(target, key, uri=readonly, **options)
    if _has_content(path) and not encryption.opens(conn):
        conn.close()
        raise encryption.WrongPassphrase(path, what)
    return conn


def _sqlite_configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not pysqlite, decide when a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        # Deleted or overwritten text is zeroed, not left in free pages: `delete`
        # and `forget` must really remove words (many builds leave this off).
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("peerjournal_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_inspect_file(path: Path) -> int | None:
    """The schema version of an existing file, read without changing a byte of it.

    A file that is not an SQLite database, or is damaged, is refused here,
    before anything writes to it.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = _sqlite_open(path, _sqlite_key(path), readonly=True)
    except driver_errors() as exc:
        raise _damaged(path, exc) from None
    try:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if SCHEMA_VERSION_TABLE not in tables:
            return None
        row = conn.execute(f"SELECT version FROM {SCHEMA_VERSION_TABLE}").fetchone()
        return int(row[0]) if row else None
    except driver_errors("DatabaseError") as exc:
        raise _damaged(path, exc) from None
    finally:
        conn.close()


def _damaged(path: Path, exc: Exception) -> DatabaseError:
    return DatabaseError(
        f"The journal {path} cannot be read ({exc}); it was left untouched. "
        "Restore a backup with 'peerjournal restore FILE'."
    )


# --- backup and restore --------------------------------------------------------

KEEP_BACKUPS = 10


def backup(location: str, dest: Path | None = None) -> Path:
    """A consistent copy of the journal at `location`, taken while others may be writing.

    Without `dest` the copy goes to the data folder's `backups/` with a
    timestamp in its name, and only the newest KEEP_BACKUPS are kept. A `dest`
    that is a folder gets the timestamped name inside it. An existing file is
    never overwritten.
    """
    source = _sqlite_file(location, "backup")
    if not source.exists() or source.stat().st_size == 0:
        raise DatabaseError(f"There is no journal at {source} yet, so there is nothing to back up.")
    _sqlite_inspect_file(source)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S.%fZ")
    timestamped = f"{source.stem}-{stamp}{source.suffix or '.db'}"
    prune_folder: Path | None = None
    if dest is None:
        from peerjournal.paths import data_dir

        folder = ensure_private_dir(data_dir() / "backups")
        target = folder / timestamped
        prune_folder = folder
    elif dest.is_dir():
        target = dest / timestamped
    else:
        target = dest
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose another name for the backup.")
    if not target.parent.is_dir():
        raise DatabaseError(f"The folder {target.parent} does not exist; create it first.")
    _sqlite_copy(source, target)
    if prune_folder is not None:
        _prune_backups(prune_folder, f"{source.stem}-", source.suffix or ".db")
    return target


def _prune_backups(folder: Path, prefix: str, suffix: str) -> None:
    # Timestamps sort as text, so the oldest come first.
    found = sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and p.suffix == suffix)
    for old in found[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    """What `restore` did: the schema version it brought back and where the old journal went."""

    version: int
    kept: Path | None


def restore(location: str, source: Path) -> Restored:
    """Replace the journal at `location` with the backup `source`, keeping the replaced one.

    The backup is copied and checked first (an SQLite file that passes
    `PRAGMA integrity_check`, a peerjournal schema no newer than this
    program); only then is the journal touched.
    """
    live = _sqlite_file(location, "restore")
    _sqlite_key(live)  # an encrypted journal: check the passphrase before anything else
    if not source.is_file():
        raise DatabaseError(f"There is no file {source} to restore from.")
    if source.resolve() == live.resolve():
        raise DatabaseError(f"{source} is the journal itself; choose a backup file to restore.")
    # An encrypted backup: ask for (or refuse) the passphrase naming the backup,
    # not the temporary copy it is checked in.
    _sqlite_key(source)
    ensure_private_dir(live.parent)
    staged = live.with_name(f".{live.name}.restore-{os.getpid()}")
    locked = live.with_name(f".{live.name}.restore-locked-{os.getpid()}")
    staged.unlink(missing_ok=True)
    create_private_file(staged)
    try:
        with source.open("rb") as reading, staged.open("wb") as writing:
            shutil.copyfileobj(reading, writing)
        version = _sqlite_check_backup(staged, source)
        ready = staged
        if encryption.looks_encrypted(live) and not encryption.looks_encrypted(staged):
            # An encrypted journal stays encrypted, whatever backup it is restored from.
            _sqlite_export_encrypted(staged, locked, encryption.passphrase(live))
            ready = locked
        # Connections this process holds would keep reading the old pages.
        dispose_all()
        kept = _sqlite_keep_replaced(live) if _has_content(live) else None
        _sqlite_replace(ready, live)
    finally:
        staged.unlink(missing_ok=True)
        locked.unlink(missing_ok=True)
    return Restored(version, kept)


def _has_content(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _sqlite_file(location: str, action: str) -> Path:
    path = sqlite_file(location)
    if path is None:
        raise DatabaseError(
            f"peerjournal can {action} only a journal kept in an SQLite file; "
            "use your database server's own tools."
        )
    return path


def _sqlite_check_backup(staged: Path, source: Path) -> int:
    def refuse(reason: str) -> DatabaseError:
        return DatabaseError(
            f"{source} cannot be restored: {reason}. Your journal was left untouched."
        )

    try:
        conn = _sqlite_open(staged, _sqlite_key(staged))
    except encryption.WrongPassphrase:
        raise refuse("the passphrase does not open it") from None
    except driver_errors() as exc:
        raise refuse(f"it cannot be opened ({exc})") from None
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise refuse(f"it is damaged ({problems[0]})")
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if SCHEMA_VERSION_TABLE not in tables or "entry" not in tables:
            raise refuse("it is not a peerjournal journal")
        row = conn.execute(f"SELECT version FROM {SCHEMA_VERSION_TABLE}").fetchone()
    except driver_errors("DatabaseError") as exc:
        raise refuse(f"it is not an SQLite database ({exc})") from None
    finally:
        conn.close()
    if row is None or not isinstance(row[0], int):
        raise refuse("it has no schema version")
    version = int(row[0])
    if version > LATEST_VERSION:
        raise refuse(
            f"it was written by a newer peerjournal (schema {version}; this one knows up to "
            f"{LATEST_VERSION}). Upgrade with 'pip install --upgrade peerjournal'"
        )
    return version


def _sqlite_keep_replaced(live: Path) -> Path:
    """Keep the journal about to be replaced, even when it is damaged."""
    try:
        return _sqlite_backup(live, "before-restore")
    except _not_copyable():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = live.with_name(f"{live.stem}.before-restore.{stamp}{live.suffix or '.db'}")
        for suffix in ("", "-wal"):
            found = Path(f"{live}{suffix}")
            if found.exists():
                copy = Path(f"{kept}{suffix}")
                create_private_file(copy)
                shutil.copyfile(found, copy)
        return kept


def _not_copyable() -> tuple[type[Exception], ...]:
    """What a copy through the backup API raises when the file (or its passphrase) does not fit."""
    return (*driver_errors("DatabaseError"), DatabaseError)


def _sqlite_replace(staged: Path, live: Path) -> None:
    """Put the staged copy in place of the live journal, all at once.

    Through the backup API when the live file is a working database: SQLite
    writes it as one transaction under the write lock, so another process
    with the journal open sees either the old journal or the restored one,
    and the write-ahead log stays consistent with the file. A missing or
    damaged journal is simply swapped for the copy by a rename.
    """
    # The backup API copies between two plain files or two encrypted ones, not across.
    same_kind = encryption.looks_encrypted(live) == encryption.looks_encrypted(staged)
    if _has_content(live) and same_kind:
        try:
            _sqlite_copy(staged, live, fresh=False)
            return
        except _not_copyable():
            pass
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    staged.chmod(0o600)
    staged.replace(live)


def _sqlite_copy(source: Path, target: Path, *, fresh: bool = True) -> None:
    """Copy through SQLite's backup API: a consistent snapshot even while others write.

    A fresh target is written under a temporary name and renamed when
    complete, in rollback-journal mode so that the copy is one
    self-contained file.
    """
    writing = target.with_name(f".{target.name}.partial-{os.getpid()}") if fresh else target
    if fresh:
        writing.unlink(missing_ok=True)
        create_private_file(writing)
    timeout = BUSY_TIMEOUT_MS / 1000
    key = _sqlite_key(source)
    # A new copy is locked like its source; a journal written over keeps its own lock.
    target_key = key if fresh else _sqlite_key(target)
    try:
        src = _sqlite_open(source, key, timeout=timeout)
        try:
            dst = _sqlite_open(writing, target_key, timeout=timeout)
            try:
                src.backup(dst)
                if fresh:
                    dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if fresh:
            writing.chmod(0o600)
            writing.replace(target)
    finally:
        if fresh:
            writing.unlink(missing_ok=True)


# --- encrypting a plain journal ------------------------------------------------------


@dataclass(frozen=True)
class Encrypted:
    """What `encrypt` did: the journal now encrypted, and the plain copy if it was kept."""

    path: Path
    kept_plain: Path | None


def encrypt(location: str, passphrase: str, *, keep_plain: bool = False) -> Encrypted:
    """Lock the plain journal at `location` with `passphrase` (SQLCipher).

    An encrypted copy is written beside the journal and verified (opened with
    the passphrase, `PRAGMA integrity_check`, the same number of rows in every
    table) while the plain journal is held against writers. Only then does
    the copy take the journal's place. The plain file is then overwritten with
    zeros and removed (`paths.wipe_file`), or kept (0600) with `keep_plain`.
    """
    path = _sqlite_file(location, "encrypt")
    if encryption.looks_encrypted(path):
        raise DatabaseError(f"The journal {path} is already encrypted.")
    encryption.driver()
    connect(location)  # creates a new journal, or brings an old one up to date
    dispose_all()
    copy = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    timeout = BUSY_TIMEOUT_MS / 1000
    guard = encryption.driver().connect(str(path), timeout=timeout, isolation_level=None)
    try:
        _sqlite_hold_alone(guard, path)
        _sqlite_export_encrypted(path, copy, passphrase)
        _sqlite_verify_copy(guard, copy, passphrase, path)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        plain = path.with_name(f"{path.stem}.plain-{stamp}{path.suffix or '.db'}")
        # A second name for the plain file first, so that it outlives the swap.
        try:
            os.link(path, plain)
        except OSError:  # a file system without hard links
            create_private_file(plain)
            shutil.copyfile(path, plain)
        copy.replace(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        guard.close()
        copy.unlink(missing_ok=True)
    plain.chmod(0o600)
    if keep_plain:
        return Encrypted(path, plain)
    wipe_file(plain)
    return Encrypted(path, None)


def _sqlite_hold_alone(guard: Any, path: Path) -> None:
    """Hold the plain journal against writers, or refuse while another program has it open.

    Leaving WAL mode needs the journal to itself (and folds the write-ahead
    log into the file, so nothing is left beside it); the write lock then
    keeps anyone from adding to it until the encrypted copy has replaced it.
    """
    busy = DatabaseError(
        f"The journal {path} is open in another peerjournal; close it and run encrypt again."
    )
    try:
        mode = guard.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        guard.execute("BEGIN IMMEDIATE")
    except driver_errors("OperationalError"):
        raise busy from None
    if str(mode).lower() != "delete":
        raise busy


def _sqlite_export_encrypted(plain: Path, target: Path, passphrase: str) -> None:
    """Write an encrypted copy of the plain database `plain` at `target` (SQLCipher's export)."""
    target.unlink(missing_ok=True)
    create_private_file(target)
    conn = encryption.driver().connect(str(plain), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), passphrase))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.commit()
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    target.chmod(0o600)


def _sqlite_verify_copy(plain: Any, copy: Path, passphrase: str, path: Path) -> None:
    """Refuse unless the encrypted copy opens, is whole and holds every row of the plain one."""
    failed = DatabaseError(
        f"The encrypted copy of {path} did not check out, so the journal was left as it was."
    )
    tables = [
        row[0]
        for row in plain.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    conn = _sqlite_open(copy, passphrase, what="the encrypted copy")
    try:
        if [row[0] for row in conn.execute("PRAGMA integrity_check")] != ["ok"]:
            raise failed
        for table in tables:
            count = f'SELECT count(*) FROM "{table}"'
            if conn.execute(count).fetchone() != plain.execute(count).fetchone():
                raise failed
    except driver_errors("DatabaseError"):
        raise failed from None
    finally:
        conn.close()


def compact(location: str) -> None:
    """Rewrite the journal file so that removed words do not linger in its free pages.

    Best effort: when another program holds the journal the file is left as
    it is (the words are already gone from every table and from search).
    """
    path = sqlite_file(location)
    if path is None or not path.exists():
        return
    dispose_all()
    timeout = BUSY_TIMEOUT_MS / 1000
    conn = _sqlite_open(path, _sqlite_key(path), timeout=timeout, isolation_level=None)
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except driver_errors("OperationalError"):
        pass
    finally:
        conn.close()


def _sqlite_backup(path: Path, label: str) -> Path:
    """A consistent copy of the live database beside it, 0600, through SQLite's backup API."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{label}.{stamp}{path.suffix or '.db'}")
    create_private_file(target)
    key = _sqlite_key(path)
    source = _sqlite_open(path, key)
    try:
        dest = _sqlite_open(target, key)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    with suppress(FileNotFoundError):
        target.chmod(0o600)
    return target


# --- full-text search (SQLite FTS5) ----------------------------------------------
#
# One FTS5 row per entry, keyed by the entry's id, holding a denormalised copy
# of everything searchable: the reflection, the peer alias, the rating notes
# and the tags. Triggers on entry, rating and tag rebuild an entry's row
# whenever any of its parts changes. Rebuilding the whole row is a little more
# work per write than patching columns, but it is one statement to reason
# about and cannot drift: whatever the order of inserts, updates and cascaded
# deletes, the row ends up as the entry is now (a cascade runs after the entry
# row is gone, so its rebuild finds nothing and adds nothing). An
# external-content table would avoid the copy, but FTS5 can only point at one
# table, and the document spans three.

SEARCH_TABLE = "entry_search"
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"

# Every entry's document; a WHERE on e.id narrows it to one.
_SEARCH_DOCUMENT = """
SELECT e.id,
       e.what_happened || char(10) || e.so_what || char(10) || e.now_what,
       coalesce(e.peer, ''),
       coalesce((SELECT group_concat(r.note, char(10)) FROM rating r
                 WHERE r.entry_id = e.id AND r.note IS NOT NULL), ''),
       coalesce((SELECT group_concat(t.name, ' ') FROM tag t WHERE t.entry_id = e.id), '')
FROM entry e
"""

_SEARCH_COLUMNS = "rowid, reflection, peer, notes, tags"


def _rebuild_search_row(entry_id: str) -> str:
    return (
        f"DELETE FROM {SEARCH_TABLE} WHERE rowid = {entry_id};"
        f" INSERT INTO {SEARCH_TABLE} ({_SEARCH_COLUMNS})"
        f" {_SEARCH_DOCUMENT} WHERE e.id = {entry_id};"
    )


_SEARCH_TRIGGERS = {
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
}


def _sqlite_create_search(conn: Connection) -> None:
    # unicode61 with diacritics removed: "cafe" finds "café"; journals are not only English.
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
        "reflection, peer, notes, tags, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, (when, entry_id) in _SEARCH_TRIGGERS.items():
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} {when} BEGIN {_rebuild_search_row(entry_id)} END"
        )
    # A rating moved to another entry (never done today) would leave the old row stale.
    conn.exec_driver_sql(
        "CREATE TRIGGER entry_search_rating_move AFTER UPDATE OF entry_id ON rating"
        f" BEGIN {_rebuild_search_row('old.entry_id')} END"
    )


def _sqlite_fill_search(conn: Connection) -> None:
    conn.exec_driver_sql(f"INSERT INTO {SEARCH_TABLE} ({_SEARCH_COLUMNS}) {_SEARCH_DOCUMENT}")


@dataclass(frozen=True)
class FullText:
    """The pieces of a full-text query, for the journal to join with its own filters."""

    source: Any  # a FROM clause whose `rowid` column is the entry id
    entry_id: Any
    rank: Any  # lower is a better match
    snippet: Any  # the best passage, matches between HIGHLIGHT_START and HIGHLIGHT_END

    def match(self, query: str) -> Any:
        from sqlalchemy import bindparam, text

        return text(f"{SEARCH_TABLE} MATCH :fulltext_query").bindparams(
            bindparam("fulltext_query", query)
        )


def fulltext(session: Session) -> FullText:
    """Full-text search over this session's database, or DatabaseError where there is none."""
    from sqlalchemy import column, func, literal_column, table

    if session.get_bind().dialect.name != "sqlite":
        raise DatabaseError("Search is available only for a journal kept in an SQLite file.")
    source = table(SEARCH_TABLE, column("rowid"))
    this: Any = literal_column(SEARCH_TABLE)
    # The alias and tags weigh double: a word there was put there on purpose.
    rank = func.bm25(this, 1.0, 2.0, 1.0, 2.0)
    snippet = func.snippet(this, -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", 16)
    return FullText(source, source.c.rowid, rank, snippet)


def is_fulltext_syntax_error(exc: Exception) -> bool:
    """Whether a database error came from a search query FTS5 could not parse."""
    message = str(getattr(exc, "orig", exc))
    return message.startswith(("fts5:", "unterminated string", "no such column"))


def scrub_search_index(session: Session) -> None:
    """Merge the search index so text removed from entries leaves its old segments too."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(
            f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')"
        )
