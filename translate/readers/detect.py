"""Checks on raw input: binary data, emptiness, which script the text is written in, its format.

Everything here is linear in the input and uses C-level scans (``bytes.find``, ``re.subn`` over
a character class, ``bytes.translate``), so a 5 MB article or a 1 MB line costs a few passes and
never backtracks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from translate.errors import InputError

# Magic numbers of the files people hand a text tool by mistake. ZIP covers .docx/.odt/.epub.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive, e.g. .docx"),
    (b"PK\x05\x06", "ZIP archive, e.g. .docx"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document, e.g. .doc"),
    (b"{\\rtf", "RTF document"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}

# C0 controls that never occur in text (TAB, LF, VT, FF, CR and ESC-free text excluded).
_C0_BINARY = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def binary_kind(data: bytes) -> str | None:
    """What binary thing ``data`` looks like, or None when it may be text.

    Call it on bytes that carry no UTF-16/32 byte-order mark (those contain NULs legitimately).
    """
    for magic, kind in MAGIC:
        if data.startswith(magic):
            # "MZ" and "BZh" are also the start of plain words: demand a NUL nearby as well
            if magic in (b"MZ", b"BZh") and b"\x00" not in data[:512]:
                continue
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    nul = data.find(b"\x00")
    if nul >= 0:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if len(head) >= 16 and (odd == 0) != (even == 0) and max(odd, even) > len(head) // 40:
            # NULs at one parity only: the high bytes of UTF-16 Latin letters and spaces
            enc = "utf-16-le" if odd else "utf-16-be"
            return f"NUL bytes from offset {nul}; UTF-16 without a BOM? pass --encoding {enc}"
        return f"NUL bytes from offset {nul}"
    head = data[:8192]
    if head:
        controls = len(head) - len(head.translate(None, delete=_C0_BINARY))
        if controls > 0.1 * len(head):
            return "control characters"
    return None


def check_binary(data: bytes, name: str) -> None:
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(f"{name}: looks like binary data ({kind}), not text")


# Whitespace and invisible format characters: an article made only of these is empty.
_VISIBLE = re.compile(r"[^\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def is_blank(text: str) -> bool:
    return _VISIBLE.search(text) is None


def check_not_empty(text: str, name: str, detail: str = "") -> None:
    if is_blank(text):
        why = f" ({detail})" if detail else ""
        raise InputError(f"{name}: the article is empty{why}")


# --- scripts ---------------------------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
_ARABIC = re.compile(
    r"[\u0620-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    r"\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")

# A typical Arabic news article is 85-99 % Arabic letters; one dense with Latin names, acronyms
# and product names (tests have one) stays above 50 %. English or French text quoting an Arabic
# phrase is below 10 %. A quarter sits well between the two.
ARABIC_MIN_SHARE = 0.25


@dataclass
class ScriptStats:
    letters: int
    arabic: int
    latin: int
    cyrillic: int
    sampled: bool = False

    @property
    def other(self) -> int:
        return self.letters - self.arabic - self.latin - self.cyrillic

    @property
    def arabic_share(self) -> float:
        return self.arabic / self.letters if self.letters else 0.0

    @property
    def dominant(self) -> str:
        counts = {"Arabic": self.arabic, "Latin": self.latin, "Cyrillic": self.cyrillic,
                  "other": self.other}
        return max(counts, key=lambda k: counts[k])

    def to_dict(self) -> dict[str, float | int]:
        return {"letters": self.letters, "arabic": self.arabic, "latin": self.latin,
                "cyrillic": self.cyrillic, "other": self.other,
                "arabic_share": round(self.arabic_share, 4), "sampled": self.sampled}


SAMPLE_CHARS = 400_000  # beyond this, script statistics come from evenly spaced windows
_WINDOWS = 8


def script_stats(text: str) -> ScriptStats:
    """Letters per script; a long text is sampled (8 windows), which is plenty for a share.

    ``subn`` counts without building a list of matches; each class is one C-level pass.
    """
    sampled = len(text) > SAMPLE_CHARS
    if sampled:
        step, width = len(text) // _WINDOWS, SAMPLE_CHARS // _WINDOWS
        text = "".join(text[i * step:i * step + width] for i in range(_WINDOWS))

    def count(rx: re.Pattern[str]) -> int:
        return rx.subn("", text)[1]

    return ScriptStats(count(_LETTER), count(_ARABIC), count(_LATIN), count(_CYRILLIC), sampled)


def check_arabic(stats: ScriptStats, name: str) -> None:
    if stats.letters == 0:
        raise InputError(f"{name}: the text is not Arabic (no letters at all); "
                         "pass --from LANG to translate it anyway")
    if stats.arabic_share < ARABIC_MIN_SHARE:
        script = stats.dominant
        what = "other scripts" if script == "other" else f"{script} script"
        raise InputError(f"{name}: the text is not Arabic (mostly {what}); "
                         "pass --from LANG to translate it anyway")


# --- format ----------------------------------------------------------------------------------

_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_MD_EXT = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_START = re.compile(rb"\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.I | re.S)
_HTML_TAGS = re.compile(rb"<(?:p|div|h[1-6]|article|br|li|span|meta|title)\b[^>]{0,500}>", re.I)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_OTHER = re.compile(r"^(?:[-*+][ \t]+\S|\d{1,3}[.)][ \t]+\S|>[ \t]?\S)|\]\([^)\s]{1,500}\)"
                       r"|\*\*\S|__\S|^(?:=+|-+)[ \t]*$", re.M)


def sniff_format(head: bytes, suffix: str) -> str:
    """``html``, ``markdown`` or ``text`` from the file name and the first bytes.

    ``head`` is an ASCII-compatible prefix (markup is ASCII in every encoding we read).
    """
    suffix = suffix.lower()
    if suffix in _HTML_EXT:
        return "html"
    if suffix in _MD_EXT:
        return "markdown"
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head[:8192])) >= 3:
        return "html"
    return "text"


def looks_like_markdown(text: str) -> bool:
    """Markdown without the .md suffix: a heading line plus one more piece of Markdown syntax.

    A lone dash-led line is common in plain Arabic news text, so it alone does not count.
    """
    head = text[:65536]
    return _MD_HEADING.search(head) is not None and (
        len(_MD_HEADING.findall(head)) >= 2 or _MD_OTHER.search(head) is not None
    )
