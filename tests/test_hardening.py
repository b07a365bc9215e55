"""Faults a journal must survive: killed writers, parallel writers, hostile files, no network."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerjournal import db
from peerjournal.errors import GuideError
from peerjournal.principles import MAX_GUIDE_BYTES, parse_guide
from tests.conftest import RunCli

# A writer that logs entries, each with three ratings and two tags, one command's
# session at a time, for as long as it lives.
WRITER = """
import sys
from datetime import UTC, datetime
from peerjournal.journal import open_journal
from peerjournal.records import NewEntry, Rating

count = int(sys.argv[1])
for n in range(count):
    with open_journal() as journal:
        journal.add_entry(NewEntry(
            occurred_at=datetime.now(UTC),
            mode="phone",
            what_happened="entry " + str(n) + " " + "words " * 200,
            ratings=(
                Rating("empathy", "Empathy", 4),
                Rating("hope", "Hope and resilience", 3),
                Rating("trust", "Trust", 5),
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
    with pytest.raises(GuideError, match="reads at most 1,000,000 bytes"):
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
        ["log", "--note", "We talked.", "--no-input"],
        ["review"],
        ["review", "--json"],
        ["list"],
        ["search", "talked"],
        ["export"],
        ["backup"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    assert no_network == []


def test_a_full_disk_is_a_plain_error_and_the_text_is_kept_as_a_draft(
    run: RunCli, journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerjournal import db, drafts

    first = run("log", "--note", "a first entry", "--no-input")
    assert first.exit_code == 0, first.output
    whole = db.open_connection

    def no_room_to_grow(path: Path, key: str | None, **options: Any) -> Any:
        conn = whole(path, key, **options)
        if not options.get("readonly"):
            # SQLite's own "disk is full": the file may not grow by a single page.
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(db, "open_connection", no_room_to_grow)
    words = "a long reflection that needs new pages " * 400
    result = run("log", "--note", words, "--no-input")
    assert result.exit_code == 1, result.output
    assert "Error: " in result.stderr and "disk is full" in result.stderr
    assert "Traceback" not in result.output
    kept = drafts.load()
    assert kept is not None and kept.what_happened == words.strip()


def test_with_nowhere_to_write_the_text_is_printed_back(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PEERJOURNAL_HOME", str(blocker))
    result = run("log", "--note", "words I must not lose", "--rate", "hope=4", "--no-input")
    assert result.exit_code == 1, result.output
    assert "no journal was started there" in result.stderr
    assert "copy it somewhere safe" in result.stderr
    assert "words I must not lose" in result.stderr
    assert "hope=4" in result.stderr
    assert "Traceback" not in result.output


def test_files_stay_in_the_data_and_config_folders_and_stay_private(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PEERJOURNAL_", "XDG_"))
    }
    env["HOME"] = str(home)

    def peerjournal(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "peerjournal", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            stdin=subprocess.DEVNULL,
            umask=0,
        )
        assert done.returncode == 0, (args, done.stderr)

    peerjournal("log", "--note", "We talked.", "--rate", "hope=4", "--tag", "warmline")
    peerjournal("list")
    peerjournal("show", "1", "--json")
    peerjournal("review")
    peerjournal("principles", "customize")
    peerjournal("path")
    peerjournal("search", "talked")
    peerjournal("backup")
    peerjournal("export", "--output", str(tmp_path / "export.json"))
    assert stat.S_IMODE((tmp_path / "export.json").stat().st_mode) == 0o600

    data = home / ".local" / "share" / "peerjournal"
    config = home / ".config" / "peerjournal"
    created = sorted(p for p in home.rglob("*") if p.is_file())
    assert created, "nothing was written"
    strays = [p for p in created if data not in p.parents and config not in p.parents]
    assert strays == []
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # lone surrogates: see below
    min_size=1,
    max_size=300,
).filter(lambda text: text.strip() != "")  # blank space alone is no note


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=HOSTILE)
def test_any_reflection_is_stored_exactly_and_shown_inert(run: RunCli, note: str) -> None:

    db.dispose_engines()
    saved = run("log", "--note", "-", "--no-input", "--json", input=note)
    assert saved.exit_code == 0, saved.output
    entry_id = json.loads(saved.stdout)["id"]
    shown = run("show", str(entry_id), "--json")
    assert shown.exit_code == 0, shown.output
    stored = json.loads(shown.stdout)
    reflection = "\n".join(
        part for part in (stored["what_happened"], stored["so_what"], stored["now_what"]) if part
    )
    # Line endings are read as newlines and blank space at the ends is trimmed;
    # every other character is kept exactly.
    expected = note.replace("\r\n", "\n").replace("\r", "\n").strip(" \t\r\n")
    assert reflection == expected
    for args in (["show", str(entry_id)], ["list"]):
        screen = run(*args)
        assert screen.exit_code == 0, screen.output
        raw_controls = [c for c in screen.stdout if unicodedata.category(c) == "Cc" and c != "\n"]
        assert raw_controls == [], args


# What an older version let in through an import: an OSC 52 clipboard write, a screen
# clear, Rich markup, a bell, a carriage return and a C1 control sequence introducer.
OSC52 = "\x1b]52;c;SGk=\x07"
STORED_BY_AN_OLD_VERSION = {
    "mode": f"{OSC52}[bold]phone[/]",
    "peer": "R\x1b[2J.",
    "what_happened": f"rang back {OSC52} about\rthe \x9b31mvisit",
    "tag": "warm\x1b[31mline",
    "note": '=HYPERLINK("http://x")',
}


def raw_controls(text: str) -> list[str]:
    """Control characters a terminal would obey (a CSV row's own CR LF ending aside)."""
    # A pseudo-terminal writes each newline as CR LF, so a CSV row ends in CR CR LF there.
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n")
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]


def old_hostile_entry(run: RunCli, journal_home: Path) -> None:
    result = run(
        "log",
        "--note",
        "rang back",
        "--peer",
        "R.",
        "--rate",
        "empathy=4:fine",
        "--tag",
        "warmline",
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    values = STORED_BY_AN_OLD_VERSION
    conn = sqlite3.connect(journal_home / "journal.db")
    with conn:
        conn.execute(
            "UPDATE entry SET mode = ?, peer = ?, what_happened = ?, shared = 1",
            (values["mode"], values["peer"], values["what_happened"]),
        )
        conn.execute("UPDATE tag SET name = ?", (values["tag"],))
        conn.execute("UPDATE rating SET note = ?", (values["note"],))
    conn.close()


def test_control_characters_stored_by_an_old_version_never_reach_the_terminal(
    run: RunCli, journal_home: Path
) -> None:
    old_hostile_entry(run, journal_home)
    for args in (
        ["list"],
        ["show", "1"],
        ["search", "visit"],
        ["review", "--markdown", "-", "--with-ratings"],
        ["export", "--format", "markdown"],
        ["list", "--json"],
        ["export"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert raw_controls(result.stdout) == [], args
        assert raw_controls(result.stderr) == [], args
        assert "\x9b" not in result.stdout and "\u009b" not in result.stdout, args
    shown = run("show", "1").stdout
    # Rich markup in stored text is shown as written, never applied, in the list's
    # columns as in the entry itself.
    assert "[bold]phone[/]" in shown
    assert "[bold]" in run("list").stdout


@pytest.mark.pty
def test_a_csv_export_on_a_terminal_shows_control_characters_as_escapes(
    run: RunCli, journal_home: Path
) -> None:
    import pexpect

    old_hostile_entry(run, journal_home)
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "export", "--format", "csv"],
        env=env,
        encoding="utf-8",
        codec_errors="surrogateescape",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before or ""
    assert child.exitstatus == 0, screen
    assert "rang back" in screen
    assert raw_controls(screen) == []


def test_csv_cells_a_spreadsheet_would_run_are_guarded_and_read_back_exactly(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    texts = ["=1+1", "+SUM(A1)", "-2", "@cmd", "'=quoted", "''", "'plain", "\tTAB", "ok"]
    for number, text in enumerate(texts):
        result = run(
            "log",
            "--note",
            f"call {number}",
            "--peer",
            text.strip() or "x",
            "--rate",
            f"empathy=4:{text}",
            "--no-input",
        )
        assert result.exit_code == 0, result.output
    exported = tmp_path / "journal.csv"
    assert run("export", "--format", "csv", "-o", str(exported)).exit_code == 0
    import csv

    with exported.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t")]
    assert not [c for c in cells if c[:1] == "-" and not c.lstrip("-").isdigit()]

    before = run("list", "--json", "-n", "0").stdout
    other = tmp_path / "other.db"
    result = run("--db", str(other), "import", str(exported))
    assert result.exit_code == 0, result.output
    after = json.loads(run("--db", str(other), "list", "--json", "-n", "0").stdout)
    notes = sorted(r["note"] for e in after for r in e["ratings"])
    assert notes == sorted(t.strip() for t in texts)
    peers = sorted(e["peer"] for e in after)
    assert peers == sorted(e["peer"] for e in json.loads(before))


def read_only_runner(folder: Path, how: str) -> Any:
    """A way to run peerjournal with `folder` read-only: by `how`, "permissions" (for
    root, whom permissions do not stop, without the capabilities that override them) or
    "mount" (a read-only mount of it in a mount namespace of its own)."""
    import shutil

    def as_user(args: list[str]) -> list[str]:
        return args

    if how == "permissions":
        for path in folder.rglob("*"):
            path.chmod(0o400 if path.is_file() else 0o500)
        folder.chmod(0o500)
        if os.geteuid() != 0:
            return as_user
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("permissions stop root only without its capabilities (setpriv)")
        drop = "--bounding-set=-dac_override,-dac_read_search,-fowner"
        return lambda args: [setpriv, drop, "--", *args]
    if os.geteuid() != 0:
        pytest.skip("a read-only mount needs root")
    unshare = shutil.which("unshare")
    probe = subprocess.run(
        [unshare or "unshare", "-m", "sh", "-c", f"mount --bind '{folder}' '{folder}'"],
        capture_output=True,
        check=False,
    )
    if unshare is None or probe.returncode != 0:
        pytest.skip("a read-only place needs a user that permissions stop, or a mount")

    def mounted(args: list[str]) -> list[str]:
        quoted = " ".join(f"'{a}'" for a in args)
        script = (
            f"mount --bind '{folder}' '{folder}' && "
            f"mount -o remount,ro,bind '{folder}' && exec {quoted}"
        )
        return [unshare, "-m", "sh", "-c", script]

    return mounted


@pytest.mark.parametrize("how", ["permissions", "mount"])
def test_a_journal_in_a_read_only_place_can_be_read_exported_and_backed_up(
    run: RunCli, journal_home: Path, tmp_path: Path, how: str
) -> None:

    assert run("log", "--note", "Words on a read-only drive", "--no-input").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert (
        run("--db", str(elsewhere / "other.db"), "log", "--note", "x", "--no-input").exit_code == 0
    )
    assert (
        run("--db", str(elsewhere / "other.db"), "backup", str(elsewhere / "b.db")).exit_code == 0
    )
    db.dispose_engines()
    before = sorted((p.name, p.read_bytes()) for p in journal_home.rglob("*") if p.is_file())
    command = read_only_runner(journal_home, how)
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home)}

    def peerjournal(*args: str) -> subprocess.CompletedProcess[str]:
        argv = command([sys.executable, "-m", "peerjournal", *args])
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)

    for args, shows in (
        (["list"], "Words on a read-only drive"),
        (["show", "1"], "Words on a read-only drive"),
        (["export"], "Words on a read-only drive"),
        (["search", "drive"], "read-only"),
        (["backup", str(elsewhere / "copy.db")], str(elsewhere / "copy.db")),
    ):
        done = peerjournal(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert shows in done.stdout, args
    assert (elsewhere / "copy.db").stat().st_size > 0

    for args, says in (
        (["restore", str(elsewhere / "b.db")], "journal was left untouched"),
        (["log", "--note", "more", "--no-input"], "read-only"),
        (["backup"], "cannot be written there"),
    ):
        done = peerjournal(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert says in done.stderr.replace("\n", " "), args
    if how == "permissions":
        # Left read-only as the user made it: nothing made writable again behind their back.
        assert stat.S_IMODE(journal_home.stat().st_mode) == 0o500
        for path in [journal_home, *journal_home.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
    after = sorted((p.name, p.read_bytes()) for p in journal_home.rglob("*") if p.is_file())
    assert [name for name, _ in after if name != "draft.json"] == [name for name, _ in before]
