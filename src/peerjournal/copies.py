"""Copies of the journal file: backups, restore, the encrypted copy that replaces a plain
journal, compaction, and the copies kept before an upgrade or a restore.

Everything here goes through SQLite's own backup API or plain file
operations on the standard library's connection (SQLCipher's for an
encrypted journal), never the ORM: a backup must be consistent while
another peerjournal writes, and cheap to start. Each new copy takes a name
of its own, created exclusively (`-2` when two land in the same second),
so one copy never replaces another; `housekeeping` says how long each kind
is kept and cleans up after a command that was stopped.
"""

from __future__ import annotations

import os
import shutil
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerjournal import db, encryption, housekeeping, paths
from peerjournal.encryption import errors as driver_errors
from peerjournal.errors import DatabaseError
from peerjournal.housekeeping import PLAIN_LABEL, KeptCopy, hidden_name, plain_copies
from peerjournal.paths import create_new_private_file, create_private_file, wipe_file

KEEP_BACKUPS = 10


def _stamp() -> str:
    return housekeeping.now().strftime("%Y%m%dT%H%M%SZ")


def _claim(folder: Path, stem: str, suffix: str) -> Path:
    """A new, empty, private file named `stem` + `suffix` in `folder`, created exclusively:
    `stem-2` + `suffix` (and so on) when the name is taken, never the same file twice."""
    number = 1
    while True:
        name = stem if number == 1 else f"{stem}-{number}"
        target = folder / f"{name}{suffix}"
        try:
            create_new_private_file(target)
        except FileExistsError:
            number += 1
            continue
        return target


def _fresh_hidden(path: Path, kind: str) -> Path:
    """`housekeeping.hidden_name`, created empty and private; a file of that name (of a
    process long gone with the same number) is replaced."""
    hidden = hidden_name(path, kind)
    hidden.unlink(missing_ok=True)
    create_new_private_file(hidden)
    return hidden


# --- backup and restore --------------------------------------------------------


