"""`tarjama score`: BLEU / chrF / chrF++ / TER with signatures, per-line scores, significance."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli.common import command, parse_assignments, parse_list
from translate.cli.root import app
from translate.errors import UsageError


def _fmt(value: float | None, width: int = 2) -> str:
    return "—" if value is None else f"{value:.{width}f}"


def _print_table(comparison: Any, metrics: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    # Not a terminal (a pipe, a test): rich would squeeze the table into 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title="Paired significance against the baseline (first row)")
    table.add_column("System")
    for m in metrics:
        table.add_column(f"{m} (μ ± 95% CI)", justify="right")
        table.add_column("p (bootstrap)", justify="right")
        table.add_column("p (AR)", justify="right")
    for row in comparison.systems:
        cells = [row.name + (" (baseline)" if row.baseline else "")]
        for m in metrics:
            c = row.scores[m]
            cells += [f"{c['score']:.2f} ({_fmt(c.get('mean'))} ± {_fmt(c.get('ci'))})",
                      _fmt(c.get("p_bootstrap"), 4), _fmt(c.get("p_ar"), 4)]
        table.add_row(*cells)
    console.print(table)
    for m in metrics:
        for test, sig in comparison.signatures[m].items():
            console.print(f"{m} {test}: {sig}", highlight=False, soft_wrap=True)


@command(app, "score")
def score(
    hyp: Annotated[str, typer.Argument(
        metavar="HYP", help="Hypothesis file, one segment a line ('-': stdin).")],
    refs: Annotated[list[str], typer.Argument(
        metavar="REF", help="Reference file(s), line-parallel to HYP.")],
    metrics: Annotated[str, typer.Option(
        "--metrics", help="Comma-separated: bleu, chrf, chrf++, ter.")] = "bleu,chrf",
    tokenize: Annotated[str, typer.Option(
        "--tokenize", help="BLEU tokenizer: 13a, intl, char, none, zh, ja-mecab, ...")] = "13a",
    sentence: Annotated[bool, typer.Option(
        "--sentence", help="Per-line BLEU (effective order) and chrF, worst lines first.")] = False,
    confidence: Annotated[bool, typer.Option(
        "--confidence", help="Bootstrap 95% confidence interval (1,000 resamples).")] = False,
    system: Annotated[list[str] | None, typer.Option(
        "--system", help="NAME=FILE of another system to compare with HYP (the baseline); "
        "repeat for more. Prints paired bootstrap and approximate-randomisation p-values.",
    )] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    align: Annotated[bool, typer.Option(
        "--align", help="HYP and REF are whole articles whose paragraphs and sentences do not "
        "line up: segment both, align the sentences (bleu, same language), score the aligned "
        "units; a sentence left out on either side is scored against an empty string.")] = False,
) -> None:
    """Score a translation against one or more references with sacrebleu.

    Every score is printed with the sacrebleu signature that reproduces it. Files must be
    line-parallel: different line counts are refused (exit 2) rather than truncated.

    Examples:

        tarjama score out.en.txt ref.en.txt

        tarjama score out.ru.txt ref.ru.txt --metrics bleu,chrf,chrf++,ter --confidence

        tarjama score out.en.txt ref.en.txt --sentence --format json > lines.json

        tarjama score base.en.txt ref.en.txt --system ct2=ct2.en.txt --system beam1=b1.en.txt

        tarjama score --align article.mt.en.txt article.ref.en.txt --sentence
    """
    from translate import score as sc

    if align and (len(refs) != 1 or system):
        raise UsageError("--align scores one hypothesis article against one reference article "
                         "(no --system, one REF)")
    if fmt not in ("text", "json"):
        raise UsageError(f"--format: unknown value {fmt!r}; choose from json, text")
    names = parse_list(metrics, "--metrics", set(sc.METRICS))
    if tokenize not in sc.tokenizers():
        raise UsageError(f"--tokenize: unknown value {tokenize!r}; "
                         f"choose from {', '.join(sc.tokenizers())}")
    others = parse_assignments(system, "--system")
    if [hyp, *refs, *others.values()].count("-") > 1:
        raise UsageError("standard input can be read once: give '-' for one file only")
    if others and sentence:
        raise UsageError("--sentence scores one system; drop --system or --sentence")

    aligned = None
    if align:
        from translate.align.articles import align_articles
        from translate.fsio import read_text

        aligned = align_articles(read_text(hyp), read_text(refs[0]), hyp, refs[0])
        hyps, ref_streams = aligned.hyps, [aligned.refs]
    else:
        hyps = sc.read_stream(hyp)
        ref_streams = [sc.read_stream(r) for r in refs]
    kw: dict[str, Any] = {"ref_names": refs}
    sc.check_streams(hyps, ref_streams, hyp, refs)
    scores = sc.score_corpus(hyps, ref_streams, names, tokenize, confidence, hyp_name=hyp, **kw)
    out: dict[str, Any] = {"hypothesis": hyp, "references": refs, "lines": len(hyps),
                           "scores": [s.to_dict() for s in scores]}
    if aligned is not None:
        out["alignment"] = {"units": len(aligned.beads), "hypothesis_only": aligned.hyp_only,
                            "reference_only": aligned.ref_only,
                            "beads": [b.to_dict() for b in aligned.beads]}
    lines = sigs = comparison = None
    if sentence:
        lines, sigs = sc.score_sentences(hyps, ref_streams, tokenize, hyp_name=hyp, **kw)
        out["sentences"] = [r.to_dict() for r in lines]
        out["sentence_signatures"] = sigs
    if others:
        systems = [(Path(hyp).name if hyp != "-" else "stdin", hyps)]
        systems += [(name, sc.read_stream(path)) for name, path in others.items()]
        for (name, h), path in zip(systems[1:], others.values(), strict=True):
            sc.check_streams(h, ref_streams, f"{path} (system {name})", refs)
        comparison = sc.compare_systems(systems, ref_streams, names, tokenize, **kw)
        out["comparison"] = comparison.to_dict()

    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if aligned is not None:
        typer.echo(f"Aligned {len(aligned.beads)} units ({aligned.ref_only} reference-only, "
                   f"{aligned.hyp_only} hypothesis-only, scored against empty text)")
    for s in scores:
        ci = f" (μ = {s.mean:.2f} ± {s.ci:.2f}, 95% CI)" if s.ci is not None else ""
        typer.echo(f"{s.name} = {s.score:.2f}{ci}  {s.signature}")
    if lines is not None and sigs is not None:
        typer.echo(f"\nPer line, worst first (BLEU: {sigs['BLEU']}; chrF: {sigs['chrF2']})")
        typer.echo(f"{'line':>6}  {'BLEU':>6}  {'chrF':>6}  hypothesis")
        for r in lines:
            typer.echo(f"{r.line:>6}  {r.bleu:6.2f}  {r.chrf:6.2f}  {r.hypothesis}")
    if comparison is not None:
        typer.echo("")
        _print_table(comparison, list(comparison.signatures))
