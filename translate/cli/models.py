"""`tarjama models`: list, pull, and build offline fixture models (`convert`: convert.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli.common import Progress, command, old_spelling, one_spelling, parse_assignments
from translate.cli.options import (
    ForceOption,
    OutputOption,
    QuietOption,
    TableFormatOption,
    choices,
    emit,
    render,
    value,
)
from translate.errors import UsageError
from translate.models.layouts import LAYOUTS
from translate.tables import plain_table, terminal_width, tsv

# -o is the model directory these commands write; --out is its older spelling.
ModelDirOption = Annotated[Path, typer.Option(
    "--output", "-o", "--out", metavar="DIR", help="Directory to write the model to.")]
ModelForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace a model directory tarjama made (never one holding an input, "
    "nor a folder of yours).")]


@dataclass
class ModelListing:
    """The catalog with where each model is on this machine: every id whole, in any width."""

    models: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        return self.models

    HEADER = ("model", "family", "params", "weights", "published scores ([n]: source)", "local")

    def to_text(self) -> str:
        header, rows, sources = self._rows()
        return plain_table(header, rows, width=terminal_width()) + \
            "".join(f"[{n}] {s}\n" for s, n in sources.items())

    def to_tsv(self) -> str:
        header, rows, _sources = self._rows()
        header[-2] = "published scores"
        return tsv(header, [[*r[:-2], re.sub(r" \[\d+\]", "", r[-2]), r[-1]] for r in rows])

    def _rows(self) -> tuple[list[str], list[list[str]], dict[str, int]]:
        sources: dict[str, int] = {}
        rows = []
        for m in self.models:
            scores = []
            for sc in m["scores"]:
                n = sources.setdefault(sc["source"], len(sources) + 1)
                scores.append(f"{sc['pair']} {sc['testset']}: BLEU {sc['bleu']:.1f}, "
                              f"chrF {sc['chrf']:.1f} [{n}]")
            rows.append([m["model_id"], m["family"], m["params"] or "not published", m["disk"],
                         "; ".join(scores) or "not published", m["local"]])
        return list(self.HEADER), rows, sources


@command
def list_command(
    fmt: TableFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Show the models tarjama knows by name: family, size, published scores (each with its
    source), and whether each is present locally.

    Ids and numbers are never cut short: a terminal too narrow for the table gets one block
    per model. -f tsv and -f json are for scripts.

    Examples:

      tarjama models list

      tarjama models list --format json

      tarjama models list -f tsv | cut -f1,3

      TARJAMA_MODELS=/data/models tarjama models list
    """
    from translate.models.catalog import listing

    emit(render(ModelListing(listing()), fmt), output, force=force, quiet=quiet)


