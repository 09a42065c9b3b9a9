"""Alignment scores are calibrated probabilities: the mapping, and where it is applied (the
corpus store, old databases and shards, `tarjama align`)."""

from __future__ import annotations

import json
import math

import pytest

from translate.align.base import Bead
from translate.align.calibration import calibrate_beads, calibrated, table
from translate.corpus.model import PairScore, Side, Unit
from translate.corpus.store import CorpusStore, RunInfo, StoredArticle

BUILT_IN = ("auto", "bleu", "embed", "length")


@pytest.mark.parametrize("method", BUILT_IN)
def test_calibration_is_a_probability_rising_with_the_raw_score(method):
    probs = [calibrated(raw / 10, method) for raw in range(1, 11)]
    assert all(0.0 < p < 1.0 for p in probs)
    assert probs == sorted(probs) and probs[0] < probs[-1]


def test_every_built_in_method_has_a_fit_recorded_with_its_command():
    t = table()
    assert set(BUILT_IN) <= set(t["methods"]) and "score_calibration.py" in t["command"]
    a, b = t["methods"]["auto"]["a"], t["methods"]["auto"]["b"]
    assert calibrated(0.4, "auto") == round(1 / (1 + math.exp(-(a + b * 0.4))), 4)


@pytest.mark.parametrize(("raw", "method", "expected"), [
    (0.0, "auto", 0.0),  # not scored, or unrelated
    (0.37, "a-new-aligner", 0.37),  # no fit yet: its own score
], ids=["zero", "unknown-method"])
def test_calibration_edges(raw, method, expected):
    assert calibrated(raw, method) == expected


def test_null_beads_keep_zero_and_pairs_are_calibrated():
    beads = [Bead((0,), (0,), 0.4, "bleu"), Bead((1,), (), 0.3, "bleu"),
             Bead((), (1,), 0.0, "bleu")]
    out = calibrate_beads(beads)
    assert [b.score for b in out] == [calibrated(0.4, "bleu"), 0.0, 0.0]
    assert [(b.src, b.tgt, b.method) for b in out] == [(b.src, b.tgt, b.method) for b in beads]


def _article(score: float) -> StoredArticle:
    unit = Unit(1, {"ar": Side(["p1.s1"], "أ"), "en": Side(["p1.s1"], "a")},
                {"ar-en": PairScore("1-1", "auto", score, "a", 100.0, 100.0),
                 "ar-ru": PairScore("1-0", "auto", 0.0, "a", None, None)})
    return StoredArticle("k", "ab" * 32, ["ar", "en", "ru"], {}, [], [unit],
                         RunInfo("transformers", "auto", {"ar-en": "m"}))


def test_a_version_1_database_gets_calibrated_scores_when_opened(tmp_path):
    """Files written before the calibration hold the aligner's raw score."""
    db = tmp_path / "old.sqlite"
    with CorpusStore.open(db) as store:
        store.add_article(_article(0.4))
        store.conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with CorpusStore.open(db) as store:
        pairs = next(store.units()).pairs
        assert store.schema_version == 2
    assert pairs["ar-en"].align_score == calibrated(0.4, "auto")
    assert pairs["ar-ru"].align_score == 0.0
    with CorpusStore.open(db) as store:  # once only
        assert next(store.units()).pairs["ar-en"].align_score == calibrated(0.4, "auto")


def test_shards_without_calibration_are_calibrated_on_import(tmp_path):
    pytest.importorskip("pyarrow")
    from translate.corpus.shards import from_rows, to_rows

    old = to_rows(_article(0.4))  # run options without "calibration": an older build
    assert from_rows(old).units[0].pairs["ar-en"].align_score == calibrated(0.4, "auto")
    new = _article(0.9)
    new.run.options["aligner"] = {"calibration": 1}
    assert from_rows(to_rows(new)).units[0].pairs["ar-en"].align_score == 0.9


def test_align_writes_calibrated_scores(tmp_path):
    from typer.testing import CliRunner

    from translate.align import align_documents
    from translate.cli import app

    src = ["النفط ارتفع.", "الرئيس افتتح مستشفى.", "الفريق فاز."]
    tgt = ["Oil rose.", "The president opened a hospital.", "The team won."]
    mt = ["oil rose.", "the president opened a hospital.", "the team won."]
    for name, lines in (("src", src), ("tgt", tgt), ("mt", mt)):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["align", str(tmp_path / "src"), str(tmp_path / "tgt"),
                                   "--src-mt", str(tmp_path / "mt"), "--method", "bleu", "-q"])
    assert res.exit_code == 0, res.output
    raw = align_documents(src, tgt, method="bleu", src_mt=mt)
    written = [json.loads(x)["score"] for x in res.stdout.splitlines()]
    assert written == [calibrated(b.score, "bleu") for b in raw]
