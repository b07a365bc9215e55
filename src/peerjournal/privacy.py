"""The privacy guard: find what in a reflection or alias looks like it identifies someone.

It looks for email addresses, phone numbers, street addresses, dates of birth and
full names ("Firstname Lastname"). It only points at spans; the caller decides
whether to warn, offer an edit, or refuse.

A guard that cries wolf gets ignored, so every pattern leans towards missing an
unusual case rather than flagging an ordinary reflection: times (14:30), durations
(25 minutes), years, ratings (4/5), initials and aliases like "R.", the names of the
principles, weekdays and months, and capitalised words at the start of a sentence
raise nothing. Names are found in two ways: a capitalised word from a bundled list
of common given names followed by another capitalised word; or, mid-sentence, two
or more capitalised words none of which is a known ordinary word.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

EMAIL = "email address"
PHONE = "phone number"
STREET_ADDRESS = "street address"
DATE_OF_BIRTH = "date of birth"
FULL_NAME = "full name"

KINDS = (EMAIL, PHONE, STREET_ADDRESS, DATE_OF_BIRTH, FULL_NAME)
"""Every kind of finding; when two overlap, the earlier kind in this list wins."""


@dataclass(frozen=True)
class Finding:
    """One span of the scanned text that looks identifying: text == scanned[start:end]."""

    kind: str
    start: int
    end: int
    text: str


def scan(text: str, *, known_words: Collection[str] = ()) -> list[Finding]:
    """Everything in `text` that looks identifying, sorted by start, never overlapping.

    `known_words` are extra words that are never part of a name, such as the words
    of a customised guide's principle names (the default guide's are built in).
    """
    extra = frozenset(word.casefold() for word in known_words)
    candidates = [
        *_matches(EMAIL, _EMAIL, text),
        *_phone_numbers(text),
        *_matches(STREET_ADDRESS, _STREET_ADDRESS, text),
        *_matches(DATE_OF_BIRTH, _DATE_OF_BIRTH, text),
        *_full_names(text, extra),
    ]
    rank = {kind: position for position, kind in enumerate(KINDS)}
    chosen: list[Finding] = []
    for finding in sorted(candidates, key=lambda f: (rank[f.kind], f.start, -f.end)):
        if all(finding.end <= kept.start or kept.end <= finding.start for kept in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def _matches(kind: str, pattern: re.Pattern[str], text: str) -> Iterator[Finding]:
    for found in pattern.finditer(text):
        yield Finding(kind, found.start(), found.end(), found.group())


# Email: the lookbehind makes each run of address characters start matching only
# once, which keeps long runs of letters linear to scan.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])",
    re.ASCII,
)

# Phone numbers. Each pattern is a format people write; separators are a space, a
# dot or a hyphen, never a colon (times) or a slash (ratings and dates).
_NOT_BEFORE = r"(?<![\w+.,/:-])"
_NOT_AFTER = r"(?![\w/:]|[.,-]\d)"
_PHONE = re.compile(
    _NOT_BEFORE
    + r"""(?:
        # International: +44 20 7946 0958, +1 555 123 4567, +33 1 23 45 67 89
        \+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,6}
      | # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567
        (?:1[ .-])?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}
      | # UK and other national numbers with a trunk 0: 07700 900123, 020 7946 0958
        0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}
      | # Local seven digits: 555-1234
        \d{3}[.-]\d{4}
    )"""
    + _NOT_AFTER,
    re.ASCII | re.VERBOSE,
)


def _phone_numbers(text: str) -> Iterator[Finding]:
    for found in _PHONE.finditer(text):
        number = found.group()
        digits = sum(character.isdigit() for character in number)
        if number.startswith("+"):
            plausible = 8 <= digits <= 15
        elif number.startswith("0"):
            plausible = 10 <= digits <= 11
        else:
            plausible = digits in (7, 10, 11)
        if plausible:
            yield Finding(PHONE, found.start(), found.end(), number)


_STREET_WORDS = (
    "street|road|avenue|lane|drive|court|boulevard|way|place|close|crescent|terrace|grove"
    "|square|parkway|highway|row|gardens"
)
_STREET_ABBREVIATIONS = "st|rd|ave|ln|dr|ct|blvd|pl|cres|sq|pkwy|hwy"
_STREET_ADDRESS = re.compile(
    rf"""
    (?:\b(?i:flat|apt|apartment|unit|suite)\.?[ ]\d+[A-Za-z]?,?[ ])?  # Flat 3,
    \b\d{{1,5}}[A-Za-z]?,?[ ]                                          # 221B
    (?:[A-Z][A-Za-z'-]*[ ]){{1,3}}                                     # Baker
    (?:(?i:{_STREET_WORDS})\b|(?i:{_STREET_ABBREVIATIONS})\b\.?)        # St.
    """,
    re.VERBOSE,
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november"
    "|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_OF_BIRTH = re.compile(
    rf"""
    \b(?:
        (?:d\.?o\.?b\b\.?|date[ ]of[ ]birth|birth[ ]?date|birthday|born)
        [ \t]*(?:(?:is|was|=|:)[ \t]*)?(?:on[ \t]+)?
        (?:
            \d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}                       # 4/5/1990
          | \d{{4}}-\d{{1,2}}-\d{{1,2}}                                # 1990-05-04
          | \d{{1,2}}{_ORDINAL}[ ](?:of[ ])?(?:{_MONTHS})\.?,?[ ]\d{{4}}  # 12 March 1985
          | (?:{_MONTHS})\.?[ ]\d{{1,2}}{_ORDINAL},?[ ]\d{{4}}           # March 12, 1985
        )
      | born[ ]in[ ](?:19|20)\d{{2}}                                  # born in 1985
    )\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


# Words that are never part of a person's name here: they begin capitalised for
# other reasons (the guide's principles, days, months, places, groups and roles in
# peer work, titles, and the everyday words that start sentences and headings).
def _word_set(listing: str) -> frozenset[str]:
    return frozenset(listing.split())


_ORDINARY_WORDS = _word_set(
    """
    empowerment self-direction self direction mutual respect empathy emotional safety
    setting aside my own bias open mind authenticity hope resilience trust consistency
    boundaries and of the peer support recovery coach coaching specialist worker
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    today yesterday tomorrow morning afternoon evening night week weekend
    christmas easter eve new year years day ramadan eid diwali hanukkah thanksgiving
    god lord jesus christ higher power prayer serenity big book step steps twelve traditions
    alcoholics narcotics anonymous smart wellness action plan crisis line hotline warmline
    group meeting meetings session circle team service services program programme project
    centre center clinic hospital ward unit house hall church library station school college
    university office department council court trust health mental care community shelter
    street road avenue lane drive way place close crescent park square bridge beach
    north south east west central upper lower great old new united kingdom states city county
    san los las saint st mr mrs ms miss mx dr prof sir madam
    i i'm i've i'll i'd im me my we our us you your he she they them their his her it its
    a an but or so then than when what why how who where which while if because although
    this that these those there here not no yes ok okay oh well also still just maybe
    thanks thank please sorry hello hi dear bye
    after before during later earlier first next last finally again today's
    feeling felt feel good bad hard tough great fine better worse
    what happened now so
    is are was were be been am do does did have has had can could would should will shall
    might must to in on at for with from by about into as all any some every each
    one two three four five six seven eight nine ten more most very really much many lot
    let let's get got go going went come came said says told asked called talked spoke
    """
)

_TITLES = frozenset(("mr", "mrs", "ms", "miss", "mx", "dr", "prof"))

# A word: letters with inner apostrophes or hyphens (O'Brien, Smith-Jones).
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t\u00a0]{1,3}")
_TITLE_GAP = re.compile(r"\.?[ \t\u00a0]{1,3}")
_CONTEXT = 100
_SENTENCE_END = frozenset(".!?:;\n\r")
_OPENERS = " \t\u00a0\"'\u201c\u2018([{*-\u2022>#"
_MAX_NAME_WORDS = 4


