"""What leaves the program as data: the one JSON writer, the one private-file writer, inert text.

One of each, shared by every command, so that they cannot drift: every
`--json` escapes the characters a terminal could obey, and every file
peerjournal writes for the user (an export, a supervision summary) is
created the same careful way. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from peerjournal.errors import InvalidValue

# C0 and C1 control characters (but newline and tab), DEL, and the Unicode
# bidirectional controls that can make text read differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What json.dumps leaves raw that a terminal could obey: C1 controls and bidi overrides
# (it escapes C0 controls itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """User text with every control character shown as a visible escape, never obeyed."""
    return _UNSAFE.sub(_visible, text)


def json_text(data: object) -> str:
    """Data as indented JSON, with every character a terminal could obey written as \\u."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(data: object, stream: TextIO) -> None:
    """The one way `--json` reaches stdout."""
    stream.write(json_text(data) + "\n")


# --- files written for the user ---------------------------------------------------------


def is_stream(path: Path) -> bool:
    """Whether `path` is a pipe or a device (/dev/stdout, a named pipe): written in place."""
    return path.exists() and not path.is_file() and not path.is_dir()


def refuse_own_file(target: Path, journal: Path) -> None:
    """Refuse a target that is one of the program's own files: the journal (or its -wal and
    -shm), a copy kept beside it (before an upgrade or a restore), a file a command writes
    beside it while it works, a backup, a draft, or the record of copies made elsewhere."""
    from peerjournal import paths

    real = Path(os.path.realpath(target))
    live = Path(os.path.realpath(journal))
    data = Path(os.path.realpath(paths.data_dir()))
    own = (
        real in {live, Path(f"{live}-wal"), Path(f"{live}-shm")}
        or (
            real.parent == live.parent
            and real.name.startswith(
                (f"{live.stem}.before-", f"{live.stem}.plain-", f".{live.name}.")
            )
        )
        or (data / "backups") in real.parents
        or (
            real.parent == data
            and real.name.startswith(("draft", "reflection.txt", paths.OUTSIDE_RECORD))
        )
        or _same_file(real, live)  # a second name (a hard link) for the journal
    )
    if own:
        raise InvalidValue(
            f"{target} is one of peerjournal's own files (your journal, a copy of it, a backup "
            "or a draft); write to a file somewhere else."
        )


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


@contextmanager
def private_output(
    path: Path, *, overwrite: bool, journal: Path, encoding: str = "utf-8"
) -> Iterator[TextIO]:
    """A new file readable only by you (0600), put in place only when complete.

    An existing file is replaced only with `overwrite`. The journal, its
    copies, backups and drafts are never written over, `overwrite` or not.
    A symbolic link is followed only to a file of your own. The file is written under a random name
    beside the target, created exclusively (never through a planted link),
    and renamed over it at the end. A pipe or a device is simply written to.
    """
    if path.is_dir():
        raise InvalidValue(f"{path} is a folder; give a file name, for example {path}/journal.json")
    if is_stream(path):
        with path.open("w", encoding=encoding, newline="") as stream:
            yield stream
        return
    refuse_own_file(path, journal)
    target = Path(os.path.realpath(path))
    if path.is_symlink() and target.exists() and target.stat().st_uid != os.getuid():
        raise InvalidValue(f"{path} links to a file that is not yours; choose another name.")
    if target.exists() and not overwrite:
        raise InvalidValue(
            f"{path} already exists; give another file name, or add --overwrite to replace it."
        )
    if not target.parent.is_dir():
        raise InvalidValue(f"The folder {target.parent} does not exist; create it first.")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise InvalidValue(
            f"{path} cannot be written ({exc.strerror or exc}); choose another place."
        ) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
