"""The shared two-pass aligner over normalised signals (used by bleu, embed and auto).

Bead cost (second pass): ``(x + y - 1) * d`` for an x-y bead whose normalised dissimilarity is
``d`` (about 0.5 for unrelated text, 0 for identical; see signals.py). Vecalign multiplies by
``x * y`` instead. Why ``x + y - 1``: a bead that cannot be split into smaller correct beads
links at least x + y - 1 sentence-level correspondences (a spanning tree of its bipartite
overlap graph: 1-1 -> 1, 2-1 -> 2, 1-3 -> 3, the crossing 2-2 ``[s1 s2][s3] / [t1][t2 t3]`` ->
3), so the factor charges each correspondence once. With an imperfect similarity a correct bead
never costs 0 (degraded MT: d ~ 0.25-0.3 for a true pair), and ``x * y`` charges that floor 4
times on a 2-2 bead: two wrong 1-1 halves (~0.4 each) then cost less than the right 2-2 bead
(4 * 0.27), which is how the crossing 2-2 beads were lost. ``x + y - 1`` is still superadditive
(two correct 1-1 beads, 2 * d, beat their merge as one 2-2 bead, 3 * d'), so true 1-1 beads are
not merged. Measured on the dev sets: eval/align/results.md.

Deleted lines (``cover_null``): one null cost for every line cannot separate a deletion from a
line whose translation is merged into a neighbour's bead, so a deleted line was attached to a
neighbouring bead, and a deletion next to an insertion became one unrelated 1-1 bead (0.5 < two
nulls at ~0.37 each). A line is "uncovered" when no span of 1-3 lines of the other side in its
corridor contains it (one-sided containment, ``Combined.cover_dissim``) better than the null
threshold; such a line is more like noise than a translation wherever it goes, so its null cost
is halved (``cover_null``): two uncovered lines then cost less apart than as an unrelated pair
(2 * mid / 2 < 0.5), and attaching one to a merge costs its link (~0.5) against mid / 2. Lines
with a covering span keep the full cost, so true merges are not split.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.dp import ALL_TYPES, ONE_TO_ONE, align_dp, around_path, band, path_nodes
from translate.align.signals import Combined, Signal
from translate.errors import UsageError

#: size factor of an x-y bead's cost; "xy" is Vecalign's, kept for comparison
SIZE_FACTORS: dict[str, Callable[[int, int], int]] = {
    "x+y-1": lambda a, b: a + b - 1,
    "xy": lambda a, b: a * b,
}


#: how the 1-0 / 0-1 cost is set, per document (see SignalAligner)
NULL_COSTS = ("midpoint", "percentile")


class SignalAligner(Aligner):
    """First pass: 1-1 beads (plus deletions) in a diagonal band give a rough path (the anchors).
    Second pass: every bead type in a corridor of ``width`` lines around that path, so the gaps
    between anchors are filled with n:m and null beads.

    Null beads (``null``): ``percentile`` is Vecalign's deletion penalty, the ``del_percentile``
    (20) percentile of unrelated-pair costs. With a coarse similarity (sentence BLEU: unrelated
    pairs all score ~0) that percentile is the unrelated cost itself, so a wrong 1-1 pairing is
    never dearer than a deletion and deleted sentences were paired with neighbours' pieces
    (20-40% of gold 1-0 / 0-1 found). ``midpoint`` (default) calibrates it per document from the
    score distribution: half way between a typical true pair (the median cost of the first
    pass's 1-1 anchors) and a typical unrelated pair (the median of random pairs), i.e. a line
    is left unaligned when its best partner is more like noise than like this document's
    translations. The first pass still uses the percentile (it only needs a rough path).
    ``band_frac``: half-width of the first-pass band as a fraction of the document length (plus
    the length difference). ``width``: the second-pass corridor, in lines either side of the
    first-pass path (Vecalign's search_buffer_size is 5). ``cover_null``: the factor on the null
    cost of a line that nothing nearby contains (module docstring); it needs a signal with a
    one-sided measure (MT-BLEU), so it changes nothing for embed, length or auto without MT.
    """

    def __init__(self, width: int = 5, band_frac: float = 0.05, min_band: int = 20,
                 del_percentile: float = 20.0, max_size: int = 4, size: str = "x+y-1",
                 null: str = "midpoint", cover_null: float = 0.5) -> None:
        if not 0.0 < cover_null <= 1.0:
            raise UsageError("cover_null must be in (0, 1] (1 turns it off)")
        self.cover_null = cover_null
        if null not in NULL_COSTS:
            raise UsageError(f"null cost must be one of {', '.join(NULL_COSTS)}")
        self.null = null
        if size not in SIZE_FACTORS:
            raise UsageError(f"size factor must be one of {', '.join(SIZE_FACTORS)}")
        self.width = width
        self.band_frac = band_frac
        self.min_band = min_band
        self.del_percentile = del_percentile
        self.types = tuple(t for t in ALL_TYPES if sum(t) <= max_size)
        self.size = SIZE_FACTORS[size]

    def _signals(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
                 tgt_mt: list[str] | None) -> list[tuple[Signal, float]]:
        raise NotImplementedError

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        n, m = len(src), len(tgt)
        comb = Combined(self._signals(src, tgt, src_mt, tgt_mt), n, m)
        rand = comb.random_dissims()
        dcost = float(np.percentile(rand, self.del_percentile)) if len(rand) else 0.5
        size = self.size

        def cost(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            return size(a, b) * comb.dissim(a, np.full(len(js), i - a), b, js - b)

        del_s, del_t = np.full(n, dcost), np.full(m, dcost)
        w1 = max(self.min_band, self.band_frac * max(n, m)) + abs(n - m)
        first = align_dp(n, m, cost, del_s, del_t, band(n, m, w1), ONE_TO_ONE)
        corridor = around_path(path_nodes(first), n, m, self.width)
        if self.null == "midpoint":
            ps, qs, i, j = [], [], 0, 0  # the first pass's 1-1 beads: mostly true pairs
            for a, b in first:
                if a == b == 1:
                    ps.append(i)
                    qs.append(j)
                i, j = i + a, j + b
            if len(ps) >= 3 and len(rand):
                typical = float(np.median(comb.dissim(1, np.array(ps), 1, np.array(qs))))
                mid = (typical + float(np.median(rand))) / 2
                del_s, del_t = np.full(n, mid), np.full(m, mid)
                if self.cover_null < 1.0:
                    for side, dels in ((True, del_s), (False, del_t)):
                        best = best_cover(comb, side, corridor, n, m)
                        if best is not None:
                            dels[best > mid] = mid * self.cover_null
        steps = align_dp(n, m, cost, del_s, del_t, corridor, self.types)
        beads = []
        i = j = 0
        for a, b in steps:
            score = comb.score(a, i, b, j) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, self.name))
            i, j = i + a, j + b
        return beads


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
