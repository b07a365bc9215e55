"""The Typer application, its global options, and the settings they carry to commands."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from peerjournal import __version__
from peerjournal.errors import GuideError, InvalidValue, PeerJournalError

if TYPE_CHECKING:
    from peerjournal.principles import Guide

if TYPE_CHECKING:
    from peerjournal.db import Location
    from peerjournal.journal import Journal
    from peerjournal.queries import Reader

EXIT_USER_ERROR = 1
EXIT_INTERRUPTED = 130


class JournalGroup(TyperGroup):
    """The one exit point for problems the user can fix: `Error: ...` on stderr, exit 1.

    Usage errors stay Typer's (exit 2); Ctrl-C is exit 130, at a question too. Any
    other exception is a bug and keeps its traceback, without local variables.
    """

    # The order a newcomer meets things: the three flows, then entries, then data.
    COMMAND_ORDER = (
        "log",
        "review",
        "principles",
        "list",
        "show",
        "edit",
        "delete",
        "share",
        "followups",
        "done",
        "peer",
        "search",
        "export",
        "import",
        "backup",
        "restore",
        "forget",
        "encrypt",
        "path",
    )

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # --db is the journal a whole run uses, and people type it where they think of
        # it: `peerjournal log --db x.db` as well as `peerjournal --db x.db log`. Every
        # command takes it, added here once rather than declared by each command.
        for command in self.commands.values():
            command.params.append(
                TyperOption(
                    param_decls=["--db"],
                    metavar="PATH",
                    help=DB_HELP,
                    expose_value=False,
                    callback=_db_after_command,
                )
            )

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        order = {name: place for place, name in enumerate(self.COMMAND_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda n: order.get(n, len(order)))

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except PeerJournalError as exc:
            from peerjournal import render

            render.error(str(exc))
            raise typer.Exit(EXIT_USER_ERROR) from None
        except typer.Abort:
            # Ctrl-C (or Ctrl-D) at a question: every question comes before any change.
            from peerjournal import render

            render.notice("\nStopped. Nothing was changed.")
            raise typer.Exit(EXIT_INTERRUPTED) from None


DB_HELP = "The journal file to use (or set PEERJOURNAL_DB). Default: see 'peerjournal path'."

app = typer.Typer(
    name="peerjournal",
    cls=JournalGroup,
    help=(
        "A private reflection journal for peer supporters.\n\n"
        "After a conversation: peerjournal log. Once a week: peerjournal review. "
        "To reread the guide: peerjournal principles."
    ),
    no_args_is_help=True,
    # --install-completion and --show-completion: Tab completes commands, options,
    # slugs and tags in bash, zsh and fish (the values come from cli/completion.py).
    add_completion=True,
    # Tracebacks must never print local variables: they would hold journal text.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(frozen=True)
class Settings:
    """What the global options chose, for every command to read."""

    db: str | None = None


def settings(ctx: typer.Context) -> Settings:
    """The global settings of this run."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Settings) else Settings()


def location(ctx: typer.Context) -> "Location":
    """The journal file this run uses (--db, PEERJOURNAL_DB, PEERJOURNAL_HOME, the default)."""
    from peerjournal.db import locate

    return locate(settings(ctx).db)


@contextmanager
def reading(ctx: typer.Context) -> "Iterator[Reader]":
    """The journal, to read: how every command that only reads reaches it.

    Reading never creates a journal: a missing one is one plain sentence.
    """
    from peerjournal.queries import open_reader

    with open_reader(location(ctx)) as reader:
        yield reader


@contextmanager
def writing(ctx: typer.Context, *, create: bool = False) -> "Iterator[Journal]":
    """The journal, to change: how every command that writes reaches it.

    One transaction for the command. Only a command that adds entries (`create`)
    starts a journal where there is none, and says where once it is done (a
    journal started by a command that then fails is removed); the others, with
    nothing to change, say that there is no journal yet.
    """
    from peerjournal import render
    from peerjournal.db import exists, missing
    from peerjournal.journal import open_journal

    where = location(ctx)
    if not create and not exists(where.path):
        raise missing(where)
    created = False
    try:
        with open_journal(where) as journal:
            created = journal.created
            yield journal
    except BaseException:
        if created:
            # Nothing was added after all (an import refused, say): no empty journal is
            # left where there was none.
            from peerjournal import encryption, housekeeping
            from peerjournal.db import dispose_engines

            dispose_engines()
            encryption.forget_files()
            # Wiped as any copy is: a rolled-back import may have left words in its log.
            housekeeping.remove_copy(where.path)
        raise
    if created:
        render.notice(f"Started a new journal at {where.path}")


