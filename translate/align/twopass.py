"""The shared two-pass aligner over normalised signals (used by bleu, embed and auto).

Every signal gives an x-y bead a normalised dissimilarity ``d`` (about 0.5 for unrelated text, 0
for identical; see signals.py). The bead cost (``cost="log-odds"``) is the evidence that the bead
is a translation rather than chance, linear in each signal, zero at this document's midpoint:

    cost = sum_k w_k (d_k - mid_k)        (sum_k w_k = 1)

- ``mid_k`` is half way between a typical true pair (the median ``d_k`` of the first pass's 1-1
  anchors) and a typical unrelated pair (the median of random pairs) for signal k, so a bead more
  like this document's translations than like noise has a negative cost;
- ``w_k`` (``weights="separation"``): the meaning signals (embeddings, MT-BLEU) share their
  weight in proportion to how well each separates true from random pairs in THIS document (d':
  the gap between the medians over the pooled spread), so a weak MT (real MT of a real document:
  true pairs at sentence BLEU 5-25) counts for little beside good embeddings and a strong one for
  as much; length keeps its given share (auto.py says why). ``fixed``: the given weights.
- a null bead (1-0 / 0-1) costs ``null_margin`` (half) of a typical pair's evidence, so a line is
  left out only when every bead it could join is near chance;
- a bead of five or more lines costs ``big_bead`` (half) a typical pair's evidence more: one bead
  is one piece of evidence whatever its size, and beside a long span a deleted line changes the
  span's d so little that it rode along (measured: 3-1 + 1-0 became 4-1).

The DP then picks the alignment with the most total evidence. Two true 1-1 beads beat their
merge, and a crossing 2-2 bead ``[s1 s2][s3] / [t1][t2 t3]`` beats its two partial halves unless
the halves look like true pairs themselves. The midpoint and the weights are estimated twice:
from the first pass (1-1 beads only, so every n:m bead is counted as its partial pieces), then
from the second pass's 1-1 beads, and the corridor is aligned once more.

Deleted lines (``cover_null``): a line is "uncovered" when no span of 1-3 lines of the other side
in its corridor contains it (one-sided containment, ``Combined.cover_parts``) better than the
midpoint; such a line is more like noise than a translation wherever it goes, so its null cost is
multiplied by ``cover_null``, and a multi-line bead that takes it in is charged its full null
cost (adding a deleted line to a neighbour's pair moves the pair's ``d`` only a little). It needs
a one-sided measure (MT-BLEU): embed and length have none, so they skip it.

The size-factor costs stay for comparison: ``x+y-1`` (``(x + y - 1) * d``, the sentence
correspondences a bead links) and Vecalign's ``xy``, both with ``null`` costs. With a perfect MT
(oracle: t = 0) a crossing bead whose missing piece is a few words can lose to its halves under
log-odds; with a realistic MT, and without MT, log-odds is better (eval/align/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.dp import ONE_TO_ONE, align_dp, around_path, band, path_nodes
from translate.align.signals import Combined, Signal
from translate.errors import UsageError

#: size factor of an x-y bead's cost for the size-factor costs; "xy" is Vecalign's
SIZE_FACTORS: dict[str, Callable[[int, int], int]] = {
    "x+y-1": lambda a, b: a + b - 1,
    "xy": lambda a, b: a * b,
}
#: bead cost models (module docstring): evidence per bead, or a size factor times d
COSTS = ("log-odds", *SIZE_FACTORS)
#: fewest true pairs from which a signal's separation is measured
MIN_SEPARATION_PAIRS = 5
#: separation d' of the containment measure at which the uncovered-line test counts in full
#: (degraded-reference MT: 3-7 per document; real MT of Text+Berg: ~2)
COVER_TRUST = 5.0
#: how the 1-0 / 0-1 cost is set, per document (see SignalAligner)
NULL_COSTS = ("midpoint", "percentile")
WEIGHTS = ("separation", "fixed")

def bead_types(max_size: int) -> tuple[tuple[int, int], ...]:
    """Every x-y with x, y >= 1 and x + y <= max_size (Vecalign's alignment_max_size)."""
    return tuple(sorted(((a, b) for a in range(1, max_size) for b in range(1, max_size)
                         if a + b <= max_size), key=lambda t: (t[0] + t[1], t)))


@dataclass
class Calibration:
    """What one document's bead cost is made of (module docstring)."""

    w: np.ndarray  # per signal: evidence cost = w @ d + bias (negative: looks like a pair)
    bias: float
    mid: np.ndarray  # per signal, half way between a typical true and unrelated pair
    type_cost: dict[tuple[int, int], float]  # added to the beads of a type (big beads)
    del_s: np.ndarray  # null cost of every source line
    del_t: np.ndarray
    #: prefix sums per side of what uncovered lines add to multi-line beads (None: nothing)
    charge: tuple[np.ndarray, np.ndarray] | None


class SignalAligner(Aligner):
    """First pass: 1-1 beads (plus deletions) in a diagonal band give a rough path (the anchors).
    Second pass: every bead type in a corridor of ``width`` lines around that path, so the gaps
    between anchors are filled with n:m and null beads.

    ``cost``: ``log-odds`` (default, module docstring) or a size-factor cost, ``x+y-1`` or
    ``xy``. ``weights``: ``separation`` (default) or ``fixed`` (the signals' given weights).
    ``max_size``: the largest x + y of a bead (Vecalign's alignment_max_size); beads of five or
    more lines cost ``big_bead`` times a typical pair's evidence more. Null beads under a
    size-factor cost (``null``): ``percentile`` is Vecalign's deletion penalty (the
    ``del_percentile`` percentile of unrelated-pair costs); ``midpoint`` half way between a
    typical true and a typical unrelated pair. The first pass always uses ``x+y-1`` with the
    percentile (it only needs a rough path).
    ``band_frac``: half-width of the first-pass band as a fraction of the document length (plus
    the length difference). ``width``: the second-pass corridor, in lines either side of the
    first-pass path (Vecalign's search_buffer_size is 5). ``cover_null``: the factor on the null
    cost of a line that nothing nearby contains (module docstring). ``seed``: of the random
    unrelated pairs every signal is normalised and calibrated against (``Combined``); the
    dev sets' strict F1 moves by up to 0.05 with it on the short NTREX documents, 0.01 on
    Text+Berg (``eval/align/dev_eval.py seeds``), which is how small a difference means nothing.
    """

    def __init__(self, width: int = 5, band_frac: float = 0.05, min_band: int = 20,
                 del_percentile: float = 20.0, max_size: int = 5, cost: str = "log-odds",
                 null: str = "midpoint", cover_null: float = 0.5,
                 null_margin: float = 0.5, weights: str = "separation",
                 big_bead: float = 0.5, seed: int = 0) -> None:
        if not 0.0 < cover_null <= 1.0:
            raise UsageError("cover_null must be in (0, 1] (1 turns it off)")
        if null not in NULL_COSTS:
            raise UsageError(f"null cost must be one of {', '.join(NULL_COSTS)}")
        if cost not in COSTS:
            raise UsageError(f"bead cost must be one of {', '.join(COSTS)}")
        if cost == "log-odds" and null != "midpoint":
            raise UsageError("the log-odds cost calibrates its own null cost; use null=midpoint")
        if weights not in WEIGHTS:
            raise UsageError(f"weights must be one of {', '.join(WEIGHTS)}")
        if null_margin < 0.0 or big_bead < 0.0:
            raise UsageError("null_margin and big_bead must be >= 0")
        if max_size < 2:
            raise UsageError("max_size must be at least 2 (1-1 beads)")
        self.cover_null, self.null, self.cost = cover_null, null, cost
        self.null_margin, self.weights, self.big_bead = null_margin, weights, big_bead
        self.width, self.seed = width, seed
        self.band_frac = band_frac
        self.min_band = min_band
        self.del_percentile = del_percentile
        self.types = bead_types(max_size)

    def _signals(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
                 tgt_mt: list[str] | None) -> list[tuple[Signal, float]]:
        raise NotImplementedError

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        n, m = len(src), len(tgt)
        signals = self._signals(src, tgt, src_mt, tgt_mt)
        if unbalanced(n, m) and any(sig.expensive for sig, _ in signals):
            self._bound(signals, n, m)
        comb = Combined(signals, n, m, seed=self.seed)
        fixed = comb.weights
        rand = comb.random_parts()
        rand_d = fixed @ rand / fixed.sum() if rand.shape[1] else np.zeros(0)
        dcost = float(np.percentile(rand_d, self.del_percentile)) if len(rand_d) else 0.5
        # the first pass, and any document too short to calibrate, use a size-factor cost
        size = SIZE_FACTORS["x+y-1" if self.cost == "log-odds" else self.cost]
        cal: Calibration | None = None
        # the second pass's per-signal d, kept for the recalibrated rerun of the same corridor
        # (only the calibration changes); the wide first-pass band is not kept
        seen: dict[tuple[int, int, int, int, int], np.ndarray] | None = None

        def cost(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            key = (a, b, i, int(js[0]) if len(js) else 0, len(js))
            parts = seen.get(key) if seen is not None else None
            if parts is None:
                parts = comb.parts(a, np.full(len(js), i - a), b, js - b)
                if seen is not None:
                    seen[key] = parts
            if cal is None:
                return size(a, b) * (comb.weights @ parts / comb.weights.sum())
            d = cal.w @ parts + (cal.bias + cal.type_cost.get((a, b), 0.0))
            if cal.charge is not None:
                if a >= 2:
                    d = d + (cal.charge[0][i] - cal.charge[0][i - a])
                if b >= 2:
                    d = d + (cal.charge[1][js] - cal.charge[1][js - b])
            return d

        del_s, del_t = np.full(n, dcost), np.full(m, dcost)
        w1 = max(self.min_band, self.band_frac * max(n, m)) + abs(n - m)
        first = align_dp(n, m, cost, del_s, del_t, band(n, m, w1), ONE_TO_ONE)
        corridor = around_path(path_nodes(first), n, m, self.width)
        seen = {}
        covers: dict[bool, np.ndarray | None] = {}  # best cover per side, for both calibrations
        # the first pass's 1-1 beads are mostly true pairs: their median is a typical one
        anchors = one_to_one_parts(comb, first) if rand.shape[1] else None
        if anchors is not None and self.null == "midpoint":
            if self.cost == "log-odds":
                cal = self._calibrate(comb, anchors, rand, corridor, covers)
                del_s, del_t = cal.del_s, cal.del_t
            else:
                del_s, del_t = self._size_factor_nulls(comb, anchors, rand, corridor, covers)
        steps = align_dp(n, m, cost, del_s, del_t, corridor, self.types)
        # Recalibrate once from this alignment's 1-1 beads: the first pass
        # forces every n:m bead into 1-1 pieces, so its "typical" pair is inflated by partial
        # pairs (most in documents with many merges or deletions); the second pass's 1-1 beads
        # are mostly whole pairs. One refinement; a second changed nothing more on the dev sets.
        anchors = one_to_one_parts(comb, steps) if cal is not None else None
        if anchors is not None:
            cal = self._calibrate(comb, anchors, rand, corridor, covers)
            steps = align_dp(n, m, cost, cal.del_s, cal.del_t, corridor, self.types)
        beads = []
        i = j = 0
        for a, b in steps:
            score = comb.score(a, i, b, j) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, self.name))
            i, j = i + a, j + b
        return beads

    def _bound(self, signals: list[tuple[Signal, float]], n: int, m: int) -> None:
        """Limit the expensive signals (the encoder) of an unbalanced document to the lines of
        the long side that the short side can match: a first pass with the cheap signals
        (MT-BLEU, length) finds where the short side's lines go, and only the long side's
        lines within ``width`` of those pairs are encoded; the rest score as unrelated. One
        line against 10,000 encoded all 10,000 (minutes) to pair at most a few of them."""
        cheap = [(sig, w) for sig, w in signals if not sig.expensive]
        comb = Combined(cheap, n, m, seed=self.seed)
        w1 = max(self.min_band, self.band_frac * max(n, m)) + abs(n - m)
        own, partner = comb.random_pairs()
        dcost = float(np.percentile(comb.dissim(1, own, 1, partner), self.del_percentile))
        steps = align_dp(n, m, lambda a, b, i, js: comb.dissim(a, np.full(len(js), i - a), b,
                                                               js - b),
                         np.full(n, dcost), np.full(m, dcost), band(n, m, w1), ONE_TO_ONE)
        keep = (np.zeros(n, dtype=bool), np.zeros(m, dtype=bool))
        for (a, b), (i, j) in zip(steps, path_nodes(steps), strict=False):
            if a and b:
                keep[0][max(0, i - self.width):i + self.width + 1] = True
                keep[1][max(0, j - self.width):j + self.width + 1] = True
        keep[0 if n < m else 1][:] = True  # the short side is all encoded
        for sig, _ in signals:
            if sig.expensive:
                sig.pairable = keep

    def _evidence(self, comb: Combined, true: np.ndarray, rand: np.ndarray
                  ) -> tuple[np.ndarray, float]:
        """(w, bias) of the evidence cost ``w @ d + bias`` (zero at the midpoint between this
        document's typical true and unrelated pair). ``weights="separation"``: each meaning
        signal's share of the given meaning weight is its separation d' of true from random
        pairs here (``separation``); ``fixed``: the given weights."""
        fixed = np.array([w for _, w in comb.signals], dtype=np.float64)
        t, r = np.median(true, axis=1), np.median(rand, axis=1)
        w = fixed.copy()
        # a spread needs a few pairs; with fewer (a one-line side) the given weights
        if self.weights == "separation" and true.shape[1] >= MIN_SEPARATION_PAIRS:
            meaning = np.array([sig.weigh_by_separation for sig, _ in comb.signals])
            sep = separation(true, rand)[meaning]
            if meaning.any() and sep.sum() > 0:
                w[meaning] = sep / sep.sum() * fixed[meaning].sum()
        w = w / w.sum()
        return w, -float(w @ (t + r) / 2)

    def _calibrate(self, comb: Combined, true: np.ndarray, rand: np.ndarray,
                   corridor: list[tuple[int, int]], covers: dict[bool, np.ndarray | None]
                   ) -> Calibration:
        """The document's calibration (module docstring) from the ``parts`` of its typical
        true pairs and of random pairs."""
        n, m = comb.n, comb.m
        w, bias = self._evidence(comb, true, rand)
        comb.calibrated = w if w.sum() > 0 else None
        t, r = np.median(true, axis=1), np.median(rand, axis=1)
        mid = (t + r) / 2
        typical = max(-float(w @ t + bias), 0.0)  # evidence of a typical true pair
        type_cost = {ab: self.big_bead * typical for ab in self.types if sum(ab) >= 5}
        null_s = null_t = self.null_margin * typical
        del_s, del_t = np.full(n, null_s), np.full(m, null_t)
        uncovered = self._uncovered(comb, w, mid, corridor, covers)
        if uncovered is None:
            return Calibration(w, bias, mid, type_cost, del_s, del_t, None)
        # "no span nearby contains it" is only as sure as the containment measure: a weak MT
        # (real MT of a real document) finds no trace of many lines that do have a partner,
        # and halving their null cost split true beads (Text+Berg dev: 36 of 64 "uncovered"
        # lines had a partner). Its effect grows with the measure's separation d' here.
        one_sided = np.array([sig.one_sided for sig, _ in comb.signals])
        sep = separation(true, rand)
        trust = min(1.0, float(w[one_sided] @ sep[one_sided]) / max(float(w[one_sided].sum()),
                                                                    1e-12) / COVER_TRUST)
        # a line whose content is nowhere nearby counts against a bead that takes it in: it
        # costs there what its null bead costs uncharged, so a deleted line no longer rides
        # along with a neighbour's pair when that only shifts the pair's d a little
        charge = (np.concatenate([[0.0], np.cumsum(uncovered[0] * del_s * trust)]),
                  np.concatenate([[0.0], np.cumsum(uncovered[1] * del_t * trust)]))
        factor = 1.0 - (1.0 - self.cover_null) * trust
        del_s[uncovered[0]] *= factor
        del_t[uncovered[1]] *= factor
        return Calibration(w, bias, mid, type_cost, del_s, del_t, charge)

    def _uncovered(self, comb: Combined, w: np.ndarray, mid: np.ndarray,
                   corridor: list[tuple[int, int]], covers: dict[bool, np.ndarray | None]
                   ) -> tuple[np.ndarray, np.ndarray] | None:
        """Per side, the lines no span nearby contains better than the midpoint (by the
        one-sided signals' evidence); None without a one-sided signal or with ``cover_null``
        1."""
        if self.cover_null == 1.0:
            return None
        out = []
        for side in (True, False):
            if side not in covers:
                covers[side] = best_cover(comb, side, corridor, comb.n, comb.m)
            best = covers[side]
            if best is None:
                return None
            one_sided = ~np.isnan(best).all(axis=1)
            if not (w[one_sided] > 0).any():
                return None
            ev = w[one_sided] @ (best[one_sided] - mid[one_sided, None])
            out.append(ev > 0)
        return out[0], out[1]

    def _size_factor_nulls(self, comb: Combined, true: np.ndarray, rand: np.ndarray,
                           corridor: list[tuple[int, int]],
                           covers: dict[bool, np.ndarray | None]
                           ) -> tuple[np.ndarray, np.ndarray]:
        """Null costs of the size-factor costs with ``null="midpoint"``: the combined
        midpoint, times ``cover_null`` for uncovered lines."""
        w = comb.weights / comb.weights.sum()
        t, r = np.median(true, axis=1), np.median(rand, axis=1)
        mid = (t + r) / 2
        del_s, del_t = np.full(comb.n, float(w @ mid)), np.full(comb.m, float(w @ mid))
        uncovered = self._uncovered(comb, w, mid, corridor, covers)
        if uncovered is not None:
            del_s[uncovered[0]] *= self.cover_null
            del_t[uncovered[1]] *= self.cover_null
        return del_s, del_t


