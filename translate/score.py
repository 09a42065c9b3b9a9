"""Corpus and sentence scores over sacrebleu's metric classes, with signatures.

Every number carries the sacrebleu signature that reproduces it. Streams are checked here
before sacrebleu sees them: its Python API zips hypotheses with references, so 3 hypotheses
against 2 references silently score the first two (BLEU 100 when they match).

Paired significance follows ``sacrebleu.significance.PairedTest`` as the sacrebleu CLI uses it:
metrics built with the references cached, the first system is the baseline, paired bootstrap
(1,000 resamples, also giving each system's 95% CI) and paired approximate randomisation
(10,000 trials); the seed is sacrebleu's (``SACREBLEU_SEED``, default 12345), so p-values repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.errors import InputError, UsageError
from translate.fsio import decode_utf8, printable, read_bytes, split_lines

METRICS = ("bleu", "chrf", "chrf++", "ter")
BOOTSTRAP_SAMPLES = 1000  # sacrebleu's default for --confidence and --paired-bs
AR_TRIALS = 10000  # sacrebleu's default for --paired-ar


@dataclass(frozen=True)
class MetricSettings:
    """sacrebleu's metric settings, as its CLI names them (``-tok``, ``-lc``, ``-l``,
    ``--chrf-*``, ``--ter-*``); every one of them shows in the signature."""

    tokenize: str | None = None  # None: sacrebleu's default for trg_lang (zh, ja-mecab, ...)
    lowercase: bool = False  # BLEU (sacrebleu's -lc)
    trg_lang: str = ""  # the target of -l SRC-TGT: picks BLEU's default tokenizer
    chrf_char_order: int = 6
    chrf_word_order: int | None = None  # None: 0 for chrf, 2 for chrf++
    chrf_beta: int = 2
    chrf_whitespace: bool = False
    chrf_eps_smoothing: bool = False
    chrf_lowercase: bool = False
    ter_case_sensitive: bool = False
    ter_asian_support: bool = False
    ter_no_punct: bool = False
    ter_normalized: bool = False

    @classmethod
    def of(cls, tokenize: str | MetricSettings | None) -> MetricSettings:
        return tokenize if isinstance(tokenize, MetricSettings) else cls(tokenize=tokenize)


@dataclass
class MetricScore:
    name: str  # sacrebleu's name: "BLEU", "chrF2", "chrF2++", "TER"
    score: float
    signature: str
    mean: float | None = None  # bootstrap mean, when confidence was asked
    ci: float | None = None  # half-width of the bootstrap 95% interval: score is mean ± ci
    detail: str = ""  # BLEU's precisions / brevity penalty line

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SentenceScore:
    line: int  # 1-based line number in the hypothesis file
    bleu: float
    chrf: float
    hypothesis: str
    references: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SystemResult:
    """One system's scores in a paired comparison; p-values are None for the baseline."""

    name: str
    baseline: bool
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Comparison:
    systems: list[SystemResult]
    signatures: dict[str, dict[str, str]]  # metric -> {"bootstrap": sig, "ar": sig}

    def to_dict(self) -> dict[str, Any]:
        return {"systems": [s.to_dict() for s in self.systems], "signatures": self.signatures}


def read_stream(path: str | Path) -> list[str]:
    """One segment a line, read exactly as sacrebleu reads it (so the scores agree): UTF-8
    with a byte-order mark kept as a character, split on ``\n`` only, each line right-stripped.
    An empty file is an input error (it would score 0 or crash)."""
    text = decode_utf8(read_bytes(path), printable(path), keep_bom=True)
    lines = [line.rstrip() for line in split_lines(text)]
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: empty file (no segments to score)")
    return lines


def check_streams(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    hyp_name: str = "hypotheses",
    ref_names: Sequence[str] | None = None,
) -> None:
    """Refuse streams sacrebleu would silently truncate or cannot score."""
    if not refs:
        raise UsageError("at least one reference stream is needed")
    names = list(ref_names) if ref_names else [f"references #{i + 1}" for i in range(len(refs))]
    if not hyps:
        raise InputError(f"{hyp_name}: no segments to score")
    for ref, name in zip(refs, names, strict=True):
        if len(ref) != len(hyps):
            raise UsageError(
                f"line counts differ: {len(hyps)} lines in {hyp_name} but {len(ref)} in {name}; "
                f"hypotheses and references must be line-parallel"
            )


