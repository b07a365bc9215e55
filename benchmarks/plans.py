"""How SQLite runs each query of the database commands: EXPLAIN QUERY PLAN on a large journal.

    .venv/bin/python benchmarks/plans.py [--db JOURNAL] [COMMAND ...]

Runs each command in-process on a scratch copy of the journal (by default the
ten-year journal that benchmarks/run.py built), records every SQL statement it
sends, and prints each kind of statement once (values aside) with its plan.
A plan that reads a whole large table (entries, ratings, tags, flags,
follow-ups, edits), directly or by walking a whole index, is marked `!!`:
that is where an index, or a different ORDER BY, belongs. An export reads
everything by design; an everyday command should not.

Statements are what the connection's trace callback sees (db.statement_tracer),
with their values already in place, so each explains as it ran.
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
    "list -n 10 --flag safety",
    "show 1000",
    "show last",
    "review",
    "review --json",
    "search grandmother",
    "principles empathy",
    "peer R.",
    "followups",
    "export --format csv",
    "log --no-input --mode phone --note 'A short call.'",
)
# The tables that grow with the journal: reading one whole is what this looks for.
LARGE_TABLES = frozenset(("entry", "rating", "tag", "flag", "follow_up", "entry_edit"))
# Words that may follow a table's name and are not an alias for it.
_NOT_ALIASES = frozenset(
    "WHERE JOIN LEFT INNER CROSS ON USING ORDER GROUP LIMIT HAVING UNION AS".split()  # noqa: SIM905
)
_TABLE_NAMES = re.compile(
    r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", re.IGNORECASE
)
_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w.])-?\d+(?:\.\d+)?\b")
_VALUE_LIST = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")
_LONG_LIST = re.compile(r"\(((?:\s*[^,()]+\s*,){5,}\s*[^,()]+\s*)\)")


def capture(location: str, command: list[str]) -> list[tuple[str, Any]]:
    """The statements one command sends, in order, with their values filled in.

    Every connection, the read side's and the write side's, comes from
    db.open_connection, which hands each statement to db.statement_tracer.
    """
    from typer.testing import CliRunner

    from peerjournal import db
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
        db.dispose_engines()
    if result.exit_code != 0:
        print(f"  (exit {result.exit_code}: {result.output.strip()[-200:]})")
    return seen


def explain(path: Path, statement: str, parameters: Any) -> list[tuple[int, str]]:
    """SQLite's plan for the statement: (depth, step) in order."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()).fetchall()
    except sqlite3.Error as exc:
        return [(0, f"(cannot explain: {exc})")]
    finally:
        conn.close()
    depth: dict[int, int] = {0: -1}
    steps = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        steps.append((depth[node], detail))
    return steps


def shape(statement: str) -> str:
    """The statement with its values taken out: one line per kind of query."""
    text = _LITERAL.sub("?", " ".join(statement.split()))
    return _VALUE_LIST.sub("(?, ...)", text)


def shown(statement: str, width: int = 600) -> str:
    """The statement as sent, on one line, with long lists of values shortened."""

    def shorten(found: re.Match[str]) -> str:
        items = [item.strip() for item in found.group(1).split(",")]
        return f"({', '.join(items[:3])}, ... {len(items)} in all)"

    text = _LONG_LIST.sub(shorten, " ".join(statement.split()))
    return text if len(text) <= width else text[:width] + " ..."


def tables_by_alias(statement: str) -> dict[str, str]:
    """Each name a table goes by in the statement (`entry e` gives e and entry)."""
    names: dict[str, str] = {}
    for table, alias in _TABLE_NAMES.findall(statement):
        names[table] = table
        if alias and alias.upper() not in _NOT_ALIASES:
            names[alias] = table
    return names


def whole_reads(statement: str, plan: list[tuple[int, str]]) -> list[str]:
    """The large tables the plan reads from end to end, directly or through an index.

    An index walked in order at the top of a statement with a LIMIT and no
    sorting afterwards stops at the limit (`list -n 10`), so it does not count.
    """
    names = tables_by_alias(statement)
    sorted_after = any(step == "USE TEMP B-TREE FOR ORDER BY" for _depth, step in plan)
    limited = bool(re.search(r"\bLIMIT\s+\d+\s*$", statement.strip(), re.IGNORECASE))
    found = []
    for depth, step in plan:
        scan = _SCAN.match(step)
        if scan is None:
            continue
        table = names.get(scan.group(1), scan.group(1))
        if table not in LARGE_TABLES:
            continue
        index = scan.group(2)
        if index and depth == 0 and limited and not sorted_after:
            continue
        found.append(f"all of {table}" + (f" (through {index})" if index else ""))
    return found


def default_journal() -> Path | None:
    found = sorted((WORK / "journals").glob("journal-60000x*.db"))
    return found[-1] if found else None


def command_names() -> set[str]:
    """The commands this version of peerjournal has."""
    import typer
    from typer.core import TyperGroup

    from peerjournal.cli import app

    group = typer.main.get_command(app)
    return set(group.commands) if isinstance(group, TyperGroup) else set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/plans.py", description=__doc__)
    parser.add_argument("--db", type=Path, default=None, help="journal (default: the ten-year)")
    parser.add_argument("commands", nargs="*", help="commands to run, each one quoted")
    args = parser.parse_args(argv)
    source = args.db or default_journal()
    if source is None or not source.exists():
        print("No journal yet: run benchmarks/run.py once, or give --db.", file=sys.stderr)
        return 2
    commands = [shlex.split(c) for c in args.commands or DEFAULT_COMMANDS]
    known = command_names()
    marked: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PEERJOURNAL_HOME"] = str(Path(folder) / "home")
        (Path(folder) / "home").mkdir()
        scratch = Path(folder) / "journal.db"
        shutil.copyfile(source, scratch)
        for command in commands:
            name = shlex.join(command)
            if command[0] not in known:
                print(f"== peerjournal {name}: no such command in this version, skipped\n")
                continue
            print(f"== peerjournal {name}")
            done: set[str] = set()
            for statement, parameters in capture(str(scratch), command):
                key = shape(statement)
                if key in done:
                    continue
                done.add(key)
                plan = explain(scratch, statement, parameters)
                reads = whole_reads(statement, plan)
                if reads:
                    marked[name] = marked.get(name, 0) + 1
                    print(f"!! reads {'; '.join(reads)}")
                print(shown(statement))
                for depth, step in plan:
                    print(f"    {'  ' * depth}{step}")
                print()
    total = sum(marked.values())
    print(f"{total} statement(s) read a whole large table.")
    for name, count in marked.items():
        print(f"  peerjournal {name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
