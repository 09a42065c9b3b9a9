"""`tarjama corpus`: build an ar-en-ru parallel corpus from articles and their translations.

Each command parses its options into the library's request object, calls one library function
(``translate.corpus``) and prints what it returns: results on stdout, notes on stderr.
Choices come from the registries: aligners (``translate.align.registry``), output formats
(``translate.writers``), backends, build engines.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from translate.align.registry import METHODS
from translate.cli.common import Progress, command, parse_assignments
from translate.cli.options import (
    DEFAULT_BEAM,
    DEFAULT_THREADS,
    BeamOption,
    Choice,
    ForceOption,
    ModelOption,
    OutAlias,
    OutputOption,
    QuietOption,
    ResultFormatOption,
    choices,
    emit,
    format_option,
    output_dir,
    output_option,
    render,
    value,
)
from translate.corpus.export import PAGE, PAIRS
from translate.corpus.runner import BUILD_ENGINES
from translate.engines import BACKENDS
from translate.writers import FORMATS

if TYPE_CHECKING:
    from translate.corpus.runner import BuildStatus

Pair = choices("Pair", PAIRS)
BuildEngine = choices("BuildEngine", BUILD_ENGINES)

DbOption = Annotated[Path, typer.Option("--db", help="The corpus database (SQLite).")]
MethodOption = Annotated[str, typer.Option(
    parser=Choice(METHODS), help="Alignment method (auto: embeddings + MT-BLEU + length).")]
BackendOption = Annotated[str, typer.Option(
    parser=Choice(lambda: ("auto", *BACKENDS)),
    help="auto: ctranslate2 when a conversion is at hand.")]
AllVersionsOption = Annotated[bool, typer.Option(
    help="Superseded versions of articles too (default: the latest only).")]


@command
def add_command(
    article: Annotated[str, typer.Argument(
        metavar="ARTICLE", help="Arabic article (text, HTML or Markdown; UTF-8, UTF-16 or "
        "windows-1256), or - for stdin.")],
    ref: Annotated[list[str], typer.Option(
        "--ref", "-r", metavar="LANG=FILE",
        help="A published translation of the article (en=FILE, ru=FILE), read as the article "
        "is. Repeatable.")],
    db: DbOption = Path("corpus.sqlite"),
    model: ModelOption = None,
    backend: BackendOption = "auto",
    method: MethodOption = "auto",
    source: Annotated[str | None, typer.Option(
        help="The article's identity across versions (its URL or a stable name); "
        "default: the article file's path relative to the database's folder.")] = None,
    beam: BeamOption = DEFAULT_BEAM,
    quiet: QuietOption = False,
) -> None:
    """Align an Arabic article with its published translations; store three-way units.

    Segments the article and each reference, translates the article into each reference
    language (the MT used to align and score), aligns paragraphs first and then sentences
    inside aligned paragraphs, and merges the ar-en and ar-ru beads into units that share one
    id. Each unit's alignment score is the probability that it is right.

    Adding the same inputs again changes nothing; a changed article (same --source, or the same
    file) is stored as a new version. `tarjama corpus list` shows what is stored.

    Examples:

      tarjama corpus add lavrov.ar.txt --ref en=lavrov.en.txt --ref ru=lavrov.ru.txt

      tarjama corpus add a.ar.html -r en=a.en.html --db news.sqlite --model en=DIR --method bleu

      tarjama corpus add a.ar.txt -r ru=a.ru.txt --source https://example.org/news/123
    """
    from translate.corpus.ingest import AddRequest, add_files

    request = AddRequest(article, parse_assignments(ref, "--ref"), db,
                         parse_assignments(model, "--model"), backend, method,
                         source, beam)
    progress = Progress(quiet)
    with progress.running():
        result = add_files(request, progress.callback)
    typer.echo(result.to_text())


@command
def list_command(
    db: DbOption = Path("corpus.sqlite"),
    fmt: ResultFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """List the articles in the corpus: source, stored versions, units, languages.

    An article's source is what --article (export --format html) takes, or its end.

    Examples:

      tarjama corpus list --db corpus.sqlite

      tarjama corpus list -f json | jq -r '.[].source'
    """
    from translate.corpus.stats import list_articles

    emit(render(list_articles(db), fmt), output, force=force, quiet=quiet, inputs=[db])


@command
def export_command(
    output: Annotated[str | None, output_option(
        "Output file; for moses a prefix (OUT.ar, OUT.en, OUT.ru).")] = None,
    db: DbOption = Path("corpus.sqlite"),
    pair: Annotated[Pair, typer.Option(  # type: ignore[valid-type]
        help="The languages of each exported unit.")] = Pair("ar-en-ru"),
    fmt: Annotated[str, format_option(
        lambda: (*FORMATS, PAGE), help="html: one article's reading page.")] = "tmx",
    article: Annotated[str | None, typer.Option(
        help="html: the article to show (its source, or its end; `tarjama corpus list`).")
    ] = None,
    min_score: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="Keep units whose alignment score (the probability that the "
        "alignment is right) is at least this in every pair.")] = None,
    all_versions: AllVersionsOption = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Export the corpus as TMX 1.4b, TSV, JSONL or Moses, or one article as a reading page.

    Only units with every side of --pair are written. --min-score filters here, never in the
    store: 0.9 keeps units whose alignment is right about nine times in ten or more. Each
    unit's article is named as it is stored: its path relative to the database's folder, or
    the --source it was given.

    Examples:

      tarjama corpus export --db corpus.sqlite --pair ar-en-ru --format tmx -o corpus.tmx

      tarjama corpus export --pair ar-ru --format moses --min-score 0.9 -o train

      tarjama corpus export --format html --article lavrov.ar.txt -o page.html

    The Moses example writes train.ar and train.ru. The reading page shows Ar | En | Ru, and
    side by side the references aligned with the Arabic, with the machine translation's
    BLEU/chrF and QA badges.
    """
    from translate.corpus.export import ExportRequest, export_corpus

    result = export_corpus(ExportRequest(db, output, value(pair), fmt, article,
                                         min_score, all_versions, force))
    if result.stdout is not None:
        typer.echo(result.stdout, nl=False)
    for warning in result.warnings(min_score):
        typer.echo(f"tarjama: warning: {warning}", err=True)
    if not quiet:
        typer.echo(result.to_text(), err=True)


