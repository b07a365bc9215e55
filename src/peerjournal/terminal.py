"""Reading one line from the person at the terminal: line editing, a prefilled answer, history.

Line editing is the standard library's `readline` (GNU readline, or libedit on
macOS): it costs about a millisecond to import, where prompt_toolkit costs
about a hundred before the first question could appear. It is imported only
when the first question is asked.

Python's `input()` edits a line only when stdin and stdout are both the
terminal, and readline draws the prompt and the line on stdout. stdout may be
a file or a pipe (`peerjournal log --json > entry.json`) that must receive
data only, so while a line is read, file descriptor 1 is pointed at the
terminal that stderr writes to and put back afterwards, even on Ctrl-C.

Where readline is missing (Windows) or stdin or stderr is not a terminal, the
prompt goes to stderr and one line is read plainly; an answer left empty then
keeps the prefilled text, as pressing Enter on the prefilled line would.

History is kept in memory for the run only, under a name the caller picks, so
that reflections are never written to a history file.
"""

from __future__ import annotations

import os
import re
import sys
from types import ModuleType

from peerjournal.output import inert

# The sequences that colour a prompt (CSI ... m and its kin, and OSC links). Readline
# must be told they take no room on screen, or it puts the cursor in the wrong
# place when it redraws the line.
_INVISIBLE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_HIDE_START = "\x01"  # readline's RL_PROMPT_START_IGNORE
_HIDE_END = "\x02"  # RL_PROMPT_END_IGNORE

# Keys that terminals send for Home, End and Delete which not every readline set-up
# binds: xterm, VT220 (tmux, screen, the Linux console) and rxvt forms.
_KEY_BINDINGS = (
    r'"\e[H": beginning-of-line',
    r'"\e[F": end-of-line',
    r'"\eOH": beginning-of-line',
    r'"\eOF": end-of-line',
    r'"\e[1~": beginning-of-line',
    r'"\e[4~": end-of-line',
    r'"\e[7~": beginning-of-line',
    r'"\e[8~": end-of-line',
    r'"\e[3~": delete-char',
    # Only what the caller offers is recalled: Tab types a tab, never completes file names.
    r'"\t": tab-insert',
)

_histories: dict[str, list[str]] = {}
_readline: ModuleType | None = None
_readline_missing = False


def line_editing() -> bool:
    """Whether `read_line` offers line editing here: readline is present and the
    person types at a terminal that stderr also writes to."""
    if not _streams_are_the_terminal():
        return False
    return _load_readline() is not None


def read_line(prompt: str, *, prefill: str = "", history: str | None = None) -> str:
    """One line the person types after `prompt`, without its line ending.

    `prompt` may carry ANSI colour and several lines; everything goes to stderr.
    The line starts out holding `prefill` (one line), to be changed or kept with
    Enter. `history` names the list of earlier answers that Up and Down walk
    through; the answer joins it. None: no history, and the answer is not kept.
    Ctrl-C raises KeyboardInterrupt; Ctrl-D on an empty line (end of input) raises
    EOFError.
    """
    if line_editing():
        answer = _read_edited(prompt, prefill, history)
    else:
        answer = _read_plain(prompt, prefill)
    if history is not None and answer.strip():
        earlier = _histories.setdefault(history, [])
        if not earlier or earlier[-1] != answer:
            earlier.append(answer)
    return answer


def unfinished_line() -> str:
    """What was on the line when Ctrl-C stopped `read_line` ("" without line editing):
    readline keeps it until the next line is read."""
    readline = _load_readline() if line_editing() else None
    return readline.get_line_buffer() if readline is not None else ""


def readline_prompt(prompt: str) -> str:
    """`prompt` with its colour sequences marked as taking no room on screen."""
    return _INVISIBLE.sub(lambda found: f"{_HIDE_START}{found.group()}{_HIDE_END}", prompt)


# --- the two ways of reading ---------------------------------------------------------


def _read_plain(prompt: str, prefill: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    answer = line.rstrip("\r\n")
    return prefill if prefill and not answer.strip() else answer


def _read_edited(prompt: str, prefill: str, history: str | None) -> str:
    readline = _load_readline()
    assert readline is not None
    # Lines above the last one are printed here: readline redraws only the line it edits.
    above, _, last = prompt.rpartition("\n")
    if above:
        sys.stderr.write(above + "\n")
    sys.stderr.flush()

    readline.clear_history()
    for earlier in _histories.get(history, []) if history is not None else []:
        readline.add_history(earlier)
    line = prefill.replace("\r", " ").replace("\n", " ")
    kept = ""
    if inert(line) != line:
        # readline would print C1 controls and direction overrides as they are, for the
        # terminal to obey: such an answer is shown in visible escapes, and Enter keeps it.
        sys.stderr.write(f"  Now: {inert(line)} (Enter keeps it as it is)\n")
        kept, line = prefill, ""
    readline.set_startup_hook((lambda: readline.insert_text(line)) if line else None)

    # Whatever is already written for stdout goes where it belongs before fd 1 moves.
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    try:
        os.dup2(2, 1)
        answer = input(readline_prompt(last))
        return kept if kept and not answer.strip() else answer
    finally:
        readline.set_startup_hook(None)
        os.dup2(saved_stdout, 1)
        os.close(saved_stdout)


# --- finding readline ----------------------------------------------------------------


def _streams_are_the_terminal() -> bool:
    # input() hands the line to readline only when sys.stdin and sys.stdout are the
    # process's own descriptors 0 and 1; a test harness may have replaced them.
    try:
        if sys.stdin.fileno() != 0 or sys.stdout.fileno() != 1:
            return False
        return sys.stderr.fileno() == 2 and os.isatty(0) and os.isatty(2)
    except (AttributeError, OSError, ValueError):
        return False


def _load_readline() -> ModuleType | None:
    global _readline, _readline_missing
    if _readline is None and not _readline_missing:
        try:
            import readline
        except ImportError:
            _readline_missing = True
            return None
        readline.set_auto_history(False)
        if not _is_libedit(readline):
            # libedit reads these lines in its own syntax; its defaults already bind the keys.
            for binding in _KEY_BINDINGS:
                readline.parse_and_bind(binding)
        _readline = readline
    return _readline


def _is_libedit(readline: ModuleType) -> bool:
    backend = getattr(readline, "backend", None)  # Python 3.13 and later
    if backend is not None:
        return bool(backend == "editline")
    return "libedit" in (readline.__doc__ or "")
