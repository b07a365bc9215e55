"""`peerjournal principles`: reread the guide, see where it lives, make it your own.

`customize` works like `crontab -e`: the copy is checked each time the editor
closes, and a guide that does not load is offered back to the editor, so a
typo is caught while the supporter still remembers making it.
"""

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from peerjournal import paths, render
from peerjournal.cli import completion
from peerjournal.cli.app import (
    EXIT_USER_ERROR,
    app,
    at_a_terminal,
    confirm,
    guide_for_reading,
    location,
)
from peerjournal.cli.editor import open_in_editor
from peerjournal.errors import GuideError, InvalidValue
from peerjournal.principles import Guide, Principle, load_guide

_ACTIONS = ("path", "customize")


@app.command("principles")
def principles_command(
    ctx: typer.Context,
    slug: Annotated[
        str | None,
        typer.Argument(
            metavar="[SLUG|path|customize]",
            help=(
                "A principle to read in full (its slug or the start of it). "
                "'path' names the guide file in use; "
                "'customize' copies the guide to your config folder and opens it to edit."
            ),
            autocompletion=completion.principle_topics,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the guide as JSON.")] = False,
) -> None:
    """Reread the principles of peer support, or one of them in full."""
    if slug == "path":
        typer.echo(str(paths.guide_in_use().path))
        return
    if slug == "customize":
        _customize()
        return
    guide = guide_for_reading(ctx)
    if slug is None:
        if as_json:
            render.json_data(_guide_json(guide))
        else:
            render.principles_list(guide)
        return
    principle = guide.find(slug)
    from datetime import date

    from peerjournal.queries.light import glance

    own = glance(location(ctx).path, principle.slug, today=date.today())
    if as_json:
        data = _principle_json(principle)
        data["yours"] = asdict(own) if own is not None else None
        render.json_data(json.loads(json.dumps(data, default=str)))
    else:
        render.principle_detail(principle, own)


def _guide_json(guide: Guide) -> dict[str, object]:
    return {
        "path": str(guide.path),
        "source": guide.source,
        "safety_note": guide.safety_note,
        "support": [asdict(contact) for contact in guide.support],
        "support_is_placeholder": guide.support_is_placeholder,
        "support_placeholder": guide.support_placeholder,
        "principles": [_principle_json(p) for p in guide.principles],
    }


def _principle_json(principle: Principle) -> dict[str, object]:
    data = asdict(principle)
    data["questions"] = list(data["questions"])
    return data


def _customize() -> None:
    target = paths.user_guide_path()
    if target.exists():
        render.notice(f"You already have your own guide; it was left as it is: {target}")
    else:
        try:
            # Private like the journal: a guide may name a supervisor and their number.
            paths.write_private_file(target, paths.default_guide_path().read_bytes())
        except OSError as exc:
            raise InvalidValue(
                f"Your own copy of the guide could not be made at {target} "
                f"({exc.strerror or exc}); check that folder, or choose another with "
                "PEERJOURNAL_HOME."
            ) from None
        render.notice(
            "Your own copy of the guide is ready. Add who you can turn to, "
            "and change the wording to fit your practice."
        )
    chosen = os.environ.get(paths.ENV_PRINCIPLES)
    if chosen:
        render.notice(
            f"Note: {paths.ENV_PRINCIPLES} is set, so peerjournal reads {chosen}, not this copy."
        )
    typer.echo(str(target))
    if at_a_terminal():
        _edit_until_it_loads(target)


def _edit_until_it_loads(target: Path) -> None:
    """Open the editor; on a guide that does not load, say why and offer to reopen it."""
    from peerjournal.paths import GuideChoice

    while True:
        open_in_editor(target)
        try:
            guide = load_guide(GuideChoice(target, "user"))
        except GuideError as error:
            render.error(str(error))
            if _reopen():
                continue
            render.notice(
                f"Your changes are kept in {target}. Until it is fixed, 'peerjournal log' "
                "will not start and other commands show the built-in guide."
            )
            raise typer.Exit(EXIT_USER_ERROR) from None
        render.notice(_checked(guide))
        return


def _reopen() -> bool:
    try:
        return confirm("Open it again to fix it?", default=True)
    except typer.Abort:
        # Ctrl-C or Ctrl-D here means "not now", not "undo": the file is already saved.
        return False


def _checked(guide: Guide) -> str:
    count = len(guide.principles)
    principles = "1 principle" if count == 1 else f"{count} principles"
    if guide.support_is_placeholder:
        return f"Your guide is checked: {principles}, and no support contacts yet."
    people = len(guide.support)
    contacts = "1 support contact" if people == 1 else f"{people} support contacts"
    return f"Your guide is checked: {principles} and {contacts}."
