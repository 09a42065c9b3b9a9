"""Gale-Church (1993) length-based alignment: character lengths, the paper's priors and s^2."""

from __future__ import annotations

import math

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.dp import align_dp, band
from translate.align.params import LENGTH, LengthParams, signature
from translate.align.signals import GC_PRIORS, LengthSignal


class LengthAligner(Aligner):
    """Minimises -log P(bead type) - log P(|delta|), as Gale and Church; a diagonal band keeps it
    linear (``LengthParams``)."""

    name = "length"

    def __init__(self, params: LengthParams | None = None) -> None:
        self.params = params or LENGTH

    @property
    def signature(self) -> str:
        return signature(self.name, None, self.params)

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        n, m = len(src), len(tgt)
        sig = LengthSignal(src, tgt)

        def prob(a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
            return np.maximum(sig.pair_sims(a, ps, b, qs), 1e-300)

        def cost(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            return -math.log(GC_PRIORS[(a, b)]) - np.log(prob(a, np.full(len(js), i - a), b,
                                                              js - b))

        # a 1-0 bead is a match against an empty span, as in the original program
        del_s = -math.log(GC_PRIORS[(1, 0)]) - np.log(prob(1, np.arange(n), 0, np.zeros(n, int)))
        del_t = -math.log(GC_PRIORS[(0, 1)]) - np.log(prob(0, np.zeros(m, int), 1, np.arange(m)))
        w = max(self.params.min_band, self.params.band_frac * max(n, m)) + abs(n - m)
        types = [t for t in GC_PRIORS if t[0] and t[1]]
        steps = align_dp(n, m, cost, del_s, del_t, band(n, m, w), types)
        beads = []
        i = j = 0
        for a, b in steps:
            score = float(prob(a, np.array([i]), b, np.array([j]))[0]) if a and b else 0.0
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score, self.name,
                              self.signature))
            i, j = i + a, j + b
        return beads
