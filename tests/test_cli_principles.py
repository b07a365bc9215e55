"""`peerjournal principles`, `path` and `--version` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerjournal import __version__
from peerjournal.paths import default_guide_path
from tests.conftest import RunCli

from .test_principles import DEFAULT_SLUGS


def test_version(run: RunCli) -> None:
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"peerjournal {__version__}"


def test_list_shows_every_principle_with_its_summary(run: RunCli) -> None:
    result = run("principles")
    assert result.exit_code == 0, result.output
    assert "Mutual respect" in result.stdout
    assert "Setting aside my own bias" in result.stdout
    for slug in DEFAULT_SLUGS:
        assert slug in result.stdout
    assert result.stderr == ""


def test_one_principle_in_full_by_unique_prefix(run: RunCli) -> None:
    result = run("principles", "emotional_s")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Emotional safety" in out
    assert "Ask yourself" in out
    assert "What a 1 looks like" in out and "What a 5 looks like" in out


@pytest.mark.parametrize(
    ("given", "fragment"), [("emp", "more than one"), ("kind", "no principle")]
)
def test_unknown_or_ambiguous_slug_is_one_line_listing_the_valid_ones(
    run: RunCli, given: str, fragment: str
) -> None:
    result = run("principles", given)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment in lines[0]
    assert "empathy" in lines[0]
    assert "Traceback" not in result.output


def test_json_lists_the_guide_for_scripts(run: RunCli) -> None:
    result = run("principles", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["slug"] for p in data["principles"]] == list(DEFAULT_SLUGS)
    assert data["source"] == "default"
    one = json.loads(run("principles", "hope", "--json").stdout)
    assert one["name"] == "Hope and resilience"
    assert isinstance(one["questions"], list) and len(one["questions"]) >= 2


def test_path_names_the_guide_in_use_following_the_order(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("principles", "path").stdout.strip() == str(default_guide_path())
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    user_copy = journal_home / "principles.toml"
    assert result.stdout.strip() == str(user_copy)
    assert user_copy.read_bytes() == default_guide_path().read_bytes()
    assert run("principles", "path").stdout.strip() == str(user_copy)
    chosen = tmp_path / "team.toml"
    chosen.write_bytes(default_guide_path().read_bytes())
    monkeypatch.setenv("PEERJOURNAL_PRINCIPLES", str(chosen))
    assert run("principles", "path").stdout.strip() == str(chosen)


def test_customize_never_overwrites_the_users_copy(run: RunCli, journal_home: Path) -> None:
    mine = journal_home / "principles.toml"
    mine.write_text("# my own words\n", encoding="utf-8")
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    assert "left as it is" in result.stderr
    assert mine.read_text(encoding="utf-8") == "# my own words\n"


def test_a_broken_user_guide_is_a_plain_error_naming_the_file(
    run: RunCli, journal_home: Path
) -> None:
    mine = journal_home / "principles.toml"
    mine.write_text('version = 1\n[[principle]]\nslug = "a"\nname = \n', encoding="utf-8")
    result = run("principles")
    assert result.exit_code == 1, result.output
    assert f"{mine}, line 4" in result.stderr
    assert "Traceback" not in result.output


def test_path_lists_database_guide_and_config(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("path", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["database"] == str(journal_home / "journal.db")
    assert data["config"] == str(journal_home)
    monkeypatch.setenv("PEERJOURNAL_DB", str(tmp_path / "env.db"))
    assert json.loads(run("path", "--json").stdout)["database"] == str(tmp_path / "env.db")
    flagged = json.loads(run("--db", str(tmp_path / "flag.db"), "path", "--json").stdout)
    assert flagged["database"] == str(tmp_path / "flag.db")
    human = run("path").stdout
    assert "database" in human and "guide" in human and "config" in human


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["path"],
        ["principles"],
        ["principles", "trust"],
        ["principles", "path"],
    ],
)
def test_reading_commands_create_nothing(run: RunCli, journal_home: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert list(journal_home.iterdir()) == []


def test_every_command_has_help(run: RunCli) -> None:
    from typer.main import get_command

    from peerjournal.cli import app

    group = get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert names, "no commands registered"
    for name in names:
        result = run(name, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.stdout
        help_text = group.commands[name].help  # type: ignore[attr-defined]
        assert help_text and help_text.strip(), f"{name} has no help"


def test_help_lists_the_three_flows_first(run: RunCli) -> None:
    result = run("--help")
    assert result.exit_code == 0, result.output
    out = result.stdout
    positions = [out.index(f" {name} ") for name in ("log", "review", "principles", "list", "path")]
    assert positions == sorted(positions)


def test_customize_where_no_folder_can_be_made_is_a_plain_error(
    run: RunCli, journal_home: Path
) -> None:
    journal_home.rmdir()
    journal_home.write_text("a file where the config folder should be\n")
    result = run("principles", "customize")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert str(journal_home) in lines[0]
