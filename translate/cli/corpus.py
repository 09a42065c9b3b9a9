"""`tarjama corpus`: build an ar-en-ru parallel corpus from articles and their translations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli.common import Progress, command, parse_assignments

DbOption = Annotated[Path, typer.Option("--db", help="The corpus database (SQLite).")]
METHODS = ("auto", "bleu", "embed", "length")


@command
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
    from translate.errors import InputError, UsageError
    from translate.fsio import printable, read_text
    from translate.pipeline import make_plan
    from translate.values import DecodeOptions

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
    key = printable(source or Path(article).resolve())
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


@command
def export_command(
    output: Annotated[Path, typer.Option(
        "--output", "-o",
        help="Output file ('-': stdout); for moses a prefix (OUT.ar, OUT.en, OUT.ru).")],
    db: DbOption = Path("corpus.sqlite"),
    pair: Annotated[str, typer.Option(help="ar-en | ar-ru | ar-en-ru.")] = "ar-en-ru",
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="tmx | tsv | jsonl | moses | html (one article's page).")
    ] = "tmx",
    article: Annotated[str | None, typer.Option(
        help="html: the article to show (its source path or URL, or its end).")] = None,
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

      tarjama corpus export --format html --article lavrov-sahel-2025-04-03.ar.txt -o page.html

      (the reading page: Ar | En | Ru, and side by side the references aligned with the
      Arabic, with the machine translation's BLEU/chrF and QA badges)
    """
    from translate.corpus.export import moses_paths, pair_langs, select_units, write_export
    from translate.corpus.store import CorpusStore
    from translate.errors import UsageError
    from translate.fsio import check_outputs
    from translate.writers import FORMATS

    if fmt != "html":
        pair_langs(pair)
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt}: choose from {', '.join(FORMATS)}")
    if str(output) == "-":  # standard output, written through like any FIFO or terminal
        if fmt == "moses":
            raise UsageError("--format moses writes one file per language: give a prefix")
        output, force = Path("/dev/stdout"), True
    # the outputs are checked before the database is read (the database is an input)
    check_outputs(moses_paths(output, pair) if fmt == "moses" else [output], force, [db])
    if fmt == "html":
        from translate.corpus.page import article_page
        from translate.fsio import atomic_write

        with CorpusStore.open(db, create=False) as store:
            page = article_page(store, article)
        typer.echo(f"wrote {atomic_write(output, page, force=force, inputs=[db])}", err=True)
        return
    with CorpusStore.open(db, create=False) as store:
        rows = select_units(store, pair, min_score=min_score, all_versions=all_versions)
    paths = write_export(rows, pair, fmt, output, force=force)
    typer.echo(f"wrote {len(rows)} units ({pair}, {fmt}) to {', '.join(map(str, paths))}",
               err=True)


@command
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


ENGINES_HELP = "local: this process, article after article | ray: a Ray Data pipeline."


def _status_line(s: Any) -> str:
    eta = "?" if s.eta is None else f"{int(s.eta) // 3600}:{int(s.eta) % 3600 // 60:02d}:" \
        f"{int(s.eta) % 60:02d}"
    return (f"corpus build: {s.done}/{s.total} articles ({s.skipped} already done, "
            f"{s.failed} failed), {s.units} units, {s.per_hour:.0f} articles/h, ETA {eta}")


