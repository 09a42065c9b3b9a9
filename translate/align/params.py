"""Every tuned number of the aligners, one frozen parameters object per method, and the
signature string that says how a corpus was aligned (as sacrebleu signs its scores).

    >>> signature("embed", "use:multilingual-v3", EMBED)
    'method:embed|encoder:use:multilingual-v3|max:5|topk:3|win:5|skip:-0.1|margin:yes|lenpen:yes|version:...'

The signature goes with every bead (``Bead.signature``), every export and the corpus database,
and ``--gold`` reports print it: two corpora with the same signature were aligned the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from translate.align.search import SearchParams

#: bumped whenever a change moves the beads of an unchanged input
VERSION = "2"


@dataclass(frozen=True)
class EmbedParams(SearchParams):
    """``embed``: the search with Bertalign's defaults (search.py); nothing of ours added."""


@dataclass(frozen=True)
class AutoParams(SearchParams):
    """``auto``: the search, with MT-BLEU as a second term of the bead score (auto.py)."""

    #: n-gram order of the sentence BLEU (Bleualign's: higher orders are mostly zero on one
    #: sentence)
    bleu_order: int = 2
    #: random partners per source line for the unrelated-pair baseline of the separation
    random_samples: int = 16


@dataclass(frozen=True)
class BleuParams(SearchParams):
    """``bleu``: the search with MT-BLEU as its only meaning signal (bleu.py)."""

    #: off: the margin (BLEU of each window with the lines beside the other window taken off)
    #: helped on the synthetic NTREX sets (mean strict F1 0.932 -> 0.953 with the degraded MT)
    #: and cost on the real ones (Text+Berg Europarl MT 0.853 -> 0.799, Google 0.843 -> 0.862,
    #: aca 0.992 -> 0.988, pol 0.943 -> 0.905): real MT's BLEU with a neighbour is noise
    margin: bool = False
    bleu_order: int = 2
    #: the typical true pair's score that BLEU is scaled to, in place of an encoder's (the
    #: ``skip`` cost is on this scale)
    typical_true: float = 0.4


@dataclass(frozen=True)
class LengthParams:
    """``length``: Gale-Church in a diagonal band of ``band_frac`` of the longer side plus the
    length difference, at least ``min_band`` lines."""

    band_frac: float = 0.1
    min_band: int = 20


EMBED, AUTO, BLEU, LENGTH = EmbedParams(), AutoParams(), BleuParams(), LengthParams()

#: short names of the fields in the signature
_SHORT = {"max_align": "max", "top_k": "topk", "len_penalty": "lenpen", "bleu_order": "order",
          "random_samples": "rand", "first_band": "band", "first_band_frac": "bandfrac",
          "typical_true": "true", "band_frac": "bandfrac", "min_band": "band"}
#: fields left out of the signature when they have Bertalign's value (short, like sacrebleu's)
_QUIET = {"first_band": 250, "first_band_frac": 0.06}


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else str(value)


def signature(method: str, encoder: str | None, params: object) -> str:
    """``method:...|encoder:...|<every parameter>|version:...``."""
    from translate import __version__

    parts = [f"method:{method}"]
    if encoder:
        parts.append(f"encoder:{encoder}")
    for f in fields(params):  # type: ignore[arg-type]
        value = getattr(params, f.name)
        if _QUIET.get(f.name) == value:
            continue
        parts.append(f"{_SHORT.get(f.name, f.name)}:{_fmt(value)}")
    parts.append(f"version:{__version__}+{VERSION}")
    return "|".join(parts)
