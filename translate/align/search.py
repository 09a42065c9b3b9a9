"""The Bertalign-class search (Liu & Zhu 2022; Vecalign, Thompson & Koehn 2019), our own code.

1. Every window of 1 to ``max_align - 1`` consecutive lines of each side is encoded AS TEXT
   (``Windows``): a 2-1 bead compares the encoder's vector of the two source lines joined with
   the target line's, which a vector composed from line vectors approximates badly.
2. First pass (``first_pass``): each source line's ``top_k`` nearest target lines by cosine;
   the heaviest chain of such pairs increasing on both sides, inside a diagonal band, gives the
   1-1 anchors. Every other pair scores 0 there, so this is a maximum-weight increasing chain
   (Bertalign runs it as a DP over the band; a Fenwick tree over target positions finds the
   same chain in O(n k log m) time and O(n k) memory, which is what keeps 10,000 lines cheap).
3. Second pass (``second_pass``): a DP over every bead of x + y <= ``max_align`` lines in a
   band of ``win`` lines around the anchor path (``second_corridor``), maximising the summed
   bead scores; a 1-0 / 0-1 bead scores ``skip``.
4. Bead score (``EmbedScorer``): the cosine of the two windows' vectors, minus the mean of
   their cosines with the lines just outside the other window (the margin: a bead must be more
   alike than its neighbours), times a length penalty log2(1 + short / long) of the windows'
   character lengths (the target's scaled by the document's character ratio). Characters, not
   bytes or words: Chinese and Japanese have no spaces.

Every number is in ``SearchParams``; ``auto`` (auto.py) adds MT-BLEU as a term of the score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from translate.align.dp import align_dp

#: score(a, b, i, js): scores of the beads of source lines [i-a, i) and target lines
#: [j-b, j) for each j in js (higher is better)
ScoreFn = Callable[[int, int, int, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SearchParams:
    """Bertalign's published defaults."""

    #: the largest bead: x + y <= max_align lines (so windows of up to max_align - 1 lines)
    max_align: int = 5
    #: nearest target lines per source line considered for the first pass's anchors
    top_k: int = 3
    #: the second pass looks this many lines either side of the anchor path
    win: int = 5
    #: score of a 1-0 or 0-1 bead
    skip: float = -0.1
    #: subtract the bead's similarity to its neighbours
    margin: bool = True
    #: multiply by log2(1 + short / long) of the two sides' character lengths
    len_penalty: bool = True
    #: the first pass's band: at least this many lines either side of the diagonal ...
    first_band: int = 250
    #: ... or this share of the longer side
    first_band_frac: float = 0.06

    @property
    def window(self) -> int:
        return self.max_align - 1

    def types(self) -> list[tuple[int, int]]:
        return [(x, y) for x in range(1, self.max_align) for y in range(1, self.max_align)
                if x + y <= self.max_align]


def window_texts(lines: Sequence[str], size: int) -> list[str]:
    """The text of every window of ``size`` consecutive lines, in order of its first line."""
    return [" ".join(x.strip() for x in lines[p:p + size]) for p in range(len(lines) - size + 1)]


class Windows:
    """One side's windows of 1..``size`` lines: ``vec[k][p]`` is the unit vector of lines
    [p, p + k) encoded as one text. Windows without a line in ``keep`` (a line mask, for
    unbalanced documents) are not encoded and get a zero vector (they score as unrelated)."""

    def __init__(self, encoder: object, lines: Sequence[str], size: int,
                 keep: np.ndarray | None = None) -> None:
        self.n = len(lines)
        self.size = max(1, min(size, self.n))
        texts: list[str] = []
        spans: list[tuple[int, np.ndarray]] = []
        for k in range(1, self.size + 1):
            win = window_texts(lines, k)
            idx = np.arange(len(win))
            if keep is not None:
                cover = np.convolve(keep.astype(np.int64), np.ones(k, dtype=np.int64), "valid")
                idx = idx[cover > 0]
            spans.append((k, idx))
            texts += [win[p] for p in idx]
        vecs = np.asarray(encoder.encode(texts), dtype=np.float32)  # type: ignore[attr-defined]
        dim = vecs.shape[1] if len(texts) else 1
        self.vec: dict[int, np.ndarray] = {}
        pos = 0
        for k, idx in spans:
            v = np.zeros((self.n - k + 1, dim), dtype=np.float32)
            v[idx] = vecs[pos:pos + len(idx)]
            pos += len(idx)
            self.vec[k] = v


