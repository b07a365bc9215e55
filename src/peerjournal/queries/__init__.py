"""The read side: every everyday query, plain SQL over the standard library's connection.

`list`, `show`, `search`, `review`, `export`, `followups`, `peer`, the
numbers beside a principle and whatever the guided `log` reads before it
saves come from here, as the plain records of `records.py`. Nothing here
imports SQLAlchemy (db.py says why). Aggregates are computed in SQL (GROUP
BY), never by loading every row; `benchmarks/plans.py` prints the plan of
each statement on a ten-year journal.

A `Reader` wraps one open DB-API connection: `open_reader` gives one for a
command, and the write side hands its own connection to one so that an
entry just saved is read back the same way every screen reads it.

One module per family of reads, each a part of `Reader`: `entries` (the
entries themselves, texts clipped for screens, and `_where`, the one filter
builder every family uses), `search`, `review`, `followups` and `peers`.
`light` holds `glance` and `tags_in`, which open a plain journal on their
own for `principles SLUG` and the shell's Tab; import them from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from peerjournal import db
from peerjournal.encryption import errors as driver_errors
from peerjournal.queries.entries import CHUNK, CUT_NOTE, EVERYTHING, SCREEN_CLIP
from peerjournal.queries.followups import FollowUpQueries, OpenFollowUp
from peerjournal.queries.peers import FlagCount, PeerQueries, RatingTotal, SpanTotals
from peerjournal.queries.review import ActivityWindowRow, PrincipleWindowRow, ReviewQueries, Window
from peerjournal.queries.search import (
    MAX_SEARCH_TERMS,
    Match,
    SearchQueries,
    search_query,
)


class Reader(SearchQueries, ReviewQueries, FollowUpQueries, PeerQueries):
    """The journal's read queries over one open connection (stdlib sqlite3 or SQLCipher).

    With `clip`, every text is read to at most that many characters (see queries.entries).
    Each family of reads is a base class in its own module; this one object has them all.
    """


@contextmanager
def open_reader(location: db.Location) -> Iterator[Reader]:
    """The journal at `location`, opened to read for one command, texts clipped for screens.

    A missing journal is refused (reading never creates one); an older one is
    upgraded first (the only time a reading command loads the write side).
    """
    path = location.path
    if not db.exists(path):
        raise db.missing(location)
    db.check_version(path)
    conn = db.open_connection(path, db.key_for(path), readonly=True)
    try:
        yield Reader(conn, clip=SCREEN_CLIP)
    except driver_errors("OperationalError") as exc:
        raise db.unusable(path, str(exc)) from None
    finally:
        conn.close()


__all__ = [
    "CHUNK",
    "CUT_NOTE",
    "EVERYTHING",
    "MAX_SEARCH_TERMS",
    "SCREEN_CLIP",
    "ActivityWindowRow",
    "FlagCount",
    "Match",
    "OpenFollowUp",
    "PrincipleWindowRow",
    "RatingTotal",
    "Reader",
    "SpanTotals",
    "Window",
    "open_reader",
    "search_query",
]
