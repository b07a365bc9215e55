"""Reading a line at the terminal: editing keys, history, a prefilled answer, a clean stdout."""

from __future__ import annotations

import io
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest

from peerjournal import render, terminal

TIMEOUT = 30
LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
CTRL_A, CTRL_E, CTRL_U, CTRL_W, CTRL_D, CTRL_C = "\x01", "\x05", "\x15", "\x17", "\x04", "\x03"
BACKSPACE = "\x7f"

# Reads the questions given as JSON [[prompt, prefill, history], ...] and prints, on
# stdout, what each returned or raised, as JSON.
PROGRAM = """
import json, sys
from peerjournal.terminal import read_line
results = []
for prompt, prefill, history in json.loads(sys.argv[1]):
    try:
        results.append(read_line(prompt, prefill=prefill, history=history))
    except KeyboardInterrupt:
        results.append("<KeyboardInterrupt>")
    except EOFError:
        results.append("<EOFError>")
print(json.dumps(results))
"""


class Asking:
    """A program asking questions in a pseudo-terminal, its stdout redirected to a file."""

    def __init__(self, tmp_path: Path, questions: list[tuple[str, str, str | None]]) -> None:
        self.stdout = tmp_path / "stdout.txt"
        command = shlex.join([sys.executable, "-c", PROGRAM, json.dumps(questions)])
        self.child = pexpect.spawn(
            "/bin/sh",
            ["-c", f"exec {command} > {shlex.quote(str(self.stdout))}"],
            env={**os.environ, "TERM": "dumb", "INPUTRC": "/dev/null"},
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(24, 80),
        )

    def answer(self, prompt: str, keys: str) -> None:
        self.child.expect_exact(prompt)
        self.child.send(keys + "\r")

    def results(self) -> list[str]:
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == 0, self.child.before
        # Nothing but the program's own output: no prompt, no echo, no escape code.
        text = self.stdout.read_text(encoding="utf-8")
        assert text.count("\n") == 1, repr(text)
        results: list[str] = json.loads(text)
        return results


@pytest.mark.pty
def test_keys_move_and_fix_within_the_line(tmp_path: Path) -> None:
    asking = Asking(tmp_path, [("A: ", "", None)] * 6)
    asking.answer("A: ", f"I sad it{LEFT * 4}i{HOME}Then {END} twice")
    asking.answer("A: ", f"middle{CTRL_A}start {CTRL_E} end")
    asking.answer("A: ", f"keep these words{CTRL_W}{CTRL_W}only")
    asking.answer("A: ", f"all of this goes{CTRL_U}fresh")
    asking.answer("A: ", f"typoo and!{BACKSPACE}{HOME}{RIGHT * 4}{DELETE}")
    asking.answer("A: ", "\t")
    assert asking.results() == [
        "Then I said it twice",
        "start middle end",
        "keep only",
        "fresh",
        "typo and",
        "\t",
    ]


@pytest.mark.pty
def test_up_and_down_walk_the_answers_of_the_same_history(tmp_path: Path) -> None:
    asking = Asking(
        tmp_path,
        [
            ("A: ", "", "notes"),
            ("B: ", "", "notes"),
            ("C: ", "", "other"),
            ("D: ", "", "notes"),
            ("E: ", "", "notes"),
            ("F: ", "", None),
        ],
    )
    asking.answer("A: ", "first note")
    asking.answer("B: ", "second note")
    asking.answer("C: ", f"{UP}elsewhere")  # another history: nothing to recall
    asking.answer("D: ", f"{UP}{UP} again")
    asking.answer("E: ", f"{UP}{UP}{UP}{DOWN}")
    asking.answer("F: ", f"{UP}none")  # no history at all
    assert asking.results() == [
        "first note",
        "second note",
        "elsewhere",
        "first note again",
        "second note",
        "none",
    ]


@pytest.mark.pty
def test_a_prefilled_answer_is_on_the_line_to_change_or_keep(tmp_path: Path) -> None:
    asking = Asking(
        tmp_path,
        [("Alias: ", "R.T.", None), ("Alias: ", "R.T.", None), ("Alias: ", "R.T.", None)],
    )
    asking.child.expect_exact("Alias: R.T.")
    asking.child.send(f"{BACKSPACE * 2}\r")
    asking.answer("Alias: ", "")
    asking.answer("Alias: ", CTRL_U)
    assert asking.results() == ["R.", "R.T.", ""]


