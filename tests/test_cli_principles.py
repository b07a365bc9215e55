"""`peerjournal principles`, `path` and `--version` as a user runs them."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
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
    assert "safety concern" in data["safety_note"]
    assert data["support"] == []
    assert data["support_is_placeholder"] is True
    assert "peerjournal principles customize" in data["support_placeholder"]
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


# --- the safety note and who to turn to -----------------------------------------


def test_the_list_ends_with_the_safety_note_and_how_to_add_support(run: RunCli) -> None:
    result = run("principles")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "On safety: Acting on a safety concern within your organisation's protocol" in out
    tail = out[out.index("Who you can turn to") :]
    assert "peerjournal principles customize" in tail
    assert out.index("boundaries") < out.index("On safety") < out.index("Who you can turn to")


TEAM_GUIDE_SUPPORT = """
[[support.contact]]
name = "Dana, my supervisor"
how = "Call 555 0100, weekdays 9 to 5 [bold]not markup[/]"

[[support.contact]]
name = "Peer line for supporters"
how = "Evenings, any day"
"""


def team_guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    chosen = tmp_path / "team.toml"
    text = (
        default_guide_path()
        .read_text(encoding="utf-8")
        .replace('safety_note = "', 'safety_note = "Our own words. ')
    )
    chosen.write_text(text + TEAM_GUIDE_SUPPORT, encoding="utf-8")
    monkeypatch.setenv("PEERJOURNAL_PRINCIPLES", str(chosen))
    return chosen


def test_an_organisations_contacts_are_listed_instead_of_the_placeholder(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_guide(tmp_path, monkeypatch)
    result = run("principles")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "On safety: Our own words. Acting on a safety concern" in out
    assert "Dana, my supervisor: Call 555 0100, weekdays 9 to 5 [bold]not markup[/]" in out
    assert "Peer line for supporters: Evenings, any day" in out
    assert "principles customize" not in out
    data = json.loads(run("principles", "--json").stdout)
    assert data["support"][1] == {"name": "Peer line for supporters", "how": "Evenings, any day"}
    assert data["support_is_placeholder"] is False
    assert data["safety_note"].startswith("Our own words.")


# --- did you mean ------------------------------------------------------------------


def one_error_line(result: object) -> str:
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert lines[0].startswith("Error: ")
    return str(lines[0])


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["principles", "empaty"], "empathy"),
        (["log", "--note", "A call.", "--rate", "empaty=4", "--no-input"], "empathy"),
        (["review", "--principle", "boundries"], "boundaries"),
    ],
)
def test_a_mistyped_slug_suggests_the_near_one(run: RunCli, args: list[str], meant: str) -> None:
    assert run("log", "--note", "An earlier call.", "--rate", "hope=4", "--no-input").exit_code == 0
    result = run(*args)
    assert result.exit_code == 1, result.output
    line = one_error_line(result)
    assert f"did you mean '{meant}'?" in line
    assert "Choose one of" not in line and "open-mind" not in line
    assert "Traceback" not in result.output


# --- a broken customised guide ----------------------------------------------------

BROKEN = 'version = 1\n[[principle]]\nslug = "a"\nname = \n'


@pytest.fixture
def broken_guide(run: RunCli, journal_home: Path) -> Path:
    """A journal with one entry, and then a typo in the supporter's own guide."""
    saved = run("log", "--note", "We talked about sleep.", "--rate", "empathy=4", "--no-input")
    assert saved.exit_code == 0, saved.output
    mine = journal_home / "principles.toml"
    mine.write_text(BROKEN, encoding="utf-8")
    return mine


