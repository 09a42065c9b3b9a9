"""The default method: the search of ``embed`` with MT-BLEU as a second term of the bead score.

    score = penalty * (r_e + w_e (E - r_e) + w_b (t_e - r_e) (B - r_b) / (t_b - r_b))

- E: the bead's margin cosine (``embed``'s score before its length penalty); B: sentence BLEU
  of the MT of the source window against the target window (and, with the MT of the target,
  the reverse), tokenised as sacrebleu does for the language (``bleu_tokens``: characters for
  Chinese and Japanese);
- t_k / r_k: the median of each term over this document's typical true pairs (the first
  pass's anchors) and over unrelated pairs (random, away from the diagonal); B is rescaled so
  that its typical true and unrelated pairs land where E's do;
- w_e, w_b: each term's share by how well it separates true from unrelated pairs in THIS
  document (``separation``, d'), summing to 1. Real MT of a real document is often weak
  (sentence BLEU 5-25 for true pairs): then it counts for little; a strong MT counts for much.
- penalty: ``embed``'s length penalty (the length term).

With no MT, or when BLEU does not separate at all, the score is exactly ``embed``'s. Without an
encoder (its package missing) the search runs on BLEU alone (``bleu``), and without MT too, it
is Gale-Church length alignment.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from translate.align.base import Bead
from translate.align.embed import SearchAligner
from translate.align.params import AUTO, AutoParams
from translate.align.search import EmbedScorer, ScoreFn, random_pairs, separation
from translate.align.signals import BleuSignal
from translate.errors import MissingExtraError

#: fewer anchors than this: too few to measure a separation; the embedding score alone
MIN_ANCHORS = 5


class AutoAligner(SearchAligner):
    name = "auto"
    uses_mt = True  # uses MT when it can get it; never requires it
    params = AUTO

    def __init__(self, encoder: Any = None, seed: int = 0,
                 params: AutoParams | None = None) -> None:
        self.missing: list[str] = []
        try:
            super().__init__(encoder, seed, params)
        except MissingExtraError as e:
            self.encoder = None
            self.seed = seed
            self.params = params or AUTO
            self.missing.append(str(e))

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        if self.encoder is None:
            if src_mt is not None or tgt_mt is not None:
                from translate.align.bleu import BleuAligner

                return BleuAligner(seed=self.seed)._align(src, tgt, src_mt, tgt_mt)
            from translate.align.length import LengthAligner

            return LengthAligner()._align(src, tgt, None, None)
        return super()._align(src, tgt, src_mt, tgt_mt)

    def _score(self, scorer: EmbedScorer, anchors: list[tuple[int, int]], src: list[str],
               tgt: list[str], src_mt: list[str] | None, tgt_mt: list[str] | None) -> ScoreFn:
        embed = super()._score(scorer, anchors, src, tgt, src_mt, tgt_mt)
        if (src_mt is None and tgt_mt is None) or len(anchors) < MIN_ANCHORS:
            return embed
        p = self.params
        assert isinstance(p, AutoParams)
        bleu = BleuSignal(src_mt, tgt, src=src, tgt_mt=tgt_mt, order=p.bleu_order)

        def bleu_sims(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            return bleu.pair_sims(a, np.full(len(js), i - a), b, js - b)

        true = np.array(anchors)
        rand = random_pairs(len(src), len(tgt), p.random_samples, self.seed)
        e_true, e_rand = (one_to_one(scorer.sims, x) for x in (true, rand))
        b_true = bleu.pair_sims(1, true[:, 0], 1, true[:, 1])
        b_rand = bleu.pair_sims(1, rand[:, 0], 1, rand[:, 1])
        t_e, r_e, t_b, r_b = (float(np.median(x)) for x in (e_true, e_rand, b_true, b_rand))
        sep = separation(np.stack([e_true, b_true]), np.stack([e_rand, b_rand]))
        if t_b <= r_b or sep[1] <= 0 or t_e <= r_e:
            return embed
        w_e, w_b = sep / sep.sum()
        scale = (t_e - r_e) / (t_b - r_b)
        self.weights = {"embed": float(w_e), "bleu": float(w_b)}

        def score(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
            e = scorer.sims(a, b, i, js)
            s = r_e + w_e * (e - r_e) + w_b * scale * (bleu_sims(a, b, i, js) - r_b)
            return s * scorer.penalty(a, b, i, js) if p.len_penalty else s

        return score


def one_to_one(sims: ScoreFn, pairs: np.ndarray) -> np.ndarray:
    """A 1-1 bead score for each 0-based (source, target) line pair, one call per source
    line."""
    out = np.zeros(len(pairs))
    order = np.argsort(pairs[:, 0], kind="stable")
    starts = np.searchsorted(pairs[order, 0], np.unique(pairs[:, 0]))
    for k, lo in enumerate(starts):
        hi = starts[k + 1] if k + 1 < len(starts) else len(order)
        rows = order[lo:hi]
        out[rows] = sims(1, 1, int(pairs[rows[0], 0]) + 1, pairs[rows, 1] + 1)
    return out
