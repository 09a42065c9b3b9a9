"""Similarity signals between a source span and a target span, and their combination as costs.

A signal answers ``pair_sims(a, ps, b, qs)``: the similarity in [0, 1] of source span
[p, p+a) with target span [q, q+b) for each pair (p, q). Signals differ in scale (e5 cosines of
unrelated sentences sit near 0.75, BLEU of unrelated sentences near 0), so each is made
comparable the way Vecalign does: the cost of a bead divides (1 - sim) by how dissimilar each side
is on average to random sentences of the other side. An unrelated pair then costs about 0.5 and a
perfect one 0, for every signal, encoder and language pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_WORD = re.compile(r"\w+")


class Signal:
    name = "signal"

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        raise NotImplementedError


# ---------------------------------------------------------------- BLEU (Bleualign-style)

def _ngram_sets(tokens: Sequence[str], order: int) -> list[frozenset]:
    return [frozenset(zip(*[tokens[k:] for k in range(n)], strict=False))
            for n in range(1, order + 1)]


def sentence_bleu(hyp: list[frozenset], hyp_len: int, ref: list[frozenset], ref_len: int) -> float:
    """A modified sentence BLEU over n-gram *types* (sets): set intersections are fast, and a
    repeated word matching twice adds nothing for alignment. Unigram precision is unsmoothed (no
    shared word means no evidence), higher orders are add-one smoothed; brevity penalty as BLEU's.
    """
    if not hyp_len or not ref_len or not hyp[0]:
        return 0.0
    logp = 0.0
    for n, (h, r) in enumerate(zip(hyp, ref, strict=True)):
        match = len(h & r) if len(h) <= len(r) else len(r & h)
        if n == 0:
            if not match:
                return 0.0
            logp += math.log(match / len(h))
        else:
            logp += math.log((match + 1) / (len(h) + 1))
    bp = min(1.0, math.exp(1.0 - ref_len / hyp_len))
    return bp * math.exp(logp / len(hyp))


class BleuSignal(Signal):
    """MT of the source span against the target span (and, with ``tgt_mt``, the reverse too)."""

    name = "bleu"

    def __init__(self, src_mt: list[str], tgt: list[str], src: list[str] | None = None,
                 tgt_mt: list[str] | None = None, order: int = 2) -> None:
        self.order = order
        self.sides = [(self._tok(src_mt), self._tok(tgt))]
        if tgt_mt is not None and src is not None:
            self.sides.append((self._tok(src), self._tok(tgt_mt)))
        self._cache: dict[tuple[int, int, int, int], tuple[list[frozenset], int]] = {}

    @staticmethod
    def _tok(lines: list[str]) -> list[list[str]]:
        return [_WORD.findall(x.casefold()) for x in lines]

    def _span(self, side: int, which: int, p: int, a: int) -> tuple[list[frozenset], int]:
        key = (side, which, p, a)
        got = self._cache.get(key)
        if got is None:
            toks = [t for line in self.sides[side][which][p:p + a] for t in line]
            got = (_ngram_sets(toks, self.order), len(toks))
            self._cache[key] = got
        return got

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        out = np.zeros(len(ps))
        pl, ql = ps.tolist(), qs.tolist()
        for side in range(len(self.sides)):
            # spans looked up once per distinct start: the DP asks for one p against many q
            hs = {p: self._span(side, 0, p, a) for p in set(pl)}
            rs = {q: self._span(side, 1, q, b) for q in set(ql)}
            for k, (p, q) in enumerate(zip(pl, ql, strict=True)):
                h, hl = hs[p]
                r, rl = rs[q]
                # the reverse direction hypothesises the target's MT against the source
                out[k] += sentence_bleu(h, hl, r, rl) if side == 0 else \
                    sentence_bleu(r, rl, h, hl)
        return out / len(self.sides)


# ---------------------------------------------------------------- length (Gale-Church)

#: Gale & Church (1993): variance of the target/source length difference per source character
GC_S2 = 6.8
#: Gale & Church's bead priors (as in NLTK's implementation)
GC_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089,
             (2, 2): 0.011}


def _erfc(x: np.ndarray) -> np.ndarray:
    # Numerical Recipes' erfc (|error| < 1.2e-7); numpy has no erf and scipy is not a dependency
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    r = t * np.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (
        0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (
            1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    return np.where(x >= 0, r, 2.0 - r)


class LengthSignal(Signal):
    """Gale-Church: P(|delta| >= observed) for character lengths; c is the document's ratio."""

    name = "length"

    def __init__(self, src: list[str], tgt: list[str]) -> None:
        self.ls = np.concatenate([[0], np.cumsum([len(x) for x in src])]).astype(np.float64)
        self.lt = np.concatenate([[0], np.cumsum([len(x) for x in tgt])]).astype(np.float64)
        total_s, total_t = self.ls[-1], self.lt[-1]
        # expected target characters per source character: estimated per document, so the
        # method works for any pair (Gale-Church's c = 1 holds only for similar scripts)
        self.c = min(4.0, max(0.25, total_t / total_s)) if total_s and total_t else 1.0

    def delta(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        l1 = self.ls[ps + a] - self.ls[ps]
        l2 = self.lt[qs + b] - self.lt[qs]
        mean = (l1 + l2 / self.c) / 2.0
        return (l2 - l1 * self.c) / np.sqrt(np.maximum(mean, 1.0) * GC_S2)

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        return _erfc(np.abs(self.delta(a, ps, b, qs)) / math.sqrt(2.0))


# ---------------------------------------------------------------- combination

@dataclass
class Combined:
    """Vecalign-normalised weighted cost over signals for one document."""

    signals: list[tuple[Signal, float]]
    n: int
    m: int
    samples: int = 16
    seed: int = 0
    _norm_src: dict = field(default_factory=dict)
    _norm_tgt: dict = field(default_factory=dict)

    def _random_partners(self, count: int, size: int, other: int, other_count: int,
                         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``count`` spans, ``samples`` partner lines of the other side, avoiding
        the proportional diagonal where the document is long enough (true partners live there)."""
        own = np.repeat(np.arange(count), self.samples)
        cand = rng.integers(0, max(other_count, 1), size=len(own))
        if other_count > 6:
            expect = own * other_count / max(count, 1)
            near = np.abs(cand - expect) <= 2
            cand[near] = (cand[near] + other_count // 2) % other_count
        return own, cand

    def _norms(self, a: int, src_side: bool) -> list[np.ndarray]:
        cache = self._norm_src if src_side else self._norm_tgt
        if a not in cache:
            rng = np.random.default_rng(self.seed + 31 * a + (0 if src_side else 7))
            count = (self.n if src_side else self.m) - a + 1
            other = self.m if src_side else self.n
            own, partner = self._random_partners(max(count, 0), a, 1, other, rng)
            res = []
            for sig, _ in self.signals:
                if count <= 0:
                    res.append(np.zeros(0))
                    continue
                s = (sig.pair_sims(a, own, 1, partner) if src_side
                     else sig.pair_sims(1, partner, a, own))
                res.append(np.maximum((1.0 - s).reshape(count, self.samples).mean(axis=1), 0.05))
            cache[a] = res
        return cache[a]

    def cost_pairs(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        total = np.zeros(len(ps))
        wsum = 0.0
        ns, nt = self._norms(a, True), self._norms(b, False)
        for k, (sig, w) in enumerate(self.signals):
            s = sig.pair_sims(a, ps, b, qs)
            total += w * (1.0 - s) / (ns[k][ps] + nt[k][qs])
            wsum += w
        return total / wsum * (a * b)

    def cost(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        return self.cost_pairs(a, np.full(len(js), i - a), b, js - b)

    def deletion_cost(self, percentile: float) -> float:
        """Vecalign's deletion penalty: a percentile of the 1-1 costs of unrelated pairs."""
        rng = np.random.default_rng(self.seed + 99)
        own, partner = self._random_partners(self.n, 1, 1, self.m, rng)
        costs = self.cost_pairs(1, own, 1, partner)
        return float(np.percentile(costs, percentile)) if len(costs) else 0.5

    def score(self, a: int, p: int, b: int, q: int) -> float:
        """0 for an unrelated pair, 1 for a perfect one; comparable across methods."""
        c = float(self.cost_pairs(a, np.array([p]), b, np.array([q]))[0]) / (a * b)
        return min(1.0, max(0.0, 1.0 - 2.0 * c))
