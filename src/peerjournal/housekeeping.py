"""The copies of the journal the program keeps, and what a stopped command left behind:
finding them, keeping them no longer than stated, tidying at the start of a run, and
clearing forgotten words in them.

The copies the program keeps for itself, and for how long:
- `backups/`, from `peerjournal backup` without a destination: the newest
  copies.KEEP_BACKUPS.
- `journal.before-restore.<time>.db` and `journal.before-upgrade-vN.<time>.db`
  beside the journal: KEEP_DAYS days, then overwritten and removed at the
  start of a later run.
- `journal.plain-<time>.db`, from `encrypt --keep-plain`: until the user
  deletes it (encrypt says so, and says so again when run a second time).
`forget` clears the words in every one of them, or removes the ones it
cannot clear (`forget_in_copies`), and names the copies written elsewhere
(a backup to a chosen place, an export, a supervision summary), which are
the user's to delete: `note_outside_copy` keeps a list of them.

A command stopped half way (Ctrl-C, a crash, `kill -9`) can leave a hidden
file, named by `hidden_name`: a backup being written (`.NAME.partial-PID`), a
backup being restored (`.NAME.restore-PID`), an encrypted copy being made
(`.NAME.encrypting-PID`), the unencrypted journal being wiped
(`.NAME.plain-PID`) or a private file being written (`.NAME.tmp-PID`). The
next run (`tidy`) removes those whose process is gone, overwriting them with
zeros first, and says so.

Every run starts with `tidy`: standard library only, one directory listing
per folder, no stat per file.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from peerjournal import db, encryption, paths
from peerjournal.encryption import errors as driver_errors
from peerjournal.errors import DatabaseError
from peerjournal.paths import wipe_file

# How long a copy made before a restore or an upgrade is kept.
KEEP_DAYS = 30
BEFORE_LABELS = ("before-restore", "before-upgrade")
PLAIN_LABEL = "plain"
OUTSIDE_RECORD = paths.OUTSIDE_RECORD
KEEP_OUTSIDE_RECORDS = 200
_HIDDEN_KINDS = ("partial", "restore", "restore-locked", "encrypting", PLAIN_LABEL, "tmp")


def now() -> datetime:
    """The time copies are named and aged by (one clock, so tests can hold it still)."""
    return datetime.now(UTC)


def hidden_name(path: Path, kind: str) -> Path:
    """The name of a file a command writes beside `path` while it works (see the module)."""
    if kind not in _HIDDEN_KINDS:
        raise ValueError(kind)
    return path.with_name(f".{path.name}.{kind}-{os.getpid()}")


# --- the copies the program keeps ---------------------------------------------------------


@dataclass(frozen=True)
class KeptCopy:
    """A copy of the journal the program keeps: where, which kind, and when it was made."""

    path: Path
    kind: str  # "backup", "before-restore", "before-upgrade" or "plain"
    made: datetime


_COPY_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<kind>before-restore|before-upgrade-v\d+|plain)"
    r"[.-](?P<stamp>\d{8}T\d{6}Z)(?:-\d+)?(?P<suffix>\.[^.]*)?$"
)
_BACKUP_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{4}-\d\d-\d\dT\d{6}\.\d+Z)(?:-\d+)?(?P<suffix>\.[^.]*)?$"
)


def kept_copies(journal: Path) -> list[KeptCopy]:
    """Every copy of the journal at `journal` the program keeps, oldest first."""
    found: list[KeptCopy] = []
    suffix = journal.suffix or ".db"

    def ours(match: re.Match[str] | None) -> bool:
        return bool(match and match["stem"] == journal.stem and (match["suffix"] or "") == suffix)

    for path in _listing(journal.parent, f"{journal.stem}."):
        match = _COPY_NAME.match(path.name)
        if match and ours(match):
            kind = match["kind"]
            kind = "before-upgrade" if kind.startswith("before-upgrade") else kind
            found.append(KeptCopy(path, kind, _when(match["stamp"], "%Y%m%dT%H%M%SZ", path)))
    for path in _listing(paths.data_dir() / "backups", f"{journal.stem}-"):
        match = _BACKUP_NAME.match(path.name)
        if match and ours(match):
            made = _when(match["stamp"], "%Y-%m-%dT%H%M%S.%fZ", path)
            found.append(KeptCopy(path, "backup", made))
    return sorted(found, key=lambda copy: copy.made)


def _listing(folder: Path, prefix: str) -> list[Path]:
    """The files in `folder` whose names start with `prefix` (links left out), read without
    a stat per file: the journal may sit in a home folder of thousands."""
    try:
        with os.scandir(folder) as entries:
            return [
                Path(e.path)
                for e in entries
                if e.name.startswith(prefix) and e.is_file(follow_symlinks=False)
            ]
    except OSError:
        return []


def _when(stamp: str, layout: str, path: Path) -> datetime:
    try:
        return datetime.strptime(stamp, layout).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def plain_copies(journal: Path) -> list[KeptCopy]:
    """The copies the program keeps of the journal that are not encrypted."""
    return [c for c in kept_copies(journal) if not encryption.looks_encrypted(c.path)]


def remove_copy(path: Path) -> None:
    """Overwrite a copy with zeros and remove it, with its write-ahead log if it has one."""
    for part in (Path(f"{path}-wal"), Path(f"{path}-shm"), path):
        with suppress(FileNotFoundError):
            wipe_file(part)


# --- what a stopped command left behind ---------------------------------------------------

_LEFTOVER = re.compile(rf"^\.(?P<name>.+)\.(?P<kind>{'|'.join(_HIDDEN_KINDS)})-(?P<pid>\d+)$")


@dataclass(frozen=True)
class Tidied:
    """What the start of a run cleared away: unfinished files of stopped commands (`plain`:
    an unencrypted copy of the journal among them), and copies kept past KEEP_DAYS."""

    unfinished: tuple[Path, ...] = ()
    plain: tuple[Path, ...] = ()
    expired: tuple[KeptCopy, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.unfinished or self.plain or self.expired)


def tidy(journal: Path) -> Tidied:
    """Remove what stopped commands left beside the journal and in the data folder, and the
    copies kept before a restore or an upgrade once they are KEEP_DAYS days old.

    Best effort and quiet about what it cannot do: a journal on a read-only
    drive, or a folder that is not there, simply has nothing removed.
    """
    unfinished: list[Path] = []
    plain: list[Path] = []
    folders = dict.fromkeys((journal.parent, paths.data_dir(), paths.data_dir() / "backups"))
    for folder in folders:
        for path in _listing(folder, "."):
            match = _LEFTOVER.match(path.name)
            if match is None or _running(int(match["pid"])):
                continue
            try:
                if match["kind"] == PLAIN_LABEL and _same_file(path, journal):
                    path.unlink()  # stopped before the encrypted copy took the journal's place
                    continue
                was_plain = match["kind"] == PLAIN_LABEL and not _is_encrypted_file(path)
                wipe_file(path)
            except OSError:
                continue
            (plain if was_plain else unfinished).append(path)
    expired: list[KeptCopy] = []
    oldest = now() - timedelta(days=KEEP_DAYS)
    for copy in kept_copies(journal):
        if copy.kind in BEFORE_LABELS and copy.made < oldest:
            try:
                remove_copy(copy.path)
            except OSError:
                continue
            expired.append(copy)
    return Tidied(tuple(unfinished), tuple(plain), tuple(expired))


def _running(pid: int) -> bool:
    """Whether a process with this number is alive (it may still be writing its file)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def _is_encrypted_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(encryption.PLAIN_HEADER)) != encryption.PLAIN_HEADER


