"""The feedback after saving, as a supporter fresh off a conversation reads it.

Each reproduction from the report that started this work is logged as a
supporter would log it now, and the test says what the feedback must say and
what it must never say.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerjournal.feedback import Care, Lowest, Strength, Thanks, feedback, mentions_risk
from peerjournal.paths import default_guide_path
from peerjournal.principles import load_guide
from peerjournal.records import NewEntry, Rating
from tests.conftest import RunCli

# What no feedback after a heavy conversation may hold: a principle's lapse, a grade.
LAPSE_WORDS = (
    "lowest",
    "lower than the others",
    "question to carry",
    "stood out",
    "What did you do that helped",
    "gave it a",
)


def logged(run: RunCli, *args: str) -> str:
    """Log an entry from a script; what it said on stderr, the wrapped lines joined."""
    result = run("log", *args, "--no-input")
    assert result.exit_code == 0, result.output
    return " ".join(result.stderr.split())


def after_saved(text: str) -> str:
    """The feedback alone: what follows the "Saved entry" line's facts."""
    return text[text.index("Saved entry #") :]


def assert_care(text: str, entry_id: int = 1) -> None:
    assert "Who you can turn to" in text
    assert "talk it through" in text
    for word in LAPSE_WORDS:
        assert word not in after_saved(text), word
    assert "today" not in after_saved(text)


def every_principle(score: int) -> list[str]:
    return [arg for slug in load_guide().slugs for arg in ("--rate", f"{slug}={score}")]


# --- the reproductions ---------------------------------------------------------------


def test_a_call_about_suicide_with_911_called_gets_care_not_a_lapse(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "J. said he wanted to kill himself last night, has a plan. I called 911 and my supervisor.",
        "--feeling",
        "1",
        "--rate",
        "empathy=2",
        "--rate",
        "hope=4",
        "--flag",
        "safety",
    )
    assert_care(text)
    assert "That sounds like a heavy conversation." in text
    assert "You noted feeling drained afterwards" in text
    # The guide's note on rating a safety response belongs to rating, not after it.
    assert "When you rate" not in after_saved(text)
    assert "It is on your list to bring to supervision" in text
    assert "Empathy" not in after_saved(text)
    assert "Did I check that I understood them" not in text


def test_the_same_call_unflagged_still_gets_care_and_is_offered_the_flag(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "J. said he wanted to kill himself last night, has a plan. I called 911 and my supervisor.",
        "--feeling",
        "1",
        "--rate",
        "empathy=2",
        "--rate",
        "hope=4",
    )
    assert_care(text)
    assert "That sounds like a heavy conversation." in text  # a risk, and feeling drained
    assert "After a conversation like this, it helps to talk it through soon" in text
    assert (
        "If there was a safety concern, you can add the safety flag to bring it to "
        "supervision: peerjournal edit 1"
    ) in text


def test_following_the_safety_protocol_is_never_called_a_lapse_of_empowerment(
    run: RunCli,
) -> None:
    note = (
        "Person disclosed plan to end life; followed our safety protocol, "
        "called mobile crisis with them."
    )
    for flags in ([], ["--flag", "safety"]):
        text = logged(
            run,
            "--note",
            note,
            "--rate",
            "empowerment=2",
            "--rate",
            "empathy=4",
            "--rate",
            "emotional-safety=4",
            "--feeling",
            "3",
            *flags,
        )
        if flags:
            assert_care(text)
        else:
            # Only the note's words, feeling okay: not declared heavy, no lowest named,
            # and following the protocol said to be good practice.
            assert "heavy" not in text
            assert (
                "If there was a safety concern, acting on it within your organisation's "
                "protocol is good practice, not a lapse of any principle."
            ) in text
            assert (
                "You can add the safety flag to bring it to supervision: peerjournal edit" in text
            )
        assert "Whose goals set the direction" not in text
        assert "Empowerment and self-direction" not in after_saved(text)


def test_everything_went_wrong_and_i_froze(run: RunCli) -> None:
    text = logged(
        run, "--note", "Everything went wrong, I froze.", "--feeling", "1", *every_principle(1)
    )
    assert_care(text)
    assert "You noted feeling drained after this conversation." in text
    assert "Whose goals set the direction" not in text
    assert (
        "If you would like to talk it over in supervision, add the debrief flag and it will "
        "be on your list: peerjournal edit 1"
    ) in text


def test_a_hard_crisis_call_rated_all_fives_hears_how_the_supporter_feels(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "A hard crisis call. I stayed with them until the crisis team arrived.",
        "--feeling",
        "drained",
        *every_principle(5),
    )
    assert_care(text)
    assert "You noted feeling drained" in text
    assert "every principle" not in after_saved(text).lower()


def test_a_boundary_crossed_gets_the_boundary_question_not_follow_through(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "He rang my personal phone again and I answered; I told him about my own relapse "
        "for 20 minutes.",
        "--rate",
        "trust=2",
        "--rate",
        "boundaries=2:gave my number",
        "--rate",
        "empathy=4",
        "--flag",
        "boundary",
        "--flag",
        "disclosure",
        "--feeling",
        "3",
    )
    assert "Did I follow through" not in text
    assert (
        "You rated Boundaries and role among the lowest this time (a 2). "
        "Since you flagged a boundary or role question, a question to carry into your next "
        "conversation: Did I say a needed limit clearly and kindly (my time, my number, my "
        "role)? It's on your supervision list."
    ) in text


def test_sharing_my_story_gets_the_question_about_my_own_story(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "I told him about my own relapse for twenty minutes.",
        "--rate",
        "trust=2",
        "--rate",
        "empathy=4",
        "--flag",
        "disclosure",
    )
    assert "Did I follow through" not in text
    assert (
        "You rated Trust and consistency lower than the others this time (a 2). Since "
        "you flagged that you shared some of your own story, a question to carry into your "
        "next conversation: If I shared my own story, was it for them or for me? "
        "It's on your supervision list."
    ) in text


