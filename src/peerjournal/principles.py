"""The guide: load `principles.toml`, validate it, and find principles by slug.

Besides the principles, a guide carries a safety note and the supporter's own
support contacts. A customised guide written before those keys existed is
still valid: it borrows the missing ones from the default guide, so that
nobody is locked out by an upgrade.

A broken customised guide must not lock the supporter out of their journal
either: `load_guide(fallback=True)` gives the built-in guide instead and keeps
the error it replaced, for the command line to mention. Nothing here prints.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from peerjournal.errors import GuideError, UnknownPrinciple
from peerjournal.paths import (
    GuideChoice,
    UnreadableFile,
    default_guide_path,
    guide_in_use,
    read_file,
)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_GUIDE_BYTES = 1_000_000
MAX_SAFETY_NOTE = 500
MAX_PLACEHOLDER = 300
MAX_CONTACTS = 10
MAX_CONTACT_NAME = 80
MAX_CONTACT_HOW = 200
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")

_REQUIRED_TEXT = ("slug", "name", "summary", "description", "rating_1", "rating_5")
_ALLOWED_KEYS = frozenset((*_REQUIRED_TEXT, "questions"))
_TOP_KEYS = frozenset(("version", "safety_note", "support", "principle"))
_SUPPORT_KEYS = frozenset(("placeholder", "contact"))
_CONTACT_KEYS = frozenset(("name", "how"))

# How close a mistyped slug must be to one of the guide's words to be suggested:
# high enough that "kind" does not become "open-mind", low enough that
# "boundary" still finds "boundaries".
_SUGGESTION_CUTOFF = 0.76


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
    """Every principle, in the guide's order, and the file they came from.

    `support` lists the contacts the guide names; while it has none,
    `support_placeholder` says how to add them. `replaced_error` is set only on
    the built-in guide standing in for a broken one (see `load_guide`).
    """

    path: Path
    source: str
    principles: tuple[Principle, ...]
    support: tuple[SupportContact, ...] = ()
    support_placeholder: str = ""
    safety_note: str = ""
    replaced_error: GuideError | None = None

    @property
    def support_is_placeholder(self) -> bool:
        """True while the guide names nobody to turn to, only the placeholder."""
        return not self.support

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
        """The principle a user meant: exact slug or a unique prefix; `_` and `-` alike.

        Every slug a user types comes through here, so a typo gets the near
        slug suggested in one place.
        """
        wanted = normalise_slug(given)
        exact = self.get(wanted)
        if exact is not None:
            return exact
        matches = [p for p in self.principles if wanted and p.slug.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnknownPrinciple(given, [p.slug for p in matches], ambiguous=True)
        raise UnknownPrinciple(given, self.slugs, suggestion=self.nearest(wanted))

    def nearest(self, wanted: str) -> str | None:
        """The slug a mistyped one most likely meant, or None when nothing is close.

        Compared with each slug, each word of a slug and each longer word of a
        name that belongs to one principle only ("safety", "resilience").
        """
        import difflib  # only a typo pays for it

        words: dict[str, set[str]] = {}
        for principle in self.principles:
            words.setdefault(principle.slug, set()).add(principle.slug)
            named = re.findall(r"[a-z]{4,}", principle.name.lower())
            for word in (*principle.slug.split("-"), *named):
                words.setdefault(word, set()).add(principle.slug)
        unique = {word: next(iter(slugs)) for word, slugs in words.items() if len(slugs) == 1}
        slips = {unique[word] for word in unique if _one_slip(wanted, word)}
        if len(slips) == 1:
            return slips.pop()
        close = difflib.get_close_matches(wanted, unique, n=1, cutoff=_SUGGESTION_CUTOFF)
        return unique[close[0]] if close else None


def _one_slip(typed: str, word: str) -> bool:
    """Whether one dropped, added or swapped letter turns `typed` into `word`.

    Short words differ by too little for a ratio to tell ("ohpe" and "hope"),
    so these slips are recognised outright. A changed letter counts only in
    longer words: "kind" is not a slip of "mind".
    """
    if typed == word:
        return False
    if len(typed) == len(word):
        differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        swapped = (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == word[differ[1]]
            and typed[differ[1]] == word[differ[0]]
        )
        return swapped or (len(differ) == 1 and len(word) >= 5)
    shorter, longer = sorted((typed, word), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def normalise_slug(text: str) -> str:
    """How the user's spelling of a slug compares: trimmed, lower case, `_` as `-`."""
    return text.strip().lower().replace("_", "-")


