"""Start-up stays light: everyday commands never load the ORM, pydantic or SQLCipher.

Two guards hold this. Statically, ruff's banned-module-level-imports (TID253,
configured in pyproject.toml) refuses a module-level import of sqlmodel,
sqlalchemy, pydantic or the write side's modules anywhere but the write side
itself. At run time, the tests below run each everyday command in a fresh
interpreter on a small real journal and look in `sys.modules`: that also
catches an import that arrives indirectly, through another module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

# The top-level packages an everyday command must never load.
HEAVY = ("sqlmodel", "sqlalchemy", "pydantic", "pydantic_core", "sqlcipher3")

PROBE = """
import json, sys
{before}
from peerjournal.cli import main
sys.argv = ["peerjournal", *{args!r}]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print("\\nPROBE " + json.dumps({{"exit": code, "heavy": heavy}}), file=sys.stderr)
"""

# A word only the small journal's reflections hold, so a command that found
# nothing (and so maybe never reached the read side) cannot pass.
WORD = "lighthouse"


@dataclass(frozen=True)
class Ran:
    """What one command did in its own interpreter."""

    exit: int
    heavy: list[str]
    stdout: str
    stderr: str


def run_fresh(args: list[str], home: Path | None = None, *, before: str = "") -> Ran:
    """Run peerjournal ARGS in a new interpreter; the heavy modules it had loaded at the end.

    `before` is code run first (for the test that shows the probe can fail).
    """
    env = dict(os.environ)
    if home is not None:
        env["PEERJOURNAL_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY, before=before)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )
    marker = done.stderr.rfind("PROBE ")
    assert marker >= 0, done.stderr
    found = json.loads(done.stderr[marker + len("PROBE ") :])
    return Ran(found["exit"], found["heavy"], done.stdout, done.stderr[:marker])


@pytest.fixture(scope="module")
def small_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding a real journal of this week: ratings, notes, tags, flags, follow-ups.

    Made through the write side, as `log` makes one; returns the home folder.
    """
    from peerjournal import db
    from peerjournal.journal import open_journal
    from peerjournal.records import FollowUp, NewEntry, Rating

    home = tmp_path_factory.mktemp("everyday") / "home"
    home.mkdir()
    now = datetime.now().astimezone()
    with open_journal(db.locate(str(home / "journal.db"))) as journal:
        for number in range(5):
            journal.add_entry(
                NewEntry(
                    occurred_at=now - timedelta(hours=2 + 20 * number),
                    mode="phone",
                    minutes=20,
                    peer="R.",
                    what_happened=f"We talked about the {WORD} walk, call {number}.",
                    so_what="I held back advice.",
                    now_what="Ask what they want first.",
                    feeling=3,
                    ratings=(
                        Rating("empathy", "Empathy", 4, "Listened before answering."),
                        Rating("emotional-safety", "Emotional safety", 5),
                    ),
                    tags=("warmline",),
                    flags=("debrief",),
                    follow_ups=(FollowUp("Send the leaflet"),),
                    shared=True,
                )
            )
    db.dispose_engines()
    return home


# Each everyday command, and words its output must hold when it really read the journal.
EVERYDAY: list[tuple[list[str], str]] = [
    (["list", "-n", "10"], f"{WORD} walk"),
    (["show", "1"], f"{WORD} walk, call 0"),
    (["show", "last"], f"{WORD} walk, call 4"),
    (["search", WORD], f"{WORD} walk"),
    (["review"], "Ask what they want first."),
    (["review", "--json"], '"empathy"'),
    (["export"], f"{WORD} walk, call 3"),
    (["export", "--format", "csv"], f"{WORD} walk, call 2"),
    (["principles", "empathy"], f"{WORD} walk"),
    (["peer", "R."], f"{WORD} walk, call 4"),
    (["path"], "journal.db"),
]
# Commands that may read or write through the ORM (the write side loads it on purpose).
WRITE_SIDE = {
    "log",
    "done",
    "edit",
    "delete",
    "share",
    "import",
    "backup",
    "restore",
    "forget",
    "encrypt",
}


def _commands() -> set[str]:
    import typer
    from typer.core import TyperGroup

    from peerjournal.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return set(group.commands)


if "followups" in _commands():
    EVERYDAY.append((["followups"], "Send the leaflet"))


@pytest.mark.parametrize(("args", "expected"), EVERYDAY, ids=[" ".join(a) for a, _ in EVERYDAY])
def test_everyday_commands_never_load_the_orm(
    args: list[str], expected: str, small_journal: Path
) -> None:
    ran = run_fresh(args, small_journal)
    assert ran.exit == 0, ran.stderr
    assert expected in ran.stdout, ran.stdout
    assert ran.heavy == [], f"peerjournal {' '.join(args)} loaded {ran.heavy}"


def test_every_command_is_either_everyday_or_write_side() -> None:
    """A new command says which it is: an everyday one joins the guard above."""
    everyday = {args[0] for args, _ in EVERYDAY} | {"followups"}
    unplaced = _commands() - everyday - WRITE_SIDE
    assert not unplaced, (
        f"Add {sorted(unplaced)} to EVERYDAY (it must not load the ORM) or to WRITE_SIDE."
    )


def test_the_guard_sees_a_heavy_import(journal_home: Path) -> None:
    """The probe itself can fail: a command run after the write side loaded is caught."""
    ran = run_fresh(["--version"], before="import peerjournal.journal")
    assert ran.exit == 0, ran.stderr
    assert {"sqlalchemy", "sqlmodel", "pydantic"} <= set(ran.heavy)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["path"], ["principles"], ["principles", "empathy"]],
)
def test_quick_commands_do_not_import_the_database_layer(
    args: list[str], journal_home: Path
) -> None:
    ran = run_fresh(args)
    assert ran.exit == 0, ran.stderr
    assert ran.heavy == [], ran.heavy


def test_command_parameters_are_read_without_compiling_their_annotations() -> None:
    """Typer reads them on every run; as text each is compiled again (cli's docstring)."""
    from peerjournal.cli import app

    callbacks = [info.callback for info in app.registered_commands]
    if app.registered_callback is not None:
        callbacks.append(app.registered_callback.callback)
    as_text = sorted(
        f"{callback.__module__}.{callback.__name__}({name})"
        for callback in callbacks
        if callback is not None
        for name, annotation in callback.__annotations__.items()
        if isinstance(annotation, str)
    )
    assert len(callbacks) >= 20
    assert as_text == [], f"annotations kept as text: {as_text}"


def test_python_dash_m_runs_the_cli(journal_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "peerjournal", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("peerjournal ")
