"""`tarjama models`: list, pull, and build offline fixture models (`convert`: convert.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli.common import Progress, command
from translate.cli.options import (
    ForceOption,
    OutputOption,
    QuietOption,
    ResultFormatOption,
    emit,
    render,
)
from translate.tables import plain_table

# -o is the model directory these commands write; --out is its older spelling.
ModelDirOption = Annotated[Path, typer.Option(
    "--output", "-o", "--out", metavar="DIR", help="Directory to write the model to.")]
ModelForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace an existing model directory.")]


@dataclass
class ModelListing:
    """The catalog with where each model is on this machine: every id whole, in any width."""

    models: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        return self.models

    def to_text(self) -> str:
        rows = [[m["model_id"], m["pair"], m["local"], m["size"],
                 "; ".join(f"{s['testset']}: BLEU {s['bleu']}, chrF {s['chrf']}"
                           for s in m["scores"]), m.get("note", "")] for m in self.models]
        return plain_table(["model", "pair", "local", "size", "published scores", "note"], rows) \
            + "Scores as published by the models' authors; --format json names their sources.\n"


def model_listing() -> ModelListing:
    from translate.models.catalog import CATALOG
    from translate.models.store import local_status

    models = []
    for entry in CATALOG:
        row = asdict(entry)
        row["scores"] = [{"testset": t, "bleu": b, "chrf": c} for t, b, c in entry.scores]
        row["local"] = local_status(entry.model_id)
        models.append(row)
    return ModelListing(models)


@command
def list_command(
    fmt: ResultFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Show the supported models, their published scores, and which are present locally.

    Ids are never cut short, whatever the terminal's width and when piped.

    Examples:

      tarjama models list

      tarjama models list --format json

      TARJAMA_MODELS=/data/models tarjama models list
    """
    emit(render(model_listing(), fmt), output, force=force)


@command
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


@command
def fixture_overfit(
    pairs: Annotated[Path, typer.Option(help="TSV of source<TAB>target pairs to learn.")],
    out: ModelDirOption,
    steps: Annotated[int | None, typer.Option(help="Most training steps (default: until every "
                                                    "pair is reproduced).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same model).")] = 0,
    source_lang: Annotated[str, typer.Option(help="Language of the TSV's first column.")] = "ar",
    target_lang: Annotated[str | None, typer.Option(
        help="Language of the second column (default: guessed from its script).")] = None,
    force: ModelForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Train a tiny Marian that reproduces every pair of PAIRS exactly (Helsinki-NLP layout).

    A progress bar shows the training steps on a terminal.

    Examples:

      tarjama models fixture overfit --pairs tests/data/pairs.ar-en.tsv -o /tmp/fx-ar-en

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt --model en=/tmp/fx-ar-en --to en
    """
    from translate.models.fixture import read_pairs_tsv, train_overfit

    progress = Progress(quiet)
    with progress.running():
        report = train_overfit(read_pairs_tsv(pairs), out, steps=steps, seed=seed, force=force,
                               progress=progress.callback("training"),
                               source_lang=source_lang, target_lang=target_lang)
    if not quiet:
        typer.echo(f"wrote {out} ({_summary(report)})", err=True)


@command
def fixture_shape(
    out: ModelDirOption,
    shape: Annotated[str, typer.Option(help="opus-mt-base (real opus-mt dimensions).")]
    = "opus-mt-base",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    force: ModelForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a random-weight model with opus-mt's real dimensions, for speed work.

    Examples:

      tarjama models fixture shape -o /tmp/shape-ar-en

      tarjama bench --speed --model en=/tmp/shape-ar-en
    """
    from translate.models.fixture import build_shape

    report = build_shape(out, shape=shape, seed=seed, force=force)
    if not quiet:
        typer.echo(f"wrote {out} ({_summary(report)})", err=True)


def _summary(report: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in report.items() if not isinstance(v, (dict, list)))