@cache
def _given_names() -> frozenset[str]:
    """The bundled list of common given names, read once, on first use."""
    listing = files("peerjournal").joinpath("given_names.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in listing.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _is_capitalised(word: str) -> bool:
    # "Maria" and "McDonald" yes; "AA", "NHS" (acronyms) and "iPhone" no.
    return word[0].isupper() and any(character.islower() for character in word)


def _without_possessive(word: str) -> str:
    for suffix in ("'s", "\u2019s"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    starts_sentence: bool


def _capitalised_runs(text: str) -> Iterator[list[_Word]]:
    """Runs of capitalised words separated only by spaces."""
    run: list[_Word] = []
    for found in _WORD.finditer(text):
        word = _without_possessive(found.group())
        start, end = found.start(), found.start() + len(word)
        if not _is_capitalised(word):
            if run:
                yield run
            run = []
            continue
        if run:
            gap = _TITLE_GAP if run[-1].text.casefold() in _TITLES else _GAP
            if gap.fullmatch(text, run[-1].end, start) is None:
                yield run
                run = []
        starts_sentence = not run and _starts_sentence(text[max(0, start - _CONTEXT) : start])
        run.append(_Word(word, start, end, starts_sentence))
    if run:
        yield run


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip(_OPENERS)
    if not stripped:
        return True
    if "\n" in before[len(stripped) :]:
        return True
    return stripped[-1] in _SENTENCE_END


def _full_names(text: str, extra_ordinary: frozenset[str]) -> Iterator[Finding]:
    given = _given_names()

    def ordinary(word: _Word) -> bool:
        folded = word.text.casefold()
        return folded in _ORDINARY_WORDS or folded in extra_ordinary

    for run in _capitalised_runs(text):
        index = 0
        while index < len(run):
            first = run[index]
            folded = first.text.casefold()
            is_title = folded in _TITLES and index + 1 < len(run)
            if is_title:
                # "Dr Patel", "Mrs Okafor": a title and a surname name someone.
                following = run[index + 1]
                if not ordinary(following):
                    yield Finding(
                        FULL_NAME, first.start, following.end, text[first.start : following.end]
                    )
                    index += 2
                    continue
            # Without a known given name, only words mid-sentence count: a run that
            # opens a sentence or heading is capitalised for that reason alone.
            can_start = not ordinary(first) and (folded in given or not run[0].starts_sentence)
            if not can_start:
                index += 1
                continue
            stop = index + 1
            while stop < len(run) and stop - index < _MAX_NAME_WORDS and not ordinary(run[stop]):
                stop += 1
            if stop - index >= 2:
                last = run[stop - 1]
                yield Finding(FULL_NAME, first.start, last.end, text[first.start : last.end])
            index = stop