@command
def build_command(
    inputs: Annotated[list[str], typer.Argument(
        help="Articles: NAME.ar.txt / NAME.ar.html files (references NAME.en.* and NAME.ru.* "
        "beside them), directories (searched recursively), globs, or .jsonl manifests "
        '({"id", "ar", "en", "ru", "url"} a line).')],
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store into this corpus database (SQLite; default corpus.sqlite).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write Parquet shards into this directory instead (merge them later "
        "with `tarjama corpus import`).")] = None,
    engine: Annotated[str, typer.Option(help=ENGINES_HELP)] = "local",
    ray_address: Annotated[str | None, typer.Option(
        help="Ray cluster to use: auto (the running one) or HOST:PORT; default: start a "
        "local Ray instance.")] = None,
    workers: Annotated[int, typer.Option(
        min=1, help="ray: translation actors (each loads each model once).")] = 1,
    threads: Annotated[int, typer.Option(
        min=0, help="CPU threads per worker (ray: also the CPUs each actor reserves); "
        "0 = the library default (local) / 1 (ray).")] = 0,
    gpus: Annotated[float, typer.Option(min=0.0, help="ray: GPUs per actor (0: CPU).")] = 0.0,
    batch_articles: Annotated[int, typer.Option(
        min=1, help="ray: articles one actor translates together.")] = 4,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Model translating Arabic into LANG. Repeatable.")] = None,
    backend: Annotated[str, typer.Option(
        help="transformers | ctranslate2 | auto.")] = "auto",
    method: Annotated[str, typer.Option(
        help="Alignment method: auto | bleu | embed | length.")] = "auto",
    beam: Annotated[int, typer.Option(min=1, max=32, help="Beam size.")] = 4,
    batch_tokens: Annotated[int, typer.Option(
        min=0, help="Source tokens per translation batch at most (0: no budget).")] = 0,
    max_decoding_length: Annotated[int, typer.Option(
        min=1, help="Output tokens per segment at most.")] = 512,
    report: Annotated[Path | None, typer.Option(
        help="Write the run's measurements (JSON) here.")] = None,
    allow_outside_paths: Annotated[bool, typer.Option(
        help="Let a manifest name files outside its own folder (absolute paths, '..').")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
) -> None:
    """Build a corpus from many articles: segment, translate, align, score, store.

    Each article is checkpointed on its own (one SQLite transaction, or whole in a Parquet
    shard), identified by a hash of its content and the models: kill the run at any moment,
    run the same command again, and it skips what is done and finishes the rest. Several
    builds may write into one database at once.

    --engine local runs in this process; --engine ray runs a Ray Data pipeline (pip install
    'tarjama[ray]'), locally or on a cluster (--ray-address auto), with --workers actors.
    Both give the same corpus.

    Examples:

      tarjama corpus build news/ --db news.sqlite

      tarjama corpus build 'archive/2024-*/*.ar.html' manifest.jsonl --db news.sqlite

      tarjama corpus build manifest.jsonl --engine ray --workers 2 --out shards/

      tarjama corpus build manifest.jsonl --engine ray --ray-address auto --workers 40 \\
        --threads 4 --out /shared/shards/ && tarjama corpus import /shared/shards/ --db c.sqlite
    """
    import time

    from translate.corpus.discover import discover
    from translate.corpus.runner import BUILD_ENGINES, BuildOptions, DbSink, ParquetSink, build
    from translate.corpus.store import CorpusStore
    from translate.errors import RuntimeFailure, TarjamaError, UsageError
    from translate.fsio import atomic_write, check_output
    from translate.pipeline import make_plan
    from translate.values import DecodeOptions

    if report is not None:  # checked now: finding it unwritable after hours of work is late
        check_output(report, force=True, inputs=inputs)
    if method not in METHODS:
        raise UsageError(f"--method {method}: choose from {', '.join(METHODS)}")
    if engine not in BUILD_ENGINES:
        raise UsageError(f"--engine {engine}: choose from {', '.join(BUILD_ENGINES)}")
    if db is not None and out is not None:
        raise UsageError("give --db or --out, not both")
    if engine == "ray":
        from translate.corpus.ray_engine import import_ray

        import_ray()  # a missing extra fails now, before any input is read
    found = discover(inputs, allow_outside=allow_outside_paths)
    for why in found.skipped:
        typer.echo(f"tarjama: skipped {why}", err=True)
    if not found.articles:
        for where, why in found.invalid:
            typer.echo(f"tarjama: failed {where}: {why}", err=True)
        if found.invalid:
            raise RuntimeFailure(f"{len(found.invalid)} article(s) failed (listed above); "
                                 "nothing else to build")
        raise UsageError("no articles found in the inputs")
    langs = sorted({lang for spec in found.articles for lang in spec.refs})
    ray_threads = threads or 1
    options = DecodeOptions(beam=beam, batch_tokens=batch_tokens,
                            max_decoding_length=max_decoding_length,
                            threads=ray_threads if engine == "ray" else threads)
    plan = make_plan(langs, parse_assignments(model, "--model"), backend=backend,
                     options=options)
    build_options = BuildOptions(plan=plan, method=method, workers=workers,
                                 threads=ray_threads, gpus=gpus, batch_articles=batch_articles,
                                 ray_address=ray_address)
    progress = Progress(quiet)
    bar = progress.callback("articles")
    last = [0.0]

    def show(s: Any) -> None:
        bar(s.done, s.total)
        now = time.monotonic()
        if not quiet and not progress.enabled and (now - last[0] > 15 or s.done == s.total):
            last[0] = now
            typer.echo(_status_line(s), err=True)

    with progress.running():
        if out is not None:
            result = build(found.articles, ParquetSink(out), build_options, engine=engine,
                           progress=show)
        else:
            with CorpusStore.open(db or Path("corpus.sqlite")) as store:
                result = build(found.articles, DbSink(store), build_options, engine=engine,
                               progress=show)
    result.input_errors[:0] = found.invalid  # named by the inputs, unusable: failures too
    result.total += len(found.invalid)
    report_error = None
    if report is not None:
        try:
            atomic_write(report, json.dumps(result.to_dict(), indent=2) + "\n", force=True,
                         inputs=inputs)
        except TarjamaError as e:
            report_error = e
    for key, why in result.input_errors + result.failed:
        typer.echo(f"tarjama: failed {key}: {why}", err=True)
    rate = 3600 * (result.added + result.unchanged) / result.seconds if result.seconds else 0
    typer.echo(f"{result.added} articles added ({result.units} units), {result.skipped} "
               f"already done, {result.unchanged} stored meanwhile by another run, "
               f"{len(result.failed) + len(result.input_errors)} failed; "
               f"{result.seconds:.1f} s, {rate:.0f} articles/h, engine {engine} → "
               f"{out if out is not None else (db or 'corpus.sqlite')}")
    if report_error is not None:
        raise RuntimeFailure(f"the articles are stored, but the report was not written: "
                             f"{report_error}")
    if result.failed or result.input_errors:
        raise RuntimeFailure(f"{len(result.failed) + len(result.input_errors)} article(s) "
                             "failed (listed above); the others are stored")


