"""Encryption at rest: telling an encrypted file, the passphrase of this run, SQLCipher connections.

How a journal is known to be encrypted: by its file alone, so that a copy, a
backup or a moved journal needs no marker kept somewhere else. A plain SQLite
file starts with the 16 bytes "SQLite format 3\\0". An SQLCipher file starts
with a random salt instead, and like every SQLite file it is made of whole
pages (512 bytes at the very least); everything after the salt looks random.
A file without the plain header that is not made of whole pages is neither:
it is damaged. So is one whose first bytes are zeros (no salt is), or whose
header still reads as a plain SQLite header past its first 16 bytes (the
payload fractions every SQLite file carries at bytes 21 to 23): a plain
journal whose start was overwritten. A file of nothing but random bytes
cannot be told from an encrypted one without its passphrase, so what is said
about it names both, and `restore` never needs the passphrase of the
journal it replaces.

A passphrase is used in Unicode's composed form (NFC): the same words typed
on another keyboard or system open the same journal. A journal locked by an
older version with the passphrase exactly as typed still opens with it.

One passphrase serves the whole run: the journal, its backups and its drafts
are all locked with it. It comes from PEERJOURNAL_PASSPHRASE or, on a
terminal, from a question the command line asks (this module never prompts:
the command line hands it a function to call). SQLCipher itself, from the
optional `sqlcipher3` package, is imported only when an encrypted file is
opened, so a plain journal costs nothing.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peerjournal.errors import DatabaseError

ENV_PASSPHRASE = "PEERJOURNAL_PASSPHRASE"
PLAIN_HEADER = b"SQLite format 3\x00"
SMALLEST_PAGE = 512
# Bytes 21 to 23 of every plain SQLite file: the payload fractions, fixed at 64, 32 and 32.
_PLAIN_FRACTIONS = (slice(21, 24), b"\x40\x20\x20")
DAMAGED_HINT = "restore a backup with 'peerjournal restore FILE'"
INSTALL_HINT = "pip install 'peerjournal[encrypted]'"

Asker = Callable[[Path], "str | None"]


class PassphraseNeeded(DatabaseError):
    """A file that is not plain SQLite was met and no passphrase was given."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} cannot be opened without a passphrase: if you locked it with "
            f"'peerjournal encrypt', set {ENV_PASSPHRASE} or run peerjournal in a terminal to "
            f"type it; if you never did, the file is damaged: {DAMAGED_HINT}."
        )


class WrongPassphrase(DatabaseError):
    """The passphrase of this run does not open an encrypted file."""

    def __init__(self, path: Path, what: str = "the journal") -> None:
        super().__init__(
            f"The passphrase does not open {what} {path}; it was left untouched. "
            "Check the passphrase and try again."
        )


