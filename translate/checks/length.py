"""Length ratio: a translation much longer or shorter than its source is rarely right.

Why: a dropped clause (too short) or a hallucinated tail (too long) keeps the output fluent, so
only the length gives it away. The accepted range of ``len(translation) / len(source)`` (in
characters) is learned per language pair from human translations (NTREX-128) and shipped in
``translate/data/length_ratios.tsv``; ``learn_range`` learns one pair's range, and
``python eval/learn_length_ratios.py`` regenerates the file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from translate.article import Flag
from translate.checks.base import Check, base_lang
from translate.errors import InputError
from translate.fsio import split_lines

SHORT_SOURCE = 10  # characters; below this, one word more or less swings the ratio
SHORT_SLACK = 3.0  # short sources get the learned range widened by this factor each way
LOW_PCT, HIGH_PCT = 0.5, 99.5  # percentiles of the learned ratios taken as the range
_COLUMNS = ["src", "tgt", "lines", "low", "high", "mean_log", "sd_log"]
_HEADER = "\t".join(_COLUMNS)


@dataclass(frozen=True)
class LengthRange:
    src: str
    tgt: str
    lines: int  # pairs the range was learned from
    low: float  # accepted ratio len(tgt)/len(src), inclusive
    high: float
    mean_log: float
    sd_log: float

    def row(self) -> str:
        return (f"{self.src}\t{self.tgt}\t{self.lines}\t{self.low:.4f}\t{self.high:.4f}\t"
                f"{self.mean_log:.4f}\t{self.sd_log:.4f}")


def _percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default) without importing numpy."""
    xs = sorted(values)
    k = (len(xs) - 1) * pct / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def learn_range(src: str, tgt: str, sources: Sequence[str], targets: Sequence[str]) -> LengthRange:
    """Learn the accepted ratio range from line-parallel human translations."""
    if len(sources) != len(targets):
        raise InputError(f"length ratios: {len(sources)} source lines but {len(targets)} "
                         f"target lines; the files must be line-parallel")
    logs = [math.log(len(t.strip()) / len(s.strip()))
            for s, t in zip(sources, targets, strict=True)
            if len(s.strip()) >= SHORT_SOURCE and t.strip()]
    if len(logs) < 100:
        raise InputError(f"length ratios: only {len(logs)} usable line pairs; need at least 100")
    mean = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / len(logs))
    return LengthRange(src, tgt, len(logs), math.exp(_percentile(logs, LOW_PCT)),
                       math.exp(_percentile(logs, HIGH_PCT)), mean, sd)


def format_ranges(ranges: Sequence[LengthRange], provenance: str) -> str:
    """The TSV text (comment header with provenance, then one row per pair)."""
    head = [f"# {line}" for line in provenance.splitlines()]
    return "\n".join([*head, _HEADER, *(r.row() for r in ranges)]) + "\n"


def parse_ranges(text: str) -> dict[tuple[str, str], LengthRange]:
    rows = [ln for ln in split_lines(text) if ln.strip() and not ln.startswith("#")]
    if not rows or rows[0].split("\t") != _COLUMNS:
        raise InputError(f"length ratios table: expected the header {_HEADER!r}")
    out: dict[tuple[str, str], LengthRange] = {}
    for ln in rows[1:]:
        f = ln.split("\t")
        r = LengthRange(f[0], f[1], int(f[2]), *(float(x) for x in f[3:7]))
        out[(r.src, r.tgt)] = r
    return out


@cache
def shipped_ranges() -> dict[tuple[str, str], LengthRange]:
    text = resources.files("translate").joinpath("data/length_ratios.tsv").read_text("utf-8")
    return parse_ranges(text)


class LengthCheck(Check):
    """Character length ratio translation/source outside the learned range for the pair."""

    name = "length"

    def __init__(self, ranges: dict[tuple[str, str], LengthRange] | None = None,
                 src_lang: str = "ar") -> None:
        self._ranges = ranges
        self.src_lang = src_lang

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        ranges = self._ranges if self._ranges is not None else shipped_ranges()
        r = ranges.get((self.src_lang, base_lang(lang)))
        src_len, tgt_len = len(source.strip()), len(translation.strip())
        if r is None or src_len == 0:
            return []  # no range learned for this pair: nothing to compare against
        low, high = r.low, r.high
        if src_len < SHORT_SOURCE:
            low, high = low / SHORT_SLACK, high * SHORT_SLACK
        ratio = tgt_len / src_len
        if low <= ratio <= high:
            return []
        side = "short" if ratio < low else "long"
        return [self.flag(f"translation too {side}: {tgt_len} chars for {src_len} source chars "
                          f"(ratio {ratio:.2f}, expected {low:.2f}-{high:.2f} for "
                          f"{self.src_lang}-{base_lang(lang)})")]
