"""`peerjournal peer ALIAS`: the conversations with one person over time."""

from typing import Annotated

import typer

from peerjournal import render
from peerjournal.cli.app import app, guide_for_reading, reading
from peerjournal.cli.options import AsJson, entry_filter
from peerjournal.errors import InvalidValue

# The newest conversations shown on screen; -n 0 shows them all.
SHOWN = 20
# A refusal names this many aliases; more would not fit one readable sentence.
SHOWN_ALIASES = 12


@app.command("peer")
def peer_command(
    ctx: typer.Context,
    alias: Annotated[
        str,
        typer.Argument(
            metavar="ALIAS",
            help="The initials or pseudonym you logged them under (R. and r. are the same).",
            show_default=False,
        ),
    ],
    number: Annotated[
        int,
        typer.Option(
            "-n",
            "--number",
            metavar="N",
            help="How many of the newest conversations to list; 0 lists all.",
        ),
    ] = SHOWN,
    as_json: AsJson = False,
) -> None:
    """Your conversations with one person over time: what you rated, flags, follow-ups."""
    from datetime import datetime

    from peerjournal.peers import build_peer_review, peer_json

    if number < 0:
        raise InvalidValue(f"-n is how many conversations to list (0 for all), not {number}.")
    where = entry_filter(peer=alias)
    if where.peer is None:
        raise InvalidValue("Give the alias to look up, for example: peerjournal peer R.")
    guide = guide_for_reading(ctx)
    with reading(ctx) as reader:
        spellings = reader.aliases(where)
        if not spellings:
            raise InvalidValue(_unknown(where.peer, [name for name, _ in reader.aliases()]))
        ratings = reader.rating_totals(where)
        retired = {row.slug for row in ratings if guide.get(row.slug) is None}
        view = build_peer_review(
            where.peer,
            guide=guide,
            spellings=spellings,
            totals=reader.totals(where),
            ratings=ratings,
            names=reader.principle_names(retired),
            flags=reader.flag_counts(where),
            open_follow_ups=reader.follow_ups(where=where),
            entries=reader.entries(where, None if as_json else (number or None)),
            now=datetime.now().astimezone(),
        )
    if as_json:
        render.json_data(peer_json(view))
    else:
        render.peer_screen(view)


def _unknown(alias: str, known: list[str]) -> str:
    """No conversation with that alias: say so, and the alias they may have meant."""
    from difflib import get_close_matches

    said = f"Your journal has no conversation with '{alias}'"
    if not known:
        return f"{said}; no entry has an alias yet."
    # One person however the alias was capitalised: the spelling used most stands for it.
    people: dict[str, str] = {}
    for name in known:
        people.setdefault(name.casefold(), name)
    # Above half alike: "Z." is not offered "T." (one letter in two), "Sam" is offered "Sammy".
    close = get_close_matches(alias.casefold(), list(people), n=1, cutoff=0.6)
    if close:
        return f"{said}; did you mean '{people[close[0]]}'?"
    names = list(people.values())
    shown = ", ".join(names[:SHOWN_ALIASES])
    if len(names) > SHOWN_ALIASES:
        shown += f" and {len(names) - SHOWN_ALIASES} more"
    return f"{said} (the aliases you have used, most often first: {shown})."
