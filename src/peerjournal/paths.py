"""Where the journal, the guide and the config live (platformdirs, overridable by env), and
the one way to create, read and wipe a private file.

Every file peerjournal reads (the guide, a draft, `--note-file`, an import)
goes through `open_file`/`read_file`: an ordinary file only, never a pipe
or a device that would hang the command or feed it without end, and never
more than the reader allows. Every file it creates goes through
`create_new_private_file` or `write_private_file`: 0600 whatever the umask,
and a name already taken is never written through.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from peerjournal.errors import PeerJournalError

# The record of copies written outside the program's own folders, so that `forget` can
# name them; kept in the data folder.
OUTSIDE_RECORD = "copies-made.json"

APP_NAME = "peerjournal"
DB_FILENAME = "journal.db"
GUIDE_FILENAME = "principles.toml"

ENV_HOME = "PEERJOURNAL_HOME"
ENV_DB = "PEERJOURNAL_DB"
ENV_PRINCIPLES = "PEERJOURNAL_PRINCIPLES"


def data_dir() -> Path:
    """The folder that holds the database, drafts and backups.

    Resolved at call time so that a test (or a journal on an encrypted drive)
    redirects everything with one environment variable.
    """
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The folder that holds the user's own copy of the guide."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def user_guide_path() -> Path:
    """Where `principles customize` puts the user's own copy of the guide."""
    return config_dir() / GUIDE_FILENAME


def default_guide_path() -> Path:
    """The guide shipped with peerjournal.

    In an installed wheel it sits inside the package; in a source checkout it
    is the `principles.toml` at the repository top, the one source of truth.
    """
    packaged = Path(__file__).with_name(GUIDE_FILENAME)
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / GUIDE_FILENAME


@dataclass(frozen=True)
class GuideChoice:
    """The guide in use and why it was chosen."""

    path: Path
    source: str  # "environment", "user", or "default"


def guide_in_use() -> GuideChoice:
    """The guide to read: PEERJOURNAL_PRINCIPLES, the user's copy, then the default."""
    env = os.environ.get(ENV_PRINCIPLES)
    if env:
        return GuideChoice(Path(env).expanduser(), "environment")
    user = user_guide_path()
    if user.is_file():
        return GuideChoice(user, "user")
    return GuideChoice(default_guide_path(), "default")


class MissingHome(FileNotFoundError):
    """PEERJOURNAL_HOME names a folder that is not there (a drive that is not mounted?)."""

    def __init__(self, home: Path) -> None:
        super().__init__(
            errno.ENOENT,
            f"the folder {home} does not exist; is the drive it is on connected?",
            str(home),
        )


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by its owner (0700), whatever the umask.

    The data folder is always tightened (others lose access; nothing is added);
    any other existing folder (say, the parent of a `--db` the user picked) is
    left as the user set it. A folder inside a PEERJOURNAL_HOME that does not
    exist is refused (MissingHome, an OSError): that home may be an encrypted
    drive that is not mounted, and words written onto the empty mount point
    would sit where they were not meant to be.
    """
    existed = path.is_dir()
    home = os.environ.get(ENV_HOME)
    if not existed and home:
        root = Path(home).expanduser()
        if not root.is_dir() and (path == root or root in path.parents):
            raise MissingHome(root)
    path.mkdir(parents=True, exist_ok=True)
    if not existed:
        path.chmod(0o700)
    elif path.resolve() == data_dir().resolve():
        # Others lose access; the owner gains none: a folder made read-only on purpose
        # stays read-only.
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & ~0o700:
            path.chmod(mode & 0o700)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner (0600) if it does not exist yet."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    path.chmod(0o600)


def create_new_private_file(path: Path) -> None:
    """Create `path` empty and 0600; FileExistsError if anything is there already.

    Exclusive, so two commands at the same moment never share a name, and
    a link planted under the name is never followed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    path.chmod(0o600)


def write_private_file(path: Path, data: bytes) -> None:
    """Write a file atomically with 0600 permissions: the old content survives a crash."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def wipe_file(path: Path) -> None:
    """Write zeros over a file, then remove it, so its words are not left in its blocks.

    Best effort: a solid-state disk or a copy-on-write file system may keep
    the old blocks elsewhere, which the README says plainly.
    """
    size = path.stat().st_size
    chunk = b"\0" * 65536
    with path.open("r+b") as handle:
        for start in range(0, size, len(chunk)):
            handle.write(chunk[: size - start])
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


# --- reading a file, bounded -------------------------------------------------------------


class UnreadableFile(PeerJournalError):
    """A file to read is a pipe or a device, or larger than it can be."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path} cannot be read: {problem}.")
        self.path = path
        self.problem = problem


class FileTooLarge(UnreadableFile):
    """A file to read is larger than its reader takes."""


NOT_A_FILE = "it is a pipe or a device, not an ordinary file"


def too_large(limit: int, size: int | None = None) -> str:
    """Why a file (of `size` bytes, when known) is refused by a reader of at most `limit`."""
    found = "it is larger" if size is None else f"it is {size:,} bytes"
    return f"{found}; peerjournal reads at most {limit:,} bytes from such a file"


def open_file(path: Path, *, limit: int | None = None) -> BinaryIO:
    """`path` opened to read, when it is an ordinary file of at most `limit` bytes.

    Opened without waiting, so a named pipe nobody writes to is refused at
    once instead of hanging; a device (/dev/zero, a terminal) is refused
    too. OSError for a file that is missing, a folder or not allowed, as
    `open` would.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(found.st_mode):
            raise UnreadableFile(path, NOT_A_FILE)
        if limit is not None and found.st_size > limit:
            raise FileTooLarge(path, too_large(limit, found.st_size))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_file(path: Path, *, limit: int) -> bytes:
    """The bytes of the ordinary file at `path`, at most `limit` of them (see open_file).

    The size is checked again as the file is read: a file that grows meanwhile
    (or says it is empty, as some system files do) is held to the same limit.
    """
    with open_file(path, limit=limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, too_large(limit))
    return data
