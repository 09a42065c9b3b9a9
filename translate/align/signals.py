"""Similarity signals between a source span and a target span, and their combination as costs.

A signal answers ``pair_sims(a, ps, b, qs)``: the similarity in [0, 1] of source span
[p, p+a) with target span [q, q+b) for each pair (p, q). Signals differ in scale (e5 cosines of
unrelated sentences sit near 0.75, BLEU of unrelated sentences near 0), so each is made
comparable the way Vecalign does: the cost of a bead divides (1 - sim) by how dissimilar each side
is on average to random sentences of the other side. An unrelated pair then costs about 0.5 and a
perfect one 0, for every signal, encoder and language pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from translate.errors import UsageError

#: scripts written without spaces between words (Han, kana): each character is a token, as
#: in sacrebleu's zh tokenizer; elsewhere a token is a run of word characters. Without this a
#: whole Chinese or Japanese clause was one "word" and BLEU of a right pair was 0.
_UNSPACED = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


class Signal:
    name = "signal"
    #: baseline of a span of a lines: random spans of a lines (True) or random single lines
    #: (Vecalign's choice, right for meaning signals: a 2-line span is as unlike a random line as
    #: a 1-line one). Length needs same-size spans: a 2-line span is never as long as a random
    #: single line, so against lines its baseline was ~1 and every 2-2 bead looked length-perfect.
    same_size_baseline = False
    #: cap on the normalised dissimilarity (0.5 = an unrelated pair); None: no cap
    max_dissim: float | None = None
    #: whether ``auto`` weighs it by how well it separates true from random pairs in the
    #: document (meaning signals) or keeps its given share (length: see LengthSignal)
    weigh_by_separation = True
    #: has a one-sided (containment) measure, ``cover_sims`` (MT-BLEU)
    one_sided = False
    #: costly to compute per line (an encoder): limited to the lines that can pair in an
    #: unbalanced document (``pairable``, see ``SignalAligner._bound``)
    expensive = False
    pairable: tuple[np.ndarray, np.ndarray] | None = None

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def cover_sims(self, src_member: bool, a: int, ps: np.ndarray, b: int,
                   qs: np.ndarray) -> np.ndarray | None:
        """How much of ONE line is found in a span of the other side: source line p against
        target span [q, q+b) (``src_member``), or source span [p, p+a) against target line q.
        None: the signal has no one-sided (containment) measure. Length has none (a line is
        shorter than a span by construction), and neither has a cosine of embeddings: it is
        symmetric, so a line contained in a longer span scores like a partly related line
        (measured: using it made auto without MT leave true lines unaligned)."""
        return None


# ---------------------------------------------------------------- BLEU (Bleualign-style)

def _ngram_sets(tokens: Sequence[str], order: int) -> list[frozenset]:
    return [frozenset(zip(*[tokens[k:] for k in range(n)], strict=False))
            for n in range(1, order + 1)]


def sentence_bleu(hyp: list[frozenset], hyp_len: int, ref: list[frozenset], ref_len: int,
                  ratio: float = 1.0) -> float:
    """A modified sentence BLEU over n-gram *types* (sets): set intersections are fast, and a
    repeated word matching twice adds nothing for alignment. Unigram precision is unsmoothed (no
    shared word means no evidence), higher orders are add-one smoothed; brevity penalty as BLEU's
    but against ``ratio`` times the reference length (see ``BleuSignal``).
    The reference implementation of what ``BleuSignal`` computes in bulk (tests compare them).
    """
    if not hyp_len or not ref_len or not hyp[0]:
        return 0.0
    logp = 0.0
    for n, (h, r) in enumerate(zip(hyp, ref, strict=True)):
        match = len(h & r) if len(h) <= len(r) else len(r & h)
        if n == 0:
            if not match:
                return 0.0
            logp += math.log(match / len(h))
        else:
            logp += math.log((match + 1) / (len(h) + 1))
    bp = min(1.0, math.exp(1.0 - ratio * ref_len / hyp_len))
    return bp * math.exp(logp / len(hyp))


@dataclass
class _Spans:
    """The n-gram type ids of every span of ``a`` lines starting at each line, one ragged array
    per order (``flat[off[p]:off[p + 1]]`` are span p's sorted ids), and its token counts."""

    flat: list[np.ndarray]
    off: list[np.ndarray]
    toks: np.ndarray


def _gather(flat: np.ndarray, off: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ids of the given spans and each span's length (a vectorised ragged gather)."""
    starts = off[rows]
    lens = off[rows + 1] - starts
    total = int(lens.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), lens
    first = np.concatenate([[0], np.cumsum(lens)[:-1]])
    return flat[np.repeat(starts - first, lens) + np.arange(total)], lens


class BleuSignal(Signal):
    """MT of the source span against the target span (and, with ``tgt_mt``, the reverse too).

    Brevity penalty: against the length this MT is expected to have, i.e. the reference length
    times the document's MT/reference token ratio (Gale-Church estimate their c per document
    the same way). With BLEU's own penalty an MT that is systematically short (a terse system,
    or the dev sets' degraded MT, 0.8 of the reference) penalised every true pair, and a
    neighbour's unrelated sentence added to the hypothesis lifted the penalty about as much as
    its unmatched words cost, so deleted lines joined beads for free.

    Speed: n-grams are interned as integer ids once per span, and a whole batch of span pairs
    (a DP row, or the random-pair baseline) is scored with a few numpy calls: each pair's ids
    are offset by ``pair * vocabulary`` so one sorted intersection counts the matches of every
    pair at once. The result equals ``sentence_bleu`` on the same spans.
    """

    name = "bleu"
    one_sided = True

    def __init__(self, src_mt: list[str] | None, tgt: list[str], src: list[str] | None = None,
                 tgt_mt: list[str] | None = None, order: int = 2) -> None:
        self.order = order
        self._ids: dict[tuple[str, ...], int] = {}
        # one (source-indexed lines, target-indexed lines, the MT is on the source side) per
        # direction: the MT of the source against the target, the MT of the target against
        # the source; either alone is enough
        self.sides: list[tuple[list[list[str]], list[list[str]], bool]] = []
        if src_mt is not None:
            self.sides.append((self._tok(src_mt), self._tok(tgt), True))
        if tgt_mt is not None and src is not None:
            self.sides.append((self._tok(src), self._tok(tgt_mt), False))
        if not self.sides:
            raise UsageError("BLEU needs the MT of the source or of the target")
        # MT tokens per reference token over the whole document, per direction (see the class)
        self.ratios = []
        for x, y, forward in self.sides:
            hyp, ref = (x, y) if forward else (y, x)
            nh, nr = sum(map(len, hyp)), sum(map(len, ref))
            self.ratios.append(min(2.0, max(0.5, nh / nr)) if nh and nr else 1.0)
        self._tables: dict[tuple[int, int, int], _Spans] = {}

    @staticmethod
    def _tok(lines: list[str]) -> list[list[str]]:
        return [_WORD.findall(x.casefold()) for x in lines]

    def _table(self, side: int, which: int, a: int) -> _Spans:
        key = (side, which, a)
        if key not in self._tables:
            x, y, _forward = self.sides[side]
            lines = x if which == 0 else y
            flats: list[list[np.ndarray]] = [[] for _ in range(self.order)]
            toks = np.zeros(len(lines) + 1, dtype=np.float64)
            for p in range(len(lines)):
                words = [t for line in lines[p:p + a] for t in line]
                toks[p] = len(words)
                for n, grams in enumerate(_ngram_sets(words, self.order)):
                    ids = [self._ids.setdefault(g, len(self._ids)) for g in grams]
                    flats[n].append(np.sort(np.array(ids, dtype=np.int64)))
            # one empty span past the end, so any index up to len(lines) is valid
            offs = [np.concatenate([[0], np.cumsum([len(x) for x in f] + [0])]) for f in flats]
            self._tables[key] = _Spans(
                [np.concatenate(f) if f else np.zeros(0, dtype=np.int64) for f in flats],
                [o.astype(np.int64) for o in offs], toks)
        return self._tables[key]

    def _bleu(self, hyp: _Spans, hs: np.ndarray, ref: _Spans, rs: np.ndarray,
              bp_on: bool = True, ratio: float = 1.0) -> np.ndarray:
        k = len(hs)
        vocab = max(len(self._ids), 1)
        pair = np.arange(k, dtype=np.int64)
        logp = np.zeros(k)
        ok = (hyp.toks[hs] > 0) & (ref.toks[rs] > 0)
        for n in range(self.order):
            h_ids, h_len = _gather(hyp.flat[n], hyp.off[n], hs)
            r_ids, r_len = _gather(ref.flat[n], ref.off[n], rs)
            common = np.intersect1d(np.repeat(pair, h_len) * vocab + h_ids,
                                    np.repeat(pair, r_len) * vocab + r_ids, assume_unique=True)
            match = np.bincount(common // vocab, minlength=k).astype(np.float64)
            if n == 0:
                ok &= (h_len > 0) & (match > 0)
                logp += np.log(np.where(ok, match, 1.0) / np.maximum(h_len, 1))
            else:
                logp += np.log((match + 1.0) / (h_len + 1.0))
        hl = np.maximum(hyp.toks[hs], 1.0)
        bp = np.minimum(1.0, np.exp(1.0 - ratio * ref.toks[rs] / hl)) if bp_on else 1.0
        return np.where(ok, bp * np.exp(logp / self.order), 0.0)

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0 or not len(ps):
            return np.zeros(len(ps))
        ps, qs = np.asarray(ps, dtype=np.int64), np.asarray(qs, dtype=np.int64)
        out = np.zeros(len(ps))
        for k, (_x, _y, forward) in enumerate(self.sides):
            # the MT is the hypothesis: of the source span, or (reverse) of the target span
            src_t, tgt_t = self._table(k, 0, a), self._table(k, 1, b)
            out += (self._bleu(src_t, ps, tgt_t, qs, ratio=self.ratios[k]) if forward
                    else self._bleu(tgt_t, qs, src_t, ps, ratio=self.ratios[k]))
        return out / len(self.sides)

    def cover_sims(self, src_member: bool, a: int, ps: np.ndarray, b: int,
                   qs: np.ndarray) -> np.ndarray:
        """BLEU precision WITHOUT the brevity penalty of the member's words in the other span:
        the member is the hypothesis (the MT of a source line, or a target line against the MT
        of the source span), so a line shorter than the span is not penalised for being short,
        only for content the span lacks."""
        ps, qs = np.asarray(ps, dtype=np.int64), np.asarray(qs, dtype=np.int64)
        out = np.zeros(len(ps))
        for k in range(len(self.sides)):
            src_t, tgt_t = self._table(k, 0, a), self._table(k, 1, b)
            out += (self._bleu(src_t, ps, tgt_t, qs, False) if src_member
                    else self._bleu(tgt_t, qs, src_t, ps, False))
        return out / len(self.sides)


# ---------------------------------------------------------------- length (Gale-Church)

#: Gale & Church (1993): variance of the target/source length difference per source character
GC_S2 = 6.8
#: Gale & Church's bead priors (as in NLTK's implementation)
GC_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089,
             (2, 2): 0.011}


def _erfc(x: np.ndarray) -> np.ndarray:
    # Numerical Recipes' erfc (|error| < 1.2e-7); numpy has no erf and scipy is not a dependency
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    r = t * np.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (
        0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (
            1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    return np.where(x >= 0, r, 2.0 - r)


class LengthSignal(Signal):
    """Gale-Church: P(|delta| >= observed) for character lengths; c is the document's ratio.

    Length is a weak signal, so its normalised cost is capped at the unrelated-pair level
    (``max_dissim`` 0.5): it may say a pair is no better than chance, never that it is worse.
    Without the cap, a document whose lines are all about as long gave length a tiny baseline,
    and one true pair with an off ratio cost twice an unrelated pair, so it was merged with its
    neighbour (whose ratio was off the other way) into a 2-2 bead.
    """

    name = "length"
    same_size_baseline = True
    max_dissim = 0.5
    #: length keeps its given share of the cost: its job is telling a whole bead from a piece
    #: of one, which its separation of true from random 1-1 pairs does not measure
    weigh_by_separation = False

    def __init__(self, src: list[str], tgt: list[str]) -> None:
        self.ls = np.concatenate([[0], np.cumsum([len(x) for x in src])]).astype(np.float64)
        self.lt = np.concatenate([[0], np.cumsum([len(x) for x in tgt])]).astype(np.float64)
        total_s, total_t = self.ls[-1], self.lt[-1]
        # expected target characters per source character: estimated per document, so the
        # method works for any pair (Gale-Church's c = 1 holds only for similar scripts)
        self.c = min(4.0, max(0.25, total_t / total_s)) if total_s and total_t else 1.0

    def delta(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        l1 = self.ls[ps + a] - self.ls[ps]
        l2 = self.lt[qs + b] - self.lt[qs]
        mean = (l1 + l2 / self.c) / 2.0
        return (l2 - l1 * self.c) / np.sqrt(np.maximum(mean, 1.0) * GC_S2)

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        return _erfc(np.abs(self.delta(a, ps, b, qs)) / math.sqrt(2.0))


# ---------------------------------------------------------------- combination

@dataclass
class Combined:
    """Vecalign-normalised weighted cost over signals for one document."""

    signals: list[tuple[Signal, float]]
    n: int
    m: int
    samples: int = 16
    seed: int = 0
    calibrated: np.ndarray | None = None
    _norm_src: dict = field(default_factory=dict)
    _norm_tgt: dict = field(default_factory=dict)

    def _random_partners(self, count: int, size: int, other: int, other_count: int,
                         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``count`` spans, ``samples`` partner lines of the other side, avoiding
        the proportional diagonal where the document is long enough (true partners live there)."""
        own = np.repeat(np.arange(count), self.samples)
        cand = rng.integers(0, max(other_count, 1), size=len(own))
        # keep out of +-2 lines of the diagonal (+-1 in a short document, where +-2 would be
        # everything): otherwise a short document's "unrelated" sample is mostly true pairs,
        # its deletion cost near 0, and every line becomes a 1-0 / 0-1 bead
        radius = 2 if other_count > 6 else 1 if other_count >= 3 else -1
        if radius >= 0:
            expect = own * other_count / max(count, 1)
            near = np.abs(cand - expect) <= radius
            cand[near] = (cand[near] + other_count // 2) % other_count
        return own, cand

    def _norms(self, a: int, src_side: bool) -> list[np.ndarray]:
        cache = self._norm_src if src_side else self._norm_tgt
        if a not in cache:
            rng = np.random.default_rng(self.seed + 31 * a + (0 if src_side else 7))
            count = (self.n if src_side else self.m) - a + 1
            other = self.m if src_side else self.n
            own, partner = self._random_partners(max(count, 0), a, 1, other, rng)
            res = []
            for sig, _ in self.signals:
                if count <= 0:
                    res.append(np.zeros(0))
                    continue
                k = a if sig.same_size_baseline and other - a >= 0 else 1
                if k > 1:  # random spans of the other side with as many lines as this one
                    o2, p2 = self._random_partners(count, a, k, other - k + 1, rng)
                    s = sig.pair_sims(a, o2, k, p2) if src_side else sig.pair_sims(k, p2, a, o2)
                else:
                    s = (sig.pair_sims(a, own, 1, partner) if src_side
                         else sig.pair_sims(1, partner, a, own))
                res.append(np.maximum((1.0 - s).reshape(count, self.samples).mean(axis=1), 0.05))
            cache[a] = res
        return cache[a]

    def parts(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        """Normalised dissimilarity of each span pair per signal (one row per signal): about
        0.5 unrelated, 0 identical; capped where the signal says so."""
        ns, nt = self._norms(a, True), self._norms(b, False)
        out = np.empty((len(self.signals), len(ps)))
        for k, (sig, _w) in enumerate(self.signals):
            s = sig.pair_sims(a, ps, b, qs)
            d = (1.0 - s) / (ns[k][ps] + nt[k][qs])
            out[k] = d if sig.max_dissim is None else np.minimum(d, sig.max_dissim)
        return out

    @property
    def weights(self) -> np.ndarray:
        """The weight of each signal in ``dissim`` and ``score``: the given weights until
        ``calibrated`` (the aligner sets them from this document's separation)."""
        if self.calibrated is not None:
            return self.calibrated
        return np.array([w for _, w in self.signals], dtype=np.float64)

    def dissim(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        """The weighted mean of the signals' normalised dissimilarities."""
        w = self.weights
        return w @ self.parts(a, ps, b, qs) / max(float(w.sum()), 1e-12)

    def cover_parts(self, src_member: bool, a: int, ps: np.ndarray, b: int,
                    qs: np.ndarray) -> np.ndarray | None:
        """Normalised dissimilarity of one line with a span of the other side, per signal:
        source line p against target span [q, q+b) (``src_member``, ``a`` ignored) or source
        span [p, p+a) against target line q; about 0.5 when the line is unrelated to the span.
        A row of NaN for a signal without a one-sided measure (see ``Signal.cover_sims``);
        None when no signal has one."""
        out = np.full((len(self.signals), len(ps)), np.nan)
        found = False
        for n, (sig, _w) in enumerate(self.signals):
            if src_member:
                s = sig.cover_sims(True, 1, ps, b, qs)
                norm = self._norms(1, True)[n][ps] + self._norms(b, False)[n][qs]
            else:
                s = sig.cover_sims(False, a, ps, 1, qs)
                norm = self._norms(a, True)[n][ps] + self._norms(1, False)[n][qs]
            if s is not None:
                out[n] = (1.0 - s) / norm
                found = True
        return out if found else None

    def random_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Each source line with ``samples`` random target lines away from the diagonal."""
        rng = np.random.default_rng(self.seed + 99)
        return self._random_partners(self.n, 1, 1, self.m, rng)

    def random_parts(self) -> np.ndarray:
        """1-1 ``parts`` of unrelated pairs (``random_pairs``)."""
        own, partner = self.random_pairs()
        return self.parts(1, own, 1, partner)

    def score(self, a: int, p: int, b: int, q: int) -> float:
        """0 for an unrelated pair, 1 for a perfect one; comparable across methods."""
        c = float(self.dissim(a, np.array([p]), b, np.array([q]))[0])
        return min(1.0, max(0.0, 1.0 - 2.0 * c))
