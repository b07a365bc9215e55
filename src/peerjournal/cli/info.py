"""`peerjournal path`: where the journal, the guide and the config live."""

from typing import Annotated

import typer

from peerjournal import paths
from peerjournal.cli.app import app, location


@app.command("path")
def path_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the locations as JSON.")] = False,
) -> None:
    """Show where your journal, the principles guide and your settings live."""
    guide = paths.guide_in_use()
    locations = {
        "database": str(location(ctx).path),
        "data": str(paths.data_dir()),
        "guide": str(guide.path),
        "guide_source": guide.source,
        "config": str(paths.config_dir()),
    }
    if as_json:
        from peerjournal import render

        render.json_data(locations)
        return
    width = max(len(k) for k in ("database", "data folder", "guide", "config"))
    rows = [
        ("database", locations["database"]),
        ("data folder", locations["data"]),
        ("guide", f"{locations['guide']} ({guide.source})"),
        ("config", locations["config"]),
    ]
    for label, value in rows:
        typer.echo(f"{label:<{width}}  {value}")
