"""`tarjama corpus`: build an ar-en-ru parallel corpus from articles and their translations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from translate.cli import app
from translate.cli.common import Progress, command, parse_assignments

corpus_app = typer.Typer(
    help="Build an Arabic-English-Russian parallel corpus: add articles with their published "
    "translations, export TMX/TSV/JSONL/Moses, show statistics.",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus")

DbOption = Annotated[Path, typer.Option("--db", help="The corpus database (SQLite).")]
METHODS = ("auto", "bleu", "embed", "length")


@command(corpus_app, "add")
def add_command(
    article: Annotated[str, typer.Argument(help="Arabic article (UTF-8 text), or - for stdin.")],
    ref: Annotated[list[str], typer.Option(
        "--ref", "-r", metavar="LANG=FILE",
        help="A published translation of the article (en=FILE, ru=FILE). Repeatable.")],
    db: DbOption = Path("corpus.sqlite"),
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Model translating Arabic into LANG (the MT used to align and score). Repeatable.")
    ] = None,
    backend: Annotated[str, typer.Option(
        help="transformers | ctranslate2 | auto (ctranslate2 when a conversion is at hand).")
    ] = "auto",
    method: Annotated[str, typer.Option(
        help="Alignment method: auto (embeddings + MT-BLEU + length) | bleu | embed | length.")
    ] = "auto",
    source: Annotated[str | None, typer.Option(
        help="The article's identity across versions (its URL or a stable name); "
        "default: the article file's absolute path.")] = None,
    beam: Annotated[int, typer.Option(min=1, max=32, help="Beam size.")] = 4,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Align an Arabic article with its published translations; store three-way units.

    Segments the article and each reference, translates the article into each reference
    language, aligns paragraphs first and then sentences inside aligned paragraphs, and merges
    the ar-en and ar-ru beads into units that share one id.

    Adding the same inputs again changes nothing; a changed article (same --source) is stored
    as a new version.

    Examples:

      tarjama corpus add lavrov.ar.txt --ref en=lavrov.en.txt --ref ru=lavrov.ru.txt

      tarjama corpus add a.ar.txt -r en=a.en.txt --db news.sqlite --model en=DIR --method bleu

      tarjama corpus add a.ar.txt -r ru=a.ru.txt --source https://example.org/news/123
    """
    from translate.corpus.ingest import add_article, engine_translator
    from translate.corpus.store import CorpusStore
    from translate.engines.base import DecodeOptions
    from translate.errors import InputError, UsageError
    from translate.fsio import read_text
    from translate.pipeline import make_plan

    if method not in METHODS:
        raise UsageError(f"--method {method}: choose from {', '.join(METHODS)}")
    ref_files = parse_assignments(ref, "--ref")
    if article == "-" and source is None:
        raise UsageError("reading the article from stdin needs --source NAME (its identity)")
    # Read every input before loading anything: a missing file fails in a second, not later.
    ar_text = read_text(article)
    if not ar_text.strip():
        raise InputError(f"{article}: the article is empty")
    refs = {lang: read_text(path) for lang, path in ref_files.items()}
    key = source or str(Path(article).resolve())
    plan = make_plan(list(refs), parse_assignments(model, "--model"), backend=backend,
                     options=DecodeOptions(beam=beam))
    progress = Progress(quiet)
    with progress.running(), CorpusStore.open(db) as store:
        result = add_article(store, ar_text, refs, key=key, plan=plan, method=method,
                             translator=engine_translator(plan, progress.callback))
    what = {"added": "added", "new-version": "added a new version of",
            "unchanged": "unchanged (already stored)"}[result.status]
    note = "" if result.latest else "; it matches an older, superseded version"
    typer.echo(f"{what} {result.key}: version {result.version}, {result.units} units "
               f"(ids {result.content_hash[:12]}-u0001...) in {db}{note}")


@command(corpus_app, "export")
def export_command(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Output file; for moses a prefix (OUT.ar, OUT.en, OUT.ru).")],
    db: DbOption = Path("corpus.sqlite"),
    pair: Annotated[str, typer.Option(help="ar-en | ar-ru | ar-en-ru.")] = "ar-en-ru",
    fmt: Annotated[str, typer.Option("--format", "-f", help="tmx | tsv | jsonl | moses.")
                   ] = "tmx",
    min_score: Annotated[float | None, typer.Option(
        min=0.0, max=1.0,
        help="Keep units whose alignment score is at least this in every pair (0-1).")] = None,
    all_versions: Annotated[bool, typer.Option(
        help="Export superseded versions of articles too (default: latest only).")] = False,
    force: Annotated[bool, typer.Option(help="Overwrite existing outputs.")] = False,
) -> None:
    """Export the corpus as TMX 1.4b, TSV, JSONL or Moses (line-parallel files).

    Only units with every side of --pair are written. --min-score filters here, never in the
    store.

    Examples:

      tarjama corpus export --db corpus.sqlite --pair ar-en-ru --format tmx -o corpus.tmx

      tarjama corpus export --pair ar-ru --format moses --min-score 0.5 -o train

      (the last one writes train.ar and train.ru)
    """
    from translate.corpus.export import FORMATS, pair_langs, select_units, write_export
    from translate.corpus.store import CorpusStore
    from translate.errors import UsageError

    pair_langs(pair)
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: choose from {', '.join(FORMATS)}")
    with CorpusStore.open(db, create=False) as store:
        rows = select_units(store, pair, min_score=min_score, all_versions=all_versions)
    paths = write_export(rows, pair, fmt, output, force=force)
    typer.echo(f"wrote {len(rows)} units ({pair}, {fmt}) to {', '.join(map(str, paths))}",
               err=True)


@command(corpus_app, "stats")
def stats_command(
    db: DbOption = Path("corpus.sqlite"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
    all_versions: Annotated[bool, typer.Option(
        help="Count units of superseded versions too.")] = False,
) -> None:
    """Print counts (articles, versions, units per pair), score distributions and bead types.

    Examples:

      tarjama corpus stats --db corpus.sqlite

      tarjama corpus stats --format json | jq .pairs
    """
    from translate.corpus.stats import corpus_stats, format_stats
    from translate.corpus.store import CorpusStore
    from translate.errors import UsageError

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt}: choose from text, json")
    with CorpusStore.open(db, create=False) as store:
        report = corpus_stats(store, all_versions=all_versions)
    if fmt == "json":
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_stats(report))
