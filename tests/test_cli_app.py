"""What every command shares: --db on either side of the command, and its help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperArgument, TyperOption

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


# --- help ----------------------------------------------------------------------------

# Click's ways of saying a number's bounds: the help and the error say them in words.
NOISE = ("x>=", "x<=", "x>", "x<", "range>", "range]")


def flat_help(run: RunCli, *args: str) -> str:
    result = run(*args, "--help")
    assert result.exit_code == 0, result.output
    return " ".join(re.sub("[│╭╮╰╯─]", " ", result.stdout).split())


def shows_default(param: TyperOption | TyperArgument) -> bool:
    """Whether Typer adds "[default: …]" to this parameter's help."""
    if isinstance(param, TyperArgument) or param.is_flag:
        return False
    return bool(param.show_default) and param.default not in (None, (), [])


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_says_each_default_once_without_range_noise(run: RunCli, name: str) -> None:
    shown = flat_help(run, *([name] if name else []))
    for noise in NOISE:
        assert noise not in shown, noise
    group = typer.main.get_command(app)
    command = commands()[name] if name else group
    for param in command.params:
        assert isinstance(param, TyperOption | TyperArgument)
        said = (param.help or "").lower()
        if shows_default(param):
            assert "default" not in said, f"{param.name}: the default is said twice"
            value = getattr(param.default, "value", param.default)
            assert f"[default: {value}]" in shown, param.name
        # Nothing in a help text is taken for markup and lost.
        for word in " ".join((param.help or "").split()).split():
            assert word in shown, (param.name, word)
