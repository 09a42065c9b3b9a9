"""The shared two-pass aligner over normalised signals (used by bleu, embed and auto)."""

from __future__ import annotations

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.dp import ALL_TYPES, ONE_TO_ONE, align_dp, around_path, band, path_nodes
from translate.align.signals import Combined, Signal


class SignalAligner(Aligner):
    """First pass: 1-1 beads (plus deletions) in a diagonal band give a rough path (the anchors).
    Second pass: every bead type in a corridor of ``width`` lines around that path, so the gaps
    between anchors are filled with n:m and null beads.

    ``del_percentile``: Vecalign's deletion penalty, the percentile of unrelated-pair 1-1 costs
    (its default is 20). ``band_frac``: half-width of the first-pass band as a fraction of the
    document length (plus the length difference).
    """

    def __init__(self, width: int = 8, band_frac: float = 0.05, min_band: int = 20,
                 del_percentile: float = 20.0, max_size: int = 4) -> None:
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
        dcost = comb.deletion_cost(self.del_percentile)
        del_s, del_t = np.full(n, dcost), np.full(m, dcost)
        w1 = max(self.min_band, self.band_frac * max(n, m)) + abs(n - m)
        first = align_dp(n, m, comb.cost, del_s, del_t, band(n, m, w1), ONE_TO_ONE)
        corridor = around_path(path_nodes(first), n, m, self.width)
        steps = align_dp(n, m, comb.cost, del_s, del_t, corridor, self.types)
        beads = []
        i = j = 0
        for a, b in steps:
            score = comb.score(a, i, b, j) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, self.name))
            i, j = i + a, j + b
        return beads
