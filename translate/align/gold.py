"""Gold alignments: reading them and scoring predicted beads against them.

Formats read: JSONL beads (``{"src": [..], "tgt": [..]}``, as ``tarjama align`` writes) or the
Bleualign/Vecalign text format, one bead a line: ``[0, 1]:[0]`` (``[]`` for an empty side).
Indices are global segment indices, as in the JSONL output.

Scores follow Vecalign's evaluation (score.py, after Sennrich & Volk): null beads (1-0 / 0-1)
are EXCLUDED from both the predicted and the gold side, in strict and in lax scores; they are
reported separately as ``null_*`` (exact-match precision/recall of the null beads).
- strict: a predicted bead counts only if a gold bead has exactly the same sides.
- lax: a predicted bead counts if it overlaps one gold bead on both sides; recall likewise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from translate.align.base import Bead
from translate.errors import InputError
from translate.fsio import read_lines

Pair = tuple[tuple[int, ...], tuple[int, ...]]
_TEXT_BEAD = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]")


def _ints(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.replace(",", " ").split())


def parse_gold(lines: Iterable[str], name: str = "gold", n_src: int | None = None,
               n_tgt: int | None = None) -> list[Pair]:
    """Gold beads; with ``n_src`` / ``n_tgt`` (the texts' segment counts) every index is
    checked against them and every line may be in one bead only, so a gold file for another
    text fails here, before any alignment, not in the scores."""
    out: list[Pair] = []
    seen: tuple[set[int], set[int]] = (set(), set())
    for k, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                d = json.loads(line)
                bead = (tuple(int(x) for x in d["src"]), tuple(int(x) for x in d["tgt"]))
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{name}:{k}: not a JSON bead with src and tgt lists") from None
        else:
            m = _TEXT_BEAD.match(line)
            if not m:
                raise InputError(f"{name}:{k}: expected a bead like [0,1]:[0] or a JSON object")
            bead = (_ints(m.group(1)), _ints(m.group(2)))
        if not bead[0] and not bead[1]:
            raise InputError(f"{name}:{k}: an empty bead (no source and no target line)")
        for side, idx, count, used in (("source", bead[0], n_src, seen[0]),
                                       ("target", bead[1], n_tgt, seen[1])):
            for i in idx:
                if i < 0 or (count is not None and i >= count):
                    raise InputError(f"{name}:{k}: {side} line {i} does not exist (the "
                                     f"{side} has {count} segment lines, counted from 0)")
                if count is not None and i in used:
                    raise InputError(f"{name}:{k}: {side} line {i} is in two beads")
                used.add(i)
        out.append(bead)
    return out


def read_gold(path: str | Path, n_src: int | None = None,
              n_tgt: int | None = None) -> list[Pair]:
    return parse_gold(read_lines(path), str(path), n_src, n_tgt)


@dataclass(frozen=True)
class AlignmentScore:
    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float
    null_precision: float
    null_recall: float
    predicted: int  # non-null predicted beads
    gold: int  # non-null gold beads

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}

    def table(self) -> str:
        rows = [("strict", self.strict_precision, self.strict_recall, self.strict_f1),
                ("lax", self.lax_precision, self.lax_recall, self.lax_f1),
                ("null beads", self.null_precision, self.null_recall,
                 _f1(self.null_precision, self.null_recall))]
        lines = [f"{'':<11}{'P':>7}{'R':>7}{'F1':>7}"]
        lines += [f"{n:<11}{p:7.3f}{r:7.3f}{f:7.3f}" for n, p, r, f in rows]
        lines.append(f"beads (non-null): predicted {self.predicted}, gold {self.gold}")
        return "\n".join(lines)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_pairs(beads: Sequence[Bead | Pair]) -> list[Pair]:
    return [(tuple(b.src), tuple(b.tgt)) if isinstance(b, Bead) else (tuple(b[0]), tuple(b[1]))
            for b in beads]


def _lax_hits(xs: list[Pair], ys: list[Pair]) -> int:
    """How many beads of xs overlap some bead of ys on both sides."""
    src_of: dict[int, list[int]] = {}
    for k, (s, _) in enumerate(ys):
        for i in s:
            src_of.setdefault(i, []).append(k)
    hits = 0
    for s, t in xs:
        tset = set(t)
        if any(tset & set(ys[k][1]) for i in s for k in src_of.get(i, ())):
            hits += 1
    return hits


def score_alignment(predicted: Sequence[Bead | Pair],
                    gold: Sequence[Bead | Pair]) -> AlignmentScore:
    pred, ref = _as_pairs(predicted), _as_pairs(gold)
    p_full = [b for b in pred if b[0] and b[1]]
    g_full = [b for b in ref if b[0] and b[1]]
    gset = set(g_full)
    hits = sum(1 for b in p_full if b in gset)
    sp = hits / len(p_full) if p_full else 0.0
    sr = len(gset & set(p_full)) / len(g_full) if g_full else 0.0
    lp = _lax_hits(p_full, g_full) / len(p_full) if p_full else 0.0
    lr = _lax_hits(g_full, p_full) / len(g_full) if g_full else 0.0
    p_null = {b for b in pred if not (b[0] and b[1])}
    g_null = {b for b in ref if not (b[0] and b[1])}
    both = len(p_null & g_null)
    npr = both / len(p_null) if p_null else (1.0 if not g_null else 0.0)
    nre = both / len(g_null) if g_null else (1.0 if not p_null else 0.0)
    return AlignmentScore(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr), npr, nre,
                          len(p_full), len(g_full))
