"""The command line: parse, call one service, render.

The modules that define commands do not use `from __future__ import
annotations`. Typer reads every command's parameters on every run, even for
`--help`; annotations left as strings are compiled and evaluated again each
time (about 20 ms for twenty commands, a tenth of a bare Typer app's
start-up), while annotations evaluated once at import come from the cached
bytecode. Only names imported for type checking are quoted.
"""

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
