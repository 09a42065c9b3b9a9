"""`tarjama cache`: look at or empty the translation cache."""

from __future__ import annotations

from typing import Annotated

import typer

from translate.cli.common import command
from translate.cli.root import app

cache_app = typer.Typer(help="Inspect or clear the translation cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@command(cache_app, "stats")
def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show where the cache is, how many translations it holds and its size on disk.

    TARJAMA_CACHE moves the cache (a directory or a .sqlite file).

    Examples:

      tarjama cache stats

      TARJAMA_CACHE=/tmp/tcache tarjama cache stats --json
    """
    import json

    from translate.cache import TranslationCache

    with TranslationCache() as cache:
        st = cache.stats()
    if as_json:
        typer.echo(json.dumps(st.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"path:     {st.path}")
    typer.echo(f"entries:  {st.entries}")
    typer.echo(f"models:   {st.models}")
    typer.echo(f"size:     {st.size_bytes / 1e6:.2f} MB")
    for backend, n in st.by_backend.items():
        typer.echo(f"  {backend}: {n}")


@command(cache_app, "clear")
def clear_command(
    force: Annotated[bool, typer.Option(
        help="A cache too damaged to open is deleted and created again, empty.")] = False,
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
    if n < 0:
        typer.echo(f"deleted the damaged cache {cache.path} and created it again, empty")
    else:
        typer.echo(f"removed {n} cached translation(s) from {cache.path}")
