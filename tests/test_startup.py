"""Start-up stays light: the quick commands never load the database layer or SQLCipher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from peerjournal.cli import main
sys.argv = ["peerjournal", *{args!r}]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(
    m for m in sys.modules if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "sqlcipher3")
)
print("EXIT", code, file=sys.stderr)
print("HEAVY", heavy, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["path"], ["principles"], ["principles", "empathy"]],
)
def test_quick_commands_do_not_import_the_database_layer(
    args: list[str], journal_home: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "EXIT 0" in done.stderr, done.stderr
    assert "HEAVY []" in done.stderr, done.stderr


def test_a_principle_with_a_journal_present_still_skips_the_database_layer(
    journal_home: Path,
) -> None:
    from datetime import UTC, datetime

    from peerjournal.journal import open_journal
    from peerjournal.records import NewEntry, Rating

    with open_journal() as journal:
        journal.add_entry(
            NewEntry(
                occurred_at=datetime.now(UTC),
                mode="phone",
                ratings=(Rating("empathy", "Empathy", 5),),
            )
        )
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=["principles", "empathy"])],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "EXIT 0" in done.stderr, done.stderr
    assert "HEAVY []" in done.stderr, done.stderr
    assert "In your own practice" in done.stdout


def test_python_dash_m_runs_the_cli(journal_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "peerjournal", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("peerjournal ")
