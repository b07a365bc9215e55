"""The yardstick for start-up: the smallest Typer app with two commands.

`python benchmarks/bare_app.py --help` costs what any Typer program pays
before doing anything (the interpreter, Typer, Rich); peerjournal's quick
commands are measured against it.
"""

import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    typer.echo(f"Hello {name}")


@app.command()
def goodbye(name: str) -> None:
    """Say goodbye."""
    typer.echo(f"Goodbye {name}")


if __name__ == "__main__":
    app()