@command
def stats_command(
    db: DbOption = Path("corpus.sqlite"),
    fmt: ResultFormatOption = "text",
    all_versions: AllVersionsOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Print counts (articles, versions, units per pair), score distributions and bead types.

    align: the probability that a unit's alignment is right; bleu, chrf: the machine
    translation of the unit against its reference (0-100).

    Examples:

      tarjama corpus stats --db corpus.sqlite

      tarjama corpus stats --format json | jq .pairs
    """
    from translate.corpus.stats import stats_for

    emit(render(stats_for(db, all_versions=all_versions), fmt), output, force=force,
         quiet=quiet, inputs=[db])


@command
def build_command(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT", help="Articles: NAME.ar.txt / NAME.ar.html files (references "
        "NAME.en.* and NAME.ru.* beside them), directories (searched recursively), globs, or "
        '.jsonl manifests ({"id", "ar", "en", "ru", "url"} a line).')],
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store into this corpus database (SQLite; default corpus.sqlite).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--output", "-o", "--out", help="Write Parquet shards into this directory instead "
        "(merge them later with `tarjama corpus import`).")] = None,
    engine: Annotated[BuildEngine, typer.Option(  # type: ignore[valid-type]
        help="local: this process, article after article; ray: a Ray Data pipeline.")
    ] = BuildEngine("local"),
    ray_address: Annotated[str | None, typer.Option(
        help="Ray cluster to use: auto (the running one) or HOST:PORT; default: start a "
        "local Ray instance.")] = None,
    workers: Annotated[int, typer.Option(
        min=1, help="ray: translation actors (each loads each model once).")] = 1,
    threads: Annotated[int, typer.Option(
        min=0, max=1024, help="CPU threads per worker (ray: also the CPUs each actor "
        "reserves); 0 = the backend's default (local) / 1 (ray).")] = DEFAULT_THREADS,
    gpus: Annotated[float, typer.Option(min=0.0, help="ray: GPUs per actor (0: CPU).")] = 0.0,
    batch_articles: Annotated[int, typer.Option(
        min=1, help="ray: articles one actor translates together.")] = 4,
    model: ModelOption = None,
    backend: BackendOption = "auto",
    method: MethodOption = "auto",
    beam: BeamOption = DEFAULT_BEAM,
    batch_tokens: Annotated[int, typer.Option(
        min=0, help="Source tokens per translation batch at most (0: no budget).")] = 0,
    max_decoding_length: Annotated[int, typer.Option(
        min=1, help="Output tokens per segment at most.")] = 512,
    report: Annotated[Path | None, typer.Option(
        help="Write the run's measurements (JSON) here.")] = None,
    allow_outside_paths: Annotated[bool, typer.Option(
        help="Let a manifest name files outside its own folder (absolute paths, '..').")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Build a corpus from many articles: segment, translate, align, score, store.

    Each article is checkpointed on its own (one SQLite transaction, or whole in a Parquet
    shard), identified by a hash of its content and the models: kill the run at any moment,
    run the same command again, and it skips what is done and finishes the rest. Several
    builds may write into one database at once. A file's identity is its path relative to the
    database's folder (or to the --out directory).

    --engine local runs in this process; --engine ray runs a Ray Data pipeline (pip install
    'tarjama\\[ray]'), locally or on a cluster (--ray-address auto), with --workers actors.
    Both give the same corpus.

    Examples:

      tarjama corpus build news/ --db news.sqlite

      tarjama corpus build 'archive/2024-*/*.ar.html' manifest.jsonl --db news.sqlite

      tarjama corpus build manifest.jsonl --engine ray --workers 2 --out shards/

      tarjama corpus build manifest.jsonl --engine ray --ray-address auto --workers 40 \\
        --threads 4 --out /shared/shards/ && tarjama corpus import /shared/shards/ --db c.sqlite
    """
    from translate.corpus.runner import BuildRequest, build_corpus

    request = BuildRequest(
        inputs, db, out, value(engine), parse_assignments(model, "--model"), backend,
        method, beam, batch_tokens, max_decoding_length, threads, workers, gpus,
        batch_articles, ray_address, report, allow_outside_paths)
    progress = Progress(quiet)
    with progress.running():
        result = build_corpus(request, _build_progress(progress, quiet))
    for line in result.problems():
        typer.echo(f"tarjama: {line}", err=True)
    typer.echo(result.to_text())  # the result, even with -q (what was added, skipped, failed)
    error = result.failure()
    if error is not None:
        raise error


def _build_progress(progress: Progress, quiet: bool):  # type: ignore[no-untyped-def]
    """The bar on a terminal; elsewhere (a log file) a status line every 15 s."""
    bar = progress.callback("articles")
    last = [0.0]

    def show(s: BuildStatus) -> None:
        bar(s.done, s.total)
        now = time.monotonic()
        if not quiet and not progress.enabled and (now - last[0] > 15 or s.done == s.total):
            last[0] = now
            eta = "?" if s.eta is None else \
                f"{int(s.eta) // 3600}:{int(s.eta) % 3600 // 60:02d}:{int(s.eta) % 60:02d}"
            typer.echo(f"corpus build: {s.done}/{s.total} articles ({s.skipped} already done, "
                       f"{s.failed} failed), {s.units} units, {s.per_hour:.0f} articles/h, "
                       f"ETA {eta}", err=True)

    return show


@command
def import_command(
    shards: Annotated[Path, typer.Argument(
        metavar="SHARDS", help="Directory of Parquet shards (corpus build --out).")],
    db: DbOption = Path("corpus.sqlite"),
    quiet: QuietOption = False,
) -> None:
    """Merge Parquet shards into a corpus database; importing twice changes nothing.

    Each article is one transaction; articles already stored (same content hash) are left as
    they are; an article with a unit missing from every shard is reported, not imported.

    Examples:

      tarjama corpus build news/ -o shards/

      tarjama corpus import shards/ --db corpus.sqlite
    """
    from translate.corpus.shards import import_shards

    result = import_shards(shards, db)
    for why in result.problems:
        typer.echo(f"tarjama: not imported: {why}", err=True)
    if not quiet:
        typer.echo(result.to_text())
    error = result.failure()
    if error is not None:
        raise error


@command
def split_command(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="DIR",
        help="Directory for train/, dev/, test/ and manifest.json.")] = None,
    out: OutAlias = None,
    db: DbOption = Path("corpus.sqlite"),
    pair: Annotated[str, typer.Option(
        parser=Choice(("ar-en", "ar-ru")), help="The language pair to split.")] = "ar-en",
    test_articles: Annotated[int, typer.Option(min=1, help="Articles held out for test.")] = 10,
    dev_articles: Annotated[int, typer.Option(
        min=0, help="Articles held out for dev (evaluated each epoch by train).")] = 5,
    min_score: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Remove pairs whose alignment score (the probability that the "
        "alignment is right) is below this.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the article shuffle.")] = 0,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a non-empty output directory.")] = False,
    fmt: ResultFormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Split the corpus into train/dev/test by article, filtered, for `tarjama train`.

    No article is in two splits; pairs are removed when unaligned (empty side, 1-0 bead), below
    --min-score, in the wrong script, copies of their source, of an outlying length ratio, or
    duplicates (exact or once normalised; a source in test leaves dev and train). manifest.json
    counts each removal.

    Examples:

      tarjama corpus split --db corpus.sqlite --pair ar-en -o split/ --min-score 0.5

      tarjama bench -m en=BASE -m en=OUT --testset split/test
    """
    from translate.train.split import SplitRequest, split_corpus

    result = split_corpus(SplitRequest(db, pair, output_dir(output, out), test_articles,
                                       dev_articles, min_score, seed, force))
    if not quiet or fmt != "text":  # -q silences the summary, not the JSON a script asked for
        typer.echo(render(result, fmt).rstrip("\n"))
