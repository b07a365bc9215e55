"""How SQLite runs each query of the database commands: EXPLAIN QUERY PLAN on a large journal.

    .venv/bin/python benchmarks/plans.py [--db JOURNAL] [COMMAND ...]

Runs each command in-process on a scratch copy of the journal (by default the
ten-year journal that benchmarks/run.py built), records every SQL statement it
sends, and prints each distinct statement once with its plan. A plan that
reads a whole large table (`SCAN entry`, `SCAN rating`, `SCAN tag`) is marked:
that is where an index, or a different ORDER BY, belongs.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"

DEFAULT_COMMANDS = (
    "list -n 10",
    "list -n 10 --since 2017-01-01",
    "list -n 10 --tag crisis",
    "show 1000",
    "review",
    "search grandmother",
    "export --format csv",
)
_WHOLE_TABLE = re.compile(r"\bSCAN (entry|rating|tag)\b(?! USING (COVERING )?INDEX)")


def capture(location: str, command: list[str]) -> list[tuple[str, Any]]:
    """The statements one command sends, in order, with their values filled in.

    Every connection, the read side's and the write side's, comes from
    db.open_connection, which hands each statement to db.statement_tracer.
    """
    from typer.testing import CliRunner

    from peerjournal import copies, db
    from peerjournal.cli import app

    seen: list[tuple[str, Any]] = []

    def record(statement: str) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            seen.append((statement, ()))

    db.statement_tracer = record
    try:
        result = CliRunner().invoke(app, ["--db", location, *command], prog_name="peerjournal")
    finally:
        db.statement_tracer = None
        copies.dispose_engines()
    if result.exit_code != 0:
        print(f"  (exit {result.exit_code}: {result.output.strip()[-200:]})")
    return seen


def explain(path: Path, statement: str, parameters: Any) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()).fetchall()
    except sqlite3.Error as exc:
        return [f"(cannot explain: {exc})"]
    finally:
        conn.close()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def default_journal() -> Path | None:
    found = sorted((WORK / "journals").glob("journal-60000x*.db"))
    return found[-1] if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/plans.py", description=__doc__)
    parser.add_argument("--db", type=Path, default=None, help="journal (default: the ten-year)")
    parser.add_argument("commands", nargs="*", help="commands to run, each one quoted")
    args = parser.parse_args(argv)
    source = args.db or default_journal()
    if source is None or not source.exists():
        print("No journal yet: run benchmarks/run.py once, or give --db.", file=sys.stderr)
        return 2
    commands = [shlex.split(c) for c in args.commands] or [shlex.split(c) for c in DEFAULT_COMMANDS]
    marked = 0
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PEERJOURNAL_HOME"] = str(Path(folder) / "home")
        scratch = Path(folder) / "journal.db"
        shutil.copyfile(source, scratch)
        for command in commands:
            print(f"== peerjournal {shlex.join(command)}")
            done: set[str] = set()
            for statement, parameters in capture(str(scratch), command):
                if statement in done or not statement.lstrip().upper().startswith("SELECT"):
                    continue
                done.add(statement)
                plan = explain(scratch, statement, parameters)
                whole = any(_WHOLE_TABLE.search(line) for line in plan)
                marked += whole
                print(("!! reads a whole table\n" if whole else "") + " ".join(statement.split()))
                for line in plan:
                    print(f"    {line}")
                print()
    print(f"{marked} statement(s) read a whole large table.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
