"""The aligner contract: beads, the `Aligner` base class, document splitting.

An aligner aligns ONE document (lists of segments, 0-based local indices). ``align_documents``
splits a line stream at ``.EOA`` delimiter lines, aligns each document and shifts the indices so
they count segment lines across the whole stream (delimiters are not counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError, UsageError

EOA = ".EOA"

Translate = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Bead:
    """One alignment unit: source and target line indices (either side may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    method: str
    #: how it was aligned (``translate.align.params.signature``); empty for a bead not made
    #: by an aligner (a gold bead)
    signature: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"src": list(self.src), "tgt": list(self.tgt), "score": round(self.score, 4),
               "method": self.method}
        if self.signature:
            out["signature"] = self.signature
        return out

    @property
    def kind(self) -> str:
        """The bead type, e.g. ``2-1``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    def shifted(self, ds: int, dt: int) -> Bead:
        return Bead(tuple(i + ds for i in self.src), tuple(j + dt for j in self.tgt),
                    self.score, self.method, self.signature)


class Aligner:
    """Base class: the public ``align`` checks inputs and output; subclasses fill ``_align``."""

    name = "base"
    #: whether the method can use (or needs) machine translation of the source
    uses_mt = False

    def align(self, src: list[str], tgt: list[str], *, src_mt: list[str] | None = None,
              tgt_mt: list[str] | None = None) -> list[Bead]:
        for label, mt, ref in (("src_mt", src_mt, src), ("tgt_mt", tgt_mt, tgt)):
            if mt is not None and len(mt) != len(ref):
                raise InputError(f"{label} has {len(mt)} lines but its text has {len(ref)}")
        if not src and not tgt:
            return []
        if not src or not tgt:
            return [Bead((i,), (), 0.0, self.name) for i in range(len(src))] + \
                   [Bead((), (j,), 0.0, self.name) for j in range(len(tgt))]
        beads = self._align(list(src), list(tgt), src_mt, tgt_mt)
        check_beads(beads, len(src), len(tgt))
        return beads

    def _align(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
               tgt_mt: list[str] | None) -> list[Bead]:
        raise NotImplementedError


def check_beads(beads: Sequence[Bead], n: int, m: int) -> None:
    """Every line in exactly one bead, in order: a broken DP must fail loudly, not drop text."""
    si = ti = 0
    for b in beads:
        if not b.src and not b.tgt:
            raise AssertionError("empty bead")
        if b.src != tuple(range(si, si + len(b.src))) or \
                b.tgt != tuple(range(ti, ti + len(b.tgt))):
            raise AssertionError(f"bead {b} breaks monotonic coverage at src {si}, tgt {ti}")
        si += len(b.src)
        ti += len(b.tgt)
    if (si, ti) != (n, m):
        raise AssertionError(f"beads cover {si}/{n} source and {ti}/{m} target lines")


def split_documents(lines: Sequence[str]) -> list[list[str]]:
    """Split at ``.EOA`` lines; a trailing delimiter does not open an empty document."""
    docs: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == EOA:
            docs.append([])
        else:
            docs[-1].append(line)
    if len(docs) > 1 and not docs[-1]:
        docs.pop()
    return docs


def align_documents(src_lines: Sequence[str], tgt_lines: Sequence[str], method: str = "auto",
                    src_mt: Sequence[str] | None = None, tgt_mt: Sequence[str] | None = None,
                    translate: Translate | None = None, encoder: Any = None,
                    **options: Any) -> list[Bead]:
    """Align a stream of documents separated by ``.EOA``; indices are global segment indices.

    ``src_mt`` / ``tgt_mt`` are line-parallel with their texts and carry the same delimiters.
    ``translate`` makes the MT of the source when no MT is given (bleu / auto); either
    direction alone is enough for them.
    """
    from translate.align.registry import get_aligner

    src_docs, tgt_docs = split_documents(src_lines), split_documents(tgt_lines)
    if len(src_docs) != len(tgt_docs):
        raise InputError(f"source has {len(src_docs)} documents but target has {len(tgt_docs)} "
                         f"(documents are separated by lines {EOA})")
    mt_docs: list[list[str] | None] = [None] * len(src_docs)
    tmt_docs: list[list[str] | None] = [None] * len(src_docs)
    for label, mt, docs, out in (("--src-mt", src_mt, src_docs, mt_docs),
                                 ("--tgt-mt", tgt_mt, tgt_docs, tmt_docs)):
        if mt is None:
            continue
        split = split_documents(mt)
        if [len(d) for d in split] != [len(d) for d in docs]:
            raise InputError(f"{label} must have the same documents and line counts as its text "
                             f"({sum(map(len, split))} lines in {len(split)} documents vs "
                             f"{sum(map(len, docs))} in {len(docs)})")
        out[:] = split
    if encoder is not None:
        options["encoder"] = encoder
    aligner = get_aligner(method, **options)
    if aligner.uses_mt and src_mt is None:
        if translate is not None:
            flat = [s for d in src_docs for s in d]
            out_mt = list(translate(flat))
            if len(out_mt) != len(flat):
                raise InputError("the translation engine returned a different number of lines")
            pos = 0
            for k, d in enumerate(src_docs):
                mt_docs[k] = out_mt[pos:pos + len(d)]
                pos += len(d)
        elif method == "bleu" and tgt_mt is None:
            raise UsageError("method bleu needs MT: pass --src-mt FILE (or a model with "
                             "--model LANG=ID_OR_PATH to make it) or --tgt-mt FILE")
    beads: list[Bead] = []
    ds = dt = 0
    for k, (s, t) in enumerate(zip(src_docs, tgt_docs, strict=True)):
        for b in aligner.align(s, t, src_mt=mt_docs[k], tgt_mt=tmt_docs[k]):
            beads.append(b.shifted(ds, dt))
        ds += len(s)
        dt += len(t)
    return beads
