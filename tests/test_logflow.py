"""The pieces of the log flow that need no terminal: the editor template, values, steps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerjournal.cli import logflow
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue

answer = (
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
    .map(lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("#")))
    .map(lambda t: t.strip(" \t\r\n"))
)


@settings(max_examples=200, deadline=None)
@given(answer, answer, answer)
def test_the_editor_template_gives_back_what_was_in_it(what: str, so: str, now: str) -> None:
    draft = Draft(what_happened=what, so_what=so, now_what=now)
    text = logflow.editor_template(draft)
    assert logflow.parse_editor_text(text) == (what, so, now)


def test_text_without_headings_is_what_happened() -> None:
    assert logflow.parse_editor_text("just this\n") == ("just this", "", "")


@pytest.mark.parametrize(
    ("typed", "mode"),
    [("1", "in-person"), ("in person", "in-person"), ("Phone", "phone"), ("chat", "text"),
     ("vid", "video"), ("g", "group"), ("6", "other")],
)  # fmt: skip
def test_kinds_of_contact_as_people_type_them(typed: str, mode: str) -> None:
    assert logflow.parse_mode(typed) == mode


@pytest.mark.parametrize("typed", ["0", "7", "", "walk", "in-car"])
def test_a_kind_of_contact_that_is_not_one(typed: str) -> None:
    with pytest.raises(InvalidValue, match="Choose one of"):
        logflow.parse_mode(typed)


def test_tags_are_trimmed_lower_case_and_once() -> None:
    assert logflow.parse_tags(["#Warmline", " night ", "warmline", ""]) == ["warmline", "night"]


# --- the guided steps, with the line the person leaves as it is given --------------

KEEP = object()  # Enter on the prefilled line, unchanged


class Typist:
    """Answers the guided flow's lines in order; KEEP leaves the prefilled line as it is."""

    def __init__(self, *lines: object) -> None:
        self.lines = list(lines)
        self.prefills: list[str] = []

    def __call__(self, prompt: str, prefill: str) -> str:
        self.prefills.append(prefill)
        line = self.lines.pop(0)
        return prefill if line is KEEP else str(line)


def guided(tmp_path: Path, draft: Draft, typist: Typist, **options: Any) -> logflow.GuidedFlow:
    from peerjournal.principles import load_guide

    return logflow.GuidedFlow(draft, load_guide(), tmp_path / "draft.json", read=typist, **options)


def test_each_line_of_an_old_answer_comes_back_to_change(tmp_path: Path) -> None:
    typist = Typist(KEEP, "", "third, changed", "a new line", "")
    draft = Draft(what_happened="first\n\nsecond\n\nthird")
    guided(tmp_path, draft, typist).ask_text("what_happened", "What happened?", revise=True)
    assert typist.prefills == ["first", "second", "third", "", ""]
    # The emptied paragraph is gone and one break is left between the others.
    assert draft.what_happened == "first\n\nthird, changed\na new line"


def test_changing_an_entry_keeps_clears_and_replaces_optional_answers(tmp_path: Path) -> None:
    draft = Draft(minutes=20, peer="R.T.", feeling=2, tags=["warmline", "night"])
    flow = guided(tmp_path, draft, Typist(KEEP, "", "-", "night"), editing=True)
    flow.ask_minutes()
    flow.ask_peer()
    flow.ask_feeling()
    flow.ask_tags()
    assert (draft.minutes, draft.peer, draft.feeling, draft.tags) == (20, None, None, ["night"])
    assert flow.typed


def test_the_time_of_an_edited_entry_is_kept_to_the_second(tmp_path: Path) -> None:
    when = datetime(2026, 3, 1, 9, 0, 37, tzinfo=UTC)
    draft = Draft(occurred_at=when)
    typist = Typist(KEEP, "")
    flow = guided(tmp_path, draft, typist, editing=True)
    flow.ask_when()
    flow.ask_when()
    assert draft.occurred_at == when
    assert typist.prefills == [when.strftime("%Y-%m-%d %H:%M")] * 2
    assert not flow.typed


def test_a_blank_line_ends_an_answer_unless_more_is_already_waiting(tmp_path: Path) -> None:
    waiting = iter([True, False])
    draft = Draft()
    flow = guided(tmp_path, draft, Typist("One.", "", "Two.", "", "unread"))
    flow.more_waiting = lambda: next(waiting)
    flow.ask_text("what_happened", "What happened?")
    assert draft.what_happened == "One.\n\nTwo."
