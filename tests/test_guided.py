"""The guided steps counted and checked without a terminal: what is asked, and in what order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from peerjournal.cli import logflow
from peerjournal.cli.guided import STEPS, GuidedFlow
from peerjournal.cli.logflow import parse_choice, parse_flags
from peerjournal.drafts import Draft
from peerjournal.errors import InvalidValue, PeerJournalError
from peerjournal.principles import load_guide

# The questions a routine log asked before principles were chosen: when, kind,
# minutes, alias, the three reflection prompts, a rating for each of the eight
# principles the guide had then, feeling, tags, and the save.
QUESTIONS_BEFORE = 4 + 3 + 8 + 1 + 1 + 1


@dataclass
class Typist:
    """Answers each question in turn, and remembers every prompt it was asked."""

    answers: Iterator[str]
    prompts: list[str] = field(default_factory=list)

    def __call__(self, prompt: str, prefill: str) -> str:
        self.prompts.append(prompt)
        return next(self.answers)


def guided_log(answers: list[str], journal_home: Path) -> tuple[GuidedFlow, Typist]:
    typist = Typist(iter(answers))
    flow = GuidedFlow(Draft(), load_guide(), journal_home / "draft.json", read=typist)
    flow.run()
    guide = flow.guide
    assert flow.confirm_save(lambda: logflow.to_new_entry(flow.draft, guide))
    return flow, typist


ROUTINE = [
    "",  # when: now
    "4",  # how I am
    "",  # kind: the one used last
    "20",  # minutes
    "R.",  # alias
    "",  # what happened (Enter: nothing to add here)
    "",  # so what
    "",  # now what
    "",  # no promise
    "",  # no flag
    "3 7 9",  # the principles tested
    "4",  # empathy
    "3",  # hope
    "4",  # boundaries
    "",  # tags
    "",  # save
]


def test_a_routine_log_of_three_principles_asks_fewer_questions_than_before(
    journal_home: Path,
) -> None:
    flow, typist = guided_log(ROUTINE, journal_home)
    assert len(typist.prompts) == len(ROUTINE) <= QUESTIONS_BEFORE
    assert sum("Rating 1-5" in p for p in typist.prompts) == 3
    assert flow.draft.ratings == {"empathy": 4, "hope": 3, "boundaries": 4}
    assert (flow.draft.feeling, flow.draft.minutes, flow.draft.peer) == (4, 20, "R.")


def test_the_supporter_is_asked_how_they_are_right_after_when(journal_home: Path) -> None:
    _, typist = guided_log(ROUTINE, journal_home)
    assert "When" in typist.prompts[0] and "Feeling" in typist.prompts[1]
    assert "Number or name" in typist.prompts[2]
    assert [s.name for s in STEPS][:3] == ["when", "feeling", "mode"]


def test_every_optional_step_is_one_enter(journal_home: Path) -> None:
    answers = ["", "", "", "", "", "", "", "", "", "", "none", "", ""]
    flow, typist = guided_log(answers, journal_home)
    assert len(typist.prompts) == len(answers)
    draft = flow.draft
    assert (draft.feeling, draft.minutes, draft.peer, draft.ratings) == (None, None, None, {})
    assert (draft.flags, draft.follow_ups, draft.tags, draft.mode) == ([], [], [], "other")


def test_a_why_is_asked_after_a_one_a_two_or_a_five_only(journal_home: Path) -> None:
    answers = [*ROUTINE[:10], "1 2 3 4", "1", "froze", "2", "", "3", "5", "named a strength"]
    flow, typist = guided_log([*answers, "", ""], journal_home)
    whys = [p for p in typist.prompts if "Why a" in p]
    assert len(whys) == 3
    assert flow.draft.notes == {"empowerment": "froze", "emotional-safety": "named a strength"}


def test_enter_at_the_principles_rates_them_all(journal_home: Path) -> None:
    answers = [*ROUTINE[:10], "", *["4"] * 9, "", ""]
    flow, typist = guided_log(answers, journal_home)
    assert sum("Rating 1-5" in p for p in typist.prompts) == len(flow.guide.principles)
    assert len(flow.draft.ratings) == 9


def test_promises_with_and_without_a_day(journal_home: Path) -> None:
    answers = [*ROUTINE[:8], "call back", "in 2 days", "leaflet", "", "", *ROUTINE[9:]]
    flow, _ = guided_log(answers, journal_home)
    from datetime import date, timedelta

    assert [(f.text, f.due) for f in flow.draft.follow_ups] == [
        ("call back", date.today() + timedelta(days=2)),
        ("leaflet", None),
    ]


def test_the_kind_of_contact_defaults_to_the_one_used_last(journal_home: Path) -> None:
    typist = Typist(iter(ROUTINE))
    flow = GuidedFlow(
        Draft(), load_guide(), journal_home / "draft.json", read=typist, default_mode="video"
    )
    flow.run()
    assert flow.draft.mode == "video"
    assert "[Enter: video]" in typist.prompts[2]


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("3 7 9", ["empathy", "hope", "boundaries"]),
        ("9, empa, hope", ["empathy", "hope", "boundaries"]),
        ("boundries", None),
        ("10", None),
        ("", "all"),
        ("none", []),
    ],
)
def test_choosing_principles(typed: str, chosen: list[str] | str | None) -> None:
    guide = load_guide()
    if chosen is None:
        with pytest.raises(PeerJournalError):
            parse_choice(guide, typed)
    else:
        assert parse_choice(guide, typed) == (list(guide.slugs) if chosen == "all" else chosen)


def test_a_mistyped_principle_suggests_the_near_one() -> None:
    with pytest.raises(PeerJournalError, match="did you mean 'boundaries'"):
        parse_choice(load_guide(), "3 boundries")


@pytest.mark.parametrize(
    ("typed", "flags"),
    [
        ("1 3", ("safety", "boundary")),
        ("own story, debrief", ("debrief", "own-story")),
        ("disclosure own-story", ("disclosure", "own-story")),
        ("", ()),
    ],
)
def test_choosing_flags(typed: str, flags: tuple[str, ...]) -> None:
    assert parse_flags(typed) == flags


def test_an_unknown_flag_is_refused() -> None:
    with pytest.raises(InvalidValue, match="not a flag"):
        parse_flags("sad")