class EncryptionUnavailable(DatabaseError):
    """SQLCipher (the optional `sqlcipher3` package) is not installed."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            text = "This peerjournal was installed without encryption support. Add it with: "
            text += f"{INSTALL_HINT}"
        else:
            text = (
                f"{path} is not a plain journal: if you locked it with 'peerjournal encrypt', "
                f"this peerjournal needs encryption support ({INSTALL_HINT}); if you never "
                f"did, the file is damaged: {DAMAGED_HINT}."
            )
        super().__init__(text)


class _Run:
    """The passphrase of this run, once known, who to ask for it, and the files seen."""

    def __init__(self) -> None:
        self.passphrase: str | None = None
        self.asker: Asker | None = None
        self.journal: str | None = None
        # Whether each file read so far is encrypted (see looks_encrypted).
        self.kinds: dict[Path, bool] = {}


_run = _Run()


def begin_run(journal: str | None, asker: Asker | None) -> None:
    """Start a command: the journal it uses (None: the default) and how to ask for a passphrase."""
    _run.passphrase = None
    _run.journal = journal
    _run.asker = asker
    _run.kinds.clear()


def forget_passphrase() -> None:
    """Drop the passphrase held for this run (tests, and after a wrong one)."""
    _run.passphrase = None


def use_passphrase(passphrase: str) -> None:
    """Hold `passphrase` for the rest of the run (after `encrypt` has set it)."""
    _run.passphrase = normalised(passphrase)


def looks_encrypted(path: Path) -> bool:
    """Whether the file at `path` is an encrypted database (see the module's note).

    The header is read once a run, then remembered. Reading it again would
    open and close the file while SQLite has it open in this process, and
    closing any descriptor of a file drops every POSIX lock the process holds
    on it: SQLite's own locks included, which another process could then take
    for a journal nobody is using (and reset its write-ahead log under us).
    The answer changes only when the file is replaced, by `encrypt` or
    `restore`, which call `forget_files`.
    """
    key = path.absolute()
    known = _run.kinds.get(key)
    if known is not None:
        return known
    try:
        size = path.stat().st_size
        if size == 0 or size % SMALLEST_PAGE:
            found = False  # new (SQLite writes it plain), or damaged
        else:
            with path.open("rb") as handle:
                found = _salted(handle.read(100))
    except OSError:
        return False
    _run.kinds[key] = found
    return found


def _salted(head: bytes) -> bool:
    """Whether a file's first bytes can be an SQLCipher salt and the page after it."""
    fractions, fixed = _PLAIN_FRACTIONS
    if head.startswith(PLAIN_HEADER) or head[fractions] == fixed:
        return False  # plain, or plain with its first bytes overwritten
    return head[:16] != bytes(16)  # zeros are no salt: the start was wiped


def normalised(secret: str) -> str:
    """A passphrase as it locks and opens files: Unicode's composed form (NFC)."""
    return unicodedata.normalize("NFC", secret)


def forget_files() -> None:
    """Read every file's header afresh: one was replaced (restore, encrypt)."""
    _run.kinds.clear()


def journal_path() -> Path | None:
    """The file of the journal of this run (the --db choice, or the default), if it is a file."""
    from peerjournal.db import locate
    from peerjournal.errors import DatabaseError

    try:
        return locate(_run.journal).path
    except DatabaseError:
        return None


def journal_is_encrypted() -> bool:
    """Whether the journal of this run is an encrypted file."""
    journal = journal_path()
    return journal is not None and looks_encrypted(journal)


def journal_passphrase() -> str | None:
    """The passphrase of this run when its journal is encrypted, else None (plain journal)."""
    journal = journal_path()
    if journal is None or not looks_encrypted(journal):
        return None
    return passphrase(journal)


def passphrase(path: Path) -> str:
    """The passphrase of this run, asked for once if need be, to open `path`.

    A passphrase that does not open the journal of this run is refused at
    once, before anything (a draft, say) is locked with it.
    """
    if not available():
        raise EncryptionUnavailable(path)
    if _run.passphrase is None:
        given = os.environ.get(ENV_PASSPHRASE) or None
        if given is None and _run.asker is not None:
            given = _run.asker(path) or None
        if given is None:
            raise PassphraseNeeded(path)
        # Checked against the file it is for: the journal, or the backup being restored
        # over a journal that may be damaged.
        journal = journal_path()
        checked = path if looks_encrypted(path) else journal
        if checked is not None and looks_encrypted(checked):
            given = _fitting(checked, given)
        else:
            given = normalised(given)
        _run.passphrase = given
    return _run.passphrase


def offered_passphrase(path: Path) -> str | None:
    """The passphrase of this run, or PEERJOURNAL_PASSPHRASE, if it opens `path`; never asks.

    For `restore`, which must not need the passphrase of a journal it replaces
    (that journal may be damaged), but keeps an encrypted one locked when it can.
    """
    given = _run.passphrase or os.environ.get(ENV_PASSPHRASE) or None
    if given is None or not available() or not looks_encrypted(path):
        return None
    refused: tuple[type[Exception], ...] = (WrongPassphrase, *errors())
    try:
        return _fitting(path, given)
    except refused:
        return None


def _fitting(path: Path, given: str) -> str:
    """The form of `given` that opens `path`: composed (NFC), or as typed for a journal an
    older version locked with it so; WrongPassphrase if neither does."""
    for secret in dict.fromkeys((normalised(given), given)):
        conn = connect(f"{path.resolve().as_uri()}?mode=ro", secret, uri=True)
        try:
            if opens(conn):
                return secret
        finally:
            conn.close()
    raise WrongPassphrase(path)


def available() -> bool:
    """Whether SQLCipher can be used (without importing it)."""
    from importlib.util import find_spec

    return find_spec("sqlcipher3") is not None


def driver() -> Any:
    """The SQLCipher DB-API module, or EncryptionUnavailable."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise EncryptionUnavailable() from None
    return dbapi2


def errors(kind: str = "Error") -> tuple[type[Exception], ...]:
    """The exception class `kind` of stdlib sqlite3 and, once loaded, of SQLCipher.

    SQLCipher's driver has its own classes, unrelated to sqlite3's; code that
    may hold either connection catches both.
    """
    import sqlite3

    found: list[type[Exception]] = [getattr(sqlite3, kind)]
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        found.append(getattr(cipher, kind))
    return tuple(found)


def key_literal(secret: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA key takes no parameters)."""
    if "\x00" in secret:
        raise DatabaseError("A passphrase cannot contain a NUL character.")
    return "'" + secret.replace("'", "''") + "'"


def connect(target: str | Path, secret: str, **options: Any) -> Any:
    """An SQLCipher connection to `target` unlocked with `secret`; nothing is read yet.

    SQLCipher writes "ERROR CORE" lines on stderr when a key does not fit;
    that is said plainly by the caller instead, so its logging is turned off
    before the key is given.
    """
    conn = driver().connect(str(target), **options)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key_literal(secret)}")
    except BaseException:
        conn.close()
        raise
    return conn


def opens(conn: Any) -> bool:
    """Whether a keyed connection can read its database (a wrong key cannot)."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except errors("OperationalError"):
        raise  # busy or unreadable: not a question of the key
    except errors("DatabaseError"):
        return False
    return True


def write_sealed(path: Path, text: str, secret: str) -> None:
    """Keep `text` in a small SQLCipher file locked with `secret`, atomically and 0600.

    Used for drafts of an encrypted journal: the same lock as the journal,
    and no cryptography of peerjournal's own.
    """
    from peerjournal.paths import create_private_file, ensure_private_dir

    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    create_private_file(tmp)
    try:
        conn = connect(tmp, secret)
        try:
            conn.execute("CREATE TABLE sealed (text TEXT NOT NULL)")
            conn.execute("INSERT INTO sealed (text) VALUES (?)", (text,))
            conn.commit()
        except errors() as exc:
            raise OSError(str(exc)) from None
        finally:
            conn.close()
        tmp.chmod(0o600)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def read_sealed(path: Path) -> str:
    """The text kept by `write_sealed`; WrongPassphrase if this run's passphrase does not fit."""
    conn = connect(f"{path.resolve().as_uri()}?mode=ro", passphrase(path), uri=True)
    try:
        if not opens(conn):
            raise WrongPassphrase(path, "the draft")
        row = conn.execute("SELECT text FROM sealed").fetchone()
    except errors("DatabaseError") as exc:
        raise ValueError(str(exc)) from None
    finally:
        conn.close()
    if row is None or not isinstance(row[0], str):
        raise ValueError("empty")
    return row[0]
