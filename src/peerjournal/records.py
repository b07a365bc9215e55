"""The plain shapes of an entry, and the rules every entry obeys whichever way it arrives.

One rule, one place. The guided `log`, scripted `log`, `edit`, drafts, the
JSON and CSV importers and every screen take the kinds of contact, the
flags, the reflection prompts, the limits and the cleaning of tags from
here, so that a value `log` refuses is refused by an import too, and a value
`log` normalises (`Crisis` as a tag, `text/chat` as a kind) is normalised the
same way everywhere.

`NewEntry.__post_init__` is where an entry's content is checked and
normalised: every way in builds one, so none can skip the rules. `Entry` is
a saved entry read back; its content was checked when it went in, so it is
not checked again (a ten-year export builds 60,000 of them).

Standard library only: the read side and the guided log's first question
import this module, and must not pay for the ORM.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from peerjournal.errors import InvalidValue

# --- kinds of contact ----------------------------------------------------------------

MODES = ("in-person", "phone", "text", "video", "group", "other")
# The kind when none is given and none was used before.
DEFAULT_MODE = "other"
MODE_LABELS = {
    "in-person": "in person",
    "phone": "phone",
    "text": "text/chat",
    "video": "video",
    "group": "group",
    "other": "other",
}
# Other words people type for a kind of contact.
_MODE_WORDS = {
    "in person": "in-person",
    "inperson": "in-person",
    "face to face": "in-person",
    "face-to-face": "in-person",
    "call": "phone",
    "phone call": "phone",
    "chat": "text",
    "text/chat": "text",
    "text or chat": "text",
    "sms": "text",
    "video call": "video",
}


def mode_label(mode: str) -> str:
    """How a kind of contact reads on every screen and in every file."""
    return MODE_LABELS.get(mode, mode)


def parse_mode(text: str) -> str:
    """A kind of contact from a name, a label, a number from the menu, or a unique start."""
    given = " ".join(text.strip().lower().split())
    if given.isdigit() and 1 <= int(given) <= len(MODES):
        return MODES[int(given) - 1]
    given = _MODE_WORDS.get(given, given).replace("_", "-").replace(" ", "-")
    if given in MODES:
        return given
    matches = [m for m in MODES if given and m.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    shown = text.strip()[:40]
    raise InvalidValue(f"'{shown}' is not a kind of contact. Choose one of: {', '.join(MODES)}.")


# --- flags -----------------------------------------------------------------------------

FLAGS = {
    "safety": "a safety concern or crisis came up",
    "debrief": "I need to talk this through",
    "boundary": "a boundary or role question came up",
    "disclosure": "self-disclosure: I shared some of my own story with them",
    "own-story": "it stirred up my own experience, whether or not I shared it",
}
# An entry with one of these is heavy: the feedback after saving leads with care.
CARE_FLAGS = frozenset(("safety", "debrief"))


def parse_flag(text: str) -> str:
    """A flag from its name (`own_story` and `Own story` too) or its number in FLAGS."""
    given = "-".join(text.strip().lower().replace("_", " ").split())
    names = tuple(FLAGS)
    if given.isdigit() and 1 <= int(given) <= len(names):
        return names[int(given) - 1]
    if given in FLAGS:
        return given
    matches = [f for f in names if given and f.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    shown = text.strip()[:40]
    # A word from a flag's meaning ("crisis", "story") points to that flag.
    meant = [f for f, meaning in FLAGS.items() if given and given in meaning.split()]
    if len(meant) == 1:
        raise InvalidValue(f"'{shown}' is not a flag; did you mean {meant[0]} ({FLAGS[meant[0]]})?")
    raise InvalidValue(f"'{shown}' is not a flag. Choose from: {', '.join(names)}.")


def clean_flags(values: Iterable[str]) -> tuple[str, ...]:
    """Flags as stored: each known, each once, in FLAGS' order."""
    chosen = {parse_flag(v) for v in values if v.strip()}
    return tuple(f for f in FLAGS if f in chosen)


# --- how the supporter feels ---------------------------------------------------------------

