"""`list`, `show`, `edit` and `delete` as a user runs them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from peerjournal.journal import open_journal
from tests.conftest import RunCli, create_journal


def log(run: RunCli, when: str, note: str, *extra: str) -> int:
    result = run("log", "--when", when, "--note", note, "--no-input", "--json", *extra)
    assert result.exit_code == 0, result.output
    entry_id: int = json.loads(result.stdout)["id"]
    return entry_id


def listed(run: RunCli, *args: str) -> list[dict[str, Any]]:
    result = run("list", "--json", *args)
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


@pytest.fixture
def three(run: RunCli) -> None:
    log(run, "2026-03-01 09:00", "first\nsecond line", "--tag", "warmline", "--rate", "hope=2")
    log(run, "2026-03-03 18:30", "third", "--mode", "video", "--minutes", "40")
    log(run, "2026-03-02 12:00", "middle", "--tag", "warmline")


@pytest.mark.usefixtures("three")
def test_list_is_newest_first_with_the_first_line(run: RunCli) -> None:
    assert [e["what_happened"] for e in listed(run)] == ["third", "middle", "first\nsecond line"]
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["#", "When", "Kind", "Min", "Ratings"]
    assert "2026-03-03 18:30" in lines[1] and "video" in lines[1] and "40" in lines[1]
    assert lines[3].rstrip().endswith("first")
    assert "second line" not in result.stdout
    assert "··▃·" in lines[3]  # hope is the 7th principle (rated 2); the rest not rated


@pytest.mark.usefixtures("three")
def test_list_filters(run: RunCli) -> None:
    assert [e["what_happened"] for e in listed(run, "-n", "1")] == ["third"]
    assert [e["what_happened"] for e in listed(run, "--since", "2026-03-02")] == [
        "third",
        "middle",
    ]
    assert [e["what_happened"] for e in listed(run, "--until", "2026-03-02")] == [
        "middle",
        "first\nsecond line",
    ]
    assert [e["id"] for e in listed(run, "--tag", "Warmline")] == [3, 1]


def test_list_of_an_empty_journal_says_what_to_do(run: RunCli, journal_home: Path) -> None:
    create_journal(journal_home / "journal.db")
    result = run("list")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("No entries yet.") and "peerjournal log" in result.stderr
    assert result.stdout == ""


def test_list_without_a_journal_says_which_file_is_missing_and_creates_nothing(
    run: RunCli, journal_home: Path
) -> None:
    result = run("list")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: There is no journal at {journal_home / 'journal.db'}")
    assert list(journal_home.iterdir()) == []


def test_a_first_run_in_the_usual_place_is_a_journal_not_started_yet(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No PEERJOURNAL_HOME and no journal yet: a new supporter, not a missing drive."""
    monkeypatch.delenv("PEERJOURNAL_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run("list")
    assert result.exit_code == 1, result.output
    assert " yet. After your next conversation, run: peerjournal log" in result.stderr
    assert "connected" not in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("args", "words"),
    [(["--tag", "nope"], "tagged nope"), (["--since", "2030-01-01"], "from 2030-01-01"),
     (["--flag", "safety"], "flagged safety")],
)  # fmt: skip
def test_a_filter_that_matches_nothing_is_not_an_empty_journal(
    run: RunCli, args: list[str], words: str
) -> None:
    result = run("list", *args)
    assert result.exit_code == 0, result.output
    assert f"No entries match: {words}." in result.stderr
    assert "No entries yet" not in result.stderr


@pytest.mark.usefixtures("three")
def test_since_after_until_is_refused_the_same_way_by_every_filtering_command(
    run: RunCli,
) -> None:
    for command in (["list"], ["export"], ["search", "x"]):
        result = run(*command, "--since", "today", "--until", "yesterday")
        assert result.exit_code == 1, (command, result.output)
        assert "is after --until" in result.stderr, command


