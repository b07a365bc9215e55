"""The journal file: where it is, opening it (PRAGMAs, schema version), and its search index.

How the code talks to the database, and why
---------------------------------------------
SQLModel is the schema (`models.py`), the migrations (`migrations.py`) and
the write side (`journal.py`: save, edit, delete, share, import, forget).
Everyday reading (`list`, `show`, `search`, `review`, `export`, `principles
SLUG`, and whatever the guided `log` reads before it saves) is plain SQL over
the standard library's `sqlite3` (or `sqlcipher3`, which has the same
interface, for an encrypted journal), in one package, `queries`, which
returns the plain records of `records.py`.

The reason is start-up time. Importing SQLModel and SQLAlchemy costs about
two thirds of a second on a slow laptop, four fifths of every everyday
command, while the queries themselves take milliseconds. A supporter runs
`list` or `review` far more often than anything writes in bulk. So this
module, and everything the reading commands import, never imports
sqlmodel, sqlalchemy or pydantic at module level; `tests/test_startup.py`
holds that line. The guided `log` loads the write side in a background
thread while the person answers its questions, so saving costs no import.

Both sides open the file through `open_connection`, which sets the PRAGMAs,
and `check_version`, which refuses a newer or foreign file and upgrades an
older one (through the write side, after a backup copy). A test proves that
a fresh schema and one migrated from the first version are identical.

Journal mode is WAL: a `review` can read while `log` writes in another
terminal, a crash mid-write can never corrupt the file (the write-ahead log
is replayed or discarded), and commits are one sequential append. With
`synchronous=FULL` a commit that returned is on disk. WAL's one cost, that
it does not work on network file systems, does not apply to a personal
journal. Temporary files (sorting, VACUUM) stay in memory, never in /tmp,
where a copy of the words would outlive the command.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerjournal import encryption, paths
from peerjournal.encryption import errors as driver_errors
from peerjournal.errors import DatabaseError

BUSY_TIMEOUT_MS = 10_000
SCHEMA_VERSION_TABLE = "schema_version"
# The number of steps in migrations.MIGRATIONS (checked there): known here so
# that a reading command can tell a current file without importing them.
LATEST_VERSION = 4
# Hears every statement any connection runs, with its values filled in, when set
# (benchmarks/plans.py prints their query plans).
statement_tracer: Callable[[str], None] | None = None

# --- where the journal is ------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """The journal file of this run, and whether the user chose it (flag or environment)."""

    path: Path
    chosen: bool


def locate(flag: str | None = None) -> Location:
    """The journal the user chose: `--db`, then PEERJOURNAL_DB, then PEERJOURNAL_HOME or
    the platform's data folder. An `sqlite:///` address names a file too; any other
    database address is refused: the journal is one SQLite file."""
    chosen = flag or os.environ.get(paths.ENV_DB)
    if chosen:
        if chosen.startswith("sqlite:///"):
            chosen = chosen.removeprefix("sqlite:///")
        elif "://" in chosen:
            raise DatabaseError(
                f"{chosen} is not a file name. peerjournal keeps the journal in one file "
                "on this computer: give a path, for example --db ~/journal.db"
            )
        return Location(Path(chosen).expanduser(), True)
    return Location(paths.data_dir() / paths.DB_FILENAME, bool(os.environ.get(paths.ENV_HOME)))


def missing(location: Location) -> DatabaseError:
    """What a reading command says when there is no journal yet."""
    # The platform's own folder is made by the first `log`: before that, it is simply a
    # journal not started yet. A folder the user chose may be a drive not connected.
    if location.chosen and not location.path.parent.is_dir():
        return DatabaseError(
            f"There is no journal at {location.path}: the folder {location.path.parent} "
            "does not exist (is the drive it is on connected?). Nothing was changed."
        )
    return DatabaseError(
        f"There is no journal at {location.path} yet. "
        "After your next conversation, run: peerjournal log"
    )


def exists(path: Path) -> bool:
    """Whether a journal file is there (an empty file left by a crash counts as none)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


# --- opening it ------------------------------------------------------------------------


