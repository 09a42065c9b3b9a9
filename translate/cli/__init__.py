"""The typer app: thin commands over the library, all registered here, in one table.

A command module defines functions (wrapped by ``common.command`` for the error handling);
only this table puts them on the app, so the whole command line can be read in one place and
nothing registers itself by being imported. Command modules import the heavy libraries (torch,
transformers, ctranslate2) inside the command bodies, so ``--help`` is instant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from translate.cli import align, bench, cache, convert, corpus, models, score, segment
from translate.cli import serve, train, translate_cmd
from translate.cli.root import app

# Groups of subcommands: "parent child" → the group's help (None: the group is also a command,
# listed in COMMANDS, and its help is that command's).
GROUPS: dict[str, str | None] = {
    "models": "List, download, convert and build models.",
    "models fixture": "Build fixture models offline (tests, demos, benchmarks).",
    "bench": None,
    "cache": "Inspect or clear the translation cache.",
    "corpus": "Build an Arabic-English-Russian parallel corpus: add articles with their "
              "published translations (one, or thousands with `build`, locally or on Ray), "
              "import Parquet shards, list them, export TMX/TSV/JSONL/Moses or a reading "
              "page, show statistics.",
}

# Every command, in the order `tarjama --help` lists it: "group command" → function. A group
# that is also a command (`bench`) runs that function when no subcommand is given.
COMMANDS: dict[str, Callable[..., Any]] = {
    "segment": segment.segment_command,
    "translate": translate_cmd.translate_command,
    "models list": models.list_command,
    "models pull": models.pull_command,
    "models convert": convert.convert_command,
    "models fixture overfit": models.fixture_overfit,
    "models fixture shape": models.fixture_shape,
    "cache stats": cache.stats_command,
    "cache clear": cache.clear_command,
    "bench": bench.bench_command,
    "bench speed": bench.speed_command,
    "bench compare": bench.compare_command,
    "align": align.align,
    "corpus add": corpus.add_command,
    "corpus list": corpus.list_command,
    "corpus export": corpus.export_command,
    "corpus stats": corpus.stats_command,
    "corpus build": corpus.build_command,
    "corpus import": corpus.import_command,
    "corpus split": corpus.split_command,
    "score": score.score_command,
    "train": train.train_command,
    "serve": serve.serve_command,
}


def register(root: typer.Typer) -> dict[str, typer.Typer]:
    """Put every group and command of the tables on ``root``; return the groups by path."""
    groups: dict[str, typer.Typer] = {"": root}
    for path, help in GROUPS.items():
        parent, _, name = path.rpartition(" ")
        # a help given here would hide the docstring of a group that is also a command
        groups[path] = typer.Typer(help=help, no_args_is_help=True) if help is not None \
            else typer.Typer()
        groups[parent].add_typer(groups[path], name=name)
    for path, fn in COMMANDS.items():
        parent, _, name = path.rpartition(" ")
        if path in groups:
            groups[path].callback(invoke_without_command=True)(fn)
        else:
            groups[parent].command(name)(fn)
    return groups


register(app)

__all__ = ["COMMANDS", "GROUPS", "app", "main"]


def main() -> None:
    import os
    import signal
    import sys

    from translate.cli import common

    common.HARD_EXIT = True
    signal.signal(signal.SIGTERM, common.on_sigterm)
    if sys.stdout is None:  # started with fd 1 closed: keep it taken, say so when written
        fd = os.open(os.devnull, os.O_WRONLY)
        if fd != 1:  # only fd 1 matters: no file opened later may land on it
            os.close(fd)
        sys.stdout = common.ClosedStdout()
    app()
