"""`peerjournal principles`: reread the guide, see where it lives, make it your own."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from peerjournal import paths, render
from peerjournal.cli.app import app, location
from peerjournal.cli.editor import open_in_editor
from peerjournal.errors import InvalidValue
from peerjournal.principles import load_guide

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
                "'customize' copies the guide to your config folder to edit."
            ),
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
    guide = load_guide()
    if slug is None:
        if as_json:
            listing = {
                "path": str(guide.path),
                "source": guide.source,
                "principles": [_principle_json(p) for p in guide.principles],
            }
            render.json_data(listing)
        else:
            render.principles_list(guide)
        return
    principle = guide.find(slug)
    from datetime import date

    from peerjournal.queries import glance

    own = glance(location(ctx).path, principle.slug, today=date.today())
    if as_json:
        data = _principle_json(principle)
        data["yours"] = asdict(own) if own is not None else None
        render.json_data(json.loads(json.dumps(data, default=str)))
    else:
        render.principle_detail(principle, own)


def _principle_json(principle: object) -> dict[str, object]:
    data = asdict(principle)  # type: ignore[call-overload]
    data["questions"] = list(data["questions"])
    return dict(data)


def _customize() -> None:
    target = paths.user_guide_path()
    if target.exists():
        render.notice(f"You already have your own guide; it was left as it is: {target}")
    else:
        source = paths.default_guide_path()
        try:
            paths.ensure_private_dir(target.parent)
            shutil.copyfile(source, target)
        except OSError as exc:
            raise InvalidValue(
                f"Your own copy of the guide could not be made at {target} "
                f"({exc.strerror or exc}); check that folder, or choose another with "
                "PEERJOURNAL_HOME."
            ) from None
        render.notice("Your own copy of the guide is ready. Edit it to fit your practice.")
    typer.echo(str(target))
    if sys.stdin.isatty() and sys.stdout.isatty():
        open_in_editor(target)
