"""The chunker: pieces fit the limit, keep order and every character, prefer clause boundaries."""

from __future__ import annotations

import itertools

import pytest

from translate.errors import UsageError
from translate.segment.chunk import chunk_text, estimate_tokens


def words(text: str) -> int:
    return len(text.split())


def words_eos(text: str) -> int:
    return len(text.split()) + 1  # like a Marian tokenizer: end-of-sentence on every call


def squash(text: str) -> str:
    return "".join(text.split())


CASES = [
    ("أ ب ج د هـ و", 2, words, ["أ ب", "ج د", "هـ و"]),
    ("أ ب ج د هـ و", 3, words_eos, ["أ ب", "ج د", "هـ و"]),
    ("أ ب، ج د هـ، و ز", 4, words, ["أ ب،", "ج د هـ،", "و ز"]),
    ("أ ب؛ ج د: هـ و; ز ح, ط", 4, words, ["أ ب؛ ج د:", "هـ و; ز ح,", "ط"]),
    ("أ ب ج د هـ و، ز", 4, words, ["أ ب ج د", "هـ و، ز"]),
    ("كذا،وكذا وذاك", 1, words, ["كذا،", "وكذا", "وذاك"]),
    ("١٢:٣٠ 1,000 3,5", 1, words, ["١٢:٣٠", "1,000", "3,5"]),
    ("abcdefghij", 4, len, ["abcd", "efgh", "ij"]),
    ("ab cdefghij kl", 4, len, ["ab", "cdef", "ghij", "kl"]),
    ("", 5, words, []),
    ("   ", 5, words, []),
]
IDS = ["words", "eos-overhead", "arabic-commas", "all-clause-marks", "clause-then-words",
       "comma-without-space", "not-inside-numbers", "long-word-chars", "word-then-chars",
       "empty", "blank"]


@pytest.mark.parametrize(("text", "limit", "count", "expected"), CASES, ids=IDS)
def test_chunk_text(text, limit, count, expected) -> None:
    assert chunk_text(text, limit, count) == expected


def test_non_additive_counter_is_still_respected() -> None:
    # Counting characters, spaces included: the sum over words underestimates every piece.
    text = " ".join(f"w{i}" for i in range(200))
    pieces = chunk_text(text, 30, len)
    assert all(len(p) <= 30 for p in pieces)
    assert squash(" ".join(pieces)) == squash(text)
    assert all(len(a) + 1 + len(b.split()[0]) > 30 for a, b in itertools.pairwise(pieces))


def test_greedy_pieces_are_as_large_as_allowed() -> None:
    text = " ".join(["سلام"] * 1000)
    pieces = chunk_text(text, 37, words_eos)
    assert [words(p) for p in pieces[:-1]] == [36] * (len(pieces) - 1)


def test_a_combining_mark_stays_with_its_letter() -> None:
    text = "بَ" * 30
    for piece in chunk_text(text, 5, len):
        assert piece[0] != "\u064e"


def test_limit_must_be_positive() -> None:
    with pytest.raises(UsageError):
        chunk_text("نص", 0, words)


@pytest.mark.parametrize(("text", "low", "high"), [
    ("", 1, 1),
    ("محادثات", 3, 8),
    ("يُجري محادثات في موسكو.", 6, 30),
    ("Lavrov met ministers on 3 April 2025.", 8, 40),
    ("😀", 2, 2),
], ids=["empty", "one-word", "diacritics", "latin-digits", "emoji"])
def test_estimate_tokens(text: str, low: int, high: int) -> None:
    assert low <= estimate_tokens(text) <= high


def test_estimate_is_above_a_word_count() -> None:
    # A SentencePiece model gives at least one piece a word; the estimate must not be lower.
    text = "وزير الخارجية الروسي سيرغي لافروف يلتقي وزراء خارجية تحالف دول الساحل"
    assert estimate_tokens(text) >= words(text) + 1


def test_paragraph_of_1500_tokens_without_punctuation_is_cut_completely() -> None:
    vocab = ["التعاون", "العسكري", "بين", "روسيا", "ودول", "الساحل", "في", "مجالات", "الأمن"]
    text = " ".join(vocab[i % len(vocab)] + str(i % 7) for i in range(400))
    assert estimate_tokens(text) > 1500
    pieces = chunk_text(text, 400, estimate_tokens)
    assert len(pieces) >= 4
    assert all(estimate_tokens(p) <= 400 for p in pieces)
    assert " ".join(pieces) == text


def test_twenty_thousand_words_in_linear_counter_calls() -> None:
    calls = 0

    def counting(text: str) -> int:
        nonlocal calls
        calls += 1
        return len(text.split()) + 1

    text = " ".join(f"كلمة{i}" for i in range(20_000))
    pieces = chunk_text(text, 400, counting)
    assert " ".join(pieces) == text
    assert all(words(p) <= 399 for p in pieces)
    # one call per distinct word, one per piece, one for the overhead: no quadratic search
    assert calls <= 20_000 + len(pieces) + 1


def test_a_one_megabyte_line() -> None:
    text = " ".join(["محادثات"] * 130_000)
    assert len(text.encode()) > 1_000_000
    pieces = chunk_text(text, 400, estimate_tokens)
    assert all(estimate_tokens(p) <= 400 for p in pieces)
    assert " ".join(pieces) == text


def test_a_long_word_without_spaces() -> None:
    text = "ب" * 100_000
    pieces = chunk_text(text, 400, estimate_tokens)
    assert all(estimate_tokens(p) <= 400 for p in pieces)
    assert "".join(pieces) == text
