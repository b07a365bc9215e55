"""The options every filtering command shares, and the one filter they build.

`list`, `search`, `export` and `review` take the same `--since`, `--until`,
`--tag` and `--flag`, defined once here and turned into a
`records.EntryFilter` by one function, so that the same words select the
same entries in every command and a mistake gets the same sentence.
"""

from __future__ import annotations

from typing import Annotated

import typer

from peerjournal.cli import completion
from peerjournal.errors import InvalidValue
from peerjournal.records import FLAGS, EntryFilter, clean_peer, clean_tag, parse_flag

Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DAY",
        help="Only entries on or after this day (2026-11-20, yesterday, 2 weeks ago).",
        show_default=False,
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DAY",
        help="Only entries on or before this day.",
        show_default=False,
    ),
]
Tag = Annotated[
    str | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="Only entries with this tag.",
        show_default=False,
        autocompletion=completion.tags,
    ),
]
Flag = Annotated[
    str | None,
    typer.Option(
        "--flag",
        metavar="FLAG",
        help=f"Only entries with this flag ({', '.join(FLAGS)}).",
        show_default=False,
        autocompletion=completion.flags,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print as JSON, for scripts.")]


def _day(value: str | None, flag: str) -> object:
    if value is None:
        return None
    from peerjournal.dates import parse_day

    try:
        return parse_day(value)
    except InvalidValue as exc:
        raise InvalidValue(f"{flag}: {exc}") from None


def entry_filter(
    since: str | None = None,
    until: str | None = None,
    tag: str | None = None,
    flag: str | None = None,
    peer: str | None = None,
) -> EntryFilter:
    """The entries the options select; a mistake is one sentence naming the option."""
    from datetime import date

    first, last = _day(since, "--since"), _day(until, "--until")
    assert first is None or isinstance(first, date)
    assert last is None or isinstance(last, date)
    if first and last and first > last:
        raise InvalidValue(f"--since ({first}) is after --until ({last}); swap them.")
    return EntryFilter(
        since=first,
        until=last,
        tag=clean_tag(tag) if tag is not None else None,
        flag=parse_flag(flag) if flag is not None else None,
        peer=clean_peer(peer) if peer is not None else None,
    )
