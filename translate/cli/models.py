"""`tarjama models`: list, pull, convert, and build offline fixture models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import Progress, command
from translate.cli.root import app

models_app = typer.Typer(help="List, download, convert and build models.", no_args_is_help=True)
fixture_app = typer.Typer(help="Build fixture models offline (tests, demos, benchmarks).",
                          no_args_is_help=True)
app.add_typer(models_app, name="models")
models_app.add_typer(fixture_app, name="fixture")


@command(models_app, "list")
def list_command() -> None:
    """Show the supported models, their published scores, and which are present locally.

    Examples:

      tarjama models list

      TARJAMA_MODELS=/data/models tarjama models list
    """
    from rich.console import Console
    from rich.table import Table

    from translate.models.catalog import CATALOG
    from translate.models.store import local_status

    table = Table(title="Supported models (scores as published by their authors)")
    for col in ("model", "pair", "size", "published scores", "local"):
        table.add_column(col)
    for e in CATALOG:
        scores = "; ".join(f"{t}: BLEU {b}, chrF {c}" for t, b, c in e.scores)
        table.add_row(e.model_id, e.pair, e.size, f"{scores}\n({e.source})",
                      local_status(e.model_id))
    Console().print(table)


@command(models_app, "pull")
def pull_command(
    model_id: Annotated[str, typer.Argument(help="Hub id, e.g. Helsinki-NLP/opus-mt-ar-en.")],
    force: Annotated[bool, typer.Option(help="Replace a copy already in the store.")] = False,
    convert: Annotated[bool, typer.Option(
        "--convert", help="Also convert it to CTranslate2 (int8) in the store.")] = False,
) -> None:
    """Download a model from the Hugging Face hub into the tarjama model store.

    Run this on a connected machine; copy the store (TARJAMA_MODELS) to an offline one.

    Examples:

      tarjama models pull Helsinki-NLP/opus-mt-ar-en

      TARJAMA_MODELS=./models tarjama models pull Helsinki-NLP/opus-mt-ar-ru --convert
    """
    from translate.models.store import pull

    path = pull(model_id, force=force)
    typer.echo(f"{model_id} → {path}")
    if convert:
        from translate.models.convert import convert as convert_model

        typer.echo(f"{model_id} → {convert_model(model_id, force=True)}")


@command(fixture_app, "overfit")
def fixture_overfit(
    pairs: Annotated[Path, typer.Option(help="TSV of source<TAB>target pairs to learn.")],
    out: Annotated[Path, typer.Option(help="Directory to write the model to.")],
    steps: Annotated[int | None, typer.Option(help="Most training steps (default: until every "
                                                    "pair is reproduced).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same model).")] = 0,
    source_lang: Annotated[str, typer.Option(help="Language of the TSV's first column.")] = "ar",
    target_lang: Annotated[str | None, typer.Option(
        help="Language of the second column (default: guessed from its script).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing model directory.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Train a tiny Marian that reproduces every pair of PAIRS exactly (Helsinki-NLP layout).

    Examples:

      tarjama models fixture overfit --pairs tests/data/pairs.ar-en.tsv --out /tmp/fx-ar-en

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt --model en=/tmp/fx-ar-en --to en
    """
    from translate.models.fixture import read_pairs_tsv, train_overfit

    progress = Progress(quiet)
    with progress.running():
        report = train_overfit(read_pairs_tsv(pairs), out, steps=steps, seed=seed, force=force,
                               progress=progress.callback("training"),
                               source_lang=source_lang, target_lang=target_lang)
    typer.echo(f"wrote {out} ({_summary(report)})", err=True)


@command(fixture_app, "shape")
def fixture_shape(
    out: Annotated[Path, typer.Option(help="Directory to write the model to.")],
    shape: Annotated[str, typer.Option(help="opus-mt-base (real opus-mt dimensions).")]
    = "opus-mt-base",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace an existing model directory.")] = False,
) -> None:
    """Write a random-weight model with opus-mt's real dimensions, for speed work.

    Examples:

      tarjama models fixture shape --out /tmp/shape-ar-en

      tarjama bench --speed --model en=/tmp/shape-ar-en
    """
    from translate.models.fixture import build_shape

    report = build_shape(out, shape=shape, seed=seed, force=force)
    typer.echo(f"wrote {out} ({_summary(report)})", err=True)


def _summary(report: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in report.items() if not isinstance(v, (dict, list)))
