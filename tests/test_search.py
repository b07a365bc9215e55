"""Full-text search: ranking, phrases, prefixes, filters, an index that follows every change."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import create_engine

from peerjournal import db, migrations, render
from peerjournal.errors import InvalidValue
from peerjournal.journal import open_journal
from peerjournal.models import Entry as EntryRow
from peerjournal.models import Rating as RatingRow
from peerjournal.models import Tag as TagRow
from peerjournal.queries import search_query
from peerjournal.records import EntryFilter, NewEntry, Rating
from tests.conftest import RunCli


def add(day: int, text: str = "", **kwargs: object) -> int:
    with open_journal() as journal:
        saved = journal.add_entry(
            NewEntry(
                occurred_at=datetime(2026, 11, 1, 12, tzinfo=UTC) + timedelta(days=day),
                mode="phone",
                what_happened=text,
                **kwargs,  # type: ignore[arg-type]
            )
        )
    return saved.id


def found(text: str, **kwargs: object) -> list[int]:
    with open_journal() as journal:
        return [hit.entry.id for hit in journal.read.search(text, **kwargs)]  # type: ignore[arg-type]


def test_the_most_relevant_entry_comes_first() -> None:
    once = add(1, "A long talk about the week, work, family, sleep and, once, boundaries.")
    often = add(2, "Boundaries. Boundaries again, and boundaries at the end.")
    add(3, "Nothing to do with it.")
    assert found("boundaries") == [often, once]


def test_phrases_must_appear_as_written_and_prefixes_match_any_ending() -> None:
    exact = add(1, "They said they felt heard today.")
    apart = add(2, "I heard that they felt better.")
    assert found('"felt heard"') == [exact]
    assert sorted(found("felt heard")) == [exact, apart]
    boundary = add(3, "A boundary was tested.")
    assert sorted(found("bound*")) == [boundary]
    assert found("bound") == []


def test_punctuation_is_searched_as_words_not_read_as_syntax() -> None:
    entry = add(1, "Don't forget the follow-up call.", peer="R.J.")
    assert found("don't") == [entry]
    assert found("follow-up") == [entry]
    assert found("R.J.") == [entry]
    assert search_query('R. bound* "a b" (x OR y)') == '"R." bound* "a b" ( x OR y )'


@pytest.mark.parametrize("query", ['"unclosed phrase', "(open", "hope AND", "NOT"])
def test_a_malformed_query_is_a_plain_error(query: str) -> None:
    add(1, "hope")
    with pytest.raises(InvalidValue, match="cannot read the search"):
        found(query)


def test_a_lone_star_is_no_word_and_never_blames_the_journal() -> None:
    hope = add(1, "hope")
    assert found("* hope **") == [hope]
    for query in ("*", "**", " * "):
        with pytest.raises(InvalidValue, match="Give a word to search for"):
            found(query)


def test_notes_aliases_and_tags_are_searched_too() -> None:
    by_note = add(1, "x", ratings=(Rating("empathy", "Empathy", 4, "asked instead of assuming"),))
    by_alias = add(2, "y", peer="Moonbeam")
    by_tag = add(3, "z", tags=("warmline",))
    assert found("assuming") == [by_note]
    assert found("moonbeam") == [by_alias]
    assert found("warmline") == [by_tag]


def test_the_filters_of_list_and_a_limit_apply() -> None:
    ids = [add(day, "hope", tags=("night",) if day % 2 else ()) for day in range(1, 7)]
    assert sorted(found("hope", where=EntryFilter(since=date(2026, 11, 4)))) == ids[2:]
    assert sorted(found("hope", where=EntryFilter(until=date(2026, 11, 3)))) == ids[:2]
    assert sorted(found("hope", where=EntryFilter(tag="night"))) == ids[0::2]
    # Equal rank (the same words): the newest first.
    assert found("hope", limit=2, where=EntryFilter(tag="night")) == [ids[4], ids[2]]


def test_the_index_follows_edits_deletions_and_changed_ratings(journal_home: Path) -> None:
    entry_id = add(1, "first wording", tags=("old",))
    with open_journal() as journal:
        entry = journal.session.get(EntryRow, entry_id)
        assert entry is not None
        entry.what_happened = "second wording"
        journal.session.add(
            RatingRow(
                entry_id=entry_id,
                slug="hope",
                principle_name="Hope",
                score=4,
                note="named strengths",
            )
        )
        journal.session.add(TagRow(entry_id=entry_id, name="new"))
    assert found("first") == []
    assert found("second strengths new old") == [entry_id]
    with open_journal() as journal:
        journal.delete_entry(entry_id)
    assert found("second") == []
    with sqlite3.connect(journal_home / "journal.db") as conn:
        assert conn.execute("SELECT count(*) FROM entry_search").fetchone() == (0,)
    conn.close()


def test_an_older_journal_is_indexed_when_it_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations.migrate(conn, 0, 2)
        conn.exec_driver_sql(
            "INSERT INTO entry (uid, occurred_at, utc_offset, local_date, logged_at, mode,"
            " what_happened, so_what, now_what, shared)"
            " VALUES ('u1', '2026-11-20 14:00:00', 0, '2026-11-20', '2026-11-20 15:00:00',"
            " 'phone', 'Written before search existed.', '', '', 0)"
        )
        conn.exec_driver_sql("INSERT INTO tag (entry_id, name) VALUES (1, 'legacy')")
    engine.dispose()
    with open_journal(db.locate(str(path))) as journal:
        hits = journal.read.search("existed legacy")
    assert [hit.entry.uid for hit in hits] == ["u1"]


def test_the_passage_marks_exactly_the_matches() -> None:
    add(1, "We spoke about hope.\n\nThen about Hope again.")
    with open_journal() as journal:
        (hit,) = journal.read.search("hope")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["hope", "Hope"]
    assert "\n\n" not in hit.snippet


def test_the_passage_is_where_the_words_meet_prefixes_and_accents_included() -> None:
    add(
        1,
        "A long start about the weather, the bus, the rain and the week. "
        "Then, at the café, we talked about boundaries and felt heard at last.",
    )
    with open_journal() as journal:
        (hit,) = journal.read.search('cafe bound* "felt heard"')
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["café", "boundaries", "felt", "heard"]
    assert hit.snippet.startswith("…") and "weather" not in hit.snippet


def test_a_match_outside_the_reflection_is_shown_where_it_is() -> None:
    add(1, "Nothing about it here.", tags=("warmline",))
    with open_journal() as journal:
        (hit,) = journal.read.search("warmline")
    assert hit.snippet == "warmline" and hit.highlights == [(0, 8)]


def test_one_word_pasted_thousands_of_times_gives_one_short_passage() -> None:
    add(1, "word " * 20_000)
    with open_journal() as journal:
        (hit,) = journal.read.search("word word word")
    assert len(hit.highlights) == 16
    assert hit.snippet.endswith("…")


def test_hostile_text_is_shown_literally_and_the_highlight_stays_on_the_word() -> None:
    pieces = (("[bold]x[/bold] \x1b[31m ", False), ("trust", True), (" \u202e end", False))
    text = render.passage(pieces)
    assert text.plain == "  [bold]x[/bold] \\x1b[31m trust \\u202e end"
    (span,) = [s for s in text.spans if s.style]
    assert text.plain[span.start : span.end] == "trust"
    console = Console(force_terminal=True, color_system="standard", width=200)
    with console.capture() as captured:
        console.print(text)
    shown = captured.get()
    assert "[bold]x[/bold]" in shown
    assert "\x1b[31m" not in shown
    assert "\u202e" not in shown


def test_search_from_the_command_line(run: RunCli) -> None:
    add(1, "We talked about [bold]trust[/bold] and \x1b[2J boundaries.", peer="R.")
    add(2, "Nothing here.")
    result = run("search", "trust")
    assert result.exit_code == 0, result.output
    assert "[bold]trust[/bold]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J" in result.stdout
    assert "#1" in result.stdout
    assert "1 entry matches" in result.stderr

    result = run("search", "trust", "--json")
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit["id"] == 1 and hit["peer"] == "R."
    assert [hit["snippet"][a:b] for a, b in hit["highlights"]] == ["trust"]

    result = run("search", '"trust')
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: peerjournal cannot read the search")
    assert "Traceback" not in result.output

    # A dangling operator gets a hint about operators, not only about quotes.
    result = run("search", "trust AND")
    assert result.exit_code == 1, result.output
    assert "AND, OR and NOT stand between words" in result.stderr

    result = run("search", "elephants")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "No entries match elephants" in result.stderr

    result = run("search", "trust", "--since", "2026-11-03")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_several_words_without_quotes_find_entries_with_all_of_them(run: RunCli) -> None:
    add(1, "They felt heard at last.")
    add(2, "I felt rushed all through the call.")
    add(3, "Nobody heard the phone.")
    add(4, "Heard them out; they said they felt better.")

    def ids(*words: str) -> list[int]:
        result = run("search", *words, "--json")
        assert result.exit_code == 0, result.output
        return sorted(hit["id"] for hit in json.loads(result.stdout))

    assert ids("felt", "heard") == [1, 4]
    # In quotes the words are a phrase: next to each other, in that order.
    assert ids('"felt heard"') == [1]
    assert ids('"felt heard"', "last") == [1]