_GUIDE_FOR_READING = "peerjournal.guide_for_reading"


def guide_for_reading(ctx: typer.Context) -> "Guide":
    """The guide for a command that reads or saves out the journal, loaded once per run.

    A broken customised guide must not lock anyone out of their own entries:
    the built-in guide stands in, and one warning on stderr names the broken
    file and line. Commands that save ratings (`log`, `edit`) call
    `load_guide()` instead and refuse.
    """
    from peerjournal.principles import load_guide

    run: dict[str, Any] = ctx.find_root().meta
    guide = run.get(_GUIDE_FOR_READING)
    if guide is None:
        guide = load_guide(fallback=True)
        run[_GUIDE_FOR_READING] = guide
        if guide.replaced_error is not None:
            from peerjournal import render

            render.warning(_replaced_warning(guide.replaced_error))
    return guide


def _replaced_warning(error: GuideError) -> str:
    from peerjournal import paths

    where = f"{error.path}, line {error.line}" if error.line is not None else f"{error.path}"
    if error.path == paths.user_guide_path():
        fix = "To fix it: peerjournal principles customize"
    else:
        fix = f"Fix that file, or unset {paths.ENV_PRINCIPLES}"
    return (
        f"The guide {where} is not valid ({error.problem}). Until it is fixed, the built-in "
        f"guide is shown and 'peerjournal log' will not start. {fix}."
    )


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"peerjournal {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help=DB_HELP,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """A private reflection journal for peer supporters."""
    _choose_journal(ctx, db)


def _choose_journal(ctx: typer.Context, db: str | None) -> None:
    from peerjournal import encryption
    from peerjournal.db import dispose_engines

    ctx.find_root().obj = Settings(db=db)
    # A run starts with no connection left open by an earlier one in the same
    # process (tests run many): a file's header is read afresh only then.
    dispose_engines()
    encryption.begin_run(db, ask_passphrase)
    from peerjournal.cli.data import tidy_at_start

    tidy_at_start(ctx)


def _db_after_command(ctx: typer.Context, _param: object, value: str | None) -> None:
    """--db given after the command's name: the same choice, made a moment later.

    The root's callback has run by now (with the --db before the command, if
    any); nothing has opened a journal yet, so the choice is simply made again.
    """
    if value is None:
        return
    if ctx.resilient_parsing:
        # Completing a word in the shell parses the line too: it must choose nothing,
        # only note the journal for the completions that read it (the journal's tags).
        from peerjournal.cli.completion import TYPED_DB

        ctx.meta[TYPED_DB] = value
        return
    earlier = settings(ctx).db
    if earlier is not None and earlier != value:
        raise InvalidValue(f"--db is given twice ({earlier} and {value}); give it once.")
    _choose_journal(ctx, value)


def at_a_terminal() -> bool:
    """Whether a person is there to answer a question: the keyboard, the screen and the
    prompts are all the terminal. Anything piped or redirected (`delete 3 | cat`,
    `review | less`, `log > out.txt`) is asked nothing and changes nothing."""
    return sys.stdin.isatty() and sys.stdout.isatty() and sys.stderr.isatty()


def confirm(question: str, *, default: bool) -> bool:
    """A yes-or-no question on stderr, wrapped like every other; Enter gives `default`.

    Ctrl-C or Ctrl-D is typer.Abort, which the group turns into exit 130.
    """
    from peerjournal import render

    choices = "[Y/n]:" if default else "[y/N]:"
    shown = render.question_text(f"{question} {choices}")
    answer: bool = typer.confirm(
        shown, default=default, err=True, show_default=False, prompt_suffix=""
    )
    return answer


def ask_passphrase(path: Path) -> str | None:
    """The passphrase of an encrypted journal, typed unseen; None away from a terminal."""
    if not sys.stdin.isatty():
        return None
    answer: str = typer.prompt(
        f"Passphrase for {path}", hide_input=True, err=True, default="", show_default=False
    )
    return answer
