"""Faults a journal must survive: killed writers, parallel writers, hostile files, no network."""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from peerjournal.errors import GuideError
from peerjournal.principles import MAX_GUIDE_BYTES, parse_guide
from tests.conftest import RunCli

# A writer that logs entries, each with three ratings and two tags, one command's
# session at a time, for as long as it lives.
WRITER = """
import sys
from datetime import UTC, datetime
from peerjournal.journal import NewEntry, RatingRecord, open_journal

count = int(sys.argv[1])
for n in range(count):
    with open_journal() as journal:
        journal.add_entry(NewEntry(
            occurred_at=datetime.now(UTC),
            mode="phone",
            what_happened="entry " + str(n) + " " + "words " * 200,
            ratings=(
                RatingRecord("empathy", "Empathy", 4),
                RatingRecord("hope", "Hope and resilience", 3),
                RatingRecord("trust", "Trust", 5),
            ),
            tags=("warmline", "evening"),
        ))
    print(n, flush=True)
"""


def spawn_writer(count: int, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PEERJOURNAL_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(count)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_every_entry_whole(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        partial = conn.execute(
            "SELECT e.id, (SELECT count(*) FROM rating r WHERE r.entry_id = e.id),"
            " (SELECT count(*) FROM tag t WHERE t.entry_id = e.id) FROM entry e"
        ).fetchall()
        broken = [row for row in partial if row[1:] != (3, 2)]
        assert broken == [], f"entries saved in part: {broken[:5]}"
        return len(partial)
    finally:
        conn.close()


def test_writers_killed_at_random_moments_leave_only_whole_entries(journal_home: Path) -> None:
    rng = random.Random(20261125)
    for _ in range(6):
        writer = spawn_writer(10_000, journal_home)
        assert writer.stdout is not None
        writer.stdout.readline()  # the journal exists and one entry is in
        time.sleep(rng.uniform(0.0, 0.4))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        assert writer.stderr is not None
        writer.stderr.close()
    saved = assert_every_entry_whole(journal_home / "journal.db")
    assert saved >= 6


def test_two_writers_at_once_both_finish_with_nothing_lost(journal_home: Path) -> None:
    # The first write creates the journal, so both writers meet an existing file.
    first = spawn_writer(1, journal_home)
    assert first.wait(timeout=60) == 0
    for stream in (first.stdout, first.stderr):
        assert stream is not None
        stream.close()
    writers = [spawn_writer(200, journal_home) for _ in range(2)]
    outcomes = [writer.communicate(timeout=300) for writer in writers]
    for writer, (_out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err
    assert assert_every_entry_whole(journal_home / "journal.db") == 401


def test_a_huge_guide_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"#" * (MAX_GUIDE_BYTES + 1))
    with pytest.raises(GuideError, match="larger than a guide can be"):
        parse_guide(path)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail the test on any attempt to open a network connection."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any, *args: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"peerjournal tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_no_command_opens_a_network_connection(run: RunCli, no_network: list[Any]) -> None:
    for args in (
        ["--version"],
        ["path"],
        ["principles"],
        ["principles", "empathy"],
        ["review"],
        ["review", "--json"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    assert no_network == []