FEELINGS = {1: "drained", 2: "low", 3: "okay", 4: "good", 5: "well"}
_FEELING_WORDS = {word: score for score, word in FEELINGS.items()} | {"ok": 3, "fine": 3}


def parse_score(value: str | int, what: str = "A rating") -> int:
    """A score from 1 to 5."""
    try:
        score = int(value)
    except ValueError:
        shown = str(value).strip()[:40]
        raise InvalidValue(f"{what} is a number from 1 to 5, not '{shown}'.") from None
    if not 1 <= score <= 5:
        raise InvalidValue(f"{what} is a number from 1 to 5, not {score}.")
    return score


def parse_feeling(value: str | int) -> int:
    """How the supporter feels: 1 to 5, or one of the words of FEELINGS."""
    if isinstance(value, str) and value.strip().lower() in _FEELING_WORDS:
        return _FEELING_WORDS[value.strip().lower()]
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        words = ", ".join(f"{n} {w}" for n, w in FEELINGS.items())
        raise InvalidValue(f"How you feel is a number or a word: {words}; not '{value[:40]}'.")
    return parse_score(value, "How you feel")


# --- the reflection --------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """One of the three reflection questions (after Rolfe), and the field it fills."""

    field: str
    label: str
    question: str


REFLECTION_PROMPTS = (
    Prompt("what_happened", "What happened?", "What happened?"),
    Prompt(
        "so_what",
        "So what?",
        "So what? What went well, what was hard, and how did I feel?",
    ),
    Prompt("now_what", "Now what?", "Now what? One thing to try next time; any support I need."),
)
REFLECTION_FIELDS = tuple(p.field for p in REFLECTION_PROMPTS)


def reflection_parts(entry: NewEntry) -> list[tuple[Prompt, str]]:
    """The reflection's answers with their prompts, in order; unanswered ones left out."""
    return [(p, text) for p in REFLECTION_PROMPTS if (text := getattr(entry, p.field)).strip()]


PRIVACY_REMINDER = (
    "Use initials or a made-up name, and leave out details that could identify them: "
    "that keeps them safe if anyone else ever sees this journal."
)

# --- limits ------------------------------------------------------------------------------
# Sizes a real entry never reaches, so that a stray paste (or a hostile file)
# cannot make every later screen slow: 100,000 characters is about 30 pages.

MAX_REFLECTION = 100_000  # the three answers together
# A file holding a reflection (--note-file, the editor's) is read up to this many bytes: the
# longest reflection in the widest UTF-8, with room for the editor's template around it.
MAX_REFLECTION_FILE = 4 * MAX_REFLECTION + 16_384
MAX_NOTE = 1_000  # a rating's "why?", one line
MAX_FOLLOW_UP = 500
MAX_INTENTION = 1_000
MAX_PEER = 80
MAX_TAG = 64
MAX_TAGS = 50
MAX_FOLLOW_UPS = 20
MAX_MINUTES = 24 * 60
MAX_PRINCIPLE_NAME = 200
# Python's timezone() needs an offset strictly inside a day; real ones are within ±14 h.
MAX_UTC_OFFSET = 24 * 60 - 1
# A rated principle's slug, as a CSV column header can carry it.
MAX_SLUG = 64  # a rated principle's slug, kept from guides old and new
RATED_SLUG = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_SLUG - 1}}}")


