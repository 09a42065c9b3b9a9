"""Sentence alignment of a text with its translation: bleu, embed, length and auto methods.

Methods are looked up in a registry (``translate.align.registry``) and imported only when asked
for (numpy and the encoders are not loaded by ``import translate.align``).
"""

from __future__ import annotations

from translate.align.base import EOA, Aligner, Bead, align_documents, split_documents
from translate.align.registry import METHODS, get_aligner

__all__ = ["EOA", "METHODS", "Aligner", "Bead", "align_documents", "get_aligner",
           "split_documents"]