def unbalanced(n: int, m: int) -> bool:
    """One side has far more lines than the other could match (beads have at most four
    lines a side): then only part of the long side needs the expensive signals."""
    return max(n, m) > 4 * min(n, m) + 50


def separation(true: np.ndarray, rand: np.ndarray) -> np.ndarray:
    """Per signal (rows), d' of true against random pairs: the gap between their medians over
    their pooled spread (robust: interquartile range / 1.349); 0 where true pairs are no
    better than random ones."""
    gap = np.median(rand, axis=1) - np.median(true, axis=1)
    iqr = [np.subtract(*np.percentile(x, [75, 25], axis=1)) / 1.349 for x in (true, rand)]
    spread = np.sqrt((iqr[0] ** 2 + iqr[1] ** 2) / 2) + 1e-3
    return np.maximum(gap, 0.0) / spread


def one_to_one_parts(comb: Combined, steps: list[tuple[int, int]]) -> np.ndarray | None:
    """The ``parts`` of the 1-1 beads of an alignment; None without any."""
    ps, qs = [], []
    for (a, b), (i, j) in zip(steps, path_nodes(steps), strict=False):
        if a == b == 1:
            ps.append(i)
            qs.append(j)
    if not ps:
        return None
    return comb.parts(1, np.array(ps), 1, np.array(qs))


