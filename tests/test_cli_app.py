"""What every command shares: --db on either side of the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main

from peerjournal.cli import app
from tests.conftest import RunCli


def commands() -> dict[str, typer.main.TyperCommand]:
    group = typer.main.get_command(app)
    found: dict[str, typer.main.TyperCommand] = group.commands  # type: ignore[attr-defined]
    return found


COMMANDS = sorted(commands())


# --- --db after the command ---------------------------------------------------------


def log(run: RunCli, *args: str) -> None:
    result = run("log", "--note", "A call about sleep.", "--no-input", *args)
    assert result.exit_code == 0, result.output


def test_db_after_the_command_picks_the_journal(run: RunCli, tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere.db"
    log(run, "--db", str(chosen), "--tag", "warmline")
    assert chosen.exists()
    listed = run("list", "--json", "--db", str(chosen))
    assert listed.exit_code == 0, listed.output
    assert [e["tags"] for e in json.loads(listed.stdout)] == [["warmline"]]
    # The same journal, named before the command.
    before = run("--db", str(chosen), "show", "last", "--json")
    assert before.exit_code == 0, before.output
    assert json.loads(before.stdout)["what_happened"] == "A call about sleep."
    # The default journal was never made.
    default = run("list")
    assert default.exit_code == 1, default.output
    assert "There is no journal" in default.stderr


def test_db_after_the_command_wins_over_the_environment(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env, from_flag = tmp_path / "env.db", tmp_path / "flag.db"
    monkeypatch.setenv("PEERJOURNAL_DB", str(from_env))
    log(run, "--db", str(from_flag))
    assert from_flag.exists() and not from_env.exists()


def test_two_different_journals_are_refused_in_one_sentence(run: RunCli, tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "a.db"), "list", "--db", str(tmp_path / "b.db"))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: --db is given twice (")
    assert result.stderr.count("\n") == 1
    same = tmp_path / "same.db"
    log(run, "--db", str(same))
    again = run("--db", str(same), "list", "--db", str(same))
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_db(run: RunCli, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert "--db" in result.stdout and "PEERJOURNAL_DB" in result.stdout
