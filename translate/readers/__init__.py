"""Reading an article from whatever the user hands us: text, a saved HTML page or Markdown, in
UTF-8, UTF-16, windows-1256 or ISO-8859-6; refusing binary, empty and non-Arabic input with one
stable line each.

``read_article`` returns a ``SourceText`` whose ``text`` is ready for ``segment_text``: blocks
separated by blank lines, ``# title``, ``## heading``, ``- item``, captions and credits as their
own blocks, the language switcher as one line such as "Ru En". ``notes`` says how it was read
(encoding and why, BOM, detector scores, format, script statistics, switcher languages); the CLI
puts it into ``article.notes["input"]``.

The steps, each linear in the input size:
  bytes ─ binary sniff ─ decode (encoding.py) ─ CR/CRLF → LF ─ format ─ html.py | markdown.py
        ─ empty check ─ script check (detect.py; only when the source language is Arabic)

Error messages (stable first parts, the CLI prefixes "tarjama: error: "):
  NAME: the article is empty
  NAME: looks like binary data (KIND), not text
  NAME: the text is not Arabic (mostly SCRIPT script); pass --from LANG to translate it anyway
  NAME: not valid UTF-8 at byte offset N (...)
  NAME: cannot decode as ENCODING at byte offset N (...); check --encoding
  unknown encoding 'X' (--encoding); ...               (UsageError)
  NAME: is a directory, expected a file / NAME: no such file  (from translate.fsio)
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from translate.errors import InputError, UsageError
from translate.readers import detect
from translate.readers.encoding import BOMS, decode


class InputFormat(str, Enum):
    """``--input-format``: how to read the input (auto: from the suffix and the content)."""

    auto = "auto"
    text = "text"
    html = "html"
    markdown = "markdown"


INPUT_FORMATS = tuple(f.value for f in InputFormat)

__all__ = ["INPUT_FORMATS", "InputFormat", "SourceText", "parse_article", "parse_lines",
           "read_article"]


@dataclass
class SourceText:
    """An article's text ready for the segmenter, and how it was read."""

    text: str
    encoding: str  # e.g. "utf-8", "utf-16-le", "windows-1256", "iso-8859-6"
    format: str  # "text" | "html" | "markdown"
    notes: dict[str, Any] = field(default_factory=dict)
    source: str = "-"

    def summary(self) -> str:
        """One line for ``--verbose``: format, encoding and why, Arabic share."""
        why = {"bom": "byte-order mark", "utf-8": "valid UTF-8", "forced": "--encoding",
               "declared": "declared in the page", "detected": "detected"}.get(
            str(self.notes.get("encoding_source")), "")
        if "confidence" in self.notes:
            why += f", Arabic-letter score {self.notes['confidence']:.2f}"
        share = self.notes.get("scripts", {}).get("arabic_share")
        parts = [f"{self.source}: {self.format}", f"encoding {self.encoding}"
                 + (f" ({why})" if why else "")]
        if share is not None:
            parts.append(f"{share:.0%} Arabic letters")
        langs = self.notes.get("html", {}).get("switcher", {}).get("languages")
        if langs:
            parts.append("switcher " + " ".join(langs))
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """What goes into ``article.notes["input"]`` (the text itself stays out)."""
        return {"source": self.source, "encoding": self.encoding, "format": self.format,
                **self.notes}


def read_article(path: str | Path, *, encoding: str | None = None, fmt: str = "auto",
                 source_lang: str = "ar") -> SourceText:
    """Read ``path`` (``-`` for stdin) as an article; see the module docstring."""
    from translate.fsio import read_bytes

    fmt = str(getattr(fmt, "value", fmt))  # an InputFormat member or its value
    if fmt not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {fmt!r}; choose from {', '.join(INPUT_FORMATS)}")
    data = read_bytes(path)
    name = "stdin" if str(path) == "-" else str(path)
    return parse_article(data, name=name, suffix="" if str(path) == "-" else Path(path).suffix,
                         encoding=encoding, fmt=fmt, source_lang=source_lang)


