"""`peerjournal peer ALIAS`: one person over time, every number checked by hand."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from peerjournal.journal import open_journal
from peerjournal.records import FollowUp, NewEntry, Rating
from tests.conftest import RunCli

CET = timezone(timedelta(hours=1))


def _entry(
    day: str,
    peer: str | None,
    *,
    rates: dict[str, int] | None = None,
    feeling: int | None = None,
    minutes: int | None = None,
    what: str = "",
    flags: tuple[str, ...] = (),
    follow_ups: tuple[FollowUp, ...] = (),
    names: dict[str, str] | None = None,
) -> NewEntry:
    return NewEntry(
        occurred_at=datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=CET),
        mode="phone",
        peer=peer,
        minutes=minutes,
        feeling=feeling,
        what_happened=what,
        flags=flags,
        follow_ups=follow_ups,
        ratings=tuple(
            Rating(slug, (names or {}).get(slug, slug.title()), score)
            for slug, score in (rates or {}).items()
        ),
    )


@pytest.fixture
def with_r() -> list[int]:
    """Four conversations with R. (once written r.), and others.

    With R.: empathy 4, 5, 3 = 4.0; trust 2, 3 = 2.5; boundaries once, 2; feeling 3, 2, 4
    = 3.0; minutes 20 + 40 over two of four; flags boundary twice (last 20 Mar), safety
    once (12 Mar); follow-ups: [1] past its date, [2] done, [3] no date.
    """
    with open_journal() as journal:
        ids = [
            journal.add_entry(entry).id
            for entry in (
                _entry(
                    "2026-03-02",
                    "R.",
                    rates={"empathy": 4, "trust": 2},
                    feeling=3,
                    minutes=20,
                    what="First call, about housing.",
                    flags=("boundary",),
                    follow_ups=(FollowUp("Send the housing form", due=date(2026, 3, 5)),),
                ),
                _entry(
                    "2026-03-12",
                    "r.",
                    rates={"empathy": 5, "boundaries": 2},
                    feeling=2,
                    what="They were in crisis [bold]tonight[/].",
                    flags=("safety",),
                    follow_ups=(FollowUp("Check in tomorrow"),),
                ),
                _entry("2026-03-15", "T.", rates={"empathy": 1}, what="Someone else."),
                _entry(
                    "2026-03-20",
                    "R.",
                    rates={"empathy": 3, "trust": 3},
                    feeling=4,
                    minutes=40,
                    what="Talked about the group.\nSecond line.",
                    flags=("boundary",),
                    follow_ups=(FollowUp("Bring the group times"),),
                ),
                _entry("2026-03-22", "R.", what="A short text exchange."),
                _entry("2026-03-23", None, rates={"trust": 5}, what="No alias."),
            )
        ]
        journal.mark_done(2)
    return ids


def peer_json(run: RunCli, *args: str) -> dict[str, Any]:
    result = run("peer", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_holds_every_conversation_with_them_and_the_hand_count(
    run: RunCli, with_r: list[int]
) -> None:
    data = peer_json(run, "r.")
    assert (data["peer"], data["spellings"]) == ("R.", ["R.", "r."])
    assert (data["conversations"], data["first"], data["last"]) == (4, "2026-03-02", "2026-03-22")
    assert (data["minutes"], data["timed"]) == (60, 2)
    assert [(p["slug"], p["average"], p["ratings"]) for p in data["principles"]] == [
        ("empathy", 4.0, 3),
        ("trust", 2.5, 2),
        ("boundaries", 2.0, 1),
    ]
    assert data["feeling"] == {"average": 3.0, "ratings": 3}
    assert data["flags"] == [
        {"flag": "safety", "times": 1, "last": "2026-03-12"},
        {"flag": "boundary", "times": 2, "last": "2026-03-20"},
    ]
    follow_ups = data["followups"]
    assert (follow_ups["open"], follow_ups["overdue"]) == (2, 1)
    assert [(f["text"], f["entry"]) for f in follow_ups["items"]] == [
        ("Send the housing form", with_r[0]),
        ("Bring the group times", with_r[3]),
    ]
    assert [e["id"] for e in data["entries"]] == [with_r[4], with_r[3], with_r[1], with_r[0]]


def test_the_screen_reads_as_a_look_back_over_one_person(run: RunCli, with_r: list[int]) -> None:
    result = run("peer", "R.")
    assert result.exit_code == 0, result.output
    text = result.stdout
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines[:3] == [
        "Your conversations with R.",
        "4 conversations, from Mon 2 Mar 2026 to Sun 22 Mar 2026 · 60 minutes over 2 of them",
        "Written as: R., r.",
    ]
    assert "  Empathy                 4.0 (3 ratings)" in lines
    assert "  Trust and consistency   2.5 (2 ratings)" in lines
    assert "  Boundaries and role     2.0 (1 rating)" in lines
    assert "How you felt afterwards: 3.0 of 5, from 3 conversations" in lines
    assert (
        "Flagged: safety once, on Thu 12 Mar 2026; boundary 2 times, last on Fri 20 Mar 2026"
    ) in lines
    # Past its date first, with the number `done` takes.
    open_at = lines.index("Open follow-ups: 2")
    assert lines[open_at + 1].startswith("  [1] Send the housing form · was due Thu 5 Mar")
    assert lines[open_at + 2].startswith("  [3] Bring the group times")
    assert "Check in tomorrow" not in text  # done
    # Newest first, the first line of each, user text shown literally.
    assert text.index(f"#{with_r[4]} · ") < text.index(f"#{with_r[0]} · ")
    assert "They were in crisis [bold]tonight[/]." in text
    assert "Second line." not in text
    assert "Someone else." not in text and "No alias." not in text
    assert "left you low" not in text


def test_many_conversations_list_the_newest_and_say_how_to_see_the_rest(
    run: RunCli, with_r: list[int]
) -> None:
    result = run("peer", "R.", "-n", "2")
    assert result.exit_code == 0, result.output
    assert "First call, about housing." not in result.stdout
    assert "…and 2 earlier conversations. List them all with: peerjournal peer R. -n 0" in (
        " ".join(result.stdout.split())
    )
    everything = run("peer", "R.", "-n", "0")
    assert "First call, about housing." in everything.stdout
    assert "earlier conversation" not in everything.stdout


def test_heavy_conversations_with_someone_are_named_gently(run: RunCli) -> None:
    with open_journal() as journal:
        for day, feeling in (("2026-03-02", 2), ("2026-03-09", 3), ("2026-03-16", 2)):
            journal.add_entry(_entry(day, "Sky", feeling=feeling, what="Hard again."))
    result = run("peer", "sky")
    assert result.exit_code == 0, result.output
    assert "How you felt afterwards: 2.3 of 5, from 3 conversations" in result.stdout
    assert "Conversations with Sky have often left you low." in " ".join(result.stdout.split())
    assert "\x1b[31m" not in result.stdout

    # Two low conversations are not yet a pattern.
    with open_journal() as journal:
        journal.add_entry(_entry("2026-03-02", "Dee", feeling=1, what="Hard."))
        journal.add_entry(_entry("2026-03-03", "Dee", feeling=1, what="Hard."))
    assert "left you low" not in run("peer", "Dee").stdout


def test_a_retired_principle_keeps_its_stored_name(
    run: RunCli, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_journal() as journal:
        journal.add_entry(
            _entry("2026-03-02", "R.", rates={"courage": 4}, names={"courage": "Courage"})
        )
    data = peer_json(run, "R.")
    assert data["principles"] == [
        {"slug": "courage", "name": "Courage", "retired": True, "average": 4.0, "ratings": 1}
    ]
    assert "Courage (retired)" in run("peer", "R.").stdout


@pytest.mark.parametrize(
    ("alias", "fragment"),
    [
        ("Rr.", "Your journal has no conversation with 'Rr.'; did you mean 'R.'?"),
        ("Zed", "(the aliases you have used, most often first: R., T.)."),
        ("  ", "Give the alias to look up"),
    ],
)
def test_an_unknown_alias_is_one_sentence(
    run: RunCli, with_r: list[int], alias: str, fragment: str
) -> None:
    for args in (("peer", alias), ("peer", alias, "--json")):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert fragment in lines[0]


def test_a_journal_without_aliases_says_so(run: RunCli) -> None:
    with open_journal() as journal:
        journal.add_entry(_entry("2026-03-02", None, what="No alias."))
    result = run("peer", "R.")
    assert result.exit_code == 1, result.output
    assert "no entry has an alias yet" in result.stderr


def test_peer_has_help(run: RunCli) -> None:
    result = run("peer", "--help")
    assert result.exit_code == 0, result.output
    for word in ("ALIAS", "--json", "-n"):
        assert word in result.stdout
