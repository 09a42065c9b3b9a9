"""The shared two-pass aligner over normalised signals (used by bleu, embed and auto).

Every signal gives an x-y bead a normalised dissimilarity ``d`` (about 0.5 for unrelated text, 0
for identical; see signals.py). The default bead cost (``cost="log-odds"``) is ``d - mid``,
where ``mid`` is this document's midpoint between a typical true pair (the median ``d`` of the
first pass's 1-1 anchors) and a typical unrelated pair. That is the linear log-odds that the
bead is a translation rather than chance, so the DP picks the alignment with the most total
evidence: a bead more like this document's translations than like noise has a negative cost,
and a line is left out (1-0 / 0-1, cost ``null_margin * (mid - typical)``, half a typical
pair's evidence) only when every bead it could join is near chance. One bead is one piece of
evidence whatever its size, which settles both failures of the size-factor costs:
- two true 1-1 beads (about 2 * (t - mid)) always beat their merge as one bead (t - mid);
- a crossing 2-2 bead ``[s1 s2][s3] / [t1][t2 t3]`` (t - mid) beats its two partial 1-1
  halves (p1 + p2 - 2 * mid) unless the halves are nearly true pairs themselves, while
  ``(x + y - 1) * d`` lost most of them on the dev sets (3 * 0.28 against 0.41 + 0.40).
The midpoint is estimated twice: from the first pass (1-1 beads only, so every n:m bead is
counted as its partial pieces and the "typical" pair looks worse than it is), then again from
the second pass's 1-1 beads, and the corridor is aligned once more with that estimate.
The size-factor costs stay for comparison: ``x+y-1`` (``(x + y - 1) * d``, the sentence
correspondences a bead links) and Vecalign's ``xy``, both with ``null`` costs. With a perfect
MT (oracle: t = 0) a crossing bead whose missing piece is a few words can lose to its halves
under log-odds (dev ar-en 1.000 -> 0.969 with ``bleu`` on the oracle MT); with a degraded MT,
and without MT, log-odds is better on every dev set for every method (eval/align/README.md).

Deleted lines (``cover_null``): a line is "uncovered" when no span of 1-3 lines of the other
side in its corridor contains it (one-sided containment, ``Combined.cover_dissim``) better than
``mid``; such a line is more like noise than a translation wherever it goes, so its null cost is
multiplied by ``cover_null``, and under log-odds a multi-line bead that takes it in is charged
the full null cost for it: adding a deleted line to a neighbour's pair often moves the pair's
``d`` only a little (e5 embeds the concatenation much like the pair), so without the charge the
line rode along. Lines with a covering span are neither cheaper nor charged, so true merges are
not split. It needs a one-sided measure (MT-BLEU): embed, length and auto without MT skip it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.dp import ALL_TYPES, ONE_TO_ONE, align_dp, around_path, band, path_nodes
from translate.align.signals import Combined, Signal
from translate.errors import UsageError

#: size factor of an x-y bead's cost for the size-factor costs; "xy" is Vecalign's
SIZE_FACTORS: dict[str, Callable[[int, int], int]] = {
    "x+y-1": lambda a, b: a + b - 1,
    "xy": lambda a, b: a * b,
}
#: bead cost models (module docstring): evidence per bead, or a size factor times d
COSTS = ("log-odds", *SIZE_FACTORS)


#: how the 1-0 / 0-1 cost is set, per document (see SignalAligner)
NULL_COSTS = ("midpoint", "percentile")


class SignalAligner(Aligner):
    """First pass: 1-1 beads (plus deletions) in a diagonal band give a rough path (the anchors).
    Second pass: every bead type in a corridor of ``width`` lines around that path, so the gaps
    between anchors are filled with n:m and null beads.

    ``cost``: ``log-odds`` (default) or a size-factor cost, ``x+y-1`` or ``xy`` (module
    docstring). Null beads under a size-factor cost (``null``): ``percentile`` is Vecalign's
    deletion penalty, the ``del_percentile`` (20) percentile of unrelated-pair costs. With a
    coarse similarity (sentence BLEU: unrelated pairs all score ~0) that percentile is the
    unrelated cost itself, so a wrong 1-1 pairing is never dearer than a deletion and deleted
    sentences were paired with neighbours' pieces (20-40% of gold 1-0 / 0-1 found).
    ``midpoint`` (default) calibrates it per document from the score distribution: half way
    between a typical true pair (the median cost of the first pass's 1-1 anchors) and a typical
    unrelated pair (the median of random pairs), i.e. a line is left unaligned when its best
    partner is more like noise than like this document's translations. The first pass still
    uses the percentile (it only needs a rough path).
    Under ``log-odds`` a null bead costs ``null_margin`` times the margin between the midpoint
    and a typical true pair (0.5: leaving a line out forfeits half a typical pair's evidence).
    ``band_frac``: half-width of the first-pass band as a fraction of the document length (plus
    the length difference). ``width``: the second-pass corridor, in lines either side of the
    first-pass path (Vecalign's search_buffer_size is 5). ``cover_null``: the factor on the null
    cost of a line that nothing nearby contains (module docstring); it needs a signal with a
    one-sided measure (MT-BLEU), so it changes nothing for embed, length or auto without MT.
    """

    def __init__(self, width: int = 5, band_frac: float = 0.05, min_band: int = 20,
                 del_percentile: float = 20.0, max_size: int = 4, cost: str = "log-odds",
                 null: str = "midpoint", cover_null: float = 0.5,
                 null_margin: float = 0.5) -> None:
        if not 0.0 < cover_null <= 1.0:
            raise UsageError("cover_null must be in (0, 1] (1 turns it off)")
        self.cover_null = cover_null
        if null not in NULL_COSTS:
            raise UsageError(f"null cost must be one of {', '.join(NULL_COSTS)}")
        self.null = null
        if cost not in COSTS:
            raise UsageError(f"bead cost must be one of {', '.join(COSTS)}")
        if cost == "log-odds" and null != "midpoint":
            raise UsageError("the log-odds cost calibrates its own null cost; use null=midpoint")
        if null_margin < 0.0:
            raise UsageError("null_margin must be >= 0")
        self.cost, self.null_margin = cost, null_margin
        self.width = width
        self.band_frac = band_frac
        self.min_band = min_band
        self.del_percentile = del_percentile
        self.types = tuple(t for t in ALL_TYPES if sum(t) <= max_size)

    def _signals(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
                 tgt_mt: list[str] | None) -> list[tuple[Signal, float]]:
        raise NotImplementedError

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        n, m = len(src), len(tgt)
        comb = Combined(self._signals(src, tgt, src_mt, tgt_mt), n, m)
        rand = comb.random_dissims()
        dcost = float(np.percentile(rand, self.del_percentile)) if len(rand) else 0.5
        # the first pass, and any document too short to calibrate, use the size-factor cost
        size = SIZE_FACTORS["x+y-1" if self.cost == "log-odds" else self.cost]
        offset = None  # log-odds: the document's midpoint, subtracted from every bead
        charge = None  # log-odds: prefix sums of what uncovered lines add to multi-line beads

        # the second pass's d values, kept for the recalibrated rerun of the same corridor
        # (only the offset and the charges change); the wide first-pass band is not kept
        seen: dict[tuple[int, int, int, int, int], np.ndarray] | None = None

        def cost(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            key = (a, b, i, int(js[0]) if len(js) else 0, len(js))
            d = seen.get(key) if seen is not None else None
            if d is None:
                d = comb.dissim(a, np.full(len(js), i - a), b, js - b)
                if seen is not None:
                    seen[key] = d
            if offset is None:
                return size(a, b) * d
            d = d - offset
            if charge is not None:
                if a >= 2:
                    d = d + (charge[0][i] - charge[0][i - a])
                if b >= 2:
                    d = d + (charge[1][js] - charge[1][js - b])
            return d

        del_s, del_t = np.full(n, dcost), np.full(m, dcost)
        w1 = max(self.min_band, self.band_frac * max(n, m)) + abs(n - m)
        first = align_dp(n, m, cost, del_s, del_t, band(n, m, w1), ONE_TO_ONE)
        corridor = around_path(path_nodes(first), n, m, self.width)
        seen = {}
        covers: dict[bool, np.ndarray | None] = {}  # best_cover per side, for both calibrations
        # the first pass's 1-1 beads are mostly true pairs: their median is a typical one
        typical = typical_pair(comb, first) if self.null == "midpoint" and len(rand) else None
        if typical is not None:
            mid, del_s, del_t, charge = self._calibrate(comb, typical, rand, corridor, covers)
            if self.cost == "log-odds":
                offset = mid
        steps = align_dp(n, m, cost, del_s, del_t, corridor, self.types)
        # Recalibrate once from this alignment's 1-1 beads: the first pass forces every n:m
        # bead into 1-1 pieces, so its "typical" pair is inflated by partial pairs (most in
        # documents with many merges or deletions); the second pass's 1-1 beads are mostly
        # whole pairs. One refinement; a second changed nothing more on the dev sets.
        typical = typical_pair(comb, steps) if offset is not None else None
        if typical is not None:
            offset, del_s, del_t, charge = self._calibrate(comb, typical, rand, corridor, covers)
            steps = align_dp(n, m, cost, del_s, del_t, corridor, self.types)
        beads = []
        i = j = 0
        for a, b in steps:
            score = comb.score(a, i, b, j) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, self.name))
            i, j = i + a, j + b
        return beads

    def _calibrate(self, comb: Combined, typical: float, rand: np.ndarray,
                   corridor: list[tuple[int, int]], covers: dict[bool, np.ndarray | None]
                   ) -> tuple[float, np.ndarray, np.ndarray,
                              tuple[np.ndarray, np.ndarray] | None]:
        """The midpoint between a typical true and a typical unrelated pair; the 1-0 / 0-1 cost
        of every source and target line (``null`` / ``null_margin`` / ``cover_null``); and, for
        log-odds with a one-sided signal, the charge for uncovered lines inside multi-line beads
        as prefix sums per side (None when there is none)."""
        n, m = comb.n, comb.m
        mid = (typical + float(np.median(rand))) / 2
        null_cost = mid
        if self.cost == "log-odds":
            null_cost = self.null_margin * max(mid - typical, 0.0)
        del_s, del_t = np.full(n, null_cost), np.full(m, null_cost)
        if self.cover_null == 1.0:
            return mid, del_s, del_t, None
        uncovered = []
        for side, dels in ((True, del_s), (False, del_t)):
            if side not in covers:
                covers[side] = best_cover(comb, side, corridor, n, m)
            best = covers[side]
            if best is None:
                return mid, del_s, del_t, None
            dels[best > mid] *= self.cover_null
            uncovered.append(best > mid)
        if self.cost != "log-odds":
            return mid, del_s, del_t, None
        # a line whose content is nowhere nearby counts against a bead that takes it in: it
        # costs there what its null bead costs uncharged, so a deleted line no longer rides
        # along with a neighbour's pair when that only shifts the pair's d a little
        src_charge, tgt_charge = (np.concatenate([[0.0], np.cumsum(u * null_cost)])
                                  for u in uncovered)
        return mid, del_s, del_t, (src_charge, tgt_charge)


def typical_pair(comb: Combined, steps: list[tuple[int, int]]) -> float | None:
    """The median ``d`` of the 1-1 beads of an alignment; None with fewer than three."""
    ps, qs = [], []
    for (a, b), (i, j) in zip(steps, path_nodes(steps), strict=False):
        if a == b == 1:
            ps.append(i)
            qs.append(j)
    if len(ps) < 3:
        return None
    return float(np.median(comb.dissim(1, np.array(ps), 1, np.array(qs))))


def best_cover(comb: Combined, src_side: bool, corridor: list[tuple[int, int]], n: int,
               m: int) -> np.ndarray | None:
    """For every line of one side, the lowest ``cover_dissim`` over the spans of 1-3 lines of
    the other side that start in its corridor (one vectorised call per span size); None when
    no signal has a one-sided measure."""
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
    best = np.full(len(owner), np.inf)
    for size in (1, 2, 3):
        rep = np.repeat(np.arange(len(owner)), count)
        pos = np.repeat(start, count) + (np.arange(len(rep)) - np.repeat(np.cumsum(count) - count,
                                                                         count))
        keep = (pos >= 0) & (pos + size <= other)
        rep, pos = rep[keep], pos[keep]
        if not len(rep):
            continue
        mine = owner[rep]
        d = (comb.cover_dissim(True, 1, mine, size, pos) if src_side
             else comb.cover_dissim(False, size, pos, 1, mine))
        if d is None:
            return None
        np.minimum.at(best, rep, d)
    return best
