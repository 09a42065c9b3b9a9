"""Align two articles in the same language sentence by sentence, for scoring a translation of
an article against a reference translation whose paragraphs and sentences do not line up.

Both texts go through the segmenter (blocks, then sentences; chrome blocks such as language
switchers carry no sentences and are skipped). The hypothesis and the reference are the same
language, so ``bleu`` with the hypothesis as its own "MT" is the right method: no translation
and no encoder are needed. Each bead becomes one scoring unit, its sides joined with a space; a
null bead pairs its text with an empty string, so a sentence the hypothesis leaves out (or
adds) costs it in the scores instead of vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass

from translate.align.base import Bead
from translate.errors import InputError


@dataclass(frozen=True)
class AlignedUnits:
    hyps: list[str]
    refs: list[str]
    beads: list[Bead]

    @property
    def hyp_only(self) -> int:
        """Units with hypothesis text and no reference (additions)."""
        return sum(1 for b in self.beads if b.src and not b.tgt)

    @property
    def ref_only(self) -> int:
        """Units with reference text and no hypothesis (omissions)."""
        return sum(1 for b in self.beads if b.tgt and not b.src)


def article_sentences(text: str, source: str = "-") -> list[str]:
    from translate.segment import segment_text

    article = segment_text(text, source=source)
    return [s.text for b in article.blocks for s in b.sentences if s.text.strip()]


def align_articles(hyp_text: str, ref_text: str, hyp_name: str = "hypothesis",
                   ref_name: str = "reference") -> AlignedUnits:
    from translate.align import get_aligner

    hyp = article_sentences(hyp_text, hyp_name)
    ref = article_sentences(ref_text, ref_name)
    if not hyp:
        raise InputError(f"{hyp_name}: no sentences to score")
    if not ref:
        raise InputError(f"{ref_name}: no sentences to score")
    beads = get_aligner("bleu").align(hyp, ref, src_mt=hyp)
    hyps = [" ".join(hyp[i] for i in b.src) for b in beads]
    refs = [" ".join(ref[j] for j in b.tgt) for b in beads]
    return AlignedUnits(hyps, refs, beads)
