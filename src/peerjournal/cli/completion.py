"""What the shell offers on Tab: principle slugs, ratings, flags, and the journal's own tags.

Typer's completion (`peerjournal --install-completion`) calls these while it
parses the line being typed, without running any command: they never print,
prompt, or create or change a file. They run on every Tab press (fish asks
twice), so they stay cheap, and offer bare values: a description would make
Typer load its help formatter (about 40 ms) for zsh and fish.
"""

from __future__ import annotations

import typer

from peerjournal.principles import Guide, normalise_slug
from peerjournal.records import FLAGS, MODES

SCORES = range(1, 6)
# What `principles` takes besides a slug (cli/principles.py acts on them).
GUIDE_ACTIONS = ("path", "customize")
# Where a --db typed after the command is noted while a line is only being completed.
TYPED_DB = "peerjournal.typed-db"


def _guide() -> Guide:
    from peerjournal.principles import load_guide

    # A broken customised guide still completes, with the built-in guide's slugs.
    return load_guide(fallback=True)


def principle_slugs(incomplete: str) -> list[str]:
    """The slugs that start as typed (`_` standing for `-`, as everywhere)."""
    wanted = normalise_slug(incomplete)
    return [p.slug for p in _guide().principles if p.slug.startswith(wanted)]


def principle_topics(incomplete: str) -> list[str]:
    """What `peerjournal principles` reads: a slug, `path` or `customize`."""
    actions = [name for name in GUIDE_ACTIONS if name.startswith(incomplete)]
    return principle_slugs(incomplete) + actions


def ratings(incomplete: str) -> list[str]:
    """`--rate` values: the slugs that fit, then, once one is chosen, SLUG=1 to SLUG=5.

    A lone `slug=` is offered only beside others: alone, the shell would put a
    space after it, before the score could be typed.
    """
    typed, equals, score = incomplete.partition("=")
    wanted = normalise_slug(typed)
    matching = [p.slug for p in _guide().principles if p.slug.startswith(wanted)]
    if equals:
        chosen = [wanted] if wanted in matching else matching if len(matching) == 1 else []
    elif len(matching) == 1:
        chosen = matching
    else:
        return [f"{slug}=" for slug in matching]
    return [f"{slug}={n}" for slug in chosen for n in SCORES if str(n).startswith(score)]


def flags(incomplete: str) -> list[str]:
    """The flags an entry can carry."""
    return [name for name in FLAGS if name.startswith(incomplete)]


def modes(incomplete: str) -> list[str]:
    """The kinds of contact, as they are typed."""
    return [name for name in MODES if name.startswith(incomplete)]


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """The tags already in the journal that start as typed, read without a passphrase."""
    from peerjournal.db import locate
    from peerjournal.errors import PeerJournalError
    from peerjournal.queries.light import tags_in

    chosen = ctx.meta.get(TYPED_DB) or ctx.find_root().params.get("db")
    try:
        path = locate(chosen).path
    except PeerJournalError:
        return []
    wanted = incomplete.strip().lstrip("#").lower()
    return [tag for tag in tags_in(path) if tag.startswith(wanted)]
