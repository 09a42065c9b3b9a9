"""`tarjama bench`: translation quality of models on test sets, and (`--speed`) engine speed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import command, parse_assignments, parse_list
from translate.errors import UsageError


@command
def bench_command(
    suite: Annotated[Path | None, typer.Option(
        help="Benchmark suite file: which models × which test sets.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Model for a direction (en=DIR); --speed: Marian dirs (default: shape models).")
    ] = None,
    testset: Annotated[list[str] | None, typer.Option(
        help="Test set name or path (repeatable).")] = None,
    speed: Annotated[bool, typer.Option(
        "--speed", help="Measure speed: naive transformers vs our backends, side by side.")
    ] = False,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Directory for the JSON, markdown table and PNG chart.")
    ] = Path("eval/results"),
    name: Annotated[str, typer.Option(help="File name stem of the outputs.")] = "speed",
    engines: Annotated[str, typer.Option(
        help="--speed: engines to measure, comma-separated (default: all).")] = "",
    large: Annotated[int, typer.Option(
        min=1, help="--speed: sentences in the larger workload.")] = 200,
    slow_large: Annotated[int, typer.Option(
        min=1, help="--speed: of those, how many the slow engines (naive, transformers) run.")
    ] = 48,
    forced_tokens: Annotated[int, typer.Option(
        min=1, help="--speed: every output is forced to this many tokens.")] = 40,
    beam: Annotated[int, typer.Option(min=1, help="Beam size.")] = 4,
    threads: Annotated[int, typer.Option(min=1, help="--speed: CPU threads per engine.")] = 2,
    work_dir: Annotated[Path | None, typer.Option(
        help="--speed: where shape models and conversions are built (default: model store).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(
        help="Where test sets are (ntrex128/, flores200_dataset/); default $TARJAMA_DATA.")
    ] = None,
    history: Annotated[Path | None, typer.Option(
        help="Run history to append to and --compare from [default: eval/history.jsonl].")
    ] = None,
    compare: Annotated[tuple[str, str] | None, typer.Option(
        metavar="RUN_A RUN_B", help="Print B − A per row: run ids from the history, "
        "latest / latest~N, quality.json files or result folders.")] = None,
    backend: Annotated[str | None, typer.Option(
        help="Quality: transformers, ctranslate2 or auto (default: the suite's, else auto).")
    ] = None,
    limit: Annotated[int | None, typer.Option(
        min=0, help="Quality: score only the first N segments of each test set.")] = None,
    force: Annotated[bool, typer.Option(help="Quality: overwrite outputs in -o DIR.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Benchmark models: quality on test sets, or with --speed the engines' speed.

    Quality (the default): every model × direction × test set scored with sacrebleu (BLEU 13a,
    chrF, chrF++, signatures, bootstrap CI), QA flag counts, and pivot ar→en→ru against direct
    ar→ru when an en-ru model is given; writes quality.json, quality.md, quality-*.png and the
    hypotheses into -o DIR (default eval/results/RUN_ID/) and appends the run to the history.
    Test sets: ntrex128, flores200 (local), seed, SRC,REF files, a TSV or a directory.

    --speed runs one workload (the seed article in both directions, and 200 NTREX sentences or a
    generated set) through the naive transformers path, our transformers backend, CTranslate2
    int8 and its levers, each in its own process; writes NAME.json, NAME.md and NAME.png.

    Examples:

      tarjama bench --speed -o eval/results

      tarjama bench --speed --model en=/tmp/shape-ar-en --model ru=/tmp/shape-ar-ru

      tarjama bench --speed --engines naive,ct2-int8 --large 20 --slow-large 4 -o /tmp/bench

      tarjama bench --suite eval/suites/opus-mt-leaderboard.toml --data-dir ~/data

      tarjama bench --model en=DIR --testset src.ar,ref.en --testset pairs.ar-en.tsv -o out

      tarjama bench --compare latest~1 latest
    """
    if compare is not None:
        from translate.cli.bench_quality import DEFAULT_HISTORY, compare_command

        return compare_command(*compare, history or DEFAULT_HISTORY)
    if not speed or suite is not None or testset:  # quality (and speed too when --speed)
        from translate.cli.bench_quality import quality_command

        return quality_command(
            suite_path=suite, model=model, testset=testset, speed=speed, output=output,
            history=history, data_dir=data_dir, backend=backend, limit=limit, beam=beam,
            threads=threads, force=force, quiet=quiet,
            speed_options={"engines": tuple(parse_list(engines, "--engines")) if engines
                           else None, "large": large, "slow_large": min(slow_large, large),
                           "forced_tokens": forced_tokens, "threads": threads,
                           "work_dir": str(work_dir or "")})
    from translate.bench import report
    from translate.bench.speed import SPEED_ENGINES, SpeedSpec, run

    models = parse_assignments(model, "--model")
    bad = sorted(set(models) - {"en", "ru"})
    if bad:
        raise UsageError(f"--model with --speed takes en=DIR and ru=DIR, not {', '.join(bad)}")
    if suite is not None or testset:
        raise UsageError("--suite and --testset belong to the quality benchmark, not --speed")
    spec = SpeedSpec(
        models=models,
        engines=tuple(parse_list(engines, "--engines", set(SPEED_ENGINES))) if engines
        else SPEED_ENGINES,
        forced_tokens=forced_tokens, beam=beam, threads=threads, large=large,
        slow_large=min(slow_large, large), work_dir=str(work_dir or ""),
    )
    result = run(spec, progress=lambda msg: typer.echo(msg, err=True))
    written = report.write(result, output, name=name,
                           command="tarjama " + " ".join(sys.argv[1:]))
    typer.echo(report.markdown(result))
    for p in written:
        typer.echo(f"wrote {p}", err=True)
