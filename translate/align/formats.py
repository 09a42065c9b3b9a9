"""Writing beads with their texts: jsonl, tsv, tmx (1.4b), moses (two line-parallel files).

Library functions return strings (and, for moses, a mapping of file suffix to content); the CLI
writes them atomically. Every writer takes the beads already filtered by --min-score.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from translate import __version__
from translate.align.base import Bead
from translate.errors import UsageError

FORMATS = ("jsonl", "tsv", "tmx", "moses")


def _join(lines: Sequence[str], idx: Sequence[int]) -> str:
    return " ".join(lines[i] for i in idx)


def _one_line(text: str) -> str:
    # a tab or newline inside a segment would break the TSV / Moses line structure
    return " ".join(text.split())


def _xml_text(text: str) -> str:
    # XML 1.0 forbids most control characters even when escaped; drop them
    clean = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)
    return escape(clean)


def to_jsonl(beads: Sequence[Bead]) -> str:
    return "".join(json.dumps(b.to_dict(), ensure_ascii=False) + "\n" for b in beads)


def to_tsv(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str]) -> str:
    return "".join(f"{_one_line(_join(src, b.src))}\t{_one_line(_join(tgt, b.tgt))}\t"
                   f"{b.score:.4f}\n" for b in beads)


def to_moses(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str,
             tgt_lang: str) -> dict[str, str]:
    """{src_lang: text, tgt_lang: text}; null beads are left out (Moses needs both sides)."""
    if src_lang == tgt_lang:
        raise UsageError("moses output needs different source and target language codes")
    full = [b for b in beads if b.src and b.tgt]
    return {src_lang: "".join(_one_line(_join(src, b.src)) + "\n" for b in full),
            tgt_lang: "".join(_one_line(_join(tgt, b.tgt)) + "\n" for b in full)}


def to_tmx(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str,
           tgt_lang: str) -> str:
    """TMX 1.4b; null beads are left out (a translation unit needs both languages)."""
    now = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<tmx version="1.4">',
           f'  <header creationtool="tarjama" creationtoolversion={quoteattr(__version__)} '
           f'segtype="sentence" o-tmf="tarjama" adminlang="en" srclang={quoteattr(src_lang)} '
           f'datatype="plaintext" creationdate="{now}"/>', "  <body>"]
    for k, b in enumerate(beads):
        if not (b.src and b.tgt):
            continue
        out.append(f'    <tu tuid="{k}">')
        out.append(f'      <prop type="x-score">{b.score:.4f}</prop>')
        out.append(f'      <prop type="x-method">{escape(b.method)}</prop>')
        out.append(f'      <prop type="x-bead">{b.kind}</prop>')
        for lang, lines, idx in ((src_lang, src, b.src), (tgt_lang, tgt, b.tgt)):
            out.append(f"      <tuv xml:lang={quoteattr(lang)}><seg>"
                       f"{_xml_text(_join(lines, idx))}</seg></tuv>")
        out.append("    </tu>")
    out += ["  </body>", "</tmx>", ""]
    return "\n".join(out)
