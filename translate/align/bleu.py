"""Bleualign-style alignment: the MT of the source scored against the target with sentence BLEU.

Sennrich & Volk (2010): 1-1 anchors by dynamic programming over BLEU similarities, then gap
filling with merged beads, and Gale-Church length for what BLEU cannot decide. Here the anchor
search is the first pass of the shared two-pass DP (1-1 beads in a diagonal band, so a
1,000-line document costs a band, not a square), and gap filling is the second pass: every bead
type in a corridor around the anchors, merged spans scored by BLEU of the merged MT against the
merged target, with Gale-Church length at a tenth of BLEU's weight (``length_weight``).

Why length: sentence BLEU of real MT is 0-10 for most true pairs, so a merged bead that adds a
neighbour's line costs BLEU almost nothing, and BLEU alone over-merged (Text+Berg dev, Europarl
MT: 22 predicted 1-3 beads against 9 in the gold, 13 with length; 1-1: 213 against 246, 223 with
length). A whole bead has the right length and a piece of one does not. Measured on every dev
set (eval/align/README.md, round 4; means over four random baselines): a tenth raised strict F1
on 25 of the 26 set x MT rows, Text+Berg dev 0.750 -> 0.793 (Europarl MT) and 0.800 -> 0.817
(Google); 0.05 and 0.15 were each worse on average.
"""

from __future__ import annotations

from typing import Any

from translate.align.signals import BleuSignal, LengthSignal, Signal
from translate.align.twopass import SignalAligner
from translate.errors import UsageError

#: weight of the Gale-Church length signal beside MT-BLEU's 1 (module docstring)
BLEU_LENGTH_WEIGHT = 0.1


class BleuAligner(SignalAligner):
    name = "bleu"
    uses_mt = True

    def __init__(self, order: int = 2, length_weight: float = BLEU_LENGTH_WEIGHT,
                 **options: Any) -> None:
        super().__init__(**options)
        if length_weight < 0.0:
            raise UsageError("length_weight must be >= 0")
        # Bleualign compares up to bigrams: higher orders are mostly zero on single sentences
        self.order = order
        self.length_weight = length_weight

    def _signals(self, src, tgt, src_mt, tgt_mt):  # type: ignore[no-untyped-def]
        if src_mt is None and tgt_mt is None:
            raise UsageError("method bleu needs MT: pass --src-mt FILE (or a model with "
                             "--model LANG=ID_OR_PATH to make it) or --tgt-mt FILE")
        sigs: list[tuple[Signal, float]] = [
            (BleuSignal(src_mt, tgt, src=src, tgt_mt=tgt_mt, order=self.order), 1.0)]
        if self.length_weight:
            sigs.append((LengthSignal(src, tgt), self.length_weight))
        return sigs