@command
def import_command(
    shards: Annotated[Path, typer.Argument(help="Directory of Parquet shards (corpus build "
                                           "--out).")],
    db: DbOption = Path("corpus.sqlite"),
) -> None:
    """Merge Parquet shards into a corpus database; importing twice changes nothing.

    Each article is one transaction; articles already stored (same content hash) are left as
    they are; an article with a unit missing from every shard is reported, not imported.

    Examples:

      tarjama corpus import shards/ --db corpus.sqlite
    """
    from translate.corpus.shards import read_shards
    from translate.corpus.store import CorpusStore
    from translate.errors import RuntimeFailure

    counts = {"added": 0, "new-version": 0, "unchanged": 0}
    with CorpusStore.open(db) as store:  # checked before the shards are read
        scan = read_shards(shards)
        for art in scan.articles:
            counts[store.add_article(art).status] += 1
    for why in scan.problems:
        typer.echo(f"tarjama: not imported: {why}", err=True)
    typer.echo(f"imported {counts['added'] + counts['new-version']} articles "
               f"({counts['new-version']} new versions), {counts['unchanged']} already stored, "
               f"{len(scan.problems)} problem(s); {scan.rows} rows read into {db}")
    if scan.problems:  # `build && import` must notice a damaged shard
        raise RuntimeFailure(f"{len(scan.problems)} shard(s) or article(s) not imported "
                             f"(listed above), first: {scan.problems[0]}")
