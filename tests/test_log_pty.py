"""The guided log through a real pseudo-terminal, typed as a person would."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

pytestmark = pytest.mark.pty

TIMEOUT = 30
LEFT, UP, HOME, END, DELETE = "\x1b[D", "\x1b[A", "\x1b[H", "\x1b[F", "\x1b[3~"
BACKSPACE, CTRL_U, CTRL_W = "\x7f", "\x15", "\x17"


def spawn(home: Path, *args: str, command: str = "log") -> pexpect.spawn[str]:
    env = {**os.environ, "PEERJOURNAL_HOME": str(home), "TERM": "dumb", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", command, *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 100),
    )


def answer(child: pexpect.spawn[str], prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


def expect_words(child: pexpect.spawn[str], text: str) -> None:
    """Wait for `text`, wherever the terminal's width broke its lines."""
    child.expect(r"\s+".join(re.escape(word) for word in text.split()))


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
    answer(child, "Feeling", "okay")
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
    answer(child, "Promise", "")
    answer(child, "Flags", "")
    answer(child, "Principles [Enter: all]:", "1 empathy 7")
    child.expect_exact("[1/3] Empowerment and self-direction")
    answer(child, "Rating 1-5", "6")
    child.expect_exact("from 1 to 5, not 6")
    answer(child, "Rating 1-5", "?")
    child.expect_exact("5 looks like:")
    answer(child, "Rating 1-5", "2")
    answer(child, "What made it a 2?", "I offered my plan before asking")
    child.expect_exact("[2/3] Empathy")
    answer(child, "Rating 1-5", "4")
    child.expect_exact("[3/3] Hope and resilience")
    answer(child, "Rating 1-5", "5")
    answer(child, "What did you do that made it a 5?", "")
    answer(child, "Tags", "warmline")
    child.expect_exact("Your entry")
    child.expect_exact("[bold]really[/]")
    answer(child, "Save? [Y/n/e]", "")
    child.expect_exact("Saved entry #1")
    expect_words(
        child, "You rated Empowerment and self-direction lower than the others this time (a 2)."
    )
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
    assert {r["slug"]: (r["score"], r["note"]) for r in saved["ratings"]} == {
        "empowerment": (2, "I offered my plan before asking"),
        "empathy": (4, None),
        "hope": (5, None),
    }
    assert saved["feeling"] == 3
    assert saved["tags"] == ["warmline"]
    assert not (journal_home / "draft.json").exists()


