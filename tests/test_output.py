"""What leaves the program: never written over the journal's own files, JSON that cannot act
on a terminal, and the rules every way in shares."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from peerjournal import db
from tests.conftest import RunCli

# A C1 control sequence introducer and a right-to-left override: json.dumps leaves both raw.
TRICKY = "before \u009b31m then \u202eevil\u202c after"


@pytest.fixture
def journal(run: RunCli, journal_home: Path) -> Path:
    result = run("log", "--note", "A call about the weekend", "--rate", "empathy=4", "--no-input")
    assert result.exit_code == 0, result.output
    assert run("backup").exit_code == 0
    db.dispose_engines()
    return journal_home / "journal.db"


def own_files(journal: Path) -> dict[str, Callable[[Path], Path]]:
    """Ways to name one of the program's own files as an output."""

    def link(target: Path) -> Path:
        path = journal.parent.parent / "innocent.md"
        path.unlink(missing_ok=True)
        path.symlink_to(target)
        return path

    def hard_link(target: Path) -> Path:
        path = journal.parent.parent / "other-name.md"
        path.unlink(missing_ok=True)
        os.link(target, path)
        return path

    def backup(_journal: Path) -> Path:
        return next((journal.parent / "backups").iterdir())

    def draft(_journal: Path) -> Path:
        path = journal.parent / "draft.json"
        path.write_text("{}", encoding="utf-8")
        return path

    def wal(_journal: Path) -> Path:
        return Path(f"{journal}-wal")

    def record(_journal: Path) -> Path:
        path = journal.parent / "copies-made.json"
        path.write_text("[]", encoding="utf-8")
        return path

    def work_file(_journal: Path) -> Path:
        return journal.with_name(f".{journal.name}.partial-99999")

    return {
        "the journal": lambda j: j,
        "its write-ahead log": wal,
        "a link to it": link,
        "a second name for it": hard_link,
        "a backup": backup,
        "a draft": draft,
        "the record of copies made elsewhere": record,
        "a file a stopped command left": work_file,
    }


@pytest.mark.parametrize("command", ["export", "review"])
@pytest.mark.parametrize(
    "which",
    ["the journal", "its write-ahead log", "a link to it", "a second name for it", "a backup",
     "a draft", "the record of copies made elsewhere", "a file a stopped command left"],
)  # fmt: skip
def test_no_output_ever_replaces_the_journal_its_copies_or_its_drafts(
    run: RunCli, journal: Path, command: str, which: str
) -> None:
    target = own_files(journal)[which](journal)
    real = target.resolve()
    before = real.read_bytes() if real.exists() else None
    journal_before = journal.read_bytes()
    if command == "export":
        args = ["export", "--format", "markdown", "--output", str(target), "--overwrite"]
    else:
        args = ["review", "--markdown", str(target), "--overwrite"]
    result = run(*args)
    assert result.exit_code == 1, (which, result.output)
    assert "one of peerjournal's own files" in result.stderr
    assert journal.read_bytes() == journal_before
    assert (real.read_bytes() if real.exists() else None) == before


def test_review_markdown_into_a_folder_that_is_not_there_is_refused_like_export(
    run: RunCli, journal: Path, tmp_path: Path
) -> None:
    for args in (
        ["review", "--markdown", str(tmp_path / "a" / "b" / "x.md")],
        ["export", "--output", str(tmp_path / "a" / "b" / "x.json")],
    ):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "does not exist" in result.stderr
    assert not (tmp_path / "a").exists()


def test_every_json_output_escapes_what_a_terminal_could_obey(
    run: RunCli, journal_home: Path
) -> None:
    saved = run("log", "--note", TRICKY, "--peer", "R\u202e.", "--tag", "weekend",
                "--rate", f"empathy=4:{TRICKY}", "--no-input", "--json")  # fmt: skip
    assert saved.exit_code == 0, saved.output
    for args in (
        [],  # the entry `log --json` printed
        ["list", "--json"],
        ["show", "1", "--json"],
        ["search", "evil", "--json"],
        ["review", "--json"],
        ["export"],
        ["path", "--json"],
        ["principles", "--json"],
    ):
        out = saved.stdout if not args else run(*args).stdout
        assert out, args
        assert "\u009b" not in out and "\u202e" not in out, args
        json.loads(out)
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["what_happened"] == TRICKY  # escaped on the way out, never changed


def test_the_first_save_says_where_the_journal_was_started(run: RunCli, journal_home: Path) -> None:
    first = run("log", "--note", "The first one", "--no-input")
    assert first.exit_code == 0, first.output
    assert f"Started a new journal at {journal_home / 'journal.db'}" in first.stderr
    second = run("log", "--note", "The second one", "--no-input")
    assert "Started a new journal" not in second.stderr


