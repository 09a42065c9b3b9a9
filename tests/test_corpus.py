"""The corpus: three-way merge, store (idempotence, versions, transactions), export, stats, CLI.

No model is loaded here: the MT of the seed article is looked up in the seed pair files (what
the overfit seed fixtures produce), so these tests run in seconds. The end-to-end run with real
fixture models is in test_corpus_seed.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.align.base import Bead
from translate.article import Article, Translation
from translate.cli import app
from translate.corpus import ingest
from translate.corpus.export import XML_LANG, select_units, to_tmx, write_export
from translate.corpus.ingest import add_article
from translate.corpus.model import PairScore, Side, Unit
from translate.corpus.stats import corpus_stats, format_stats
from translate.corpus.store import SCHEMA_VERSION, CorpusStore, RunInfo, StoredArticle
from translate.corpus.units import merge_three_way
from translate.errors import OutputExistsError, UsageError
from translate.models.fixture import read_pairs_tsv
from translate.pipeline import make_plan

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
STEM = "lavrov-sahel-2025-04-03"
SEED_AR = ROOT / "seeds" / f"{STEM}.ar.txt"
SEED_REFS = {lang: ROOT / "seeds" / f"{STEM}.{lang}.txt" for lang in ("en", "ru")}
runner = CliRunner()


# --- helpers ---------------------------------------------------------------------------------


def seed_texts() -> tuple[str, dict[str, str]]:
    return (SEED_AR.read_text(encoding="utf-8"),
            {lang: p.read_text(encoding="utf-8") for lang, p in SEED_REFS.items()})


def lookup_translator():
    """MT as the overfit seed fixtures give it (from the pair files); unknown text → ""."""
    table = {lang: dict(read_pairs_tsv(DATA / f"seed_pairs.ar-{lang}.tsv"))
             for lang in ("en", "ru")}

    def factory():
        def mt(articles: list[Article], langs: list[str]) -> None:
            for s in (s for a in articles for s in a.sentences()):
                for lang in langs:
                    s.translations[lang] = Translation(table[lang].get(s.text, ""))
        return mt

    return factory


def plan(langs=("en", "ru")):
    """Model names that are never loaded: the lookup translator stands in for them."""
    return make_plan(list(langs), {lang: f"fixture-{lang}" for lang in langs},
                     backend="transformers")


def add_seed(store, ar=None, refs=None, key="seed", method="bleu"):
    ar_text, ref_texts = seed_texts()
    return add_article(store, ar if ar is not None else ar_text,
                       refs if refs is not None else ref_texts, key=key, plan=plan(),
                       translator=lookup_translator(), method=method)


def hand_article(key: str, rows: list[dict], digest: str | None = None) -> StoredArticle:
    """An article from rows like {"ar": ..., "en": ..., "ru": ..., "score": 0.9}; a missing
    language gives a unit without that side."""
    units = []
    for k, row in enumerate(rows, 1):
        sides = {lang: Side([f"p{k}.s1"], row[lang]) for lang in ("ar", "en", "ru")
                 if lang in row}
        pairs = {}
        for lang in ("en", "ru"):
            both = "ar" in row and lang in row
            pairs[f"ar-{lang}"] = PairScore(
                f"{int('ar' in row)}-{int(lang in row)}", "bleu",
                row.get("score", 1.0) if both else 0.0, row.get(lang), 50.0 if both else None,
                60.0 if both else None)
        units.append(Unit(k, sides, pairs))
    return StoredArticle(key, digest or (key.encode().hex() * 64)[:64], ["ar", "en", "ru"],
                         {"ar": ["ru", "en"]}, [], units,
                         RunInfo("transformers", "bleu", {"ar-en": "x", "ar-ru": "y"}))


@pytest.fixture
def store(tmp_path):
    with CorpusStore.open(tmp_path / "corpus.sqlite") as s:
        yield s


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeded") / "corpus.sqlite"
    with CorpusStore.open(db) as s:
        add_seed(s)
    return db


@pytest.fixture
def seeded(seeded_db):
    """The seed article added once per module (tests using it only read)."""
    with CorpusStore.open(seeded_db, create=False) as s:
        yield s


def units_by_ar(store) -> dict[str, Unit]:
    """Units keyed by their first Arabic sentence id."""
    return {u.sides["ar"].segment_ids[0]: u for u in store.units() if "ar" in u.sides}


# --- three-way merge (pure) --------------------------------------------------------------------


def B(src, tgt, score=1.0):
    return Bead(tuple(src), tuple(tgt), score, "t")


MERGE_CASES = [
    # (n_src, {lang: beads}, expected [(src, {lang: tgt})])
    (2, {"en": [B([0], [0]), B([1], [1])], "ru": [B([0], [0]), B([1], [1])]},
     [([0], {"en": [0], "ru": [0]}), ([1], {"en": [1], "ru": [1]})]),
    (2, {"en": [B([0, 1], [0])], "ru": [B([0], [0]), B([1], [1])]},
     [([0, 1], {"en": [0], "ru": [0, 1]})]),
    (3, {"en": [B([0, 1], [0]), B([2], [1])], "ru": [B([0], [0]), B([1, 2], [1])]},
     [([0, 1, 2], {"en": [0, 1], "ru": [0, 1]})]),
    (2, {"en": [B([0], [0]), B([1], [])], "ru": [B([0], [0]), B([1], [1])]},
     [([0], {"en": [0], "ru": [0]}), ([1], {"en": [], "ru": [1]})]),
    (2, {"en": [B([0], [0]), B([], [1]), B([1], [2])], "ru": [B([0], [0]), B([1], [1])]},
     [([0], {"en": [0], "ru": [0]}), ([], {"en": [1]}), ([1], {"en": [2], "ru": [1]})]),
    (2, {"en": [B([0], [0]), B([], [1]), B([1], [2])], "ru": [B([0, 1], [0])]},
     [([0, 1], {"en": [0, 1, 2], "ru": [0]})]),
    (1, {"en": [B([], [0]), B([0], [1])], "ru": [B([0], [0]), B([], [1])]},
     [([], {"en": [0]}), ([0], {"en": [1], "ru": [0]}), ([], {"ru": [1]})]),
]


@pytest.mark.parametrize(("n", "beads", "expected"), MERGE_CASES, ids=[
    "all-1-1", "en-2-1-pulls-ru", "chained-merges-one-unit", "en-1-0-kept",
    "en-0-1-own-unit-between", "en-0-1-inside-span-absorbed", "ref-only-at-both-ends"])
def test_merge_three_way(n, beads, expected):
    units = merge_three_way(n, beads)
    got = [(g.src, dict(g.tgt)) for g in units]
    want = [(src, {lang: t for lang, t in tgts.items() if t or not src}) for src, tgts in expected]
    got = [(src, {lang: t for lang, t in tgts.items() if t or not src}) for src, tgts in got]
    assert got == want
    covered = sorted(i for g in units for i in g.src)
    assert covered == list(range(n))  # every source sentence in exactly one unit


# --- building units on the seed ----------------------------------------------------------------


def test_seed_units_follow_the_documented_merges_and_splits(seeded):
    units = units_by_ar(seeded)
    ids = lambda u, lang: u.sides[lang].segment_ids  # noqa: E731
    assert len(list(seeded.units())) == 27
    assert ids(units["p4.s1"], "en") == ["p4.s1", "p4.s2"]  # en splits the sentence
    assert units["p4.s1"].pairs["ar-en"].bead == "1-2"
    assert ids(units["p8.s1"], "ar") == ["p8.s1", "p8.s2"]  # ru joins the two sentences
    assert ids(units["p8.s1"], "ru") == ["p9.s1"]
    assert units["p8.s1"].pairs["ar-ru"].bead == "2-1"
    assert units["p8.s1"].kind == "ar2-en2-ru1"
    # ar p9 + p10 → one English paragraph (en p9); ar p12 → two English paragraphs
    assert {ids(units[a], "en")[0].split(".")[0] for a in ("p9.s1", "p10.s1")} == {"p9"}
    assert [ids(units[a], "en") for a in ("p12.s1", "p12.s2")] == [["p11.s1"], ["p12.s1"]]
    # ar p6 → two Russian paragraphs; ar p20 + p21 → one Russian paragraph (ru p21)
    assert [ids(units[a], "ru") for a in ("p6.s1", "p6.s2")] == [["p6.s1"], ["p7.s1"]]
    assert [ids(units[a], "ru") for a in ("p20.s1", "p21.s1")] == [["p21.s1"], ["p21.s2"]]


def test_every_arabic_sentence_is_in_exactly_one_unit_and_chrome_in_none(seeded):
    from translate.segment import segment_text

    ar_ids = [s.id for s in segment_text(SEED_AR.read_text(encoding="utf-8")).sentences()]
    in_units = [i for u in seeded.units() for i in u.sides["ar"].segment_ids]
    assert sorted(in_units) == sorted(ar_ids) and len(in_units) == len(set(in_units))
    texts = [s.text for u in seeded.units() for s in u.sides.values()]
    assert not any(t in ("Ru En", "Ar Ru", "Ar En") for t in texts)
    row = seeded.articles()[0]
    assert json.loads(row["offered"]) == {"ar": ["ru", "en"], "en": ["ar", "ru"],
                                          "ru": ["ar", "en"]}


def test_seed_scores_mt_and_unit_ids(seeded):
    units = list(seeded.units())
    assert all(re.fullmatch(r"[0-9a-f]{12}-u\d{4}", u.id) for u in units)
    assert units[0].id.endswith("-u0001") and units[-1].id.endswith("-u0027")
    first = units[0].pairs["ar-en"]
    assert first.mt == units[0].sides["en"].text  # the fixture MT is the reference
    assert (first.bleu, first.chrf) == (100.0, 100.0)
    assert all(0.0 <= p.align_score <= 1.0 for u in units for p in u.pairs.values())


def test_a_missing_reference_paragraph_gives_a_marked_1_0_unit(store):
    _, refs = seed_texts()
    dropped = "On 28 January 2024"  # en for ar p11
    refs["en"] = "\n\n".join(b for b in refs["en"].split("\n\n") if not b.startswith(dropped))
    add_seed(store, refs=refs)
    unit = units_by_ar(store)["p11.s1"]
    assert "en" not in unit.sides and "ru" in unit.sides
    assert unit.pairs["ar-en"].bead == "1-0" and unit.pairs["ar-en"].bleu is None
    assert unit.pairs["ar-en"].mt.startswith(dropped)  # the MT is kept for the missing side
    assert unit.id not in {u.id for u in select_units(store, "ar-en")}
    assert unit.id in {u.id for u in select_units(store, "ar-ru")}
    assert corpus_stats(store).pairs["ar-en"].partial == 1


# --- store: idempotence, versions, transactions --------------------------------------------------


def test_adding_the_same_article_twice_changes_nothing(store):
    first = add_seed(store)
    counts = store.table_counts()
    again = add_seed(store)
    assert (first.status, again.status) == ("added", "unchanged")
    assert store.table_counts() == counts
    assert again.version == 1 and again.units == 27


def test_a_changed_article_is_a_new_version_and_export_takes_the_latest(store):
    ar, _ = seed_texts()
    add_seed(store)
    changed = ar.replace("Ru En", "Ru En Fr", 1)  # the page now offers a French version
    second = add_seed(store, ar=changed)
    assert (second.status, second.version) == ("new-version", 2)
    rows = store.articles(all_versions=True)
    assert [(r["version"], r["superseded_by"]) for r in rows] == [(1, rows[1]["id"]), (2, None)]
    assert rows[1]["supersedes"] == rows[0]["id"]
    assert json.loads(rows[1]["offered"])["ar"] == ["ru", "en", "fr"]
    latest = select_units(store, "ar-en-ru")
    assert {u.version for u in latest} == {2} and len(latest) == 27
    assert len(select_units(store, "ar-en-ru", all_versions=True)) == 54
    stats = corpus_stats(store)
    assert (stats.articles, stats.versions, stats.current_versions) == (1, 2, 1)


def test_a_failure_mid_add_leaves_no_partial_article(store):
    good = hand_article("a", [{"ar": "س", "en": "e", "ru": "р"}] * 2)
    good.units[1].ordinal = 1  # a duplicate ordinal: the second unit's INSERT fails
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(good)
    assert store.table_counts() == dict.fromkeys(
        ("runs", "articles", "segments", "units", "unit_sides", "pair_scores"), 0)


def test_store_is_wal_with_a_schema_version(store, tmp_path):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == SCHEMA_VERSION
    store.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UsageError, match="newer"):
        CorpusStore.open(tmp_path / "corpus.sqlite")


def test_opening_a_missing_database_for_reading_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such corpus"):
        CorpusStore.open(tmp_path / "none.sqlite", create=False)


# --- export ------------------------------------------------------------------------------------


def test_tmx_parses_back_with_header_langs_props(seeded, tmp_path):
    out = tmp_path / "c.tmx"
    write_export(select_units(seeded, "ar-en-ru"), "ar-en-ru", "tmx", out)
    root = ET.parse(out).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr, value in [("creationtool", "tarjama"), ("segtype", "sentence"), ("srclang", "ar"),
                        ("datatype", "plaintext"), ("adminlang", "en")]:
        assert header.get(attr) == value
    assert header.get("creationtoolversion") and header.get("o-tmf")
    tus = root.findall("body/tu")
    assert len(tus) == 27
    assert [t.get(XML_LANG) for t in tus[0].findall("tuv")] == ["ar", "en", "ru"]
    props = {p.get("type"): p.text for p in tus[2].findall("prop")}
    assert props["x-ar-en-bead"] == "1-2" and props["x-ar-en-align-score"]
    assert props["x-article"] == "seed" and float(props["x-ar-ru-bleu"]) == 100.0
    assert tus[2].get("tuid").endswith("-u0003")


@pytest.mark.parametrize("text", [
    'a <b> & "c" \'d\'', "</seg><seg>", "&amp; &lt;", "نص <عربي> & \"مقتبس\"",
    "«Россия — <исламский> мир» & Co",
], ids=["markup", "closing-tag", "entities", "arabic", "russian"])
def test_tmx_escapes_every_text(store, text):
    store.add_article(hand_article("k&<>\"", [{"ar": text, "en": text, "ru": text, "mt": text}]))
    root = ET.fromstring(to_tmx(select_units(store, "ar-en-ru"), "ar-en-ru").split("\n", 2)[2])
    assert [s.text for s in root.iter("seg")] == [text] * 3
    props = {p.get("type"): p.text for p in root.find("body/tu").findall("prop")}
    assert props["x-article"] == "k&<>\"" and props["x-ar-ru-mt"] == text


def test_tmx_drops_xml_illegal_control_characters(store):
    store.add_article(hand_article("k", [{"ar": "a\x01b\x0bc", "en": "x\ufffey", "ru": "z"}]))
    root = ET.fromstring(to_tmx(select_units(store, "ar-en-ru"), "ar-en-ru").split("\n", 2)[2])
    assert [s.text for s in root.iter("seg")] == ["abc", "xy", "z"]


def test_moses_files_are_line_parallel(seeded, tmp_path):
    paths = write_export(select_units(seeded, "ar-en-ru"), "ar-en-ru", "moses", tmp_path / "c")
    assert [p.name for p in paths] == ["c.ar", "c.en", "c.ru"]
    lines = [p.read_text(encoding="utf-8").split("\n") for p in paths]
    assert [len(x) for x in lines] == [28, 28, 28]  # 27 lines + the final newline
    assert lines[1][2].startswith("Russian Foreign Minister") and "Лавров" in lines[2][2]


@pytest.mark.parametrize(("fmt", "pair", "check"), [
    ("tsv", "ar-en", lambda t: t.split("\n")[0].split("\t")[:4] == ["id", "article", "ar", "en"]
     and len(t.strip().split("\n")) == 28),
    ("jsonl", "ar-ru", lambda t: [json.loads(x)["scores"]["ar-ru"]["bead"]
                                  for x in t.splitlines()].count("2-1") == 1),
], ids=["tsv", "jsonl"])
def test_tsv_and_jsonl(seeded, tmp_path, fmt, pair, check):
    out = tmp_path / f"c.{fmt}"
    write_export(select_units(seeded, pair), pair, fmt, out)
    assert check(out.read_text(encoding="utf-8"))


def test_export_refuses_to_overwrite_without_force(seeded, tmp_path):
    out = tmp_path / "c.tsv"
    out.write_text("keep")
    with pytest.raises(OutputExistsError):
        write_export(select_units(seeded, "ar-en"), "ar-en", "tsv", out)
    assert out.read_text() == "keep"
    write_export(select_units(seeded, "ar-en"), "ar-en", "tsv", out, force=True)
    assert out.read_text().startswith("id\t")


@pytest.mark.parametrize(("pair", "min_score", "expected"), [
    ("ar-en", None, 3), ("ar-en", 0.5, 2), ("ar-en", 0.95, 1), ("ar-en-ru", 0.5, 1),
], ids=["none", "0.5", "0.95", "three-way-needs-both"])
def test_min_score_filters_only_at_export(store, pair, min_score, expected):
    art = hand_article("k", [{"ar": "a", "en": "b", "ru": "c", "score": 0.99},
                             {"ar": "d", "en": "e", "ru": "f", "score": 0.6},
                             {"ar": "g", "en": "h", "ru": "i", "score": 0.2}])
    art.units[1].pairs["ar-ru"].align_score = 0.1
    store.add_article(art)
    assert len(select_units(store, pair, min_score=min_score)) == expected
    assert store.table_counts()["units"] == 3


# --- stats -------------------------------------------------------------------------------------


def test_stats_counts_distributions_and_bead_types(seeded):
    s = corpus_stats(seeded)
    assert (s.articles, s.versions, s.units) == (1, 1, 27)
    assert s.pairs["ar-en"].beads == {"1-1": 25, "1-2": 1, "2-2": 1}
    assert s.pairs["ar-ru"].beads == {"1-1": 26, "2-1": 1}
    bleu = s.pairs["ar-ru"].scores["bleu"]
    assert (bleu.count, bleu.min, bleu.max) == (27, 100.0, 100.0)
    assert dict(bleu.histogram)["90-100"] == 27
    text = format_stats(s)
    assert "articles: 1" in text and "units (latest versions): 27" in text
    assert "1-2 ×1" in text and "median" in text


# --- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def no_models(monkeypatch):
    """`corpus add` with the lookup translator instead of loading models."""
    monkeypatch.setattr(ingest, "engine_translator", lambda plan, progress=None:
                        lookup_translator())


def cli_add(db, *extra):
    return runner.invoke(app, ["corpus", "add", str(SEED_AR), "--db", str(db),
                               "--ref", f"en={SEED_REFS['en']}", "--ref",
                               f"ru={SEED_REFS['ru']}", "--method", "bleu",
                               "--model", "en=fixture-en", "--model", "ru=fixture-ru", *extra])


def test_cli_add_export_stats(no_models, tmp_path):
    db = tmp_path / "c.sqlite"
    r = cli_add(db)
    assert r.exit_code == 0, r.output
    assert "added" in r.output and "27 units" in r.output
    r = cli_add(db)
    assert r.exit_code == 0 and "unchanged" in r.output
    out = tmp_path / "c.tmx"
    r = runner.invoke(app, ["corpus", "export", "--db", str(db), "--pair", "ar-en",
                            "--format", "tmx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert len(ET.parse(out).getroot().findall("body/tu")) == 27
    r = runner.invoke(app, ["corpus", "export", "--db", str(db), "--pair", "ar-en",
                            "--format", "tmx", "-o", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["corpus", "stats", "--db", str(db)])
    assert r.exit_code == 0 and "units (latest versions): 27" in r.output
    r = runner.invoke(app, ["corpus", "stats", "--db", str(db), "--format", "json"])
    assert json.loads(r.output)["pairs"]["ar-en"]["beads"]["1-2"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["add", "ARTICLE", "--ref", "en=/nonexistent/ref.en.txt"], "no such file"),
    (["add", "/nonexistent/a.ar.txt", "--ref", "en=REF"], "no such file"),
    (["add", "ARTICLE", "--ref", "en"], "KEY=VALUE"),
    (["add", "ARTICLE", "--ref", "en=REF", "--method", "magic"], "magic"),
    (["export", "--db", "/nonexistent/c.sqlite", "-o", "OUT"], "no such corpus"),
    (["export", "--db", "DB", "--pair", "ar-fr", "-o", "OUT"], "ar-fr"),
    (["export", "--db", "DB", "--format", "xlsx", "-o", "OUT"], "xlsx"),
], ids=["missing-ref", "missing-article", "bad-ref", "bad-method", "missing-db", "bad-pair",
        "bad-format"])
def test_cli_usage_errors_exit_2(no_models, tmp_path, args, message):
    db = tmp_path / "c.sqlite"
    CorpusStore.open(db).close()
    subst = {"ARTICLE": str(SEED_AR), "REF": str(SEED_REFS["en"]), "DB": str(db),
             "OUT": str(tmp_path / "out")}
    args = [subst.get(a, a.replace("REF", str(SEED_REFS["en"]))) for a in args]
    r = runner.invoke(app, ["corpus", *args])
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


# --- paragraphs first, then sentences -------------------------------------------------------------


class RecordingAligner:
    """Scores by call: 0.9 for the paragraphs, 0.5 for the whole-article sentences, 0.3 after
    (a group on its own). 1-1 beads down the diagonal, unless ``cross`` makes the whole-article
    call pair sentences across the paragraph groups."""

    def __init__(self, cross: bool = False) -> None:
        self.calls: list[tuple[list[str], list[str], list[str] | None]] = []
        self.cross = cross

    def align(self, src, tgt, *, src_mt=None, tgt_mt=None):
        from translate.align import Bead

        self.calls.append((src, tgt, src_mt))
        score = {1: 0.9, 2: 0.5}.get(len(self.calls), 0.3)
        if self.cross and len(self.calls) == 2:
            return [Bead((0, 1), (0,), score, "rec"), Bead((2,), (1, 2), score, "rec")]
        n = min(len(src), len(tgt))
        return ([Bead((i,), (i,), score, "rec") for i in range(n)]
                + [Bead((i,), (), 0.0, "rec") for i in range(n, len(src))]
                + [Bead((), (j,), 0.0, "rec") for j in range(n, len(tgt))])


def _with_mt(text: str, lang: str) -> Article:
    from translate.segment import segment_text

    art = segment_text(text)
    for s in art.sentences():
        s.translations[lang] = Translation(f"MT {s.text}")
    return art


@pytest.mark.parametrize(("cross", "expected", "group_calls"), [
    (False, [((0,), (0,), 0.5), ((1,), (1,), 0.5), ((2,), (2,), 0.5)], []),
    (True, [((0,), (0,), 0.9), ((1,), (1,), 0.3), ((2,), (2,), 0.3)],
     [["جملة ثانية.", "جملة ثالثة."]]),
], ids=["article-beads-inside-groups", "article-beads-cross-groups"])
def test_paragraphs_first_then_sentences_inside_groups(cross, expected, group_calls):
    from translate.corpus.units import align_pair
    from translate.segment import segment_text

    ar = _with_mt("Ru En\n\nجملة أولى.\n\nجملة ثانية. جملة ثالثة.", "en")
    en = segment_text("Ar Ru\n\nFirst sentence.\n\nSecond sentence. Third sentence.")
    rec = RecordingAligner(cross)
    beads = align_pair(ar, en, "en", rec)
    # call 1: the paragraphs (chrome left out), with each paragraph's MT joined
    assert rec.calls[0][0] == ["جملة أولى.", "جملة ثانية. جملة ثالثة."]
    assert rec.calls[0][2] == ["MT جملة أولى.", "MT جملة ثانية. MT جملة ثالثة."]
    assert len(rec.calls[1][0]) == 3  # call 2: the article's sentences, for context
    # a group is aligned on its own only where the article-wide beads leave it
    assert [c[0] for c in rec.calls[2:]] == group_calls
    assert [(b.src, b.tgt, b.score) for b in beads] == expected
