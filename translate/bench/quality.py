"""Translation quality of models on test sets: BLEU, chrF, chrF++ with signatures, QA flags.

Every test segment goes the way an article goes through ``tarjama translate``: the segmenter
splits it into sentences (and chunks a sentence longer than the model's input limit), the engine
translates the units batched over the whole test set, and each segment's translation is the
units' translations joined by a space. So a score measures what a user gets, and with the
overfit fixtures on their own pairs it must be exactly 100: anything lost on the way (a split
that differs from training, a dropped chunk, detokenisation) shows as less. ``segment=False``
sends each line as it is instead, as the OPUS-MT leaderboard does.

A route is the legs from Arabic to the target: ``[ar-en]`` (direct) or ``[ar-en, en-ru]`` (the
pivot). Legs' outputs are kept per test set, so the pivot reuses the ar→en translations of the
same sources rather than translating them twice.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from translate.bench.testsets import TestSet
from translate.errors import UsageError
from translate.values import Hypothesis, ProgressFactory, chain_hypotheses, join_hypotheses

if TYPE_CHECKING:
    from translate.engines.base import Engine

Leg = tuple[str, str]
DEFAULT_METRICS = ("bleu", "chrf", "chrf++")


@dataclass
class QualityOptions:
    metrics: tuple[str, ...] = DEFAULT_METRICS
    tokenize: str = "13a"
    confidence: bool = True  # bootstrap 95% CI (line-level sets only)
    checks: bool = True  # segment QA flags over every hypothesis
    segment: bool = True  # False: each test line is sent whole (the OPUS-MT protocol)
    pivot: bool | None = None  # None: when an en-ru model is configured
    significance: bool = True  # paired tests, pivot against direct


@dataclass
class QualityRow:
    """One system on one test set: the scores, the flags and where the hypotheses went."""

    testset: str
    pair: str  # "ar-en"
    system: str  # "direct" or "pivot-en"
    route: list[str]  # legs, e.g. ["ar-en", "en-ru"]
    models: list[dict[str, Any]]  # engine.describe() per leg
    level: str
    segments: int
    scores: list[Any]  # translate.score.MetricScore
    flags: dict[str, Any]
    errors: int  # segments that could not be translated
    hit_limit: int  # segments with a hypothesis that reached the decoding limit
    seconds: float
    hypotheses: list[str] = field(default_factory=list, repr=False)

    @property
    def key(self) -> str:
        """Stable identity of the row across runs (for history and --compare)."""
        return f"{self.testset}|{self.pair}|{self.system}"

    def score(self, name: str) -> float | None:
        return next((s.score for s in self.scores if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "testset": self.testset, "pair": self.pair,
                "system": self.system, "route": self.route, "models": self.models,
                "level": self.level, "segments": self.segments,
                "scores": {s.name: s.to_dict() for s in self.scores}, "flags": self.flags,
                "errors": self.errors, "hit_limit": self.hit_limit,
                "seconds": round(self.seconds, 3)}


@dataclass
class _Prepared:
    """A test set's sources cut into sentences and units (the texts sent to the model)."""

    sources: list[str]
    sentences: list[list[tuple[str, list[str]]]]  # per segment: (sentence, its units)

    def units(self) -> list[str]:
        return [u for seg in self.sentences for _, units in seg for u in units]


class QualityBench:
    """Runs routes over test sets with loaded engines; keeps each leg's output for reuse."""

    def __init__(self, engines: dict[Leg, Engine], options: QualityOptions | None = None,
                 progress: ProgressFactory | None = None) -> None:
        self.engines = engines
        self.options = options or QualityOptions()
        self.progress = progress
        self._prepared: dict[tuple[str, str], _Prepared] = {}
        self._legs: dict[tuple[str, str, Leg], tuple[list[Hypothesis], float]] = {}

    def routes(self, tgt: str) -> list[tuple[str, list[Leg]]]:
        """Systems to run for a target: direct when its model is there, the pivot when asked."""
        out: list[tuple[str, list[Leg]]] = []
        if ("ar", tgt) in self.engines:
            out.append(("direct", [("ar", tgt)]))
        pivot = self.options.pivot
        if pivot is None:
            pivot = ("en", tgt) in self.engines
        if pivot and tgt != "en":
            missing = [f"{s}-{t}" for s, t in (("ar", "en"), ("en", tgt))
                       if (s, t) not in self.engines]
            if missing:
                raise UsageError(f"pivot ar→en→{tgt} needs a model for {', '.join(missing)} "
                                 f"(--model {missing[0]}=ID_OR_PATH)")
            out.append(("pivot-en", [("ar", "en"), ("en", tgt)]))
        return out

    def run(self, testsets: Sequence[TestSet]) -> list[QualityRow]:
        rows = []
        for ts in testsets:
            systems = self.routes(ts.tgt)
            if not systems:
                continue
            for system, route in systems:
                rows.append(self.evaluate(ts, system, route))
        return rows

    def evaluate(self, ts: TestSet, system: str, route: list[Leg]) -> QualityRow:
        from translate.score import score_corpus

        first = self.engines[route[0]]
        prep = self._prepare(ts, first)
        hyps, seconds = self._translate(ts, prep, route)
        joined, sentence_hyps, errors, hit = _regroup(prep, hyps)
        confidence = self.options.confidence and ts.level == "line" and len(joined) > 1
        scores = score_corpus(joined, [ts.references], self.options.metrics,
                              self.options.tokenize, confidence,
                              hyp_name=f"{ts.name} {system} hypotheses",
                              ref_names=[f"{ts.name} {ts.tgt} references"])
        flags = _flag_counts(prep, sentence_hyps, ts.tgt) if self.options.checks else {}
        return QualityRow(ts.name, ts.pair, system, [f"{s}-{t}" for s, t in route],
                          [self.engines[leg].describe() for leg in route], ts.level,
                          len(joined), scores, flags, errors, hit, seconds, joined)

    # -- steps -------------------------------------------------------------------------------
    def _prepare(self, ts: TestSet, engine: Engine) -> _Prepared:
        key = (_digest(ts.sources), engine.model_id)
        if key not in self._prepared:
            self._prepared[key] = _Prepared(ts.sources, [
                _split(src, engine, self.options.segment, ts.level) for src in ts.sources])
        return self._prepared[key]

    def _translate(self, ts: TestSet, prep: _Prepared,
                   route: list[Leg]) -> tuple[list[Hypothesis], float]:
        """Each leg translates the previous leg's outputs unit by unit (as the pipeline does);
        an error or a hit limit on the first leg stays visible after the second."""
        inputs = prep.units()
        chain_key = _digest(inputs)
        result: list[Hypothesis] = []
        seconds = 0.0
        for leg in route:
            memo_key = (chain_key, self.engines[leg].model_id, leg)
            if memo_key not in self._legs:
                cb = self.progress(f"{ts.name} {leg[0]}→{leg[1]}") if self.progress else None
                started = time.perf_counter()
                out = self.engines[leg].translate_detailed(inputs, cb)
                self._legs[memo_key] = (out, time.perf_counter() - started)
            out, took = self._legs[memo_key]
            seconds += took
            result = chain_hypotheses(result, out)
            inputs = [h.text for h in out]
            chain_key = _digest(inputs)
        return result, seconds


