"""`tarjama cache`: look at or empty the translation cache."""

from __future__ import annotations

from typing import Annotated

import typer

from translate.cli.common import command
from translate.cli.options import (
    ForceOption,
    OutputOption,
    QuietOption,
    ResultFormatOption,
    emit,
    render,
)


@command
def stats_command(
    fmt: ResultFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Show where the cache is, how many translations it holds and its size on disk.

    TARJAMA_CACHE moves the cache (a directory or a .sqlite file).

    Examples:

      tarjama cache stats

      TARJAMA_CACHE=/tmp/tcache tarjama cache stats --format json
    """
    from translate.cache import TranslationCache

    emit(render(TranslationCache.read_stats(), fmt), output, force=force, quiet=quiet)


@command
def clear_command(
    force: Annotated[bool, typer.Option(
        help="A cache too damaged to open is deleted and created again, empty.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Delete every cached translation (the next run translates everything again).

    Examples:

      tarjama cache clear

      tarjama cache clear --force   # the cache file is damaged: start a new one
    """
    from translate.cache import TranslationCache

    if force:
        cache, n = TranslationCache.recreate()
    else:
        cache = TranslationCache()
        n = cache.clear()
    cache.close()
    if quiet:
        return
    if n < 0:
        typer.echo(f"deleted the damaged cache {cache.path} and created it again, empty")
    else:
        typer.echo(f"removed {n} cached translation(s) from {cache.path}")