@pytest.mark.parametrize(
    "args",
    [
        ["principles"],
        ["principles", "empathy"],
        ["principles", "--json"],
        ["list"],
        ["review", "--until", "today"],
        ["review", "--principle", "empathy"],
        ["export", "--format", "csv"],
    ],
)
def test_reading_commands_run_on_the_built_in_guide_with_one_warning(
    run: RunCli, broken_guide: Path, args: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    warning = " ".join(result.stderr.split())
    assert warning.count("Warning:") == 1, result.stderr
    assert f"The guide {broken_guide}, line 4 is not valid" in warning
    assert "To fix it: peerjournal principles customize" in warning
    assert "Traceback" not in result.output


def test_the_built_in_guide_is_the_one_shown(run: RunCli, broken_guide: Path) -> None:
    data = json.loads(run("principles", "--json").stdout)
    assert [p["slug"] for p in data["principles"]] == list(DEFAULT_SLUGS)
    assert data["source"] == "default"


@pytest.mark.parametrize(
    "args", [["show", "1"], ["search", "sleep"], ["export"], ["backup"], ["principles", "path"]]
)
def test_commands_that_need_no_guide_run_as_before(
    run: RunCli, broken_guide: Path, args: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--note", "Another call.", "--rate", "hope=3", "--no-input"],
        ["edit", "1", "--editor"],
    ],
)
def test_commands_that_save_ratings_refuse_naming_the_file_and_line(
    run: RunCli, broken_guide: Path, args: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code == 1, result.output
    line = one_error_line(result)
    assert f"{broken_guide}, line 4" in line
    listed = json.loads(run("list", "--json").stdout)
    assert len(listed) == 1


def test_a_broken_guide_named_by_the_environment_says_how_to_stop_using_it(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "team.toml"
    chosen.write_text(BROKEN, encoding="utf-8")
    monkeypatch.setenv("PEERJOURNAL_PRINCIPLES", str(chosen))
    result = run("principles")
    assert result.exit_code == 0, result.output
    warning = " ".join(result.stderr.split())
    assert f"The guide {chosen}, line 4 is not valid" in warning
    assert "unset PEERJOURNAL_PRINCIPLES" in warning


# --- customize ------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("loose_umask")
def test_customize_makes_a_private_copy(run: RunCli, journal_home: Path) -> None:
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    mine = journal_home / "principles.toml"
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
    assert mine.read_bytes() == default_guide_path().read_bytes()


def fake_editor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *versions: str) -> Path:
    """Set $EDITOR to a script that writes the next of `versions` each time it is opened.

    Each opening is counted in the file returned.
    """
    script = tmp_path / "editor.py"
    plan = tmp_path / "versions.json"
    plan.write_text(json.dumps(list(versions)), encoding="utf-8")
    opened = tmp_path / "opened"
    script.write_text(
        "import json, pathlib, sys\n"
        f"versions = json.loads(pathlib.Path({str(plan)!r}).read_text())\n"
        f"opened = pathlib.Path({str(opened)!r})\n"
        "n = int(opened.read_text()) if opened.exists() else 0\n"
        "opened.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[1]).write_text(versions[min(n, len(versions) - 1)])\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return opened


def with_contact(name: str) -> str:
    default = default_guide_path().read_text(encoding="utf-8")
    return default + f'\n[[support.contact]]\nname = "{name}"\nhow = "Call, weekdays"\n'


@pytest.fixture
def at_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peerjournal.cli.principles.at_a_terminal", lambda: True)


@pytest.mark.usefixtures("at_terminal")
def test_customize_opens_the_copy_and_checks_it(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_editor(monkeypatch, tmp_path, with_contact("My supervisor"))
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    assert opened.read_text() == "1"
    assert "Your guide is checked: 9 principles and 1 support contact." in result.stderr
    shown = run("principles")
    assert "My supervisor: Call, weekdays" in " ".join(shown.stdout.split())


@pytest.mark.usefixtures("at_terminal")
def test_a_mistake_on_save_is_offered_back_to_the_editor(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    opened = fake_editor(monkeypatch, tmp_path, BROKEN, with_contact("Peer line"))
    result = run("principles", "customize", input="\n")  # Enter: yes, open it again
    assert result.exit_code == 0, result.output
    assert opened.read_text() == "2"
    err = " ".join(result.stderr.split())
    assert f"{journal_home / 'principles.toml'}, line 4 is not valid" in err
    assert "Open it again to fix it?" in err
    assert "Your guide is checked: 9 principles and 1 support contact." in err


@pytest.mark.usefixtures("at_terminal")
def test_declining_to_fix_keeps_the_changes_and_says_what_that_means(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    opened = fake_editor(monkeypatch, tmp_path, BROKEN)
    result = run("principles", "customize", input="n\n")
    assert result.exit_code == 1, result.output
    assert opened.read_text() == "1"
    assert (journal_home / "principles.toml").read_text(encoding="utf-8") == BROKEN
    err = " ".join(result.stderr.split())
    assert "Your changes are kept in" in err
    assert "'peerjournal log' will not start" in err
    assert "Traceback" not in result.output


def test_off_a_terminal_customize_only_copies_and_says_where(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    opened = fake_editor(monkeypatch, tmp_path, BROKEN)
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(journal_home / "principles.toml")
    assert not opened.exists()


def test_customize_says_when_the_environment_points_elsewhere(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = team_guide(tmp_path, monkeypatch)
    result = run("principles", "customize")
    assert result.exit_code == 0, result.output
    assert f"PEERJOURNAL_PRINCIPLES is set, so peerjournal reads {chosen}" in " ".join(
        result.stderr.split()
    )


@pytest.mark.pty
def test_customize_in_a_real_terminal_reopens_a_broken_guide(
    journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_editor(monkeypatch, tmp_path, BROKEN, with_contact("Supervisor"))
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "principles", "customize"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )
    child.expect_exact("line 4 is not valid")
    child.expect_exact("Open it again to fix it?")
    child.sendline("y")
    child.expect_exact("Your guide is checked: 9 principles and 1 support contact.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert opened.read_text() == "2"
    mine = journal_home / "principles.toml"
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