@pytest.mark.pty
def test_ctrl_c_and_ctrl_d_stop_as_they_always_did(tmp_path: Path) -> None:
    asking = Asking(tmp_path, [("A: ", "", None), ("B: ", "", None), ("C: ", "old", None)])
    asking.child.expect_exact("A: ")
    asking.child.send(f"half typed{CTRL_C}")
    asking.child.expect_exact("B: ")
    asking.child.send(CTRL_D)
    asking.answer("C: ", "")
    # After Ctrl-C, stdout is the file again: the results land there, not on the screen.
    assert asking.results() == ["<KeyboardInterrupt>", "<EOFError>", "old"]


@pytest.mark.pty
def test_wide_characters_and_a_coloured_prompt_redraw_in_place(tmp_path: Path) -> None:
    """What the screen shows after editing in the middle of a line that wraps."""
    prompt = "\x1b[36m  質問 Q: \x1b[0m"
    columns = 40
    program = (
        "import sys; from peerjournal.terminal import read_line; "
        f"print(repr(read_line({prompt!r}, prefill='日本 text')), file=sys.stderr)"
    )
    child = pexpect.spawn(
        sys.executable,
        ["-c", program],
        env={**os.environ, "TERM": "xterm-256color", "INPUTRC": "/dev/null"},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(24, columns),
    )
    screen = pyte.Screen(columns, 24)
    stream = pyte.Stream(screen)

    def shown(keys: str, until: str) -> list[str]:
        child.send(keys)
        deadline = time.monotonic() + TIMEOUT
        while until not in "".join(screen.display) and time.monotonic() < deadline:
            try:
                stream.feed(child.read_nonblocking(4096, timeout=0.2))
            except pexpect.TIMEOUT:
                continue
        # Let the redraw finish before reading the screen.
        try:
            while True:
                stream.feed(child.read_nonblocking(4096, timeout=0.3))
        except pexpect.TIMEOUT:
            pass
        return [line.rstrip() for line in screen.display[:2]]

    assert shown("", "text") == ["  質問 Q: 日本 text", ""]
    assert shown(f"{LEFT * 5}語{HOME}»", "»") == ["  質問 Q: »日本語 text", ""]
    tail = " and a tail that wraps past the edge"
    assert shown(f"{END}{tail}", "edge") == [
        "  質問 Q: »日本語 text and a tail that w",
        "raps past the edge",
    ]
    # The cursor sits right after the typed text: 2 + 4 + 4 cells of prompt, 1 + 2 + 2 + 2 of text.
    assert shown(f"{HOME}{RIGHT * 3}更", "更")[0] == "  質問 Q: »日本更語 text and a tail that"
    assert (screen.cursor.y, screen.cursor.x) == (0, 10 + 7)
    child.send("\r")
    child.expect(pexpect.EOF)
    assert "'»日本更語 text" + tail + "'" in str(child.before)


# --- without line editing ----------------------------------------------------------


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Stand in for a stdin that is not a terminal, holding what is typed."""

    def use(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return use


def test_without_a_terminal_a_line_is_read_plainly_with_the_prompt_on_stderr(
    typed: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    typed("an answer\r\nnext\n")
    assert not terminal.line_editing()
    assert terminal.read_line("Q: ") == "an answer"
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "Q: ")


def test_without_a_terminal_enter_keeps_the_prefilled_answer(
    typed: Callable[[str], None],
) -> None:
    typed("\n  \nnew\n")
    assert terminal.read_line("Q: ", prefill="old") == "old"
    assert terminal.read_line("Q: ", prefill="old") == "old"
    assert terminal.read_line("Q: ", prefill="old") == "new"


def test_without_a_terminal_the_end_of_input_is_eof(typed: Callable[[str], None]) -> None:
    typed("")
    with pytest.raises(EOFError):
        terminal.read_line("Q: ")


def test_the_prompt_says_enter_keeps_where_the_line_cannot_be_edited(
    typed: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    typed("\n\n\n")
    assert render.ask("  Minutes: ", "20") == "20"
    assert render.ask("  > ", "a line [of] mine") == "a line [of] mine"
    assert render.ask("  Minutes [Enter to skip]: ") == ""
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err == (
        "  Minutes [Enter keeps: 20]: "
        "  [Enter keeps: a line [of] mine] > "
        "  Minutes [Enter to skip]: "
    )


def test_colour_in_a_prompt_is_marked_as_taking_no_room() -> None:
    coloured = "\x1b[36m  When: \x1b[0m"
    assert terminal.readline_prompt(coloured) == "\x01\x1b[36m\x02  When: \x01\x1b[0m\x02"
    assert terminal.readline_prompt("plain [Enter: now]: ") == "plain [Enter: now]: "
