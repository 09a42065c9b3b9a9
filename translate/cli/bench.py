"""`tarjama bench`: quality of models and systems on test sets; `bench speed`: the engines'
speed on one workload; `bench compare`: two runs against each other, with paired p-values.

Each parses its options into one request, calls one library function (translate.bench.runner,
translate.bench.speed, translate.bench.history) and prints what it returns.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.bench.speed import SPEED_ENGINES
from translate.cli.common import Progress, command
from translate.cli.options import (
    DECODE,
    DEFAULT_BATCH_SIZE,
    DEFAULT_BEAM,
    DEFAULT_MAX_DECODING_LENGTH,
    DEFAULT_THREADS,
    BatchSizeOption,
    BeamOption,
    Choice,
    ForceOption,
    LengthPenaltyOption,
    MaxDecodingLengthOption,
    ModelOption,
    OutputOption,
    QuietOption,
    ResultFormatOption,
    SamplingTemperatureOption,
    SamplingTopkOption,
    SamplingToppOption,
    SeedOption,
    ThreadsOption,
    choices,
    decode_options,
    emit,
    render,
    value,
)
from translate.engines import BACKENDS

Engine = choices("Engine", SPEED_ENGINES)
HistoryOption = Annotated[Path | None, typer.Option(
    metavar="FILE", help="Run history [default: ./tarjama-bench/history.jsonl; with --record "
                         "this checkout's eval/history.jsonl].")]
RecordOption = Annotated[bool, typer.Option(
    "--record", help="Write the defaults into this checkout's eval/ (results/, history.jsonl): "
                     "a run the project keeps. Without it nothing tracked is written.")]
BenchFormat = choices("BenchFormat", ("text", "json", "tsv"))


def _given(ctx: typer.Context, name: str) -> bool:
    """Was option ``name`` given on the command line (not left at its default)?"""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


@command
def bench_command(
    ctx: typer.Context,
    suite: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Suite: which systems × which test sets, with options.")] = None,
    model: ModelOption = None,
    testset: Annotated[list[str] | None, typer.Option(
        help="Test set name (ntrex128, flores200, seed) or path; repeatable.")] = None,
    baseline: Annotated[str | None, typer.Option(
        metavar="SYSTEM", help="System (or model) every row is tested against [default: the "
                               "suite's, else the first].")] = None,
    speed: Annotated[bool | None, typer.Option(
        "--speed/--no-speed", help="Also each model's speed and memory, one process per model "
                                   "[default: the suite's].")] = None,
    forced_tokens: Annotated[int | None, typer.Option(
        min=0, help="--speed: force every output to N tokens (random-weight shape models).")
    ] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="DIR", help="Folder for the report [default: a new folder per "
                                              "run under ./tarjama-bench/results/, or "
                                              "eval/results/ with --record].")
    ] = None,
    history: HistoryOption = None,
    record: RecordOption = False,
    fmt: Annotated[BenchFormat, typer.Option(  # type: ignore[valid-type]
        "--format", "-f", help="What stdout shows: text (tables fitted to the terminal, numbers "
        "never cut), json (the report), tsv (the quality table).")] = BenchFormat("text"),
    backend: Annotated[str | None, typer.Option(
        parser=Choice(lambda: ("auto", *BACKENDS)),
        help="Backend [default: the suite's, else auto].")] = None,
    beam: BeamOption = DEFAULT_BEAM,
    threads: ThreadsOption = DEFAULT_THREADS,
    batch_size: BatchSizeOption = DEFAULT_BATCH_SIZE,
    max_decoding_length: MaxDecodingLengthOption = DEFAULT_MAX_DECODING_LENGTH,
    length_penalty: LengthPenaltyOption = DECODE.length_penalty,
    sampling_topk: SamplingTopkOption = DECODE.sampling_topk,
    sampling_topp: SamplingToppOption = DECODE.sampling_topp,
    sampling_temperature: SamplingTemperatureOption = DECODE.sampling_temperature,
    seed: SeedOption = DECODE.seed,
    limit: Annotated[int | None, typer.Option(
        min=0, help="Score only the first N segments of each test set.")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        help="Where test sets are (ntrex128/, flores200_dataset/); default $TARJAMA_DATA.")
    ] = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Benchmark models and systems: quality on test sets, compared with paired tests.

    Every system (a model per direction) × route (direct, pivot through English) × test set is
    scored with sacrebleu (BLEU 13a, chrF, chrF++, signatures, bootstrap CI) and tested
    against the baseline system (paired bootstrap and approximate randomisation); --speed adds
    each model's speed and memory. Writes quality.json, quality.md, charts, hyps/ and refs/
    into -o DIR and appends the run to the history (by default under ./tarjama-bench/;
    --record: this checkout's eval/, the runs the project keeps). `tarjama bench speed` measures the
    engines; `tarjama bench compare` tests two runs against each other.

    Examples:

      tarjama bench --suite eval/suites/fixtures.toml -o eval/results/fixtures --force

      tarjama bench --suite eval/suites/families.toml --data-dir ~/data --baseline opus-mt

      tarjama bench -m en=Helsinki-NLP/opus-mt-ar-en -m en=facebook/nllb-200-distilled-600M

      tarjama bench -m en=DIR --testset src.ar,ref.en --testset pairs.ar-en.tsv -o out
    """
    from translate.bench.runner import BenchRequest, run_bench
    from translate.cli.common import parse_assignments

    if ctx.invoked_subcommand is not None:
        return
    explicit = {"beam": beam, "threads": threads, "batch_size": batch_size,
                **decode_options(max_decoding_length=max_decoding_length,
                                 length_penalty=length_penalty, sampling_topk=sampling_topk,
                                 sampling_topp=sampling_topp,
                                 sampling_temperature=sampling_temperature, seed=seed)}
    options: dict[str, Any] = {k: v for k, v in explicit.items() if _given(ctx, k)}
    options.update({k: v for k, v in {
        "backend": backend, "limit": limit, "speed": speed,
        "forced_tokens": forced_tokens, "baseline": baseline,
        "data_dir": str(data_dir) if data_dir else None}.items()
        if v is not None})
    pairs = [(k, v) for item in model or [] for k, v in parse_assignments([item], "--model")
             .items()]
    request = BenchRequest(suite, pairs, testset or [], options, output, history, force,
                           ["tarjama", *sys.argv[1:]], record=record)
    progress = Progress(quiet)
    with progress.running():
        result = run_bench(request, progress.callback)
    typer.echo(report_text(result.report, value(fmt)), nl=False)
    for line in [*result.notes, *(f"wrote {p}" for p in result.written)]:
        if not quiet:
            typer.echo(line, err=True)
    if not quiet:
        typer.echo(f"run {result.report['run_id']} appended to {result.history}", err=True)


