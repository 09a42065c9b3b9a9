"""The typer app: thin commands over the library. See each module for its verbs.

Command modules are imported here only to register their commands; they import the heavy
libraries (torch, transformers, ctranslate2) inside the command bodies, so ``--help`` is instant.
"""

from __future__ import annotations

import typer

from translate import __version__
from translate.cli.common import OneLineErrors

app = typer.Typer(
    cls=OneLineErrors,
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


# Registration order is the order `tarjama --help` lists the commands.
from translate.cli import segment as _segment  # noqa: E402,F401
from translate.cli import translate_cmd as _translate  # noqa: E402,F401
from translate.cli import models as _models  # noqa: E402,F401
from translate.cli import convert as _convert  # noqa: E402,F401  (registers on models_app)
from translate.cli import cache as _cache  # noqa: E402,F401
from translate.cli import bench as _bench  # noqa: E402,F401
from translate.cli import align as _align  # noqa: E402,F401
from translate.cli import corpus as _corpus  # noqa: E402,F401
from translate.cli import score as _score  # noqa: E402,F401


def main() -> None:
    from translate.cli import common

    common.HARD_EXIT = True
    app()
