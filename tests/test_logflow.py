"""The pieces of the log flow that need no terminal: the editor template and values."""

from __future__ import annotations

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