def report_text(report: dict[str, Any], fmt: str) -> str:
    """The run as stdout shows it: the tables and signatures, the JSON report, or a TSV."""
    import json

    from translate.bench.quality_report import speed_rows, table_rows
    from translate.tables import plain_table, terminal_width, tsv

    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "tsv":
        return tsv(*table_rows(report))
    out = []
    for title, (header, cells) in ((f"tarjama bench — {report['suite']['name']} "
                                    f"({report['run_id']})", table_rows(report)),
                                   ("speed and memory, per model", speed_rows(report))):
        if cells:
            right = [h[:1].isupper() or h in ("segs", "s") for h in header]
            out.append(f"{title}\n\n{plain_table(header, cells, right, terminal_width())}\n")
    out += [f"{name}: {sig}\n" for name, sig in report["quality"]["signatures"].items()]
    return "".join(out)


@command
def speed_command(
    model: ModelOption = None,
    engine: Annotated[list[Engine] | None, typer.Option(  # type: ignore[valid-type]
        "--engine", "-e", help="Engine to measure; repeatable [default: all].")] = None,
    shape: Annotated[str, typer.Option(
        help="Shape of the models built when -m is not given: opus-mt-base (real opus-mt "
             "dimensions) or tiny (seconds).")] = "opus-mt-base",
    large: Annotated[int, typer.Option(min=1, help="Sentences in the larger workload.")] = 200,
    slow_large: Annotated[int, typer.Option(
        min=1, help="Of those, how many the slow engines (naive, transformers) run.")] = 48,
    forced_tokens: Annotated[int, typer.Option(
        min=1, help="Every output is forced to this many tokens.")] = 40,
    beam: BeamOption = DEFAULT_BEAM,
    threads: ThreadsOption = DEFAULT_THREADS,
    batch_size: BatchSizeOption = DEFAULT_BATCH_SIZE,
    work_dir: Annotated[Path | None, typer.Option(
        help="Where shape models and conversions are built [default: the model store].")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(
        help="Where ntrex128/ is, for the larger workload; default $TARJAMA_DATA, else "
             "generated sentences.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="DIR", help="Folder for NAME.json, NAME.md, NAME.png "
                                              "[default: ./tarjama-bench/results/speed; with "
                                              "--record eval/results/speed].")
    ] = None,
    name: Annotated[str, typer.Option(help="File name stem of the outputs.")] = "speed",
    record: RecordOption = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Measure the engines' speed side by side, each in its own process.

    The naive transformers path, our transformers backend, CTranslate2 int8 and its levers, on
    the seed article in both directions and a larger set (NTREX-128, or generated); a progress
    bar per engine. Any family's models run; without -m, shape models are built (--shape tiny:
    a run of seconds).

    Examples:

      tarjama bench speed --shape tiny -e naive -e ct2-int8 --large 8 --slow-large 4 -o /tmp/b

      tarjama bench speed -m en=/tmp/shape-ar-en -m ru=/tmp/shape-ar-ru -o eval/results/speed
    """
    from translate.bench.speed import SpeedSpec, run_and_write
    from translate.cli.common import parse_assignments

    spec = SpeedSpec(models=parse_assignments(model, "--model"), shape=shape,
                     engines=tuple(value(e) for e in engine) if engine else SpeedSpec.engines,
                     forced_tokens=forced_tokens, beam=beam, threads=threads,
                     batch_size=batch_size, large=large, slow_large=min(slow_large, large),
                     work_dir=str(work_dir or ""), data_dir=str(data_dir or ""))
    progress = Progress(quiet)
    with progress.running():
        table, written, notes = run_and_write(spec, output, name=name, force=force,
                                              command=["tarjama", *sys.argv[1:]],
                                              progress=progress.callback, record=record)
    typer.echo(table)
    for line in [] if quiet else [*notes, *(f"wrote {p}" for p in written)]:
        typer.echo(line, err=True)


@command
def compare_command(
    run_a: Annotated[str, typer.Argument(metavar="RUN_A", help="The run to compare against.")],
    run_b: Annotated[str, typer.Argument(metavar="RUN_B", help="The run compared.")],
    history: HistoryOption = None,
    fmt: ResultFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Compare two bench runs row by row: B − A for every score, with paired p-values.

    The p-value of B against A is given where both results folders kept their hypotheses. A
    run is a run id (or a unique prefix), latest / latest~N from the history, a quality.json
    file or a results folder.

    Examples:

      tarjama bench compare latest~1 latest

      tarjama bench compare eval/results/fixtures 20261129T2012
    """
    from translate.bench.history import compare

    emit(render(compare(run_a, run_b, history), fmt), output, force=force, quiet=quiet)
