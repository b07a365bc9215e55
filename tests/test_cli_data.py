"""The data commands as a user runs them: export, import, backup, restore and forget."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import Result

from peerjournal import db, render
from peerjournal.journal import open_journal
from peerjournal.models import EntryEdit
from peerjournal.records import NewEntry, Rating
from tests.conftest import RunCli


def fill(count: int = 3, location: str | None = None) -> None:
    with open_journal(db.locate(location)) as journal:
        for day in range(count):
            journal.add_entry(
                NewEntry(
                    occurred_at=datetime(2026, 11, 1, 10, tzinfo=UTC) + timedelta(days=day),
                    mode="phone",
                    peer="R.",
                    what_happened=f"Story number {day}",
                    ratings=(Rating("empathy", "Empathy", 4, "listened"),),
                    tags=("warmline",),
                )
            )


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        found = conn.execute(query).fetchall()
    conn.close()
    return found


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- export --------------------------------------------------------------------------


def test_export_json_to_the_screen_and_to_a_private_file(run: RunCli, tmp_path: Path) -> None:
    fill()
    result = run("export")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["what_happened"] for e in data["entries"]] == [f"Story number {d}" for d in range(3)]
    assert "Exported 3 entries" in result.stderr

    target = tmp_path / "journal.json"
    result = run("export", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert mode_of(target) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["entries"] == data["entries"]


def test_export_never_replaces_a_file_unless_told(run: RunCli, tmp_path: Path) -> None:
    fill()
    target = tmp_path / "letter.txt"
    target.write_text("A letter I am still writing", encoding="utf-8")
    refused = run("export", "-o", str(target))
    assert refused.exit_code == 1, refused.output
    assert "already exists" in refused.stderr and "--overwrite" in refused.stderr
    assert target.read_text(encoding="utf-8") == "A letter I am still writing"

    replaced = run("export", "-o", str(target), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert f"Replaced {target} with 3 entries" in replaced.stderr
    assert len(json.loads(target.read_text(encoding="utf-8"))["entries"]) == 3


def test_export_writes_through_a_link_and_into_a_pipe(run: RunCli, tmp_path: Path) -> None:
    fill()
    (tmp_path / "real.json").write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real.json")
    result = run("export", "-o", str(link), "--overwrite")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert len(json.loads((tmp_path / "real.json").read_text(encoding="utf-8"))["entries"]) == 3

    # A named pipe (like /dev/stdout or a shell's >(gzip)) is written to, not replaced by a file.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = subprocess.Popen(
        [sys.executable, "-c", f"print(len(open({str(pipe)!r}).read()))"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        result = run("export", "-o", str(pipe))
        assert result.exit_code == 0, result.output
        assert int(reader.communicate(timeout=30)[0]) > 100
    finally:
        reader.kill()
        reader.wait()
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.parametrize("command", ["export -o", "backup"])
def test_a_name_ending_in_a_slash_is_a_folder_that_must_exist(
    run: RunCli, tmp_path: Path, command: str
) -> None:
    fill()
    result = run(*command.split(), f"{tmp_path / 'usb'}/")
    assert result.exit_code == 1, result.output
    assert f"The folder {tmp_path / 'usb'} does not exist" in result.stderr
    assert not (tmp_path / "usb").exists()


def test_export_csv_file_opens_cleanly_in_a_spreadsheet(run: RunCli, tmp_path: Path) -> None:
    fill()
    target = tmp_path / "journal.csv"
    result = run("export", "--format", "csv", "-o", str(target), "--since", "2026-11-02")
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark spreadsheets need to read UTF-8
    with target.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["date"] for r in read] == ["2026-11-02", "2026-11-03"]
    assert read[0]["empathy"] == "4"
    assert read[0]["note: empathy"] == "listened"

    result = run("export", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert not result.stdout.startswith("\ufeff")
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3


def test_export_markdown_and_a_bad_date(run: RunCli) -> None:
    fill(2)
    result = run("export", "--format", "markdown", "--tag", "warmline")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n## ") == 2
    result = run("export", "--since", "the other day")
    assert result.exit_code == 1, result.output
    assert "--since: 'the other day' is not a day" in result.stderr
    result = run("export", "--since", "2 weeks ago", "--until", "today")
    assert result.exit_code == 0, result.output


# --- import --------------------------------------------------------------------------


def test_import_twice_adds_nothing_the_second_time(run: RunCli, tmp_path: Path) -> None:
    fill(3, str(tmp_path / "other.db"))
    assert run("--db", str(tmp_path / "other.db"), "export", "-o", str(tmp_path / "e.json"))
    first = run("import", str(tmp_path / "e.json"))
    assert first.exit_code == 0, first.output
    assert "3 added, 0 already present" in first.stderr
    second = run("import", str(tmp_path / "e.json"))
    assert second.exit_code == 0, second.output
    assert "0 added, 3 already present" in second.stderr


def import_changed_export(
    run: RunCli, tmp_path: Path, entries: int, change: Callable[[dict[str, Any]], None]
) -> Result:
    """Import an export of another journal after `change` has edited its JSON by hand."""
    fill(entries, str(tmp_path / "other.db"))
    run("--db", str(tmp_path / "other.db"), "export", "-o", str(tmp_path / "e.json"))
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "e.json").write_text(json.dumps(data), encoding="utf-8")
    return run("import", str(tmp_path / "e.json"))


def test_a_malformed_import_names_the_record_and_writes_nothing(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["entries"][1]["mode"] = ""

    result = import_changed_export(run, tmp_path, 3, change)
    assert result.exit_code == 1, result.output
    assert "entry 2" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert not (journal_home / "journal.db").exists()  # none was there, none is left

    result = run("import", str(tmp_path / "missing.json"))
    assert result.exit_code == 1, result.output
    assert "There is no file" in result.stderr


@pytest.mark.parametrize("field", ["what_happened", "tags"])
def test_an_import_with_text_sqlite_cannot_hold_is_refused_plainly(
    run: RunCli, tmp_path: Path, journal_home: Path, field: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        # A "\udcff" escape is valid JSON but names half of a character.
        data["entries"][1][field] = ["bad \udcff"] if field == "tags" else "bad \udcff"

    result = import_changed_export(run, tmp_path, 2, change)
    assert result.exit_code == 1, result.output
    assert "entry 2" in result.stderr and "not valid text" in result.stderr
    assert "Traceback" not in result.output
    assert not (journal_home / "journal.db").exists()  # none was there, none is left


def test_import_shows_a_progress_bar_only_on_a_terminal(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(300, str(tmp_path / "other.db"))
    run("--db", str(tmp_path / "other.db"), "export", "-o", str(tmp_path / "e.json"))
    quiet = run("--db", str(tmp_path / "a.db"), "import", str(tmp_path / "e.json"))
    assert quiet.exit_code == 0, quiet.output
    assert "━" not in quiet.stderr

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(render, "err", lambda: terminal)
    shown = run("--db", str(tmp_path / "b.db"), "import", str(tmp_path / "e.json"))
    assert shown.exit_code == 0, shown.output
    assert "Importing" in screen.getvalue()
    assert "━" in screen.getvalue()
    assert "300 added" in screen.getvalue()


# --- backup and restore --------------------------------------------------------------


def integrity(path: Path) -> str:
    return str(rows(path, "PRAGMA integrity_check")[0][0])


def test_backup_goes_to_the_backups_folder_and_keeps_the_newest_ten(
    run: RunCli, journal_home: Path
) -> None:
    fill()
    made = []
    for _ in range(12):
        result = run("backup")
        assert result.exit_code == 0, result.output
        made.append(Path(result.stdout.strip()))
    folder = journal_home / "backups"
    assert all(p.parent == folder for p in made)
    assert sorted(folder.iterdir()) == made[2:]
    assert mode_of(folder) == 0o700
    newest = made[-1]
    assert mode_of(newest) == 0o600
    assert integrity(newest) == "ok"
    assert rows(newest, "SELECT count(*) FROM entry") == [(3,)]
    assert not Path(f"{newest}-wal").exists()


def test_backup_to_a_chosen_place_never_overwrites(run: RunCli, tmp_path: Path) -> None:
    fill()
    target = tmp_path / "copy.db"
    assert run("backup", str(target)).exit_code == 0
    again = run("backup", str(target))
    assert again.exit_code == 1, again.output
    assert "already exists" in again.stderr
    into_folder = run("backup", str(tmp_path))
    assert into_folder.exit_code == 0, into_folder.output
    assert Path(into_folder.stdout.strip()).parent == tmp_path


WRITER = """
import sys, time
from datetime import UTC, datetime
from peerjournal import db
from peerjournal.journal import open_journal
from peerjournal.records import NewEntry
end = time.monotonic() + 2
written = 0
while time.monotonic() < end:
    with open_journal(db.locate(sys.argv[1])) as journal:
        journal.add_entry(NewEntry(occurred_at=datetime.now(UTC), mode="text",
                                   what_happened="written while a backup runs " * 20))
    written += 1
