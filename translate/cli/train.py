"""`tarjama train`: fine-tune a model on a `corpus split` directory (translate.train.trainer),
and with --bench compare it with its base on the held-out articles (translate.bench)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from translate.cli.common import command, parse_assignments
from translate.cli.options import (
    DEFAULT_THREADS,
    Device,
    DeviceOption,
    OutAlias,
    QuietOption,
    ThreadsOption,
    output_dir,
    value,
)
from translate.errors import UsageError

if TYPE_CHECKING:
    from translate.train.trainer import TrainStatus


@command
def train_command(
    train: Annotated[Path, typer.Option(
        "--train", metavar="DIR", help="A `tarjama corpus split` directory (train/, dev/).")],
    model: Annotated[str, typer.Option(
        "--model", "-m", metavar="PAIR=BASE",
        help="The direction and the model to start from (ar-en=Helsinki-NLP/opus-mt-ar-en or "
        "a directory).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="DIR", help="Directory to write the model to.")] = None,
    out: OutAlias = None,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the train split.")] = 3,
    lr: Annotated[float, typer.Option(min=0.0, help="Peak learning rate (AdamW, linear "
                                                    "warmup and decay).")] = 5e-5,
    batch_size: Annotated[int, typer.Option(min=1, max=1024, help="Pairs per step.")] = 16,
    max_steps: Annotated[int | None, typer.Option(
        min=1, help="Stop after N steps (default: --epochs).")] = None,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same weights.")] = 0,
    resume: Annotated[bool, typer.Option(
        help="Continue an interrupted run of the same command from its last checkpoint.")
    ] = False,
    lora: Annotated[bool, typer.Option(
        help="Train LoRA adapters (PEFT) instead of every weight; merged into the output.")
    ] = False,
    save_every: Annotated[int, typer.Option(
        min=1, help="Steps between checkpoints (also at each epoch's end and on Ctrl-C).")
    ] = 100,
    dev_beam: Annotated[int, typer.Option(
        min=1, max=32, help="Beam of the dev evaluation (1: greedy, which ranks the epochs "
        "at a fraction of the cost).")] = 1,
    device: DeviceOption = Device.auto,  # type: ignore[attr-defined]
    threads: ThreadsOption = DEFAULT_THREADS,
    bench: Annotated[bool, typer.Option(
        "--bench", help="Then bench base against the new model on the split's test set "
        "(report in OUT.bench/ beside the model).")] = False,
    bench_testset: Annotated[list[str] | None, typer.Option(
        metavar="SPEC", help="--bench: one more test set (the base's own, to see what was "
        "forgotten): a name or a path as bench --testset takes. Repeatable.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a non-empty output directory; drop an interrupted run.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Fine-tune a translation model on an aligned corpus split (any supported family).

    Shows loss and tokens/s; evaluates BLEU/chrF on dev after each epoch (sacrebleu, as
    `tarjama score`) and keeps the best epoch. Kill it any time: --resume with the same options
    continues from the last checkpoint and ends with the same weights. The output is the base's
    hub layout with the new weights and a model card: translate -m, models convert and bench
    take it as they take the base.

    Examples:

      tarjama train --train split/ -m ar-en=Helsinki-NLP/opus-mt-ar-en -o opus-mt-ar-en-news

      tarjama train --train split/ -m ar-en=BASE -o OUT --max-steps 200 --bench

      tarjama bench -m en=BASE -m en=OUT --testset split/test
    """
    from translate.train.trainer import Hooks, TrainRequest, train_model

    models = parse_assignments([model], "--model")
    ((pair, base),) = models.items()
    pair = pair if "-" in pair else f"ar-{pair}"
    request = TrainRequest(
        train, pair, base, output_dir(output, out), epochs=epochs, lr=lr,
        batch_size=batch_size, max_steps=max_steps, seed=seed, resume=resume, lora=lora,
        force=force, save_every=save_every, dev_beam=dev_beam, device=value(device),
        threads=threads, command=["tarjama", *sys.argv[1:]])
    if bench:
        _bench_request(request, bench_testset or [], check_only=True)
    with _progress(quiet) as show:
        result = train_model(request, Hooks(progress=show))
    typer.echo(result.to_text())
    if bench:
        _bench_request(request, bench_testset or [], check_only=False)


def _bench_request(request, extra: list[str], *, check_only: bool) -> None:  # type: ignore[no-untyped-def]
    """Base (the baseline) against the trained model on the split's test set and ``extra``."""
    from translate.bench.runner import BenchRequest, run_bench
    from translate.cli.bench import report_text

    test = request.train_dir / "test"
    if not test.is_dir():
        raise UsageError(f"--bench: {test} is not there (is --train a corpus split directory?)")
    where = request.output.parent / f"{request.output.name}.bench"
    if check_only:
        from translate.errors import OutputExistsError
        from translate.fsio import check_output_dir

        check_output_dir(where)  # refused now, not after the training
        if (where / "quality.json").exists() and not request.force:
            raise OutputExistsError(f"{where} holds a bench run; pass --force to replace it")
        return
    bench = BenchRequest(models=[(request.pair, request.base),
                                 (request.pair, str(request.output))],
                         testsets=[str(test), *extra], output=where,
                         history=where / "history.jsonl", force=request.force,
                         command=request.command)
    result = run_bench(bench)
    typer.echo(report_text(result.report, "text"), nl=False)
    for line in result.written:
        typer.echo(f"wrote {line}", err=True)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[TrainStatus], None]]:
    """A bar with loss and tokens/s on a terminal; elsewhere a line per dev evaluation and at
    most one every 15 s; nothing with --quiet."""
    if quiet:
        yield lambda status: None
        return
    if not sys.stderr.isatty():
        last = [0.0]

        def log(s: TrainStatus) -> None:
            now = time.monotonic()
            if s.dev is not None or now - last[0] > 15 or s.step == s.total:
                last[0] = now
                dev = f", dev BLEU {s.dev['bleu']:.1f} chrF {s.dev['chrf']:.1f}" \
                    if s.dev and "bleu" in s.dev else ""
                typer.echo(f"train: step {s.step}/{s.total} epoch {s.epoch} loss {s.loss:.3f} "
                           f"{s.tokens_per_s:.0f} tokens/s{dev}", err=True)

        yield log
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("train"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("loss {task.fields[loss]:.3f}  {task.fields[rate]:.0f} tok/s"),
                  TimeElapsedColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("train", total=None, loss=float("nan"), rate=0.0)

        def update(s: TrainStatus) -> None:
            bar.update(task, completed=s.step, total=s.total, loss=s.loss, rate=s.tokens_per_s)
            if s.dev and "bleu" in s.dev:
                bar.console.print(f"epoch {s.epoch}: dev BLEU {s.dev['bleu']:.1f}, "
                                  f"chrF {s.dev['chrf']:.1f}")

        yield update
