"""The command line: parse, call one service, render."""

from __future__ import annotations

from peerjournal.cli import info, principles, review  # noqa: F401  (registers the commands)
from peerjournal.cli.app import app


def main() -> None:
    """Run peerjournal (the console script and `python -m peerjournal`)."""
    app(prog_name="peerjournal")
