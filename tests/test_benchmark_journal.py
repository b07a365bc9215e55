"""The benchmark's journal builder makes journals the real code reads as its own."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.journal_builder import build_journal, write_jrnl_journal

from peerjournal import db
from peerjournal.journal import open_journal
from peerjournal.paths import default_guide_path
from peerjournal.principles import parse_guide
from peerjournal.records import NewEntry

END = date(2026, 3, 1)


def test_built_journal_opens_with_every_entry_rating_and_tag(tmp_path: Path) -> None:
    path = tmp_path / "built.db"
    build_journal(path, 50, 10, end=END)
    slugs = [p.slug for p in parse_guide(default_guide_path())]

    with open_journal(db.locate(str(path))) as journal:
        entries = [journal.read.entry(number) for number in range(1, 51)]

    assert [e.occurred_at for e in entries] == sorted(e.occurred_at for e in entries)
    assert entries[0].local_date == "2026-02-20"
    assert entries[-1].local_date == "2026-03-01"
    for entry in entries:
        assert entry.occurred_at.date().isoformat() == entry.local_date
        assert [r.slug for r in entry.ratings] == slugs
        assert all(1 <= r.score <= 5 for r in entry.ratings)
        assert 200 <= len(entry.what_happened + entry.so_what + entry.now_what) <= 800
    assert len({e.uid for e in entries}) == 50
    assert any(e.tags for e in entries)


def test_built_journal_is_indexed_for_search(tmp_path: Path) -> None:
    path = tmp_path / "built.db"
    build_journal(path, 50, 10, end=END)

    with open_journal(db.locate(str(path))) as journal:
        seventh = journal.read.entry(7)
        phrase = " ".join(seventh.so_what.split()[:5])
        hits = journal.read.search(f'"{phrase}"', limit=50)

    assert 7 in [hit.entry.id for hit in hits]


def test_built_journal_can_take_a_new_entry_through_the_service(tmp_path: Path) -> None:
    path = tmp_path / "built.db"
    build_journal(path, 5, 2, end=END)
    new = NewEntry(occurred_at=datetime(2026, 3, 2, 12, tzinfo=UTC), mode="phone", so_what="x")

    with open_journal(db.locate(str(path))) as journal:
        saved = journal.add_entry(new)

    assert saved.id == 6


def test_jrnl_journal_has_one_dated_heading_per_entry(tmp_path: Path) -> None:
    path = tmp_path / "journal.txt"
    write_jrnl_journal(path, 20, 5, end=END)

    headings = re.findall(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d)\] \S", path.read_text(), re.MULTILINE)

    assert len(headings) == 20
    assert headings == sorted(headings)
    assert headings[-1].startswith("2026-03-01")


def test_built_journal_has_flags_follow_ups_and_intentions_the_read_side_reads(
    tmp_path: Path,
) -> None:
    from peerjournal.queries import Window, open_reader
    from peerjournal.records import FLAGS

    path = tmp_path / "built.db"
    build_journal(path, 400, 70, end=END)

    with open_reader(db.locate(str(path))) as reader:
        entries = reader.entries(limit=400)
        everything = reader.follow_ups(include_done=True)
        still_open = reader.follow_ups()
        intentions = reader.intentions()
        flagged = reader.flagged(Window(date(2026, 1, 1), END))

    flagged_ids = {e.id for e in entries if e.flags}
    assert 10 <= len(flagged_ids) <= 80
    assert {f for e in entries for f in e.flags} <= set(FLAGS)
    assert {e.id for e in flagged} <= flagged_ids and flagged
    assert 20 <= len(everything) <= 100
    assert 0 < len(still_open) < len(everything)
    assert all(f.follow_up.due is not None for f in everything)
    assert 3 <= len(intentions) <= 10
    assert all(i.end.weekday() == 6 and (i.end - i.start).days == 6 for i in intentions)


def test_query_plans_mark_reading_a_whole_large_table_by_its_alias_too(tmp_path: Path) -> None:
    from benchmarks.plans import explain, whole_reads

    path = tmp_path / "built.db"
    build_journal(path, 50, 10, end=END)

    def marks(statement: str) -> list[str]:
        return whole_reads(statement, explain(path, statement, ()))

    assert marks("SELECT e.id FROM entry e WHERE e.mode = 'phone'") == ["all of entry"]
    assert marks("SELECT r.note FROM rating AS r WHERE r.score > 2") == ["all of rating"]
    newest = "SELECT e.id FROM entry e ORDER BY e.local_date DESC, e.id DESC LIMIT 10"
    assert marks(newest) == []
    assert marks(newest.removesuffix(" LIMIT 10")) == ["all of entry (through ix_entry_local_date)"]
    assert marks("SELECT e.id FROM entry e WHERE e.id IN (3, 4)") == []
