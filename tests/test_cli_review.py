"""`peerjournal review` on seeded journals, with every number checked by hand."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from peerjournal import render
from peerjournal.journal import open_journal
from peerjournal.queries import Window
from peerjournal.records import FollowUp, NewEntry, Rating
from tests.conftest import RunCli, UseZone, create_journal

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
    now: str = "",
    flags: tuple[str, ...] = (),
    follow_ups: tuple[FollowUp, ...] = (),
    tags: tuple[str, ...] = (),
) -> NewEntry:
    names = names or {}
    notes = notes or {}
    return NewEntry(
        occurred_at=when,
        mode=mode,
        minutes=minutes,
        peer=peer,
        what_happened=what,
        now_what=now,
        feeling=feeling,
        shared=shared,
        flags=flags,
        follow_ups=follow_ups,
        tags=tags,
        ratings=tuple(
            Rating(slug, names.get(slug, slug.title()), score, notes.get(slug))
            for slug, score in (rates or {}).items()
        ),
    )


def seed(*entries: NewEntry) -> list[int]:
    with open_journal() as journal:
        return [journal.add_entry(entry).id for entry in entries]


def done_on(follow_up_id: int, moment: datetime) -> None:
    """Mark a follow-up done at a moment of the past, as `done` would have then."""
    with open_journal() as journal:
        journal.mark_done(follow_up_id)
        journal.session.connection().exec_driver_sql(
            "UPDATE follow_up SET done_at = ? WHERE id = ?",
            (moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" "), follow_up_id),
        )


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
        _entry(
            _at("2026-03-10"),
            minutes=30,
            feeling=4,
            rates={"empathy": 5, "hope": 3},
            tags=("warmline",),
        ),
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
    assert (data["minutes"], data["timed"]) == (25 + 50, 2)
    assert data["modes"] == {"in-person": 1, "phone": 1, "text": 1}

    empathy = principle(data, "empathy")
    # This week 3, 4, 4 -> 11/3; the week before 4, 2 -> 3.0; the first week 5.
    assert (empathy["average"], empathy["ratings"]) == (11 / 3, 3)
    assert (empathy["previous_average"], empathy["change"]) == (3.0, 11 / 3 - 3.0)
    assert [(p["average"], p["ratings"]) for p in empathy["trend"]] == [
        (5.0, 1),
        (3.0, 2),
        (11 / 3, 3),
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

    # Feeling: 4, then (3+4)/2, then (2+3)/2: two drops, and a heavy week.
    assert data["feeling"]["average"] == 2.5
    assert data["feeling"]["ratings"] == 2
    assert [p["average"] for p in data["feeling"]["trend"]] == [4.0, 3.5, 2.5]
    assert data["feeling"]["suggestion"] == "low"
    assert data["feeling"]["offer_support"] is True

    # Only empathy has 3 ratings: one rating of hope is not a strength, nor one of trust a focus.
    assert (data["strongest"], data["focus"], data["no_focus"]) == (None, None, "too-few")
    assert data["intention"] is None


def test_the_week_before_is_its_own_review(run: RunCli, three_weeks: list[int]) -> None:
    data = review_json(run, "--until", "2026-03-22", "--weeks", "2")
    assert (data["conversations"], data["minutes"], data["timed"]) == (2, 60, 2)
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
        (("--with-ratings",), "--with-ratings goes only with --markdown"),
        (("--with-feeling",), "--with-feeling goes only with --markdown"),
        (("--allow-identifiers",), "--allow-identifiers goes only with --markdown"),
        (("--with-intention-reply",), "--with-intention-reply goes only with --markdown"),
        (("--until", "2999-01-01"), "--until cannot be after today"),
        (("--week", "2999-W01"), "which is still to come"),
        (("--tag", "warmlin"), "No entry is tagged 'warmlin'; did you mean 'warmline'?"),
        (("--tag", "nothing-like-it"), "Your tags: warmline."),
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


def test_an_empty_journal_says_how_to_start(run: RunCli, journal_home: Path) -> None:
    create_journal(journal_home / "journal.db")
    result = run("review")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no entries yet" in result.stderr
    assert "peerjournal log" in result.stderr


def test_without_a_journal_review_says_which_file_is_missing(
    run: RunCli, journal_home: Path
) -> None:
    result = run("review")
    assert result.exit_code == 1, result.output
    assert "There is no journal at" in result.stderr
    assert list(journal_home.iterdir()) == []


def test_an_empty_journal_still_gives_json_with_nulls(run: RunCli, journal_home: Path) -> None:
    create_journal(journal_home / "journal.db")
    data = review_json(run, "--until", UNTIL)
    assert (data["conversations"], data["minutes"], data["modes"]) == (0, 0, {})
    assert all(p["average"] is None for p in data["principles"])
    assert data["feeling"]["average"] is None
    assert (data["strongest"], data["focus"], data["intention"]) == (None, None, None)
    assert data["no_focus"] == "too-few"
    assert (data["flagged"], data["next_intention"], data["tag"]) == ([], None, None)
    assert data["followups"] == {"open": 0, "overdue": 0, "done": 0}


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
    assert "0.0" not in screen.stdout and "nan" not in screen.stdout.lower()
    assert "1 conversation · 15 minutes ·" in screen.stdout


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
    for number in ("3.7 (3 ratings)", "▲ 0.7", "5.0 (1 rating)", "▲ 1.0", "1.0 (1 rating)"):
        assert number in text, number
    assert "not rated" in text
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
    shown = flat.split("What happened? ")[1].split("…")[0]
    assert shown.split()[-1] in words.split()  # a whole word, never half of one
    assert "word199" not in flat


def test_the_previous_intention_is_shown(run: RunCli, three_weeks: list[int]) -> None:
    with open_journal() as journal:
        journal.save_intention(date(2026, 3, 16), date(2026, 3, 22), "First draft")
        journal.save_intention(date(2026, 3, 16), date(2026, 3, 22), "Ask before I advise.")
    data = review_json(run, "--until", UNTIL)
    assert data["intention"] == {
        "period": {"start": "2026-03-16", "end": "2026-03-22"},
        "text": "Ask before I advise.",
        "reply": None,
    }
    result = run("review", "--until", UNTIL)
    assert "Last week you meant to: Ask before I advise." in result.stdout
    assert "How it went" not in result.stdout

    with open_journal() as journal:
        journal.save_reply(date(2026, 3, 22), "Better on the phone [bold]than[/] in person.")
    assert review_json(run, "--until", UNTIL)["intention"]["reply"] == (
        "Better on the phone [bold]than[/] in person."
    )
    again = run("review", "--until", UNTIL)
    assert "How it went: Better on the phone [bold]than[/] in person." in again.stdout
    # The week after, that intention is history: its own week shows it, the next does not.
    later = run("review", "--until", "2026-04-05")
    assert "Ask before I advise." not in later.stdout


# --- the week a supervisor would read -------------------------------------------------


@pytest.fixture
def supervision_weeks() -> list[int]:
    """Three weeks as a supporter lived them; every number below is worked out by hand.

    This week (23-29 March):
      empathy 4, 5, 4, 4 = 4.25; mutual respect 4, 4, 3, 4 = 3.75; trust 2, 2, 3 = 2.33;
      emotional safety once, a 5; four conversations, two of them timed (30 + 45 minutes);
      feeling 3, 3, 2, 3 = 2.75.
    The week before: empathy 4, 4, 3 = 3.67; mutual respect 4, 4, 4 = 4.0; trust once, 3.
    Flagged this week: Monday's call (boundary) and Thursday's visit with R. (safety,
    debrief). Follow-ups: [1] due Wednesday, still open (past its date); [2] due next
    Thursday, open; [3] no date, done on Friday.
    """
    ids = seed(
        _entry(_at("2026-03-10"), feeling=4, rates={"trust": 4, "empathy": 4}),
        _entry(
            _at("2026-03-17"),
            minutes=20,
            feeling=4,
            rates={"empathy": 4, "mutual-respect": 4, "trust": 3},
        ),
        _entry(_at("2026-03-19"), "video", minutes=30, feeling=4, rates={"empathy": 4}),
        _entry(_at("2026-03-21"), feeling=3, rates={"empathy": 3, "mutual-respect": 4}),
        _entry(_at("2026-03-21", "15:00"), feeling=4, rates={"mutual-respect": 4}),
        _entry(
            _at("2026-03-23"),
            minutes=30,
            feeling=3,
            rates={"empathy": 4, "mutual-respect": 4, "trust": 2},
            notes={"trust": "gave my number, again"},
            what="Talked through the week ahead.",
            now="Say what I can offer before the call ends.",
            shared=True,
            flags=("boundary",),
            follow_ups=(FollowUp("Send the group times", due=date(2026, 3, 25)),),
        ),
        _entry(
            _at("2026-03-24"),
            "text",
            feeling=3,
            rates={"empathy": 5, "mutual-respect": 4, "trust": 2},
        ),
        _entry(
            _at("2026-03-26"),
            "in-person",
            minutes=45,
            feeling=2,
            rates={"empathy": 4, "mutual-respect": 3, "trust": 3, "emotional-safety": 5},
            what="A long visit; they were frightened about the hearing.",
            now="Check in with my supervisor about limits.\nAnd rest.",
            peer="R.",
            flags=("safety", "debrief"),
            follow_ups=(
                FollowUp("Ask how the hearing went", due=date(2026, 4, 2)),
                FollowUp("Bring the leaflet on advocacy"),
            ),
        ),
        _entry(_at("2026-03-28"), feeling=3, rates={"empathy": 4, "mutual-respect": 4}),
    )
    done_on(3, _at("2026-03-27", "16:00"))
    return ids


def test_one_rating_is_not_a_strength(run: RunCli, supervision_weeks: list[int]) -> None:
    data = review_json(run, "--until", UNTIL)
    assert principle(data, "emotional-safety")["average"] == 5.0
    assert data["strongest"]["slug"] == "empathy"
    assert (data["strongest"]["ratings"], data["strongest"]["weeks"]) == (4, 1)
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    going_well = " ".join(screen.stdout.split("Going well: ")[1].split("Focus")[0].split())
    assert going_well.startswith("Empathy was your strongest this week (4.3 from 4 ratings).")
    assert "Emotional safety" not in going_well


def test_a_principle_skipped_is_not_the_focus(run: RunCli, supervision_weeks: list[int]) -> None:
    data = review_json(run, "--until", UNTIL)
    skipped = [p["slug"] for p in data["principles"] if p["ratings"] == 0]
    assert "authenticity" in skipped and "hope" in skipped
    assert data["focus"]["slug"] == "trust"
    assert (data["focus"]["reason"], data["focus"]["ratings"]) == ("lowest", 3)
    screen = run("review", "--until", UNTIL)
    assert "not rated it lately" not in screen.stdout


def test_the_focus_speaks_as_a_supervisor_and_quotes_the_supporter(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    flat = " ".join(screen.stdout.split())
    assert (
        "Focus for next week: You rated Trust and consistency lowest this week "
        "(2.3 from 3 ratings). What was going on in those conversations?"
    ) in flat
    # The rating's note first, then the first line of a "Now what?", lowest rating first.
    assert (
        "In your own words: \u201cgave my number, again\u201d "
        "\u201cSay what I can offer before the call ends.\u201d Ask yourself:"
    ) in flat
    quoted = flat.split("In your own words:")[1].split("Ask yourself:")[0]
    assert "Check in with my supervisor" not in quoted  # a third quote is one too many


def test_focus_quotes_come_from_the_entries_that_rated_it(supervision_weeks: list[int]) -> None:
    with open_journal() as journal:
        queries = journal.read
        period = Window(date(2026, 3, 23), date(2026, 3, 29))
        assert queries.focus_quotes("trust", period, limit=5) == [
            "gave my number, again",
            "Say what I can offer before the call ends.",
            "Check in with my supervisor about limits.",
        ]
        assert queries.focus_quotes("emotional-safety", period) == [
            "Check in with my supervisor about limits."
        ]
        assert queries.focus_quotes("hope", period) == []


def test_a_small_drop_carries_no_alarm_colour(supervision_weeks: list[int]) -> None:
    import io

    from rich.console import Console

    from peerjournal.cli.review import _gather
    from peerjournal.principles import load_guide
    from peerjournal.review import query_windows

    with open_journal() as journal:
        result = _gather(journal.read, load_guide(), query_windows(date(2026, 3, 29), 8), 8)
    shown = io.StringIO()
    console = Console(file=shown, force_terminal=True, color_system="standard", width=120)
    render.review_screen(result, [], 0, console=console)
    text = shown.getvalue()
    # Mutual respect: 4.0 -> 3.75, shown as 4.0 -> 3.8, so down 0.2 as a person reads
    # it: the arrow and number, no red.
    assert "▼ 0.2" in text
    assert "\x1b[31m▼ 0.2" not in text
    # Empathy: 3.67 -> 4.25, up 0.58: enough to mean something, so it stands out,
    # in bold, never red or green: self-ratings are for reflection, not a grade.
    assert "\x1b[1m▲ 0.6" in text
    assert "\x1b[31m" not in text and "\x1b[32m" not in text


def test_halves_round_up_on_screen_and_in_the_summary(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    assert "4.3 (4 ratings)" in screen.stdout  # empathy, 4.25
    assert "3.8 (4 ratings)" in screen.stdout  # mutual respect, 3.75
    summary = run("review", "--until", UNTIL, "--markdown", "--with-ratings")
    assert summary.exit_code == 0, summary.output
    assert "| Empathy | 4.3 (4 ratings) | 3.7 | ▲ 0.6 |" in summary.stdout
    assert "| Mutual respect | 3.8 (4 ratings) | 4.0 | ▼ 0.2 |" in summary.stdout


def test_an_unchanged_average_says_so_in_words(run: RunCli) -> None:
    seed(
        _entry(_at("2026-03-18"), rates={"empathy": 4}),
        _entry(_at("2026-03-25"), rates={"empathy": 4}),
    )
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    empathy = next(line for line in screen.stdout.splitlines() if line.startswith("Empathy"))
    assert empathy.split() == ["Empathy", "4.0", "(1", "rating)", "same", "······▆▆"]


def test_minutes_say_how_many_conversations_they_cover(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    screen = run("review", "--until", UNTIL)
    assert "4 conversations · 75 minutes over 2 of them ·" in screen.stdout


def test_untimed_conversations_never_read_as_0_minutes(run: RunCli) -> None:
    seed(_entry(_at("2026-03-27"), "text", feeling=4, rates={"empathy": 4}))
    screen = run("review", "--until", UNTIL)
    assert screen.exit_code == 0, screen.output
    assert "1 conversation · text/chat 1" in screen.stdout
    assert "minute" not in screen.stdout.split("Principle")[0]
    summary = run("review", "--until", UNTIL, "--markdown")
    assert "- Conversations: 1\n" in summary.stdout


@pytest.fixture
def heavy_weeks() -> None:
    """Feelings averaging 4.0, 3.7, 3.8, 2.7 and 2.4 over five weeks: two drops, not three."""
    weeks = [(4,), (4, 4, 3), (4, 4, 4, 3), (3, 3, 2), (3, 2, 3, 2, 2)]
    first = date(2026, 2, 24)  # the Tuesday of the first of those five weeks
    seed(
        *(
            _entry(_at((first + timedelta(days=7 * week + n)).isoformat()), feeling=feeling)
            for week, feelings in enumerate(weeks)
            for n, feeling in enumerate(feelings)
        )
    )


def test_two_drops_are_not_called_three_weeks_of_dropping(run: RunCli, heavy_weeks: None) -> None:
    data = review_json(run, "--until", UNTIL, "--weeks", "5")
    assert [p["average"] for p in data["feeling"]["trend"]] == [4.0, 11 / 3, 3.75, 8 / 3, 2.4]
    assert data["feeling"]["suggestion"] == "low"
    screen = run("review", "--until", UNTIL, "--weeks", "5")
    assert screen.exit_code == 0, screen.output
    flat = " ".join(screen.stdout.split())
    assert "4.0 3.7 3.8 2.7 2.4" in flat
    assert "in a row" not in flat
    assert "This week has been heavy. That is a lot to carry. Go gently." in flat
    assert "peerjournal principles customize" in flat  # the default guide's placeholder


def test_three_drops_in_a_row_are_named_as_such(run: RunCli) -> None:
    weeks = [(5, 4), (4, 4), (4, 3), (3, 3)]  # 4.5, 4.0, 3.5, 3.0
    first = date(2026, 3, 3)
    seed(
        *(
            _entry(_at((first + timedelta(days=7 * week + n)).isoformat()), feeling=feeling)
            for week, feelings in enumerate(weeks)
            for n, feeling in enumerate(feelings)
        )
    )
    flat = " ".join(run("review", "--until", UNTIL).stdout.split())
    assert "How you feel after conversations has dropped three weeks in a row." in flat
    assert "4.5 4.0 3.5 3.0" in flat  # the trend beside it shows what the rule saw
    assert "That is a lot to carry. Go gently." in flat


def test_small_dips_from_a_good_place_are_noted_calmly_without_an_alarm(run: RunCli) -> None:
    seed_weeks = [(5, 5), (5, 4), (4, 4), (4, 3)]  # 5.0, 4.5, 4.0, 3.5: three falls, above 3
    first = date(2026, 3, 3)
    seed(
        *(
            _entry(_at((first + timedelta(days=7 * week + n)).isoformat()), feeling=feeling)
            for week, feelings in enumerate(seed_weeks)
            for n, feeling in enumerate(feelings)
        )
    )
    flat = " ".join(run("review", "--until", UNTIL).stdout.split())
    assert "a little lower each week lately" in flat
    assert "in a row" not in flat and "Go gently" not in flat
    assert "principles customize" not in flat  # no offer of contacts


def _without_colour(text: str) -> str:
    return re.sub("\x1b\\[[0-9;]*m", "", text)


def test_a_run_of_heavy_weeks_offers_the_guides_contacts_gently() -> None:
    import io
    from pathlib import Path

    from rich.console import Console

    from peerjournal.principles import Guide, SupportContact, load_guide
    from peerjournal.queries import ActivityWindowRow
    from peerjournal.review import build_review, query_windows

    default = load_guide()
    contacts = (
        SupportContact("Dana, my supervisor", "ext. 214, weekdays"),
        SupportContact("The peer line for supporters", "0800 123 456, any time"),
    )
    windows = query_windows(date(2026, 3, 29), 4)

    def screen(guide: Guide) -> str:
        review = build_review(
            guide=guide,
            windows=windows,
            weeks=4,
            principle_rows=[],
            # 2.3 the week before, 2.1 this week (ten feelings each).
            activity_rows=[
                ActivityWindowRow(2, 10, 0, 0, 10, 23),
                ActivityWindowRow(3, 10, 0, 0, 10, 21),
            ],
            modes={},
            names={},
        )
        shown = io.StringIO()
        console = Console(file=shown, force_terminal=True, color_system="standard", width=100)
        render.review_screen(review, [], 0, console=console)
        return shown.getvalue()

    own = screen(Guide(Path("org.toml"), "custom", default.principles, contacts, False))
    assert "\x1b[31m" not in own  # never red
    flat = " ".join(_without_colour(own).split())
    assert "The last two weeks have been heavy." in flat
    # How the supporter is comes first, before any number of the practice.
    assert flat.index("The last two weeks have been heavy.") < flat.index("Principle")
    assert (
        "It can help to talk it through with: • Dana, my supervisor: ext. 214, weekdays "
        "• The peer line for supporters: 0800 123 456, any time"
    ) in flat
    assert "customize" not in flat
    placeholder = " ".join(_without_colour(screen(default)).split())
    assert "your supervisor or someone you trust" in placeholder
    assert "add them to your guide with: peerjournal principles customize" in placeholder


GOLDEN_80 = """\
Your week: Mon 23 Mar – Sun 29 Mar 2026
Compared with the week before: Mon 16 Mar – Sun 22 Mar 2026
4 conversations · 75 minutes over 2 of them · in person 1, phone 2, text/chat 1

