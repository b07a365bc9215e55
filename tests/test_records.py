"""The rules every entry obeys, whichever way it arrives: kinds, flags, feelings, limits, tags."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerjournal import records
from peerjournal.errors import InvalidValue
from peerjournal.records import FollowUp, NewEntry, Rating

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("typed", "mode"),
    [("1", "in-person"), ("in person", "in-person"), ("Phone", "phone"), ("chat", "text"),
     ("text/chat", "text"), ("Text or chat", "text"), ("vid", "video"), ("g", "group"),
     ("6", "other"), ("face to face", "in-person")],
)  # fmt: skip
def test_kinds_of_contact_as_people_type_them(typed: str, mode: str) -> None:
    assert records.parse_mode(typed) == mode


@pytest.mark.parametrize("typed", ["0", "7", "", "walk", "in-car", "carrier-pigeon"])
def test_a_kind_of_contact_that_is_not_one(typed: str) -> None:
    with pytest.raises(InvalidValue, match="Choose one of"):
        records.parse_mode(typed)


def test_every_kind_has_one_label_on_every_screen() -> None:
    assert [records.mode_label(m) for m in records.MODES] == [
        "in person", "phone", "text/chat", "video", "group", "other",
    ]  # fmt: skip
    # A label read back is the kind it labels: labels are never a second spelling.
    assert all(records.parse_mode(records.mode_label(m)) == m for m in records.MODES)


def test_tags_are_trimmed_lower_case_and_once() -> None:
    assert records.clean_tags(["#Warmline", " night ", "warmline", "", "Crisis  Line"]) == (
        "warmline",
        "night",
        "crisis line",
    )


def test_too_many_or_too_long_tags_are_refused() -> None:
    with pytest.raises(InvalidValue, match="at most 64"):
        records.clean_tags(["x" * 65])
    with pytest.raises(InvalidValue, match=f"at most {records.MAX_TAGS} tags"):
        records.clean_tags([f"t{i}" for i in range(records.MAX_TAGS + 1)])


@pytest.mark.parametrize(
    ("typed", "score"),
    [("1", 1), ("drained", 1), ("Low", 2), (" okay ", 3), ("good", 4), ("well", 5), (3, 3)],
)
def test_the_feeling_takes_its_numbers_and_its_words(typed: str | int, score: int) -> None:
    assert records.parse_feeling(typed) == score


@pytest.mark.parametrize("typed", ["0", "6", "great", "-1"])
def test_a_feeling_that_is_not_one_says_the_words(typed: str) -> None:
    with pytest.raises(InvalidValue, match=r"1 to 5|drained, 2 low"):
        records.parse_feeling(typed)


@pytest.mark.parametrize(
    ("typed", "flag"),
    [("safety", "safety"), ("1", "safety"), ("own_story", "own-story"), ("Own story", "own-story"),
     ("deb", "debrief"), ("5", "own-story")],
)  # fmt: skip
def test_flags_by_name_number_or_start(typed: str, flag: str) -> None:
    assert records.parse_flag(typed) == flag


def test_flags_are_kept_once_in_the_guides_order() -> None:
    assert records.clean_flags(["own-story", "safety", "safety"]) == ("safety", "own-story")
    with pytest.raises(InvalidValue, match="not a flag"):
        records.clean_flags(["crisis"])


def test_a_new_entry_is_normalised_the_same_way_every_time() -> None:
    entry = NewEntry(
        occurred_at=NOW,
        mode="Text/chat",
        peer="  R.  ",
        tags=("Crisis", "#crisis"),
        flags=("disclosure", "boundary"),
        ratings=(Rating("empathy", "Empathy", 4, "  asked first  "),),
    )
    assert (entry.mode, entry.peer, entry.tags, entry.flags) == (
        "text",
        "R.",
        ("crisis",),
        ("boundary", "disclosure"),
    )
    assert entry.ratings[0].note == "asked first"
    assert (entry.utc_offset, entry.local_date) == (60, "2026-11-30")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"mode": "carrier-pigeon"}, "kind of contact"),
        ({"minutes": 5000}, "more than a day"),
        ({"minutes": -5}, "negative"),
        ({"feeling": 9}, "1 to 5"),
        ({"peer": "x" * 81}, "at most 80"),
        ({"what_happened": "x" * (records.MAX_REFLECTION + 1)}, "the most peerjournal keeps"),
        ({"occurred_at": datetime(2026, 11, 30, 14)}, "aware"),
    ],
)
def test_a_new_entry_that_breaks_a_rule_is_refused(change: dict[str, object], problem: str) -> None:
    values: dict[str, object] = {"occurred_at": NOW, "mode": "phone", **change}
    with pytest.raises((InvalidValue, ValueError), match=problem):
        NewEntry(**values)  # type: ignore[arg-type]


def test_an_impossible_utc_offset_is_refused_and_an_old_one_still_reads() -> None:
    with pytest.raises(InvalidValue, match="less than a day"):
        records.check_offset(24 * 60)
    assert records.check_offset(-(24 * 60 - 1)) == -(24 * 60 - 1)
    # A journal that took one in before the rule still shows the entry (as UTC).
    assert records.zone(24 * 60) is UTC


def test_a_rating_note_is_one_line_at_most_a_thousand_characters() -> None:
    with pytest.raises(InvalidValue, match="1,000"):
        Rating("empathy", "Empathy", 3, "x" * 1001)


def test_a_follow_up_is_overdue_after_its_day_or_its_time() -> None:
    day = FollowUp("call back", due=date(2026, 12, 3))
    timed = FollowUp("send the leaflet", due=date(2026, 12, 3), due_time=time(17, 0))
    evening = datetime(2026, 12, 3, 18, 0).astimezone()
    assert not day.overdue(evening) and timed.overdue(evening)
    assert day.overdue(datetime(2026, 12, 4, 0, 1).astimezone())
    assert not FollowUp("whenever").overdue(evening)


def test_a_follow_up_needs_words() -> None:
    with pytest.raises(InvalidValue, match="a few words"):
        FollowUp("   ")


@given(st.text(max_size=80))
def test_cleaning_a_tag_twice_changes_nothing(text: str) -> None:
    try:
        once = records.clean_tag(text)
    except InvalidValue:
        return
    assert once is None or records.clean_tag(once) == once


@given(st.sampled_from(records.MODES), st.lists(st.sampled_from(list(records.FLAGS))))
def test_a_saved_entry_read_back_is_the_entry_that_was_given(mode: str, flags: list[str]) -> None:
    entry = NewEntry(occurred_at=NOW, mode=mode, flags=tuple(flags))
    again = NewEntry(occurred_at=entry.occurred_at, mode=entry.mode, flags=entry.flags)
    assert again == entry


def test_labels_of_days_are_one_format() -> None:
    assert records.day_label(date(2026, 12, 1)) == "Tue 1 Dec 2026"
    assert records.when_label(datetime(2026, 12, 1, 9, 5)) == "Tue 1 Dec 2026 09:05"
    assert records.span_label(date(2025, 12, 29), date(2026, 1, 4)) == (
        "Mon 29 Dec 2025 \u2013 Sun 4 Jan 2026"
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("crisis", "'crisis' is not a flag; did you mean safety (a safety concern or crisis"),
        ("role", "'role' is not a flag; did you mean boundary (a boundary or role question"),
        ("shared", "'shared' is not a flag. Choose from: safety, debrief, boundary,"),
        ("zebra", "'zebra' is not a flag. Choose from: safety, debrief, boundary,"),
    ],
)
def test_a_word_from_a_flags_meaning_points_to_that_flag(typed: str, said: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        records.parse_flag(typed)
    assert str(refused.value).startswith(said)
