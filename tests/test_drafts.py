"""The draft file: private, faithful, and never silently lost."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerjournal import drafts
from peerjournal.drafts import Draft


def full_draft() -> Draft:
    return Draft(
        occurred_at=datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
        mode="phone",
        minutes=25,
        peer="R.",
        what_happened="They called about [bold]housing[/]\n\x1b[31mline two",
        so_what="Felt rushed.",
        now_what="",
        ratings={"empathy": 4, "trust": 2},
        feeling=3,
        tags=["warmline"],
        done=["when", "mode", "rate:empathy"],
    )


def test_a_saved_draft_reads_back_exactly(journal_home: Path) -> None:
    draft = full_draft()
    path = drafts.save(draft)
    assert path == journal_home / "draft.json"
    assert drafts.load() == draft


def test_the_draft_file_is_private(journal_home: Path) -> None:
    path = drafts.save(full_draft())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_home.stat().st_mode) == 0o700


def test_no_draft_is_none_and_discard_removes_it() -> None:
    assert drafts.load() is None
    drafts.save(full_draft())
    drafts.discard()
    assert drafts.load() is None
    drafts.discard()  # nothing there: still fine


@pytest.mark.parametrize("content", ["", "{not json", '{"version": 99}', '["a list"]'])
def test_an_unreadable_draft_is_moved_aside_not_deleted(journal_home: Path, content: str) -> None:
    journal_home.mkdir(parents=True, exist_ok=True)
    (journal_home / "draft.json").write_text(content, encoding="utf-8")
    with pytest.raises(drafts.DraftUnreadable, match="moved to"):
        drafts.load()
    assert not (journal_home / "draft.json").exists()
    kept = list(journal_home.glob("draft-unreadable-*.json"))
    assert [p.read_text(encoding="utf-8") for p in kept] == [content]


def test_reflection_joins_the_answers_given() -> None:
    draft = Draft(what_happened="A", now_what="C")
    assert draft.reflection == "A\nC"