@command
def pull_command(
    model_id: Annotated[str, typer.Argument(
        metavar="MODEL_ID", help="Hub id, e.g. Helsinki-NLP/opus-mt-ar-en.")],
    force: Annotated[bool, typer.Option(help="Replace a copy already in the store.")] = False,
    convert: Annotated[bool, typer.Option(
        "--convert", help="Also convert it to CTranslate2 (int8) in the store.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Download a model from the Hugging Face hub into the tarjama model store.

    Run this on a connected machine; copy the store (TARJAMA_MODELS) to an offline one.

    Examples:

      tarjama models pull Helsinki-NLP/opus-mt-ar-en

      TARJAMA_MODELS=./models tarjama models pull Helsinki-NLP/opus-mt-ar-ru --convert
    """
    from translate.models.store import pull

    path = pull(model_id, force=force)
    if not quiet:
        typer.echo(f"{model_id} → {path}")
    if convert:
        from translate.models.convert import convert as convert_model

        converted = convert_model(model_id, force=True)
        if not quiet:
            typer.echo(f"{model_id} → {converted}")


Family = choices("Family", LAYOUTS)


@command
def fixture_overfit(
    pairs: Annotated[list[str], typer.Option(
        "--pairs", metavar="[SRC-TGT=]TSV",
        help="source<TAB>target pairs to learn; SRC-TGT= names their direction (a bare TSV "
             "is --from → --to). Repeatable: a multilingual family learns "
             "every direction given.")],
    out: ModelDirOption,
    family: Annotated[Family, typer.Option(  # type: ignore[valid-type]
        help="The family, in its hub layout.")] = Family.marian,  # type: ignore[attr-defined]
    steps: Annotated[int | None, typer.Option(help="Most training steps (default: until every "
                                                    "pair is reproduced).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same model).")] = 0,
    from_lang: Annotated[str | None, typer.Option(
        "--from", help="Language of a bare TSV's first column [default: SRC of a SRC-TGT in "
                       "its name (pairs.en-ru.tsv), else read off the column's script].")] = None,
    to_lang: Annotated[str | None, typer.Option(
        "--to", help="Language of a bare TSV's second column [default: as --from].")] = None,
    source_lang: Annotated[str | None, old_spelling("--source-lang")] = None,
    target_lang: Annotated[str | None, old_spelling("--target-lang")] = None,
    vocab_from: Annotated[list[str] | None, typer.Option(
        metavar="LANG=FILE", help="Also train the tokenizers on FILE's lines (one sentence a "
        "line) in LANG, so the model has pieces beyond its pairs and `tarjama train` can "
        "teach it new sentences. Repeatable.")] = None,
    force: ModelForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Train a tiny model that reproduces every pair exactly, in its family's hub layout.

    Families: marian (opus-mt), marian-multi (>>rus<< target tokens), nllb (NLLB-200),
    m2m100, mbart (mBART-50 many-to-many). Training takes seconds to a minute on 2 cores;
    a progress bar shows the training steps on a terminal.

    Examples:

      tarjama models fixture overfit --pairs tests/data/pairs.ar-en.tsv -o /tmp/fx-ar-en

      tarjama models fixture overfit --family nllb --pairs ar-en=en.tsv --pairs ar-ru=ru.tsv -o DIR

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt -m en=DIR -m ru=DIR -o out/

      tarjama models fixture overfit --pairs pairs.tsv --vocab-from ar=news.ar -o fx-wide
    """
    from translate.fsio import read_lines
    from translate.models.fixture import read_pairs_tsv, train_overfit

    source = one_spelling(from_lang, source_lang, "--from/--source-lang")
    target = one_spelling(to_lang, target_lang, "--to/--target-lang")
    by_direction = _pair_files(pairs, source, target, read_pairs_tsv)
    progress = Progress(quiet)
    with progress.running():
        report = train_overfit(
            by_direction if by_direction is not None else read_pairs_tsv(pairs[0]), out,
            family=value(family), steps=steps, seed=seed, force=force,
            progress=progress.callback("training"),
            inputs=[spec.rpartition("=")[2] for spec in pairs],
            vocab_from={lang: read_lines(path)
                        for lang, path in parse_assignments(vocab_from, "--vocab-from").items()},
            **_named_in_file(pairs[0], source, target) if by_direction is None else {})
    if not quiet:
        typer.echo(f"wrote {out} ({_summary(report)})", err=True)


def _named_in_file(path: str, source: str | None, target: str | None) -> dict[str, str | None]:
    """A bare TSV's languages: given, else the SRC-TGT its name holds (both or neither), else
    None (train_overfit reads them off the scripts, and refuses a script that disagrees)."""
    from translate.langs import pair_in_name

    named = pair_in_name(Path(path).name) or (None, None)
    return {"source_lang": source or named[0], "target_lang": target or named[1]}


def _pair_files(specs: list[str], source_lang: str | None, target_lang: str | None,
                read: Any) -> dict[tuple[str, str], Any] | None:
    """``SRC-TGT=FILE`` options → pairs by direction; None for one bare FILE (guessed target)."""
    if len(specs) == 1 and "=" not in specs[0]:
        return None
    out: dict[tuple[str, str], Any] = {}
    for spec in specs:
        key, sep, path = spec.partition("=")
        src, dash, tgt = key.partition("-")
        if not sep:
            named = _named_in_file(spec, source_lang, target_lang)
            if None in named.values():
                raise UsageError(f"--pairs {spec}: with several files, name each direction "
                                 "(--pairs ar-en=FILE) or give --from and --to")
            src, dash, tgt, path = named["source_lang"] or "", "-", named["target_lang"] or "", \
                spec
        if not dash or not src or not tgt or not path:
            raise UsageError(f"--pairs {spec!r}: expected SRC-TGT=FILE, e.g. ar-en=pairs.tsv")
        if (src, tgt) in out:
            raise UsageError(f"--pairs: {src}-{tgt} given twice")
        out[(src, tgt)] = read(path)
    return out


@command
def fixture_shape(
    out: ModelDirOption,
    family: Annotated[Family, typer.Option(  # type: ignore[valid-type]
        help="The family, in its hub layout.")] = Family.marian,  # type: ignore[attr-defined]
    shape: Annotated[str | None, typer.Option(
        help="Dimensions: the family's real model by default (marian: opus-mt-base, nllb: "
             "nllb-200-distilled-600M, m2m100: m2m100_418M), or tiny.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    force: ModelForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write a random-weight model with a real model's dimensions, for speed and memory work.

    Its translations are nonsense; its size, vocabulary and layers are the real model's
    (nllb: 615M parameters, 2.5 GB: a minute or two to write).

    Examples:

      tarjama models fixture shape -o /tmp/shape-ar-en

      tarjama models fixture shape --family nllb -o /tmp/shape-nllb

      tarjama bench speed -m en=/tmp/shape-ar-en -e ct2-int8 --large 8
    """
    from translate.models.fixture import build_shape

    report = build_shape(out, family=value(family), shape=shape, seed=seed, force=force)
    if not quiet:
        typer.echo(f"wrote {out} ({_summary(report)})", err=True)


def _summary(report: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in report.items() if not isinstance(v, (dict, list)))
