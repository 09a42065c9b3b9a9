"""MT proxies for the NTREX dev sets: the reference degraded the way real MT of a document is.

There is no MT model here, so the "MT of the source" is made from the reference sentences of
each source line. Real MT of real documents is poor by reference-BLEU standards (Text+Berg
dev: corpus BLEU 7.6 for the Europarl SMT system, 12.1 for Google 2010; most true pairs score
sentence BLEU 2-20) and its quality varies a lot from sentence to sentence. A proxy has to
reproduce what the aligners see of that: few shared n-grams in a true pair, a length that is
not the reference's, words no reference has (untranslated names, other inflections), and
common words that also match unrelated sentences.

``degrade(words, level, ...)`` applies, per sentence, with a sentence quality drawn around the
document's level (log-normal spread, as real MT quality is very uneven):
- lexical choice: a word replaced by another word of the language, drawn by frequency (common
  words come up often, as an MT's different wording does, and match unrelated lines);
- inflection: a long word keeps its stem and gets another word's ending (BLEU sees a miss);
- untranslated: a word replaced by a source-language word (an OOV passed through);
- drops (single words and, now and then, a clause: a run of 30-50% of the sentence);
- additions (one to three common words);
- reordering: adjacent swaps and a phrase of 3-6 words moved elsewhere.

``calibrate`` finds the level whose corpus BLEU (sacrebleu, the MT of every gold bead against
its reference) hits a target, by bisection on a fixed seed; ``bleu_histogram`` gives the
sentence-BLEU histogram of a set's true pairs, shown in results.md beside the real MTs'.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

#: sentence-BLEU bins of the histograms in results.md
BINS = (0, 5, 10, 15, 20, 30, 40, 60, 101)


class Vocabulary:
    """Words of one language, drawn by frequency (lexical choice) or for their endings."""

    def __init__(self, lines: Sequence[str]) -> None:
        counts = Counter(w for line in lines for w in line.split())
        self.words = list(counts)
        self.cum = []
        total = 0
        for w in self.words:
            total += counts[w]
            self.cum.append(total)
        self.long = [w for w in self.words if len(w) > 5] or self.words

    def common(self, rng: random.Random) -> str:
        import bisect

        return self.words[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]

    def ending(self, rng: random.Random) -> str:
        w = rng.choice(self.long)
        return w[-rng.randint(1, 3):]


def degrade(words: list[str], level: float, vocab: Vocabulary, source_words: Sequence[str],
            rng: random.Random, spread: float = 0.25) -> list[str]:
    """One sentence's proxy MT; ``level`` 0 keeps the reference, 1 keeps almost nothing."""
    s = min(1.0, level * math.exp(rng.gauss(0.0, spread)))
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < 0.22 * s:
            continue  # dropped
        r -= 0.22 * s
        if r < 0.45 * s:
            out.append(vocab.common(rng))  # another word choice
        elif r < 0.45 * s + 0.25 * s and len(w) > 4:
            stem = w[:max(2, len(w) - rng.randint(1, 3))]
            out.append(stem + vocab.ending(rng))  # another inflection
        elif r < 0.45 * s + 0.30 * s and source_words:
            out.append(rng.choice(source_words))  # passed through untranslated
        else:
            out.append(w)
    if len(out) > 4 and rng.random() < 0.25 * s:  # a clause lost
        k = max(2, int(len(out) * rng.uniform(0.3, 0.5)))
        at = rng.randrange(0, len(out) - k + 1)
        del out[at:at + k]
    if rng.random() < 0.3 * s:  # words added
        for _ in range(rng.randint(1, 3)):
            out.insert(rng.randrange(0, len(out) + 1), vocab.common(rng))
    for k in range(len(out) - 1):
        if rng.random() < 0.3 * s:
            out[k], out[k + 1] = out[k + 1], out[k]
    if len(out) > 6 and rng.random() < 0.4 * s:  # a phrase moved
        k = rng.randint(3, 6)
        at = rng.randrange(0, len(out) - k + 1)
        phrase = out[at:at + k]
        del out[at:at + k]
        to = rng.randrange(0, len(out) + 1)
        out[to:to] = phrase
    return out or [vocab.common(rng)]


def proxy_lines(ref_of_line: Sequence[str], src_of_line: Sequence[str], level: float,
                vocab: Vocabulary, seed: int) -> list[str]:
    """The proxy MT of every source line (``.EOA`` lines are kept)."""
    rng = random.Random(seed)
    out = []
    for ref, src in zip(ref_of_line, src_of_line, strict=True):
        if ref == ".EOA":
            out.append(ref)
            continue
        out.append(" ".join(degrade(ref.split(), level, vocab, src.split(), rng)))
    return out


def bead_pairs(mt: Sequence[str], tgt: Sequence[str],
               gold: Sequence[tuple[Sequence[int], Sequence[int]]]) -> tuple[list[str], list[str]]:
    """(MT of the source side, reference of the target side) of every non-null gold bead;
    ``mt`` and ``tgt`` without ``.EOA`` lines."""
    hyps, refs = [], []
    for s, t in gold:
        if s and t:
            hyps.append(" ".join(mt[i] for i in s))
            refs.append(" ".join(tgt[j] for j in t))
    return hyps, refs


def corpus_bleu(hyps: list[str], refs: list[str]) -> float:
    import sacrebleu

    return float(sacrebleu.corpus_bleu(hyps, [refs]).score)


def bleu_histogram(hyps: list[str], refs: list[str]) -> list[float]:
    """Share of true pairs per sentence-BLEU bin (``BINS``), sacrebleu's sentence BLEU."""
    import sacrebleu

    scores = [sacrebleu.sentence_bleu(h, [r]).score for h, r in zip(hyps, refs, strict=True)]
    counts = [sum(1 for x in scores if lo <= x < hi) for lo, hi in pairwise(BINS)]
    return [c / max(len(scores), 1) for c in counts]


def calibrate(make, score, target: float, lo: float = 0.0, hi: float = 1.0,
              steps: int = 14) -> tuple[float, float]:
    """The level in [lo, hi] at which ``score(make(level))`` is ``target`` (it falls as the
    level rises); returns (level, score)."""
    best = (lo, score(make(lo)))
    for _ in range(steps):
        mid = (lo + hi) / 2
        got = score(make(mid))
        if abs(got - target) < abs(best[1] - target):
            best = (mid, got)
        if got > target:
            lo = mid
        else:
            hi = mid
    return best