def open_connection(
    path: Path,
    key: str | None,
    *,
    readonly: bool = False,
    what: str = "the journal",
    timeout: float = BUSY_TIMEOUT_MS / 1000,
    pragmas: bool = True,
    **options: Any,
) -> Any:
    """A DB-API connection to the file at `path`: stdlib sqlite3, or SQLCipher with `key`.

    Every connection the program makes to a journal comes from here, with the
    same PRAGMAs. A key that does not open an existing file is WrongPassphrase,
    raised before anything is written. A `readonly` connection never writes
    (`query_only`); the file itself is opened read-only (`mode=ro`) only when
    it cannot be written, for a journal on a read-only drive: a read-only
    handle on a journal that others are writing can fail with I/O errors.
    There, with no write-ahead log beside the file, SQLite is also told that
    nobody changes it (`immutable`): it cannot make its shared-memory file in
    a folder it cannot write, and would otherwise refuse to read at all.
    """
    uri = readonly and not _writable(path)
    target = str(path)
    if uri:
        target = f"{path.resolve().as_uri()}?mode=ro"
        if not Path(f"{path}-wal").exists():
            target += "&immutable=1"
    if key is None:
        conn = sqlite3.connect(target, uri=uri, timeout=timeout, **options)
    else:
        conn = encryption.connect(target, key, uri=uri, timeout=timeout, **options)
        if exists(path) and not encryption.opens(conn):
            conn.close()
            raise encryption.WrongPassphrase(path, what)
    if statement_tracer is not None:
        conn.set_trace_callback(statement_tracer)
    try:
        # Sorting, indexing and VACUUM in memory on every connection, never a plain copy
        # of the words in /tmp (outside the data folder, and outside an encrypted drive).
        conn.execute("PRAGMA temp_store = MEMORY")
        if pragmas:
            _configure(conn, readonly=readonly)
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(path: Path) -> bool:
    """Whether the journal's file and folder can be written (SQLite writes -wal and -shm)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _configure(conn: Any, *, readonly: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
        return
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    # Deleted or overwritten text is zeroed, not left in free pages: `delete`
    # and `forget` must really remove words (many builds leave this off).
    conn.execute("PRAGMA secure_delete = ON")


def checkpoint(path: Path) -> bool:
    """Fold the write-ahead log into the journal file and empty it, so that pages changed
    by the last commit (words removed) leave no earlier version beside the file; False when
    a reader still holding an older snapshot kept it from finishing."""
    conn = open_connection(path, key_for(path), isolation_level=None)
    try:
        busy, _log, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except encryption.errors("OperationalError"):
        return False
    finally:
        conn.close()
    return not busy


def dispose_engines() -> None:
    """Close the write side's connections, if this process opened any, before a file changes,
    and forget what the files looked like (encrypted or plain)."""
    import sys

    journal = sys.modules.get("peerjournal.journal")
    if journal is not None:
        journal.dispose_all()
    encryption.forget_files()


def key_for(path: Path) -> str | None:
    """The passphrase that opens the file at `path`, or None for a plain (or new) file."""
    if not encryption.looks_encrypted(path):
        return None
    return encryption.passphrase(path)


class ForeignFile(Exception):
    """A database that is not a peerjournal journal (turned into DatabaseError with its path)."""


def read_version(conn: Any) -> int | None:
    """The stored schema version; None for a file without peerjournal's tables."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if SCHEMA_VERSION_TABLE not in tables:
        if tables:
            raise ForeignFile
        return None
    row = conn.execute(f"SELECT version FROM {SCHEMA_VERSION_TABLE}").fetchone()
    if row is None or not isinstance(row[0], int):
        raise ForeignFile
    return int(row[0])


def inspect_file(path: Path) -> int | None:
    """The schema version of an existing file, read without changing a byte of it.

    A file that is not an SQLite database, is damaged, is another program's,
    or was written by a newer peerjournal is refused here, before anything
    writes to it. None: an empty file (a new journal).
    """
    if not exists(path):
        return None
    try:
        conn = open_connection(path, key_for(path), readonly=True, pragmas=False)
    except driver_errors() as exc:
        raise damaged(path, exc) from None
    try:
        version = read_version(conn)
    except ForeignFile:
        raise DatabaseError(
            f"{path} is not a peerjournal journal. "
            "Point --db at your journal file, or at a new file name to start one."
        ) from None
    except driver_errors("DatabaseError") as exc:
        raise damaged(path, exc) from None
    finally:
        conn.close()
    if version is not None and version > LATEST_VERSION:
        raise too_new(path, version)
    return version


def check_version(path: Path) -> None:
    """Make the journal at `path` current: upgrade an older one (after a backup copy).

    A current file, nearly always, costs one read and no import; an older one
    loads the write side to migrate it.
    """
    version = inspect_file(path)
    if version == LATEST_VERSION:
        return
    from peerjournal import migrations

    migrations.bring_up_to_date(path, version)