def test_ctrl_c_keeps_a_draft_that_the_next_log_resumes(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "")
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
    expect_words(child, "You have an unfinished entry")
    answer(child, "resume it", "r")
    child.expect_exact("So far: Half of what I wanted to say")
    answer(child, "> ", "and the rest of it.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "Promise", "")
    answer(child, "Flags", "")
    answer(child, "Principles", "")
    rate_all(child, ["", "", "5"])
    answer(child, "What did you do that made it a 5?", "")
    rate_all(child, [""] * 6)
    answer(child, "Tags", "")
    answer(child, "Save?", "y")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["what_happened"] == "Half of what I wanted to say\nand the rest of it."
    assert saved["mode"] == "phone" and saved["minutes"] == 15
    assert [(r["slug"], r["score"]) for r in saved["ratings"]] == [("empathy", 5)]
    assert not (journal_home / "draft.json").exists()


@pytest.mark.parametrize("enter", ["\n", "\r"], ids=["newline", "return"])
def test_pasted_paragraphs_stay_in_one_answer(journal_home: Path, enter: str) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "")
    answer(child, "Number or name", "text")
    answer(child, "Minutes", "")
    answer(child, "Alias", "")
    child.expect_exact("What happened?")
    child.expect_exact("> ")
    # A paste arrives all at once: blank lines inside it are paragraph breaks.
    child.send("First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n".replace("\n", enter))
    child.expect_exact("Third paragraph.")
    answer(child, "> ", "")
    child.expect_exact("So what?")
    answer(child, "> ", "Felt steady.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "Promise", "")
    answer(child, "Flags", "")
    answer(child, "Principles", "empowerment")
    rate_all(child, ["4"])
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["what_happened"] == "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    assert saved["so_what"] == "Felt steady."
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {"empowerment": 4}


# --- line editing -------------------------------------------------------------


def next_line(child: pexpect.spawn[str], text: str) -> None:
    """Answer the next fresh '> ', not one that readline redrew while a line was edited."""
    child.expect_exact("\r\n  > ")
    child.sendline(text)


def test_a_line_stopped_half_typed_comes_back_on_its_question(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    answer(child, "> ", "The first line, finished.")
    child.expect_exact("> ")
    child.send("and half of the second")
    child.expect_exact("second")
    child.sendcontrol("c")
    child.expect_exact("kept in")
    assert finish(child) == 130
    draft = json.loads((journal_home / "draft.json").read_text(encoding="utf-8"))
    assert draft["unfinished"] == {"step": "reflection", "text": "and half of the second"}

    child = spawn(journal_home)
    answer(child, "resume it", "r")
    # The same question, holding the words as they were: End, then the rest of the line.
    child.expect_exact("and half of the second")
    child.send(END + " line.\r")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    after_the_reflection(child)
    assert finish(child) == 0
    assert show(journal_home, 1)["what_happened"] == (
        "The first line, finished.\nand half of the second line."
    )


def to_the_reflection(child: pexpect.spawn[str]) -> None:
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "")
    answer(child, "Number or name", "phone")
    answer(child, "Minutes", "")
    answer(child, "Alias", "")
    child.expect_exact("What happened?")


def up_to_the_principles(child: pexpect.spawn[str]) -> None:
    """No promise, no flag."""
    answer(child, "Promise", "")
    answer(child, "Flags", "")


def after_the_reflection(child: pexpect.spawn[str]) -> None:
    """No promise, no flag, no principle rated, no tag; saved."""
    up_to_the_principles(child)
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")


def test_a_typo_is_fixed_on_the_line_before_enter(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    child.expect_exact("> ")
    child.send(f"said somethng{LEFT * 2}i{HOME}I {END} kind.\r")
    next_line(child, "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    after_the_reflection(child)
    assert finish(child) == 0
    assert show(journal_home, 1)["what_happened"] == "I said something kind."


def test_up_recalls_an_earlier_answer(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    answer(child, "> ", "They called again.")
    answer(child, "> ", "")
    child.expect_exact("So what?")
    answer(child, "> ", f"{UP}{HOME}{DELETE * 4}I was glad they")
    next_line(child, "")
    child.expect_exact("Now what?")
    answer(child, "> ", "")
    up_to_the_principles(child)
    answer(child, "Principles", "1 2")
    answer(child, "Rating 1-5", "4")
    answer(child, "Rating 1-5", UP)
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    assert finish(child) == 0
    saved = show(journal_home, 1)
    assert saved["so_what"] == "I was glad they called again."
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {
        "empowerment": 4,
        "mutual-respect": 4,
    }


def test_the_privacy_warning_brings_the_old_lines_back_to_edit(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    answer(child, "> ", "Wrote to sam@example.com about it.")
    answer(child, "> ", "Then we talked.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    up_to_the_principles(child)
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    child.expect_exact("»sam@example.com«")
    answer(child, "[e] edit this answer", "e")
    child.expect_exact("> Wrote to sam@example.com about it.")
    child.send(f"{CTRL_W * 3}them by email.\r")
    child.expect_exact("> Then we talked.")
    child.send("\r")
    next_line(child, "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0
    assert show(journal_home, 1)["what_happened"] == "Wrote to them by email.\nThen we talked."


def test_edit_puts_each_old_answer_on_its_line(journal_home: Path) -> None:
    logged = subprocess.run(
        [
            *(sys.executable, "-m", "peerjournal", "log", "--when", "2026-03-01 09:00"),
            *("--mode", "phone", "--minutes", "20", "--peer", "R.T.", "--rate", "empathy=4"),
            *("--note", "first line\nsecond line", "--no-input"),
        ],
        env={**os.environ, "PEERJOURNAL_HOME": str(journal_home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert logged.returncode == 0, logged.stderr
    child = spawn(journal_home, "1", command="edit")
    child.expect_exact("When: 2026-03-01 09:00")
    child.send("\r")
    answer(child, "Feeling", "")
    child.expect_exact("Number or name: phone")
    child.send("\r")
    child.expect_exact("Minutes: 20")
    child.send("\r")
    child.expect_exact("Alias: R.T.")
    child.send(f"{BACKSPACE * 2}\r")
    child.expect_exact("> first line")
    child.send(f"{END}, changed\r")
    child.expect_exact("> second line")
    child.send(f"{CTRL_U}\r")  # an emptied line is left out
    next_line(child, "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    up_to_the_principles(child)
    child.expect_exact("Principles: 3")
    child.send("\r")
    child.expect_exact("Rating 1-5, ? for examples: 4")
    child.send("\r")
    answer(child, "Tags", "")
    answer(child, "Save", "y")
    assert finish(child) == 0

    saved = show(journal_home, 1)
    assert saved["peer"] == "R."
    assert saved["what_happened"] == "first line, changed"
    assert (saved["mode"], saved["minutes"]) == ("phone", 20)
    assert saved["local_time"].startswith("2026-03-01T09:00")
    assert [(r["slug"], r["score"]) for r in saved["ratings"]] == [("empathy", 4)]


def test_an_old_line_a_terminal_would_obey_is_shown_escaped_and_kept(journal_home: Path) -> None:
    hostile = "turned \u202e around \x9b2J here"
    logged = subprocess.run(
        [sys.executable, "-m", "peerjournal", "log", "--mode", "phone", "--note", hostile],
        env={**os.environ, "PEERJOURNAL_HOME": str(journal_home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert logged.returncode == 0, logged.stderr
    child = spawn(journal_home, "1", command="edit")
    child.logfile_read = transcript = io.StringIO()
    for prompt in ("When", "Feeling", "Number or name", "Minutes", "Alias"):
        answer(child, prompt, "")
    child.expect_exact("Now: turned \\u202e around \\x9b2J here (Enter keeps it as it is)")
    answer(child, "> ", "")
    next_line(child, "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    up_to_the_principles(child)
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    answer(child, "Save", "y")
    assert finish(child) == 0
    assert "\u202e" not in transcript.getvalue() and "\x9b" not in transcript.getvalue()
    assert show(journal_home, 1)["what_happened"] == hostile


def test_stdout_redirected_to_a_file_asks_nothing(journal_home: Path) -> None:
    """Questions need the screen too: `log --json > entry.json` asks nothing, saves nothing,
    and says how to give the entry on the command line."""
    target = journal_home.parent / "entry.json"
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    command = shlex.join([sys.executable, "-m", "peerjournal", "log", "--json"])
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"exec {command} > {shlex.quote(str(target))}"],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 100),
    )
    child.expect(pexpect.EOF)
    child.close()
    shown = " ".join(child.before.split())
    assert child.exitstatus == 1, shown
    assert "Nothing to save yet" in shown and "When was the conversation" not in shown
    assert target.read_text(encoding="utf-8") == ""
    assert not (journal_home / "journal.db").exists()


def test_without_readline_as_on_windows_enter_keeps_the_old_answer(journal_home: Path) -> None:
    logged = subprocess.run(
        [sys.executable, "-m", "peerjournal", "log", "--peer", "R.T.", "--note", "x", "--no-input"],
        env={**os.environ, "PEERJOURNAL_HOME": str(journal_home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert logged.returncode == 0, logged.stderr
    without_readline = (
        "import sys; sys.modules['readline'] = None; from peerjournal.cli import main; "
        "sys.argv = ['peerjournal', 'edit', '1']; main()"
    )
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable, ["-c", without_readline], env=env, encoding="utf-8", timeout=TIMEOUT
    )
    answer(child, "When [Enter keeps: ", "")
    answer(child, "Feeling, a number or a word [Enter to skip]: ", "")
    answer(child, "Number or name [Enter keeps: other]: ", "phone")
    answer(child, "Minutes [Enter to skip]: ", "")
    answer(child, "Alias [Enter keeps: R.T.]: ", "")
    answer(child, "[Enter keeps: x] > ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "Promise [Enter if none]: ", "")
    answer(child, "Flags [Enter if none]: ", "")
    answer(child, "Principles [Enter: all]: ", "none")
    answer(child, "Tags", "")
    answer(child, "Save", "y")
    assert finish(child) == 0
    saved = show(journal_home, 1)
    assert (saved["peer"], saved["mode"], saved["what_happened"]) == ("R.T.", "phone", "x")


# --- care, chosen principles, promises, and changing a step at the summary -----------


def run_command(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peerjournal", *args],
        env={**os.environ, "PEERJOURNAL_HOME": str(home), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )


def test_a_crisis_call_is_met_with_care_first(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "drained")
    answer(child, "Number or name", "phone")
    answer(child, "Minutes", "40")
    answer(child, "Alias", "J.")
    answer(child, "> ", "He said he wanted to kill himself and has a plan. I called 911.")
    answer(child, "> ", "")
    answer(child, "> ", "I kept my voice steady.")
    answer(child, "> ", "")
    answer(child, "> ", "Talk to my supervisor tonight.")
    answer(child, "> ", "")
    answer(child, "Promise", "")
    answer(child, "Flags", "safety, debrief")
    answer(child, "Principles", "1 3")
    # Empowerment, on a safety-flagged entry: the protocol is said to be no lapse first.
    expect_words(child, "You flagged safety. Following your protocol is good practice")
    answer(child, "Rating 1-5", "2")
    answer(child, "What made it a 2?", "")
    answer(child, "Rating 1-5", "4")
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    expect_words(child, "That sounds like a heavy conversation.")
    expect_words(child, "You noted feeling drained afterwards")
    expect_words(child, "Who you can turn to")
    expect_words(child, "It is on your list to bring to supervision")
    child.expect(pexpect.EOF)
    rest = " ".join(child.before.split())
    assert "lowest" not in rest and "Empowerment" not in rest
    child.close()
    assert child.exitstatus == 0
    assert show(journal_home, 1)["flags"] == ["safety", "debrief"]


def test_three_principles_chosen_asks_exactly_three_ratings(journal_home: Path) -> None:
    import io

    child = spawn(journal_home)
    transcript = io.StringIO()
    child.logfile_read = transcript
    to_the_reflection(child)
    answer(child, "> ", "A routine call.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    up_to_the_principles(child)
    answer(child, "Principles", "3 hope 9")
    child.expect_exact("[1/3] Empathy")
    answer(child, "Rating 1-5", "4")
    child.expect_exact("[2/3] Hope and resilience")
    answer(child, "Rating 1-5", "3")
    child.expect_exact("[3/3] Boundaries and role")
    answer(child, "Rating 1-5", "4")
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0
    assert transcript.getvalue().count("Rating 1-5") == 3
    saved = show(journal_home, 1)
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {
        "empathy": 4,
        "hope": 3,
        "boundaries": 4,
    }


def test_a_promise_made_in_one_log_is_listed_and_then_done(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    answer(child, "> ", "They asked me to ring back.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "Promise", "call back about the group")
    answer(child, "By when?", "today 23:59")
    answer(child, "Anything else?", "")
    answer(child, "Flags", "")
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    child.expect_exact("call back about the group")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0

    listed = run_command(journal_home, "followups")
    assert listed.returncode == 0, listed.stderr
    assert "call back about the group" in listed.stdout and "23:59" in listed.stdout

    child = spawn(journal_home)
    expect_words(child, "A reminder first: you have 1 follow-up due today. See it with")
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "")
    child.expect_exact("Number or name [Enter: phone]")
    child.sendcontrol("c")
    assert finish(child) == 130

    done = run_command(journal_home, "done", "1")
    assert done.returncode == 0, done.stderr
    assert "Marked done: call back about the group" in done.stderr
    after = run_command(journal_home, "followups")
    assert "call back about the group" not in after.stdout
    assert "No open follow-ups" in after.stderr


def test_e_at_the_summary_changes_the_time_with_the_old_answer_on_the_line(
    journal_home: Path,
) -> None:
    from datetime import date, timedelta

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "yesterday 12:00")
    answer(child, "Feeling", "")
    answer(child, "Number or name", "phone")
    answer(child, "Minutes", "")
    answer(child, "Alias", "")
    answer(child, "> ", "A late afternoon call.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    after_the_reflection_unsaved(child)
    child.expect_exact(f"{yesterday[8:].lstrip('0')} ")  # the summary shows the day
    answer(child, "Save? [Y/n/e]", "e")
    child.expect_exact("1 when · 2 how you are")
    answer(child, "Step number", "1")
    child.expect_exact(f"When: {yesterday} 12:00")
    child.send(f"{BACKSPACE * 5}17:30\r")
    child.expect_exact("Your entry")
    child.expect_exact("17:30")
    answer(child, "Save? [Y/n/e]", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0
    assert show(journal_home, 1)["local_time"].startswith(f"{yesterday}T17:30")


def after_the_reflection_unsaved(child: pexpect.spawn[str]) -> None:
    up_to_the_principles(child)
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    child.expect_exact("Your entry")


def test_ctrl_c_while_changing_a_step_keeps_the_draft(journal_home: Path) -> None:
    child = spawn(journal_home)
    to_the_reflection(child)
    answer(child, "> ", "Words to keep.")
    answer(child, "> ", "")
    answer(child, "> ", "")
    answer(child, "> ", "")
    after_the_reflection_unsaved(child)
    answer(child, "Save? [Y/n/e]", "e")
    answer(child, "Step number", "6")
    child.expect_exact("> Words to keep.")
    child.sendcontrol("c")
    child.expect_exact("kept in")
    assert finish(child) == 130
    draft = json.loads((journal_home / "draft.json").read_text(encoding="utf-8"))
    assert draft["what_happened"] == "Words to keep."
    assert draft["mode"] == "phone"


def test_words_in_the_editor_survive_kill_9_and_the_next_log_offers_them(
    journal_home: Path, tmp_path: Path
) -> None:
    import signal
    import time

    opened = tmp_path / "editor-pid"
    editor = tmp_path / "slow_editor.py"
    editor.write_text(
        "import os, pathlib, sys, time\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "heading = '# What happened?\\n'\n"
        "p.write_text(p.read_text().replace(heading, heading + 'Saved before the kill.\\n', 1))\n"
        f"pathlib.Path({str(opened)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PEERJOURNAL_HOME": str(journal_home),
        "TERM": "dumb",
        "EDITOR": f"{sys.executable} {editor}",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "log", "--editor"],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 100),
    )
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling", "")
    answer(child, "Number or name", "video")
    answer(child, "Minutes", "")
    answer(child, "Alias", "")
    deadline = time.monotonic() + TIMEOUT
    while not opened.exists() or not opened.read_text():
        assert time.monotonic() < deadline, "the editor never opened"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    os.kill(int(opened.read_text()), signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert (journal_home / "reflection.txt").exists()

    child = spawn(journal_home)
    expect_words(child, "The reflection you were writing in your editor last time is kept in")
    expect_words(child, "You have an unfinished entry")
    expect_words(child, "Saved before the kill.")
    answer(child, "resume it", "r")
    up_to_the_principles(child)
    answer(child, "Principles", "none")
    answer(child, "Tags", "")
    answer(child, "Save?", "")
    child.expect_exact("Saved entry #1")
    assert finish(child) == 0
    saved = show(journal_home, 1)
    assert (saved["what_happened"], saved["mode"]) == ("Saved before the kill.", "video")
    assert not (journal_home / "reflection.txt").exists()


def test_ctrl_c_the_moment_a_question_appears_stops_the_log(journal_home: Path) -> None:
    # Right after the first answer the write side loads in another thread; a Ctrl-C
    # pressed as the next question is drawn was once heard only at the next key, in
    # about one try in six. Fifteen tries catch that most runs, without the wake-up.
    for _ in range(15):
        child = spawn(journal_home)
        answer(child, "When [Enter: now]:", "")
        child.expect_exact("Feeling, a number or a word [Enter")
        child.sendcontrol("c")
        child.expect_exact("Stopped.", timeout=10)
        assert finish(child) == 130


def test_ctrl_c_after_discarding_an_old_draft_keeps_nothing(journal_home: Path) -> None:
    child = spawn(journal_home)
    answer(child, "When [Enter: now]:", "")
    answer(child, "Feeling, a number or a word", "3")
    child.expect_exact("Number or name")
    child.sendcontrol("c")
    assert finish(child) == 130
    assert (journal_home / "draft.json").exists()

    child = spawn(journal_home)
    child.expect_exact("You have an unfinished entry")
    answer(child, "resume it", "d")  # a choice, not something typed for the entry
    child.expect_exact("When [Enter: now]:")
    child.sendcontrol("c")
    child.expect_exact("nothing to keep")
    assert finish(child) == 130
    assert not (journal_home / "draft.json").exists()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("log", "Nothing to save yet"),
        ("edit 1", "Editing asks questions, so it needs a terminal"),
        ("delete 1", "To delete entry #1 without a terminal, add --yes."),
        ("forget --before tomorrow", "Run it again with --yes to go ahead."),
    ],
)
def test_at_the_keyboard_but_piped_out_nothing_is_asked_or_changed(
    journal_home: Path, command: str, said: str
) -> None:
    """`delete 1 | cat`: the keys a person types are not answers to a question hidden in a
    pipe, so nothing is asked and nothing changes."""
    subprocess.run(
        [sys.executable, "-m", "peerjournal", "log", "--no-input", "--note", "Kept as it is."],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    line = f"{shlex.quote(sys.executable)} -m peerjournal {command} | cat; echo exit=$?"
    child = pexpect.spawn(
        "bash", ["-o", "pipefail", "-c", line], env=env, encoding="utf-8", timeout=TIMEOUT
    )
    child.sendline("y")  # typed ahead, as a person answering a question they expect
    child.expect(pexpect.EOF)
    shown = " ".join(child.before.split())
    assert said in shown, shown
    assert "exit=1" in shown, shown
    assert "[y/N]" not in shown and "When was the conversation" not in shown
    assert show(journal_home, 1)["what_happened"] == "Kept as it is."


def test_a_drive_not_connected_is_said_before_any_question(tmp_path: Path) -> None:
    """Nothing typed can be lost: with nowhere to keep answers, none is asked for."""
    missing = tmp_path / "usb-stick" / "journal"
    child = spawn(missing)
    assert finish(child) == 1
    shown = " ".join(child.before.split())
    assert f"The folder {missing} does not exist, so no journal was started" in shown
    assert "When was the conversation" not in shown
    assert not (tmp_path / "usb-stick").exists()
