"""Bleualign-style alignment (Sennrich & Volk 2010): MT of the source scored against the target
with sentence BLEU, in the search of ``embed`` (search.py) with BLEU in the encoder's place.

- First pass: each source line's ``top_k`` target lines by sentence BLEU within the diagonal
  band, and the heaviest increasing chain of them, as the anchors.
- Second pass: every bead type around the anchor path, a bead scored by the BLEU of the MT of
  its source window against its target window, rescaled so that this document's typical true
  pair (median over the anchors) scores ``typical_true`` and an unrelated pair 0 (the scale
  that ``skip`` is set on), times the length penalty. The penalty plays the part of
  Bleualign's Gale-Church gap filling: BLEU of real MT is 0-10 for most true pairs, so a merge
  that adds a neighbour's line costs BLEU almost nothing; its length does.
"""

from __future__ import annotations

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.embed import beads_of
from translate.align.params import BLEU, BleuParams, signature
from translate.align.search import (
    LengthPenalty,
    first_band,
    first_pass,
    random_pairs,
    second_corridor,
    second_pass,
)
from translate.align.signals import BleuSignal
from translate.errors import UsageError

#: source lines per batch of the first pass's BLEU (pairs held at once: rows x band)
_ROWS = 64


class BleuAligner(Aligner):
    name = "bleu"
    uses_mt = True

    def __init__(self, seed: int = 0, params: BleuParams | None = None) -> None:
        self.seed = seed
        self.params = params or BLEU

    @property
    def signature(self) -> str:
        return signature(self.name, None, self.params)

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        if src_mt is None and tgt_mt is None:
            raise UsageError("method bleu needs MT: pass --src-mt FILE (or a model with "
                             "--model LANG=ID_OR_PATH to make it) or --tgt-mt FILE")
        p = self.params
        n, m = len(src), len(tgt)
        bleu = BleuSignal(src_mt, tgt, src=src, tgt_mt=tgt_mt, order=p.bleu_order)
        band = first_band(n, m, p)
        scores, index = band_top_k(bleu, n, m, band, p.top_k)
        anchors = first_pass(scores, index, n, m, band)
        rand = random_pairs(n, m, 4, self.seed)
        r = float(np.median(bleu.pair_sims(1, rand[:, 0], 1, rand[:, 1])))
        t = r
        if anchors:
            true = np.array(anchors)
            t = float(np.median(bleu.pair_sims(1, true[:, 0], 1, true[:, 1])))
        scale = p.typical_true / (t - r) if t > r else p.typical_true
        penalty = LengthPenalty(src, tgt, p.window)

        def raw(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            s = bleu.pair_sims(a, np.full(len(js), i - a), b, js - b)
            return s * penalty(a, b, i, js) if p.len_penalty else s

        def score(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            ps = np.full(len(js), i - a)
            s = bleu.pair_sims(a, ps, b, js - b)
            if p.margin:
                s = s - margin(bleu, a, b, i, js, n, m)
            s = scale * (s - r)
            return s * penalty(a, b, i, js) if p.len_penalty else s

        steps = second_pass(score, n, m, second_corridor(anchors, n, m, p.win), p)
        # a bead's raw score is its BLEU (times the length penalty): 1 for an exact MT
        return beads_of(steps, raw, self.name, self.signature)


def margin(bleu: BleuSignal, a: int, b: int, i: int, js: np.ndarray, n: int,
           m: int) -> np.ndarray:
    """The mean BLEU of each window with the lines just outside the other window (as the
    embedding margin in search.EmbedScorer)."""
    qs = js - b
    k = len(js)
    ps = np.full(k, i - a)

    def side(sims_right, right_ok, sims_left, left_ok):
        count = right_ok.astype(np.float64) + left_ok
        return (sims_right * right_ok + sims_left * left_ok) / np.maximum(count, 1.0)

    t_near = side(bleu.pair_sims(a, ps, 1, np.minimum(js, m - 1)), js < m,
                  bleu.pair_sims(a, ps, 1, np.maximum(qs - 1, 0)), qs >= 1)
    s_near = side(bleu.pair_sims(1, np.full(k, min(i, n - 1)), b, qs), np.full(k, i < n),
                  bleu.pair_sims(1, np.full(k, max(i - a - 1, 0)), b, qs), np.full(k, i - a >= 1))
    return (t_near + s_near) / 2.0


def band_top_k(bleu: BleuSignal, n: int, m: int, band: int, k: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each source line's ``k`` best target lines by 1-1 BLEU within ``band`` of the
    diagonal: (scores, indices), each (n, k), best first (score 0 where fewer)."""
    ratio = m / n if n else 1.0
    scores = np.zeros((n, k))
    index = np.zeros((n, k), dtype=np.int64)
    for r0 in range(0, n, _ROWS):
        rows = np.arange(r0, min(n, r0 + _ROWS))
        centre = (ratio * (rows + 1)).astype(np.int64) - 1
        lo = np.maximum(0, centre - band)
        hi = np.minimum(m - 1, centre + band)
        width = int((hi - lo).max()) + 1
        js = lo[:, None] + np.arange(width)[None, :]
        ok = js <= hi[:, None]
        ps = np.broadcast_to(rows[:, None], js.shape)[ok]
        sims = np.full(js.shape, -1.0)
        sims[ok] = bleu.pair_sims(1, ps, 1, js[ok])
        kk = min(k, width)
        part = np.argsort(-sims, axis=1, kind="stable")[:, :kk]
        scores[rows, :kk] = np.maximum(np.take_along_axis(sims, part, axis=1), 0.0)
        index[rows, :kk] = np.take_along_axis(js, part, axis=1)
    return scores, index
