"""Translation quality of models on test sets: BLEU, chrF, chrF++ with signatures, QA flags.

Every test segment goes the way an article goes through ``tarjama translate``: the segmenter
splits it into sentences (and chunks a sentence longer than the model's input limit), the engine
translates the units batched over the whole test set, and each segment's translation is the
units' translations joined by a space. So a score measures what a user gets, and with the
overfit fixtures on their own pairs it must be exactly 100: anything lost on the way (a split
that differs from training, a dropped chunk, detokenisation) shows as less. ``segment=False``
sends each line as it is instead, as the OPUS-MT leaderboard does.

A system (translate.bench.systems) is a model per direction; its routes to a target are
``direct`` (``[ar-en]``) and, with an en→X model, ``pivot-en`` (``[ar-en, en-ru]``). Legs' outputs
are kept per test set and engine, so a pivot reuses the ar→en translations of the same sources,
and two systems sharing a model translate with it once. Every row of a test set and direction
is then tested against the baseline system's row with sacrebleu's paired tests.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from translate.bench.suite import DEFAULT_SYSTEM
from translate.bench.testsets import TestSet
from translate.errors import UsageError
from translate.score import Comparison, MetricScore
from translate.values import Hypothesis, ProgressFactory, chain_hypotheses, join_hypotheses

if TYPE_CHECKING:
    from translate.engines.base import Engine

Leg = tuple[str, str]
Engines = dict[Leg, "Engine"]
DEFAULT_METRICS = ("bleu", "chrf", "chrf++")


@dataclass
class QualityOptions:
    metrics: tuple[str, ...] = DEFAULT_METRICS
    tokenize: str = "13a"
    confidence: bool = True  # bootstrap 95% CI (line-level sets only)
    checks: bool = True  # segment QA flags over every hypothesis
    segment: bool = True  # False: each test line is sent whole (the OPUS-MT protocol)
    pivot: bool | None = None  # None: when an en-ru model is configured
    significance: bool = True  # paired tests: every row against the baseline, pivot vs direct


@dataclass
class QualityRow:
    """One route of one system on one test set: scores, flags, where the hypotheses went."""

    testset: str
    pair: str  # "ar-en"
    system: str  # the system's name (translate.bench.systems)
    route: str  # "direct" or "pivot-en"
    legs: list[str]  # e.g. ["ar-en", "en-ru"]
    models: list[dict[str, Any]]  # engine.describe() per leg
    level: str
    segments: int
    scores: list[MetricScore]
    flags: dict[str, Any]
    errors: int  # segments that could not be translated
    hit_limit: int  # segments with a hypothesis that reached the decoding limit
    seconds: float
    hypotheses: list[str] = field(default_factory=list, repr=False)
    references: list[str] = field(default_factory=list, repr=False)
    significance: dict[str, Any] | None = None  # against the baseline row (same set, pair)

    @property
    def key(self) -> str:
        """Stable identity of the row across runs (for history and compare); the default
        system's rows keep the keys they had before systems had names."""
        if self.system == DEFAULT_SYSTEM:
            return f"{self.testset}|{self.pair}|{self.route}"
        return f"{self.testset}|{self.pair}|{self.system}|{self.route}"

    def score(self, name: str) -> float | None:
        return next((s.score for s in self.scores if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "testset": self.testset, "pair": self.pair,
                "system": self.system, "route": self.route, "legs": self.legs,
                "models": self.models, "level": self.level, "segments": self.segments,
                "scores": {s.name: s.to_dict() for s in self.scores}, "flags": self.flags,
                "errors": self.errors, "hit_limit": self.hit_limit,
                "seconds": round(self.seconds, 3), "significance": self.significance}


@dataclass
class _Prepared:
    """A test set's sources cut into sentences and units (the texts sent to the model)."""

    sources: list[str]
    sentences: list[list[tuple[str, list[str]]]]  # per segment: (sentence, its units)

    def units(self) -> list[str]:
        return [u for seg in self.sentences for _, units in seg for u in units]


class QualityBench:
    """Runs every system's routes over test sets; keeps each leg's output for reuse."""

    def __init__(self, systems: Sequence[tuple[str, Engines]] | Engines,
                 options: QualityOptions | None = None,
                 progress: ProgressFactory | None = None) -> None:
        # One system's engines alone (a dict) is the default system.
        self.systems = [(DEFAULT_SYSTEM, systems)] if isinstance(systems, dict) else \
            list(systems)
        self.options = options or QualityOptions()
        self.progress = progress
        self._prepared: dict[tuple[str, int], _Prepared] = {}
        self._legs: dict[tuple[str, int], tuple[list[Hypothesis], float]] = {}

    def routes(self, engines: Engines, tgt: str) -> list[tuple[str, list[Leg]]]:
        """A system's routes to a target: direct when it has the model, the pivot when asked
        (or, by default, when it has an en→target model)."""
        out: list[tuple[str, list[Leg]]] = []
        if ("ar", tgt) in engines:
            out.append(("direct", [("ar", tgt)]))
        pivot = self.options.pivot
        if pivot is None:
            pivot = ("en", tgt) in engines
        if pivot and tgt != "en":
            missing = [f"{s}-{t}" for s, t in (("ar", "en"), ("en", tgt)) if (s, t) not in engines]
            if missing:
                raise UsageError(f"pivot ar→en→{tgt} needs a model for {', '.join(missing)} "
                                 f"(--model {missing[0]}=ID_OR_PATH)")
            out.append(("pivot-en", [("ar", "en"), ("en", tgt)]))
        return out

    def run(self, testsets: Sequence[TestSet]) -> list[QualityRow]:
        rows = []
        for ts in testsets:
            done: set[tuple[int, ...]] = set()  # two systems sharing a route score it once
            for name, engines in self.systems:
                for route, legs in self.routes(engines, ts.tgt):
                    identity = tuple(id(engines[leg]) for leg in legs)
                    if identity not in done:
                        done.add(identity)
                        rows.append(self.evaluate(ts, name, route, legs, engines))
        return rows

    def evaluate(self, ts: TestSet, system: str, route: str, legs: list[Leg],
                 engines: Engines) -> QualityRow:
        from translate.score import score_corpus

        prep = self._prepare(ts, engines[legs[0]])
        hyps, seconds = self._translate(ts, prep, [engines[leg] for leg in legs])
        joined, sentence_hyps, errors, hit = _regroup(prep, hyps)
        confidence = self.options.confidence and ts.level == "line" and len(joined) > 1
        label = route if system == DEFAULT_SYSTEM else f"{system} {route}"
        scores = score_corpus(joined, [ts.references], self.options.metrics,
                              self.options.tokenize, confidence,
                              hyp_name=f"{ts.name} {label} hypotheses",
                              ref_names=[f"{ts.name} {ts.tgt} references"])
        flags = _flag_counts(prep, sentence_hyps, ts.tgt) if self.options.checks else {}
        return QualityRow(ts.name, ts.pair, system, route, [f"{s}-{t}" for s, t in legs],
                          [engines[leg].describe() for leg in legs], ts.level, len(joined),
                          scores, flags, errors, hit, seconds, joined, ts.references)

    # -- steps -------------------------------------------------------------------------------
    def _prepare(self, ts: TestSet, engine: Engine) -> _Prepared:
        key = (_digest(ts.sources), id(engine))  # units depend on the model's tokenizer
        if key not in self._prepared:
            self._prepared[key] = _Prepared(ts.sources, [
                _split(src, engine, self.options.segment, ts.level) for src in ts.sources])
        return self._prepared[key]

    def _translate(self, ts: TestSet, prep: _Prepared,
                   engines: list[Engine]) -> tuple[list[Hypothesis], float]:
        """Each leg translates the previous leg's outputs unit by unit (as the pipeline does);
        an error or a hit limit on the first leg stays visible after the second."""
        inputs = prep.units()
        result: list[Hypothesis] = []
        seconds = 0.0
        for engine in engines:
            memo_key = (_digest(inputs), id(engine))
            if memo_key not in self._legs:
                label = f"{ts.name} {engine.pair.replace('-', '→')} {engine.model_id}"
                cb = self.progress(label) if self.progress else None
                started = time.perf_counter()
                out = engine.translate_detailed(inputs, cb)
                self._legs[memo_key] = (out, time.perf_counter() - started)
            out, took = self._legs[memo_key]
            seconds += took
            result = chain_hypotheses(result, out)
            inputs = [h.text for h in out]
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
                      options: QualityOptions,
                      tested: Mapping[tuple[str, str], Comparison] | None = None,
                      ) -> list[dict[str, Any]]:
    """Each system's pivot ar→en→X against its direct ar→X on each test set that has both:
    deltas, and paired bootstrap / approximate randomisation p-values on line-level sets.

    ``tested``: what ``compare_to_baseline`` returned. The baseline system's own pivot was
    tested against its direct row there; that test is taken as it is, not run again (another
    run of the resampling would also report other p-values for the same pair of rows)."""
    from translate.score import compare_systems

    refs = {(t.name, t.pair): t.references for t in testsets}
    out = []
    for direct in rows:
        if direct.route != "direct":
            continue
        pivot = next((r for r in rows if r.route == "pivot-en" and r.system == direct.system
                      and r.testset == direct.testset and r.pair == direct.pair), None)
        if pivot is None:
            continue
        entry: dict[str, Any] = {
            "testset": direct.testset, "pair": direct.pair, "system": direct.system,
            "direct": {s.name: s.score for s in direct.scores},
            "pivot": {s.name: s.score for s in pivot.scores},
            "delta": {s.name: round(p - s.score, 2) for s in direct.scores
                      if (p := pivot.score(s.name)) is not None},
        }
        if options.significance and direct.level == "line" and direct.segments > 1:
            cmp = _pair_from((tested or {}).get((direct.testset, direct.pair)), direct, pivot)
            if cmp is None:
                metrics = [m for m in options.metrics if m != "ter"]
                cmp = compare_systems([("direct", direct.hypotheses),
                                       ("pivot-en", pivot.hypotheses)],
                                      [refs[(direct.testset, direct.pair)]], metrics,
                                      options.tokenize)
            entry["significance"] = cmp.to_dict()
        out.append(entry)
    return out


