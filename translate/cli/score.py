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
    files: Annotated[list[str], typer.Argument(
        metavar="[HYP] REF...", show_default=False,
        help="The hypothesis file ('-': stdin), then its reference file(s), line-parallel; "
             "with -i HYP (sacrebleu's order) only the references.")],
    input_: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="HYP", help="The hypothesis file, as sacrebleu takes it "
                                             "(REF... -i HYP).")] = None,
    metrics: Annotated[str, typer.Option(
        "--metrics", help="Comma-separated: bleu, chrf, chrf++, ter.")] = "bleu,chrf",
    tokenize: Annotated[str | None, typer.Option(
        "--tokenize", "-tok", parser=Choice(_tokenizers),
        help="BLEU tokenizer [default: 13a; with -l, sacrebleu's for the target: zh, "
             "ja-mecab, ko-mecab].")] = None,
    lowercase: Annotated[bool, typer.Option(
        "--lowercase", "-lc", help="Case-insensitive BLEU.")] = False,
    language_pair: Annotated[str | None, typer.Option(
        "--language-pair", "-l", metavar="SRC-TGT",
        help="The pair scored: the target picks BLEU's default tokenizer as sacrebleu does.")
    ] = None,
    chrf_char_order: Annotated[int, typer.Option(min=1, help="chrF character n-gram order.")
                               ] = 6,
    chrf_word_order: Annotated[int | None, typer.Option(
        min=0, help="chrF word n-gram order [default: 0 for chrf, 2 for chrf++].")] = None,
    chrf_beta: Annotated[int, typer.Option(min=0, help="chrF's recall weight β.")] = 2,
    chrf_whitespace: Annotated[bool, typer.Option(
        "--chrf-whitespace", help="chrF counts whitespace in character n-grams.")] = False,
    chrf_eps_smoothing: Annotated[bool, typer.Option(
        "--chrf-eps-smoothing", help="chrF's epsilon smoothing (chrF++.py, NLTK, Moses).")
    ] = False,
    chrf_lowercase: Annotated[bool, typer.Option(
        "--chrf-lowercase", help="Case-insensitive chrF.")] = False,
    ter_case_sensitive: Annotated[bool, typer.Option(
        "--ter-case-sensitive", help="TER keeps case.")] = False,
    ter_asian_support: Annotated[bool, typer.Option(
        "--ter-asian-support", help="TER splits Asian characters.")] = False,
    ter_no_punct: Annotated[bool, typer.Option(
        "--ter-no-punct", help="TER drops punctuation.")] = False,
    ter_normalized: Annotated[bool, typer.Option(
        "--ter-normalized", help="TER normalises (punctuation split, Asian support).")] = False,
    score_only: Annotated[bool, typer.Option(
        "--score-only", "-b", help="Text: only each metric's score, one a line.")] = False,
    width: Annotated[int, typer.Option(
        "--width", "-w", min=0, max=10, help="Decimals of a score in text.")] = 2,
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

        tarjama score ref.en.txt -i out.en.txt -lc -b -w 1

    sacrebleu's options are spelled as sacrebleu spells them (-tok, -lc, -l, --chrf-*,
    --ter-*, -b, -w) and so is its REF... -i HYP order.
    """
    from translate.errors import UsageError
    from translate.score import MetricSettings
    from translate.score_files import ScoreRequest, score_files

    hyp, refs = (input_, files) if input_ is not None else (files[0], files[1:])
    if not refs:
        raise UsageError("give HYP REF..., or REF... -i HYP: no reference file")
    src, dash, tgt = (language_pair or "").partition("-")
    if language_pair is not None and not (src and dash and tgt):
        raise UsageError(f"-l expects SRC-TGT (ar-en), got {language_pair!r}")
    settings = MetricSettings(
        tokenize=tokenize, lowercase=lowercase, trg_lang=tgt, chrf_char_order=chrf_char_order,
        chrf_word_order=chrf_word_order, chrf_beta=chrf_beta, chrf_whitespace=chrf_whitespace,
        chrf_eps_smoothing=chrf_eps_smoothing, chrf_lowercase=chrf_lowercase,
        ter_case_sensitive=ter_case_sensitive,
        ter_asian_support=ter_asian_support, ter_no_punct=ter_no_punct,
        ter_normalized=ter_normalized)
    request = ScoreRequest(hyp, refs, metrics=metrics, sentence=sentence,
                           confidence=confidence, align=align,
                           systems=parse_assignments(system, "--system"), settings=settings,
                           width=width, score_only=score_only)
    inputs = [hyp, *refs, *request.systems.values()]
    check_emit(output, force=force, inputs=inputs)  # before the work, not after
    emit(render(score_files(request), fmt), output, force=force, quiet=quiet, inputs=inputs)
