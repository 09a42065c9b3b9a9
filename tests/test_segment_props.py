"""Properties of the segmenter on arbitrary input: it never crashes and never loses text.

Example counts are set so that, with the aligner's properties, the suite generates more than
10,000 cases on every CI run (about 10 s of CPU here).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate.errors import InputError
from translate.segment import segment_text
from translate.segment.blocks import split_blocks
from translate.segment.chunk import chunk_text, estimate_tokens
from translate.segment.normalise import normalise
from translate.segment.sentences import split_sentences

# Characters the rules care about, mixed with anything Unicode has.
SPECIAL = list(
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإىة" "ًٌٍَُِّْ" "٠١٢٣٤٥٦٧٨٩۰۱۲0123456789" "abcXYZ абвГД"
    ".!?؟…،؛:;,\"'«»“”„‘’()-*#•/|%" "\u00a0\u2009\u202f\t\n\n\n\r  "
    "\u0640\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202e\u2066\u2069\ufeff\u00ad"
    "\ufefb\ufe8d\ufdfa\ufe70\ufe71\u06d6\u06dd\u06de\x00\x1b\x85\u2028😀🇸🇦👨\u200d👩"
)
chars = st.one_of(st.sampled_from(SPECIAL), st.characters())
texts = st.text(alphabet=chars, max_size=400)
words = st.text(alphabet=st.sampled_from(SPECIAL[:60]), min_size=1, max_size=12)
articles = st.lists(
    st.lists(words, min_size=1, max_size=25).map(" ".join), min_size=1, max_size=12,
).map(lambda paras: "\n\n".join(paras))


def squash(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def atomic(piece: str) -> bool:
    """One character with its combining marks: the chunker cannot cut it further."""
    return all(unicodedata.combining(c) for c in piece[1:])


@pytest.mark.slow  # 3,000 examples: about a minute on a loaded 2-core machine
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, articles), st.integers(min_value=1, max_value=60))
def test_segment_never_crashes_and_covers_everything(text: str, max_tokens: int) -> None:
    try:
        art = segment_text(text, max_tokens=max_tokens)
    except InputError:
        assert not normalise(text).text.strip()
        return
    norm = normalise(text).text
    raws = split_blocks(norm)
    assert [b.text for b in art.blocks] == [r.text for r in raws]
    assert squash(norm) == squash("".join(r.marker + r.text for r in raws))
    ids = [b.id for b in art.blocks]
    for b in art.blocks:
        assert b.text.strip()
        if not b.translatable:
            assert b.sentences == []
            continue
        assert b.sentences, b
        assert squash(b.text) == squash("".join(s.text for s in b.sentences))
        for s in b.sentences:
            ids.append(s.id)
            assert s.text and s.text == s.text.strip()
            if s.chunks:
                assert squash(s.text) == squash("".join(c.text for c in s.chunks))
                ids.extend(c.id for c in s.chunks)
                assert all(estimate_tokens(c.text) <= max_tokens or atomic(c.text)
                           for c in s.chunks)
    assert len(ids) == len(set(ids))
    art.to_dict()  # serialisable


def _word_count(t: str) -> int:
    return len(t.split()) + 1


@settings(max_examples=3000, deadline=None)
@given(texts, st.integers(min_value=1, max_value=40),
       st.sampled_from([estimate_tokens, len, _word_count]))
def test_chunks_fit_and_keep_every_character(text: str, limit: int, count) -> None:
    pieces = chunk_text(text, limit, count)
    assert squash(" ".join(pieces)) == squash(text)
    assert all(p and p == p.strip() for p in pieces)
    # only a piece that cannot be cut further (a tiny limit) may exceed it
    assert all(count(p) <= limit or atomic(p) for p in pieces)


@settings(max_examples=2000, deadline=None)
@given(texts, st.booleans())
def test_sentences_keep_every_character(text: str, list_item: bool) -> None:
    sentences = split_sentences(text, list_item=list_item)
    assert squash("".join(sentences)) == squash(text)
    assert all(s and s == s.strip() for s in sentences)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_normalise_is_idempotent_and_leaves_only_plain_whitespace(text: str) -> None:
    once = normalise(text)
    assert normalise(once.text).text == once.text
    assert all(c in " \n" for c in once.text if c.isspace())
    assert all(c.count > 0 for c in once.changes)


@pytest.mark.parametrize("text", ["\u202e" * 5000 + "نص", "«" * 10000 + "." * 10000 + " نص",
                                  ("\"a. " * 5000), "ق." * 20000],
                         ids=["overrides", "open-quotes", "stray-quotes", "dotted"])
def test_pathological_lines_finish(text: str) -> None:
    art = segment_text(text)
    assert squash("".join(s.text for s in art.sentences())) == squash(normalise(text).text)
