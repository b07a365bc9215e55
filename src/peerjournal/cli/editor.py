"""Opening the user's text editor on a file."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from peerjournal.errors import PeerJournalError

FALLBACK_EDITORS = ("nano", "vi")


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
    """Let the user edit `path`; a failing editor is reported, the file is kept."""
    command = [*editor_command(), str(path)]
    try:
        result = subprocess.run(command, check=False)
    except FileNotFoundError:
        raise PeerJournalError(
            f"The editor '{command[0]}' could not be started. "
            "Set EDITOR to an editor you have, for example: export EDITOR=nano"
        ) from None
    if result.returncode != 0:
        raise PeerJournalError(
            f"The editor '{command[0]}' stopped with an error; your text is kept in {path}."
        )
