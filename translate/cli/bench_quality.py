"""The quality half of `tarjama bench` (the command itself lives in translate/cli/bench.py).

The command builds the suite from --suite / --model / --testset, runs it through
translate.bench.runner, writes the outputs and the history line, prints the table. With --speed
too, the speed bench (translate.bench.speed) runs after it on the same models when they are
local Marian directories, and its numbers go into the same report and history line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from translate.cli.common import Progress, parse_assignments

DEFAULT_OUTPUT = Path("eval/results")
DEFAULT_HISTORY = Path("eval/history.jsonl")


def _explicit(name: str) -> bool:
    """Was option ``name`` given on the command line (not left at its default)?"""
    try:  # typer 0.2x bundles its own click: the installed one never sees typer's context
        from typer._click.globals import get_current_context
    except ImportError:  # an older typer: the installed click
        from click import get_current_context  # type: ignore[no-redef]

    ctx = get_current_context(silent=True)
    if ctx is None:
        return False
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def compare_command(run_a: str, run_b: str, history: Path) -> None:
    from translate.bench.history import changed_models, compare_runs, find_run
    from translate.bench.quality_report import compare_lines

    a, b = find_run(run_a, history), find_run(run_b, history)
    for line in compare_lines(a, b, compare_runs(a, b), changed_models(a, b)):
        typer.echo(line)


def quality_command(*, suite_path: Path | None, model: list[str] | None,
                    testset: list[str] | None, speed: bool, output: Path,
                    history: Path | None, data_dir: Path | None, backend: str | None,
                    limit: int | None, beam: int, threads: int, force: bool, quiet: bool,
                    speed_options: dict[str, Any]) -> None:
    from translate.bench.history import append_history, history_entry
    from translate.bench.quality_report import table_rows, write_outputs
    from translate.bench.runner import apply_overrides, portable, run_quality
    from translate.bench.suite import Suite, load_suite
    from translate.fsio import check_output, check_output_dir

    # Where the results go is checked before the benchmark runs, not after it.
    check_output(history or DEFAULT_HISTORY, force=True)
    explicit_output = not (output == DEFAULT_OUTPUT and not _explicit("output"))
    if explicit_output:
        check_output_dir(output)
        check_output(output / "quality.json", force=force)
    suite = load_suite(suite_path) if suite_path is not None else Suite()
    apply_overrides(suite, parse_assignments(model, "--model"), testset or [])
    o = suite.options
    if data_dir is not None:
        o.data_dir = str(data_dir)
    if backend is not None:
        o.backend = backend
    if limit is not None:
        o.limit = limit
    if _explicit("beam"):
        o.beam = beam
    if _explicit("threads"):
        o.threads = threads
    progress = Progress(quiet)
    with progress.running():
        report, rows = run_quality(suite, progress=progress.callback,
                                   command=["tarjama", *sys.argv[1:]])
    # The default folder collects runs: each gets its own; an explicit -o is used as given.
    out_dir = output if explicit_output else output / report["run_id"]
    if speed or o.speed:
        report["speed"] = _speed(report, out_dir, beam if _explicit("beam") else o.beam,
                                 speed_options, quiet)
    written = write_outputs(report, rows, out_dir, force=force)
    hist = history or DEFAULT_HISTORY
    append_history(hist, portable(history_entry(report, out_dir / "quality.json")))
    header, cells = table_rows(report)
    _print_table(report, header, cells)
    for p in written:
        typer.echo(f"wrote {p}", err=True)
    typer.echo(f"run {report['run_id']} appended to {hist}", err=True)


def _speed(report: dict[str, Any], out_dir: Path, beam: int, speed_options: dict[str, Any],
           quiet: bool) -> dict[str, Any]:
    from translate.bench import report as speed_report
    from translate.bench.speed import SpeedSpec, run

    models = {}
    for pair, desc in report["models"].items():
        path = Path(desc.get("path", ""))
        if not path.is_absolute():  # the report names checkout paths relative to its root
            from translate.bench.environment import repo_root

            path = path if path.exists() else repo_root() / path
        weights = ("model.safetensors", "pytorch_model.bin")
        if pair in ("ar-en", "ar-ru") and any((path / w).is_file() for w in weights):
            models[pair.split("-")[1]] = str(path)
    if set(models) != {"en", "ru"}:
        models = {}  # the speed bench needs both directions as Marian dirs: else shape models
    spec = SpeedSpec(models=models, beam=beam,
                     **{k: v for k, v in speed_options.items() if v is not None})
    result = run(spec, progress=None if quiet else (lambda msg: typer.echo(msg, err=True)))
    speed_report.write(result, out_dir, name="speed", command="tarjama " + " ".join(sys.argv[1:]))
    return result


def _print_table(report: dict[str, Any], header: list[str], cells: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 200)
    table = Table(title=f"tarjama bench — {report['suite']['name']} ({report['run_id']})")
    for h in header:
        table.add_column(h, justify="right" if h[:1].isupper() or h in ("segs", "s") else "left")
    for row in cells:
        table.add_row(*row)
    console.print(table)
    for name, sig in report["quality"]["signatures"].items():
        console.print(f"{name}: {sig}", highlight=False, soft_wrap=True)
    for p in report["quality"]["pivot"]:
        deltas = ", ".join(f"{m} {d:+.2f}" for m, d in p["delta"].items())
        console.print(f"pivot ar→en→{p['pair'][3:]} vs direct on {p['testset']}: {deltas}",
                      highlight=False)

