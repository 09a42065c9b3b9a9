"""Dynamic programming over bead types inside a corridor of the alignment lattice.

The lattice node (i, j) means "i source and j target lines consumed". Each row i keeps only the
columns of its corridor [lo[i], hi[i]], so the work is linear in the document length times the
corridor width, never quadratic over all bead types. Inside a row every bead type with a source
side is one vectorised numpy step (it reads an earlier row); the 0-1 beads (which read the same
row) use a prefix-sum + running-minimum identity, so no Python loop runs over cells.

The second pass of the search (search.py) and Gale-Church (length.py) run on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: cost(a, b, i, js) -> costs of the beads covering src [i-a, i) and tgt [j-b, j) for j in js
CostFn = Callable[[int, int, int, np.ndarray], np.ndarray]

#: Vecalign's default (alignment_max_size 4: x + y <= 4) without the null beads
ALL_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))


def band(n: int, m: int, width: float) -> list[tuple[int, int]]:
    """Columns within ``width`` of the proportional diagonal, widened so rows always overlap."""
    w = max(float(width), m / max(n, 1) + 1.0, 1.0)
    rows = []
    for i in range(n + 1):
        c = i * m / n if n else 0.0
        rows.append((max(0, int(np.floor(c - w))), min(m, int(np.ceil(c + w)))))
    rows[0] = (0, rows[0][1])
    rows[-1] = (rows[-1][0], m)
    return rows


def align_dp(n: int, m: int, cost: CostFn, del_src: np.ndarray, del_tgt: np.ndarray,
             corridor: Sequence[tuple[int, int]],
             types: Sequence[tuple[int, int]] = ALL_TYPES) -> list[tuple[int, int]]:
    """Minimum-cost monotone bead sequence; returns (a, b) sizes from the start, 0-sizes allowed.

    ``del_src[i]`` is the cost of the 1-0 bead of source line i, ``del_tgt[j]`` of the 0-1 bead
    of target line j.
    """
    inf = np.inf
    moves = [(a, b) for a, b in types if a >= 1] + [(1, 0)]
    ctgt = np.concatenate([[0.0], np.cumsum(np.asarray(del_tgt, dtype=np.float64))])
    D: list[np.ndarray] = []
    back: list[np.ndarray] = []  # index into moves; len(moves) means 0-1
    for i in range(n + 1):
        lo, hi = corridor[i]
        js = np.arange(lo, hi + 1)
        X = np.full(len(js), inf)
        bk = np.full(len(js), -1, dtype=np.int16)
        if i == 0 and lo == 0:
            X[0] = 0.0
        for k, (a, b) in enumerate(moves):
            if a > i:
                continue
            plo, phi = corridor[i - a]
            # j - b must be a column of row i - a
            jlo, jhi = max(lo, plo + b, b), min(hi, phi + b)
            if jlo > jhi:
                continue
            prev = D[i - a][jlo - b - plo: jhi - b - plo + 1]
            sel = np.arange(jlo, jhi + 1)
            step = np.full(len(sel), del_src[i - 1]) if b == 0 else cost(a, b, i, sel)
            cand = prev + step
            view = X[jlo - lo: jhi - lo + 1]
            better = cand < view
            view[better] = cand[better]
            bk[jlo - lo: jhi - lo + 1][better] = k
        # 0-1 beads: D[j] = min_k<=j X[k] + (C[j] - C[k]) with C the prefix sums of del_tgt
        c = ctgt[lo: hi + 1]
        run = np.minimum.accumulate(X - c) + c
        from_left = run < X - 1e-12
        bk[from_left] = len(moves)
        D.append(np.where(from_left, run, X))
        back.append(bk)
    if not np.isfinite(D[n][m - corridor[n][0]]):
        raise AssertionError("alignment corridor does not connect the start to the end")
    out: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = int(back[i][j - corridor[i][0]])
        a, b = (0, 1) if k == len(moves) else moves[k]
        out.append((a, b))
        i, j = i - a, j - b
    out.reverse()
    return out
