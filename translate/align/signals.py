"""Similarity signals between a source span and a target span: sentence BLEU of MT
(Bleualign-style) and Gale-Church length.

A signal answers ``pair_sims(a, ps, b, qs)``: the similarity in [0, 1] of source span
[p, p+a) with target span [q, q+b) for each pair (p, q), vectorised over the pairs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from translate.errors import UsageError

#: scripts written without spaces between words (Han, kana)
_UNSPACED = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: share of unspaced characters from which a text is tokenised as Chinese
UNSPACED_SHARE = 0.2


def bleu_tokenizer(lines: Sequence[str]) -> str:
    """sacrebleu's tokenizer for the language the lines are in: ``zh`` (each Han or kana
    character a token) where a fifth or more of the characters are unspaced script, else
    ``13a``. Without this a whole Chinese clause was one "word" and BLEU of a right pair 0.
    Chosen by script, so it needs no language code (an MT file's language is its target's)."""
    sample = "".join(lines[:2000])
    chars = sum(1 for c in sample if not c.isspace())
    return "zh" if chars and len(_UNSPACED.findall(sample)) >= UNSPACED_SHARE * chars else "13a"


def bleu_tokens(lines: Sequence[str]) -> list[list[str]]:
    """The lines tokenised as sacrebleu does for their language (``bleu_tokenizer``) and
    case-folded (sentence alignment does not care about case)."""
    if bleu_tokenizer(lines) == "zh":
        from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh as Tok
    else:
        from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a as Tok  # type: ignore[assignment]
    tok = Tok()
    return [tok(x.strip()).casefold().split() for x in lines]


class Signal:
    name = "signal"

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        raise NotImplementedError


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
        return bleu_tokens(lines)

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
    """Gale-Church: P(|delta| >= observed) for character lengths (characters, so Chinese and
    Japanese count as they are written); c is the document's ratio."""

    name = "length"

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
        # in target characters: the spread grows with the text measured, and a Chinese source
        # character carries about four English ones (measured in source characters, every
        # delta of a zh-en pair was four times too large: strict F1 0.001 on pol)
        mean = (l1 * self.c + l2) / 2.0
        return (l2 - l1 * self.c) / np.sqrt(np.maximum(mean, 1.0) * GC_S2)

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        return _erfc(np.abs(self.delta(a, ps, b, qs)) / math.sqrt(2.0))