def make_metric(name: str, tokenize: str | MetricSettings | None = "13a",
                references: Any = None, **kw: Any) -> Any:
    """A sacrebleu metric object for one of ``METRICS``, built as sacrebleu's CLI builds it
    from the same settings (a tokenizer name alone: BLEU's tokenizer)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    s = MetricSettings.of(tokenize)
    tokenize = s.tokenize
    try:
        if name == "bleu":
            return _float_scores(BLEU(tokenize=s.tokenize, lowercase=s.lowercase,
                                      trg_lang=s.trg_lang, references=references, **kw))
        if name in ("chrf", "chrf++"):
            order = s.chrf_word_order if s.chrf_word_order is not None else \
                (2 if name == "chrf++" else 0)
            return _float_scores(CHRF(char_order=s.chrf_char_order, word_order=order,
                                      beta=s.chrf_beta, lowercase=s.chrf_lowercase,
                                      whitespace=s.chrf_whitespace,
                                      eps_smoothing=s.chrf_eps_smoothing, references=references))
        if name == "ter":
            return _float_scores(TER(normalized=s.ter_normalized, no_punct=s.ter_no_punct,
                                     asian_support=s.ter_asian_support,
                                     case_sensitive=s.ter_case_sensitive,
                                     references=references))
    except (RuntimeError, ImportError, OSError) as e:
        # sacrebleu raises these for tokenizers that need an extra (ja-mecab) or a download
        first = next((ln.strip() for ln in str(e).splitlines() if ln.strip()), type(e).__name__)
        hint = next((ln.strip() for ln in str(e).splitlines() if "pip install" in ln), "")
        extra = f" ({hint})" if hint else ""
        raise UsageError(f"--tokenize {tokenize}: {first}{extra}") from None
    raise UsageError(f"unknown metric {name!r}; choose from {', '.join(METRICS)}")


def _float_scores(metric: Any) -> Any:
    """sacrebleu's scores are Python floats in some cases (chrF: no match at all) and numpy
    float32 in others; its bootstrap CI (``statistics.mean``) cannot mix the two, so a poor
    system (a bootstrap sample with no match) crashed the bench. Every score is a float here."""
    compute = metric._compute_score_from_stats

    def as_float(stats: Any) -> Any:
        score = compute(stats)
        score.score = float(score.score)
        return score

    metric._compute_score_from_stats = as_float
    return metric


def tokenizers() -> list[str]:
    from sacrebleu.metrics import BLEU

    return list(BLEU.TOKENIZERS)


def _check_metric_names(metrics: Sequence[str], tokenize: str | MetricSettings | None) -> None:
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise UsageError(f"unknown metric(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(METRICS)}")
    tokenize = MetricSettings.of(tokenize).tokenize
    if tokenize is not None and tokenize not in tokenizers():
        raise UsageError(f"unknown tokenizer {tokenize!r}; choose from {', '.join(tokenizers())}")


def score_corpus(
    hyps: list[str],
    refs: list[list[str]],
    metrics: Sequence[str] = ("bleu", "chrf"),
    tokenize: str | MetricSettings = "13a",
    confidence: bool = False,
    *,
    hyp_name: str = "hypotheses",
    ref_names: Sequence[str] | None = None,
) -> list[MetricScore]:
    """Corpus scores, each with its signature (and bootstrap 95% CI when ``confidence``)."""
    _check_metric_names(metrics, tokenize)
    check_streams(hyps, refs, hyp_name, ref_names)
    out = []
    for name in metrics:
        metric = make_metric(name, tokenize)
        n = BOOTSTRAP_SAMPLES if confidence else 1
        s = metric.corpus_score(hyps, refs, n_bootstrap=n)
        ms = MetricScore(s.name, float(s.score), metric.get_signature().format(),
                         detail=s._verbose)
        if confidence:
            ms.mean, ms.ci = float(s._mean), float(s._ci)
        out.append(ms)
    return out


def score_sentences(
    hyps: list[str],
    refs: list[list[str]],
    tokenize: str | MetricSettings = "13a",
    *,
    hyp_name: str = "hypotheses",
    ref_names: Sequence[str] | None = None,
) -> tuple[list[SentenceScore], dict[str, str]]:
    """Per-line BLEU (effective order, as sacrebleu does for sentences) and chrF, worst first
    (by BLEU, then chrF, then line number). Also returns the two signatures."""
    _check_metric_names(["bleu"], tokenize)
    check_streams(hyps, refs, hyp_name, ref_names)
    bleu = make_metric("bleu", tokenize, effective_order=True)
    chrf = make_metric("chrf", tokenize)
    rows = []
    for i, hyp in enumerate(hyps):
        line_refs = [r[i] for r in refs]
        rows.append(SentenceScore(i + 1, float(bleu.sentence_score(hyp, line_refs).score),
                                  float(chrf.sentence_score(hyp, line_refs).score),
                                  hyp, line_refs))
    rows.sort(key=lambda r: (r.bleu, r.chrf, r.line))
    sigs = {"BLEU": bleu.get_signature().format(), "chrF2": chrf.get_signature().format()}
    return rows, sigs


def compare_systems(
    systems: Sequence[tuple[str, list[str]]],
    refs: list[list[str]],
    metrics: Sequence[str] = ("bleu", "chrf"),
    tokenize: str | MetricSettings = "13a",
    *,
    ref_names: Sequence[str] | None = None,
    bootstrap_samples: int = BOOTSTRAP_SAMPLES,
    ar_trials: int = AR_TRIALS,
) -> Comparison:
    """Paired bootstrap and approximate randomisation of every system against the first."""
    if len(systems) < 2:
        raise UsageError("a paired comparison needs a baseline and at least one more system")
    _check_metric_names(metrics, tokenize)
    for name, hyps in systems:
        check_streams(hyps, refs, name, ref_names)
    from sacrebleu.significance import PairedTest, Result

    named: list[tuple[str, Sequence[str]]] = [(name, list(hyps)) for name, hyps in systems]
    results = [SystemResult(name, i == 0) for i, (name, _) in enumerate(named)]
    signatures: dict[str, dict[str, str]] = {}
    for test, n in (("bs", bootstrap_samples), ("ar", ar_trials)):
        # fresh metrics per test: PairedTest writes the test's settings into their signatures
        objs = {m: make_metric(m, tokenize, references=refs) for m in metrics}
        sigs, table = PairedTest(named, objs, references=None, test_type=test, n_samples=n)()
        for metric_name, sig in sigs.items():
            key = "bootstrap" if test == "bs" else "ar"
            signatures.setdefault(metric_name, {})[key] = sig.format()
        for metric_name, column in table.items():
            if metric_name == "System":
                continue
            for row, res in zip(results, column, strict=True):
                if not isinstance(res, Result):
                    continue
                cell = row.scores.setdefault(metric_name, {"score": float(res.score)})
                if test == "bs":
                    cell["mean"] = None if res.mean is None else float(res.mean)
                    cell["ci"] = None if res.ci is None else float(res.ci)
                    cell["p_bootstrap"] = None if res.p_value is None else float(res.p_value)
                else:
                    cell["p_ar"] = None if res.p_value is None else float(res.p_value)
    # sacrebleu (after multeval) counts resampled differences strictly greater than the observed
    # one, plus one: a system identical in score to the baseline gets p = 1/(n+1), "significant"
    # (multeval issue #5). Zero observed difference leaves nothing to test: p = 1.
    base = results[0].scores
    for row in results[1:]:
        for metric_name, cell in row.scores.items():
            if cell["score"] == base[metric_name]["score"]:
                cell["p_bootstrap"] = cell["p_ar"] = 1.0
    return Comparison(results, signatures)