@pytest.mark.usefixtures("three")
def test_last_names_the_entry_logged_most_recently(run: RunCli) -> None:
    shown = run("show", "last", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["id"] == 3
    deleted = run("delete", "last", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert "Deleted entry #3" in deleted.stderr
    assert [e["id"] for e in listed(run)] == [2, 1]


@pytest.mark.usefixtures("three")
def test_show_has_everything(run: RunCli) -> None:
    result = run("show", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Entry #1" in out and "Sun 1 Mar 2026 09:00" in out
    assert "Hope and resilience" in out and "2 of 5" in out
    assert "warmline" in out and "first" in out and "second line" in out
    assert "Last edited" not in out


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize("command", [["show", "99"], ["delete", "99", "--yes"], ["edit", "99"]])
def test_an_unknown_id_is_exit_1(run: RunCli, command: list[str]) -> None:
    result = run(*command)
    assert result.exit_code == 1, result.output
    assert "no entry number 99" in result.stderr


@pytest.mark.usefixtures("three")
def test_delete_with_yes(run: RunCli) -> None:
    result = run("delete", "2", "--yes")
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in listed(run)] == [3, 1]


@pytest.mark.usefixtures("three")
def test_delete_without_a_terminal_needs_yes(run: RunCli) -> None:
    result = run("delete", "2")
    assert result.exit_code == 1, result.output
    assert "--yes" in result.stderr
    assert len(listed(run)) == 3


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(("answer", "left"), [("y\n", 2), ("n\n", 3)])
def test_delete_asks_on_a_terminal(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, answer: str, left: int
) -> None:
    monkeypatch.setattr("peerjournal.cli.entries.at_a_terminal", lambda: True)
    result = run("delete", "2", input=answer)
    assert result.exit_code == 0, result.output
    assert "Delete entry #2" in result.stderr
    assert len(listed(run)) == left


@pytest.mark.usefixtures("three")
def test_edit_with_the_editor_keeps_the_old_version(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('third', 'third, reworded'))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    result = run("edit", "2", "--editor", "--json")
    assert result.exit_code == 0, result.output
    changed = json.loads(result.stdout)
    assert changed["what_happened"] == "third, reworded"
    assert changed["edited_at"] is not None
    assert changed["minutes"] == 40 and changed["mode"] == "video"
    assert "Last edited" in run("show", "2").stdout
    with open_journal() as journal:
        history = journal.read.edit_history(2)
    assert [before["what_happened"] for _, before in history] == ["third"]


@pytest.mark.usefixtures("three")
def test_edit_without_a_terminal_points_to_the_editor(run: RunCli) -> None:
    result = run("edit", "1")
    assert result.exit_code == 1, result.output
    assert "--editor" in result.stderr


@pytest.mark.usefixtures("three")
def test_edit_by_prompts_keeps_what_enter_keeps(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peerjournal.cli.entries.at_a_terminal", lambda: True)
    answers = [
        "",  # when: keep
        "4",  # feeling
        "phone",  # mode
        "-",  # minutes: clear
        "",  # peer: keep (none)
        "",  # what happened, its first line: keep
        "",  # its second line: keep
        "",  # no more lines
        "Felt steady.",
        "",  # so what: new text
        "",  # now what: keep (empty)
        "",  # no promise
        "",  # no flag
        "",  # the principles rated: keep (hope)
        "5",  # hope: 2 -> 5
        "",  # why a 5? no note
        "",  # tags: keep
        "",  # save
    ]
    result = run("edit", "1", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    entry = next(e for e in listed(run) if e["id"] == 1)
    assert entry["mode"] == "phone"
    assert entry["minutes"] is None
    assert entry["what_happened"] == "first\nsecond line"
    assert entry["so_what"] == "Felt steady."
    assert [(r["slug"], r["score"]) for r in entry["ratings"]] == [("hope", 5)]
    assert entry["feeling"] == 4
    assert entry["tags"] == ["warmline"]
    assert entry["local_time"].startswith("2026-03-01T09:00")


@pytest.mark.usefixtures("three")
def test_an_edit_that_changes_nothing_leaves_no_history(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peerjournal.cli.entries.at_a_terminal", lambda: True)
    result = run("edit", "3", input="\n" * 40)
    assert result.exit_code == 0, result.output
    assert "Nothing changed" in result.stderr
    assert "Last edited" not in run("show", "3").stdout
    with open_journal() as journal:
        assert journal.read.edit_history(3) == []


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99999999999999999999999"],
        ["edit", "99999999999999999999999", "--editor"],
        ["delete", "99999999999999999999999", "--yes"],
    ],
)
@pytest.mark.usefixtures("three")
def test_a_number_too_big_for_any_entry_is_not_found(run: RunCli, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: There is no entry number 99999999999999999999999.")


def test_share_marks_reflections_for_the_supervision_summary(run: RunCli) -> None:
    for note in ("Kept to myself.", "Worth talking over in supervision."):
        saved = run("log", "--note", note, "--no-input")
        assert saved.exit_code == 0, saved.output
    summary = run("review", "--markdown")
    assert summary.exit_code == 0, summary.output
    assert "Worth talking over" not in summary.stdout
    assert "peerjournal share ID" in summary.stderr

    shared = run("share", "2")
    assert shared.exit_code == 0, shared.output
    assert json.loads(run("show", "2", "--json").stdout)["shared"] is True
    summary = run("review", "--markdown")
    assert "Worth talking over in supervision." in summary.stdout
    assert "Kept to myself." not in summary.stdout

    assert run("share", "2", "--off").exit_code == 0
    assert "Worth talking over" not in run("review", "--markdown").stdout


def test_log_share_marks_the_new_entry(run: RunCli) -> None:
    saved = run("log", "--note", "Bring this one.", "--share", "--no-input", "--json")
    assert saved.exit_code == 0, saved.output
    assert json.loads(saved.stdout)["shared"] is True


@pytest.mark.usefixtures("three")
def test_sharing_a_missing_entry_is_a_plain_error(run: RunCli) -> None:
    result = run("share", "41")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: There is no entry number 41")
