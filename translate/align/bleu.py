"""Bleualign-style alignment: the MT of the source scored against the target with sentence BLEU.

Sennrich & Volk (2010): 1-1 anchors by dynamic programming over BLEU similarities, then gap
filling with merged beads. Here the anchor search is the first pass of the shared two-pass DP
(1-1 beads in a diagonal band, so a 1,000-line document costs a band, not a square), and gap
filling is the second pass: every bead type in a corridor around the anchors, merged spans
scored by BLEU of the merged MT against the merged target.
"""

from __future__ import annotations

from typing import Any

from translate.align.signals import BleuSignal, Signal
from translate.align.twopass import SignalAligner
from translate.errors import UsageError


class BleuAligner(SignalAligner):
    name = "bleu"
    uses_mt = True

    def __init__(self, order: int = 2, **options: Any) -> None:
        super().__init__(**options)
        # Bleualign compares up to bigrams: higher orders are mostly zero on single sentences
        self.order = order

    def _signals(self, src, tgt, src_mt, tgt_mt):  # type: ignore[no-untyped-def]
        if src_mt is None and tgt_mt is None:
            raise UsageError("method bleu needs MT: pass --src-mt FILE (or a model with "
                             "--model LANG=ID_OR_PATH to make it) or --tgt-mt FILE")
        sigs: list[tuple[Signal, float]] = [
            (BleuSignal(src_mt, tgt, src=src, tgt_mt=tgt_mt, order=self.order), 1.0)]
        return sigs
