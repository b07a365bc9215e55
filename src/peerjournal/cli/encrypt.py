"""`peerjournal encrypt`: lock the journal with a passphrase (SQLCipher, an optional extra)."""

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from peerjournal import render
from peerjournal.cli.app import app, location, writing
from peerjournal.errors import InvalidValue

if TYPE_CHECKING:
    from peerjournal.housekeeping import KeptCopy

SHORTEST_PASSPHRASE = 8


@app.command("encrypt")
def encrypt_command(
    ctx: typer.Context,
    keep_plain: Annotated[
        bool,
        typer.Option(
            "--keep-plain",
            help="Keep the unencrypted journal as a file readable only by you (delete it later).",
        ),
    ] = False,
) -> None:
    """Lock your journal with a passphrase, so a lost laptop or a copied file reveals nothing.

    From then on every command asks for the passphrase (or reads
    PEERJOURNAL_PASSPHRASE). Without it the journal cannot be opened by anyone,
    you included: there is no way to recover a forgotten passphrase.
    """
    from peerjournal import copies, drafts, encryption, housekeeping

    path = location(ctx).path
    if encryption.looks_encrypted(path):
        plain = housekeeping.plain_copies(path)
        if plain:
            raise InvalidValue(
                f"The journal {path} is already encrypted, but "
                f"{_copies_named(plain)}; delete them once you are sure you no longer need them."
            )
        raise InvalidValue(f"The journal {path} is already encrypted; there is nothing to do.")
    if not encryption.available():
        raise encryption.EncryptionUnavailable()
    passphrase = _new_passphrase()
    with writing(ctx, create=True):
        pass  # a new journal is created, an older one brought up to date, before it is locked
    done = copies.encrypt(path, passphrase, keep_plain=keep_plain)
    encryption.use_passphrase(passphrase)
    sealed = drafts.seal_plain_drafts()
    render.notice(f"Your journal {done.path} is now encrypted.")
    if done.kept_plain is not None:
        render.notice(
            f"The unencrypted journal is kept in {done.kept_plain} (readable only by you). "
            "Delete it once you have checked that your passphrase works."
        )
    else:
        render.notice("The unencrypted journal was overwritten and removed.")
    if sealed:
        render.notice(f"Your unfinished entries were locked too ({len(sealed)}).")
    if done.still_plain:
        render.notice(
            f"Made before the journal was locked, {_copies_named(done.still_plain)}: delete "
            "them, and make a new backup with 'peerjournal backup'."
        )
    render.notice(
        "From now on peerjournal asks for the passphrase. Keep it somewhere safe: "
        "if it is forgotten, the journal cannot be opened again."
    )


def _new_passphrase() -> str:
    """The passphrase to lock with: PEERJOURNAL_PASSPHRASE, or typed twice on a terminal."""
    from peerjournal.encryption import ENV_PASSPHRASE

    given = os.environ.get(ENV_PASSPHRASE)
    if not given:
        if not sys.stdin.isatty():
            raise InvalidValue(
                f"encrypt needs a passphrase: run it in a terminal to type one, "
                f"or set {ENV_PASSPHRASE}."
            )
        render.notice(
            "Choose a passphrase: a few unrelated words are easy to remember and hard to guess. "
            "It is not shown as you type."
        )
        given = typer.prompt(
            "New passphrase", hide_input=True, confirmation_prompt="Type it again", err=True
        )
    if len(given) < SHORTEST_PASSPHRASE:
        raise InvalidValue(
            f"The passphrase is too short; use at least {SHORTEST_PASSPHRASE} characters."
        )
    return given


def _copies_named(plain: "Sequence[KeptCopy]") -> str:
    """The plain copies named, for a sentence: '2 backups are not encrypted (…)'."""
    kinds = {
        "backup": ("backup", "backups"),
        "before-restore": ("copy kept before a restore", "copies kept before a restore"),
        "before-upgrade": ("copy kept before an upgrade", "copies kept before an upgrade"),
        "plain": ("unencrypted copy you kept", "unencrypted copies you kept"),
    }
    counts: dict[str, int] = {}
    for copy in plain:
        counts[copy.kind] = counts.get(copy.kind, 0) + 1
    parts = [render.plural(n, *kinds[kind]) for kind, n in counts.items()]
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "is" if len(plain) == 1 else "are"
    return f"{what} {verb} not encrypted (" + ", ".join(str(c.path) for c in plain) + ")"
