"""The root of the typer application: every command registers on this ``app``.

Apart from the package so that a command module imports the app without importing
``translate.cli``, which imports every command module: that was an import cycle.
"""

from __future__ import annotations

import typer

from translate import __version__
from translate.cli.common import OneLineErrors

app = typer.Typer(
    cls=OneLineErrors,  # usage errors on one line, like every other error
    name="tarjama",
    help="Translate Arabic news articles into English and Russian with MarianMT, align them with "
    "reference translations into a parallel corpus, and check them with BLEU.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tarjama {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Translate Arabic news articles into English and Russian, build ar-en-ru corpora, score."""
