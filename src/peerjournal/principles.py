"""The guide: load `principles.toml`, validate it, and find principles by slug."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerjournal.errors import GuideError, UnknownPrinciple
from peerjournal.paths import GuideChoice, guide_in_use

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_GUIDE_BYTES = 1_000_000
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")

_REQUIRED_TEXT = ("slug", "name", "summary", "description", "rating_1", "rating_5")
_ALLOWED_KEYS = frozenset((*_REQUIRED_TEXT, "questions"))
_TOP_KEYS = frozenset(("version", "principle"))


@dataclass(frozen=True)
class Principle:
    """One principle of peer support, as the guide describes it."""

    slug: str
    name: str
    summary: str
    description: str
    questions: tuple[str, ...]
    rating_1: str
    rating_5: str


@dataclass(frozen=True)
class SupportContact:
    """Someone the supporter can turn to, and how to reach them."""

    name: str
    how: str


@dataclass(frozen=True)
class Guide:
    """Every principle, in the guide's order, and the file they came from."""

    path: Path
    source: str
    principles: tuple[Principle, ...]
    support: tuple[SupportContact, ...] = ()
    # True while the guide holds only the default's stand-in contacts.
    support_is_placeholder: bool = True

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(p.slug for p in self.principles)

    def get(self, slug: str) -> Principle | None:
        """The principle with exactly this slug, or None."""
        for principle in self.principles:
            if principle.slug == slug:
                return principle
        return None

    def find(self, given: str) -> Principle:
        """The principle a user meant: exact slug or a unique prefix; `_` and `-` alike."""
        wanted = normalise_slug(given)
        exact = self.get(wanted)
        if exact is not None:
            return exact
        matches = [p for p in self.principles if wanted and p.slug.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnknownPrinciple(given, [p.slug for p in matches], ambiguous=True)
        raise UnknownPrinciple(given, self.slugs)


def normalise_slug(text: str) -> str:
    """How the user's spelling of a slug compares: trimmed, lower case, `_` as `-`."""
    return text.strip().lower().replace("_", "-")


def load_guide(choice: GuideChoice | None = None) -> Guide:
    """Read and validate the guide in use (or the one given)."""
    choice = choice or guide_in_use()
    return Guide(choice.path, choice.source, parse_guide(choice.path))


def parse_guide(path: Path) -> tuple[Principle, ...]:
    """Read the guide at `path`; every problem is a GuideError naming file, line and key."""
    try:
        size = path.stat().st_size
        if size > MAX_GUIDE_BYTES:
            raise GuideError(path, f"it is {size:,} bytes, larger than a guide can be")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GuideError(path, "the file does not exist") from None
    except IsADirectoryError:
        raise GuideError(path, "it is a folder, not a file") from None
    except PermissionError:
        raise GuideError(path, "peerjournal is not allowed to read it") from None
    if not raw.strip():
        raise GuideError(path, "the file is empty")
    if b"\x00" in raw:
        raise GuideError(path, "it is not a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise GuideError(path, "it is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 puts the position only inside the message text.
        found = _TOML_POSITION.search(str(exc))
        message = _TOML_POSITION.sub("", str(exc)).strip()
        line = int(found.group(1)) if found else None
        raise GuideError(path, f"TOML could not read it: {message}", line=line) from None
    return _principles_from(path, text, data)


def _principles_from(path: Path, text: str, data: dict[str, Any]) -> tuple[Principle, ...]:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        key = unknown[0]
        raise GuideError(path, f"unknown key '{key}'", line=_line_of(text, key))
    version = data.get("version", 1)
    if version != 1:
        raise GuideError(
            path, f"'version' must be 1, not {version!r}", line=_line_of(text, "version")
        )
    tables = data.get("principle")
    if tables is None:
        raise GuideError(path, "it has no [[principle]] tables")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise GuideError(path, "'principle' must be written as [[principle]] tables")
    if not tables:
        raise GuideError(path, "it has no [[principle]] tables")

    principles: list[Principle] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        principle = _principle_from(path, text, index, table)
        if principle.slug in seen:
            raise GuideError(
                path,
                f"principle {index}: slug '{principle.slug}' is used twice",
                line=_line_of(text, "slug", principle.slug, occurrence=2),
            )
        seen.add(principle.slug)
        principles.append(principle)
    return tuple(principles)


def _principle_from(path: Path, text: str, index: int, table: dict[str, Any]) -> Principle:
    label = f"principle {index}"
    unknown = sorted(set(table) - _ALLOWED_KEYS)
    if unknown:
        key = unknown[0]
        raise GuideError(path, f"{label}: unknown key '{key}'", line=_line_of(text, key))
    values: dict[str, str] = {}
    for key in _REQUIRED_TEXT:
        value = table.get(key)
        if value is None:
            raise GuideError(path, f"{label}: the key '{key}' is missing")
        if not isinstance(value, str):
            raise GuideError(
                path, f"{label}: '{key}' must be text in quotes", line=_line_of(text, key)
            )
        if not value.strip():
            raise GuideError(path, f"{label}: '{key}' is empty", line=_line_of(text, key))
        values[key] = value.strip()
    slug = values["slug"]
    if not SLUG_PATTERN.match(slug):
        raise GuideError(
            path,
            f"{label}: slug '{slug}' must be lower-case letters and digits joined by '-'",
            line=_line_of(text, "slug", slug),
        )
    label = f"principle '{slug}'"
    questions = table.get("questions")
    if questions is None:
        raise GuideError(path, f"{label}: the key 'questions' is missing")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise GuideError(
            path, f"{label}: 'questions' must be a list of texts", line=_line_of(text, "questions")
        )
    cleaned = tuple(q.strip() for q in questions if q.strip())
    if not cleaned:
        raise GuideError(
            path,
            f"{label}: 'questions' needs at least one question",
            line=_line_of(text, "questions"),
        )
    return Principle(
        slug=slug,
        name=values["name"],
        summary=values["summary"],
        description=values["description"],
        questions=cleaned,
        rating_1=values["rating_1"],
        rating_5=values["rating_5"],
    )


def _line_of(text: str, key: str, value: str | None = None, *, occurrence: int = 1) -> int | None:
    """The line where `key = ...` (optionally with that value) appears, for a helpful message."""
    pattern = rf"^\s*{re.escape(key)}\s*="
    if value is not None:
        pattern += rf'\s*["\']{re.escape(value)}["\']'
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            seen += 1
            if seen == occurrence:
                return number
    return None