class LengthPenalty:
    """log2(1 + short / long) of two windows' character lengths, the target's scaled by the
    document's character ratio (1 when they match, 0.58 when one is three times the other)."""

    def __init__(self, src: Sequence[str], tgt: Sequence[str], size: int) -> None:
        self.src = {k: np.array([len(t) for t in window_texts(src, k)], dtype=np.float64)
                    for k in range(1, size + 1)}
        self.tgt = {k: np.array([len(t) for t in window_texts(tgt, k)], dtype=np.float64)
                    for k in range(1, size + 1)}
        total_t = float(self.tgt[1].sum()) if len(tgt) else 0.0
        self.ratio = float(self.src[1].sum()) / total_t if total_t else 1.0

    def __call__(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        ls = self.src[a][i - a]
        lt = self.tgt[b][js - b] * self.ratio
        lo, hi = np.minimum(ls, lt), np.maximum(np.maximum(ls, lt), 1e-9)
        return np.log2(1.0 + lo / hi)


class EmbedScorer:
    """Bertalign's bead score over two sides' ``Windows`` (module docstring, 4)."""

    def __init__(self, src: Windows, tgt: Windows, params: SearchParams,
                 penalty: LengthPenalty) -> None:
        self.src, self.tgt, self.p = src, tgt, params
        self.penalty = penalty

    def sims(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        """Cosine (with the margin when asked) of source window [i-a, i) with each target
        window [j-b, j)."""
        s, t = self.src, self.tgt
        p, qs = i - a, js - b
        sv = s.vec[a][p]
        tv = t.vec[b][qs]
        sim = tv @ sv
        if self.p.margin:
            t1, s1 = t.vec[1], s.vec[1]
            # the target lines either side of each target window, against the source window
            right_ok, left_ok = js < t.n, qs >= 1
            right = t1[np.minimum(js, t.n - 1)] @ sv
            left = t1[np.maximum(qs - 1, 0)] @ sv
            t_near = _mean2(right, right_ok, left, left_ok)
            # the source lines either side of the source window, against each target window
            s_right = tv @ s1[i] if i < s.n else np.zeros(len(js), dtype=np.float32)
            s_left = tv @ s1[p - 1] if p >= 1 else np.zeros(len(js), dtype=np.float32)
            s_near = _mean2(s_right, np.full(len(js), i < s.n), s_left, np.full(len(js), p >= 1))
            sim = sim - (t_near + s_near) / 2.0
        return sim.astype(np.float64)


def _mean2(x: np.ndarray, x_ok: np.ndarray, y: np.ndarray, y_ok: np.ndarray) -> np.ndarray:
    """Mean of the present values of two (0 where neither is)."""
    count = x_ok.astype(np.float64) + y_ok
    return (x * x_ok + y * y_ok) / np.maximum(count, 1.0)


# ---------------------------------------------------------------- first pass

def top_k(src: np.ndarray, tgt: np.ndarray, k: int, block: int = 512
          ) -> tuple[np.ndarray, np.ndarray]:
    """Each source vector's ``k`` nearest target vectors by dot product: (scores, indices),
    each (n, k), best first. Blocks of rows keep the memory at ``block`` x m."""
    n, m = len(src), len(tgt)
    k = min(k, m)
    scores = np.zeros((n, k), dtype=np.float32)
    index = np.zeros((n, k), dtype=np.int64)
    for r in range(0, n, block):
        sims = src[r:r + block] @ tgt.T
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < m else \
            np.broadcast_to(np.arange(m), (len(sims), m)).copy()
        vals = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        index[r:r + block] = np.take_along_axis(part, order, axis=1)
        scores[r:r + block] = np.take_along_axis(vals, order, axis=1)
    return scores, index


def first_band(n: int, m: int, params: SearchParams) -> int:
    return max(params.first_band, int(max(n, m) * params.first_band_frac))


def first_pass(scores: np.ndarray, index: np.ndarray, n: int, m: int, band: int
               ) -> list[tuple[int, int]]:
    """The heaviest chain of candidate pairs (i, index[i, r]) with positive score, strictly
    increasing on both sides, each within ``band`` of the proportional diagonal: the 1-1
    anchors, 0-based line pairs in order."""
    ratio = m / n if n else 1.0
    size = m + 1
    tree_val = np.zeros(size + 1)
    tree_at = np.full(size + 1, -1, dtype=np.int64)
    cand_i: list[int] = []
    cand_j: list[int] = []
    prev: list[int] = []
    for i in range(n):
        centre = int(ratio * (i + 1))
        row = []
        for s, j in zip(scores[i], index[i], strict=True):
            if s <= 0 or abs((j + 1) - centre) > band:
                continue
            # best chain ending at a target line < j: Fenwick prefix maximum over 1..j
            best, at, x = 0.0, -1, int(j)
            while x > 0:
                if tree_val[x] > best:
                    best, at = tree_val[x], int(tree_at[x])
                x -= x & -x
            row.append((int(j), best + float(s), at))
        # this row's candidates enter the tree only after all of them were looked up: two
        # pairs of one source line cannot both be anchors
        for j, total, at in row:
            cand_i.append(i)
            cand_j.append(j)
            prev.append(at)
            me = len(cand_i) - 1
            x = j + 1
            while x <= size:
                if total > tree_val[x]:
                    tree_val[x], tree_at[x] = total, me
                x += x & -x
    if not cand_i:
        return []
    # the chain's end: the best prefix over every target line
    best, at, x = 0.0, -1, size
    while x > 0:
        if tree_val[x] > best:
            best, at = tree_val[x], int(tree_at[x])
        x -= x & -x
    chain = []
    while at >= 0:
        chain.append((cand_i[at], cand_j[at]))
        at = prev[at]
    return chain[::-1]


# ---------------------------------------------------------------- calibration

def random_pairs(n: int, m: int, samples: int, seed: int) -> np.ndarray:
    """``samples`` random target lines for each source line, none within 2 lines of the
    proportional diagonal (true partners live there) where the document is long enough."""
    rng = np.random.default_rng(seed)
    own = np.repeat(np.arange(n), samples)
    cand = rng.integers(0, max(m, 1), size=len(own))
    radius = 2 if m > 6 else 1 if m >= 3 else -1
    if radius >= 0:
        near = np.abs(cand - own * m / max(n, 1)) <= radius
        cand[near] = (cand[near] + m // 2) % m
    return np.stack([own, cand], axis=1)


def separation(true: np.ndarray, rand: np.ndarray) -> np.ndarray:
    """Per term (rows), d' of true against unrelated pairs: the gap between their medians over
    their pooled robust spread (interquartile range / 1.349); 0 where true pairs are no
    better."""
    gap = np.median(true, axis=1) - np.median(rand, axis=1)
    iqr = [np.subtract(*np.percentile(x, [75, 25], axis=1)) / 1.349 for x in (true, rand)]
    spread = np.sqrt((iqr[0] ** 2 + iqr[1] ** 2) / 2) + 1e-3
    return np.maximum(gap, 0.0) / spread


# ---------------------------------------------------------------- second pass

def second_corridor(anchors: Sequence[tuple[int, int]], n: int, m: int, win: int
                    ) -> list[tuple[int, int]]:
    """Per lattice row 0..n, the target columns the second pass may visit: between two
    consecutive anchors, from ``win`` before the earlier one to ``win`` after the later one."""
    ends = [(i + 1, j + 1) for i, j in anchors]  # lattice nodes after each anchor pair
    # the last node must be the end of both sides (as Bertalign: the last anchor is dropped
    # when it shares a side's end with the corner)
    if ends and ends[-1] != (n, m) and (ends[-1][0] == n or ends[-1][1] == m):
        ends.pop()
    if not ends or ends[-1] != (n, m):
        ends.append((n, m))
    rows: list[tuple[int, int]] = []
    prev_i = prev_j = 0
    for i, j in ends:
        lo, hi = max(0, prev_j - win), min(m, j + win)
        rows += [(lo, hi)] * (i - prev_i)
        prev_i, prev_j = i, j
    return [rows[0] if rows else (0, m), *rows]


def second_pass(score: ScoreFn, n: int, m: int, corridor: Sequence[tuple[int, int]],
                params: SearchParams) -> list[tuple[int, int]]:
    """The highest-scoring bead sequence inside ``corridor``: (a, b) sizes from the start."""

    def cost(a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        return -score(a, b, i, js)

    skip = -params.skip
    return align_dp(n, m, cost, np.full(n, skip), np.full(m, skip), corridor, params.types())