def parse_article(data: bytes, *, name: str = "stdin", suffix: str = "",
                  encoding: str | None = None, fmt: str = "auto",
                  source_lang: str = "ar") -> SourceText:
    """``read_article`` on bytes already in memory; ``suffix`` (".html") helps guess the format."""
    if fmt not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {fmt!r}; choose from {', '.join(INPUT_FORMATS)}")
    if encoding is not None:
        from translate.readers.encoding import lookup

        lookup(encoding)  # an unknown name is a usage error even for empty input
    if not data.strip():
        detect.check_not_empty("", name)
    has_bom = any(data.startswith(b) for b, _ in BOMS)
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    if not has_bom and not wide:
        detect.check_binary(data, name)

    ascii_head = data[:8192] if not (has_bom or wide) else b""
    sniffed = fmt if fmt != "auto" else detect.sniff_format(ascii_head, suffix)
    declared = _declared_charset(ascii_head) if sniffed == "html" else None
    decoded = decode(data, name, forced=encoding, declared=declared)
    text = decoded.text
    if "\x00" in text:  # UTF-16/32 that decoded to NULs, or a forced encoding
        raise InputError(f"{name}: looks like binary data (NUL characters), not text")
    notes: dict[str, Any] = dict(decoded.notes)
    if declared:
        notes["declared_charset"] = declared

    crlf, text = text.count("\r\n"), text.replace("\r\n", "\n")
    lone_cr, text = text.count("\r"), text.replace("\r", "\n")
    if crlf or lone_cr:
        notes["line_endings"] = {"crlf": crlf, "cr": lone_cr}

    if fmt == "auto":
        if sniffed == "text" and (has_bom or wide):  # the byte sniff could not see the markup
            sniffed = detect.sniff_format(text[:8192].encode("utf-8", "replace"), suffix)
        if sniffed == "text" and detect.looks_like_markdown(text):
            sniffed = "markdown"
    kind = sniffed
    if kind == "html":
        from translate.readers.html import extract

        detect.check_not_empty(text, name)
        text, notes["html"] = extract(text, source_lang=source_lang, name=name)
        detect.check_not_empty(text, name, "no article text in the HTML")
    elif kind == "markdown":
        from translate.readers.markdown import normalise_markdown

        text, md_notes = normalise_markdown(text)
        if md_notes:
            notes["markdown"] = md_notes
    detect.check_not_empty(text, name)

    stats = detect.script_stats(text)
    notes["scripts"] = stats.to_dict()
    notes["source_lang"] = source_lang
    if source_lang == "ar":
        detect.check_arabic(stats, name)
    return SourceText(text=text, encoding=decoded.encoding, format=kind, notes=notes,
                      source=name)


def parse_lines(data: bytes, *, name: str = "stdin", encoding: str | None = None,
                source_lang: str = "ar") -> SourceText:
    """Text of one segment a line (``translate --lines``), decoded as an article is, but never
    parsed as HTML or Markdown and allowed to be empty (a filter passes nothing through).
    ``text`` keeps the line structure: split it with ``fsio.split_lines`` (``\n`` only)."""
    if encoding is not None:
        from translate.readers.encoding import lookup

        lookup(encoding)
    has_bom = any(data.startswith(b) for b, _ in BOMS)
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    if data and not has_bom and not wide:
        detect.check_binary(data, name)
    decoded = decode(data, name, forced=encoding)
    if "\x00" in decoded.text:
        raise InputError(f"{name}: looks like binary data (NUL characters), not text")
    notes: dict[str, Any] = dict(decoded.notes)
    stats = detect.script_stats(decoded.text)
    notes["scripts"] = stats.to_dict()
    notes["source_lang"] = source_lang
    if source_lang == "ar" and stats.letters:  # only digits or nothing: let it through
        detect.check_arabic(stats, name)
    return SourceText(text=decoded.text, encoding=decoded.encoding, format="lines", notes=notes,
                      source=name)


def _declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (<meta charset>, http-equiv)."""
    import re

    m = re.search(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})",
                  head[:4096], re.I)
    return m.group(1).decode("ascii").lower() if m else None
