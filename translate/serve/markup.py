"""``format=html``: the markup is kept byte for byte, only the text between tags is translated.

The fragment is cut at tags and comments; text inside ``script``, ``style``, ``code`` and
``pre`` is kept as it is. A text node is unescaped for the model (``&amp;`` is ``&``) and its
translation escaped again, so the result is as well-formed as the input.
"""

from __future__ import annotations

import html
import re

_TOKENS = re.compile(r"(<!--.*?-->|<![^>]*>|<\?.*?\?>|<[^>]*>)", re.S)
_OPEN = re.compile(r"<\s*(script|style|code|pre)\b", re.I)
_CLOSE = re.compile(r"<\s*/\s*(script|style|code|pre)\b", re.I)


def split_nodes(fragment: str) -> list[tuple[str, bool]]:
    """``(piece, translatable)`` in order: markup and kept text as they are (False), text
    nodes unescaped (True)."""
    out: list[tuple[str, bool]] = []
    raw_depth = 0
    for i, piece in enumerate(_TOKENS.split(fragment)):
        if not piece:
            continue
        if i % 2:  # a tag or a comment
            if _OPEN.match(piece) and not piece.rstrip().endswith("/>"):
                raw_depth += 1
            elif _CLOSE.match(piece):
                raw_depth = max(0, raw_depth - 1)
            out.append((piece, False))
        else:
            out.append((html.unescape(piece), True) if raw_depth == 0 else (piece, False))
    return out


def join_nodes(doc: list[tuple[str, bool]], texts: list[str]) -> str:
    """The fragment again, each translatable piece replaced by its text, escaped."""
    return "".join(html.escape(t, quote=False) if ok else t
                   for (_, ok), t in zip(doc, texts, strict=True))
