"""The normaliser: one case per kind of change, and what it must leave alone."""

from __future__ import annotations

import pytest

from translate.segment import segment_text
from translate.segment.normalise import normalise

# (input, expected text, expected {kind: count})
CASES = [
    ("أ\u00a0ب", "أ ب", {"nbsp_to_space": 1}),
    ("فقرة\n\u00a0\nفقرة", "فقرة\n\nفقرة", {"nbsp_to_space": 1, "blank_whitespace_line": 1}),
    ("أ\u202fب\u2003ج\tد", "أ ب ج د",
     {"nbsp_to_space": 1, "unicode_space_to_space": 1, "tab_to_space": 1}),
    ("\u200fمرحبا\u200e بكم\u061c\u202bنص\u202c\u2067عزل\u2069",
     "مرحبا بكمنصعزل", {"removed_bidi": 7}),
    ("\u202eعكس\u202d", "عكس", {"removed_bidi": 2}),
    ("الســـلام", "السلام", {"removed_tatweel": 3}),
    ("مُدَرِّسٌ", "مُدَرِّسٌ", {}),
    ("٠٣ أبريل ۱۲", "٠٣ أبريل ۱۲", {}),
    ("كل\u200bمة\ufeff", "كلمة", {"removed_zero_width": 2}),
    ("لا\u200dم\u200cي", "لامي", {"removed_joiner": 2}),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", {}),
    ("a\x00b\x07c\x1bd\x7fe\x9bf", "abcdef", {"removed_control": 5}),
    ("سطر\r\nسطر\rسطر", "سطر\nسطر\nسطر", {"crlf_to_lf": 2}),
    ("سطر\u2028سطر\x0cسطر", "سطر\nسطر\nسطر", {"line_break_to_lf": 2}),
    ("\ufefb \ufe8d\ufedf\ufeb4\ufefc\ufee1", "لا السلام", {"nfkc_presentation_forms": 6}),
    ("محمد \ufdfa", "محمد صلى الله عليه وسلم", {"nfkc_presentation_forms": 1}),
    ("\ufdfd", "\ufdfd", {}),
    ("ذَٰلِكَ\u06d6 الْكِتَابُ\u06da لَا رَيْبَ\u06db ۞", "ذَٰلِكَ الْكِتَابُ لَا رَيْبَ ۞",
     {"removed_quranic_marks": 3}),
    ("١\u06dd", "١", {"removed_quranic_marks": 1}),
    ("سلام 😀🇸🇦", "سلام 😀🇸🇦", {}),
    ("  فقرة   طويلة  ", "فقرة طويلة", {"trimmed_line": 1, "collapsed_spaces": 1}),
    ("x\ud800y", "xy", {"removed_surrogates": 1}),
]
IDS = ["nbsp", "nbsp-only-line", "unicode-spaces-tab", "bidi-marks", "rtl-ltr-overrides",
       "tatweel", "harakat-kept", "digits-kept", "zero-width", "zwj-zwnj-arabic", "zwj-emoji-kept",
       "controls", "crlf-cr", "unicode-line-breaks", "presentation-forms", "ligature-salla",
       "bismillah-no-decomposition", "quranic-marks", "end-of-ayah", "emoji-kept", "line-spaces",
       "lone-surrogate"]


@pytest.mark.parametrize(("text", "expected", "kinds"), CASES, ids=IDS)
def test_normalise(text: str, expected: str, kinds: dict[str, int]) -> None:
    result = normalise(text)
    assert result.text == expected
    assert {c.kind: c.count for c in result.changes} == kinds


def test_digit_notes() -> None:
    notes = normalise("٠٣ أبريل ٢٠٢٥ و۱۲ و2025").notes
    assert notes == {"arabic_indic_digits": 6, "extended_arabic_indic_digits": 2}


def test_whole_text_is_not_nfkc() -> None:
    # NFKC over everything would turn "…" into "..." and "²" into "2"; only presentation
    # forms are mapped.
    assert normalise("انتهى… ² ﬁ").text == "انتهى… ² ﬁ"


def test_every_unicode_space_becomes_a_space_or_line_end() -> None:
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    for s in spaces:
        out = normalise(f"a{s}b").text
        assert out in ("a b", "a\nb", "ab"), hex(ord(s))


def test_article_records_changes() -> None:
    art = segment_text("\u200fالســلام\u00a0عليكم.\r\n")
    assert {c.kind for c in art.normalisation} == {"removed_bidi", "removed_tatweel",
                                                   "nbsp_to_space", "crlf_to_lf"}
    assert art.blocks[0].text == "السلام عليكم."
    assert all(c.count > 0 and c.detail for c in art.normalisation)