def damaged(path: Path, exc: Exception) -> DatabaseError:
    return DatabaseError(
        f"The journal {path} cannot be read ({exc}); it was left untouched. "
        "Restore a backup with 'peerjournal restore FILE'."
    )


def too_new(path: Path, version: int) -> DatabaseError:
    return DatabaseError(
        f"The journal {path} was written by a newer peerjournal "
        f"(schema {version}; this one knows up to {LATEST_VERSION}). "
        "It was left untouched: upgrade with 'pip install --upgrade peerjournal'."
    )


def unusable(path: Path, reason: str) -> DatabaseError:
    """A plain message for a database that refused to work (busy, full, unreadable)."""
    if "locked" in reason or "busy" in reason:
        return DatabaseError(
            f"The journal {path} is busy: another peerjournal has been using it for "
            f"over {BUSY_TIMEOUT_MS // 1000} seconds. Try again in a moment."
        )
    if "full" in reason:
        return DatabaseError(
            f"The journal {path} could not be saved because the disk is full. "
            "Free some space and try again."
        )
    if path.exists() and not _writable(path):
        return DatabaseError(
            f"The journal {path} cannot be changed: the file or its folder is read-only (a "
            "drive mounted read-only?). Reading it still works: list, export, and backup to "
            "another place."
        )
    return DatabaseError(
        f"The journal {path} could not be used ({reason}). "
        "Check the file and its folder, or restore a backup with 'peerjournal restore FILE'."
    )


def prepare_new(location: Location) -> bool:
    """Make room for a new journal file (folder 0700, file 0600); True if it was created.

    A folder the user chose (`--db`, PEERJOURNAL_DB, PEERJOURNAL_HOME) must
    already exist: it may be a drive that is not mounted, and writing a
    journal onto the empty mount point would put the words where they were
    not meant to be. Only the platform's own data folder is created.
    """
    path = location.path
    if exists(path) and not path.is_dir():
        return False
    ready_folder(location)
    try:
        paths.create_private_file(path)
    except OSError as exc:
        raise DatabaseError(
            f"The journal cannot be created at {path} ({exc.strerror or exc}). "
            "Choose another place with --db or PEERJOURNAL_HOME."
        ) from None
    return True


def check_folder(location: Location) -> None:
    """Refuse a chosen folder that is not there (a drive not connected, say), before
    anything is asked or written; the platform's own folder is made when needed."""
    if location.chosen and not location.path.parent.is_dir():
        raise DatabaseError(
            f"The folder {location.path.parent} does not exist, so no journal was started "
            "there (is the drive connected?). Create the folder first, or choose another place."
        )


def ready_folder(location: Location) -> None:
    """Make sure the journal's folder is there (0700) before a journal file is written in it.

    Only the platform's own data folder is created; one the user chose must
    exist already (see prepare_new).
    """
    path = location.path
    if path.is_dir():
        raise DatabaseError(
            f"{path} is a folder, not a journal file. Give a file name, for example "
            f"--db {path / paths.DB_FILENAME}"
        )
    check_folder(location)
    try:
        paths.ensure_private_dir(path.parent)
    except OSError as exc:
        raise DatabaseError(
            f"The journal cannot be created at {path} ({exc.strerror or exc}). "
            "Choose another place with --db or PEERJOURNAL_HOME."
        ) from None


# --- full-text search (SQLite FTS5) ------------------------------------------------------
#
# One FTS5 row per entry, keyed by the entry's id, holding a denormalised copy
# of everything searchable: the reflection, the peer alias, the rating notes,
# the tags and the follow-ups. Triggers rebuild an entry's row whenever any of
# its parts changes. Rebuilding the whole row is a little more work per write
# than patching columns, but it is one statement to reason about and cannot
# drift: whatever the order of inserts, updates and cascaded deletes, the row
# ends up as the entry is now (a cascade runs after the entry row is gone, so
# its rebuild finds nothing and adds nothing). An external-content table would
# avoid the copy, but FTS5 can only point at one table, and the document spans
# five.

SEARCH_TABLE = "entry_search"
SEARCH_COLUMNS = ("reflection", "peer", "notes", "tags", "follow_ups")
# The alias, tags and follow-ups weigh double: words put there on purpose.
SEARCH_WEIGHTS = (1.0, 2.0, 1.0, 2.0, 2.0)