Principle                        This week         Change   Trend, 3 weeks
──────────────────────────────────────────────────────────────────────────
Empowerment and self-direction   not rated         –        ···
                                                            – – –
Mutual respect                   3.8 (4 ratings)   ▼ 0.2    ·▆▆
                                                            – 4.0 3.8
Empathy                          4.3 (4 ratings)   ▲ 0.6    ▆▆▇
                                                            4.0 3.7 4.3
Emotional safety                 5.0 (1 rating)    –        ··█
                                                            – – 5.0
Setting aside my own bias        not rated         –        ···
                                                            – – –
Authenticity                     not rated         –        ···
                                                            – – –
Hope and resilience              not rated         –        ···
                                                            – – –
Trust and consistency            2.3 (3 ratings)   ▼ 0.7    ▆▅▃
                                                            4.0 3.0 2.3
Boundaries and role              not rated         –        ···
                                                            – – –
Trend: one mark a week, oldest first (▁ is 1, █ is 5); · and –: not rated that
week.

Going well: Empathy was your strongest this week (4.3 from 4 ratings). What
helped there?
Focus for next week: You rated Trust and consistency lowest this week (2.3 from
3 ratings). What was going on in those conversations?
In your own words:
  “gave my number, again”
  “Say what I can offer before the call ends.”
