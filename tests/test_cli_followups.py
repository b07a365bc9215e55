"""`followups` and `done`: promises made in conversations, listed and kept."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from peerjournal.journal import open_journal
from tests.conftest import RunCli


def promise(run: RunCli, *follow_ups: tuple[str, str], when: str = "now", peer: str = "") -> None:
    args = [arg for text, due in follow_ups for arg in ("--follow-up", text, "--due", due)]
    extra = ["--peer", peer] if peer else []
    result = run("log", "--when", when, "--note", "x", *args, *extra, "--no-input")
    assert result.exit_code == 0, result.output


def listed(run: RunCli, *args: str) -> list[dict[str, Any]]:
    result = run("followups", "--json", *args)
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def make_overdue(follow_up_id: int, days: int) -> None:
    """Move a follow-up's due day into the past, as time passing would."""
    past = (date.today() - timedelta(days=days)).isoformat()
    with open_journal() as journal:
        journal.session.connection().exec_driver_sql(
            "UPDATE follow_up SET due_date = ? WHERE id = ?", (past, follow_up_id)
        )


def test_open_follow_ups_overdue_first_then_by_day(run: RunCli) -> None:
    promise(run, ("send the leaflet", "none"), ("call back", "in 5 days"), peer="R.")
    promise(run, ("check in", "in 2 days"), ("bring the form", "tomorrow"))
    make_overdue(2, 3)
    found = listed(run)
    assert [(f["text"], f["overdue"]) for f in found] == [
        ("call back", True),
        ("bring the form", False),
        ("check in", False),
        ("send the leaflet", False),
    ]
    assert (found[0]["entry_id"], found[0]["peer"]) == (1, "R.")
    shown = run("followups")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "call back" in lines[1] and "overdue" in lines[1]
    assert "peerjournal done NUMBER" in shown.stderr  # a message, not data


def test_done_marks_one_with_the_time_and_all_shows_it(run: RunCli) -> None:
    promise(run, ("call back", "friday"), ("send the leaflet", "none"))
    result = run("done", "1")
    assert result.exit_code == 0, result.output
    assert "Marked done: call back (follow-up 1, promised in entry #1)." in result.stderr
    assert [f["text"] for f in listed(run)] == ["send the leaflet"]
    everything = listed(run, "--all")
    assert [(f["text"], f["done_at"] is not None) for f in everything] == [
        ("send the leaflet", False),
        ("call back", True),
    ]
    again = run("done", "#1")
    assert again.exit_code == 0, again.output
    assert "Already marked done on" in again.stderr
    assert listed(run, "--all")[1]["done_at"] == everything[1]["done_at"]
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["follow_ups"][0]["done_at"] == everything[1]["done_at"]


@pytest.mark.parametrize(
    ("given", "fragment"),
    [("9", "There is no follow-up number 9"), ("abc", "'abc' is not a follow-up number")],
)
def test_done_with_a_number_that_is_not_a_follow_up_is_one_sentence(
    run: RunCli, given: str, fragment: str
) -> None:
    promise(run, ("call back", "friday"))
    result = run("done", given)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert fragment in lines[0] and "peerjournal followups" in lines[0]


def test_no_follow_ups_says_so_kindly(run: RunCli) -> None:
    promise(run)
    result = run("followups")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "No open follow-ups" in result.stderr
    everything = run("followups", "--all")
    assert "No follow-ups yet" in everything.stderr


def test_without_a_journal_followups_changes_nothing(run: RunCli, journal_home: Any) -> None:
    result = run("followups")
    assert result.exit_code == 1, result.output
    assert list(journal_home.iterdir()) == []


@pytest.mark.parametrize("command", ["followups", "done"])
def test_every_command_explains_itself(run: RunCli, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.split("Usage:")[1].splitlines()) > 3


def test_an_edit_keeps_follow_ups_notes_and_flags(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(
        "log", "--when", "2026-03-01 09:00", "--note", "x", "--rate", "empathy=2:rushed it",
        "--rate", "hope=5:named a strength", "--rate", "trust=3", "--flag", "boundary",
        "--follow-up", "call back", "--due", "none", "--follow-up", "leaflet", "--due", "none",
        "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("done", "2").exit_code == 0
    monkeypatch.setattr("peerjournal.cli.entries.at_a_terminal", lambda: True)
    answers = [
        *[""] * 5,  # when, feeling, kind, minutes, alias: kept
        "", "", "", "",  # the reflection: its one line kept, then each prompt ended
        "call back on Monday", "",  # the open follow-up changed; its date kept (none)
        "",  # no new one
        "boundary, debrief",  # flags
        "",  # the principles rated: kept
        "", "",  # empathy 2 and its note kept
        "", "changed my mind",  # hope 5; a new note
        "4",  # trust 3 -> 4 (a 4 without a note asks for none)
        "",  # tags
        "",  # save
    ]  # fmt: skip
    edited = run("edit", "1", input="\n".join(answers) + "\n")
    assert edited.exit_code == 0, edited.output
    entry = json.loads(run("show", "1", "--json").stdout)
    assert [(r["slug"], r["score"], r["note"]) for r in entry["ratings"]] == [
        ("empathy", 2, "rushed it"),
        ("hope", 5, "changed my mind"),
        ("trust", 4, None),
    ]
    assert entry["flags"] == ["debrief", "boundary"]
    assert [(f["id"], f["text"], f["done_at"] is not None) for f in entry["follow_ups"]] == [
        (1, "call back on Monday", False),
        (2, "leaflet", True),
    ]


def test_log_in_a_terminal_opens_with_one_line_about_what_is_due(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    promise(run, ("call back", "today"), ("bring the form", "in 4 days"), ("leaflet", "friday"))
    make_overdue(2, 1)
    run("log", "--note", "y", "--mode", "video", "--no-input")
    monkeypatch.setattr("peerjournal.cli.log.at_a_terminal", lambda: True)
    result = run("log", input="")
    assert result.exit_code == 130, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("A reminder first: you have 1 follow-up past its date and ")
    assert "due today" in " ".join(result.stderr.split()[:20])
    assert "peerjournal followups" in " ".join(result.stderr.split())


def test_nothing_due_means_no_reminder(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    promise(run, ("call back", "in 3 days"))
    monkeypatch.setattr("peerjournal.cli.log.at_a_terminal", lambda: True)
    result = run("log", input="")
    assert "reminder" not in result.stderr
