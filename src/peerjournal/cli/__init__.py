"""The command line: parse, call one service, render."""

from __future__ import annotations

from peerjournal.cli import (  # noqa: F401  (registers the commands)
    data,
    encrypt,
    entries,
    followups,
    info,
    log,
    peer,
    principles,
    review,
)
from peerjournal.cli.app import app


def main() -> None:
    """Run peerjournal (the console script and `python -m peerjournal`)."""
    app(prog_name="peerjournal")
