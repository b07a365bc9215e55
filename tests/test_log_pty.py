"""The guided log through a real pseudo-terminal, typed as a person would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

pytestmark = pytest.mark.pty

TIMEOUT = 30


def spawn(home: Path, *args: str) -> pexpect.spawn[str]:
    env = {**os.environ, "PEERJOURNAL_HOME": str(home), "TERM": "dumb", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "log", *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 100),
    )


def answer(child: pexpect.spawn[str], prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


def show(home: Path, entry_id: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "peerjournal", "show", str(entry_id), "--json"],
        env={**os.environ, "PEERJOURNAL_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    shown: dict[str, Any] = json.loads(done.stdout)
    return shown


def finish(child: pexpect.spawn[str]) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, child.signalstatus
    return child.exitstatus


def rate_all(child: pexpect.spawn[str], scores: list[str]) -> None:
    for score in scores:
        answer(child, "Rating 1-5", score)


def test_a_whole_guided_log(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Number or name", "phone")
    answer(child, "Minutes", "twenty")
    child.expect_exact("not a number of minutes")
    answer(child, "Minutes", "20")
    answer(child, "Alias", "R.")
    answer(child, "> ", "They called after a hard week [bold]really[/].")
    answer(child, "> ", "We talked about sleep.")
    answer(child, "> ", "")
    answer(child, "> ", "I wanted to fix it for them.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    child.expect_exact("Empowerment and self-direction")
    answer(child, "Rating 1-5", "6")
    child.expect_exact("from 1 to 5, not 6")
    answer(child, "Rating 1-5", "?")
    child.expect_exact("5 looks like:")
    rate_all(child, ["2", "", "4", "", "", "", "5", "", ""])
    answer(child, "Feeling 1-5", "3")
    answer(child, "Tags", "warmline")
    child.expect_exact("Your entry")
    child.expect_exact("[bold]really[/]")
    answer(child, "Save this entry?", "")
    child.expect_exact("Saved entry #1")
    child.expect_exact("Lowest today: Empowerment and self-direction (2 of 5)")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["mode"] == "phone"
    assert saved["minutes"] == 20
    assert saved["peer"] == "R."
    assert saved["what_happened"] == (
        "They called after a hard week [bold]really[/].\nWe talked about sleep."
    )
    assert saved["so_what"] == "I wanted to fix it for them."
    assert saved["now_what"] == ""
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {
        "empowerment": 2,
        "empathy": 4,
        "hope": 5,
    }
    assert saved["feeling"] == 3
    assert saved["tags"] == ["warmline"]
    assert not (journal_home / "draft.json").exists()


def test_ctrl_c_keeps_a_draft_that_the_next_log_resumes(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Number or name", "2")
    answer(child, "Minutes", "15")
    answer(child, "Alias", "")
    answer(child, "> ", "Half of what I wanted to say")
    child.expect_exact("> ")
    child.sendcontrol("c")
    child.expect_exact("kept in")
    assert finish(child) == 130

    draft = json.loads((journal_home / "draft.json").read_text(encoding="utf-8"))
    assert draft["what_happened"] == "Half of what I wanted to say"
    assert draft["mode"] == "phone"
    assert (journal_home / "draft.json").stat().st_mode & 0o777 == 0o600

    child = spawn(journal_home)
    child.expect_exact("You have an unfinished entry")
    answer(child, "resume it", "r")
    child.expect_exact("So far: Half of what I wanted to say")
    answer(child, "> ", "and the rest of it.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    rate_all(child, ["", "", "5", "", "", "", "", "", ""])
    answer(child, "Feeling 1-5", "")
    answer(child, "Tags", "")
    answer(child, "Save this entry?", "y")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["what_happened"] == "Half of what I wanted to say\nand the rest of it."
    assert saved["mode"] == "phone" and saved["minutes"] == 15
    assert [(r["slug"], r["score"]) for r in saved["ratings"]] == [("empathy", 5)]
    assert not (journal_home / "draft.json").exists()


def test_pasted_paragraphs_stay_in_one_answer(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Number or name", "text")
    answer(child, "Minutes", "")
    answer(child, "Alias", "")
    child.expect_exact("What happened?")
    child.expect_exact("> ")
    # A paste arrives all at once: blank lines inside it are paragraph breaks.
    child.send("First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n")
    child.expect_exact("Third paragraph.")
    answer(child, "> ", "")
    child.expect_exact("So what?")
    answer(child, "> ", "Felt steady.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    rate_all(child, ["4", "", "", "", "", "", "", "", ""])
    answer(child, "Feeling 1-5", "")
    answer(child, "Tags", "")
    answer(child, "Save this entry?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["what_happened"] == "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    assert saved["so_what"] == "Felt steady."
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {"empowerment": 4}
