"""Markdown input to the block form the segmenter reads: one block per paragraph, separated by
blank lines, ``# title`` / ``## heading`` and ``- item`` kept.

Decision on inline markup: emphasis (``**b**``, ``*i*``, ``__b__``, ``_i_``, ``~~s~~``), inline
code backticks, link targets and images are stripped, keeping the words. The Article has no
inline spans, so markers would only reach the MT model, which copies, drops or garbles them; the
count of each removal is recorded. Soft-wrapped lines of one paragraph are joined (Markdown
semantics), since the segmenter ends a sentence at a line end. Ordered items (``1.``) become
``- `` items like unordered ones: the segmenter knows one list form.

Every pattern is a single-line match with bounded repetition whose character class excludes its
own opener (``[^*]`` after ``*``, ``[^[]]`` after ``[``), so an attempt stops at the next opener
and a 1 MB line of unclosed markers costs a linear scan.
"""

from __future__ import annotations

import re
from typing import Any

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_ATX_EMPTY = re.compile(r"^\s{0,3}#{1,6}[ \t]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)[ \t]*$")
_HRULE = re.compile(r"^\s{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BULLET = re.compile(r"^\s*[-*+][ \t]+")
_ORDERED = re.compile(r"^\s*\d{1,9}[.)][ \t]+")
_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]\n]{1,500}\]:[ \t]*\S+.*$")
_HTML_DROP = re.compile(r"<(script|style)\b[^>\n]{0,500}>.{0,100000}?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,500})?/?>")

_INLINE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("images", re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\n]{0,2000}\)"), ""),
    ("links", re.compile(r"\[([^\[\]\n]{1,500})\]\([^()\n]{0,2000}\)"), r"\1"),
    ("links", re.compile(r"\[([^\[\]\n]{1,500})\]\[[^\[\]\n]{0,500}\]"), r"\1"),
    ("code", re.compile(r"`([^`\n]{1,500})`"), r"\1"),
    ("emphasis", re.compile(r"\*\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*\*"), r"\1"),
    ("emphasis", re.compile(r"(?<!\w)__(?=\S)([^_\n]{1,500}?)(?<=\S)__(?!\w)"), r"\1"),
    ("emphasis", re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*(?![\w*])"), r"\1"),
    ("emphasis", re.compile(r"(?<!\w)_(?=\S)([^_\n]{1,500}?)(?<=\S)_(?!\w)"), r"\1"),
    ("emphasis", re.compile(r"~~(?=\S)([^~\n]{1,500}?)(?<=\S)~~"), r"\1"),
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


def _inline(text: str, counts: dict[str, int]) -> str:
    if not any(c in text for c in "*_[`~<\\!"):
        return text
    text, n = _TAG.subn("", text)
    counts["html_tags"] = counts.get("html_tags", 0) + n
    for kind, rx, repl in _INLINE:
        text, n = rx.subn(repl, text)
        if n:
            counts[kind] = counts.get(kind, 0) + n
    return _ESCAPE.sub(r"\1", text)


def normalise_markdown(text: str) -> tuple[str, dict[str, Any]]:
    """Return the block text and counts of what was changed."""
    counts: dict[str, int] = {}
    text, n = _HTML_DROP.subn("", text)
    if n:
        counts["html_script_style"] = n
    blocks: list[str] = []  # finished entries: "# t", "## h", "- i", or a paragraph
    para: list[str] = []  # lines of the entry being built
    kind = ""  # "", "- ", "## " ... of the entry being built
    in_fence = False

    def close() -> None:
        nonlocal kind
        if para:
            joined = " ".join(s.strip() for s in para if s.strip())
            if joined:
                blocks.append(kind + joined)
        para.clear()
        kind = ""

    for line in text.split("\n"):
        if _FENCE.match(line):
            close()
            in_fence = not in_fence
            continue
        if in_fence:  # code: kept verbatim, one block per line
            if line.strip():
                blocks.append(line.strip())
            continue
        if not line.strip():
            close()
            continue
        setext = _SETEXT.match(line)
        if setext and para and not kind:
            level = "# " if setext.group(1)[0] == "=" else "## "
            kind = level
            counts["setext_headings"] = counts.get("setext_headings", 0) + 1
            close()
            continue
        if _HRULE.match(line) or _REFDEF.match(line) or _ATX_EMPTY.match(line):
            close()
            continue
        line = _QUOTE.sub("", line)
        atx = _ATX.match(line)
        if atx:
            close()
            kind = "# " if len(atx.group(1)) == 1 else "## "
            para.append(_inline(atx.group(2), counts))
            close()
            continue
        bullet = _BULLET.match(line) or _ORDERED.match(line)
        if bullet:
            close()
            if bullet.re is _ORDERED:
                counts["ordered_items"] = counts.get("ordered_items", 0) + 1
            kind = "- "
            para.append(_inline(line[bullet.end():], counts))
            continue
        para.append(_inline(line, counts))
    close()
    out = "\n\n".join(blocks)
    return (out + "\n" if out else ""), {k: v for k, v in counts.items() if v}