def _split(source: str, engine: Engine, segment: bool,
           level: str) -> list[tuple[str, list[str]]]:
    """(sentence, units) of one test segment; chrome and blank lines give nothing to send."""
    from translate.errors import InputError
    from translate.segment import segment_text

    text = source.strip()
    if not text:
        return []
    if not segment and level == "line":
        return [(text, [text])]
    try:
        art = segment_text(source, count_tokens=engine.count_tokens,
                           max_tokens=engine.max_input_length)
    except InputError:
        return []
    out = [(s.text, s.units()) for b in art.blocks if b.translatable for s in b.sentences]
    # a line the segmenter takes for page chrome is still a test segment: send it whole
    return out or [(text, [text])]


def _regroup(prep: _Prepared, hyps: list[Hypothesis]
             ) -> tuple[list[str], list[list[tuple[str, Hypothesis]]], int, int]:
    """Segment hypotheses (units joined by a space) and per-sentence hypotheses for QA."""
    it = iter(hyps)
    joined: list[str] = []
    per_sentence: list[list[tuple[str, Hypothesis]]] = []
    errors = hit = 0
    for seg in prep.sentences:
        sents = []
        for sentence, units in seg:
            sents.append((sentence, join_hypotheses([next(it) for _ in units])))
        per_sentence.append(sents)
        joined.append(" ".join(h.text for _, h in sents if h.text))
        errors += any(h.error for _, h in sents)
        hit += any(h.hit_limit for _, h in sents)
    return joined, per_sentence, errors, hit


def _flag_counts(prep: _Prepared, per_sentence: list[list[tuple[str, Hypothesis]]],
                 lang: str, examples: int = 5) -> dict[str, Any]:
    """How many segments and sentences the QA checks flag, by check, with a few examples."""
    from translate.checks import run_checks

    by_check: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    flagged_segments = flagged_sentences = sentences = 0
    shown: list[dict[str, Any]] = []
    for n, sents in enumerate(per_sentence, 1):
        seg_flagged = False
        for source, hyp in sents:
            sentences += 1
            if hyp.error:
                continue
            flags = run_checks(source, hyp.text, lang, hit_limit=hyp.hit_limit)
            if not flags:
                continue
            seg_flagged = True
            flagged_sentences += 1
            for f in flags:
                by_check[f.check] += 1
                by_severity[f.severity] += 1
            if len(shown) < examples:
                shown.append({"segment": n, "source": source, "hypothesis": hyp.text,
                              "flags": [f.to_dict() for f in flags]})
        flagged_segments += seg_flagged
    return {"segments_flagged": flagged_segments, "sentences": sentences,
            "sentences_flagged": flagged_sentences, "by_check": dict(by_check),
            "by_severity": dict(by_severity), "examples": shown}


def pivot_comparisons(rows: Sequence[QualityRow], testsets: Sequence[TestSet],
                      options: QualityOptions) -> list[dict[str, Any]]:
    """Pivot ar→en→X against direct ar→X on each test set that has both: deltas, and paired
    bootstrap / approximate randomisation p-values (sacrebleu) on line-level sets."""
    from translate.score import compare_systems

    refs = {(t.name, t.pair): t.references for t in testsets}
    out = []
    for direct in rows:
        if direct.system != "direct":
            continue
        pivot = next((r for r in rows if r.system == "pivot-en" and r.testset == direct.testset
                      and r.pair == direct.pair), None)
        if pivot is None:
            continue
        entry: dict[str, Any] = {
            "testset": direct.testset, "pair": direct.pair,
            "direct": {s.name: s.score for s in direct.scores},
            "pivot": {s.name: s.score for s in pivot.scores},
            "delta": {s.name: round(pivot.score(s.name) - s.score, 2)  # type: ignore[operator]
                      for s in direct.scores},
        }
        if options.significance and direct.level == "line" and direct.segments > 1:
            metrics = [m for m in options.metrics if m != "ter"]
            cmp = compare_systems([("direct", direct.hypotheses), ("pivot-en", pivot.hypotheses)],
                                  [refs[(direct.testset, direct.pair)]], metrics,
                                  options.tokenize)
            entry["significance"] = cmp.to_dict()
        out.append(entry)
    return out


def _digest(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()