def load_guide(choice: GuideChoice | None = None, *, fallback: bool = False) -> Guide:
    """Read and validate the guide in use (or the one given).

    With `fallback`, a broken guide other than the default gives way to the
    default guide, which then carries the GuideError in `replaced_error`.
    Without it (for commands that write ratings), the GuideError is raised.
    """
    choice = choice or guide_in_use()
    try:
        return _read_guide(choice)
    except GuideError as error:
        if not fallback or _is_default(choice.path):
            raise
        default = _read_guide(GuideChoice(default_guide_path(), "default"))
        return replace(default, replaced_error=error)


def parse_guide(path: Path) -> tuple[Principle, ...]:
    """The principles of the guide at `path`; every problem is a GuideError."""
    return _parse(path).principles


@dataclass(frozen=True)
class _Parts:
    """What one guide file says; None where it says nothing."""

    principles: tuple[Principle, ...]
    safety_note: str | None
    support: tuple[SupportContact, ...]
    placeholder: str | None


def _is_default(path: Path) -> bool:
    return path.resolve() == default_guide_path().resolve()


def _read_guide(choice: GuideChoice) -> Guide:
    parts = _parse(choice.path)
    safety_note, placeholder = parts.safety_note, parts.placeholder
    if (safety_note is None or placeholder is None) and not _is_default(choice.path):
        default = _parse(default_guide_path())
        safety_note = default.safety_note if safety_note is None else safety_note
        placeholder = default.placeholder if placeholder is None else placeholder
    return Guide(
        path=choice.path,
        source=choice.source,
        principles=parts.principles,
        support=parts.support,
        support_placeholder=placeholder or "",
        safety_note=safety_note or "",
    )


def _parse(path: Path) -> _Parts:
    """Read the guide at `path`; every problem is a GuideError naming file, line and key."""
    try:
        raw = read_file(path, limit=MAX_GUIDE_BYTES)
    except UnreadableFile as exc:
        raise GuideError(path, exc.problem) from None
    except FileNotFoundError:
        raise GuideError(path, "the file does not exist") from None
    except IsADirectoryError:
        raise GuideError(path, "it is a folder, not a file") from None
    except PermissionError:
        raise GuideError(path, "peerjournal is not allowed to read it") from None
    except OSError as exc:
        raise GuideError(path, f"it cannot be read ({exc.strerror or exc})") from None
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
    return _Reader(path, text).parts(data)


