"""Shared fixtures: every test gets its own journal home and a CLI runner."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from peerjournal import db, encryption
from peerjournal.cli import app

UseZone = Callable[[str], None]

ISOLATED_VARIABLES = (
    "PEERJOURNAL_DB",
    "PEERJOURNAL_PRINCIPLES",
    "PEERJOURNAL_PASSPHRASE",
    "VISUAL",
    "EDITOR",
    "NO_COLOR",
    "FORCE_COLOR",
)


def create_journal(path: Path | str) -> None:
    """A new, empty journal at `path`, made as `log` makes one."""
    from peerjournal import db
    from peerjournal.journal import open_journal

    with open_journal(db.locate(str(path))):
        pass


@pytest.fixture(autouse=True)
def journal_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point PEERJOURNAL_HOME at a fresh folder, so no test touches a real journal."""
    home = tmp_path / "home"
    # A chosen home must exist: peerjournal never creates it (it may be an unmounted drive).
    home.mkdir()
    monkeypatch.setenv("PEERJOURNAL_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("COLUMNS", "100")
    for name in ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # Each test starts a run of its own: no journal chosen, no passphrase held.
    encryption.begin_run(None, None)
    yield home
    db.dispose_engines()


@pytest.fixture
def use_zone() -> Iterator[UseZone]:
    """Switch the process's local time zone; the original zone comes back afterwards.

    Done by hand rather than with monkeypatch, because time.tzset() must run again
    after TZ is restored, and monkeypatch restores only after this fixture ends.
    """
    saved = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def run() -> Iterator[RunCli]:
    yield RunCli()


class RunCli:
    """Invoke the real Typer app in-process, as a user would from a shell."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input, prog_name="peerjournal")