print(written)
"""


def test_a_backup_taken_while_another_process_writes_is_consistent(
    run: RunCli, journal_home: Path
) -> None:
    fill()
    live = journal_home / "journal.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live)], stdout=subprocess.PIPE, text=True
    )
    copies = []
    try:
        while writer.poll() is None or not copies:
            result = run("backup", str(journal_home / f"during-{len(copies)}.db"))
            assert result.exit_code == 0, result.output
            copies.append(Path(result.stdout.strip()))
            time.sleep(0.05)
    finally:
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert int(out) > 0
    counts = []
    for copy in copies:
        assert integrity(copy) == "ok"
        assert rows(copy, "SELECT version FROM schema_version") == [(db.LATEST_VERSION,)]
        (count,) = rows(copy, "SELECT count(*) FROM entry")[0]
        assert isinstance(count, int)
        # The index in each copy matches the entries in that same copy.
        assert rows(copy, "SELECT count(*) FROM entry_search") == [(count,)]
        counts.append(count)
    print("COPIES", counts)
    assert counts == sorted(counts)


def test_restore_puts_a_backup_back_and_keeps_the_replaced_journal(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    fill(2)
    saved = Path(run("backup", str(tmp_path / "two.db")).stdout.strip())
    fill(3)  # the journal now has 5 entries
    result = run("restore", str(saved))
    assert result.exit_code == 0, result.output
    live = journal_home / "journal.db"
    assert rows(live, "SELECT count(*) FROM entry") == [(2,)]
    (kept,) = journal_home.glob("journal.before-restore.*.db")
    assert rows(kept, "SELECT count(*) FROM entry") == [(5,)]
    assert str(kept) in result.stderr
    assert mode_of(live) == 0o600
    # The restored journal is in use straight away, search included.
    after = run("search", "story")
    assert after.exit_code == 0, after.output
    assert "2 entries match" in after.stderr


def test_restore_refuses_a_file_that_is_not_a_journal(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    fill(2)
    live = journal_home / "journal.db"
    db.dispose_engines()
    before = rows(live, "SELECT uid FROM entry")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"definitely not sqlite" * 500)
    result = run("restore", str(garbage))
    assert result.exit_code == 1, result.output
    assert "cannot be restored" in result.stderr
    assert "left untouched" in result.stderr

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    result = run("restore", str(other))
    assert result.exit_code == 1, result.output
    assert "not a peerjournal journal" in result.stderr

    assert rows(live, "SELECT uid FROM entry") == before
    assert not list(journal_home.glob("journal.before-restore.*"))


def test_restore_refuses_a_journal_from_a_newer_peerjournal(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    fill(1)
    newer = Path(run("backup", str(tmp_path / "newer.db")).stdout.strip())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (db.LATEST_VERSION + 1,))
    conn.close()
    result = run("restore", str(newer))
    assert result.exit_code == 1, result.output
    assert "newer peerjournal" in result.stderr
    assert rows(journal_home / "journal.db", "SELECT count(*) FROM entry") == [(1,)]


def test_restore_onto_a_new_machine_with_no_journal_yet(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    fill(2, str(tmp_path / "old.db"))
    saved = Path(
        run("--db", str(tmp_path / "old.db"), "backup", str(tmp_path / "b.db")).stdout.strip()
    )
    result = run("restore", str(saved))
    assert result.exit_code == 0, result.output
    assert rows(journal_home / "journal.db", "SELECT count(*) FROM entry") == [(2,)]
    # Said as log and import say it: where the journal now is.
    assert f"Started a new journal at {journal_home / 'journal.db'}, from {saved}." in " ".join(
        result.stderr.split()
    )


# --- forget --------------------------------------------------------------------------


def test_forget_needs_yes_when_it_cannot_ask(run: RunCli, journal_home: Path) -> None:
    fill(3)
    result = run("forget", "--before", "2026-11-03")
    assert result.exit_code == 1, result.output
    assert "--yes" in result.stderr
    assert rows(journal_home / "journal.db", "SELECT count(*) FROM entry WHERE peer IS NULL") == [
        (0,)
    ]


def test_forget_clears_the_words_and_keeps_the_ratings(run: RunCli, journal_home: Path) -> None:
    fill(3)
    with open_journal() as journal:
        journal.session.add(
            EntryEdit(entry_id=1, edited_at=datetime.now(UTC), previous="An earlier wording")
        )
    result = run("forget", "--before", "2026-11-03", "--yes")
    assert result.exit_code == 0, result.output
    assert "Cleared the words of 2 entries" in result.stderr
    live = journal_home / "journal.db"
    assert rows(live, "SELECT what_happened, peer FROM entry ORDER BY id") == [
        ("", None),
        ("", None),
        ("Story number 2", "R."),
    ]
    assert rows(live, "SELECT score, note FROM rating ORDER BY id") == [
        (4, None),
        (4, None),
        (4, "listened"),
    ]
    assert "Story number 0" not in live.read_bytes().decode("latin-1")
    found = run("search", "story")
    assert "1 entry matches" in found.stderr
    again = run("forget", "--before", "2026-11-03", "--yes")
    assert again.exit_code == 0, again.output
    assert "Nothing to forget" in again.stderr


@pytest.mark.pty
def test_forget_asks_on_a_terminal_and_respects_no(journal_home: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    fill(3)
    db.dispose_engines()
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "peerjournal", "forget", "--before", "2026-11-03"]

    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=30)
    child.expect("Clear the reflections, aliases and notes of 2 entries")
    child.sendline("n")
    child.expect("Nothing was changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(journal_home / "journal.db", "SELECT count(*) FROM entry WHERE peer IS NULL") == [
        (0,)
    ]

    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=30)
    child.expect(r"\[y/N\]")
    child.sendline("y")
    child.expect("Cleared the words of 2 entries")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(journal_home / "journal.db", "SELECT count(*) FROM entry WHERE peer IS NULL") == [
        (2,)
    ]


def test_forget_refuses_a_day_in_the_future(run: RunCli, journal_home: Path) -> None:
    saved = run("log", "--note", "Words to keep.", "--no-input")
    assert saved.exit_code == 0, saved.output
    result = run("forget", "--before", "2999-01-01", "--yes")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: --before 2999-01-01 is in the future")
    assert rows(journal_home / "journal.db", "SELECT what_happened FROM entry") == [
        ("Words to keep.",)
    ]


def test_an_import_whose_entries_are_not_a_list_is_refused(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["entries"] = {"first": data["entries"][0]}

    result = import_changed_export(run, tmp_path, 1, change)
    assert result.exit_code == 1, result.output
    assert "'entries' must be a list" in result.stderr


def test_an_import_whose_local_day_contradicts_its_moment_is_refused(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["entries"][0]["local_date"] = "1999-01-01"

    result = import_changed_export(run, tmp_path, 1, change)
    assert result.exit_code == 1, result.output
    assert "'local_date' does not match" in result.stderr
    assert not (journal_home / "journal.db").exists()  # none was there, none is left


def test_a_backup_to_a_drive_that_is_not_there_is_refused(run: RunCli, tmp_path: Path) -> None:
    fill(1)
    stick = tmp_path / "media" / "usb-stick"
    stick.parent.mkdir()
    result = run("backup", str(stick))
    assert result.exit_code == 1, result.output
    assert f"There is no folder {stick} (is the drive connected?)" in result.stderr
    assert not stick.exists()
    named = run("backup", f"{stick}.db")
    assert named.exit_code == 0, named.output
    assert Path(f"{stick}.db").is_file()


def test_share_last_marks_the_entry_logged_most_recently(run: RunCli) -> None:
    fill(2)
    assert run("share", "last").exit_code == 0
    shared = [e["shared"] for e in json.loads(run("list", "--json").stdout)]
    assert shared == [True, False]