_SEARCH_DOCUMENT = """
SELECT e.id,
       e.what_happened || char(10) || e.so_what || char(10) || e.now_what,
       coalesce(e.peer, ''),
       coalesce((SELECT group_concat(r.note, char(10)) FROM rating r
                 WHERE r.entry_id = e.id AND r.note IS NOT NULL), ''),
       coalesce((SELECT group_concat(t.name, ' ') FROM tag t WHERE t.entry_id = e.id), ''),
       coalesce((SELECT group_concat(f.text, char(10)) FROM follow_up f
                 WHERE f.entry_id = e.id), '')
FROM entry e
"""


def _rebuild_search_row(entry_id: str) -> str:
    columns = ", ".join(("rowid", *SEARCH_COLUMNS))
    return (
        f"DELETE FROM {SEARCH_TABLE} WHERE rowid = {entry_id};"
        f" INSERT INTO {SEARCH_TABLE} ({columns})"
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
    "entry_search_follow_up_insert": ("AFTER INSERT ON follow_up", "new.entry_id"),
    "entry_search_follow_up_update": ("AFTER UPDATE OF text ON follow_up", "new.entry_id"),
    "entry_search_follow_up_delete": ("AFTER DELETE ON follow_up", "old.entry_id"),
}


def create_search(execute: Callable[[str], object]) -> None:
    """Create the search index and its triggers, empty, through `execute(sql)`."""
    # unicode61 with diacritics removed: "cafe" finds "café"; journals are not only English.
    execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
        f"{', '.join(SEARCH_COLUMNS)}, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, (when, entry_id) in _SEARCH_TRIGGERS.items():
        execute(f"CREATE TRIGGER {name} {when} BEGIN {_rebuild_search_row(entry_id)} END")
    # A rating moved to another entry (never done today) would leave the old row stale.
    execute(
        "CREATE TRIGGER entry_search_rating_move AFTER UPDATE OF entry_id ON rating"
        f" BEGIN {_rebuild_search_row('old.entry_id')} END"
    )


def fill_search(execute: Callable[[str], object]) -> None:
    """Index every entry already in the journal."""
    columns = ", ".join(("rowid", *SEARCH_COLUMNS))
    execute(f"INSERT INTO {SEARCH_TABLE} ({columns}) {_SEARCH_DOCUMENT}")


def scrub_search(execute: Callable[[str], object]) -> None:
    """Merge the search index so text removed from entries leaves its old segments too."""
    execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')")


# --- forgetting ----------------------------------------------------------------------------
#
# The statements `forget` runs, on the journal (through the write side's
# transaction) and on every copy the program keeps (copies.forget_in_copies),
# so that one rule says what "the words" are.

# Entries before a day (the one parameter) that still hold any words: text, alias, notes,
# follow-ups or old wordings.
FORGETTABLE = """e.local_date < ? AND (
    e.what_happened != '' OR e.so_what != '' OR e.now_what != '' OR e.peer IS NOT NULL
    OR EXISTS (SELECT 1 FROM rating r WHERE r.entry_id = e.id AND r.note IS NOT NULL)
    OR EXISTS (SELECT 1 FROM follow_up f WHERE f.entry_id = e.id AND f.text != '')
    OR EXISTS (SELECT 1 FROM entry_edit x WHERE x.entry_id = e.id))"""


def clear_words_before(conn: Any, before: str) -> int:
    """Clear the words of every entry from before the day `before` (ISO), in the open
    transaction of `conn`; return how many entries held any.

    Cleared: the three reflections, the peer alias (initials and nicknames can
    still point at a person), every rating's note, the follow-ups' words and the
    edit history (it holds the earlier wordings). Kept: the date, kind of
    contact, minutes, feeling, tags, flags, every rating's score and principle,
    and whether follow-ups were kept. The search index follows through its
    triggers, then is merged so that no old segment keeps a word.
    """
    count = int(
        conn.execute(f"SELECT count(*) FROM entry e WHERE {FORGETTABLE}", (before,)).fetchone()[0]
    )
    if not count:
        return 0
    older = "SELECT id FROM entry WHERE local_date < ?"
    conn.execute(f"DELETE FROM entry_edit WHERE entry_id IN ({older})", (before,))
    conn.execute(
        f"UPDATE rating SET note = NULL WHERE note IS NOT NULL AND entry_id IN ({older})",
        (before,),
    )
    conn.execute(
        f"UPDATE follow_up SET text = '' WHERE text != '' AND entry_id IN ({older})", (before,)
    )
    conn.execute(
        "UPDATE entry SET what_happened = '', so_what = '', now_what = '', peer = NULL"
        " WHERE local_date < ? AND (what_happened != '' OR so_what != '' OR now_what != ''"
        " OR peer IS NOT NULL)",
        (before,),
    )
    scrub_search(conn.execute)
    return count
