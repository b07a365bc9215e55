"""`principles SLUG` shows the supporter's own recent numbers, read without the ORM."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from peerjournal.journal import open_journal
from peerjournal.queries.light import glance
from peerjournal.records import NewEntry, Rating
from tests.conftest import RunCli

TODAY = date(2026, 11, 25)
LOCAL = timezone(timedelta(hours=1))


def seed(days_ago: int, score: int, text: str, slug: str = "empathy") -> None:
    day = TODAY - timedelta(days=days_ago)
    with open_journal() as journal:
        journal.add_entry(
            NewEntry(
                occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=LOCAL),
                mode="phone",
                what_happened=text,
                ratings=(Rating(slug, "Empathy", score),),
            )
        )


def test_four_weeks_average_and_the_best_recent_example(journal_home: Path) -> None:
    seed(40, 1, "too old to count")
    seed(27, 5, "the oldest day inside the window")
    seed(10, 3, "an ordinary one")
    seed(2, 5, "the most recent five")
    seed(0, 2, "today")
    seed(1, 5, "another principle", slug="hope")
    seen = glance(journal_home / "journal.db", "empathy", today=TODAY)
    assert seen is not None
    assert (seen.start, seen.end) == (date(2026, 10, 29), TODAY)
    assert seen.ratings == 4
    assert seen.average == (5 + 3 + 5 + 2) / 4
    assert seen.example is not None
    assert seen.example.text == "the most recent five"
    assert seen.example.score == 5


def test_nothing_rated_lately_has_no_average_and_no_example(journal_home: Path) -> None:
    seed(60, 5, "long ago")
    seen = glance(journal_home / "journal.db", "empathy", today=TODAY)
    assert seen is not None
    assert seen.average is None and seen.ratings == 0 and seen.example is None


def test_the_screen_shows_your_numbers_and_json_carries_them(
    run: RunCli, journal_home: Path
) -> None:
    seed(0, 4, "We [bold]checked[/] what they meant.")
    # The glance reads the real today; an entry dated today is always inside it.
    result = run("principles", "empathy")
    assert result.exit_code == 0, result.output
    assert "In your own practice" in result.stdout
    assert "[bold]checked[/]" in result.stdout
    data = json.loads(run("principles", "empathy", "--json").stdout)
    assert data["yours"]["ratings"] == 1
    assert data["yours"]["average"] == 4.0


def test_without_a_journal_the_guide_alone_is_shown_and_nothing_is_created(
    run: RunCli, journal_home: Path
) -> None:
    result = run("principles", "empathy")
    assert result.exit_code == 0, result.output
    assert "In your own practice" not in result.stdout
    assert json.loads(run("principles", "empathy", "--json").stdout)["yours"] is None
    assert list(journal_home.iterdir()) == []


def test_an_unreadable_journal_still_shows_the_guide(run: RunCli, journal_home: Path) -> None:
    (journal_home / "journal.db").write_bytes(b"garbage" * 100)
    result = run("principles", "empathy")
    assert result.exit_code == 0, result.output
    assert "Ask yourself" in result.stdout
    assert (journal_home / "journal.db").read_bytes() == b"garbage" * 100
