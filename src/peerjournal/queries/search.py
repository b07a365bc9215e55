"""The search: the user's words as an FTS5 query, and each match with its best passage."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.errors import InvalidValue
from peerjournal.queries.entries import _LARGEST_ID, EVERYTHING, EntryQueries, _where
from peerjournal.records import Entry, EntryFilter


@dataclass(frozen=True)
class Match:
    """One entry that matched a search, with the passage that matched best."""

    entry: Entry
    # The passage as (text, is_match) pieces, in order; joined they are the passage.
    passage: tuple[tuple[str, bool], ...]
    rank: float

    @property
    def snippet(self) -> str:
        return "".join(text for text, _match in self.passage)

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """Where the matches are in `snippet`, as [start, end) character offsets."""
        spans, at = [], 0
        for text, match in self.passage:
            if match:
                spans.append((at, at + len(text)))
            at += len(text)
        return spans


class SearchQueries(EntryQueries):
    """Search over the full-text index, best match first."""

    def search(self, text: str, where: EntryFilter = EVERYTHING, limit: int = 20) -> list[Match]:
        """Entries whose reflection, notes, alias, tags or follow-ups match `text`, best first.

        Words must all appear (in any order); "a phrase" must appear as written;
        word* matches any word starting so. A query the index cannot read raises
        InvalidValue.
        """
        query = search_query(text.strip())
        if not query:
            raise InvalidValue(
                "Give a word to search for, for example: peerjournal search boundaries"
            )
        sql, params = _where(where)
        weights = ", ".join(str(w) for w in db.SEARCH_WEIGHTS)
        # The index finds and ranks; the passage is cut here, from the entries shown.
        # (FTS5's snippet() weighs every match against every other: a reflection of
        # one word pasted 20,000 times took seconds per search word.)
        statement = (
            f"SELECT e.id, bm25({db.SEARCH_TABLE}, {weights}) AS rank"
            f" FROM {db.SEARCH_TABLE} JOIN entry e ON e.id = {db.SEARCH_TABLE}.rowid"
            f" WHERE {db.SEARCH_TABLE} MATCH ? AND {sql}"
            " ORDER BY rank, e.occurred_at DESC LIMIT ?"
        )
        try:
            rows = self._rows(statement, [query, *params, min(limit, _LARGEST_ID)])
        except driver_errors("OperationalError") as error:
            if not str(error).startswith(("fts5:", "unterminated string", "no such column")):
                raise
            raise InvalidValue(
                f'peerjournal cannot read the search {text[:80]!r}: check that every " and ( '
                "is closed, and that AND, OR and NOT stand between words (write them in lower "
                "case to search for the word itself). Search for a phrase with double quotes "
                '("felt heard"), the start of a word with * (bound*).'
            ) from None
        entries = {entry.id: entry for entry in self.by_ids([row[0] for row in rows])}
        terms = search_terms(text)
        return [
            Match(
                entry=entries[entry_id],
                passage=passage(entries[entry_id], terms),
                rank=float(rank),
            )
            for entry_id, rank in rows
            if entry_id in entries
        ]


# A bare word FTS5 reads as it is; anything else (R., don't, follow-up) is quoted
# so that it is searched as the words it contains instead of failing as syntax.
_BAREWORD = re.compile(r"\w+", re.UNICODE)
_QUERY_TOKEN = re.compile(r'"[^"]*"?\*?|[()]|[^\s()"]+')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_BLANK_LINES = re.compile(r"\n{2,}")
# Enough for any search a person types; more only makes the index work for nothing.
MAX_SEARCH_TERMS = 32


def search_query(text: str) -> str:
    """The user's words as an FTS5 query: phrases ("...") and prefixes (word*) kept,
    AND/OR/NOT kept, every other word with punctuation quoted."""
    parts = []
    for token in _QUERY_TOKEN.findall(text):
        stem = token.rstrip("*")
        star = token[len(stem) :]
        special = token.startswith('"') or token in "()" or token in _OPERATORS
        if not special and not stem:
            continue  # a star with no word before it: FTS5 would read it as a command
        if special or _BAREWORD.fullmatch(stem):
            parts.append(token)
        else:
            parts.append(f'"{stem}"{star}')
    if len(parts) > MAX_SEARCH_TERMS:
        raise InvalidValue(
            f"That search has {len(parts)} words and operators; use at most "
            f"{MAX_SEARCH_TERMS}, the ones that matter most."
        )
    return " ".join(parts)


# A passage is this many words: enough to see what was said around the match.
PASSAGE_WORDS = 16
# Where a passage may start: among the first this many matches (a pasted wall of one
# word has thousands, and any of them serves).
_PASSAGE_STARTS = 200


def search_terms(text: str) -> tuple[tuple[str, bool], ...]:
    """The words of a search, folded as the index folds them, each with whether it is a
    prefix (word*). Operators and brackets are not words; a phrase gives its words."""
    terms: dict[tuple[str, bool], None] = {}
    for token in _QUERY_TOKEN.findall(text.strip()):
        if token in "()" or token in _OPERATORS:
            continue
        prefix = token.endswith("*")
        words = _BAREWORD.findall(token.strip('"*'))
        for index, word in enumerate(words):
            terms[(_fold(word), prefix and index == len(words) - 1)] = None
    return tuple(terms)


def _fold(word: str) -> str:
    """A word as the index compares it: case and accents set aside (unicode61)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def passage(entry: Entry, terms: Sequence[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """The passage shown for a match, as (text, is_match) pieces: the words around the
    place where most of the search's words meet, in the reflection or else in the alias,
    tags, notes or follow-ups that matched; the reflection's start when none is found.

    Linear in the text, whatever it holds: at most _PASSAGE_STARTS places are weighed.
    """
    places = [
        _BLANK_LINES.sub("\n", entry.reflection).strip("\n"),
        *(note for rating in entry.ratings if (note := rating.note)),
        *(follow_up.text for follow_up in entry.follow_ups),
        *([entry.peer] if entry.peer else []),
        *entry.tags,
    ]
    for text in places:
        found = _passage_in(text, terms)
        if found:
            return found
    return ((entry.first_line[:200], False),)


def _passage_in(text: str, terms: Sequence[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    words = list(_BAREWORD.finditer(text))
    folded = [_fold(word.group()) for word in words]
    hits = [i for i, word in enumerate(folded) if _matches(word, terms)]
    if not hits:
        return ()
    best, most = hits[0], 0
    for at, start in enumerate(hits[:_PASSAGE_STARTS]):
        near = hits[at : bisect_left(hits, start + PASSAGE_WORDS)]
        seen = {folded[i] for i in near}
        if len(seen) > most:
            best, most = start, len(seen)
    # A few words before the first match, so that it is read in its sentence.
    first = max(0, min(best - 3, len(words) - PASSAGE_WORDS))
    last = min(len(words), first + PASSAGE_WORDS) - 1
    begin, end = words[first].start(), words[last].end()
    pieces: list[tuple[str, bool]] = [("…", False)] if begin > 0 else []
    at = begin
    for i in hits[bisect_left(hits, first) : bisect_left(hits, last + 1)]:
        word = words[i]
        if word.start() > at:
            pieces.append((text[at : word.start()], False))
        pieces.append((word.group(), True))
        at = word.end()
    if end > at:
        pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return tuple(pieces)


def _matches(folded: str, terms: Sequence[tuple[str, bool]]) -> bool:
    """Whether a word, folded, is one of the search's words (or starts as a prefix does)."""
    return any(folded.startswith(term) if prefix else folded == term for term, prefix in terms)
