"""The privacy guard: find what in a reflection or alias looks like it identifies someone.

It looks for email addresses, phone numbers, links to social media profiles and
handles, street addresses, dates of birth, an age given with a place, full names
("Firstname Lastname") and first names on their own ("Talked with Maria"). It only
points at spans; the caller decides whether to warn, offer an edit, or refuse.

A guard that cries wolf gets ignored, so every pattern leans towards missing an
unusual case rather than flagging an ordinary reflection: times (14:30), durations
(25 minutes), years, ratings (4/5), "@ 3pm", initials and aliases like "R.", the
names of the principles, weekdays and months, the words of recovery (Higher Power,
Big Book, Step Four) and capitalised words at the start of a sentence raise nothing.

First names come from a bundled list (given_names.txt) in three strengths. A plain
name (Maria, Kwame) counts wherever it stands capitalised. A name that is also an
everyday word (Mark, Rose, Frank) counts mid-sentence, and at the start of a sentence
only when a person follows ("Mark texted", not "Mark the date"). A word that is a
name only sometimes (Grace, Will, May) counts only when the sentence says a person is
meant ("her sister Grace", "Will said he'd come"). A capitalised word that is on no
list counts only mid-sentence and with the same kind of evidence ("her son Tayshawn",
"a man named ..."), because places, services and brands are capitalised too.

Every pattern runs in time linear in the text: context is read from short windows
around a word, and no expression can backtrack over a long run of letters or digits.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# The kinds are shown to the supporter as they are ("This may identify someone:
# • a first name: Maria"), so they are plain words with their article.
EMAIL = "an email address"
PHONE = "a phone number"
PROFILE_LINK = "a link to a social media profile"
HANDLE = "a social media handle"
STREET_ADDRESS = "a street address"
DATE_OF_BIRTH = "a date of birth"
AGE_WITH_PLACE = "an age with a place"
FULL_NAME = "a full name"
FIRST_NAME = "a first name"

KINDS = (
    EMAIL,
    PHONE,
    PROFILE_LINK,
    HANDLE,
    STREET_ADDRESS,
    DATE_OF_BIRTH,
    AGE_WITH_PLACE,
    FULL_NAME,
    FIRST_NAME,
)
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
        *_profile_links(text),
        *_handles(text),
        *_matches(STREET_ADDRESS, _STREET_ADDRESS, text),
        *_matches(DATE_OF_BIRTH, _DATE_OF_BIRTH, text),
        *_ages_with_places(text, extra),
        *_names(text, extra),
    ]
    return _without_overlaps(candidates)


def _without_overlaps(candidates: list[Finding]) -> list[Finding]:
    """Keep the strongest finding wherever two overlap: earlier kind, then earlier, then longer."""
    rank = {kind: position for position, kind in enumerate(KINDS)}
    starts: list[int] = []
    chosen: list[Finding] = []
    for finding in sorted(candidates, key=lambda f: (rank[f.kind], f.start, -f.end)):
        # The kept findings never overlap, so ordered by start they are ordered by end
        # too: only the neighbours on either side can overlap a new one.
        at = bisect.bisect_left(starts, finding.start)
        if at > 0 and chosen[at - 1].end > finding.start:
            continue
        if at < len(chosen) and chosen[at].start < finding.end:
            continue
        starts.insert(at, finding.start)
        chosen.insert(at, finding)
    return chosen


def _word_set(listing: str) -> frozenset[str]:
    return frozenset(listing.split())


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


# Social media. A link counts only on a site where a path names a person's page, so
# a link to a help page (samhsa.gov/find-help) raises nothing.
_PROFILE_SITES = (
    r"facebook\.com|fb\.com|fb\.me|instagram\.com|instagr\.am|twitter\.com|x\.com"
    r"|tiktok\.com|snapchat\.com|linkedin\.com|reddit\.com|youtube\.com|threads\.net"
    r"|bsky\.app|mastodon\.social|t\.me|wa\.me|venmo\.com|cash\.app|paypal\.me"
    r"|onlyfans\.com|twitch\.tv|tumblr\.com|pinterest\.com|soundcloud\.com|github\.com"
)
_PROFILE_LINK = re.compile(
    rf"(?<![\w.@/-])(?=[a-z])(?:https?://)?(?:(?:www|m|mobile|web)\.)?(?:{_PROFILE_SITES})"
    r"/[^\s<>\"'()\[\]{}]{1,200}",
    re.IGNORECASE,
)


def _profile_links(text: str) -> Iterator[Finding]:
    for found in _PROFILE_LINK.finditer(text):
        link = found.group().rstrip(".,;:!?")
        if link.rsplit("/", 1)[-1] or link.count("/") > 3:
            yield Finding(PROFILE_LINK, found.start(), found.start() + len(link), link)


# "@maria_l", "@dwayne.recovery", "$Tasha-Moore-12" (a payment tag). The lookbehind
# leaves email addresses and money ("$20") alone; the checks below leave "@3pm",
# "@ home" and "@80%" alone, since people write @ for "at".
_AT_HANDLE = re.compile(
    r"(?<![\w@.+$-])[@$][A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?(?![\w@])",
    re.ASCII,
)
_TIME_AFTER_AT = re.compile(
    r"\d{1,2}(?:[:.]\d{2})?(?:am|pm|a|p|h|hrs|ish)?|\d+(?:st|nd|rd|th)?", re.IGNORECASE
)
_AT_WORDS = _word_set(
    """
    home work school church group night noon midnight lunch dinner breakfast the my our
    her his their your clinic hospital office meeting meetings center centre shelter
    here there least last once all times
    """
)
# "her Snapchat is jaybird_2001", "username: nightowl". After the name of a site the
# word must look like a handle (a digit, an underscore, a dot inside), since "her insta
# is private" is ordinary; after "username" or "handle" any word but a small one counts.
_HANDLE_LABELS = r"handle|username|user[ ]name|screen[ ]?name|gamer[ ]?tag|cash[ ]?tag"
_LABELLED_HANDLE = re.compile(
    rf"\b(?:(?P<label>{_HANDLE_LABELS})"
    r"|(?:insta(?:gram)?|ig|snap(?:chat)?|tiktok|twitter|discord|telegram|kik|venmo"
    r"|cash[ ]?app|xbox|psn|twitch)"
    rf"(?:[ \t]+(?:(?P<site_label>{_HANDLE_LABELS})|name|account|tag|id))?)\b"
    r"(?:[ \t]*(?:is|was|=|:|-)[ \t]*|[ \t]+)"
    r"(?P<handle>[@$]?[A-Za-z0-9_][A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])(?![\w@])",
    re.IGNORECASE,
)
_NOT_HANDLES = _word_set(
    """
    is was the a an and or but of on in to too for her his their my your private public
    same different down gone new old blocked deleted changed locked there here
    """
)


def _handles(text: str) -> Iterator[Finding]:
    for found in _AT_HANDLE.finditer(text):
        word = found.group()[1:]
        if word.startswith(".") or _TIME_AFTER_AT.fullmatch(word):
            continue
        if word.casefold() in _AT_WORDS or not any(c.isalpha() for c in word):
            continue
        yield Finding(HANDLE, found.start(), found.end(), found.group())
    for found in _LABELLED_HANDLE.finditer(text):
        handle = found.group("handle")
        bare = handle.lstrip("@$")
        if handle != bare:
            continue  # "@name" after a label was found above
        if bare.casefold() in _NOT_HANDLES or not any(c.isalpha() for c in bare):
            continue
        looks_like_a_handle = any(c.isdigit() or c in "_." for c in bare)
        if found.group("label") or found.group("site_label") or looks_like_a_handle:
            yield Finding(HANDLE, found.start("handle"), found.end("handle"), handle)


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


# An age with a place: "34, lives in Tulsa", "a 19-year-old from Leeds", "she's 52
# and lives in Bristol". An age alone ("he turned 40") or a place alone ("I grew up in
# Leeds") is ordinary; together, in one sentence, they narrow a person down. "She's 52
# days sober" is a count of days, not an age, and the supporter's own "I was 19" is
# theirs to tell.
_UNITS = (
    r"days?|weeks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|times?|calls?|percent"
    r"|pills?|drinks?|kids|children|grandkids|miles|pounds|lbs|kg|stone|feet|ft|inches|in"
)
_AGE = re.compile(
    rf"""
    \b(?:
        (?:she[\u2019']?s|he[\u2019']?s|they[\u2019']?re|she[ ]is|he[ ]is|they[ ]are
          |she[ ]was|he[ ]was|turned|turning|just[ ]turned)[ \t]+
        (?P<bare>\d{{1,2}})(?![\u2019'\d:/]|\.\d|[ \t]*(?:{_UNITS})\b|[ \t]*%)
      | (?:aged?|age:)[ \t]*\d{{1,2}}(?![\d:/])
      | \d{{1,2}}[ \t-]?(?:years?|yrs?|yr)[ \t-]?old\b
      | \d{{1,2}}[ \t]?(?:y/o|y\.o\.|yo)(?![\w/])
      | \d{{2}}[MF]\b
      | in[ \t]+(?:his|her|their)[ \t]+(?:(?:early|mid|late)[ \t-]?)?
        (?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|[1-9]0[\u2019']?s)\b
      | (?P<listed>\d{{1,2}}),[ \t]*(?=(?:lives|living|from|based|originally)\b)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PLACE_ACRONYMS = frozenset(("NYC", "LA", "DC", "SF", "NOLA", "ATL", "OKC", "KC"))
_PLACE_WORD = rf"(?:[A-Z][A-Za-z\u2019'.-]*|{'|'.join(_PLACE_ACRONYMS)})"
_PLACE = re.compile(
    r"\b(?i:lives|living|lived|live|based|staying|stays|resides|residing|moved|moving"
    r"|from|raised|grew[ \t]+up|originally|out[ \t]+of|in|near|outside)"
    r"(?:[ \t]+(?i:in|at|to|near|from|out|over|outside|around|just|of|the|up|down))*"
    rf"[ \t]+(?P<place>{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,2}})"
)
_AGE_PLACE_REACH = 60
_SENTENCE_BREAK = re.compile(r"[.!?;\n](?=\s|$)|\n")


def _ages_with_places(text: str, extra_ordinary: frozenset[str]) -> Iterator[Finding]:
    def is_place(place: str) -> bool:
        # "a 19-year-old in NA" and "34, in Recovery" name a fellowship, not a place;
        # "New Orleans" is a place though "New" alone is an ordinary word.
        words = [word.rstrip(".") for word in place.split()]
        if words[0].isupper():
            return words[0] in _PLACE_ACRONYMS
        return not all(_is_ordinary(word, extra_ordinary) for word in words)

    for age in _AGE.finditer(text):
        start = age.start("bare") if age.group("bare") else age.start()
        end = age.end("listed") if age.group("listed") else age.end()
        # The same sentence, after the age ...
        after = text[end : end + _AGE_PLACE_REACH]
        stop = _SENTENCE_BREAK.search(after)
        after = after[: stop.start()] if stop else after
        place = _PLACE.search(after)
        if place and is_place(place.group("place")):
            finish = end + place.end()
            yield Finding(AGE_WITH_PLACE, start, finish, text[start:finish])
            continue
        # ... or before it: "lives in Bristol and she's 52".
        before_start = max(0, start - _AGE_PLACE_REACH)
        before = text[before_start:start]
        breaks = list(_SENTENCE_BREAK.finditer(before))
        offset = before_start + (breaks[-1].end() if breaks else 0)
        places = [
            found
            for found in _PLACE.finditer(text, offset, start)
            if is_place(found.group("place"))
        ]
        if places:
            begin = places[-1].start()
            yield Finding(AGE_WITH_PLACE, begin, end, text[begin:end])


# Words that are never part of a person's name here: they begin capitalised for
# other reasons (the guide's principles, days, months, places, groups and roles in
# peer work, the words of recovery, services people are helped by, titles, and the
# everyday words that start sentences and headings).
_ORDINARY_WORDS = _word_set(
    """
    empowerment self-direction self direction mutual respect empathy emotional safety
    setting aside my own bias open mind authenticity hope resilience trust consistency
    boundaries role and of the peer peers support supporter recovery coach coaching
    specialist worker
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    today yesterday tomorrow tonight morning afternoon evening night week weekend month
    christmas easter eve new year years day ramadan eid diwali hanukkah thanksgiving
    halloween passover lent kwanzaa iftar
    god lord jesus christ allah buddha spirit universe bible quran koran torah scripture
    higher power prayer serenity big book basic text step steps twelve traditions
    tradition promises fellowship sponsor sponsee newcomer home chip medallion keytag
    daily reflections living sober courage change believe amazing stages harm reduction
    assembly
    alcoholics narcotics anonymous al-anon nar-anon alateen smart celebrate refuge dharma
    wellness action plan wrap intentional motivational interviewing hearing voices
    crisis line hotline warmline lifeline samaritans shout mind rethink
    naloxone narcan suboxone methadone buprenorphine vivitrol sublocade fentanyl heroin
    xanax oxy percocet adderall seroquel lithium prozac zoloft tylenol ibuprofen
    zoom teams whatsapp signal facebook instagram tiktok snapchat discord twitter google
    uber lyft venmo
    medicaid medicare veterans affairs social security universal credit jobcentre housing
    benefit benefits
    salvation army red cross food bank ymca goodwill walmart target tesco starbucks
    mcdonald's premier league
    group meeting meetings session circle team service services program programme project
    centre center clinic hospital ward unit house hall church library station school college
    university office department council court trust health mental care community shelter
    awareness history first aid
    street road avenue lane drive way place close crescent park square bridge beach
    north south east west central upper lower great old new united kingdom states city county
    san los las saint st mr mrs ms miss mx dr prof sir madam
    mom mum mam mama dad papa nan nana gran granny grandma grandpa auntie uncle sis bro
    officer doc pastor father sister brother reverend imam rabbi
    staff police cops security paramedics
    english spanish french black white latino latina latinx hispanic asian african american
    british irish scottish welsh polish mexican muslim catholic jewish christian baptist
    i i'm i've i'll i'd im me my we our us you your he she they them their his her it its
    a an but or so then than when what why how who where which while if because although
    this that these those there here not no yes ok okay oh well also still just maybe
    thanks thank please sorry hello hi dear bye honestly
    after before during later earlier first next last finally again today's
    second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    feeling felt feel good bad hard tough great fine better worse quiet long rough
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
# What may stand between a name and the words that say it is a person: "her ex,
# Marcus", "named 'Ty'". A full stop or a line break ends the sentence, and with it
# the context.
_JOINING_GAP = re.compile(r"[ \t\u00a0]{0,3}[,\"\u201c'\u2018]?[ \t\u00a0]{0,3}")
_CONTEXT = 100
_SENTENCE_END = frozenset(".!?:;\n\r")
_OPENERS = " \t\u00a0\"'\u201c\u2018([{*-\u2022>#"
_MAX_NAME_WORDS = 4
# Endings that leave the name itself: Maria's, Sam'll, Tom'd.
_CLITIC = re.compile(r"['\u2019](?:s|ll|d|ve|re)\Z")


@dataclass(frozen=True)
class _NameLists:
    plain: frozenset[str]
    also_words: frozenset[str]
    in_context: frozenset[str]
    given: frozenset[str]  # plain and also_words: the names that can start a full name


@cache
def _name_lists() -> _NameLists:
    """The bundled lists of given names, read once, on first use."""
    listing = files("peerjournal").joinpath("given_names.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {"": set()}
    current = sections[""]
    for line in listing.splitlines():
        line = line.strip()
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), set())
        elif line and not line.startswith("#"):
            current.add(_folded(line))
    plain = frozenset(sections[""])
    also_words = frozenset(sections.get("also everyday words", ()))
    return _NameLists(
        plain=plain,
        also_words=also_words,
        in_context=frozenset(sections.get("names only in context", ())),
        given=plain | also_words,
    )


def _folded(word: str) -> str:
    """Casefolded, without accents: José, Jose and JOSE are one name."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_capitalised(word: str) -> bool:
    # "Maria" and "McDonald" yes; "AA", "NHS" (acronyms) and "iPhone" no.
    return word[0].isupper() and not word.isupper()


def _without_clitic(word: str) -> str:
    clitic = _CLITIC.search(word) if ("'" in word or "\u2019" in word) else None
    return word[: clitic.start()] if clitic else word


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    index: int  # where the word stands among all the words of the text
    starts_sentence: bool


class _Text:
    """The scanned text as words, each able to tell what stands just before it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = [(found.group(), found.start(), found.end()) for found in _WORD.finditer(text)]

    def previous(self, index: int, count: int = 3) -> list[str]:
        """Up to `count` words before word `index` in its sentence, casefolded, nearest last."""
        found: list[str] = []
        at = index
        while at > 0 and len(found) < count:
            word, _, end = self.words[at - 1]
            start = self.words[at][1]
            plain_space = start == end + 1 and self.text[end] == " "
            if not plain_space and _JOINING_GAP.fullmatch(self.text, end, start) is None:
                break
            found.append(word.casefold())
            at -= 1
        found.reverse()
        return found

    def right_before(self, index: int, gap: re.Pattern[str]) -> str:
        """The word right before word `index` as written, if only `gap` separates them."""
        if index == 0:
            return ""
        word, _, end = self.words[index - 1]
        return word if gap.fullmatch(self.text, end, self.words[index][1]) else ""

    def capitalised_runs(self) -> Iterator[list[_Word]]:
        """Runs of capitalised words separated only by spaces."""
        text = self.text
        run: list[_Word] = []
        for index, (raw, start, _) in enumerate(self.words):
            word = _without_clitic(raw)
            if not _is_capitalised(word):
                if run:
                    yield run
                run = []
                continue
            end = start + len(word)
            if run:
                gap = _TITLE_GAP if run[-1].text.casefold() in _TITLES else _GAP
                if gap.fullmatch(text, run[-1].end, start) is None:
                    yield run
                    run = []
            starts_sentence = not run and _starts_sentence(text[max(0, start - _CONTEXT) : start])
            run.append(_Word(word, start, end, index, starts_sentence))
        if run:
            yield run


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip(_OPENERS)
    if not stripped:
        return True
    if "\n" in before[len(stripped) :]:
        return True
    return stripped[-1] in _SENTENCE_END


# Shops and places named after someone, where supporters meet people ("coffee at
# Wendy's", "a room at Ronald McDonald House").
_NAMED_AFTER_SOMEONE = re.compile(
    r"\b(?:Wendy|Trader[ ]Joe|Papa[ ]John|Jimmy[ ]John|Macy|Claire|Carl|Kohl|Dillard"
    r"|Victoria(?=['\u2019]s[ ]Secret)|Ben[ ](?:&|and)[ ]Jerry|Frankie[ ](?:&|and)[ ]Benny)"
    r"['\u2019]s\b|\bRonald[ ]McDonald[ ]House\b"
)


def _names(text: str, extra_ordinary: frozenset[str]) -> Iterator[Finding]:
    lists = _name_lists()
    words = _Text(text)
    shops = [(found.start(), found.end()) for found in _NAMED_AFTER_SOMEONE.finditer(text)]
    for run in words.capitalised_runs():
        if shops and any(start <= run[0].start < end for start, end in shops):
            continue
        yield from _full_names(text, run, lists, extra_ordinary)
        for word in run:
            if _is_first_name(words, word, lists, extra_ordinary):
                yield Finding(FIRST_NAME, word.start, word.end, word.text)


def _is_ordinary(word: str, extra_ordinary: frozenset[str]) -> bool:
    folded = word.casefold()
    return folded in _ORDINARY_WORDS or folded in extra_ordinary


def _full_names(
    text: str, run: list[_Word], lists: _NameLists, extra_ordinary: frozenset[str]
) -> Iterator[Finding]:
    if len(run) < 2:
        return

    def ordinary(word: _Word) -> bool:
        return _is_ordinary(word.text, extra_ordinary)

    index = 0
    while index < len(run):
        first = run[index]
        folded = first.text.casefold()
        if folded in _TITLES and index + 1 < len(run):
            # "Dr Patel", "Mrs. Okafor": a title and a surname name someone.
            following = run[index + 1]
            if not ordinary(following) and not _is_founder(first.text, following.text):
                yield Finding(
                    FULL_NAME, first.start, following.end, text[first.start : following.end]
                )
                index += 2
                continue
        # Without a known given name, only words mid-sentence count: a run that
        # opens a sentence or heading is capitalised for that reason alone. A name
        # that is only sometimes a name (Will, Grace) starts one only mid-sentence.
        name = _folded(first.text)
        mid_sentence = not run[0].starts_sentence
        can_start = (not ordinary(first) and (name in lists.given or mid_sentence)) or (
            name in lists.in_context and mid_sentence
        )
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


def _is_founder(title: str, name: str) -> bool:
    # Recovery literature names its founders, "Bill W." and "Dr. Bob", and quoting
    # them identifies nobody a supporter works with.
    return title.casefold() == "dr" and name == "Bob"


# What the words just before a name say about it. Each is a word, or two words
# joined by a space, casefolded.
def _phrases(listing: str) -> frozenset[str]:
    return frozenset(phrase.replace("_", " ") for phrase in listing.split())


# "her son Tom", "her ex, Marcus", "a man named ...".
_PERSON_BEFORE = _phrases(
    """
    son sons daughter daughters kid kids child children baby boy girl husband wife
    partner spouse ex ex-husband ex-wife ex-partner ex-boyfriend ex-girlfriend boyfriend
    girlfriend fiance fiancé fiancee fiancée mom mum mother mam dad father brother sister
    sibling stepson stepdaughter stepmom stepmum stepdad stepfather stepmother cousin
    aunt auntie aunty uncle niece nephew grandson granddaughter grandkid grandchild
    grandma grandpa grandmother grandfather nan gran granny friend bestie mate roommate
    flatmate housemate neighbour neighbor boss manager coworker co-worker colleague
    sponsor sponsee therapist counsellor counselor psychiatrist doctor nurse caseworker
    case_worker social_worker keyworker key_worker support_worker landlord landlady
    lawyer attorney probation_officer parole_officer pastor priest imam rabbi teacher
    carer caregiver twin twins dealer abuser in-law in-laws
    named nicknamed name's name_is name_was goes_by known_as
    """
)
# Someone acted on: "told Grace", "sat with Will", "a call from Joy".
_ACTED_ON_BEFORE = _phrases(
    """
    told asked texted messaged called rang phoned emailed met hugged thanked reminded
    visited drove talked_to talked_with spoke_to spoke_with sat_with met_with
    worked_with walked_with in_with out_to heard_from text_from call_from
    message_from email_from texts_from calls_from
    """
)
_IN_CONTEXT_BEFORE = _PERSON_BEFORE | _ACTED_ON_BEFORE
# A name after "in" or "near" is a place ("in Sydney", "near Florence"), unless it is
# someone's ("in Maria's car") or someone is confided in.
_PLACE_BEFORE = _phrases(
    """
    in near outside around across throughout moved_to back_to went_to flew_to trip_to
    drove_to driving_to going_to headed_to heading_to move_to moving_to
    is_from are_from was_from comes_from come_from came_from originally_from
    """
)
_CONFIDED = _word_set("confided confide confides believe believes believed trust trusted")
# "St Mary's", "Hail Mary", "Lake Charles": a name inside the name of a place or a
# saint. Written with a capital, so "her mother Mary" is still a person.
_NOT_A_PERSON_BEFORE = _word_set(
    """
    St Saint San Santa Sao São Fort Port Lake Mount Mt Cape Hail Virgin Mother Prophet
    King Queen Prince Princess Lady Pope
    """
)
_ABBREVIATION_GAP = re.compile(r"\.?[ \t\u00a0]{1,3}")


def _said_before(previous: list[str], phrases: frozenset[str]) -> bool:
    """Whether the last word, or the last two, before a name are one of `phrases`."""
    return bool(previous) and (
        previous[-1] in phrases or (len(previous) >= 2 and " ".join(previous[-2:]) in phrases)
    )


def _is_a_place(previous: list[str]) -> bool:
    if not previous:
        return False
    if previous[-1] in _PLACE_BEFORE:
        return len(previous) < 2 or previous[-2] not in _CONFIDED
    return len(previous) >= 2 and " ".join(previous[-2:]) in _PLACE_BEFORE


# What only a person does: "Grace texted", "Dawn cried".
_HUMAN = (
    r"texted|texts|cried|sobbed|laughed|yelled|shouted|screamed|whispered|smiled|hugged"
    r"|relapsed|overdosed|apologi[sz]ed|admitted|confided|disclosed|swore|hung[ \t]+up"
    r"|showed[ \t]+up|turned[ \t]+up|stormed|broke[ \t]+down|opened[ \t]+up"
    r"|got[ \t]+(?:sober|clean)|used[ \t]+again|drank|and[ \t]+(?:I|me)"
)
# What a person or an office does: "Housing said" is not a person, "said she" is.
_SAYS = (
    r"said|says|mentioned|explained|thinks|thought|feels|felt|wants|wanted|needs|needed"
    r"|told|tells|asked|asks|called|calls|rang|phoned|messaged|emailed|wrote|writes"
    r"|replied|answered|shared|talked|spoke"
)
_RELATION_AFTER = (
    r"son|daughter|kids?|children|husband|wife|partner|ex|boyfriend|girlfriend|mom|mum"
    r"|mother|dad|father|brother|sister|family|friend|sponsor|place|house|flat|apartment"
    r"|car|phone|number|case[ ]?worker|probation[ ]officer|landlord"
)
_PERSON_AFTER = re.compile(
    rf"(?:['\u2019]s[ \t]+(?:{_RELATION_AFTER})\b"
    rf"|[ \t]*,?[ \t]+(?:{_HUMAN})\b"
    rf"|[ \t]+(?:{_SAYS})[ \t]+(?:that[ \t]+)?(?:she|he)\b)",
    re.IGNORECASE,
)
# A name that is also a word, at the start of a sentence: a person if a verb or a
# companion follows ("Mark texted", "Rose and I", "Frank's wife"), a word if an
# object does ("Mark the date", "Rose early", "Drew a boundary").
_ACTS_AFTER = re.compile(
    rf"(?:['\u2019]s\b|[ \t]*(?:,|&)|[ \t]+(?:and|{_HUMAN}|{_SAYS}|is|was|has|had|came"
    r"|went|left|kept|keeps|got|gets|seemed|seems|sounded|looked|knows|knew|will|would"
    r"|can|could|didn['\u2019]t|doesn['\u2019]t|isn['\u2019]t|wasn['\u2019]t"
    r"|hasn['\u2019]t|won['\u2019]t|can['\u2019]t|couldn['\u2019]t|wouldn['\u2019]t)\b)",
    re.IGNORECASE,
)
# "Victoria Station", "St John's Ambulance": a name inside the name of an institution.
_NOT_A_PERSON_AFTER = re.compile(
    r"(?:['\u2019]s)?[ \t]+(?:Hospital|Street|Road|Avenue|Lane|Station|Centre|Center"
    r"|Church|School|College|University|Hall|House|Park|Clinic|Ward|Unit|Line|Bridge"
    r"|Square|County|Place|Court|Academy|Foundation|Trust|Memorial|Medical|Health"
    r"|Healthcare|Institute|Library|Chapel|Cathedral|Mosque|Temple|Synagogue|Shelter"
    r"|Lodge|Gardens|Estate|Tower|Towers|Hotel|Inn|Arms|Ambulance|Hospice)\b"
)
_FOUNDER_AFTER = re.compile(r"[ \t]+W\.")
_WINDOW = 48


def _is_first_name(
    words: _Text, word: _Word, lists: _NameLists, extra_ordinary: frozenset[str]
) -> bool:
    """Whether one capitalised word names a person, given the words around it."""
    folded = word.text.casefold()
    if folded in extra_ordinary:
        return False
    name = _folded(word.text)
    if "-" in name and name not in lists.plain:
        name = name.split("-", 1)[0]  # Mary-Jane, Jean-Luc
    known = name in lists.plain or name in lists.also_words or name in lists.in_context
    if not known and (word.starts_sentence or folded in _ORDINARY_WORDS):
        return False  # the common case, decided without reading around the word
    text = words.text
    after = text[word.end : word.end + _WINDOW]
    if _NOT_A_PERSON_AFTER.match(after):
        return False
    right_before = words.right_before(word.index, _ABBREVIATION_GAP)
    if right_before in _NOT_A_PERSON_BEFORE:
        return False
    if (name == "bill" and _FOUNDER_AFTER.match(after)) or (
        name == "bob" and right_before.casefold() == "dr"
    ):
        return False
    previous = words.previous(word.index)
    possessive = text.startswith(("'s", "\u2019s"), word.end)
    if not possessive and _is_a_place(previous):
        return False
    if name in lists.in_context:
        return _said_before(previous, _IN_CONTEXT_BEFORE) or _PERSON_AFTER.match(after) is not None
    if folded in _ORDINARY_WORDS:
        return False
    if name in lists.plain:
        return True
    if name in lists.also_words:
        return not word.starts_sentence or _ACTS_AFTER.match(after) is not None
    return _said_before(previous, _PERSON_BEFORE) or _PERSON_AFTER.match(after) is not None
