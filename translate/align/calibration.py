"""What a bead's score means: the probability that the bead is right.

An aligner scores a bead on its own scale ("raw": 0 for unrelated text, 1 for identical text;
``Combined.score``). On real text with real MT a true pair scores only about 0.2-0.6 raw, so a
raw threshold means little to a user ("--min-score 0.5" kept almost nothing). Every score that
leaves the library is therefore calibrated, here and only here: ``tarjama align``'s beads, and
the corpus's stored and exported scores (``align_score``) are

    P(the bead is exactly right) = 1 / (1 + exp(-(a + b * raw)))

with (a, b) per method, fitted by logistic regression on the dev sets' gold (NTREX with
realistic MT proxies and without MT; Text+Berg dev with its real MTs):
``eval/align/score_calibration.py`` writes ``translate/data/score_calibration.json`` and
``eval/align/results-score-calibration.md`` (the fit, and how well calibrated it is on each
family of text). A null bead (1-0 / 0-1) keeps 0, and so does a raw 0 (a bead the aligner
could not score, or scored as unrelated). A method without a fitted entry (an aligner added
later) keeps its raw score until the fit is rerun.

Example::

    beads = calibrate_beads(aligner.align(src, tgt, src_mt=mt))
    kept = [b for b in beads if b.score >= 0.9]   # beads right about 9 times in 10 or more
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from importlib import resources

from translate.align.base import Bead

TABLE = "score_calibration.json"


@cache
def table() -> dict:
    """The fitted table: {"version", "methods": {method: {"a", "b"}}, ...}."""
    text = resources.files("translate").joinpath(f"data/{TABLE}").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def version() -> int:
    return int(table()["version"])


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def calibrated(raw: float, method: str) -> float:
    """The probability that a bead of ``method`` with raw score ``raw`` is right (4 digits)."""
    coef = table()["methods"].get(method)
    if coef is None:
        return raw
    if raw <= 0.0:
        return 0.0
    return round(logistic(coef["a"] + coef["b"] * raw), 4)


def calibrate_beads(beads: Sequence[Bead]) -> list[Bead]:
    """The beads with calibrated scores; null beads keep 0."""
    return [replace(b, score=calibrated(b.score, b.method)) if b.src and b.tgt
            else replace(b, score=0.0) for b in beads]