# --- the other rules ---------------------------------------------------------------


def test_the_lowest_is_named_in_words_true_for_a_back_dated_entry(run: RunCli) -> None:
    text = logged(
        run, "--when", "3 days ago", "--note", "ok", "--rate", "empathy=2", "--rate", "hope=4"
    )
    assert (
        "You rated Empathy lower than the others this time (a 2). A question to carry "
        "into your next conversation: Did I check that I understood them, or did I assume?"
    ) in text
    assert "today" not in after_saved(text).lower()


def test_a_strength_when_everything_rated_high(run: RunCli) -> None:
    text = logged(run, "--note", "ok", "--rate", "empathy=4", "--rate", "hope=5")
    assert (
        "Hope and resilience stood out for you, and the rest held up well. "
        "What did you do that helped? Naming it makes it easier to do again."
    ) in text


def test_nothing_rated_is_thanked_without_a_grade(run: RunCli) -> None:
    text = logged(run, "--note", "We talked about the week.", "--feeling", "4")
    assert "Thank you for taking the time to reflect." in text
    assert "of 5" not in after_saved(text).split("·")[-1]


def test_ratings_close_together_name_no_single_principle(run: RunCli) -> None:
    text = logged(
        run, "--note", "ok", "--rate", "empathy=3", "--rate", "hope=3", "--rate", "trust=4"
    )
    assert (
        "Your lowest rating (3) went to Empathy, and to Hope and resilience. What is one "
        "small thing you might try differently next time?"
    ) in text
    assert "lower than the others" not in text


def test_a_debrief_flag_alone_is_care_and_on_the_list(run: RunCli) -> None:
    text = logged(
        run,
        "--note",
        "A long call.",
        "--rate",
        "empathy=1",
        "--rate",
        "hope=4",
        "--flag",
        "debrief",
    )
    assert_care(text)
    assert "Marking it to talk through was a good call." in text
    assert "It is on your list to bring to supervision" in text


def test_the_guides_own_contacts_are_offered_after_a_heavy_conversation(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = tmp_path / "team.toml"
    guide.write_text(
        default_guide_path().read_text(encoding="utf-8")
        + '\n[[support.contact]]\nname = "Dana, my supervisor"\nhow = "Call 555 0100"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PEERJOURNAL_PRINCIPLES", str(guide))
    text = logged(run, "--note", "ok", "--feeling", "low")
    assert "Who you can turn to • Dana, my supervisor: Call 555 0100" in text
    assert "To list your own contacts here" not in text
    placeholder = logged_without_contacts(run, monkeypatch)
    assert "Your supervisor or on-call lead" in placeholder
    assert "peerjournal principles customize" in placeholder


def logged_without_contacts(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("PEERJOURNAL_PRINCIPLES")
    return logged(run, "--note", "ok", "--feeling", "low")


# --- the rules as data -------------------------------------------------------------


def entry(
    flags: tuple[str, ...] = (), feeling: int | None = None, scores: dict[str, int] | None = None
) -> NewEntry:
    ratings = tuple(Rating(slug, slug.title(), score) for slug, score in (scores or {}).items())
    return NewEntry(
        occurred_at=datetime.now(UTC), mode="phone", flags=flags, feeling=feeling, ratings=ratings
    )


@pytest.mark.parametrize(
    ("flags", "feeling", "scores", "kind"),
    [
        (("safety",), None, {}, Care),
        (("debrief",), None, {"empathy": 5, "hope": 5}, Care),
        ((), 2, {"empathy": 1, "hope": 4}, Care),
        ((), 3, {"empathy": 1, "hope": 4}, Lowest),
        ((), 3, {"empathy": 4, "hope": 4}, Strength),
        ((), None, {"empathy": 2}, Thanks),
        ((), None, {}, Thanks),
        (("boundary", "own-story"), None, {"empathy": 3, "hope": 5}, Lowest),
    ],
)
def test_which_kind_of_feedback(
    flags: tuple[str, ...], feeling: int | None, scores: dict[str, int], kind: type
) -> None:
    assert isinstance(feedback(entry(flags, feeling, scores), load_guide()), kind)


def test_a_single_high_rating_is_a_strength_and_a_single_low_one_is_not_a_lapse() -> None:
    assert feedback(entry(scores={"hope": 5}), load_guide()) == Strength(1, 5, ("Hope",))
    assert feedback(entry(scores={"hope": 1}), load_guide()) == Thanks("one", 1, ("Hope",), 1)


def test_a_boundary_flag_picks_the_boundary_question_for_another_low_principle() -> None:
    said = feedback(
        entry(("boundary",), 3, {"trust": 2, "boundaries": 3, "empathy": 4}), load_guide()
    )
    assert said == Lowest(
        "Trust",
        2,
        "Did I say a needed limit clearly and kindly (my time, my number, my role)?",
        "boundary",
        flags=("boundary",),
    )


@pytest.mark.parametrize(
    "text",
    [
        "She talked about suicide.",
        "he wanted to end his life",
        "I called 911",
        "we called mobile crisis",
        "we made a safety plan together",
        "they mentioned self-harm",
    ],
)
def test_words_of_a_risk_are_noticed(text: str) -> None:
    assert mentions_risk(text)


@pytest.mark.parametrize(
    "text",
    ["We talked about the housing crisis.", "They got a new job.", "Room 9111 was loud."],
)
def test_ordinary_words_are_not_a_risk(text: str) -> None:
    assert not mentions_risk(text)
