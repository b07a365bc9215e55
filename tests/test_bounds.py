"""Bounded work: no file, pipe, device, paste or query makes a command hang, swell or crawl."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peerjournal import db, drafts
from peerjournal.queries import MAX_SEARCH_TERMS
from peerjournal.records import MAX_REFLECTION, MAX_TAGS
from tests.conftest import RunCli

# A command that reads without bound dies under this much memory, or runs into the timeout.
MEMORY_CAP = 1024 * 1024 * 1024
TIMEOUT = 30


def run_process(
    home: Path, *args: str, stdin: int | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """peerjournal in a process of its own, with a memory cap and a time limit."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "peerjournal", *args],
        env={**os.environ, "PEERJOURNAL_HOME": str(home), **env},
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=cap,
    )


def refused_plainly(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") <= 2, result.stderr
    for word in words:
        assert word in result.stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_a_guide_that_is_a_pipe_or_a_device_is_refused_at_once(
    journal_home: Path, fifo: Path, source: str
) -> None:
    guide = str(fifo) if source == "fifo" else source
    result = run_process(
        journal_home, "log", "--note", "x", "--no-input", PEERJOURNAL_PRINCIPLES=guide
    )
    refused_plainly(result, guide, "a pipe or a device")
    # Reading commands fall back to the built-in guide, with the same reason.
    shown = run_process(journal_home, "principles", PEERJOURNAL_PRINCIPLES=guide)
    assert shown.returncode == 0, shown.stderr
    assert "a pipe or a device" in shown.stderr
    assert "empathy" in shown.stdout


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_a_note_file_that_is_a_pipe_or_a_device_is_refused_at_once(
    journal_home: Path, fifo: Path, source: str
) -> None:
    path = str(fifo) if source == "fifo" else source
    result = run_process(journal_home, "log", "--note-file", path, "--no-input")
    refused_plainly(result, path, "a pipe or a device")
    assert not (journal_home / "journal.db").exists()


def test_endless_standard_input_is_refused_past_the_longest_reflection(
    journal_home: Path,
) -> None:
    with Path("/dev/zero").open("rb") as zeros:
        result = run_process(journal_home, "log", "--note", "-", "--no-input", stdin=zeros.fileno())
    refused_plainly(result, f"{MAX_REFLECTION:,} characters")
    assert not (journal_home / "journal.db").exists()


def test_a_note_file_longer_than_a_reflection_is_refused_before_anything_is_stored(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("word " * (MAX_REFLECTION // 2), encoding="utf-8")
    result = run("log", "--note-file", str(note), "--no-input")
    assert result.exit_code == 1, result.output
    assert f"most peerjournal keeps is {MAX_REFLECTION:,}" in result.stderr
    assert not (journal_home / "journal.db").exists()


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_an_import_from_a_pipe_or_a_device_is_refused_and_starts_no_journal(
    journal_home: Path, fifo: Path, source: str
) -> None:
    path = str(fifo) if source == "fifo" else source
    result = run_process(journal_home, "import", path)
    refused_plainly(result, path, "a pipe or a device")
    assert not (journal_home / "journal.db").exists()


def test_a_draft_that_is_a_pipe_is_set_aside_not_waited_on(journal_home: Path) -> None:
    os.mkfifo(journal_home / drafts.DRAFT_FILENAME)
    code = (
        "from peerjournal import drafts\n"
        "try:\n    drafts.load()\n"
        "except drafts.DraftUnreadable as e:\n    print(e)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PEERJOURNAL_HOME": str(journal_home)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert "could not be read" in result.stdout
    assert not (journal_home / drafts.DRAFT_FILENAME).exists()


def test_an_import_of_one_entry_with_ten_thousand_tags_is_refused_quickly(
    run: RunCli, tmp_path: Path, journal_home: Path
) -> None:
    entry = {
        "uid": "a" * 32,
        "occurred_at": "2026-01-01T10:00:00+00:00",
        "utc_offset": 0,
        "logged_at": "2026-01-01T10:00:00+00:00",
        "mode": "phone",
        "what_happened": "a call",
        "tags": [f"tag{n}" for n in range(10_000)],
    }
    path = tmp_path / "tags.json"
    path.write_text(json.dumps({"format": "peerjournal", "format_version": 1, "entries": [entry]}))
    started = time.perf_counter()
    result = run("import", str(path))
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1, result.output
    assert f"at most {MAX_TAGS} tags" in result.stderr


def test_one_json_record_larger_than_any_entry_is_refused_without_reading_it_all(
    journal_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "huge.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "peerjournal", "format_version": 1, "entries": [{"what_happened": "')
        chunk = "x" * (1 << 20)
        for _ in range(40):
            out.write(chunk)
        out.write('"}]}')
    result = run_process(journal_home, "import", str(path))
    refused_plainly(result, "longer than any entry can be", "Nothing was imported")


def test_a_csv_cell_or_line_larger_than_any_entry_is_refused(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(
        'date,mode,what_happened\n2026-01-01,phone,"' + "x" * (MAX_REFLECTION + 1) + '"\n',
        encoding="utf-8",
    )
    result = run("import", str(path))
    assert result.exit_code == 1, result.output
    assert "line 2" in result.stderr and f"{MAX_REFLECTION:,} characters" in result.stderr

    path.write_text("date,mode,what_happened\n" + "x" * (9 * 1024 * 1024) + "\n", encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 1, result.output
    assert "line 2" in result.stderr and "longer than any row" in result.stderr


def test_a_search_of_hundreds_of_terms_is_refused_at_once(run: RunCli) -> None:
    run("log", "--note", "a boundary talk", "--no-input")
    started = time.perf_counter()
    result = run("search", *(["b*", "OR"] * 200), "b*")
    assert time.perf_counter() - started < 2
    assert result.exit_code == 1, result.output
    assert f"at most {MAX_SEARCH_TERMS}" in result.stderr


@pytest.mark.parametrize("command", [("list",), ("search", "talk")])
def test_a_count_too_large_for_any_number_is_taken_as_everything(
    run: RunCli, command: tuple[str, ...]
) -> None:
    run("log", "--note", "a boundary talk", "--no-input")
    result = run(*command, "-n", "99999999999999999999")
    assert result.exit_code == 0, result.output
    assert "boundary talk" in result.stdout


# --- huge entries ------------------------------------------------------------------------

HUGE = 30 * 1024 * 1024  # characters of one reflection, as an older version let in


def peak(home: Path, *args: str) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Seconds and peak memory (kB) of one peerjournal command, in a process of its own."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "took = time.perf_counter() - start\n"
        "print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
        "sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "peerjournal", *args],
        env={**os.environ, "PEERJOURNAL_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    took, memory, code = result.stdout.split()
    done = subprocess.CompletedProcess(args, int(code), "", result.stderr)
    return float(took), int(memory), done


def test_every_screen_stays_fast_and_small_for_a_huge_entry_an_old_version_stored(
    run: RunCli, journal_home: Path
) -> None:
    import sqlite3

    from peerjournal.queries import SCREEN_CLIP

    assert run("log", "--note", "a short one", "--rate", "empathy=4", "--no-input").exit_code == 0
    assert run("log", "--note", "x", "--rate", "hope=3", "--share", "--no-input").exit_code == 0
    db.dispose_engines()
    conn = sqlite3.connect(journal_home / "journal.db")
    with conn:
        conn.execute(
            "UPDATE entry SET what_happened = ?, peer = ? WHERE id = 2",
            ("hello world and more words " * (HUGE // 27), "R" * 1000),
        )
        conn.execute("UPDATE rating SET note = ? WHERE entry_id = 2", ("why " * 100_000,))
    conn.close()
    _, baseline, _ = peak(journal_home, "list", "--tag", "nothing-has-this")
    for args in (["list"], ["show", "2"], ["search", "hello"], ["review"],
                 ["review", "--markdown", "-", "--allow-identifiers"], ["show", "2", "--json"],
                 ["list", "--json"]):  # fmt: skip
        took, memory, done = peak(journal_home, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert took < 10, args
        # SQLite holds the one long value while it cuts it; nothing holds copies of it.
        assert memory < baseline + 3 * HUGE // 1024, (args, memory, baseline)
    shown = run("show", "2")
    assert f"first {SCREEN_CLIP:,} characters" in shown.stdout.replace("\n", " ")
    exported = run("export")
    entry = json.loads(exported.stdout)["entries"][1]
    assert len(entry["what_happened"]) >= HUGE - 27  # an export keeps every word


def test_the_largest_entry_log_allows_is_shown_whole_and_quickly(
    run: RunCli, tmp_path: Path
) -> None:
    note = tmp_path / "long.txt"
    line = "we talked about sleep and the group on thursday, and felt heard\n"
    note.write_text((line * (MAX_REFLECTION // len(line) + 1))[:MAX_REFLECTION], encoding="utf-8")
    saved = run("log", "--note-file", str(note), "--rate", "empathy=4", "--share", "--no-input")
    assert saved.exit_code == 0, saved.output
    for args in (["show", "1"], ["list"], ["search", "thursday"], ["review"],
                 ["review", "--markdown", "-"], ["show", "1", "--json"]):  # fmt: skip
        started = time.perf_counter()
        result = run(*args)
        assert time.perf_counter() - started < 5, args
        assert result.exit_code == 0, (args, result.output)
        assert "Cut here" not in result.stdout
    whole = json.loads(run("show", "1", "--json").stdout)["what_happened"]
    assert len(whole) == MAX_REFLECTION


def test_a_reflection_past_the_limit_is_refused_on_every_way_in_before_anything_is_stored(
    run: RunCli, tmp_path: Path, journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "a word " * (MAX_REFLECTION // 7 + 10)
    (tmp_path / "note.txt").write_text(long, encoding="utf-8")
    entry = {
        "uid": "d" * 32,
        "occurred_at": "2026-01-01T10:00:00+00:00",
        "utc_offset": 0,
        "logged_at": "2026-01-01T10:00:00+00:00",
        "mode": "phone",
        "what_happened": long,
    }
    (tmp_path / "e.json").write_text(
        json.dumps({"format": "peerjournal", "format_version": 1, "entries": [entry]})
    )
    (tmp_path / "e.csv").write_text(f'date,mode,what_happened\n2026-01-01,phone,"{long}"\n')
    for args, stdin in (
        (["log", "--note", long, "--no-input"], None),
        (["log", "--note", "-", "--no-input"], long),
        (["log", "--note-file", str(tmp_path / "note.txt"), "--no-input"], None),
        (["import", str(tmp_path / "e.json")], None),
        (["import", str(tmp_path / "e.csv")], None),
    ):
        result = run(*args, input=stdin)
        assert result.exit_code == 1, (args, result.output)
        assert "100,000" in result.stderr, args
        assert "Traceback" not in result.output
    assert run("log", "--note", "a short one", "--no-input").exit_code == 0
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nfrom pathlib import Path\n"
        f"Path(sys.argv[1]).write_text({long!r} + '\\n', encoding='utf-8')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    result = run("edit", "1", "--editor")
    assert result.exit_code == 1, result.output
    assert "100,000" in result.stderr
    shown = json.loads(run("list", "--json").stdout)
    assert [e["what_happened"] for e in shown] == ["a short one"]