# --- forgetting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutsideCopy:
    """A copy written outside the program's folders (a backup elsewhere, an export, a summary)."""

    path: Path
    kind: str
    made: datetime


@dataclass(frozen=True)
class CopiesForgotten:
    """What `forget` did to the copies: words cleared in place, copies removed because they
    could not be cleared, and copies the user made elsewhere that are still there."""

    cleared: tuple[KeptCopy, ...] = ()
    removed: tuple[KeptCopy, ...] = ()
    elsewhere: tuple[OutsideCopy, ...] = ()


def forget_in_copies(journal: Path, before: date) -> CopiesForgotten:
    """Clear the words of entries from before `before` in every copy the program keeps of
    the journal (db.clear_words_before, then VACUUM), or remove the copy when it cannot be
    cleared: written by an older schema, locked with a passphrase this run does not have,
    or damaged. Copies with nothing to clear are left as they are.
    """
    cleared: list[KeptCopy] = []
    removed: list[KeptCopy] = []
    for copy in kept_copies(journal):
        cannot: tuple[type[Exception], ...] = (DatabaseError, _CannotClear, *driver_errors())
        try:
            changed = _forget_in(copy.path, before)
        except cannot:
            remove_copy(copy.path)
            removed.append(copy)
            continue
        if changed:
            cleared.append(copy)
    return CopiesForgotten(tuple(cleared), tuple(removed), tuple(outside_copies()))


class _CannotClear(Exception):
    """A copy whose words cannot be cleared in place."""


def _forget_in(path: Path, before: date) -> bool:
    key = db.key_for(path) if encryption.looks_encrypted(path) else None
    conn = db.open_connection(path, key, pragmas=False, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        if db.read_version(conn) != db.LATEST_VERSION:
            raise _CannotClear
        conn.execute("BEGIN IMMEDIATE")
        try:
            count = db.clear_words_before(conn, before.isoformat())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if count:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except db.ForeignFile:
        raise _CannotClear from None
    finally:
        conn.close()
    return bool(count)


def note_outside_copy(path: Path, kind: str) -> None:
    """Remember that a copy of journal words was written at `path` (best effort), so that
    `forget` can name it as the user's to delete."""
    where = paths.data_dir() / OUTSIDE_RECORD
    records = [r for r in _outside_records() if Path(r["path"]) != path.resolve()]
    records.append({"path": str(path.resolve()), "kind": kind, "made": now().isoformat()})
    data = json.dumps(records[-KEEP_OUTSIDE_RECORDS:], ensure_ascii=False, indent=1)
    with suppress(OSError):
        paths.write_private_file(where, data.encode("utf-8"))


def outside_copies() -> list[OutsideCopy]:
    """The copies written outside the program's folders that are still there, oldest first."""
    found = []
    for record in _outside_records():
        path = Path(record["path"])
        if path.is_file():
            made = datetime.fromisoformat(record["made"])
            found.append(OutsideCopy(path, record["kind"], made))
    return found


def _outside_records() -> list[dict[str, str]]:
    try:
        raw = paths.read_file(paths.data_dir() / OUTSIDE_RECORD, limit=1024 * 1024)
        records = json.loads(raw.decode("utf-8"))
    except (OSError, paths.UnreadableFile, ValueError):
        return []
    if not isinstance(records, list):
        return []
    return [
        r
        for r in records
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("path", "kind", "made"))
    ]