def checked_text(value: str, what: str, *, limit: int | None = None) -> str:
    """Text the journal can store, or InvalidValue naming `what`.

    Bytes that are not UTF-8 reach Python as lone surrogates (from argv, or a
    terminal read with surrogateescape); neither SQLite nor a draft can hold them.
    """
    if limit is not None and len(value) > limit:
        raise InvalidValue(
            f"{what} is {len(value):,} characters long; the most peerjournal keeps is "
            f"{limit:,}. Shorten it and try again."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(
            f"{what} holds bytes that are not UTF-8 text; type it again without them."
        ) from None
    return value


def check_minutes(value: str | int) -> int:
    """How long a conversation lasted, in whole minutes, at most a day."""
    try:
        minutes = int(value)
    except ValueError:
        shown = str(value).strip()[:40]
        raise InvalidValue(f"'{shown}' is not a number of minutes; type a whole number.") from None
    if minutes < 0:
        raise InvalidValue("Minutes cannot be negative; type how long the conversation was.")
    if minutes > MAX_MINUTES:
        raise InvalidValue(f"{minutes} minutes is more than a day; type how long it was.")
    return minutes


def clean_peer(text: str | None) -> str | None:
    """A peer alias as stored: trimmed, at most MAX_PEER characters; empty is none."""
    alias = (text or "").strip()
    if len(alias) > MAX_PEER:
        raise InvalidValue(f"A peer alias is at most {MAX_PEER} characters; initials are best.")
    return checked_text(alias, "The peer alias") or None


def clean_tag(text: str) -> str | None:
    """A tag as stored: trimmed, lower case, without a leading '#'; empty is none."""
    tag = " ".join(text.strip().lstrip("#").strip().lower().split())
    if len(tag) > MAX_TAG:
        raise InvalidValue(f"A tag is at most {MAX_TAG} characters: '{tag[:20]}…' is longer.")
    return checked_text(tag, "A tag") or None


def clean_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: each cleaned, each once, in the order given."""
    tags: dict[str, None] = {}
    for value in values:
        tag = clean_tag(value)
        if tag is not None:
            tags[tag] = None
            if len(tags) > MAX_TAGS:
                raise InvalidValue(f"An entry can have at most {MAX_TAGS} tags.")
    return tuple(tags)


def check_offset(minutes: int) -> int:
    """A UTC offset in minutes that a clock can have."""
    if isinstance(minutes, bool) or not -MAX_UTC_OFFSET <= minutes <= MAX_UTC_OFFSET:
        raise InvalidValue(f"A UTC offset is less than a day either way, not {minutes} minutes.")
    return minutes


def offset_minutes(moment: datetime) -> int:
    """The UTC offset of an aware datetime, in whole minutes."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("peerjournal keeps only time-zone aware datetimes")
    return check_offset(int(offset.total_seconds() // 60))


def zone(offset: int) -> timezone:
    """The fixed zone of a stored offset; an impossible one (an old import) reads as UTC."""
    if -MAX_UTC_OFFSET <= offset <= MAX_UTC_OFFSET:
        return timezone(timedelta(minutes=offset))
    return UTC


# --- the shapes ------------------------------------------------------------------------------

_Shape = TypeVar("_Shape")


def read_back(shape: type[_Shape], **fields: Any) -> _Shape:
    """A record as the journal stored it, not checked again (every field given).

    Checked on the way in; one an older version stored outside today's
    limits (a note of pages) must still be shown, never lock anyone out.
    """
    record = object.__new__(shape)
    for name, value in fields.items():
        object.__setattr__(record, name, value)
    return record


@dataclass(frozen=True)
class Rating:
    """How well one conversation lived up to one principle, 1 to 5, and why (optional)."""

    slug: str
    name: str
    score: int
    note: str | None = None

    def __post_init__(self) -> None:
        if not RATED_SLUG.fullmatch(self.slug):
            raise InvalidValue(f"'{self.slug[:40]}' is not a principle's slug (like open-mind).")
        if not self.name or len(self.name) > MAX_PRINCIPLE_NAME:
            raise InvalidValue(f"The name of '{self.slug}' must be 1 to 200 characters.")
        checked_text(self.name, "A principle's name")
        if isinstance(self.score, bool) or not isinstance(self.score, int):
            raise InvalidValue(f"The rating for {self.slug} is a number from 1 to 5.")
        parse_score(self.score, f"The rating for {self.slug}")
        note = (self.note or "").strip()
        checked_text(note, f"The note on {self.slug}", limit=MAX_NOTE)
        object.__setattr__(self, "note", note or None)


@dataclass(frozen=True)
class FollowUp:
    """Something the supporter promised (a call back, a leaflet), by when, and whether kept."""

    text: str
    due: date | None = None
    due_time: time | None = None
    id: int | None = None
    done_at: datetime | None = None

    def __post_init__(self) -> None:
        text = " ".join(self.text.split())
        if not text:
            raise InvalidValue("A follow-up needs a few words saying what was promised.")
        checked_text(text, "A follow-up", limit=MAX_FOLLOW_UP)
        object.__setattr__(self, "text", text)
        if self.due_time is not None and self.due is None:
            raise InvalidValue("A follow-up's time needs a day too.")

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, now: datetime) -> bool:
        """Open, with a due moment (local) that has passed: the end of its day if no time."""
        if self.done or self.due is None:
            return False
        local_now = now.astimezone().replace(tzinfo=None)
        deadline = datetime.combine(self.due, self.due_time or time(23, 59, 59))
        return local_now > deadline


@dataclass(frozen=True, kw_only=True)
class NewEntry:
    """Everything a supporter gives about one conversation, checked and normalised.

    `occurred_at` is aware, on the clock where the supporter was: its offset
    is stored with it, and its date is the local day reviews count it under.
    """

    occurred_at: datetime
    mode: str
    minutes: int | None = None
    peer: str | None = None
    what_happened: str = ""
    so_what: str = ""
    now_what: str = ""
    feeling: int | None = None
    ratings: tuple[Rating, ...] = ()
    tags: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    shared: bool = False

    def __post_init__(self) -> None:
        offset_minutes(self.occurred_at)
        normal = object.__setattr__
        normal(self, "mode", parse_mode(self.mode))
        if self.minutes is not None:
            normal(self, "minutes", check_minutes(self.minutes))
        normal(self, "peer", clean_peer(self.peer))
        for name in REFLECTION_FIELDS:
            checked_text(getattr(self, name), "The reflection")
        if len(self.reflection) > MAX_REFLECTION:
            checked_text(self.reflection, "The reflection", limit=MAX_REFLECTION)
        if self.feeling is not None:
            normal(self, "feeling", parse_feeling(self.feeling))
        slugs = [r.slug for r in self.ratings]
        if len(set(slugs)) != len(slugs):
            raise InvalidValue("A principle is rated twice; give each principle once.")
        normal(self, "tags", clean_tags(self.tags))
        normal(self, "flags", clean_flags(self.flags))
        if len(self.follow_ups) > MAX_FOLLOW_UPS:
            raise InvalidValue(f"An entry can hold at most {MAX_FOLLOW_UPS} follow-ups.")
        if not isinstance(self.shared, bool):
            raise InvalidValue("'shared' is true or false.")

    @property
    def reflection(self) -> str:
        """The three answers, joined by blank lines where there is more than one."""
        return "\n".join(t for t in (self.what_happened, self.so_what, self.now_what) if t)

    @property
    def utc_offset(self) -> int:
        return offset_minutes(self.occurred_at)

    @property
    def local_date(self) -> str:
        """The local calendar day of the conversation, as reviews count it."""
        return self.occurred_at.date().isoformat()

    @property
    def first_line(self) -> str:
        """The first line written, for one-line listings."""
        for text in (self.what_happened, self.so_what, self.now_what):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return ""


@dataclass(frozen=True, kw_only=True)
class Entry(NewEntry):
    """A saved entry, read back: its number, stable uid, and when it was logged and edited."""

    id: int
    uid: str
    logged_at: datetime
    edited_at: datetime | None = None

    def __post_init__(self) -> None:
        # Checked on the way in; a saved entry is shown as it is.
        return None

    @property
    def utc_offset(self) -> int:
        offset = self.occurred_at.utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0


@dataclass(frozen=True)
class EntryFilter:
    """Which entries a listing, search, export or review covers: local days inclusive, a tag,
    a flag, an alias."""

    since: date | None = None
    until: date | None = None
    tag: str | None = None
    flag: str | None = None
    peer: str | None = None

    @property
    def narrowed(self) -> bool:
        """Whether it leaves any entry out (so "none match" is not "the journal is empty")."""
        return any(v is not None for v in (self.since, self.until, self.tag, self.flag, self.peer))

    def describe(self) -> str:
        """The filter in words, for "No entries match …"."""
        parts = []
        if self.since is not None:
            parts.append(f"from {self.since.isoformat()}")
        if self.until is not None:
            parts.append(f"up to {self.until.isoformat()}")
        if self.tag is not None:
            parts.append(f"tagged {self.tag}")
        if self.flag is not None:
            parts.append(f"flagged {self.flag}")
        if self.peer is not None:
            parts.append(f"with {self.peer}")
        return " ".join(parts)


@dataclass(frozen=True)
class Intention:
    """What the supporter meant to practise in the week after a review, and how it went."""

    start: date
    end: date
    text: str
    reply: str | None = None
    written_at: datetime | None = None
    replied_at: datetime | None = None


# --- how numbers read ----------------------------------------------------------------


def rounded(value: float) -> Decimal:
    """A number as a person reads it: one decimal, halves rounded up (away from zero),
    the same on every screen and in every summary (4.25 is 4.3, 3.75 is 3.8).

    The float's shortest decimal spelling is rounded, not its binary value:
    2.05 is stored a hair below 2.05, yet reads, and rounds, as 2.05.
    """
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- how days and moments read ----------------------------------------------------------------
# One format for every screen and file that names a day to a person: "Tue 1 Dec 2026",
# "Tue 1 Dec 2026 14:30". (Tables with a column of dates use ISO, 2026-12-01, which lines up.)


def day_label(day: date, *, year: bool = True) -> str:
    """A day as people say it: Tue 1 Dec 2026."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if year else text


def when_label(moment: datetime) -> str:
    """A moment on the clock where it happened: Tue 1 Dec 2026 14:30."""
    return f"{day_label(moment.date())} {moment:%H:%M}"


def span_label(start: date, end: date) -> str:
    """A span of days: Mon 23 Mar, an en dash, Sun 29 Mar 2026 (first year only if it differs)."""
    return f"{day_label(start, year=start.year != end.year)} \u2013 {day_label(end)}"


# --- entries as plain data -----------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def rating_as_dict(rating: Rating) -> dict[str, Any]:
    return {"slug": rating.slug, "name": rating.name, "score": rating.score, "note": rating.note}


def follow_up_as_dict(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "text": follow_up.text,
        "due": follow_up.due.isoformat() if follow_up.due else None,
        "due_time": follow_up.due_time.strftime("%H:%M") if follow_up.due_time else None,
        "done_at": _iso(follow_up.done_at),
    }


def entry_as_dict(entry: Entry) -> dict[str, Any]:
    """A saved entry as JSON-ready data: `--json` of list and show, and the edit history."""
    return {
        "id": entry.id,
        "uid": entry.uid,
        "occurred_at": _iso(entry.occurred_at),
        "local_time": entry.occurred_at.isoformat(),
        "local_date": entry.local_date,
        "utc_offset": entry.utc_offset,
        "logged_at": _iso(entry.logged_at),
        "edited_at": _iso(entry.edited_at),
        "mode": entry.mode,
        "minutes": entry.minutes,
        "peer": entry.peer,
        "what_happened": entry.what_happened,
        "so_what": entry.so_what,
        "now_what": entry.now_what,
        "feeling": entry.feeling,
        "shared": entry.shared,
        "ratings": [rating_as_dict(r) for r in entry.ratings],
        "tags": list(entry.tags),
        "flags": list(entry.flags),
        "follow_ups": [follow_up_as_dict(f) for f in entry.follow_ups],
    }


def follow_up_from_dict(item: Mapping[str, Any]) -> FollowUp:
    """A follow-up from its JSON (an export or a draft); InvalidValue if it is not one."""
    text = item.get("text")
    if not isinstance(text, str):
        raise InvalidValue("a follow-up's 'text' must be text")
    for key in ("due", "due_time", "done_at"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            raise InvalidValue(f"a follow-up's '{key}' must be text or null")
    due, due_time, done_at = item.get("due"), item.get("due_time"), item.get("done_at")
    try:
        return FollowUp(
            text=text,
            due=date.fromisoformat(due) if due else None,
            due_time=time.fromisoformat(due_time) if due_time else None,
            done_at=_aware(done_at) if done_at else None,
            # Only a draft carries a number: an edit keeps its follow-ups' numbers.
            id=item["id"] if type(item.get("id")) is int else None,
        )
    except ValueError:
        raise InvalidValue("a follow-up's 'due', 'due_time' or 'done_at' is not readable") from None


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive")
    return moment.astimezone(UTC)
