"""`corpus split`: by article, filtered with counts, no leakage across splits by construction."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.corpus.model import PairScore, Side, Unit
from translate.corpus.store import CorpusStore, RunInfo, StoredArticle
from translate.train.filters import Candidate, Deduplicator, near_key, pipeline
from translate.train.split import SplitRequest, read_split, split_corpus

runner = CliRunner()
CITIES = [("القاهرة", "Cairo"), ("موسكو", "Moscow"), ("باريس", "Paris"), ("دمشق", "Damascus"),
          ("بغداد", "Baghdad"), ("الرباط", "Rabat"), ("تونس", "Tunis"), ("عمان", "Amman"),
          ("بيروت", "Beirut"), ("الخرطوم", "Khartoum")]
TOPICS = [("الاقتصاد", "the economy"), ("الطاقة", "energy"), ("التعليم", "education"),
          ("الصحة", "health"), ("الزراعة", "agriculture"), ("النقل", "transport")]


def sentence(i: int) -> tuple[str, str]:
    """A distinct, well-formed ar-en pair for each i < 60."""
    (ar_city, en_city), (ar_topic, en_topic) = CITIES[i % 10], TOPICS[i // 10]
    return f"ناقش الوزير في {ar_city} ملف {ar_topic}", f"In {en_city} the minister discussed " \
        f"{en_topic}."


def article(key: str, rows: list[tuple[str, str, str, float]]) -> StoredArticle:
    """Rows (ar, en, bead, align score); an empty side is left out of the unit."""
    units = []
    for k, (ar, en, bead, score) in enumerate(rows, 1):
        sides = {lang: Side([f"p{k}.s1"], text) for lang, text in (("ar", ar), ("en", en)) if text}
        units.append(Unit(k, sides, {"ar-en": PairScore(bead, "bleu", score)}))
    return StoredArticle(key, hashlib.sha256(key.encode()).hexdigest(), ["ar", "en"], {}, [], units,
                         RunInfo("transformers", "bleu", {"ar-en": "x"}))


def make_db(path: Path, articles: dict[str, list[tuple[str, str, str, float]]]) -> Path:
    with CorpusStore.open(path) as store:
        for key, rows in articles.items():
            store.add_article(article(key, rows))
    return path


def clean_corpus(path: Path, n_articles: int = 8, per: int = 5) -> Path:
    return make_db(path, {f"news/a{a:02d}.ar.txt": [(*sentence(a * per + k), "1-1", 0.9)
                                                   for k in range(per)]
                          for a in range(n_articles)})


@pytest.mark.parametrize("ar,en,bead,score,rejected_by", [
    ("ناقش الوزير في القاهرة ملف الطاقة", "In Cairo the minister discussed energy.", "1-1", 0.9,
     None),
    ("ناقش الوزير في القاهرة ملف الطاقة", "", "1-0", 0.0, "unaligned"),
    ("ناقش الوزير في القاهرة ملف الطاقة", "In Cairo the minister discussed energy.", "1-1", 0.2,
     "min-score"),
    ("Breaking news: markets fall", "Markets fell sharply on Monday.", "1-1", 0.9, "script"),
    ("ناقش الوزير في القاهرة ملف الطاقة", "التقى الرئيس بالسفير في القاهرة", "1-1", 0.9,
     "script"),
    ("ناقش الوزير في القاهرة ملف الطاقة", "Министр обсудил энергетику в Каире.", "1-1", 0.9,
     "script"),
    ("OPEC 2025 ناقش الوزير", "OPEC 2025 ناقش الوزير", "1-1", 0.9, "copy"),
    ("ناقش الوزير في القاهرة ملف الطاقة", "In Cairo the minister discussed energy, and then "
     "he flew to Moscow to talk about wheat, gas and the new railway across the desert.",
     "1-2", 0.9, "length-ratio"),
], ids=["kept", "one-to-zero", "low-score", "english-source", "arabic-target", "russian-target",
        "copy", "long-target"])
def test_each_filter_removes_its_kind(ar, en, bead, score, rejected_by):
    pair = Candidate("a", "u1", ar, en, bead, score)
    failed = next((f.name for f in pipeline("ar", "en", 0.5) if not f.keeps(pair)), None)
    assert failed == rejected_by


@pytest.mark.parametrize("a,b", [
    ("ناقش الوزير الطاقة.", "ناقش الوزير الطاقة"),
    ("نَاقَشَ الوزير الطاقة", "ناقش الوزير الطاقة"),
    ("In Cairo, 2025: Energy!", "in cairo energy"),
    ("Министр  обсудил, ЭНЕРГЕТИКУ", "министр обсудил энергетику"),
], ids=["punctuation", "harakat", "case-digits", "russian-case-space"])
def test_near_key_ignores_what_does_not_change_a_sentence(a, b):
    assert near_key(a) == near_key(b)


def test_deduplicator_counts_exact_near_and_leaks():
    ar, en = sentence(0)
    other = sentence(1)
    counts: dict[str, int] = {}
    dedup = Deduplicator()
    test = dedup.split([Candidate("t", "u1", ar, en, "1-1", 1.0)], counts)
    train = dedup.split([Candidate("x", "u2", ar + ".", en, "1-1", 1.0),  # leak (near source)
                         Candidate("x", "u3", *other, "1-1", 1.0),
                         Candidate("x", "u4", *other, "1-1", 1.0),  # exact duplicate
                         Candidate("x", "u5", other[0] + "!", other[1], "1-1", 1.0)], counts)
    assert [p.unit for p in test] == ["u1"]
    assert [p.unit for p in train] == ["u3"]
    assert counts == {"leak": 1, "duplicate": 1, "near-duplicate": 1}


def test_split_is_by_article_and_line_parallel(tmp_path):
    db = clean_corpus(tmp_path / "c.sqlite")
    result = split_corpus(SplitRequest(db, "ar-en", tmp_path / "split", 2, 1, seed=3))
    arts = result.articles
    assert (len(arts["test"]), len(arts["dev"]), len(arts["train"])) == (2, 1, 5)
    assert not set(arts["test"]) & set(arts["train"]) and not set(arts["dev"]) & \
        (set(arts["train"]) | set(arts["test"]))
    for split in ("train", "dev", "test"):
        pairs = read_split(tmp_path / "split", split, ("ar", "en"))
        ids = (tmp_path / "split" / split / f"{split}.ids").read_text("utf-8").splitlines()
        assert len(pairs) == len(ids) == 5 * len(arts[split])
        assert {line.split("\t")[0] for line in ids} == set(arts[split])
    manifest = json.loads((tmp_path / "split" / "manifest.json").read_text("utf-8"))
    assert manifest["splits"]["train"] == {"articles": 5, "pairs": 25}
    assert manifest["seed"] == 3 and sum(manifest["removed"].values()) == 0


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4], ids=lambda s: f"seed{s}")
def test_a_pair_in_several_articles_never_crosses_splits(tmp_path, seed):
    """The same sentence (once exact, once with other punctuation and harakat) is in every
    article: whichever articles the seed deals to test, it is in test only."""
    shared = ("قال الوزير إن المحادثات كانت بناءة", "The minister said the talks were "
              "constructive.")
    near = ("قَالَ الوزير: إن المحادثات كانت بناءة!", "The minister said the talks were "
            "constructive")
    rows = {f"a{a}": [(*sentence(a * 4 + k), "1-1", 0.9) for k in range(4)]
            + [(*(shared if a % 2 else near), "1-1", 0.9)] for a in range(6)}
    db = make_db(tmp_path / "c.sqlite", rows)
    result = split_corpus(SplitRequest(db, "ar-en", tmp_path / "s", 2, 1, seed=seed))
    seen = {split: [near_key(s) for s, _ in read_split(tmp_path / "s", split, ("ar", "en"))]
            for split in ("train", "dev", "test")}
    key = near_key(shared[0])
    assert seen["test"].count(key) == 1
    assert key not in seen["dev"] and key not in seen["train"]
    assert result.removed["leak"] == 4  # the dev article's copy and the three train ones
    # the second test article's copy is a duplicate inside test
    assert result.removed["duplicate"] + result.removed["near-duplicate"] == 1
    for split in ("train", "dev"):
        assert set(seen[split]).isdisjoint(seen["test"])


def test_manifest_counts_each_filter(tmp_path):
    good = [(*sentence(k), "1-1", 0.9) for k in range(30)]
    bad = [("ناقش الوزير في القاهرة ملف الطاقة", "", "1-0", 0.0),
           (*sentence(40), "1-1", 0.1),
           ("The minister met the envoy today", "The minister met the envoy.", "1-1", 0.9),
           ("COVID-19 سارس", "COVID-19 سارس", "1-1", 0.9)]
    rows = {f"a{a}": good[a * 5:(a + 1) * 5] + ([bad[a]] if a < len(bad) else [])
            for a in range(6)}
    db = make_db(tmp_path / "c.sqlite", rows)
    result = split_corpus(SplitRequest(db, "ar-en", tmp_path / "s", 1, 1, min_score=0.5))
    assert {k: v for k, v in result.removed.items() if v} == {
        "unaligned": 1, "min-score": 1, "script": 1, "copy": 1}
    assert result.candidates == 34 and sum(result.pairs.values()) == 30


def test_cli_split_refuses_a_non_empty_directory_and_takes_out_alias(tmp_path):
    db = clean_corpus(tmp_path / "c.sqlite", n_articles=4)
    out = tmp_path / "split"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["corpus", "split", "--db", str(db), "--test-articles", "1", "--dev-articles", "1"]
    refused = runner.invoke(app, [*args, "-o", str(out)])
    assert refused.exit_code == 2 and "not made by tarjama" in refused.output
    # a user's folder is never replaced, not even with --force (issue 25's rule)
    forced = runner.invoke(app, [*args, "-o", str(out), "--force"])
    assert forced.exit_code == 2 and (out / "keep.txt").read_text() == "mine"
    mine = tmp_path / "split2"
    first = runner.invoke(app, [*args, "--out", str(mine), "-f", "json"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, [*args, "--out", str(mine), "-f", "json"])
    assert again.exit_code == 2 and "--force" in again.output
    ok = runner.invoke(app, [*args, "--out", str(mine), "--force", "-f", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["splits"]["test"]["articles"] == 1
    assert (mine / "test" / "test.ar").is_file()


def test_cli_split_too_few_articles_is_one_line(tmp_path):
    db = clean_corpus(tmp_path / "c.sqlite", n_articles=2)
    result = runner.invoke(app, ["corpus", "split", "--db", str(db), "-o",
                                 str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "too few" in result.output
    assert not (tmp_path / "s").exists()
