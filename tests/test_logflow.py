"""The pieces of the log flow that need no terminal: the editor template, values, steps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerjournal.cli import logflow
from peerjournal.drafts import Draft

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