def test_an_import_refused_into_a_new_place_leaves_no_journal_behind(
    run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "peerjournal", "format_version": 1, "entries": [{}]}))
    result = run("import", str(bad))
    assert result.exit_code == 1, result.output
    assert "Nothing was imported" in result.stderr
    assert "Started a new journal" not in result.stderr
    assert list(journal_home.iterdir()) == []
    # A good file afterwards starts the journal, and says where.
    good = run("log", "--note", "The first one", "--no-input")
    assert f"Started a new journal at {journal_home / 'journal.db'}" in good.stderr


@pytest.mark.parametrize(
    "args",
    [["list"], ["export"], ["backup"], ["log", "--note", "secret words", "--no-input"],
     ["principles", "customize"], ["import", "x.json"], ["restore", "x.db"]],
)  # fmt: skip
def test_a_chosen_home_that_is_not_there_is_never_created(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    (tmp_path / "x.json").write_text('{"format": "peerjournal", "format_version": 1}')
    (tmp_path / "x.db").write_bytes(b"")
    missing = tmp_path / "unmounted-drive"
    monkeypatch.setenv("PEERJOURNAL_HOME", str(missing))
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert str(missing) in result.stderr
    assert "Traceback" not in result.output
    assert not missing.exists()
    if args[0] == "log":
        # Nothing typed is lost: it is printed back, since it cannot be kept.
        assert "secret words" in result.stderr


def test_a_chosen_journal_in_a_folder_that_is_not_there_is_never_created(
    run: RunCli, tmp_path: Path
) -> None:
    chosen = tmp_path / "drive" / "journal.db"
    for args in (["list"], ["log", "--note", "x", "--no-input"], ["restore", str(chosen)]):
        result = run("--db", str(chosen), *args)
        assert result.exit_code == 1, result.output
        assert str(chosen.parent) in result.stderr
    assert not chosen.parent.exists()


def test_an_impossible_offset_an_old_import_stored_shows_everywhere(
    run: RunCli, journal_home: Path
) -> None:
    assert run("log", "--note", "Imported long ago", "--no-input").exit_code == 0
    db.dispose_engines()
    conn = sqlite3.connect(journal_home / "journal.db")
    with conn:
        conn.execute("UPDATE entry SET utc_offset = 1440")
    conn.close()
    for args in (["list"], ["show", "1"], ["search", "imported"], ["review"],
                 ["export", "--format", "csv"], ["export"], ["list", "--json"]):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output
    assert "Imported long ago" in run("show", "1").stdout


def test_an_offset_of_a_whole_day_is_refused_on_every_way_in(run: RunCli, tmp_path: Path) -> None:
    entry = {
        "uid": "b" * 32,
        "occurred_at": "2026-01-01T10:00:00+00:00",
        "utc_offset": 1440,
        "logged_at": "2026-01-01T10:00:00+00:00",
        "mode": "phone",
    }
    path = tmp_path / "day.json"
    path.write_text(json.dumps({"format": "peerjournal", "format_version": 1, "entries": [entry]}))
    result = run("import", str(path))
    assert result.exit_code == 1, result.output
    assert "less than a day" in result.stderr


def test_a_uid_twice_with_different_words_names_both_and_keeps_the_first(
    run: RunCli, tmp_path: Path
) -> None:
    entry = {
        "uid": "c" * 32,
        "occurred_at": "2026-01-01T10:00:00+00:00",
        "utc_offset": 0,
        "logged_at": "2026-01-01T10:00:00+00:00",
        "mode": "phone",
        "what_happened": "the first telling",
    }
    other = {**entry, "what_happened": "a different telling"}
    path = tmp_path / "twice.json"
    path.write_text(
        json.dumps({"format": "peerjournal", "format_version": 1, "entries": [entry, other]})
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    said = result.stderr.replace("\n", " ")
    assert "1 added, 0 already present, 1 not imported." in said
    assert (
        f"the file's entry 2 (uid {'c' * 32}) is another version of its entry 1, "
        "which was added as entry #1"
    ) in said
    assert json.loads(run("show", "1", "--json").stdout)["what_happened"] == "the first telling"
    # Another file, later, with the second telling: the journal's version is named.
    later = tmp_path / "later.json"
    later.write_text(json.dumps({"format": "peerjournal", "format_version": 1, "entries": [other]}))
    again = " ".join(run("import", str(later)).stderr.split())
    assert f"the file's entry 1 (uid {'c' * 32}) differs from your journal's entry #1" in again


def test_customize_makes_a_private_guide_even_with_an_open_umask(
    run: RunCli, journal_home: Path
) -> None:
    before = os.umask(0)
    try:
        result = run("principles", "customize")
    finally:
        os.umask(before)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((journal_home / "principles.toml").stat().st_mode) == 0o600
