"""The guide: the default loads, every malformed guide gives one helpful error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peerjournal.errors import GuideError, UnknownPrinciple
from peerjournal.paths import GuideChoice, default_guide_path
from peerjournal.principles import (
    MAX_CONTACTS,
    Guide,
    Principle,
    SupportContact,
    load_guide,
    parse_guide,
)

DEFAULT_SLUGS = (
    "empowerment",
    "mutual-respect",
    "empathy",
    "emotional-safety",
    "open-mind",
    "authenticity",
    "hope",
    "trust",
    "boundaries",
)

GOOD = """\
version = 1

[[principle]]
slug = "empathy"
name = "Empathy"
summary = "Understood them."
description = "A paragraph."
questions = ["Did I check?", "Did I assume?"]
rating_1 = "Assumed."
rating_5 = "Checked."
"""

SUPPORT = """\
[support]
placeholder = "Add yours."

[[support.contact]]
name = "My supervisor"
how = "Call 555 0100, weekdays"

[[support.contact]]
name = "Peer line"
how = "Evenings"
"""


def default_guide() -> Guide:
    return load_guide(GuideChoice(default_guide_path(), "default"))


def write(tmp_path: Path, text: str | bytes, name: str = "guide.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- the default guide, as a trainer would adopt it ---------------------------


def test_default_guide_has_the_nine_principles_in_order() -> None:
    guide = default_guide()
    assert guide.slugs == DEFAULT_SLUGS
    for principle in guide.principles:
        assert 2 <= len(principle.questions) <= 3, principle.slug
        assert len(principle.summary) <= 80, principle.slug
        assert principle.rating_1 and principle.rating_5 and principle.description
    assert guide.get("boundaries") == guide.find("boundaries")
    assert guide.find("boundaries").name == "Boundaries and role"
    assert guide.find("trust").name == "Trust and consistency"


def test_default_guide_is_the_one_at_the_repository_top() -> None:
    top = Path(__file__).resolve().parents[1] / "principles.toml"
    assert default_guide_path().read_bytes() == top.read_bytes()


def _all_text(principle: Principle) -> str:
    parts = (
        principle.summary,
        principle.description,
        *principle.questions,
        principle.rating_1,
        principle.rating_5,
    )
    return " ".join(parts).lower()


def test_every_rating_line_says_what_the_supporter_did() -> None:
    for principle in default_guide().principles:
        for line in (principle.rating_1, principle.rating_5):
            assert line.startswith("I "), (principle.slug, line)
            # How the other person seemed is not something the supporter did.
            assert not re.search(r"\b(seemed|felt|feel|lighter|at ease)\b", line), line


@pytest.mark.parametrize(
    ("pattern", "owner"),
    [
        (r"\badvice\b|\bunasked\b", "empowerment"),
        (r"\bpace\b", "empowerment"),
        (r"\bjudg", "emotional-safety"),
        (r"\bdistress\b", "emotional-safety"),
        (r"\bpower\b", "mutual-respect"),
        (r"\bfollow(ed)? through\b|\bconfiden", "trust"),
        (r"\bmy own story\b", "authenticity"),
        (r"\btherapist\b|\brescuer\b|\bphone number\b|\bpersonal number\b", "boundaries"),
    ],
)
def test_one_behaviour_belongs_to_one_principle(pattern: str, owner: str) -> None:
    holders = [p.slug for p in default_guide().principles if re.search(pattern, _all_text(p))]
    assert holders == [owner]


def test_authenticity_asks_for_honesty_and_challenge_not_only_agreement() -> None:
    text = _all_text(default_guide().find("authenticity"))
    assert "direct" in text and "hard thing" in text and "challenge" in text


def test_boundary_and_sharing_situations_each_have_a_fitting_question() -> None:
    guide = default_guide()
    boundaries = guide.find("boundaries").questions
    assert any("role" in q for q in boundaries)
    assert any("limit" in q for q in boundaries)
    sharing = guide.find("authenticity").questions
    assert any("my own story" in q for q in sharing)


def test_default_guide_has_the_safety_note_and_a_support_placeholder() -> None:
    guide = default_guide()
    assert "safety concern" in guide.safety_note and "protocol" in guide.safety_note
    assert "not a lapse of empowerment" in guide.safety_note
    assert guide.support == ()
    assert guide.support_is_placeholder
    assert "peerjournal principles customize" in guide.support_placeholder
    # Country-neutral: no one country's number on screen.
    assert not re.search(r"\d", guide.support_placeholder)


# --- a guide that parses -------------------------------------------------------


def test_a_good_guide_parses(tmp_path: Path) -> None:
    (principle,) = parse_guide(write(tmp_path, GOOD))
    assert principle.slug == "empathy"
    assert principle.questions == ("Did I check?", "Did I assume?")


def test_support_contacts_are_read_in_order(tmp_path: Path) -> None:
    text = GOOD.replace("version = 1\n", f'version = 1\nsafety_note = "Mine."\n{SUPPORT}')
    guide = load_guide(GuideChoice(write(tmp_path, text), "user"))
    assert guide.support == (
        SupportContact("My supervisor", "Call 555 0100, weekdays"),
        SupportContact("Peer line", "Evenings"),
    )
    assert not guide.support_is_placeholder
    assert guide.safety_note == "Mine."
    assert guide.replaced_error is None


def test_contacts_may_follow_the_principles(tmp_path: Path) -> None:
    text = GOOD + '\n[[support.contact]]\nname = "Supervisor"\nhow = "Call"\n'
    guide = load_guide(GuideChoice(write(tmp_path, text), "user"))
    assert guide.support == (SupportContact("Supervisor", "Call"),)


def test_an_older_customised_guide_borrows_the_note_and_placeholder(tmp_path: Path) -> None:
    guide = load_guide(GuideChoice(write(tmp_path, GOOD), "user"))
    default = default_guide()
    assert guide.slugs == ("empathy",)
    assert guide.safety_note == default.safety_note
    assert guide.support_placeholder == default.support_placeholder
    assert guide.support_is_placeholder


# --- guides that do not ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        (GOOD.replace('slug = "empathy"\n', ""), "the key 'slug' is missing", None),
        (GOOD.replace('name = "Empathy"\n', ""), "the key 'name' is missing", None),
        (GOOD.replace('questions = ["Did I check?", "Did I assume?"]\n', ""), "'questions'", None),
        (GOOD.replace('["Did I check?", "Did I assume?"]', "[]"), "at least one question", 8),
        (GOOD + 'colour = "blue"\n', "unknown key 'colour'", 11),
        (GOOD.replace('name = "Empathy"', "name = 5"), "'name' must be text", 5),
        (GOOD.replace('["Did I check?", "Did I assume?"]', '"one"'), "list of texts", 8),
        (GOOD.replace('slug = "empathy"', 'slug = "Em Pathy"'), "slug 'Em Pathy'", 4),
        (GOOD + GOOD.replace("version = 1\n", ""), "slug 'empathy' is used twice", 13),
        (GOOD.replace('summary = "Understood them."', "summary = Understood"), "TOML", 6),
        ("version = 1\n", "no [[principle]] tables", None),
        ('title = "x"\n', "unknown key 'title'", 1),
        ("", "empty", None),
        ("   \n\n", "empty", None),
    ],
)
def test_malformed_guides_name_the_file_line_and_key(
    tmp_path: Path, text: str, fragment: str, line: int | None
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GuideError) as caught:
        parse_guide(path)
    message = str(caught.value)
    assert str(path) in message
    assert fragment in message
    assert caught.value.line == line
    if line is not None:
        assert f"line {line}" in message
    assert "\n" not in message


def _with_support(support: str, note: str = "") -> str:
    """GOOD with a safety note line and a [support] block after `version` (line 2 on)."""
    return GOOD.replace("version = 1\n", f"version = 1\n{note}{support}")


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        (_with_support('support = "call someone"\n'), "[support] table", 2),
        (_with_support('[support]\nphone = "x"\n'), "[support]: unknown key 'phone'", 3),
        (_with_support('[support]\nplaceholder = ""\n'), "'placeholder' is empty", 3),
        (_with_support("[support]\nplaceholder = 3\n"), "'placeholder' must be text", 3),
        (
            _with_support('[support]\nplaceholder = "' + "x" * 301 + '"\n'),
            "301 characters long; keep it to 300",
            3,
        ),
        (
            _with_support('[support.contact]\nname = "A"\nhow = "B"\n'),
            "[[support.contact]] block",
            None,
        ),
        (
            _with_support(
                '[[support.contact]]\nname = "A"\nhow = "B"\n\n[[support.contact]]\nname = "C"\n'
            ),
            "support contact 2: the key 'how' is missing",
            None,
        ),
        (
            _with_support(
                '[[support.contact]]\nname = "A"\nhow = "B"\n\n'
                '[[support.contact]]\nname = "C"\nhow = 5\n'
            ),
            "support contact 2: 'how' must be text",
            8,
        ),
        (
            _with_support('[[support.contact]]\nname = "A"\nhow = "B"\nemail = "x"\n'),
            "support contact 1: unknown key 'email'",
            5,
        ),
        (
            _with_support('[[support.contact]]\nname = "' + "A" * 81 + '"\nhow = "B"\n'),
            "'name' is 81 characters long; keep it to 80",
            3,
        ),
        (
            _with_support('[[support.contact]]\nname = "A"\nhow = """\nline one\nline two"""\n'),
            "'how' must fit on one line",
            4,
        ),
        (
            _with_support('[[support.contact]]\nname = "  "\nhow = "B"\n'),
            "support contact 1: 'name' is empty",
            3,
        ),
        (
            _with_support(
                "".join(
                    f'[[support.contact]]\nname = "N{i}"\nhow = "H"\n'
                    for i in range(MAX_CONTACTS + 1)
                )
            ),
            f"lists {MAX_CONTACTS + 1} contacts",
            None,
        ),
        (_with_support("", 'safety_note = ""\n'), "'safety_note' is empty", 2),
        (_with_support("", "safety_note = ['x']\n"), "'safety_note' must be text", 2),
        (
            _with_support("", 'safety_note = "' + "s" * 501 + '"\n'),
            "501 characters long; keep it to 500",
            2,
        ),
    ],
)
def test_malformed_support_and_safety_note_name_the_line(
    tmp_path: Path, text: str, fragment: str, line: int | None
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GuideError) as caught:
        load_guide(GuideChoice(path, "user"))
    message = str(caught.value)
    assert fragment in message
    assert str(path) in message
    assert caught.value.line == line
    assert "\n" not in message


def test_the_line_named_is_in_the_principle_at_fault(tmp_path: Path) -> None:
    second = GOOD.replace("version = 1\n", "").replace("empathy", "hope")
    second = second.replace('rating_5 = "Checked."', 'rating_5 = "  "')
    text = GOOD + second
    path = write(tmp_path, text)
    with pytest.raises(GuideError) as caught:
        parse_guide(path)
    lines = text.splitlines()
    assert "principle 2: 'rating_5' is empty" in str(caught.value)
    assert caught.value.line is not None
    assert lines[caught.value.line - 1] == 'rating_5 = "  "'


def test_a_description_line_starting_with_a_bracket_is_not_a_table(tmp_path: Path) -> None:
    text = GOOD.replace(
        'description = "A paragraph."',
        'description = """\n[[principle]] is how a table starts.\n"""',
    ).replace('name = "Empathy"', "name = 5")
    with pytest.raises(GuideError) as caught:
        parse_guide(write(tmp_path, text))
    assert caught.value.line == 5


def test_binary_and_non_utf8_guides_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="not a text file"):
        parse_guide(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00"))
    with pytest.raises(GuideError, match="not UTF-8"):
        parse_guide(write(tmp_path, b'version = 1\nname = "\xff\xfe"\n'))


def test_missing_guide_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="does not exist"):
        parse_guide(tmp_path / "nope.toml")


# --- falling back to the built-in guide ----------------------------------------


def test_a_broken_guide_refuses_unless_a_fallback_is_asked_for(tmp_path: Path) -> None:
    broken = write(tmp_path, GOOD.replace('name = "Empathy"', "name = "))
    choice = GuideChoice(broken, "user")
    with pytest.raises(GuideError):
        load_guide(choice)
    guide = load_guide(choice, fallback=True)
    assert guide.slugs == DEFAULT_SLUGS
    assert guide.source == "default"
    assert guide.path == default_guide_path()
    assert guide.replaced_error is not None
    assert guide.replaced_error.path == broken
    assert guide.replaced_error.line == 5
    assert "TOML could not read it" in guide.replaced_error.problem


def test_a_good_guide_replaces_nothing(tmp_path: Path) -> None:
    guide = load_guide(GuideChoice(write(tmp_path, GOOD), "user"), fallback=True)
    assert guide.slugs == ("empathy",)
    assert guide.replaced_error is None


def test_a_broken_default_guide_has_nothing_to_fall_back_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write(tmp_path, "version = 2\n")
    monkeypatch.setattr("peerjournal.principles.default_guide_path", lambda: broken)
    with pytest.raises(GuideError, match="'version' must be 1"):
        load_guide(GuideChoice(broken, "default"), fallback=True)


# --- finding a principle by what the user typed ---------------------------------


def test_find_accepts_unique_prefixes_and_underscores() -> None:
    guide = default_guide()
    assert guide.find("emotional_safety").slug == "emotional-safety"
    assert guide.find("EMO").slug == "emotional-safety"
    assert guide.find("mut").slug == "mutual-respect"
    assert guide.find("hope").slug == "hope"
    assert guide.find("bound").slug == "boundaries"


def test_find_refuses_ambiguous_and_unknown_slugs() -> None:
    guide = default_guide()
    with pytest.raises(UnknownPrinciple, match="more than one") as ambiguous:
        guide.find("emp")
    assert "empowerment" in str(ambiguous.value) and "empathy" in str(ambiguous.value)
    with pytest.raises(UnknownPrinciple, match="Choose one of") as unknown:
        guide.find("kindness")
    assert all(slug in str(unknown.value) for slug in DEFAULT_SLUGS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("empaty", "empathy"),
        ("boundries", "boundaries"),
        ("boundary", "boundaries"),
        ("emotional-saftey", "emotional-safety"),
        ("safety", "emotional-safety"),
        ("respect", "mutual-respect"),
        ("resilience", "hope"),
        ("bias", "open-mind"),
        ("trsut", "trust"),
    ],
)
def test_a_near_miss_suggests_the_slug_in_one_sentence(typed: str, meant: str) -> None:
    with pytest.raises(UnknownPrinciple) as caught:
        default_guide().find(typed)
    message = str(caught.value)
    assert message == f"There is no principle called '{typed}'; did you mean '{meant}'?"


@pytest.mark.parametrize("typed", ["kind", "kindness", "xyz", ""])
def test_nothing_close_lists_every_slug(typed: str) -> None:
    with pytest.raises(UnknownPrinciple) as caught:
        default_guide().find(typed)
    assert "did you mean" not in str(caught.value)
    assert "Choose one of" in str(caught.value)


@given(
    slug=st.sampled_from(DEFAULT_SLUGS),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    typo=st.sampled_from(["drop", "swap", "double"]),
)
def test_one_slip_of_the_finger_still_finds_the_principle(
    slug: str, where: float, typo: str
) -> None:
    """A dropped, swapped or doubled letter is found or suggested, never another slug."""
    at = int(where * (len(slug) - 1))
    if typo == "drop":
        typed = slug[:at] + slug[at + 1 :]
    elif typo == "swap":
        typed = slug[:at] + slug[at + 1] + slug[at] + slug[at + 2 :]
    else:
        typed = slug[:at] + slug[at] + slug[at:]
    guide = default_guide()
    # A slip that makes the start of another slug ("ope" from "hope") is that slug.
    assume(not any(s.startswith(typed) for s in DEFAULT_SLUGS if s != slug))
    try:
        found = guide.find(typed).slug
    except UnknownPrinciple as refused:
        assert f"did you mean '{slug}'?" in str(refused)
    else:
        assert found == slug
