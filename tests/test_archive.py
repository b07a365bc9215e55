"""Export and import: lossless round trips, CSV and Markdown, idempotence, bad files, forget."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerjournal import db, exporting, importing
from peerjournal.journal import open_journal
from peerjournal.models import EntryEdit, Intention
from peerjournal.records import MODES, EntryFilter, NewEntry, Rating
from tests.conftest import RunCli

# Any text SQLite can hold: everything but lone surrogates, which UTF-8 cannot encode.
words = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
short = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20)
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    ratings = draw(
        st.dictionaries(slugs, st.tuples(short, st.integers(1, 5), st.none() | words), max_size=4)
    )
    return {
        "new": NewEntry(
            occurred_at=draw(moments).astimezone(draw(offsets)),
            mode=draw(st.sampled_from(MODES)),
            minutes=draw(st.none() | st.integers(0, 600)),
            peer=draw(st.none() | st.text(max_size=80)),
            what_happened=draw(words),
            so_what=draw(words),
            now_what=draw(words),
            feeling=draw(st.none() | st.integers(1, 5)),
            shared=draw(st.booleans()),
            ratings=tuple(Rating(s, n, score, note) for s, (n, score, note) in ratings.items()),
            tags=tuple(draw(st.lists(short, max_size=3))),
        ),
        "edits": draw(st.lists(st.tuples(moments, words), max_size=2)),
    }


journals = st.tuples(
    st.lists(entries(), max_size=6),
    st.dictionaries(st.dates(date(2020, 1, 1), date(2030, 1, 1)), words, max_size=3),
)


def build(location: str, journal_data: tuple[list[dict[str, Any]], dict[date, str]]) -> None:
    items, intentions = journal_data
    with open_journal(db.locate(location)) as journal:
        for item in items:
            saved = journal.add_entry(item["new"])
            for when, previous in item["edits"]:
                journal.session.add(EntryEdit(entry_id=saved.id, edited_at=when, previous=previous))
        for end, text in intentions.items():
            journal.session.add(
                Intention(
                    period_start=(end - timedelta(days=6)).isoformat(),
                    period_end=end.isoformat(),
                    text=text,
                    written_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )


def exported(location: str, **kwargs: Any) -> str:
    out = io.StringIO()
    with open_journal(db.locate(location)) as journal:
        exporting.export_json(journal.read, out, **kwargs)
    return out.getvalue()


def without_stamp(text: str) -> dict[str, Any]:
    data = json.loads(text)
    del data["exported_at"]
    return dict(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journal_data=journals)
def test_export_import_export_is_lossless(
    journal_data: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    first, second = str(folder / "first.db"), str(folder / "second.db")
    build(first, journal_data)
    text = exported(first)
    (folder / "export.json").write_text(text, encoding="utf-8")
    with open_journal(db.locate(second)) as journal:
        report = importing.import_file(journal, folder / "export.json")
    assert report.added == len(journal_data[0])
    assert without_stamp(exported(second)) == without_stamp(text)


def test_the_export_names_its_format_and_carries_everything(journal_home: Path) -> None:
    build(
        str(journal_home / "journal.db"),
        (
            [
                {
                    "new": NewEntry(
                        occurred_at=datetime(
                            2026, 11, 20, 14, 30, tzinfo=timezone(timedelta(hours=1))
                        ),
                        mode="phone",
                        peer="R.",
                        what_happened="We talked about the week.",
                        ratings=(Rating("empathy", "Empathy (old wording)", 4, "listened"),),
                        tags=("warmline",),
                    ),
                    "edits": [(datetime(2026, 11, 21, tzinfo=UTC), '{"what_happened": "draft"}')],
                }
            ],
            {date(2026, 11, 22): "Ask before advising."},
        ),
    )
    data = json.loads(exported(str(journal_home / "journal.db")))
    assert data["format"] == "peerjournal"
    assert data["format_version"] == exporting.FORMAT_VERSION
    assert data["schema_version"] >= 3
    (entry,) = data["entries"]
    assert entry["occurred_at"] == "2026-11-20T13:30:00+00:00"
    assert entry["utc_offset"] == 60
    assert entry["local_date"] == "2026-11-20"
    assert entry["ratings"] == [
        {"slug": "empathy", "name": "Empathy (old wording)", "score": 4, "note": "listened"}
    ]
    assert entry["tags"] == ["warmline"]
    assert entry["edits"][0]["previous"] == '{"what_happened": "draft"}'
    assert data["intentions"][0]["text"] == "Ask before advising."


def sample(location: str, count: int = 3) -> None:
    with open_journal(db.locate(location)) as journal:
        for day in range(1, count + 1):
            journal.add_entry(
                NewEntry(
                    occurred_at=datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(days=day),
                    mode="text",
                    what_happened=f'Conversation {day}, with a comma, a "quote"\nover two lines',
                    ratings=(
                        Rating("hope", "Hope and resilience", 5, "named a strength"),
                        Rating("empathy", "Empathy", 3),
                        Rating("retired-one", "Something we no longer use", 2),
                    ),
                    tags=("group", "night") if day % 2 else ("group",),
                )
            )


def count_entries(location: str) -> int:
    with sqlite3.connect(location) as conn:
        found = int(conn.execute("SELECT count(*) FROM entry").fetchone()[0])
    conn.close()
    return found


def test_importing_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"))
    (tmp_path / "a.json").write_text(exported(str(tmp_path / "a.db")), encoding="utf-8")
    reports = []
    for _ in range(2):
        with open_journal(db.locate(str(tmp_path / "b.db"))) as journal:
            reports.append(importing.import_file(journal, tmp_path / "a.json"))
    assert [(r.added, r.present) for r in reports] == [(3, 0), (0, 3)]
    assert count_entries(str(tmp_path / "b.db")) == 3


def csv_text(location: str, **kwargs: Any) -> str:
    out = io.StringIO(newline="")
    with open_journal(db.locate(location)) as journal:
        exporting.export_csv(journal.read, out, guide_order=["empathy", "hope"], **kwargs)
    return out.getvalue()


def test_csv_has_a_column_per_principle_and_reads_back(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"))
    text = csv_text(str(tmp_path / "a.db"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 3
    header = list(rows[0])
    # Guide order first, then a principle the guide no longer has.
    assert header[header.index("empathy") :][:3] == ["empathy", "hope", "retired-one"]
    assert rows[0]["hope"] == "5"
    assert rows[0]["note: hope"] == "named a strength"
    assert rows[0]["what_happened"].endswith('"quote"\nover two lines')
    assert rows[0]["tags"] == "group, night"

    (tmp_path / "a.csv").write_text(text, encoding="utf-8-sig", newline="")
    names = {"empathy": "Empathy", "hope": "Hope and resilience"}
    for expected in ((3, 0), (0, 3)):
        with open_journal(db.locate(str(tmp_path / "b.db"))) as journal:
            report = importing.import_file(journal, tmp_path / "a.csv", names=names)
        assert (report.added, report.present) == expected
    assert csv_text(str(tmp_path / "b.db")) == text
    with sqlite3.connect(tmp_path / "b.db") as conn:
        kept = conn.execute(
            "SELECT principle_name FROM rating WHERE slug = 'retired-one'"
        ).fetchall()
    conn.close()
    assert kept == [("retired-one",)] * 3


def test_filters_apply_to_every_format(tmp_path: Path) -> None:
    location = str(tmp_path / "a.db")
    sample(location, 4)
    only = EntryFilter(since=date(2026, 11, 3), tag="night")
    assert [e["local_date"] for e in json.loads(exported(location, where=only))["entries"]] == [
        "2026-11-04"
    ]
    assert len(list(csv.DictReader(io.StringIO(csv_text(location, where=only))))) == 1
    out = io.StringIO()
    with open_journal(db.locate(location)) as journal:
        assert exporting.export_markdown(journal.read, out, where=only) == 1
    assert out.getvalue().count("\n## ") == 1
    assert "Conversation 3" in out.getvalue()


def test_markdown_has_a_readable_section_per_entry(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"), 2)
    out = io.StringIO()
    with open_journal(db.locate(str(tmp_path / "a.db"))) as journal:
        exporting.export_markdown(journal.read, out)
    text = out.getvalue()
    assert text.count("\n## ") == 2
    assert "## Mon 2 Nov 2026 09:00 · text/chat" in text
    assert "- Hope and resilience: 5 of 5 — named a strength" in text


def broken_export(tmp_path: Path, mutate: Any) -> Path:
    sample(str(tmp_path / "a.db"), 3)
    data = json.loads(exported(str(tmp_path / "a.db")))
    mutate(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["entries"][2].update(feeling=9),
            r"entry 3 \(uid \w+\): How you feel is a number from 1 to 5",
        ),
        (lambda d: d["entries"][1].update(occurred_at="soon"), r"entry 2 .*'occurred_at'"),
        (lambda d: d["entries"][2]["ratings"][0].update(score="5"), r"entry 3 .*'score'"),
        (lambda d: d.update(format="diary"), "not a peerjournal export"),
        (lambda d: d.update(format_version=99), "newer peerjournal"),
    ],
)
def test_a_bad_record_names_itself_and_nothing_is_written(
    tmp_path: Path, mutate: Any, expected: str
) -> None:
    path = broken_export(tmp_path, mutate)
    with (
        pytest.raises(importing.MalformedImport, match=expected),
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, path)
    assert count_entries(str(tmp_path / "b.db")) == 0


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = broken_export(tmp_path, lambda d: None)
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if '"now_what"' in line and i > 40)
    lines[cut] = lines[cut].replace('"now_what":', '"now_what" ')
    path.write_text("\n".join(lines), encoding="utf-8")
    with (
        pytest.raises(importing.MalformedImport, match=rf"line {cut + 1}\b.*broken") as caught,
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, path)
    assert "after entry" in str(caught.value)
    assert count_entries(str(tmp_path / "b.db")) == 0


def test_a_truncated_file_is_refused_whole(tmp_path: Path) -> None:
    path = broken_export(tmp_path, lambda d: None)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with (
        pytest.raises(importing.MalformedImport, match="Nothing was imported"),
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, path)
    assert count_entries(str(tmp_path / "b.db")) == 0


def test_a_bad_csv_line_is_named_counting_multi_line_cells(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"), 3)
    rows = list(csv.DictReader(io.StringIO(csv_text(str(tmp_path / "a.db")))))
    rows[2]["feeling"] = "lots"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "bad.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    # Each reflection spans two lines: entry 3 starts on line 1 + 2 + 2 + 1.
    with (
        pytest.raises(importing.MalformedImport, match=r"line 6: 'feeling'"),
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, tmp_path / "bad.csv")
    assert count_entries(str(tmp_path / "b.db")) == 0


def test_a_file_that_is_neither_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Shopping: milk, eggs\n", encoding="utf-8")
    with (
        pytest.raises(importing.MalformedImport, match="line 1: it is neither"),
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, tmp_path / "notes.txt")


def test_import_reports_progress_in_bytes_up_to_the_whole_file(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"), 300)
    path = tmp_path / "a.json"
    path.write_text(exported(str(tmp_path / "a.db")), encoding="utf-8")
    seen: list[int] = []
    with open_journal(db.locate(str(tmp_path / "b.db"))) as journal:
        importing.import_file(journal, path, on_progress=seen.append)
    assert len(seen) > 3
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size


def test_forget_clears_words_and_keeps_the_numbers(journal_home: Path) -> None:
    location = str(journal_home / "journal.db")
    with open_journal(db.locate(location)) as journal:
        for day in (1, 2, 3):
            saved = journal.add_entry(
                NewEntry(
                    occurred_at=datetime(2026, 11, day, 12, tzinfo=UTC),
                    mode="phone",
                    minutes=30,
                    peer="J.K.",
                    what_happened=f"secret story {day}",
                    now_what="try again",
                    feeling=2,
                    ratings=(Rating("empathy", "Empathy", 4, "a private note"),),
                    tags=("warmline",),
                )
            )
            journal.session.add(
                EntryEdit(entry_id=saved.id, edited_at=datetime.now(UTC), previous="old secret")
            )
    with open_journal(db.locate(location)) as journal:
        assert journal.read.count_forgettable(date(2026, 11, 3)) == 2
        assert journal.forget_before(date(2026, 11, 3)) == 2
    with open_journal(db.locate(location)) as journal:
        assert journal.read.count_forgettable(date(2026, 11, 3)) == 0
        kept = [journal.read.entry(i) for i in (1, 2, 3)]
    for entry in kept[:2]:
        assert (entry.what_happened, entry.so_what, entry.now_what, entry.peer) == (
            "",
            "",
            "",
            None,
        )
        assert entry.ratings == (Rating("empathy", "Empathy", 4, None),)
        assert (entry.minutes, entry.feeling, entry.tags) == (30, 2, ("warmline",))
    assert kept[2].what_happened == "secret story 3"
    with sqlite3.connect(location) as conn:
        edits = conn.execute("SELECT entry_id FROM entry_edit ORDER BY entry_id").fetchall()
        found = conn.execute(
            "SELECT rowid FROM entry_search WHERE entry_search MATCH 'secret OR private OR J'"
        ).fetchall()
    conn.close()
    assert edits == [(3,)]
    assert found == [(3,)]


def import_into_empty(tmp_path: Path, path: Path) -> importing.MalformedImport:
    """Import `path` into a new journal, expecting a plain refusal and nothing written."""
    with (
        pytest.raises(importing.MalformedImport, match="Nothing was imported") as caught,
        open_journal(db.locate(str(tmp_path / "b.db"))) as journal,
    ):
        importing.import_file(journal, path)
    assert count_entries(str(tmp_path / "b.db")) == 0
    return caught.value


HEADER = '{"format": "peerjournal", "format_version": 1, '


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEADER + '"entries": [' + "[" * 100_000 + "]" * 100_000 + "]}", "too deeply"),
        (HEADER + '"extra": ' + "[" * 100_000 + "]" * 100_000 + ', "entries": []}', "too deeply"),
        (HEADER + '"entries": [{"minutes": ' + "1" * 5000 + "}]}", "number too long"),
        ('{"format_version": ' + "9" * 5000 + "}", "number too long"),
    ],
    ids=["deep-entry", "deep-header", "long-number-in-entry", "long-number-in-header"],
)
def test_json_the_parser_cannot_hold_is_refused_plainly(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    assert expected in str(import_into_empty(tmp_path, path))


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z"]
)
def test_a_moment_at_the_edge_of_the_calendar_is_named_not_a_crash(
    tmp_path: Path, moment: str
) -> None:
    path = broken_export(tmp_path, lambda d: d["entries"][1].update(occurred_at=moment))
    assert "entry 2" in str(import_into_empty(tmp_path, path))

    rows = list(csv.DictReader(io.StringIO(csv_text(str(tmp_path / "a.db")))))
    rows[0]["occurred_at"] = moment
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "edge.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    assert "line 2: 'occurred_at'" in str(import_into_empty(tmp_path, tmp_path / "edge.csv"))


def test_the_longest_reflection_allowed_survives_the_csv(tmp_path: Path) -> None:
    # Longer than the csv module's own cell limit (128 KiB) once written out in UTF-8.
    long = ("I listened. Ça va. " * 6_000)[:100_000]
    with open_journal(db.locate(str(tmp_path / "a.db"))) as journal:
        journal.add_entry(
            NewEntry(
                occurred_at=datetime(2026, 11, 2, 9, tzinfo=UTC), mode="text", what_happened=long
            )
        )
    (tmp_path / "a.csv").write_text(csv_text(str(tmp_path / "a.db")), encoding="utf-8")
    with open_journal(db.locate(str(tmp_path / "b.db"))) as journal:
        assert importing.import_file(journal, tmp_path / "a.csv").added == 1
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT what_happened FROM entry").fetchone() == (long,)
    conn.close()


def test_a_csv_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    sample(str(tmp_path / "a.db"), 2)
    lines = csv_text(str(tmp_path / "a.db")).split("\r\n")
    lines[0] += ",empathy"
    lines[1:3] = [line + ",2" for line in lines[1:3]]
    (tmp_path / "twice.csv").write_text("\r\n".join(lines), encoding="utf-8", newline="")
    refused = import_into_empty(tmp_path, tmp_path / "twice.csv")
    assert "line 1: the column 'empathy' appears more than once" in str(refused)


def test_a_rated_principle_a_csv_could_not_carry_is_refused_in_json(tmp_path: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        data["entries"][2]["ratings"][0]["slug"] = "Open Mind"

    refused = import_into_empty(tmp_path, broken_export(tmp_path, rename))
    assert "entry 3" in str(refused) and "'Open Mind' is not a slug" in str(refused)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"period_start": None}, "'period_start' must be a date"),
        ({"period_start": "2026-11-23", "period_end": "2026-11-22"}, "comes after"),
    ],
)
def test_an_intention_must_name_a_real_week(change: dict[str, Any], problem: str) -> None:
    from peerjournal.importing import _intention_from_json, _Invalid

    good = {
        "period_start": "2026-11-16",
        "period_end": "2026-11-22",
        "text": "Ask before advising.",
        "written_at": "2026-11-22T18:00:00+00:00",
    }
    assert _intention_from_json(good).start == date(2026, 11, 16)
    with pytest.raises(_Invalid, match=problem):
        _intention_from_json({**good, **change})


@pytest.mark.parametrize(
    ("cell", "value", "problem"),
    [
        ("mode", "carrier-pigeon", "not a kind of contact"),
        ("minutes", "5000", "more than a day"),
        ("feeling", "9", "1 to 5"),
        ("utc_offset", "1440", "less than a day"),
    ],
)
def test_a_csv_row_is_held_to_the_rules_of_log(
    tmp_path: Path, cell: str, value: str, problem: str
) -> None:
    sample(str(tmp_path / "a.db"), 1)
    rows = list(csv.DictReader(io.StringIO(csv_text(str(tmp_path / "a.db")))))
    rows[0][cell] = value
    path = tmp_path / "edited.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    caught = import_into_empty(tmp_path, path)
    assert problem in str(caught) and "line 2" in str(caught)


def test_a_csv_tag_is_cleaned_as_log_cleans_it_and_found_by_the_same_filter(
    tmp_path: Path, run: RunCli
) -> None:
    sample(str(tmp_path / "a.db"), 1)
    rows = list(csv.DictReader(io.StringIO(csv_text(str(tmp_path / "a.db")))))
    rows[0]["tags"] = "Crisis, #Night"
    rows[0]["uid"] = ""
    path = tmp_path / "edited.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert run("import", str(path)).exit_code == 0
    listed = run("list", "--tag", "Crisis", "--json")
    assert listed.exit_code == 0, listed.output
    assert [e["tags"] for e in json.loads(listed.stdout)] == [["crisis", "night"]]
    exported = run("export", "--tag", "crisis")
    assert exported.exit_code == 0 and '"crisis"' in exported.stdout


def test_a_row_typed_into_a_spreadsheet_needs_only_a_date_and_a_time(
    tmp_path: Path, run: RunCli
) -> None:
    path = tmp_path / "typed.csv"
    path.write_text(
        "date,time,mode,what_happened,empathy\n2026-11-20,14:30,phone,Typed by hand,4\n",
        encoding="utf-8",
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(run("list", "--json").stdout)
    assert (entry["local_date"], entry["local_time"][11:16]) == ("2026-11-20", "14:30")
    assert entry["what_happened"] == "Typed by hand"
    assert [(r["slug"], r["score"]) for r in entry["ratings"]] == [("empathy", 4)]
