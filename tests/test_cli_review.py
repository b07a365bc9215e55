"""`peerjournal review` on seeded journals, with every number checked by hand."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from peerjournal import render
from peerjournal.journal import NewEntry, RatingRecord, ReviewQueries, Window, open_journal
from tests.conftest import RunCli, UseZone

CET = timezone(timedelta(hours=1))
UNTIL = "2026-03-29"  # a Sunday


def _at(day: str, clock: str = "10:00", tz: timezone = CET) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=tz)


def _entry(
    when: datetime,
    mode: str = "phone",
    *,
    minutes: int | None = None,
    feeling: int | None = None,
    rates: dict[str, int] | None = None,
    what: str = "",
    peer: str | None = None,
    shared: bool = False,
    names: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> NewEntry:
    names = names or {}
    notes = notes or {}
    return NewEntry(
        occurred_at=when,
        mode=mode,
        minutes=minutes,
        peer=peer,
        what_happened=what,
        feeling=feeling,
        shared=shared,
        ratings=tuple(
            RatingRecord(slug, names.get(slug, slug.title()), score, notes.get(slug))
            for slug, score in (rates or {}).items()
        ),
    )


def seed(*entries: NewEntry) -> list[int]:
    with open_journal() as journal:
        return [journal.add_entry(entry).id for entry in entries]


def review_json(run: RunCli, *args: str) -> dict[str, Any]:
    result = run("review", "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def principle(data: dict[str, Any], slug: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in data["principles"] if p["slug"] == slug)
    return found


@pytest.fixture
def three_weeks() -> list[int]:
    """Three weeks of conversations; the numbers in the tests below are worked out by hand."""
    return seed(
        # The week of 9-15 March.
        _entry(_at("2026-03-10"), minutes=30, feeling=4, rates={"empathy": 5, "hope": 3}),
        # The week before the review: 16-22 March.
        _entry(_at("2026-03-17"), minutes=20, feeling=3, rates={"empathy": 4}),
        _entry(_at("2026-03-19"), "video", minutes=40, feeling=4, rates={"empathy": 2, "hope": 4}),
        # The week reviewed: 23-29 March.
        _entry(
            _at("2026-03-23", "09:00"),
            minutes=25,
            feeling=2,
            rates={"empathy": 3, "hope": 5},
            what="Sat with [bold]R[/] while they planned the week.",
            shared=True,
            peer="R.",
        ),
        _entry(
            _at("2026-03-25", "18:00"),
            "in-person",
            minutes=50,
            feeling=3,
            rates={"empathy": 4, "trust": 1},
            what="I said more about my own story than helped.",
            peer="T.",
            notes={"trust": "promised a call I could not make"},
        ),
        _entry(_at("2026-03-29", "23:30"), "text", rates={"empathy": 4}),
        # Monday: the next week, never part of this review.
        _entry(_at("2026-03-30", "00:30"), minutes=10, feeling=5, rates={"empathy": 1}),
    )


def test_json_numbers_match_the_hand_count(run: RunCli, three_weeks: list[int]) -> None:
    data = review_json(run, "--until", UNTIL, "--weeks", "3")
    assert data["period"] == {"start": "2026-03-23", "end": "2026-03-29"}
    assert data["previous_period"] == {"start": "2026-03-16", "end": "2026-03-22"}
    assert data["conversations"] == 3
    assert data["minutes"] == 25 + 50
    assert data["modes"] == {"in-person": 1, "phone": 1, "text": 1}

    empathy = principle(data, "empathy")
    # This week 3, 4, 4 -> 11/3; the week before 4, 2 -> 3.0; the first week 5.
    assert (empathy["average"], empathy["ratings"]) == (3.67, 3)
    assert (empathy["previous_average"], empathy["change"]) == (3.0, 0.67)
    assert [(p["average"], p["ratings"]) for p in empathy["trend"]] == [
        (5.0, 1),
        (3.0, 2),
        (3.67, 3),
    ]
    assert [(p["start"], p["end"]) for p in empathy["trend"]] == [
        ("2026-03-09", "2026-03-15"),
        ("2026-03-16", "2026-03-22"),
        ("2026-03-23", "2026-03-29"),
    ]
    hope = principle(data, "hope")
    assert (hope["average"], hope["previous_average"], hope["change"]) == (5.0, 4.0, 1.0)
    trust = principle(data, "trust")
    assert (trust["average"], trust["ratings"], trust["previous_average"]) == (1.0, 1, None)
    assert trust["change"] is None
    never = principle(data, "authenticity")
    assert never["average"] is None and never["ratings"] == 0
    assert all(p["average"] is None for p in never["trend"])
    assert all(p["retired"] is False for p in data["principles"])

    # Feeling: 4, then (3+4)/2, then (2+3)/2: falling three weeks in a row.
    assert data["feeling"]["average"] == 2.5
    assert data["feeling"]["ratings"] == 2
    assert [p["average"] for p in data["feeling"]["trend"]] == [4.0, 3.5, 2.5]
    assert data["feeling"]["suggestion"] == "falling"

    assert data["strongest"]["slug"] == "hope"
    assert data["focus"]["slug"] == "trust"
    assert data["focus"]["reason"] == "lowest"
    assert data["intention"] is None


def test_the_week_before_is_its_own_review(run: RunCli, three_weeks: list[int]) -> None:
    data = review_json(run, "--until", "2026-03-22", "--weeks", "2")
    assert data["conversations"] == 2
    assert data["minutes"] == 60
    assert principle(data, "empathy")["average"] == 3.0
    assert principle(data, "empathy")["previous_average"] == 5.0


def test_week_is_a_shortcut_for_its_sunday(run: RunCli, three_weeks: list[int]) -> None:
    assert review_json(run, "--week", "2026-W13") == review_json(run, "--until", UNTIL)


def test_until_defaults_to_today(
    run: RunCli, three_weeks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerjournal.cli import review

    monkeypatch.setattr(review, "today", lambda: date(2026, 3, 29))
    assert review_json(run)["period"] == {"start": "2026-03-23", "end": "2026-03-29"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--until", "29/03/2026"), "year-month-day"),
        (("--week", "2026-W99"), "has no week 99"),
        (("--weeks", "0"), "--weeks"),
        (("--until", UNTIL, "--week", "2026-W13"), "either --until or --week"),
        (("--principle", "kindness"), "no principle called 'kindness'"),
        (("summary.md",), "only with --markdown"),
        (("--until", "0001-01-01"), "choose a later day"),
        (("--until", "0001-02-01", "--weeks", "8"), "choose a later day"),
        (("--week", "0001-W01"), "choose a later day"),
    ],
)
def test_bad_values_are_one_plain_sentence(
    run: RunCli, three_weeks: list[int], args: tuple[str, ...], fragment: str
) -> None:
    result = run("review", *args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and fragment in lines[0]


def test_an_empty_journal_says_how_to_start(run: RunCli) -> None:
    result = run("review")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no entries yet" in result.stderr
    assert "peerjournal log" in result.stderr


def test_an_empty_journal_still_gives_json_with_nulls(run: RunCli) -> None:
    data = review_json(run, "--until", UNTIL)
    assert (data["conversations"], data["minutes"], data["modes"]) == (0, 0, {})
    assert all(p["average"] is None for p in data["principles"])
    assert data["feeling"]["average"] is None
    assert (data["strongest"], data["focus"], data["intention"]) == (None, None, None)


def test_a_single_entry_invents_no_trend(run: RunCli) -> None:
    seed(_entry(_at("2026-03-27"), minutes=15, feeling=4, rates={"empathy": 4}))
    data = review_json(run, "--until", UNTIL)
    empathy = principle(data, "empathy")
    assert [p["average"] for p in empathy["trend"]] == [None] * 7 + [4.0]
    assert empathy["previous_average"] is None and empathy["change"] is None
    assert [p["average"] for p in data["feeling"]["trend"]] == [None] * 7 + [4.0]
    assert data["feeling"]["suggestion"] is None

    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    assert "not rated" in screen.stdout
    assert "0.00" not in screen.stdout and "nan" not in screen.stdout.lower()


# --- local days and daylight saving -------------------------------------------


@pytest.mark.parametrize(
    ("zone", "sunday"),
    [
        ("Europe/Berlin", "2026-03-29"),  # clocks go forward that morning
        ("Europe/Berlin", "2026-10-25"),  # clocks go back that morning
        ("America/New_York", "2026-03-08"),
        ("Australia/Sydney", "2026-04-05"),  # clocks go back that morning
    ],
)
def test_half_past_eleven_on_sunday_belongs_to_sunday(
    run: RunCli, use_zone: UseZone, zone: str, sunday: str
) -> None:
    use_zone(zone)
    day = date.fromisoformat(sunday)
    late = datetime(day.year, day.month, day.day, 23, 30).astimezone()
    after_midnight = (
        datetime(day.year, day.month, day.day, 0, 30) + timedelta(days=1)
    ).astimezone()
    seed(
        _entry(late, minutes=20, rates={"empathy": 2}),
        _entry(after_midnight, minutes=5, rates={"empathy": 5}),
    )
    this_week = review_json(run, "--until", sunday)
    assert this_week["conversations"] == 1
    assert this_week["minutes"] == 20
    assert principle(this_week, "empathy")["average"] == 2.0
    next_week = review_json(run, "--until", (day + timedelta(days=7)).isoformat())
    assert next_week["conversations"] == 1
    assert principle(next_week, "empathy")["average"] == 5.0


# --- retired principles -------------------------------------------------------

SMALL_GUIDE = """
[[principle]]
slug = "empathy"
name = "Empathy"
summary = "Understood them."
description = "From where they stand."
questions = ["Did I check, not assume?"]
rating_1 = "I assumed."
rating_5 = "I checked."
"""


def test_a_principle_gone_from_the_guide_shows_as_retired_with_its_stored_name(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(
        _entry(_at("2026-03-20"), rates={"hope": 3}, names={"hope": "Hope (old wording)"}),
        _entry(_at("2026-03-24"), rates={"hope": 4, "empathy": 3}, names={"hope": "Hope"}),
    )
    guide = tmp_path / "guide.toml"
    guide.write_text(SMALL_GUIDE, encoding="utf-8")
    monkeypatch.setenv("PEERJOURNAL_PRINCIPLES", str(guide))

    data = review_json(run, "--until", UNTIL)
    assert [p["slug"] for p in data["principles"]] == ["empathy", "hope"]
    hope = principle(data, "hope")
    assert (hope["name"], hope["retired"], hope["average"], hope["previous_average"]) == (
        "Hope",
        True,
        4.0,
        3.0,
    )
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    assert "Hope (retired)" in screen.stdout

    drill = run("review", "--until", UNTIL, "--principle", "hope")
    assert drill.exit_code == 0, drill.output
    assert "Hope (retired)" in drill.stdout
    assert "4/5" in drill.stdout


# --- the screen ---------------------------------------------------------------


@pytest.fixture
def screen_width(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Render the review on a console of a chosen width, without colour."""

    def use(width: int) -> None:
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.setenv("TERM", "dumb")
        render.out.cache_clear()

    yield use
    render.out.cache_clear()


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_the_screen_fits_every_width_and_keeps_its_numbers(
    run: RunCli, three_weeks: list[int], screen_width: Any, width: int
) -> None:
    screen_width(width)
    result = run("review", "--until", UNTIL, "--weeks", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    text = result.stdout
    for number in ("3.67 (3)", "▲ 0.67", "5.00 (1)", "▲ 1.00", "1.00 (1)", "not rated"):
        assert number in text, number
    # The numbers behind the empathy sparkline, oldest first.
    assert "5.0 3.0 3.7" in " ".join(text.split())
    assert "\x1b[" not in text


def test_user_text_with_markup_shows_literally(run: RunCli, three_weeks: list[int]) -> None:
    result = run("review", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    assert "Sat with [bold]R[/] while they planned the week." in result.stdout


def test_long_reflections_are_cut_at_a_word_saying_where_the_rest_is(run: RunCli) -> None:
    words = " ".join(f"word{n}" for n in range(200))
    (entry_id,) = seed(_entry(_at("2026-03-27"), rates={"empathy": 4}, what=words))
    result = run("review", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert f"… (see: peerjournal show {entry_id})" in flat
    shown = flat.split("What happened: ")[1].split("…")[0]
    assert shown.split()[-1] in words.split()  # a whole word, never half of one
    assert "word199" not in flat


def test_the_previous_intention_is_shown(run: RunCli, three_weeks: list[int]) -> None:
    with open_journal() as journal:
        queries = ReviewQueries(journal.session)
        period = Window(date(2026, 3, 16), date(2026, 3, 22))
        queries.save_intention(period, "First draft")
        queries.save_intention(period, "Ask before I advise.")
    data = review_json(run, "--until", UNTIL)
    assert data["intention"] == {
        "period": {"start": "2026-03-16", "end": "2026-03-22"},
        "text": "Ask before I advise.",
    }
    result = run("review", "--until", UNTIL)
    assert "Last week you meant to: Ask before I advise." in result.stdout


GOLDEN_80 = """\
Your week: Mon 23 Mar – Sun 29 Mar 2026
Compared with the week before: Mon 16 Mar – Sun 22 Mar 2026
3 conversations · 75 minutes · in person 1, phone 1, text/chat 1

Principle                        This week   Change   Trend, 3 weeks
────────────────────────────────────────────────────────────────────
Empowerment and self-direction   not rated   –        ···
                                                      – – –
Mutual respect                   not rated   –        ···
                                                      – – –
Empathy                          3.67 (3)    ▲ 0.67   █▅▆
                                                      5.0 3.0 3.7
Emotional safety                 not rated   –        ···
                                                      – – –
Setting aside my own bias        not rated   –        ···
                                                      – – –
Authenticity                     not rated   –        ···
                                                      – – –
Hope and resilience              5.00 (1)    ▲ 1.00   ▅▆█
                                                      3.0 4.0 5.0
Trust and consistency            1.00 (1)    –        ··▁
                                                      – – 1.0
Boundaries and role              not rated   –        ···
                                                      – – –
Trend: one mark a week, oldest first (▁ is 1, █ is 5); · and –: not rated that
week.

Strongest this week: Hope and resilience (5.00 from 1 rating)
Focus for next week: Trust and consistency, because it had your lowest average
this week.
Ask yourself:
  • Did I follow through on what I said I would do?
  • Was I there when I said I would be, and on time?
  • Did I keep their confidence, and explain its limits in plain words?

How you felt after conversations: 2.50 of 5 (2 notes)
Trend: ▆▅▄  4.0 3.5 2.5
How you feel after conversations has dropped three weeks in a row. This could be
a good time for a debrief with someone you trust, a word with your supervisor,
or some rest.

No intention was written last week.

Your reflections this week

#4 · Mon 23 Mar 2026 09:00 · phone · 25 min · with R. · feeling 2/5
  What happened: Sat with [bold]R[/] while they planned the week.

#5 · Wed 25 Mar 2026 18:00 · in person · 50 min · with T. · feeling 3/5
  What happened: I said more about my own story than helped.

#6 · Sun 29 Mar 2026 23:30 · text/chat
"""  # noqa: RUF001 (the en dash marks a week with no ratings)


def test_the_review_reads_as_expected_at_80_columns(
    run: RunCli, three_weeks: list[int], screen_width: Any
) -> None:
    screen_width(80)
    result = run("review", "--until", UNTIL, "--weeks", "3")
    assert result.exit_code == 0, result.output
    # Table cells pad with spaces to their width; those are not part of what is read.
    shown = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    assert shown == GOLDEN_80


# --- drilling into a principle -----------------------------------------------


def test_principle_lists_every_rating_with_its_reflection(
    run: RunCli, three_weeks: list[int]
) -> None:
    result = run("review", "--until", UNTIL, "--principle", "trus")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "1/5 · promised a call I could not make" in out
    assert "I said more about my own story than helped." in out
    assert "Sat with" not in out  # that entry did not rate trust

    empathy = run("review", "--until", UNTIL, "--principle", "empathy")
    assert empathy.exit_code == 0, empathy.output
    assert empathy.stdout.count("/5 ") + empathy.stdout.count("/5\n") >= 3
    assert "Average 3.67 from 3 ratings" in empathy.stdout


# --- markdown for supervision -------------------------------------------------


def test_markdown_shares_nothing_private_by_default(run: RunCli, three_weeks: list[int]) -> None:
    result = run("review", "--until", UNTIL, "--markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "| Empathy | 3.67 (3) | 3.00 | ▲ 0.67 |" in text
    assert "**Trust and consistency**, because it had your lowest average" in text
    assert "Sat with [bold]R[/] while they planned the week." in text  # marked shared
    assert "my own story" not in text  # not shared
    assert "promised a call" not in text  # a rating's note
    for alias in ("R.", "T."):
        assert f"with {alias}" not in text


def test_markdown_with_notes_includes_everything(run: RunCli, three_weeks: list[int]) -> None:
    result = run("review", "--until", UNTIL, "--markdown", "--include-notes")
    assert result.exit_code == 0, result.output
    assert "my own story" in result.stdout
    assert "with R." in result.stdout and "with T." in result.stdout


def test_markdown_file_is_private(run: RunCli, three_weeks: list[int], tmp_path: Path) -> None:
    target = tmp_path / "supervision" / "week13.md"
    result = run("review", "--until", UNTIL, "--markdown", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# Peer support review: Mon 23 Mar")


# --- the intention, typed at a terminal -----------------------------------------


def _review_in_a_terminal(journal_home: Path, answer: str) -> str:
    import sys

    import pexpect

    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerjournal", "review", "--until", UNTIL],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )
    child.expect("One thing you mean to practise next week")
    child.expect("Intention: ")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


@pytest.mark.pty
def test_this_weeks_intention_is_asked_for_and_stored(
    run: RunCli, three_weeks: list[int], journal_home: Path
) -> None:
    said = _review_in_a_terminal(journal_home, "Ask before I advise.")
    assert "Saved" in said
    # Next week's review looks back on it.
    data = review_json(run, "--until", "2026-04-05")
    assert data["intention"] == {
        "period": {"start": "2026-03-23", "end": "2026-03-29"},
        "text": "Ask before I advise.",
    }


@pytest.mark.pty
def test_enter_skips_the_intention(run: RunCli, three_weeks: list[int], journal_home: Path) -> None:
    said = _review_in_a_terminal(journal_home, "")
    assert "Saved" not in said
    assert review_json(run, "--until", "2026-04-05")["intention"] is None


def test_review_has_help(run: RunCli) -> None:
    result = run("review", "--help")
    assert result.exit_code == 0, result.output
    for option in ("--until", "--week", "--weeks", "--json", "--principle", "--markdown"):
        assert option in result.stdout