class _Reader:
    """Checks one parsed guide, naming the line of any problem in `text`."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.sections = _sections(text)

    def fail(
        self, problem: str, key: str | None = None, *, section: tuple[str, int] = ("", 1)
    ) -> GuideError:
        line = self.line_of(key, section) if key is not None else None
        return GuideError(self.path, problem, line=line)

    def line_of(self, key: str, section: tuple[str, int], value: str | None = None) -> int | None:
        """The line of `key = ...` (optionally with that value) inside one table of the file."""
        pattern = rf"^\s*{re.escape(key)}\s*="
        if value is not None:
            pattern += rf'\s*["\']{re.escape(value)}["\']'
        name, index = section
        tables = [lines for header, lines in self.sections if header == name]
        if index > len(tables):
            return None
        for number, line in tables[index - 1]:
            if re.match(pattern, line):
                return number
        return None

    def parts(self, data: dict[str, Any]) -> _Parts:
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise self.fail(f"unknown key '{unknown[0]}'", unknown[0])
        version = data.get("version", 1)
        if version != 1:
            raise self.fail(f"'version' must be 1, not {version!r}", "version")
        principles = self.principles(data.get("principle"))
        safety_note = self.text(data, "safety_note", "", ("", 1), limit=MAX_SAFETY_NOTE)
        support, placeholder = self.support(data.get("support"))
        return _Parts(principles, safety_note, support, placeholder)

    def text(
        self,
        table: dict[str, Any],
        key: str,
        label: str,
        section: tuple[str, int],
        *,
        limit: int | None = None,
        one_line: bool = False,
    ) -> str | None:
        """The trimmed text under `key`, or None when the key is absent."""
        value = table.get(key)
        prefix = f"{label}: " if label else ""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{prefix}'{key}' must be text in quotes", key, section=section)
        value = value.strip()
        if not value:
            raise self.fail(f"{prefix}'{key}' is empty", key, section=section)
        if one_line and "\n" in value:
            raise self.fail(f"{prefix}'{key}' must fit on one line", key, section=section)
        if limit is not None and len(value) > limit:
            raise self.fail(
                f"{prefix}'{key}' is {len(value)} characters long; keep it to {limit} at most",
                key,
                section=section,
            )
        return value

    def principles(self, tables: object) -> tuple[Principle, ...]:
        if tables is None:
            raise self.fail("it has no [[principle]] tables")
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise self.fail("'principle' must be written as [[principle]] tables", "principle")
        if not tables:
            raise self.fail("it has no [[principle]] tables")
        principles: list[Principle] = []
        seen: set[str] = set()
        for index, table in enumerate(tables, start=1):
            principle = self.principle(index, table)
            if principle.slug in seen:
                section = ("principle", index)
                raise GuideError(
                    self.path,
                    f"principle {index}: slug '{principle.slug}' is used twice",
                    line=self.line_of("slug", section, principle.slug),
                )
            seen.add(principle.slug)
            principles.append(principle)
        return tuple(principles)

    def principle(self, index: int, table: dict[str, Any]) -> Principle:
        section = ("principle", index)
        label = f"principle {index}"
        unknown = sorted(set(table) - _ALLOWED_KEYS)
        if unknown:
            raise self.fail(f"{label}: unknown key '{unknown[0]}'", unknown[0], section=section)
        values: dict[str, str] = {}
        for key in _REQUIRED_TEXT:
            value = self.text(table, key, label, section)
            if value is None:
                raise self.fail(f"{label}: the key '{key}' is missing")
            values[key] = value
        slug = values["slug"]
        if not SLUG_PATTERN.match(slug):
            raise GuideError(
                self.path,
                f"{label}: slug '{slug}' must be lower-case letters and digits joined by '-'",
                line=self.line_of("slug", section, slug),
            )
        label = f"principle '{slug}'"
        questions = table.get("questions")
        if questions is None:
            raise self.fail(f"{label}: the key 'questions' is missing")
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise self.fail(
                f"{label}: 'questions' must be a list of texts", "questions", section=section
            )
        cleaned = tuple(q.strip() for q in questions if q.strip())
        if not cleaned:
            raise self.fail(
                f"{label}: 'questions' needs at least one question", "questions", section=section
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

    def support(self, table: object) -> tuple[tuple[SupportContact, ...], str | None]:
        """The contacts of the [support] table and its placeholder (None where absent)."""
        if table is None:
            return (), None
        section = ("support", 1)
        if not isinstance(table, dict):
            raise self.fail("'support' must be written as a [support] table", "support")
        unknown = sorted(set(table) - _SUPPORT_KEYS)
        if unknown:
            raise self.fail(f"[support]: unknown key '{unknown[0]}'", unknown[0], section=section)
        placeholder = self.text(table, "placeholder", "[support]", section, limit=MAX_PLACEHOLDER)
        contacts = table.get("contact", [])
        if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
            raise self.fail(
                "each support contact must be written as a [[support.contact]] block",
                "contact",
                section=section,
            )
        if len(contacts) > MAX_CONTACTS:
            raise self.fail(
                f"[support] lists {len(contacts)} contacts; keep it to the {MAX_CONTACTS} "
                "you would most likely call"
            )
        return tuple(self.contact(i, c) for i, c in enumerate(contacts, start=1)), placeholder

    def contact(self, index: int, table: dict[str, Any]) -> SupportContact:
        section = ("support.contact", index)
        label = f"support contact {index}"
        unknown = sorted(set(table) - _CONTACT_KEYS)
        if unknown:
            raise self.fail(f"{label}: unknown key '{unknown[0]}'", unknown[0], section=section)
        limits = {"name": MAX_CONTACT_NAME, "how": MAX_CONTACT_HOW}
        values: dict[str, str] = {}
        for key, limit in limits.items():
            value = self.text(table, key, label, section, limit=limit, one_line=True)
            if value is None:
                raise self.fail(f"{label}: the key '{key}' is missing")
            values[key] = value
        return SupportContact(name=values["name"], how=values["how"])


_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _sections(text: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """The file's lines grouped under the table header they follow ("" for the top).

    Lines inside a multi-line string are never taken for a header, so a
    description may start a line with '['.
    """
    sections: list[tuple[str, list[tuple[int, str]]]] = [("", [])]
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line) if in_string is None else None
        if header:
            name = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
            sections.append((name, []))
            continue
        sections[-1][1].append((number, line))
        for quote in ('"""', "'''"):
            if in_string in (None, quote) and line.count(quote) % 2 == 1:
                in_string = None if in_string == quote else quote
    return sections