Ask yourself:
  • Did I follow through on what I said I would do?
  • Was I there when I said I would be, and on time?
  • Did I keep their confidence, and explain its limits in plain words?

To bring to supervision
  #6 · Mon 23 Mar 2026 · boundary
    Talked through the week ahead.
  #8 · Thu 26 Mar 2026 · safety, debrief · with R.
    A long visit; they were frightened about the hearing.

Follow-ups: 2 open, 1 of them past its date; 1 done this week
  [1] Send the group times · was due Wed 25 Mar · from #6
  [2] Ask how the hearing went · by Thu 2 Apr · from #8 with R.
Done this week: Bring the leaflet on advocacy
When you have done one: peerjournal done NUMBER

How you felt after conversations: 2.8 of 5, from 4 conversations
Trend: ▆▆▄  4.0 3.8 2.8

Last week you meant to: Ask before I advise.
How it went: Better on the phone than face to face.

Your reflections this week

#6 · Mon 23 Mar 2026 10:00 · phone · 30 min · feeling 3/5
  What happened? Talked through the week ahead.
  Now what? Say what I can offer before the call ends.

#7 · Tue 24 Mar 2026 10:00 · text/chat · feeling 3/5

#8 · Thu 26 Mar 2026 10:00 · in person · 45 min · with R. · feeling 2/5
  What happened? A long visit; they were frightened about the hearing.
  Now what? Check in with my supervisor about limits.
  And rest.

