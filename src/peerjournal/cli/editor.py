"""Opening the user's text editor on a file."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peerjournal.errors import PeerJournalError

FALLBACK_EDITORS = ("nano", "vi")


class EditorStopped(PeerJournalError):
    """The editor ended with an error, or was stopped; the file keeps what it saved."""


def editor_command() -> list[str]:
    """The editor the user chose ($VISUAL, then $EDITOR), or a common one that exists."""
    import shutil

    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise PeerJournalError(
        "No text editor was found. Set the EDITOR variable, for example: export EDITOR=nano"
    )


def open_in_editor(path: Path) -> None:
    """Let the user edit `path`; a failing editor is reported, the file is kept.

    While the editor runs, Ctrl-C belongs to it (as with `git commit`): peerjournal
    ignores it, so that it is never killed with the text the editor holds. An editor
    that Ctrl-C stops counts as failing.
    """
    command = [*editor_command(), str(path)]
    try:
        process = subprocess.Popen(command)
    except FileNotFoundError:
        raise PeerJournalError(
            f"The editor '{command[0]}' could not be started. "
            "Set EDITOR to an editor you have, for example: export EDITOR=nano"
        ) from None
    with _ctrl_c_ignored():
        returncode = process.wait()
    if returncode != 0:
        raise EditorStopped(
            f"The editor '{command[0]}' stopped with an error; your text is kept in {path}."
        )


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    # Only the main thread may change signal handling (tests may run elsewhere).
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
