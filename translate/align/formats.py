"""Beads with their texts as a table for the output formats (translate.writers).

Library functions return strings (and, for moses, a mapping of language to content);
``translate.writers.write_table`` writes them. Every writer takes the beads already filtered by
--min-score. TMX, TSV and Moses leave null beads (1-0, 0-1) out: a unit, a row, a line pair
needs both languages; JSONL, the beads themselves, keeps every one (translate.writers).
"""

from __future__ import annotations

from collections.abc import Sequence

from translate.align.base import Bead
from translate.writers import Row, Table, get_writer


def _join(lines: Sequence[str], idx: Sequence[int]) -> str:
    return " ".join(lines[i] for i in idx)


def bead_table(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
               src_lang: str = "src", tgt_lang: str = "tgt") -> Table:
    """One row per bead: the joined lines of each side, the score and method. The TSV columns
    are named as ``corpus export`` names them: id, one text column per language, then
    SRC-TGT.bead and SRC-TGT.align (the bead's score)."""
    rows = []
    for k, b in enumerate(beads):
        texts = {lang: _join(lines, idx) for lang, lines, idx in
                 ((src_lang, src, b.src), (tgt_lang, tgt, b.tgt)) if idx}
        props = [("x-score", f"{b.score:.4f}"), ("x-method", b.method), ("x-bead", b.kind)]
        if b.signature:  # how it was aligned (translate.align.params.signature)
            props.append(("x-signature", b.signature))
        rows.append(Row(
            texts=texts, id=str(k), props=props,
            cells=[str(k), texts.get(src_lang, ""), texts.get(tgt_lang, ""), b.kind,
                   f"{b.score:.4f}"],
            record=b.to_dict()))
    pair = f"{src_lang}-{tgt_lang}"
    return Table([src_lang, tgt_lang], rows,
                 header=["id", src_lang, tgt_lang, f"{pair}.bead", f"{pair}.align"])


def render_beads(fmt: str, beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
                 src_lang: str, tgt_lang: str) -> dict[str, str]:
    """``fmt`` (a name in translate.writers.FORMATS): file suffix → content."""
    return get_writer(fmt).write(bead_table(beads, src, tgt, src_lang, tgt_lang))


def to_jsonl(beads: Sequence[Bead]) -> str:
    """The beads alone, one JSON object a line (the texts stay in their files)."""
    rows = [Row(texts={}, record=b.to_dict()) for b in beads]
    return get_writer("jsonl").write(Table(["src", "tgt"], rows))[""]


def to_tsv(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str]) -> str:
    return render_beads("tsv", beads, src, tgt, "src", "tgt")[""]


def to_moses(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str,
             tgt_lang: str) -> dict[str, str]:
    """{src_lang: text, tgt_lang: text}; null beads are left out (Moses needs both sides)."""
    return render_beads("moses", beads, src, tgt, src_lang, tgt_lang)


def to_tmx(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str,
           tgt_lang: str) -> str:
    """TMX 1.4b; null beads are left out (a translation unit needs both languages)."""
    return render_beads("tmx", beads, src, tgt, src_lang, tgt_lang)[""]