def best_cover(comb: Combined, src_side: bool, corridor: list[tuple[int, int]], n: int,
               m: int) -> np.ndarray | None:
    """For every line of one side, the lowest ``cover_parts`` per signal over the spans of
    1-3 lines of the other side that start in its corridor (one vectorised call per span
    size): one row per signal, NaN for a signal without a one-sided measure; None when no
    signal has one."""
    lo = np.array([r[0] for r in corridor])
    hi = np.array([r[1] for r in corridor])
    if src_side:
        # source line i lies between lattice rows i and i + 1: target columns lo[i]..hi[i+1]
        owner, start, count, other = np.arange(n), lo[:-1], hi[1:] - lo[:-1] + 1, m
    else:
        # target column j: the rows whose corridor holds it (the corridor is monotone)
        j = np.arange(m)
        first = np.searchsorted(hi, j, side="left")
        last = np.searchsorted(lo, j + 1, side="right") - 1
        owner, start, count, other = j, first, np.maximum(last - first + 1, 1), n
    best = np.full((len(comb.signals), len(owner)), np.inf)
    for size in (1, 2, 3):
        rep = np.repeat(np.arange(len(owner)), count)
        pos = np.repeat(start, count) + (np.arange(len(rep)) - np.repeat(np.cumsum(count) - count,
                                                                         count))
        keep = (pos >= 0) & (pos + size <= other)
        rep, pos = rep[keep], pos[keep]
        if not len(rep):
            continue
        mine = owner[rep]
        d = (comb.cover_parts(True, 1, mine, size, pos) if src_side
             else comb.cover_parts(False, size, pos, 1, mine))
        if d is None:
            return None
        for k in range(len(d)):
            if not np.isnan(d[k]).all():
                np.minimum.at(best[k], rep, d[k])
    best[~np.isfinite(best)] = np.nan
    return best
