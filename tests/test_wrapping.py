"""Questions, hints and messages wrap at spaces, with hanging indents, at any width."""

from __future__ import annotations

import io
import itertools
import os
import sys
from pathlib import Path

import pexpect
import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from peerjournal import render
from tests.golden import assert_screen

WIDTHS = (60, 80, 160)

word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz'.,:;()?-"), min_size=1, max_size=18)
# A sentence never starts with a lone "-": that would make it a bullet, indented as one.
sentence = st.lists(word, min_size=1, max_size=80).filter(lambda words: words[0] != "-")
indents = st.sampled_from(["", "  ", "  • ", "    - ", "  [12] "])


def terminal(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)


@settings(max_examples=300, deadline=None)
@given(sentence, indents, st.integers(60, 200))
def test_lines_break_only_between_words_and_hang_under_their_indent(
    words: list[str], indent: str, width: int
) -> None:
    lines = render.wrap_lines(Text(indent + " ".join(words)), terminal(width), width)
    assert all(len(line.plain) <= width for line in lines)
    # Every word comes back whole and in order: no line ends inside one.
    assert " ".join(line.plain for line in lines).split() == (indent + " ".join(words)).split()
    assert lines[0].plain.startswith(indent)
    for line in lines[1:]:
        assert line.plain.startswith(" " * len(indent))
        assert line.plain[len(indent)] != " "
    # A line is cut before a word only when that word would not fit on it.
    for line, after in itertools.pairwise(lines):
        assert len(line.plain) + 1 + len(after.plain.split()[0]) > width


def test_prose_keeps_to_a_readable_measure_on_a_wide_terminal() -> None:
    sentence = "Notice what helped there, and keep it. " * 8
    console = terminal(200)
    lines = render.wrap_lines(Text(sentence), console, render.measure(console))
    assert render.measure(console) == render.READABLE_WIDTH
    assert max(len(line.plain) for line in lines) <= render.READABLE_WIDTH
    assert render.measure(terminal(60)) == 60


def test_only_a_word_longer_than_the_line_is_broken() -> None:
    long = "x" * 150
    lines = render.wrap_lines(Text(f"  see {long} then"), terminal(60), 60)
    assert [line.plain for line in lines] == [
        "  see",
        "  " + "x" * 58,
        "  " + "x" * 58,
        "  " + "x" * 34 + " then",
    ]


def test_a_prompt_keeps_the_space_before_the_answer() -> None:
    text = render.wrapped(Text("  When [Enter: now]: "), terminal(60))
    assert text.plain == "  When [Enter: now]: "


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> object:
    """Messages go to a terminal of a chosen width; returns a function that reads it."""

    class Screen:
        console = terminal(80)

        def use(self, width: int) -> None:
            self.console = terminal(width)
            monkeypatch.setattr(render, "err", lambda: self.console)

        def text(self) -> str:
            file = self.console.file
            assert isinstance(file, io.StringIO)
            return file.getvalue()

    return Screen()


@pytest.mark.parametrize("width", [60, 73, 100, 200])
def test_every_kind_of_message_wraps_with_its_indent(screen: object, width: int) -> None:
    from peerjournal.principles import load_guide
    from peerjournal.privacy import Finding

    screen.use(width)  # type: ignore[attr-defined]
    guide = load_guide()
    principle = guide.principles[-1]
    text = "We met at the corner of Elm Street and talked about her son Michael for a while."
    # Everything indented: hints, a rating step, examples, what looks identifying.
    render.hint("  " + "That is not a number of minutes; type a whole number like 25. " * 3)
    render.principle_prompt(principle, 9, 9)
    render.rating_examples(principle)
    at = text.index("Michael")
    found = Finding("a first name", at, at + len("Michael"), "Michael")
    render.privacy_warning("What happened?", text, [found])
    indented = screen.text()  # type: ignore[attr-defined]
    render.error(
        "The guide /home/someone/.config/peerjournal/principles.toml is not valid (line 12: "
        "a name is missing). Until it is fixed, the built-in guide is shown."
    )
    render.step(4, 8, "Peer alias", "optional: initials or a pseudonym, never a full name")
    shown = screen.text()  # type: ignore[attr-defined]

    assert max(len(line) for line in shown.splitlines()) <= min(width, render.READABLE_WIDTH)
    for line in indented.splitlines():
        assert not line or line.startswith(("  ", "This may identify")), line
    bullets = indented[indented.index("  • ") :].splitlines()
    assert all(line.startswith("    ") for line in bullets[1:])
    flat = " ".join(shown.split())
    # The same words, whole, as a terminal of any width shows them.
    assert "Until it is fixed, the built-in guide is shown." in flat
    assert f"5 looks like: {' '.join(principle.rating_5.split())}" in flat
    assert "»Michael«" in flat
    step = shown[shown.index("4/8 ") :].splitlines()
    assert all(line.startswith("    ") for line in step[1:])


def test_away_from_a_terminal_each_message_stays_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    piped = Console(file=io.StringIO(), width=60, force_terminal=False)
    monkeypatch.setattr(render, "err", lambda: piped)
    message = "Nothing to save yet: give a reflection or at least one rating. " * 3
    render.error(message)
    render.hint(f"  {message}")
    shown = piped.file.getvalue()  # type: ignore[attr-defined]
    assert shown == f"Error: {message}\n  {message}\n"


# --- the guided log's first screen, through a real pseudo-terminal -------------------


def log_screen(home: Path, width: int, answers: list[str]) -> str:
    """What the guided log shows at `width` columns after typing `answers` at "When"."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    # The width comes from the terminal, as in a person's shell (COLUMNS is not exported).
    env.update(PEERJOURNAL_HOME=str(home), TERM="xterm")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "log"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, width),
    )
    screen = pyte.Screen(width, 30)
    stream = pyte.Stream(screen)
    try:
        for answer in [*answers, None]:
            child.expect_exact("When [Enter: now]: ")
            stream.feed(child.before + child.after)
            if answer is not None:
                child.sendline(answer)
    finally:
        child.terminate(force=True)
    return "\n".join(screen.display)


@pytest.mark.pty
@pytest.mark.parametrize("width", WIDTHS)
def test_the_guided_log_opens_as_expected(journal_home: Path, width: int) -> None:
    shown = log_screen(journal_home, width, ["yesterday 3pn"])
    assert_screen(f"log-opening-{width}", shown)


@pytest.mark.pty
def test_a_yes_or_no_question_wraps_at_words_too(journal_home: Path, run: object) -> None:
    from datetime import date

    created = run("log", "--note", "A call.", "--no-input")  # type: ignore[operator]
    assert created.exit_code == 0, created.output
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update(PEERJOURNAL_HOME=str(journal_home), TERM="xterm")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "forget", "--before", "tomorrow"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 60),
    )
    child.expect_exact("[y/N]: ")
    screen = pyte.Screen(60, 30)
    pyte.Stream(screen).feed(child.before + child.after)
    child.sendline("n")
    child.expect(pexpect.EOF)
    lines = [line.rstrip() for line in screen.display if line.strip()]
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    question = (
        f"Clear the reflections, aliases and notes of 1 entry from before {tomorrow}? "
        "Ratings are kept. This cannot be undone [y/N]:"
    )
    assert " ".join(lines) == question
    assert len(lines) > 1
    assert all(len(line) <= 60 for line in lines)
