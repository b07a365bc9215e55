"""The guide: the default loads, every malformed guide gives one helpful error."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerjournal.errors import GuideError, UnknownPrinciple
from peerjournal.paths import GuideChoice, default_guide_path
from peerjournal.principles import load_guide, parse_guide

DEFAULT_SLUGS = (
    "empowerment",
    "mutual-respect",
    "empathy",
    "emotional-safety",
    "open-mind",
    "authenticity",
    "hope",
    "trust",
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


def test_default_guide_has_the_eight_principles_in_order() -> None:
    guide = load_guide(GuideChoice(default_guide_path(), "default"))
    assert guide.slugs == DEFAULT_SLUGS
    for principle in guide.principles:
        assert 2 <= len(principle.questions) <= 3, principle.slug
        assert len(principle.summary) <= 80, principle.slug
        assert principle.rating_1 and principle.rating_5 and principle.description


def test_default_guide_is_the_one_at_the_repository_top() -> None:
    top = Path(__file__).resolve().parents[1] / "principles.toml"
    assert default_guide_path().read_bytes() == top.read_bytes()


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "guide.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_good_guide_parses(tmp_path: Path) -> None:
    (principle,) = parse_guide(write(tmp_path, GOOD))
    assert principle.slug == "empathy"
    assert principle.questions == ("Did I check?", "Did I assume?")


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


def test_binary_and_non_utf8_guides_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="not a text file"):
        parse_guide(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00"))
    with pytest.raises(GuideError, match="not UTF-8"):
        parse_guide(write(tmp_path, b'version = 1\nname = "\xff\xfe"\n'))


def test_missing_guide_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="does not exist"):
        parse_guide(tmp_path / "nope.toml")


def test_find_accepts_unique_prefixes_and_underscores() -> None:
    guide = load_guide(GuideChoice(default_guide_path(), "default"))
    assert guide.find("emotional_safety").slug == "emotional-safety"
    assert guide.find("EMO").slug == "emotional-safety"
    assert guide.find("mut").slug == "mutual-respect"
    assert guide.find("hope").slug == "hope"


def test_find_refuses_ambiguous_and_unknown_slugs() -> None:
    guide = load_guide(GuideChoice(default_guide_path(), "default"))
    with pytest.raises(UnknownPrinciple, match="more than one") as ambiguous:
        guide.find("emp")
    assert "empowerment" in str(ambiguous.value) and "empathy" in str(ambiguous.value)
    with pytest.raises(UnknownPrinciple, match="Choose one of") as unknown:
        guide.find("kindness")
    assert all(slug in str(unknown.value) for slug in DEFAULT_SLUGS)