def _pair_from(cmp: Comparison | None, direct: QualityRow, pivot: QualityRow
               ) -> Comparison | None:
    """direct vs pivot out of a comparison against ``direct`` as the baseline, if it is one."""
    if cmp is None or cmp.systems[0].name != direct.key:
        return None
    found = next((s for s in cmp.systems[1:] if s.name == pivot.key), None)
    if found is None:
        return None
    return Comparison([replace(cmp.systems[0], name="direct"), replace(found, name="pivot-en")],
                      cmp.signatures)


def compare_to_baseline(rows: Sequence[QualityRow], testsets: Sequence[TestSet],
                        baseline: str, options: QualityOptions
                        ) -> dict[tuple[str, str], Comparison]:
    """Every row against the baseline system's row of its test set and direction (its direct
    route, else its pivot): score deltas and sacrebleu's paired bootstrap and approximate
    randomisation p-values, written into each row's ``significance``. A line-level set only:
    a one-segment document has nothing to resample. Returns the comparisons by (test set,
    pair), systems named by row key, the baseline first (``pivot_comparisons`` reuses them)."""
    from translate.score import compare_systems

    refs = {(t.name, t.pair): t.references for t in testsets}
    metrics = [m for m in options.metrics if m != "ter"]
    groups: dict[tuple[str, str], list[QualityRow]] = {}
    for r in rows:
        groups.setdefault((r.testset, r.pair), []).append(r)
    done: dict[tuple[str, str], Comparison] = {}
    for (testset, pair), group in groups.items():
        base = next((r for r in group if r.system == baseline and r.route == "direct"),
                    next((r for r in group if r.system == baseline), None))
        if base is None or len(group) < 2 or base.level != "line" or base.segments < 2:
            continue
        others = [r for r in group if r is not base]
        cmp = compare_systems([(r.key, r.hypotheses) for r in [base, *others]],
                              [refs[(testset, pair)]], metrics, options.tokenize)
        done[(testset, pair)] = cmp
        base.significance = {"baseline": base.key, "is_baseline": True}
        reference = cmp.systems[0].scores
        for row, result in zip(others, cmp.systems[1:], strict=True):
            row.significance = {"baseline": base.key, "scores": {
                name: {"delta": round((cell["score"] or 0.0) - (reference[name]["score"] or 0.0),
                                      2),
                       "p_bootstrap": cell.get("p_bootstrap"), "p_ar": cell.get("p_ar")}
                for name, cell in result.scores.items()}}
    return done


def _digest(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()