def backup(source: Path, dest: Path | None = None) -> Path:
    """A consistent copy of the journal at `source`, taken while others may be writing.

    Without `dest` the copy goes to the data folder's `backups/` with a
    timestamp in its name, and only the newest KEEP_BACKUPS are kept. A `dest`
    that is a folder gets the timestamped name inside it. An existing file is
    never overwritten.
    """
    if not db.exists(source):
        raise DatabaseError(f"There is no journal at {source} yet, so there is nothing to back up.")
    db.inspect_file(source)
    stamp = housekeeping.now().strftime("%Y-%m-%dT%H%M%S.%fZ")
    stem, suffix = f"{source.stem}-{stamp}", source.suffix or ".db"
    prune_folder: Path | None = None
    try:
        if dest is None:
            folder = paths.ensure_private_dir(paths.data_dir() / "backups")
            target = _claim(folder, stem, suffix)
            prune_folder = folder
        elif dest.is_dir():
            target = _claim(dest, stem, suffix)
        else:
            if not dest.parent.is_dir():
                raise DatabaseError(f"The folder {dest.parent} does not exist; create it first.")
            if not dest.suffix:
                # Most likely a drive or folder that is not there (a USB stick not
                # plugged in): a copy of the journal must not land on the disk under
                # the name of its mount point.
                raise DatabaseError(
                    f"There is no folder {dest} (is the drive connected?). To make a backup "
                    f"file of that name instead, give it an ending, for example {dest}.db"
                )
            target = dest
            create_new_private_file(target)
    except FileExistsError:
        raise DatabaseError(f"{dest} already exists; choose another name for the backup.") from None
    except OSError as exc:
        where = "a folder or a new file name" if dest is None else "another folder or file name"
        raise DatabaseError(
            f"The backup cannot be written there ({exc.strerror or exc}); give "
            f"{where}, for example: peerjournal backup /media/usb-stick/"
        ) from None
    try:
        _copy(source, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if prune_folder is not None:
        _prune_backups(prune_folder, f"{source.stem}-", suffix)
    return target


def _prune_backups(folder: Path, prefix: str, suffix: str) -> None:
    # Timestamps sort as text, so the oldest come first.
    found = sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and p.suffix == suffix)
    for old in found[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    """What `restore` did: the schema version it brought back, where the old journal went,
    and whether a journal that was encrypted is now plain (its passphrase was not given)."""

    version: int
    kept: Path | None
    unlocked: bool = False


def restore(location: db.Location, source: Path) -> Restored:
    """Replace the journal at `location` with the backup `source`, keeping the replaced one.

    The backup is copied and checked first (an SQLite file that passes
    `PRAGMA integrity_check`, a peerjournal schema no newer than this
    program); only then is the journal touched. The journal being replaced
    may be damaged, so its passphrase is never asked for: an encrypted one
    stays encrypted when the passphrase of this run (or PEERJOURNAL_PASSPHRASE)
    opens it, and is otherwise replaced by the backup as it is (`unlocked`).
    """
    live = location.path
    if not source.is_file():
        raise DatabaseError(f"There is no file {source} to restore from.")
    if db.exists(live) and source.resolve() == live.resolve():
        raise DatabaseError(f"{source} is the journal itself; choose a backup file to restore.")
    _refuse_export(source)
    # An encrypted backup: ask for (or refuse) the passphrase naming the backup,
    # not the temporary copy it is checked in.
    db.key_for(source)
    if not live.parent.is_dir():
        db.ready_folder(location)
    try:
        staged = _fresh_hidden(live, "restore")
    except OSError as exc:
        raise DatabaseError(
            f"Nothing can be written in {live.parent} ({exc.strerror or exc}), so the backup "
            "was not restored and your journal was left untouched. Restore it somewhere you can "
            "write, with --db."
        ) from None
    locked = hidden_name(live, "restore-locked")
    unlocked = False
    try:
        with source.open("rb") as reading, staged.open("wb") as writing:
            shutil.copyfileobj(reading, writing)
        version = _check_backup(staged, source)
        ready = staged
        if encryption.looks_encrypted(live) and not encryption.looks_encrypted(staged):
            # An encrypted journal stays encrypted, whatever backup it is restored from,
            # when its passphrase is at hand.
            key = encryption.offered_passphrase(live)
            if key is not None:
                _export_encrypted(staged, locked, key)
                ready = locked
            else:
                unlocked = True
        # Connections this process holds would keep reading the old pages.
        db.dispose_engines()
        kept = _keep_replaced(live) if db.exists(live) else None
        _replace(ready, live)
    finally:
        staged.unlink(missing_ok=True)
        locked.unlink(missing_ok=True)
        encryption.forget_files()
    return Restored(version, kept, unlocked)


def _refuse_export(source: Path) -> None:
    """An export given to `restore` is named as one: it goes back in with `import`."""
    with suppress(OSError), source.open("rb") as handle:
        start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    first_line = start.split(b"\n", 1)[0]
    if start.startswith(b"{"):
        kind = "JSON"
    elif b"," in first_line and (b"occurred_at" in first_line or b"mode" in first_line):
        kind = "CSV"
    else:
        return
    raise DatabaseError(
        f"{source} is a {kind} export, not a backup: bring its entries back with "
        f"'peerjournal import {source}'. Your journal was left untouched."
    )


def _check_backup(staged: Path, source: Path) -> int:
    def refuse(reason: str) -> DatabaseError:
        return DatabaseError(
            f"{source} cannot be restored: {reason}. Your journal was left untouched."
        )

    try:
        conn = db.open_connection(staged, db.key_for(staged), pragmas=False)
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
        if db.SCHEMA_VERSION_TABLE not in tables or "entry" not in tables:
            raise refuse("it is not a peerjournal journal")
        row = conn.execute(f"SELECT version FROM {db.SCHEMA_VERSION_TABLE}").fetchone()
    except driver_errors("DatabaseError") as exc:
        raise refuse(f"it is not an SQLite database ({exc})") from None
    finally:
        conn.close()
    if row is None or not isinstance(row[0], int):
        raise refuse("it has no schema version")
    version = int(row[0])
    if version > db.LATEST_VERSION:
        raise refuse(
            f"it was written by a newer peerjournal (schema {version}; this one knows up to "
            f"{db.LATEST_VERSION}). Upgrade with 'pip install --upgrade peerjournal'"
        )
    return version


def _keep_replaced(live: Path) -> Path:
    """Keep the journal about to be replaced, even when it is damaged or its passphrase is
    not at hand (then byte for byte)."""
    if not encryption.looks_encrypted(live) or encryption.offered_passphrase(live):
        try:
            return keep_copy(live, "before-restore")
        except _not_copyable():
            pass
    kept = _claim(live.parent, f"{live.stem}.before-restore.{_stamp()}", live.suffix or ".db")
    shutil.copyfile(live, kept)
    wal = Path(f"{live}-wal")
    if wal.exists():
        copy = Path(f"{kept}-wal")
        create_private_file(copy)
        shutil.copyfile(wal, copy)
    return kept


def _not_copyable() -> tuple[type[Exception], ...]:
    """What a copy through the backup API raises when the file (or its passphrase) does not fit."""
    return (*driver_errors("DatabaseError"), DatabaseError)


def _replace(staged: Path, live: Path) -> None:
    """Put the staged copy in place of the live journal, all at once.

    Through the backup API when the live file is a working database: SQLite
    writes it as one transaction under the write lock, so another process
    with the journal open sees either the old journal or the restored one,
    and the write-ahead log stays consistent with the file. A missing or
    damaged journal is simply swapped for the copy by a rename.
    """
    # The backup API copies between two plain files or two encrypted ones, not across.
    same_kind = encryption.looks_encrypted(live) == encryption.looks_encrypted(staged)
    if db.exists(live) and same_kind:
        try:
            _copy(staged, live, fresh=False)
            return
        except _not_copyable():
            pass
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    staged.chmod(0o600)
    staged.replace(live)


def _copy(source: Path, target: Path, *, fresh: bool = True) -> None:
    """Copy through SQLite's backup API: a consistent snapshot even while others write.

    A fresh target is written under a temporary name and renamed over it
    (the caller has claimed the name) when complete, in rollback-journal
    mode so that the copy is one self-contained file.
    """
    writing = _fresh_hidden(target, "partial") if fresh else target
    timeout = db.BUSY_TIMEOUT_MS / 1000
    key = db.key_for(source)
    # A new copy is locked like its source; a journal written over keeps its own lock.
    target_key = key if fresh else db.key_for(target)
    try:
        src = db.open_connection(source, key, readonly=True, timeout=timeout, pragmas=False)
        try:
            dst = db.open_connection(writing, target_key, timeout=timeout, pragmas=False)
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


def keep_copy(path: Path, label: str) -> Path:
    """A consistent copy of the live database beside it, 0600, under a name of its own,
    kept housekeeping.KEEP_DAYS days."""
    target = _claim(path.parent, f"{path.stem}.{label}.{_stamp()}", path.suffix or ".db")
    try:
        _copy(path, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


# --- encrypting a plain journal ------------------------------------------------------


@dataclass(frozen=True)
class Encrypted:
    """What `encrypt` did: the journal now encrypted, the plain copy if it was kept, and the
    copies the program keeps that are still plain (made before: backups, before-restore)."""

    path: Path
    kept_plain: Path | None
    still_plain: tuple[KeptCopy, ...] = ()


def encrypt(path: Path, passphrase: str, *, keep_plain: bool = False) -> Encrypted:
    """Lock the plain, current journal at `path` with `passphrase` (SQLCipher).

    An encrypted copy is written beside the journal and verified (opened with
    the passphrase, `PRAGMA integrity_check`, the same number of rows in every
    table) while the plain journal is held against writers. Only then does
    the copy take the journal's place. The plain file, kept under a hidden
    name until then, is then overwritten with zeros and removed
    (`paths.wipe_file`), or kept (0600) with `keep_plain`. Stopped at any
    moment, the journal is whole (plain or encrypted) and the next run wipes
    a plain file left behind (`tidy`).
    """
    if encryption.looks_encrypted(path):
        raise DatabaseError(f"The journal {path} is already encrypted.")
    passphrase = encryption.normalised(passphrase)
    encryption.driver()
    db.dispose_engines()
    copy = hidden_name(path, "encrypting")
    plain = hidden_name(path, PLAIN_LABEL)
    timeout = db.BUSY_TIMEOUT_MS / 1000
    guard = encryption.driver().connect(str(path), timeout=timeout, isolation_level=None)
    try:
        _hold_alone(guard, path)
        _export_encrypted(path, copy, passphrase)
        _verify_copy(guard, copy, passphrase, path)
        # A second name for the plain file first, so that it outlives the swap.
        plain.unlink(missing_ok=True)
        try:
            os.link(path, plain)
        except OSError:  # a file system without hard links
            create_new_private_file(plain)
            shutil.copyfile(path, plain)
        copy.replace(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        guard.close()
        copy.unlink(missing_ok=True)
        encryption.forget_files()
    plain.chmod(0o600)
    still_plain = tuple(plain_copies(path))
    if keep_plain:
        kept = _claim(path.parent, f"{path.stem}.{PLAIN_LABEL}-{_stamp()}", path.suffix or ".db")
        plain.replace(kept)
        return Encrypted(path, kept, still_plain)
    wipe_file(plain)
    return Encrypted(path, None, still_plain)


def _hold_alone(guard: Any, path: Path) -> None:
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


def _export_encrypted(plain: Path, target: Path, passphrase: str) -> None:
    """Write an encrypted copy of the plain database `plain` at `target` (SQLCipher's export)."""
    target.unlink(missing_ok=True)
    create_new_private_file(target)
    conn = encryption.driver().connect(str(plain), timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), passphrase))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.commit()
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    target.chmod(0o600)


def _verify_copy(plain: Any, copy: Path, passphrase: str, path: Path) -> None:
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
    conn = db.open_connection(copy, passphrase, what="the encrypted copy", pragmas=False)
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


# --- forgetting -------------------------------------------------------------------------------


def compact(path: Path, *, unfinished_only: bool = False) -> bool:
    """Rewrite the journal file so that removed words do not linger in its free pages or in
    its write-ahead log; False when another program holding the journal kept that from
    finishing within the busy timeout (the words are gone from every table and from search,
    but their old pages stay in the file until it lets go).
    """
    if not path.exists():
        return True
    db.dispose_engines()
    timeout = db.BUSY_TIMEOUT_MS / 1000
    conn = db.open_connection(path, db.key_for(path), timeout=timeout, isolation_level=None)
    try:
        # `unfinished_only`: a compaction that did not finish left free pages or a log behind.
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        if unfinished_only and not free and not _has_log(path):
            return True
        conn.execute("VACUUM")
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except driver_errors("OperationalError"):
        return False
    finally:
        conn.close()
    return not busy


def _has_log(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False
