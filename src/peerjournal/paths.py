"""Where the journal, the guide and the config live (platformdirs, overridable by env)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by its owner (0700), whatever the umask.

    The data folder is always tightened; any other existing folder (say, the
    parent of a `--db` the user picked) is left as the user set it.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    if not existed or path.resolve() == data_dir().resolve():
        path.chmod(0o700)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner (0600) if it does not exist yet."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    path.chmod(0o600)


def write_private_file(path: Path, data: bytes) -> None:
    """Write a file atomically with 0600 permissions: the old content survives a crash."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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
