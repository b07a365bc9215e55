"""The copies of a journal: each under a name of its own, kept no longer than stated, words
gone from all of them when deleted or forgotten, nothing left behind by a stopped command."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peerjournal import db, housekeeping
from tests.conftest import RunCli

WORDS = ("quokka", "wombattag", "narwhal")  # one each in a reflection, a tag, a rating note
FORGOTTEN = ("quokka", "narwhal")  # forget keeps tags: the review counts by them
GONE_PID = 2**22 + 12345  # above Linux's largest process number: never running


def holding(folder: Path, words: tuple[str, ...] = WORDS) -> dict[str, list[str]]:
    """Every file under `folder` (the journal, its logs, its copies) and the words it holds,
    read as bytes the way `grep -a` would, in any case (the search index keeps lower case)."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes().lower()
            hits = [w for w in words if w.encode() in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def log_words(run: RunCli, *more: str) -> None:
    result = run(
        "log", "--note", "Quokka came up again", "--peer", "R.", "--tag", "wombattag",
        "--rate", "empathy=4:narwhal moment", "--when", "2026-01-05 10:00", "--no-input", *more,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def log_other(run: RunCli, note: str = "a later call about sleep") -> None:
    result = run("log", "--note", note, "--rate", "hope=3", "--no-input")
    assert result.exit_code == 0, result.output


def entry_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM entry").fetchone()[0])
    finally:
        conn.close()


def held_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(housekeeping, "now", lambda: moment)


# --- delete ------------------------------------------------------------------------------


def test_delete_leaves_no_word_of_the_entry_in_any_file(run: RunCli, journal_home: Path) -> None:
    log_words(run)
    log_other(run)
    assert holding(journal_home), "the words should be there before the delete"

    result = run("delete", "1", "--yes")
    assert result.exit_code == 0, result.output
    # Not in the rows, not in the search index's terms, not in the write-ahead log.
    assert holding(journal_home) == {}
    assert run("search", "quokka").stdout.count("#") == 0
    # And so in no backup made afterwards.
    assert run("backup").exit_code == 0
    assert holding(journal_home) == {}
    assert "sleep" in run("list").stdout


# --- names of their own ------------------------------------------------------------------------


def test_two_restores_in_the_same_second_keep_both_journals_they_replaced(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_other(run, "the first entry")
    assert run("backup", str(tmp_path / "one.db")).exit_code == 0
    log_other(run, "the second entry")
    assert run("backup", str(tmp_path / "two.db")).exit_code == 0
    log_other(run, "the third entry")
    held_clock(monkeypatch, datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC))

    first = run("restore", str(tmp_path / "one.db"))
    second = run("restore", str(tmp_path / "two.db"))
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    kept = list(journal_home.glob("journal.before-restore.*.db"))
    assert len(kept) == 2
    # Each message names the copy it made, and each copy holds the journal it replaced.
    (named_first,) = [p for p in kept if str(p) in first.stderr.replace("\n", "")]
    (named_second,) = [p for p in kept if str(p) in second.stderr.replace("\n", "")]
    assert named_first != named_second
    assert entry_count(named_first) == 3
    assert entry_count(named_second) == 1


def test_backups_made_in_the_same_moment_never_replace_each_other(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_other(run)
    held_clock(monkeypatch, datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC))
    for _ in range(3):
        assert run("backup").exit_code == 0
        assert run("backup", str(tmp_path)).exit_code == 0
    assert len(list((journal_home / "backups").iterdir())) == 3
    assert len(list(tmp_path.glob("journal-*.db"))) == 3
    taken = run("backup", str(tmp_path / "mine.db"))
    assert taken.exit_code == 0
    again = run("backup", str(tmp_path / "mine.db"))
    assert again.exit_code == 1
    assert "already exists" in again.stderr


# --- how long copies are kept --------------------------------------------------------------


def test_copies_made_before_a_restore_are_removed_after_the_stated_days(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_words(run)
    assert run("backup", str(tmp_path / "b.db")).exit_code == 0
    restored = run("restore", str(tmp_path / "b.db"))
    assert f"for {housekeeping.KEEP_DAYS} days" in restored.stderr.replace("\n", " ")
    (kept,) = journal_home.glob("journal.before-restore.*.db")

    held_clock(monkeypatch, datetime.now(UTC) + timedelta(days=housekeeping.KEEP_DAYS - 1))
    assert run("list").exit_code == 0
    assert kept.exists()

    held_clock(monkeypatch, datetime.now(UTC) + timedelta(days=housekeeping.KEEP_DAYS + 1))
    result = run("list")
    assert result.exit_code == 0, result.output
    assert not kept.exists()
    assert "after 30 days" in result.stderr
    assert str(kept) in result.stderr.replace("\n", "")
    # The journal itself and the backups are never aged out.
    assert (journal_home / "journal.db").exists()
    assert entry_count(journal_home / "journal.db") == 1


# --- what stopped commands leave -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["partial", "restore", "restore-locked", "encrypting", "tmp"])
def test_unfinished_files_of_a_stopped_command_are_removed_at_the_next_start(
    run: RunCli, journal_home: Path, kind: str
) -> None:
    log_words(run)
    leftover = journal_home / f".journal.db.{kind}-{GONE_PID}"
    leftover.write_bytes((journal_home / "journal.db").read_bytes())
    busy = journal_home / f".journal.db.{kind}-{os.getpid()}"  # a command still at work
    busy.write_bytes(b"still being written")

    result = run("list")
    assert result.exit_code == 0, result.output
    assert not leftover.exists()
    assert busy.exists()
    assert "unfinished file" in result.stderr
    assert "quokka" not in "".join(holding(journal_home / "x"))


def test_an_encrypt_stopped_while_wiping_leaves_no_plain_copy_after_the_next_start(
    run: RunCli, journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3")
    log_words(run)
    db.dispose_engines()  # this process lets go of the journal, as a finished command does
    # Stop the encrypt with SIGKILL just as it starts to overwrite the plain journal.
    script = (
        "import os, signal\n"
        "from peerjournal import copies\n"
        "copies.wipe_file = lambda path: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from peerjournal.cli import main\n"
        "main()\n"
    )
    env = {
        **os.environ,
        "PEERJOURNAL_HOME": str(journal_home),
        "PEERJOURNAL_PASSPHRASE": "a long passphrase",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, "encrypt"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL
    (left,) = journal_home.glob(".journal.db.plain-*")
    assert holding(journal_home)  # the whole journal, in plain text

    monkeypatch.setenv("PEERJOURNAL_PASSPHRASE", "a long passphrase")
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "unencrypted copy of your journal" in result.stderr
    assert not left.exists()
    assert holding(journal_home) == {}
    assert "Quokka" in result.stdout
    again = run("encrypt")
    assert again.exit_code == 1
    assert "nothing to do" in again.stderr


def test_an_encrypt_stopped_before_the_swap_leaves_the_plain_journal_whole(
    run: RunCli, journal_home: Path
) -> None:
    log_words(run)
    db.dispose_engines()
    journal = journal_home / "journal.db"
    # Killed after the second name was made, before the encrypted copy took the journal's
    # place: the hidden name is the journal itself, and must not be wiped.
    os.link(journal, journal_home / f".journal.db.plain-{GONE_PID}")
    before = journal.read_bytes()
    result = run("list")
    assert result.exit_code == 0, result.output
    assert not (journal_home / f".journal.db.plain-{GONE_PID}").exists()
    assert journal.read_bytes() == before
    assert "Quokka" in result.stdout


def test_a_second_encrypt_names_the_plain_copies_still_beside_the_journal(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3")
    log_words(run)
    assert run("backup", str(tmp_path / "b.db")).exit_code == 0
    assert run("restore", str(tmp_path / "b.db")).exit_code == 0
    assert run("backup").exit_code == 0
    monkeypatch.setenv("PEERJOURNAL_PASSPHRASE", "a long passphrase")

    first = run("encrypt", "--keep-plain")
    assert first.exit_code == 0, first.output
    said = first.stderr.replace("\n", " ")
    # The copies made before, still in plain text, are named: the one kept before the
    # restore as well as the backup.
    (before_restore,) = journal_home.glob("journal.before-restore.*.db")
    assert str(before_restore) in first.stderr.replace("\n", "")
    assert "copy kept before a restore" in said and "backup" in said

    second = run("encrypt")
    assert second.exit_code == 1
    said = second.stderr.replace("\n", "")
    assert "nothing to do" not in said
    assert "unencrypted copy you kept" in said
    (kept,) = journal_home.glob("journal.plain-*.db")
    assert str(kept) in said


# --- forget ---------------------------------------------------------------------------------


def test_forget_clears_the_words_in_every_copy_the_program_keeps_and_names_the_others(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    log_words(run)
    log_other(run)
    assert run("backup").exit_code == 0  # an automatic backup
    outside = tmp_path / "usb"
    outside.mkdir()
    assert run("backup", str(outside / "mine.db")).exit_code == 0
    assert run("export", "-o", str(outside / "all.json")).exit_code == 0
    assert run("restore", str(outside / "mine.db")).exit_code == 0  # a before-restore copy
    upgrade = journal_home / "journal.before-upgrade-v3.20260101T000000Z.db"
    upgrade.write_bytes((journal_home / "journal.db").read_bytes())
    conn = sqlite3.connect(upgrade)
    with conn:
        conn.execute("UPDATE schema_version SET version = 3")  # an older schema's copy
    conn.close()
    assert len(holding(journal_home, FORGOTTEN)) == 4

    result = run("forget", "--before", "2026-02-01", "--yes")
    assert result.exit_code == 0, result.output
    said = result.stderr.replace("\n", "")
    assert holding(journal_home, FORGOTTEN) == {}
    # Cleared in place where it can be, so the copies still hold every entry and rating.
    backup = next((journal_home / "backups").iterdir())
    assert entry_count(backup) == 2
    assert "Cleared them too in 2 copies" in said
    # Removed, and said, where it cannot (an older schema).
    assert not upgrade.exists()
    assert str(upgrade) in said
    # The user's own copies are named as theirs to delete, and left alone.
    assert str(outside / "mine.db") in said and str(outside / "all.json") in said
    assert holding(outside, FORGOTTEN)


def test_forget_with_another_reader_open_says_the_words_stay_until_it_closes(
    run: RunCli, journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_words(run)
    log_other(run)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    reader = sqlite3.connect(journal_home / "journal.db", isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM entry").fetchone()  # holds a snapshot
        result = run("forget", "--before", "2026-02-01", "--yes")
        assert result.exit_code == 0, result.output
        assert "stay in the file until it closes" in result.stderr.replace("\n", " ")
    finally:
        reader.close()
    again = run("forget", "--before", "2026-02-01", "--yes")
    assert again.exit_code == 0, again.output
    assert "Nothing to forget" in again.stderr
    assert holding(journal_home, FORGOTTEN) == {}


def test_vacuum_and_sorting_never_write_outside_the_data_folder(journal_home: Path) -> None:
    path = journal_home / "journal.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    # Larger than SQLite's page cache (8 MB), so that VACUUM's copy and the sort would
    # spill into temporary files if they were allowed any.
    rows = [(f"words {n} " * 40,) for n in range(25_000)]
    conn.executemany("INSERT INTO t VALUES (?)", rows)
    conn.commit()
    conn.close()

    def open_files() -> set[tuple[str, str]]:
        found = set()
        for fd in Path("/proc/self/fd").iterdir():
            with suppress(OSError):
                found.add((fd.name, str(fd.readlink())))
        return found

    already = open_files()  # the test runner's own (its output capture is in /tmp)
    seen: set[tuple[str, str]] = set()

    def look() -> int:
        seen.update(open_files() - already)
        return 0

    for options in ({"pragmas": False}, {"pragmas": True}, {"readonly": True}):
        conn = db.open_connection(path, None, isolation_level=None, **options)
        conn.set_progress_handler(look, 1000)
        if not options.get("readonly"):
            conn.execute("VACUUM")
        conn.execute("SELECT x FROM t ORDER BY x DESC, rowid").fetchall()
        conn.close()
    files = {t for _fd, t in seen if t.startswith("/") and not t.startswith(("/dev/", "/proc/"))}
    outside = {f for f in files if not f.startswith(str(journal_home))}
    assert str(path) in files
    assert not {f for f in outside if "etilqs" in f or f.endswith("(deleted)")}, outside


def test_a_restore_of_an_export_says_to_import_it(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    log_other(run)
    for fmt in ("json", "csv"):
        exported = tmp_path / f"journal.{fmt}"
        assert run("export", "--format", fmt, "-o", str(exported)).exit_code == 0
        before = (journal_home / "journal.db").read_bytes()
        result = run("restore", str(exported))
        assert result.exit_code == 1, result.output
        assert f"peerjournal import {exported}" in result.stderr.replace("\n", "")
        assert "export" in result.stderr
        assert (journal_home / "journal.db").read_bytes() == before
    result = run("import", str(journal_home / "journal.db"))
    assert result.exit_code == 1
    assert "peerjournal restore" in result.stderr
