"""The search: the user's words as an FTS5 query, and each match with its best passage."""

from __future__ import annotations

import re
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
        # No passage is made from an entry far past the limits (stored by an older
        # version): FTS5 would read and split every word of it, for minutes.
        longest = (self.clip or _LARGEST_ID) * 3
        statement = (
            "SELECT e.id, CASE WHEN length(e.what_happened) + length(e.so_what)"
            f" + length(e.now_what) <= {int(longest)}"
            f" THEN snippet({db.SEARCH_TABLE}, -1, ?, ?, '…', 16) END,"
            f" bm25({db.SEARCH_TABLE}, {weights}) AS rank"
            f" FROM {db.SEARCH_TABLE} JOIN entry e ON e.id = {db.SEARCH_TABLE}.rowid"
            f" WHERE {db.SEARCH_TABLE} MATCH ? AND {sql}"
            " ORDER BY rank, e.occurred_at DESC LIMIT ?"
        )
        try:
            rows = self._rows(
                statement,
                [db.HIGHLIGHT_START, db.HIGHLIGHT_END, query, *params, min(limit, _LARGEST_ID)],
            )
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
        return [
            Match(
                entry=entries[entry_id],
                passage=_passage(snippet, entries[entry_id]),
                rank=float(rank),
            )
            for entry_id, snippet, rank in rows
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


def _passage(snippet: str | None, entry: Entry) -> tuple[tuple[str, bool], ...]:
    """The passage shown for a match: the index's snippet, or an entry's start when none was
    made (see Reader.search)."""
    if snippet is None:
        return ((entry.first_line[:200], False),)
    # The three prompts are stored apart by newlines; unanswered ones leave blank lines.
    return split_passage(_BLANK_LINES.sub("\n", snippet).strip("\n"))


def split_passage(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Cut a snippet marked with the database's highlight characters into pieces."""
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(db.HIGHLIGHT_START)):
        if i == 0:
            inside, after = "", chunk
        else:
            inside, _sep, after = chunk.partition(db.HIGHLIGHT_END)
        if inside:
            pieces.append((inside, True))
        if after:
            pieces.append((after, False))
    return tuple(pieces)
