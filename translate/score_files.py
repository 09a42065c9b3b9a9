"""``tarjama score``: files in, a report out (read, check, score, compare; text or JSON).

The metrics themselves are in ``translate.score``; this module reads the files the user named,
refuses what cannot be scored before any work, and returns one ``ScoreReport`` whose text form
follows sacrebleu's (``BLEU = 24.30 58.1/31.2/18.4/11.2 (BP = 0.962 ratio = 0.963 ...)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate import score as sc
from translate.errors import UsageError
from translate.tables import plain_table


@dataclass
class ScoreRequest:
    hyp: str  # a file, or "-" for stdin
    refs: list[str]
    metrics: str = "bleu,chrf"  # comma-separated names from translate.score.METRICS
    tokenize: str | None = None  # None: 13a, or sacrebleu's default for the target language
    sentence: bool = False  # per-line scores, worst first
    confidence: bool = False  # bootstrap 95% CI
    systems: dict[str, str] = field(default_factory=dict)  # other systems: name → file
    align: bool = False  # whole articles: align sentences first
    settings: sc.MetricSettings | None = None  # sacrebleu's settings (None: tokenize alone)
    width: int = 2  # decimals of a score in text (sacrebleu's -w)
    score_only: bool = False  # text: the scores alone, one a line (sacrebleu's -b)

    def metric_settings(self) -> sc.MetricSettings:
        return self.settings or sc.MetricSettings(tokenize=self.tokenize)

    def metric_names(self) -> list[str]:
        names = list(dict.fromkeys(m.strip() for m in self.metrics.split(",") if m.strip()))
        unknown = [m for m in names if m not in sc.METRICS]
        if unknown or not names:
            raise UsageError(f"--metrics: unknown value(s) {', '.join(unknown) or '(none)'}; "
                             f"choose from {', '.join(sc.METRICS)}")
        return names

    def check(self) -> None:
        if self.align and (len(self.refs) != 1 or self.systems):
            raise UsageError("--align scores one hypothesis article against one reference "
                             "article (no --system, one REF)")
        if [self.hyp, *self.refs, *self.systems.values()].count("-") > 1:
            raise UsageError("standard input can be read once: give '-' for one file only")
        if self.systems and self.sentence:
            raise UsageError("--sentence scores one system; drop --system or --sentence")


@dataclass
class ScoreReport:
    hypothesis: str
    references: list[str]
    lines: int
    scores: list[sc.MetricScore]
    alignment: Any = None  # translate.align.articles.AlignedUnits with --align
    sentences: list[sc.SentenceScore] | None = None
    sentence_signatures: dict[str, str] | None = None
    comparison: sc.Comparison | None = None
    width: int = 2  # decimals of a score in text
    score_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"hypothesis": self.hypothesis, "references": self.references,
                               "lines": self.lines, "scores": [s.to_dict() for s in self.scores]}
        if self.alignment is not None:
            a = self.alignment
            out["alignment"] = {"units": len(a.beads), "hypothesis_only": a.hyp_only,
                                "reference_only": a.ref_only,
                                "beads": [b.to_dict() for b in a.beads]}
        if self.sentences is not None:
            out["sentences"] = [r.to_dict() for r in self.sentences]
            out["sentence_signatures"] = self.sentence_signatures
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_dict()
        return out

    def to_text(self) -> str:
        if self.score_only:  # as sacrebleu -b: one number a metric, nothing else
            return "".join(f"{s.score:.{self.width}f}\n" for s in self.scores)
        out = []
        if self.alignment is not None:
            a = self.alignment
            out.append(f"Aligned {len(a.beads)} units ({a.ref_only} reference-only, "
                       f"{a.hyp_only} hypothesis-only, scored against empty text)")
        out += [score_line(s, self.width) for s in self.scores]
        if self.sentences is not None and self.sentence_signatures is not None:
            sigs = self.sentence_signatures
            out += ["", f"Per line, worst first (BLEU: {sigs['BLEU']}; chrF: {sigs['chrF2']})",
                    f"{'line':>6}  {'BLEU':>6}  {'chrF':>6}  hypothesis / reference"]
            for r in self.sentences:
                out.append(f"{r.line:>6}  {r.bleu:6.2f}  {r.chrf:6.2f}  {r.hypothesis}")
                out += [f"{'':>6}  {'':>6}  {'ref':>6}  {ref}" for ref in r.references]
        if self.comparison is not None:
            out += ["", comparison_table(self.comparison).rstrip("\n")]
        return "\n".join(out) + "\n"


def score_line(s: sc.MetricScore, width: int = 2) -> str:
    """sacrebleu's line: the score, BLEU's n-gram precisions, brevity penalty and length ratio,
    the bootstrap interval when asked, then the signature that reproduces it."""
    detail = f" {s.detail}" if s.detail else ""
    ci = f" (μ = {s.mean:.{width}f} ± {s.ci:.{width}f}, 95% CI)" if s.ci is not None else ""
    return f"{s.name} = {s.score:.{width}f}{detail}{ci}  {s.signature}"


def _num(value: float | None, width: int = 2) -> str:
    return "—" if value is None else f"{value:.{width}f}"


def comparison_table(comparison: sc.Comparison) -> str:
    metrics = list(comparison.signatures)
    header = ["System"]
    for m in metrics:
        header += [f"{m} (μ ± 95% CI)", "p (bootstrap)", "p (AR)"]
    rows = []
    for row in comparison.systems:
        cells = [row.name + (" (baseline)" if row.baseline else "")]
        for m in metrics:
            c = row.scores[m]
            cells += [f"{c['score']:.2f} ({_num(c.get('mean'))} ± {_num(c.get('ci'))})",
                      _num(c.get("p_bootstrap"), 4), _num(c.get("p_ar"), 4)]
        rows.append(cells)
    sigs = [f"{m} {test}: {sig}" for m in metrics
            for test, sig in comparison.signatures[m].items()]
    return ("Paired significance against the baseline (first row)\n"
            + plain_table(header, rows, right=[False] + [True] * (len(header) - 1))
            + "".join(f"{s}\n" for s in sigs))


def score_files(req: ScoreRequest) -> ScoreReport:
    """Read and check every file, then score; nothing is scored from streams that differ in
    length (sacrebleu's Python API would silently truncate them)."""
    req.check()
    names = req.metric_names()
    aligned = None
    if req.align:
        from translate.align.articles import align_articles
        from translate.fsio import read_text

        aligned = align_articles(read_text(req.hyp), read_text(req.refs[0]), req.hyp,
                                 req.refs[0])
        hyps, refs = aligned.hyps, [aligned.refs]
    else:
        hyps, refs = sc.read_stream(req.hyp), [sc.read_stream(r) for r in req.refs]
    sc.check_streams(hyps, refs, req.hyp, req.refs)
    others = [(name, sc.read_stream(path)) for name, path in req.systems.items()]
    for (name, h), path in zip(others, req.systems.values(), strict=True):
        sc.check_streams(h, refs, f"{path} (system {name})", req.refs)
    kw: dict[str, Any] = {"ref_names": req.refs}
    settings = req.metric_settings()
    report = ScoreReport(req.hyp, req.refs, len(hyps),
                         sc.score_corpus(hyps, refs, names, settings, req.confidence,
                                         hyp_name=req.hyp, **kw), alignment=aligned,
                         width=req.width, score_only=req.score_only)
    if req.sentence:
        report.sentences, report.sentence_signatures = sc.score_sentences(
            hyps, refs, settings, hyp_name=req.hyp, **kw)
    if others:
        base = Path(req.hyp).name if req.hyp != "-" else "stdin"
        report.comparison = sc.compare_systems([(base, hyps), *others], refs, names,
                                               settings, **kw)
    return report