#9 · Sat 28 Mar 2026 10:00 · phone · feeling 3/5
"""  # noqa: RUF001 (the en dash marks a week with no ratings)


def test_the_review_reads_as_expected_at_80_columns(
    run: RunCli, supervision_weeks: list[int], screen_width: Any
) -> None:
    screen_width(80)
    _intend("Ask before I advise.", "2026-03-16", "2026-03-22")
    with open_journal() as journal:
        journal.save_reply(date(2026, 3, 22), "Better on the phone than face to face.")
    result = run("review", "--until", UNTIL, "--weeks", "3")
    assert result.exit_code == 0, result.output
    # Table cells pad with spaces to their width; those are not part of what is read.
    shown = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    assert shown == GOLDEN_80


@pytest.mark.parametrize("width", [60, 160])
def test_the_review_reads_as_expected_narrow_and_wide(
    run: RunCli, supervision_weeks: list[int], screen_width: Any, width: int
) -> None:
    from tests.golden import assert_screen

    screen_width(width)
    result = run("review", "--until", UNTIL, "--weeks", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    # The sentences keep to a readable measure however wide the terminal.
    legend = next(n for n, line in enumerate(lines) if line.startswith("Trend: one mark"))
    sentences = lines[:3] + lines[legend:]
    assert max(len(line.rstrip()) for line in sentences) <= render.READABLE_WIDTH
    assert_screen(f"review-{width}", result.stdout)


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
    assert "Average 3.7 from 3 ratings" in empathy.stdout


# --- markdown for supervision -------------------------------------------------


def _intend(text: str, start: str = "2026-03-23", end: str = UNTIL) -> None:
    with open_journal() as journal:
        journal.save_intention(date.fromisoformat(start), date.fromisoformat(end), text)


def test_the_summary_by_default_holds_no_rating_and_no_feeling(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    _intend("Say what I can offer at the start.")
    result = run("review", "--until", UNTIL, "--markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Peer support review: Mon 23 Mar – Sun 29 Mar 2026\n")  # noqa: RUF001
    assert "Self-ratings are for reflection, not evaluation." in text
    # How long and by what means stay on the supporter's screen.
    assert "- Conversations: 4\n" in text
    assert "75 minutes" not in text and "Kinds of contact" not in text
    assert "## Focus for next week\n\n**Trust and consistency**" in text
    assert "- Did I follow through on what I said I would do?" in text
    assert "## Intention for next week\n\nSay what I can offer at the start." in text
    # No principle's number, no rating count, no feeling, no reason in numbers.
    assert re.search(r"\d\.\d", text) is None, text
    assert re.search(r"\d ratings?\b", text) is None, text
    for left_out in ("Feeling", "feeling", "Strongest", "Lowest", "Empathy", "▲", "▼"):
        assert left_out not in text, left_out
    # Reflections: only the one marked shared, without its alias; no quotes from the others.
    assert "Talked through the week ahead." in text
    assert "frightened" not in text
    assert "gave my number" not in text


def test_the_summary_holds_ratings_and_feeling_only_when_asked(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    ratings = run("review", "--until", UNTIL, "--markdown", "--with-ratings").stdout
    assert "- Strongest this week: Empathy (4.3 from 4 ratings)" in ratings
    assert "**Trust and consistency**\n\nLowest this week: 2.3 from 3 ratings." in (ratings)
    assert "| Trust and consistency | 2.3 (3 ratings) | 3.0 | ▼ 0.7 |" in ratings
    assert "Feeling" not in ratings

    feeling = run("review", "--until", UNTIL, "--markdown", "--with-feeling").stdout
    assert "- Feeling after conversations: 2.8 of 5, from 4 conversations" in feeling
    assert "## Principles" not in feeling and "Strongest" not in feeling


def test_the_summary_is_refused_when_a_shared_reflection_names_someone(
    run: RunCli, supervision_weeks: list[int], tmp_path: Path
) -> None:
    (named,) = seed(_entry(_at("2026-03-27"), what="Met Maria Lopez at the drop-in.", shared=True))
    target = tmp_path / "week13.md"
    result = run("review", "--until", UNTIL, "--markdown", str(target))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(" ".join(lines).split("Error: ")) == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f'entry {named} (What happened?): "Maria Lopez" (a full name)' in message
    assert f"(peerjournal edit {named})" in message
    assert "--allow-identifiers" in message
    assert not target.exists()

    allowed = run("review", "--until", UNTIL, "--markdown", str(target), "--allow-identifiers")
    assert allowed.exit_code == 0, allowed.output
    assert "Met Maria Lopez at the drop-in." in target.read_text(encoding="utf-8")


def test_a_summary_with_nothing_shared_says_how_to_share(run: RunCli) -> None:
    seed(_entry(_at("2026-03-27"), what="Private.", rates={"empathy": 4}))
    result = run("review", "--until", UNTIL, "--markdown")
    assert result.exit_code == 0, result.output
    assert "Private." not in result.stdout
    assert "None this week." in result.stdout
    assert "peerjournal share ID" in result.stderr


def test_user_text_in_the_summary_stays_literal(run: RunCli, three_weeks: list[int]) -> None:
    result = run("review", "--until", UNTIL, "--markdown")
    assert result.exit_code == 0, result.output
    assert "Sat with [bold]R[/] while they planned the week." in result.stdout  # marked shared
    assert "my own story" not in result.stdout  # not shared
    for alias in ("R.", "T."):
        assert f"with {alias}" not in result.stdout


def test_markdown_file_is_private(run: RunCli, three_weeks: list[int], tmp_path: Path) -> None:
    target = tmp_path / "supervision" / "week13.md"
    missing = run("review", "--until", UNTIL, "--markdown", str(target))
    assert missing.exit_code == 1, missing.output
    assert "does not exist; create it first" in missing.stderr
    target.parent.mkdir()
    result = run("review", "--until", UNTIL, "--markdown", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# Peer support review: Mon 23 Mar")


# --- to bring to supervision, and follow-ups -----------------------------------------


def test_flagged_entries_show_date_flags_alias_and_first_line(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    result = run("review", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    section = result.stdout.split("To bring to supervision\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "  #6 · Mon 23 Mar 2026 · boundary",
        "    Talked through the week ahead.",
        "  #8 · Thu 26 Mar 2026 · safety, debrief · with R.",
        "    A long visit; they were frightened about the hearing.",
    ]
    assert review_json(run, "--until", UNTIL)["flagged"] == [
        {"id": 6, "date": "2026-03-23", "flags": ["boundary"], "peer": None},
        {"id": 8, "date": "2026-03-26", "flags": ["safety", "debrief"], "peer": "R."},
    ]
    # The week before had nothing flagged, and says so.
    before = run("review", "--until", "2026-03-22")
    assert "Nothing was flagged this week." in before.stdout
    assert review_json(run, "--until", "2026-03-22")["flagged"] == []


def test_words_in_the_supervision_list_are_shown_literally(run: RunCli) -> None:
    seed(
        _entry(
            _at("2026-03-27"),
            what="[red]Scared[/] \x1b[2J of the night",
            peer="[b]Q[/b]",
            flags=("own-story",),
            follow_ups=(FollowUp("Phone \x1b]52;c;SGk=\x07 back [i]soon[/i]"),),
        )
    )
    result = run("review", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "[red]Scared[/]" in result.stdout and "with [b]Q[/b]" in result.stdout
    assert "back [i]soon[/i]" in result.stdout


def test_follow_ups_open_past_their_date_first_and_those_done_this_week(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    result = run("review", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    section = result.stdout.split("Follow-ups: ")[1].split("\n\n")[0].splitlines()
    assert section == [
        "2 open, 1 of them past its date; 1 done this week",
        "  [1] Send the group times · was due Wed 25 Mar · from #6",
        "  [2] Ask how the hearing went · by Thu 2 Apr · from #8 with R.",
        "Done this week: Bring the leaflet on advocacy",
        "When you have done one: peerjournal done NUMBER",
    ]
    assert review_json(run, "--until", UNTIL)["followups"] == {"open": 2, "overdue": 1, "done": 1}


def test_a_past_week_sees_its_follow_ups_as_they_stood_when_it_ended(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    # Promised on Wednesday 18 March for that Friday, kept the next Tuesday: open and past
    # its date as the week of 16-22 March ended, and done in the week after.
    seed(
        _entry(
            _at("2026-03-18"),
            what="Asked for the leaflet.",
            follow_ups=(FollowUp("Find the leaflet", due=date(2026, 3, 20)),),
        )
    )
    done_on(4, _at("2026-03-24", "12:00"))
    assert review_json(run, "--until", "2026-03-22")["followups"] == {
        "open": 1,
        "overdue": 1,
        "done": 0,
    }
    assert review_json(run, "--until", UNTIL)["followups"] == {"open": 2, "overdue": 1, "done": 2}
    # Marked done today: still open, and past its date, as the week of 23-29 March ended.
    with open_journal() as journal:
        journal.mark_done(1)
    assert review_json(run, "--until", UNTIL)["followups"] == {"open": 2, "overdue": 1, "done": 2}
    # Promised on Monday 30 March: not part of the week before.
    seed(
        _entry(
            _at("2026-03-30"),
            what="Next week.",
            follow_ups=(FollowUp("Later promise", due=date(2026, 3, 31)),),
        )
    )
    assert review_json(run, "--until", UNTIL)["followups"]["open"] == 2


# --- reviewing one tag ------------------------------------------------------------------


@pytest.fixture
def two_roles() -> list[int]:
    """A warmline shift and a group in the same week, worked out by hand.

    Warmline (tagged): empathy 5, 4, 3 = 4.0; trust 2, 2, 2 = 2.0; one flagged
    (boundary) with a follow-up. Group: empathy 1, 1, 1; trust 5, 5, 5; one flagged
    (safety) with a follow-up and a trust note.
    """
    warmline = ("warmline",)
    return seed(
        *(
            _entry(
                _at(day),
                minutes=20,
                feeling=4,
                rates={"empathy": score, "trust": 2},
                tags=warmline,
                what=f"Warmline call {n}.",
                now="Slow down before I answer.",
                flags=("boundary",) if n == 1 else (),
                follow_ups=(FollowUp("Ring back about the helpline"),) if n == 1 else (),
            )
            for n, (day, score) in enumerate(
                (("2026-03-23", 5), ("2026-03-24", 4), ("2026-03-25", 3)), start=1
            )
        ),
        *(
            _entry(
                _at(day),
                "group",
                minutes=90,
                feeling=2,
                rates={"empathy": 1, "trust": 5},
                what=f"Group session {n}.",
                notes={"empathy": "talked over them"},
                tags=("group",),
                flags=("safety",) if n == 1 else (),
                follow_ups=(FollowUp("Book the room"),) if n == 1 else (),
            )
            for n, day in enumerate(("2026-03-26", "2026-03-27", "2026-03-28"), start=1)
        ),
    )


def test_a_tag_reviews_only_its_entries(run: RunCli, two_roles: list[int]) -> None:
    everything = review_json(run, "--until", UNTIL)
    assert everything["conversations"] == 6
    data = review_json(run, "--until", UNTIL, "--tag", "Warmline")
    assert data["tag"] == "warmline"
    assert (data["conversations"], data["minutes"], data["modes"]) == (3, 60, {"phone": 3})
    assert principle(data, "empathy")["average"] == 4.0
    assert principle(data, "trust")["average"] == 2.0
    assert data["feeling"]["average"] == 4.0
    assert [f["flags"] for f in data["flagged"]] == [["boundary"]]
    assert data["followups"] == {"open": 1, "overdue": 0, "done": 0}
    assert data["focus"]["slug"] == "trust"

    screen = run("review", "--until", UNTIL, "--tag", "warmline")
    assert screen.exit_code == 0, screen.output
    assert "Only the entries tagged warmline." in screen.stdout
    assert "Warmline call 3." in screen.stdout
    assert "Group session" not in screen.stdout
    assert "talked over them" not in screen.stdout  # the group's words are not quoted
    assert "Slow down before I answer." in screen.stdout
    assert "Book the room" not in screen.stdout

    drill = run("review", "--until", UNTIL, "--tag", "group", "--principle", "empathy")
    assert drill.exit_code == 0, drill.output
    assert "Group session 1." in drill.stdout and "Warmline" not in drill.stdout

    summary = run("review", "--until", UNTIL, "--tag", "group", "--markdown")
    assert summary.exit_code == 0, summary.output
    assert summary.stdout.startswith(
        "# Peer support review: Mon 23 Mar – Sun 29 Mar 2026 (entries tagged group)\n"  # noqa: RUF001
    )
    assert "- Conversations: 3\n" in summary.stdout
    assert "safety (a safety concern or crisis came up)" in summary.stdout
    assert "boundary" not in summary.stdout


# --- the supervision summary's new sections -----------------------------------------------


def test_the_summary_lists_flags_and_follow_ups_without_any_words_of_them(
    run: RunCli, supervision_weeks: list[int]
) -> None:
    result = run("review", "--until", UNTIL, "--markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "- Follow-ups: 2 open, 1 of them past its date; 1 done this week\n" in text
    section = text.split("## To bring to supervision\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- Mon 23 Mar 2026: boundary (a boundary or role question came up); "
        "the reflection is shared below",
        "- Thu 26 Mar 2026: safety (a safety concern or crisis came up), "
        "debrief (I need to talk this through)",
    ]
    # No alias, no words of an unshared reflection, no follow-up's words.
    for private in ("R.", "frightened", "Send the group times", "hearing", "advocacy"):
        assert private not in text, private


def test_how_it_went_stays_out_of_the_summary_unless_asked(
    run: RunCli, supervision_weeks: list[int], tmp_path: Path
) -> None:
    _intend("Ask before I advise.", "2026-03-16", "2026-03-22")
    with open_journal() as journal:
        journal.save_reply(date(2026, 3, 22), "Hard; I still rushed in with answers.")
    default = run("review", "--until", UNTIL, "--markdown")
    assert default.exit_code == 0, default.output
    assert "## Last week's intention\n\nAsk before I advise.\n" in default.stdout
    assert "rushed" not in default.stdout
    assert "--with-intention-reply" in " ".join(default.stderr.split())

    asked = run("review", "--until", UNTIL, "--markdown", "--with-intention-reply")
    assert asked.exit_code == 0, asked.output
    assert (
        "## Last week's intention\n\nAsk before I advise.\n\n"
        "How it went: Hard; I still rushed in with answers.\n"
    ) in asked.stdout
    assert "--with-intention-reply" not in asked.stderr


def test_how_it_went_is_checked_for_names_only_when_it_goes_out(
    run: RunCli, supervision_weeks: list[int], tmp_path: Path
) -> None:
    _intend("Ask before I advise.", "2026-03-16", "2026-03-22")
    with open_journal() as journal:
        journal.save_reply(date(2026, 3, 22), "Sam said it helped.")
    assert run("review", "--until", UNTIL, "--markdown").exit_code == 0
    target = tmp_path / "week.md"
    refused = run("review", "--until", UNTIL, "--markdown", str(target), "--with-intention-reply")
    assert refused.exit_code == 1, refused.output
    assert 'how it went: "Sam"' in " ".join(refused.stderr.split())
    assert not target.exists()


def test_review_has_help(run: RunCli) -> None:
    result = run("review", "--help")
    assert result.exit_code == 0, result.output
    for option in ("--until", "--week", "--weeks", "--json", "--principle", "--markdown"):
        assert option in result.stdout
