"""What every command shares: --db on either side of the command, its help, shell completion."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import typer.main
from typer.core import TyperArgument, TyperOption

from peerjournal import encryption
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


# --- shell completion ---------------------------------------------------------------


def complete(shell: str, line: str, home: Path, **env: str) -> list[str]:
    """What peerjournal offers when Tab is pressed at the end of `line` in `shell`."""
    words = line.split(" ")
    variables = {
        **os.environ,
        "PEERJOURNAL_HOME": str(home),
        "_PEERJOURNAL_COMPLETE": f"complete_{shell}",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "peerjournal"],
        env=variables,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    if shell == "zsh":
        if done.stdout.strip() == "_files":
            return []
        # _arguments '*: :(("value":"help"\n"value"...))'
        return re.findall(r'(?:^|\(\()"([^"]+)"', done.stdout, flags=re.MULTILINE)
    return [line.split("\t")[0] for line in done.stdout.splitlines() if line]


SHELLS = ["bash", "zsh", "fish"]


@pytest.mark.parametrize("shell", SHELLS)
def test_tab_completes_commands_options_and_slugs(shell: str, journal_home: Path) -> None:
    assert complete(shell, "peerjournal re", journal_home) == ["review", "restore"]
    assert "--rate" in complete(shell, "peerjournal log --ra", journal_home)
    assert complete(shell, "peerjournal principles emp", journal_home) == [
        "empowerment",
        "empathy",
    ]
    assert complete(shell, "peerjournal principles cu", journal_home) == ["customize"]
    assert complete(shell, "peerjournal review --principle bou", journal_home) == ["boundaries"]
    assert complete(shell, "peerjournal list --flag d", journal_home) == [
        "debrief",
        "disclosure",
    ]
    assert complete(shell, "peerjournal log --flag s", journal_home) == ["safety"]
    assert complete(shell, "peerjournal log --mode p", journal_home) == ["phone"]
    # Nothing was created by pressing Tab.
    assert list(journal_home.iterdir()) == []


@pytest.mark.parametrize("shell", SHELLS)
def test_tab_completes_a_rating_to_its_scores(shell: str, journal_home: Path) -> None:
    assert complete(shell, "peerjournal log --rate emp", journal_home) == [
        "empowerment=",
        "empathy=",
    ]
    assert complete(shell, "peerjournal log --rate empa", journal_home) == [
        f"empathy={n}" for n in range(1, 6)
    ]
    assert complete(shell, "peerjournal log --rate emotional-s", journal_home) == [
        f"emotional-safety={n}" for n in range(1, 6)
    ]


def test_zsh_and_fish_see_the_score_typed_after_the_equals_sign(journal_home: Path) -> None:
    # bash splits the word at '=' itself; the others hand over the whole word.
    for shell in ("zsh", "fish"):
        assert complete(shell, "peerjournal log --rate trust=", journal_home) == [
            f"trust={n}" for n in range(1, 6)
        ]
        assert complete(shell, "peerjournal log --rate hope=4", journal_home) == ["hope=4"]


@pytest.mark.parametrize("shell", SHELLS)
def test_tab_completes_the_journals_tags(
    shell: str, run: RunCli, journal_home: Path, tmp_path: Path
) -> None:
    log(run, "--tag", "warmline", "--tag", "first-contact")
    log(run, "--tag", "Warmline")
    assert complete(shell, "peerjournal list --tag ", journal_home) == [
        "first-contact",
        "warmline",
    ]
    assert complete(shell, "peerjournal log --tag w", journal_home) == ["warmline"]
    other = tmp_path / "other.db"
    log(run, "--db", str(other), "--tag", "group-night")
    for line in (
        f"peerjournal --db {other} search sleep --tag ",
        f"peerjournal search sleep --db {other} --tag ",
    ):
        assert complete(shell, line, journal_home) == ["group-night"], line
    assert complete(shell, "peerjournal list --tag ", journal_home, PEERJOURNAL_DB=str(other)) == [
        "group-night"
    ]


def test_tab_reads_no_journal_it_cannot_open_and_makes_none(
    journal_home: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "journal.db"
    assert complete("bash", f"peerjournal list --db {missing} --tag ", journal_home) == []
    assert not missing.parent.exists()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a journal at all" * 100)
    assert complete("bash", f"peerjournal list --db {damaged} --tag ", journal_home) == []
    assert damaged.read_bytes() == b"not a journal at all" * 100


@pytest.mark.pty
def test_tab_on_an_encrypted_journal_offers_no_tags_and_asks_nothing(
    run: RunCli, journal_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log(run, "--tag", "warmline")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, "correct horse battery")
    assert run("encrypt").exit_code == 0
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    line = "peerjournal list --tag "
    env = {
        **os.environ,
        "PEERJOURNAL_HOME": str(journal_home),
        "_PEERJOURNAL_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": "3",
    }
    # At a terminal, where a passphrase would be asked for if anything asked.
    child = pexpect.spawn(
        sys.executable, ["-m", "peerjournal"], env=env, encoding="utf-8", timeout=30
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert child.before.strip() == ""


def test_completion_scripts_for_each_shell(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without detecting the shell, --show-completion takes its name.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    for shell, mark in (
        ("bash", "complete -o default -F _peerjournal_completion peerjournal"),
        ("zsh", "compdef _peerjournal_completion peerjournal"),
        ("fish", "complete --command peerjournal"),
    ):
        result = run("--show-completion", shell)
        assert result.exit_code == 0, result.output
        assert mark in result.stdout
        assert "_PEERJOURNAL_COMPLETE=complete_" in result.stdout
    shown = flat_help(run)
    assert "--install-completion" in shown and "--show-completion" in shown
