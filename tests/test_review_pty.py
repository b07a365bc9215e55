"""The review's two questions through a real pseudo-terminal, and never anywhere else.

"How did it go?" and next week's intention are asked only in the current
week's review, and only when the keyboard and the screen are the terminal:
`review | less`, `... | review` and a past week ask nothing and change nothing.
These run in the real week the tests run in, since the program's today is the
machine's.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest

from peerjournal.journal import open_journal
from peerjournal.queries import Window
from peerjournal.records import NewEntry, Rating
from peerjournal.review import windows_ending
from tests.conftest import RunCli

pytestmark = pytest.mark.pty

TIMEOUT = 30
END = "\x1b[F"
LAST_INTENTION = "Ask before I advise."


def _this_week() -> tuple[Window, Window]:
    before, now = windows_ending(date.today(), 2)
    return before, now


@pytest.fixture
def a_week_so_far() -> tuple[Window, Window]:
    """Three conversations in the days just past, and last week's intention."""
    before, now = _this_week()
    with open_journal() as journal:
        for days_ago, score in ((3, 4), (2, 2), (1, 3)):
            day = date.today() - timedelta(days=days_ago)
            journal.add_entry(
                NewEntry(
                    occurred_at=datetime.combine(day, time(10, 0)).astimezone(),
                    mode="phone",
                    what_happened=f"A call {days_ago} days ago.",
                    ratings=(Rating("empathy", "Empathy", score),),
                )
            )
        journal.save_intention(before.start, before.end, LAST_INTENTION)
    return before, now


def _spawn(home: Path, command: str) -> pexpect.spawn[str]:
    env = {**os.environ, "PEERJOURNAL_HOME": str(home), "NO_COLOR": "1", "TERM": "dumb"}
    return pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 100),
    )


def _review(home: Path, *args: str) -> pexpect.spawn[str]:
    # exec: Ctrl-C then reaches the program alone, as in a person's shell.
    return _spawn(home, f"exec '{sys.executable}' -m peerjournal review {' '.join(args)}")


def _finish(child: pexpect.spawn[str]) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    seen = str(child.before)
    child.close()
    assert child.exitstatus is not None, child.signalstatus
    return child.exitstatus, seen


def _saved(run: RunCli) -> dict[str, Any]:
    result = run("review", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return {
        "reply": data["intention"]["reply"] if data["intention"] else None,
        "next": data["next_intention"]["text"] if data["next_intention"] else None,
    }


def test_how_did_it_go_then_next_weeks_intention(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    child = _review(journal_home)
    child.expect_exact(f"Last week you meant to: {LAST_INTENTION}")  # the screen
    child.expect_exact("How did it go? (one line; Enter skips)")
    child.expect_exact("How it went: ")
    child.sendline("Better on the phone than face to face.")
    child.expect_exact("One thing you mean to practise next week (Enter skips)")
    child.expect_exact("Intention: ")
    child.sendline("Name one strength in every call.")
    status, said = _finish(child)
    assert status == 0, said
    assert "Saved. Next week's review will show your intention." in said
    assert _saved(run) == {
        "reply": "Better on the phone than face to face.",
        "next": "Name one strength in every call.",
    }
    # The review shows the answer beside the intention it belongs to.
    screen = run("review")
    assert f"Last week you meant to: {LAST_INTENTION}\nHow it went: Better on the phone" in (
        screen.stdout
    )


def test_an_earlier_answer_is_on_the_line_to_change_and_enter_keeps_the_rest(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    before, _now = a_week_so_far
    with open_journal() as journal:
        journal.save_reply(before.end, "Better on the phone.")
    child = _review(journal_home)
    child.expect_exact("How did it go? (Enter keeps what you wrote)")
    child.expect_exact("How it went: Better on the phone.")
    child.send(END + " Harder in person.\r")
    child.expect_exact("Intention: ")
    child.sendline("")
    status, said = _finish(child)
    assert status == 0, said
    assert "Saved with last week's intention." in said
    assert _saved(run) == {"reply": "Better on the phone. Harder in person.", "next": None}


def test_enter_twice_changes_nothing(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    child = _review(journal_home)
    child.expect_exact("How it went: ")
    child.sendline("")
    child.expect_exact("Intention: ")
    child.sendline("")
    status, said = _finish(child)
    assert status == 0, said
    assert "Saved" not in said
    assert _saved(run) == {"reply": None, "next": None}


def test_ctrl_c_at_the_second_question_keeps_the_first_answer_out_too(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    child = _review(journal_home)
    child.expect_exact("How it went: ")
    child.sendline("It went well.")
    child.expect_exact("Intention: ")
    child.sendcontrol("c")
    status, said = _finish(child)
    assert status == 130, said
    assert "Nothing was changed." in said
    assert _saved(run) == {"reply": None, "next": None}


def test_without_last_weeks_intention_only_next_weeks_is_asked(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    with open_journal() as journal:
        journal.session.connection().exec_driver_sql("DELETE FROM intention")
    child = _review(journal_home)
    child.expect_exact("No intention was written last week.")
    child.expect_exact("Intention: ")
    child.sendline("Ask what they want from the call.")
    status, said = _finish(child)
    assert status == 0, said
    assert "How did it go" not in said
    assert _saved(run) == {"reply": None, "next": "Ask what they want from the call."}


@pytest.mark.parametrize(
    "pipeline",
    [
        "{review} | cat",  # review | less: the keys typed are the pager's
        "echo qq | {review}",  # an answer from a pipe is no answer
        "{review} > /dev/null; echo done",
    ],
)
def test_a_pipe_on_either_side_asks_nothing_and_saves_nothing(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window], pipeline: str
) -> None:
    review = f"'{sys.executable}' -m peerjournal review"
    child = _spawn(journal_home, pipeline.format(review=review))
    # Keys a person presses to leave a pager, typed while the review runs.
    child.sendline("qq")
    status, said = _finish(child)
    assert status == 0, said
    for question in ("How did it go", "One thing you mean to practise", "Intention: "):
        assert question not in said
    assert _saved(run) == {"reply": None, "next": None}


def test_a_past_week_asks_nothing_even_at_a_terminal(
    run: RunCli, journal_home: Path, a_week_so_far: tuple[Window, Window]
) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    child = _review(journal_home, "--until", yesterday)
    child.expect_exact("Your reflections this week")
    child.sendline("qq")
    status, said = _finish(child)
    assert status == 0, said
    assert "How did it go" not in said and "Intention: " not in said
    assert _saved(run) == {"reply": None, "next": None}
