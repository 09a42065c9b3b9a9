"""Character-level clean-up of an input article, recording every change it makes.

The model's tokenizer sees what this module hands on, so everything invisible that a web page
or a word processor leaves in Arabic text (bidi marks, tatweel, zero-width characters, control
codes, NBSP "blank" lines, presentation-form letters) is removed or mapped here, once, and each
kind of change is counted in a ``Change`` so that nothing changes silently.

What is deliberately KEPT: diacritics (harakat carry meaning: مُدرِّس / مدرَّس), Arabic-Indic
digits (the source stays as the author wrote it; the notes count them so the number check can
compare digits across scripts), emoji and every visible character.

Decisions (each recorded under its ``kind``):
- ``removed_joiner``: ZWJ/ZWNJ (U+200D/U+200C) touching an Arabic-script letter are removed: in
  Arabic they only steer glyph shaping and the opus-mt vocabulary has no piece for them, so they
  would become <unk> in the middle of a word. Elsewhere they are kept, because ZWJ glues emoji
  sequences (👨‍👩‍👧) and removing it would change what the reader sees.
- ``removed_quranic_marks``: the Quranic annotation marks U+06D6–U+06ED that are combining marks
  or the end-of-ayah format character (small high ligatures, pause and recitation signs) are
  removed: they are recitation annotations, not part of the words, and the models never saw
  them. The visible symbols ۞ (U+06DE) and ۩ (U+06E9) and the small waw/yeh letters (U+06E5,
  U+06E6) are kept.
- ``nfkc_presentation_forms``: Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFE) are
  mapped one character at a time with NFKC (ﻻ → لا, ﷺ → صلى الله عليه وسلم). Only those
  characters: NFKC over the whole text would also rewrite digits, ligatures and punctuation
  elsewhere. An isolated haraka form (U+FE70…) maps to " َ"; the leading space is dropped so the
  mark stays on its letter instead of floating on a space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from translate.article import Change

# (kind, pattern, replacement, detail). Order matters: presentation forms are mapped before
# tatweel removal because NFKC turns some medial forms into tatweel + haraka (U+FE71).
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u200b\ufeff\u2060-\u2064\u206a-\u206f\u180e\u00ad\ufff9-\ufffb"
_LINE_BREAKS = "\u000b\u000c\u0085\u2028\u2029"
# C0 and C1 controls except \t \n (\r, \v, \f, U+0085 are line breaks, handled first), DEL,
# and the two non-characters U+FFFE / U+FFFF that some converters leave behind.
_CONTROLS = "\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff"
_QURANIC = "\u06d6-\u06dd\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
# Only the presentation-form characters that NFKC actually changes (U+FDD0–U+FDEF are
# noncharacters, ﷽ and the ornate parentheses have no decomposition): built once at import.
_PRESENTATION = "".join(
    c for r in ((0xFB50, 0xFE00), (0xFE70, 0xFEFF)) for c in map(chr, range(*r))
    if unicodedata.normalize("NFKC", c) != c
)
_ARABIC_LETTER = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
_NBSP = "\u00a0\u2007\u202f"  # the no-break spaces: a line of them is still a blank line
_OTHER_SPACES = "\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000"

ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669]")
EXTENDED_ARABIC_INDIC_DIGITS = re.compile("[\u06f0-\u06f9]")


@dataclass
class Normalised:
    """The normalised text (lines trimmed, blank lines empty) and what was done to get it."""

    text: str
    changes: list[Change] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)


def _presentation(m: re.Match[str]) -> str:
    c = m.group()
    mapped = unicodedata.normalize("NFKC", c)
    if mapped.startswith(" ") and all(unicodedata.combining(x) for x in mapped[1:]):
        mapped = mapped[1:]
    return mapped or c


_STEPS: list[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str], str]] = [
    # Lone surrogates cannot be encoded as UTF-8: printing or tokenizing them would crash.
    ("removed_surrogates", re.compile("[\ud800-\udfff]"), "", "lone UTF-16 surrogates"),
    ("crlf_to_lf", re.compile("\r\n?"), "\n", "CRLF / CR line ends"),
    ("line_break_to_lf", re.compile(f"[{_LINE_BREAKS}]"), "\n",
     "VT, FF, NEL, U+2028, U+2029 (str.splitlines treats them as line ends)"),
    ("removed_control", re.compile(f"[{_CONTROLS}]"), "", "C0/C1 control characters, DEL"),
    ("removed_bidi", re.compile(f"[{_BIDI}]"), "",
     "LRM, RLM, ALM, embeddings, overrides, isolates"),
    ("removed_zero_width", re.compile(f"[{_ZERO_WIDTH}]"), "",
     "ZWSP, BOM, word joiner, soft hyphen and other invisible format characters"),
    ("nfkc_presentation_forms", re.compile(f"[{re.escape(_PRESENTATION)}]"), _presentation,
     "Arabic presentation forms mapped with NFKC, one character at a time"),
    ("removed_tatweel", re.compile("\u0640"), "", "tatweel (kashida) U+0640"),
    ("removed_quranic_marks", re.compile(f"[{_QURANIC}]"), "",
     "Quranic annotation marks U+06D6-U+06ED (combining and end-of-ayah)"),
    ("removed_joiner",
     re.compile(f"(?<=[{_ARABIC_LETTER}])[\u200c\u200d]+|[\u200c\u200d]+(?=[{_ARABIC_LETTER}])"),
     "", "ZWJ/ZWNJ next to an Arabic letter"),
    ("nbsp_to_space", re.compile(f"[{_NBSP}]"), " ", "no-break spaces U+00A0, U+2007, U+202F"),
    ("tab_to_space", re.compile("\t"), " ", "tabs"),
    ("unicode_space_to_space", re.compile(f"[{_OTHER_SPACES}]"), " ", "other Unicode spaces"),
]

_SPACE_RUN = re.compile(" {2,}")


def normalise(text: str) -> Normalised:
    """Clean ``text`` and return it with one ``Change`` per kind of change that happened.

    The result has ``\\n`` line ends, no leading/trailing spaces on a line, single spaces inside
    lines, and whitespace-only lines (NBSP lines of a web page) made empty, so that they count
    as the blank lines that separate blocks.
    """
    changes: list[Change] = []
    for kind, pattern, repl, detail in _STEPS:
        text, n = pattern.subn(repl, text)
        if n:
            changes.append(Change(kind, n, detail))

    blank = trimmed = collapsed = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line:
            continue
        stripped = line.strip(" ")
        if not stripped:
            blank += 1
            lines[i] = ""
            continue
        if stripped != line:
            trimmed += 1
        stripped, n = _SPACE_RUN.subn(" ", stripped)
        collapsed += n
        lines[i] = stripped
    for kind, n, detail in (
        ("blank_whitespace_line", blank, "whitespace-only lines made empty (block separators)"),
        ("trimmed_line", trimmed, "spaces removed at the start or end of a line"),
        ("collapsed_spaces", collapsed, "runs of spaces inside a line made one space"),
    ):
        if n:
            changes.append(Change(kind, n, detail))

    text = "\n".join(lines)
    notes = {
        "arabic_indic_digits": len(ARABIC_INDIC_DIGITS.findall(text)),
        "extended_arabic_indic_digits": len(EXTENDED_ARABIC_INDIC_DIGITS.findall(text)),
    }
    return Normalised(text, changes, notes)
