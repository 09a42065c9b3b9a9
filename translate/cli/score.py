"""`tarjama score`: BLEU / chrF / chrF++ / TER with signatures, per-line scores, significance."""

from __future__ import annotations

from typing import Annotated

import typer

from translate.cli.common import command, parse_assignments
from translate.cli.options import (
    Choice,
    ForceOption,
    OutputOption,
    QuietOption,
    ResultFormatOption,
    check_emit,
    emit,
    render,
)


def _tokenizers() -> list[str]:
    from translate.score import tokenizers

    return tokenizers()


@command
def score_command(
    hyp: Annotated[str, typer.Argument(
        metavar="HYP", help="Hypothesis file, one segment a line ('-': stdin).")],
    refs: Annotated[list[str], typer.Argument(
        metavar="REF", help="Reference file(s), line-parallel to HYP.")],
    metrics: Annotated[str, typer.Option(
        "--metrics", help="Comma-separated: bleu, chrf, chrf++, ter.")] = "bleu,chrf",
    tokenize: Annotated[str, typer.Option(
        "--tokenize", parser=Choice(_tokenizers), help="BLEU tokenizer.")] = "13a",
    sentence: Annotated[bool, typer.Option(
        "--sentence", help="Per-line BLEU (effective order) and chrF, worst lines first, each "
        "with its reference.")] = False,
    confidence: Annotated[bool, typer.Option(
        "--confidence", help="Bootstrap 95% confidence interval (1,000 resamples).")] = False,
    system: Annotated[list[str] | None, typer.Option(
        "--system", metavar="NAME=FILE", help="Another system to compare with HYP (the "
        "baseline); repeat for more. Prints paired bootstrap and approximate-randomisation "
        "p-values.")] = None,
    fmt: ResultFormatOption = "text",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
    align: Annotated[bool, typer.Option(
        "--align", help="HYP and REF are whole articles whose paragraphs and sentences do not "
        "line up: segment both, align the sentences (bleu, same language), score the aligned "
        "units; a sentence left out on either side is scored against an empty string.")] = False,
) -> None:
    """Score a translation against one or more references with sacrebleu.

    Every score is printed with the sacrebleu signature that reproduces it, BLEU with its
    n-gram precisions, brevity penalty and length ratio. Files must be line-parallel: different
    line counts are refused (exit 2) rather than truncated.

    Examples:

        tarjama score out.en.txt ref.en.txt

        tarjama score out.ru.txt ref.ru.txt --metrics bleu,chrf,chrf++,ter --confidence

        tarjama score out.en.txt ref.en.txt --sentence --format json -o lines.json

        tarjama score base.en.txt ref.en.txt --system ct2=ct2.en.txt --system beam1=b1.en.txt

        cat test.ar | tarjama translate --lines - --to en | tarjama score - test.en

        tarjama score --align article.mt.en.txt article.ref.en.txt --sentence
    """
    from translate.score_files import ScoreRequest, score_files

    request = ScoreRequest(hyp, refs, metrics=metrics, tokenize=tokenize, sentence=sentence,
                           confidence=confidence, align=align,
                           systems=parse_assignments(system, "--system"))
    inputs = [hyp, *refs, *request.systems.values()]
    check_emit(output, force=force, inputs=inputs)  # before the work, not after
    emit(render(score_files(request), fmt), output, force=force, quiet=quiet, inputs=inputs)
