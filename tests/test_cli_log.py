"""`peerjournal log` from scripts and shells: flags, checks, privacy, editor and drafts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from peerjournal import drafts
from peerjournal.errors import DatabaseError
from tests.conftest import RunCli

HOSTILE = (
    "[bold]not bold[/] [/] [link=https://x]link[/link] \x1b[31mred\x1b[0m "
    "\x1b]0;title\x07 \x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\ bell\x07 nul\x00 \u202eevil"
)


def said(result: Result) -> str:
    """What the command said on stderr, with the lines the terminal width wrapped joined."""
    return " ".join(result.stderr.split())


def entries(run: RunCli) -> list[dict[str, Any]]:
    """Every entry saved; none when no journal was even started."""
    import os

    if not (Path(os.environ["PEERJOURNAL_HOME"]) / "journal.db").exists():
        return []
    result = run("list", "--json", "-n", "0")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_every_flag_is_saved(run: RunCli) -> None:
    result = run(
        "log", "--when", "2 hours ago", "--mode", "phone", "--minutes", "25", "--peer", "R.",
        "--note", "They called about housing.", "--rate", "empathy=4",
        "--rate", "emotional_safety=5", "--feeling", "3", "--tag", "warmline", "--tag", "Night",
        "--no-input", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["mode"] == "phone"
    assert saved["minutes"] == 25
    assert saved["peer"] == "R."
    assert saved["what_happened"] == "They called about housing."
    assert [(r["slug"], r["score"]) for r in saved["ratings"]] == [
        ("empathy", 4),
        ("emotional-safety", 5),
    ]
    assert saved["feeling"] == 3
    assert saved["tags"] == ["night", "warmline"]
    assert "Saved entry #1" in result.stderr
    assert entries(run) == [saved]


def test_a_unique_prefix_names_a_principle_and_unrated_ones_stay_unrated(run: RunCli) -> None:
    result = run("log", "--rate", "mutual=2", "--rate", "op=5", "--no-input", "--json")
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert {r["slug"]: r["score"] for r in saved["ratings"]} == {
        "mutual-respect": 2,
        "open-mind": 5,
    }
    assert saved["mode"] == "other"
    assert saved["what_happened"] == ""
    assert (
        said(result).count("You rated Mutual respect lower than the others this time (a 2).") == 1
    )


def test_note_dash_reads_stdin_without_a_terminal(run: RunCli) -> None:
    result = run("log", "--note", "-", input="line one\nline two\n")
    assert result.exit_code == 0, result.output
    assert entries(run)[0]["what_happened"] == "line one\nline two"


def test_note_file(run: RunCli, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("From a file.\n", encoding="utf-8")
    result = run("log", "--note-file", str(note))
    assert result.exit_code == 0, result.output
    assert entries(run)[0]["what_happened"] == "From a file."


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--rate", "kindness=3"], "no principle called 'kindness'"),
        (["--rate", "em=3"], "more than one principle"),
        (["--rate", "empathy=3", "--rate", "EMPATHY=4"], "rated twice"),
        (["--rate", "empathy=0"], "1 to 5"),
        (["--rate", "empathy=6"], "1 to 5"),
        (["--rate", "empathy=lots"], "1 to 5"),
        (["--rate", "empathy"], "SLUG=N"),
        (["--note", "x", "--minutes", "-5"], "cannot be negative"),
        (["--note", "x", "--feeling", "9"], "1 to 5"),
        (["--note", "x", "--mode", "carrier-pigeon"], "kind of contact"),
        (["--note", "x", "--note-file", "y"], "not both"),
        (["--note-file", "/no/such/file"], "no file"),
    ],
)
def test_a_bad_value_is_one_plain_line_and_nothing_is_written(
    run: RunCli, args: list[str], fragment: str
) -> None:
    result = run("log", *args, "--no-input")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert entries(run) == []


def test_missing_input_says_what_is_missing(run: RunCli) -> None:
    result = run("log", "--no-input", "--mode", "phone")
    assert result.exit_code == 1, result.output
    assert "--note" in result.stderr and "--rate" in result.stderr
    assert entries(run) == []


def test_privacy_warning_on_stderr_but_saved(run: RunCli) -> None:
    result = run("log", "--note", "Email me at sam@example.com later")
    assert result.exit_code == 0, result.output
    assert "sam@example.com" in result.stderr
    assert "may identify" in result.stderr
    assert len(entries(run)) == 1


def test_strict_privacy_refuses_and_writes_nothing(run: RunCli) -> None:
    result = run("log", "--note", "Email me at sam@example.com", "--strict-privacy")
    assert result.exit_code == 1, result.output
    assert "Not saved" in result.stderr
    assert entries(run) == []


def test_a_peer_alias_that_looks_identifying(run: RunCli) -> None:
    warned = run("log", "--note", "ok", "--peer", "sam@example.com")
    assert warned.exit_code == 0, warned.output
    assert "peer alias" in warned.stderr
    refused = run("log", "--note", "ok", "--peer", "sam@example.com", "--strict-privacy")
    assert refused.exit_code == 1, refused.output
    assert len(entries(run)) == 1


def test_text_is_stored_exactly_and_shown_inert(run: RunCli) -> None:
    result = run("log", "--note", HOSTILE, "--peer", "[red]R[/red]")
    assert result.exit_code == 0, result.output
    saved = entries(run)[0]
    assert saved["what_happened"] == HOSTILE
    assert saved["peer"] == "[red]R[/red]"
    for command in (["list"], ["show", "1"]):
        shown = run(*command)
        assert shown.exit_code == 0, shown.output
        assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
        assert "\x00" not in shown.stdout and "\u202e" not in shown.stdout
        assert "[bold]not bold[/]" in shown.stdout
    detail = run("show", "1").stdout
    assert "\\x1b[31mred" in detail
    assert "[link=https://x]link[/link]" in detail
    assert "\\x1b]0;title\\x07" in detail
    assert "\\x1b]8;;http://x\\x1b\\click" in detail
    assert "\\u202eevil" in detail
    assert "[red]R[/red]" in detail
    as_json = run("show", "1", "--json").stdout
    assert "\x1b" not in as_json and "\u202e" not in as_json
    assert json.loads(as_json)["what_happened"] == HOSTILE


def write_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str | None) -> Path:
    """An $EDITOR that writes `body` under the headings, or empties the file when None."""
    script = tmp_path / "fake_editor.py"
    seen = tmp_path / "template-seen.txt"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"pathlib.Path({str(seen)!r}).write_text(p.read_text())\n"
        f"body = {body!r}\n"
        "if body is None:\n"
        "    p.write_text('# only comments left\\n')\n"
        "else:\n"
        "    p.write_text(body)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return seen


def test_editor_template_comments_are_stripped(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "# What happened?\nWe talked.\n# no names\n\n# So what? How did I feel\nCalm.\n"
        "# Now what? One thing\nListen more.\n#tag-looking line\n"
    )
    seen = write_editor(tmp_path, monkeypatch, body)
    result = run("log", "--editor", "--no-input", "--rate", "hope=4")
    assert result.exit_code == 0, result.output
    template = seen.read_text()
    assert "# What happened?" in template and "# So what?" in template
    assert "# Now what?" in template and "leave out details that could identify them" in template
    saved = entries(run)[0]
    assert (saved["what_happened"], saved["so_what"], saved["now_what"]) == (
        "We talked.",
        "Calm.",
        "Listen more.",
    )


def test_editor_left_empty_saves_nothing_and_says_so(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_editor(tmp_path, monkeypatch, None)
    result = run("log", "--editor", "--no-input")
    assert result.exit_code == 1, result.output
    assert "empty" in result.stderr and "nothing was saved" in result.stderr
    assert entries(run) == []


def test_a_pending_draft_is_left_alone_and_mentioned(run: RunCli) -> None:
    draft = drafts.Draft(what_happened="half written")
    drafts.save(draft)
    result = run("log", "--note", "another one", "--no-input")
    assert result.exit_code == 0, result.output
    assert "unfinished entry" in result.stderr
    assert drafts.load() == draft


def test_a_failed_save_keeps_the_text_and_says_where(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    def refuse(*_args: object) -> None:
        raise DatabaseError("The journal is locked by another program; try again in a moment.")

    # Only this patch is undone: monkeypatch.undo() would also undo the fixture's
    # PEERJOURNAL_HOME and read the real user's journal.
    with monkeypatch.context() as patched:
        patched.setattr("peerjournal.journal.Journal.add_entry", refuse)
        result = run("log", "--note", "-", input="words I must not lose\n")
    assert result.exit_code == 1, result.output
    assert "locked" in result.stderr
    assert str(journal_home / "draft.json") in result.stderr.replace("\n", "")
    kept = drafts.load()
    assert kept is not None and kept.what_happened == "words I must not lose"
    assert entries(run) == []


def guided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peerjournal.cli.log.at_a_terminal", lambda: True)


# The guided steps before the reflection: when, feeling, kind, minutes, alias.
FACTS = ["", "", "", "", ""]
# After it: no promise, no flag, no principle rated, no tag.
AFTER = ["", "", "none", ""]


def test_guided_privacy_guard_offers_to_rewrite_the_answer(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guided(monkeypatch)
    typed = [
        *FACTS,
        "Write to sam@example.com", "", "", "",  # the reflection
        *AFTER,
        "e",  # edit the flagged answer
        "Wrote to them by email", "",
        "",  # save
    ]  # fmt: skip
    result = run("log", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "»sam@example.com«" in result.stderr
    assert entries(run)[0]["what_happened"] == "Wrote to them by email"


def test_guided_privacy_guard_can_keep_the_answer(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guided(monkeypatch)
    typed = [*FACTS, "mail sam@example.com", "", "", "", *AFTER, "k", ""]
    result = run("log", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert entries(run)[0]["what_happened"] == "mail sam@example.com"


def test_guided_flags_answer_their_steps(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    guided(monkeypatch)
    # when, minutes, alias; the reflection; the rest; do not save.
    typed = ["", "", "", "A note", "", "", "", *AFTER, "n"]
    result = run("log", "--mode", "video", "--feeling", "2", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Kind of contact" not in result.stderr
    assert "Not saved" in result.stderr
    kept = drafts.load()
    assert kept is not None
    assert (kept.mode, kept.feeling, kept.what_happened) == ("video", 2, "A note")
    assert entries(run) == []


def test_end_of_input_mid_flow_keeps_the_draft_and_exits_130(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guided(monkeypatch)
    result = run("log", input="\n\nphone\n25\n")
    assert result.exit_code == 130, result.output
    assert "kept in" in result.stderr
    kept = drafts.load()
    assert kept is not None and (kept.mode, kept.minutes) == ("phone", 25)
    assert entries(run) == []


def test_stopping_before_typing_anything_keeps_no_draft(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guided(monkeypatch)
    result = run("log", input="")
    assert result.exit_code == 130, result.output
    assert "nothing to keep" in result.stderr
    assert drafts.load() is None


@pytest.mark.parametrize("command", ["log", "list", "show", "edit", "delete"])
def test_every_command_explains_itself(run: RunCli, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert len(result.stdout.split("Usage:")[1].splitlines()) > 3


def test_the_summary_shows_typed_text_inert(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    guided(monkeypatch)
    typed = [*FACTS, HOSTILE.replace("\x00", ""), "", "", "", *AFTER, ""]
    result = run("log", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    summary = result.stderr.split("Your entry")[1]
    assert "[bold]not bold[/]" in summary and "[link=https://x]link[/link]" in summary
    assert "\\x1b]0;title\\x07" in summary and "\\u202eevil" in summary
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert entries(run)[0]["what_happened"] == HOSTILE.replace("\x00", "")


def test_a_full_name_as_alias_is_refused_with_strict_privacy(run: RunCli) -> None:
    warned = run("log", "--note", "ok", "--peer", "John Smith")
    assert warned.exit_code == 0, warned.output
    assert "full name" in warned.stderr
    refused = run("log", "--note", "ok", "--peer", "John Smith", "--strict-privacy")
    assert refused.exit_code == 1, refused.output
    assert "full name" in refused.stderr and "Not saved" in refused.stderr
    assert len(entries(run)) == 1


def test_a_phone_number_in_the_note_is_pointed_at(run: RunCli) -> None:
    result = run("log", "--note", "They gave me 555-123-4567 to call back", "--strict-privacy")
    assert result.exit_code == 1, result.output
    assert "»555-123-4567«" in result.stderr
    assert entries(run) == []


def test_an_ordinary_reflection_raises_no_alarm(run: RunCli) -> None:
    note = (
        "On Monday R. called the warmline. I listened more than I talked. "
        "Empathy and Mutual Respect felt strong; Hope was harder. I will ask before advising."
    )
    result = run("log", "--note", note, "--peer", "R.", "--strict-privacy")
    assert result.exit_code == 0, result.output
    assert "identify" not in result.stderr


@pytest.mark.parametrize("when", ["tomorrow", "in 3 days", "2999-01-01"])
def test_a_time_in_the_future_is_refused(run: RunCli, when: str) -> None:
    result = run("log", "--when", when, "--note", "x")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert entries(run) == []


def test_yesterday_afternoon_is_stored_on_yesterdays_local_day(run: RunCli) -> None:
    from datetime import date, timedelta

    result = run("log", "--when", "yesterday 3pm", "--note", "x", "--json")
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["local_date"] == (date.today() - timedelta(days=1)).isoformat()
    assert "T15:00:00" in saved["local_time"]


# Bytes that are not UTF-8 reach Python as lone surrogates (in argv, and from a
# terminal read with surrogateescape); SQLite and the draft file cannot hold them.
NOT_UTF8 = "\udcff\udcfe"


@pytest.mark.parametrize(
    "args",
    [
        ["--note", NOT_UTF8],
        ["--note", "ok", "--peer", NOT_UTF8],
        ["--note", "ok", "--tag", NOT_UTF8],
    ],
)
def test_bytes_that_are_not_text_are_refused_plainly(run: RunCli, args: list[str]) -> None:
    result = run("log", *args, "--no-input")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and "UTF-8" in lines[0]
    assert drafts.load() is None
    assert entries(run) == []


def test_a_typed_line_that_is_not_text_is_asked_again(journal_home: Path) -> None:
    from peerjournal.cli.guided import GuidedFlow
    from peerjournal.drafts import Draft
    from peerjournal.principles import load_guide

    answers = iter([f"bad {NOT_UTF8}", "good line", ""])
    flow = GuidedFlow(
        Draft(),
        load_guide(),
        journal_home / "draft.json",
        read=lambda _prompt, _prefill: next(answers),
    )
    flow.ask_text("what_happened", "What happened?")
    assert flow.draft.what_happened == "good line"
    assert drafts.load(journal_home / "draft.json") is not None


SHOWN_BACK = "copy it somewhere safe"


@pytest.fixture
def home_is_a_file(journal_home: Path) -> Path:
    """A data folder that cannot be used: its path is taken by a file."""
    journal_home.rmdir()
    journal_home.write_text("not a folder\n")
    return journal_home


def test_when_not_even_a_draft_can_be_written_the_text_is_shown_back(
    run: RunCli, home_is_a_file: Path
) -> None:
    result = run("log", "--note", "words I must not lose", "--no-input")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "words I must not lose" in result.stderr.split(SHOWN_BACK)[1]
    assert result.stderr.count("Error: ") == 1


@pytest.fixture
def unplugged_after_the_start(monkeypatch: pytest.MonkeyPatch, home_is_a_file: Path) -> Path:
    """A folder that was there when the log began and is gone once something is typed
    (a drive unplugged mid-entry): the check before the first question passed."""
    monkeypatch.setattr("peerjournal.db.check_folder", lambda _location: None)
    return home_is_a_file


def test_guided_log_without_a_usable_folder_shows_the_text_back(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, unplugged_after_the_start: Path
) -> None:
    guided(monkeypatch)
    typed = [*FACTS, "words I must not lose", "", "", "", *AFTER, ""]
    result = run("log", input="\n".join(typed) + "\n")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "words I must not lose" in result.stderr.split(SHOWN_BACK)[1]


def test_stopping_without_a_usable_folder_shows_the_text_back(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, unplugged_after_the_start: Path
) -> None:
    guided(monkeypatch)
    result = run("log", input="\n\n\n\n\nwords I must not lose\n")
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert "words I must not lose" in result.stderr.split(SHOWN_BACK)[1]


def test_guided_log_into_a_folder_that_is_not_there_asks_nothing(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, home_is_a_file: Path
) -> None:
    guided(monkeypatch)
    result = run("log", input="words typed ahead\n")
    assert result.exit_code == 1, result.output
    assert "does not exist, so no journal was started" in result.stderr
    assert "When was the conversation" not in result.stderr


def test_stopping_at_the_resume_offer_says_the_draft_is_still_kept(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerjournal.drafts import Draft

    drafts.save(Draft(what_happened="from last night"))
    guided(monkeypatch)
    result = run("log", input="")
    assert result.exit_code == 130, result.output
    assert "nothing to keep" not in result.stderr
    assert "still kept" in result.stderr
    kept = drafts.load()
    assert kept is not None and kept.what_happened == "from last night"


# --- flags, follow-ups and what a script is told ---------------------------------------


def test_flags_follow_ups_and_notes_from_a_script(run: RunCli) -> None:
    result = run(
        "log", "--when", "2026-11-30 09:00", "--mode", "phone", "--minutes", "25",
        "--note", "They asked for my number.", "--rate", "empathy=4",
        "--rate", "boundaries=2:gave my number", "--flag", "boundary", "--flag", "Own story",
        "--follow-up", "call back", "--due", "in 3 days",
        "--follow-up", "send the leaflet", "--due", "none", "--no-input", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["flags"] == ["boundary", "own-story"]
    assert [(r["slug"], r["score"], r["note"]) for r in saved["ratings"]] == [
        ("empathy", 4, None),
        ("boundaries", 2, "gave my number"),
    ]
    assert [(f["text"], f["due"], f["done_at"]) for f in saved["follow_ups"]] == [
        # Promised on 30 Nov: three days from the conversation, not from today.
        ("call back", "2026-12-03", None),
        ("send the leaflet", None, None),
    ]
    assert (
        "Saved entry #1 — Mon 30 Nov 2026 09:00 · phone · 25 min · 2 ratings · "
        "flagged boundary, own-story · 2 follow-ups "
    ) in said(result)


def test_a_scripted_save_echoes_what_it_understood(run: RunCli) -> None:
    result = run("log", "--when", "2026-11-30 09:00", "--note", "x", "--no-input")
    assert result.exit_code == 0, result.output
    assert "Saved entry #1 — Mon 30 Nov 2026 09:00 · other · no ratings" in said(result)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["--follow-up", "a", "--follow-up", "b", "--due", "friday"],
            "are 2 --follow-up options but 1 --due",
        ),
        (
            ["--follow-up", "a", "--due", "friday", "--due", "monday"],
            "is 1 --follow-up but 2 --due",
        ),
        (["--due", "friday"], "give the --follow-up too"),
        (["--follow-up", "a", "--due", "yesterday"], "--due 'yesterday'"),
        (["--follow-up", " "], "needs a few words"),
        (["--flag", "sad"], "not a flag"),
    ],
)
def test_follow_ups_and_flags_that_do_not_fit_are_one_sentence(
    run: RunCli, args: list[str], fragment: str
) -> None:
    result = run("log", "--note", "x", *args, "--no-input")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
    assert entries(run) == []


def test_help_names_every_new_option(run: RunCli) -> None:
    result = run("log", "--help")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())
    for option in ("--flag", "--follow-up", "--due", "SLUG=N[:NOTE]", "own-story"):
        assert option in shown, option


def test_the_privacy_guard_reads_notes_and_follow_ups_and_names_the_entry(run: RunCli) -> None:
    run("log", "--note", "first", "--no-input")
    result = run(
        "log", "--note", "ok", "--rate", "empathy=2:Maria cried",
        "--follow-up", "email sam@example.com", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "in your answer to 'your note on Empathy': »Maria« cried" in text
    assert "in your answer to 'a follow-up': email »sam@example.com«" in text
    assert "you can change those words with: peerjournal edit 2" in text
    assert "edit ID" not in text
    refused = run("log", "--note", "ok", "--follow-up", "ring 555-123-4567", "--strict-privacy")
    assert refused.exit_code == 1, refused.output
    assert "Not saved" in refused.stderr
    assert len(entries(run)) == 2


# --- drafts that cannot be used, and text from the editor -----------------------------


@pytest.mark.parametrize(
    "change", [{"minutes": -5}, {"feeling": 9}, {"ratings": {"empathy": 7}}, {"mode": "pigeon"}]
)
def test_a_draft_with_values_out_of_range_is_moved_aside_once(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path, change: dict[str, Any]
) -> None:
    data = json.loads(drafts.Draft(what_happened="my words", peer="R.").to_json())
    (journal_home / "draft.json").write_text(json.dumps({**data, **change}), encoding="utf-8")
    guided(monkeypatch)
    result = run("log", input="")
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert "holds an answer that cannot be saved as it is" in said(result)
    assert "my words" not in result.output and "R." not in result.stderr.split("moved to")[0]
    aside = list(journal_home.glob("draft-unreadable-*.json"))
    assert len(aside) == 1 and "my words" in aside[0].read_text(encoding="utf-8")
    assert not (journal_home / "draft.json").exists()
    again = run("log", input="")
    assert "cannot be saved" not in again.stderr


def test_enter_then_ctrl_c_keeps_no_draft_and_says_so(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    guided(monkeypatch)
    result = run("log", input="\n\n\n")
    assert result.exit_code == 130, result.output
    assert "Nothing was typed, so there is nothing to keep." in result.stderr
    assert "kept in" not in result.stderr
    assert list(journal_home.glob("draft*")) == []


def stopping_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """An $EDITOR that saves `body` under the first heading, then is stopped by a signal."""
    script = tmp_path / "stopped_editor.py"
    script.write_text(
        "import os, pathlib, signal, sys\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "heading = '# What happened?\\n'\n"
        f"p.write_text(p.read_text().replace(heading, heading + {body!r} + '\\n', 1))\n"
        "os.kill(os.getpid(), signal.SIGINT)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_text_typed_in_a_stopped_editor_is_kept_and_offered_back(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    stopping_editor(tmp_path, monkeypatch, "Words I wrote in the editor.")
    result = run("log", "--editor", "--mode", "phone", "--no-input")
    assert result.exit_code == 130, result.output
    assert f"kept in {journal_home / 'draft.json'}" in said(result)
    kept = drafts.load()
    assert kept is not None
    assert (kept.what_happened, kept.mode) == ("Words I wrote in the editor.", "phone")
    assert not (journal_home / "reflection.txt").exists()

    guided(monkeypatch)
    offered = run("log", input="")
    assert "You have an unfinished entry" in offered.stderr
    assert "Words I wrote in the editor." in offered.stderr


def test_text_left_by_a_killed_editor_is_offered_by_the_next_log(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    from peerjournal.cli import logflow

    # What a log killed while the editor was open leaves behind: the editor's file alone.
    template = logflow.editor_template(drafts.Draft())
    (journal_home / "reflection.txt").write_text(
        template.replace("# What happened?\n", "# What happened?\nAll of it, kept.\n"),
        encoding="utf-8",
    )
    guided(monkeypatch)
    result = run("log", input="")
    assert result.exit_code == 130, result.output
    text = said(result)
    assert "The reflection you were writing in your editor last time is kept in" in text
    assert "You have an unfinished entry" in text and "All of it, kept." in text
    kept = drafts.load()
    assert kept is not None and kept.what_happened == "All of it, kept."
    assert not (journal_home / "reflection.txt").exists()


def test_the_next_editor_never_writes_over_text_left_behind(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    from peerjournal.cli import logflow

    drafts.save(drafts.Draft(what_happened="an older draft"))
    template = logflow.editor_template(drafts.Draft())
    (journal_home / "reflection.txt").write_text(
        template.replace("# What happened?\n", "# What happened?\nLeft behind.\n"),
        encoding="utf-8",
    )
    write_editor(tmp_path, monkeypatch, "# What happened?\nA new one.\n")
    result = run("log", "--editor", "--no-input")
    assert result.exit_code == 0, result.output
    assert entries(run)[0]["what_happened"] == "A new one."
    kept = [drafts.load(path) for path in journal_home.glob("draft*.json")]
    assert sorted(d.what_happened for d in kept if d is not None) == [
        "Left behind.",
        "an older draft",
    ]


def test_guided_privacy_guard_brings_back_a_promise_and_a_note_to_change(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guided(monkeypatch)
    typed = [
        *FACTS,
        "We talked.", "", "", "",  # the reflection
        "email sam@example.com", "", "",  # a promise, no day, nothing else
        "",  # no flag
        "empathy", "2", "Maria cried",  # one rating, and its why
        "",  # tags
        "e", "email them",  # the promise, changed
        "e", "they cried",  # the note, changed
        "",  # save
    ]  # fmt: skip
    result = run("log", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "in your answer to 'a follow-up': email »sam@example.com«" in text
    assert "in your answer to 'your note on Empathy': »Maria« cried" in text
    saved = entries(run)[0]
    assert [f["text"] for f in saved["follow_ups"]] == ["email them"]
    assert [(r["slug"], r["note"]) for r in saved["ratings"]] == [("empathy", "they cried")]


def test_an_edit_stopped_in_the_editor_keeps_the_words_for_the_next_edit(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    run("log", "--note", "the first words", "--no-input")
    stopping_editor(tmp_path, monkeypatch, "Better words.")
    stopped = run("edit", "1", "--editor")
    assert stopped.exit_code == 130, stopped.output
    assert "entry #1 was not changed" in said(stopped)
    assert entries(run)[0]["what_happened"] == "the first words"
    assert not (journal_home / "reflection-edit-1.txt").exists()

    script = tmp_path / "keep.py"  # an editor that keeps what it is given
    script.write_text("import sys\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    again = run("edit", "1", "--editor")
    assert again.exit_code == 0, again.output
    assert "Starting from the unsaved changes" in said(again)
    assert entries(run)[0]["what_happened"].startswith("Better words.")
