"""`corpus build` with the local engine: finding inputs, checkpointing, Parquet shards, import.

Articles are made of the fixture pair sentences, so the overfit fixture models translate them
exactly; the ray engine is in test_corpus_ray.py, kill -9 and concurrent writers in
test_corpus_resume.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.corpus.discover import discover
from translate.corpus.export import select_units, to_jsonl, to_tsv
from translate.corpus.ingest import engine_translator
from translate.corpus.runner import BuildOptions, DbSink, ParquetSink, build
from translate.corpus.samples import pair_articles
from translate.corpus.shards import read_shards, shard_files
from translate.corpus.store import CorpusStore
from translate.errors import MissingExtraError, UsageError
from translate.pipeline import make_plan
from translate.values import DecodeOptions

runner = CliRunner()
AR = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."
EN = "The foreign minister said the talks would resume next week in Cairo."
RU = "Министр иностранных дел заявил, что переговоры возобновятся на следующей неделе в Каире."


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


HTML = "<html><body><article><p>{}</p></article></body></html>"
DISCOVER_CASES = [
    # (files, inputs, expected [(ar file, sorted ref langs)], skipped count)
    ({"a.ar.txt": AR, "a.en.txt": EN, "a.ru.txt": RU}, ["a.ar.txt"], [("a.ar.txt", "en,ru")], 0),
    ({"خبر.ar.html": HTML.format(AR), "خبر.en.html": HTML.format(EN)}, ["."],
     [("خبر.ar.html", "en")], 0),
    ({"c.ar.txt": AR, "c.ru.html": HTML.format(RU)}, ["c.ar.txt"], [("c.ar.txt", "ru")], 0),
    ({"d.ar.txt": AR}, ["."], [], 1),
    ({"x/y/новости.ar.txt": AR, "x/y/новости.ru.txt": RU, "x/z.ar.txt": AR, "x/z.en.txt": EN},
     ["x"], [("x/y/новости.ar.txt", "ru"), ("x/z.ar.txt", "en")], 0),
    ({"g1.ar.txt": AR, "g1.en.txt": EN, "g2.ar.txt": AR, "g2.en.txt": EN, "h.ar.txt": AR},
     ["g*.ar.txt"], [("g1.ar.txt", "en"), ("g2.ar.txt", "en")], 0),
    ({"a.ar.txt": AR, "a.en.txt": EN}, ["a.ar.txt", ".", "*.ar.txt"], [("a.ar.txt", "en")], 0),
]


@pytest.mark.parametrize(("files", "inputs", "expected", "skipped"), DISCOVER_CASES, ids=[
    "txt-pair", "arabic-name-html-dir", "mixed-suffixes", "no-reference-skipped",
    "recursive-russian-name", "glob", "same-article-thrice-once"])
def test_discover_finds_articles_and_references_by_name(tmp_path, monkeypatch, files, inputs,
                                                        expected, skipped):
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    found = discover(inputs)
    got = [(str(s.ar.resolve().relative_to(tmp_path)), ",".join(sorted(s.refs)))
           for s in found.articles]
    assert sorted(got) == sorted(expected)
    assert len(found.skipped) == skipped
    assert all(s.key == str(s.ar.resolve()) for s in found.articles)


def test_manifest_gives_identity_and_relative_paths(tmp_path):
    write(tmp_path, {"m/t/1.ar": AR, "m/t/1.en": EN, "m/t/1.ru": RU, "m/t/2.ar": AR,
                     "m/t/2.ru": RU})
    lines = [{"id": "خبر-٢", "ar": "t/2.ar", "ru": "t/2.ru"},
             {"id": "n1", "ar": "t/1.ar", "en": "t/1.en", "ru": "t/1.ru",
              "url": "https://example.org/ru/статья-1"}]
    (tmp_path / "m" / "list.jsonl").write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    found = discover([str(tmp_path / "m" / "list.jsonl")])
    assert [s.key for s in found.articles] == ["https://example.org/ru/статья-1", "خبر-٢"]
    assert found.articles[1].refs == {"ru": tmp_path / "m" / "t" / "2.ru"}


BAD_INPUTS = [
    ("missing", [], "no such file or directory"),
    ("nothing-*.ar.txt", [], "the pattern matches nothing"),
    ("notes.txt", [("notes.txt", "x")], "not an article"),
    ("m.jsonl", [("m.jsonl", "{not json\n")], "not a JSON object"),
    ("m.jsonl", [("m.jsonl", '{"id": "x", "en": "a"}\n')], 'needs at least "id" and "ar"'),
    ("m.jsonl", [("m.jsonl", '{"id": "x", "ar": "a"}\n')], "no reference"),
    ("m.jsonl", [("m.jsonl", '{"id": "x", "ar": "a", "en": "b", "fr": "c"}\n')],
     "unknown field(s) fr"),
    ("m.jsonl", [("m.jsonl", '{"id": "x", "ar": "a", "en": "b"}\n'
                             '{"id": "x", "ar": "c", "en": "d"}\n')],
     "two different articles share the identity 'x'"),
]


@pytest.mark.parametrize(("arg", "files", "message"), BAD_INPUTS, ids=[
    "no-such-path", "empty-glob", "not-an-article", "manifest-not-json", "manifest-no-ar",
    "manifest-no-ref", "manifest-unknown-field", "manifest-duplicate-id"])
def test_bad_inputs_are_usage_errors(tmp_path, arg, files, message):
    write(tmp_path, dict(files))
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        discover([str(tmp_path / arg)])


# --- building ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def articles(tmp_path_factory, fixture_pairs) -> Path:
    root = tmp_path_factory.mktemp("articles")
    pair_articles(fixture_pairs, root, count=5)
    return root


_loaded: dict[str, object] = {}


def options(models, **kw) -> BuildOptions:
    """Build options over the fixture models; the models load once for the whole module."""
    plan = make_plan(["en", "ru"], {lang: str(p) for lang, p in models.items()},
                     backend="transformers",
                     options=DecodeOptions(max_decoding_length=64, threads=1))

    def translator():
        if "mt" not in _loaded:
            _loaded["mt"] = engine_translator(plan)()
        return _loaded["mt"]

    return BuildOptions(plan=plan, method="bleu", translator=translator, **kw)


def export(db: Path) -> str:
    with CorpusStore.open(db, create=False) as store:
        rows = select_units(store, "ar-en-ru")
    return to_jsonl(rows, "ar-en-ru") + to_tsv(rows, "ar-en-ru")


@pytest.fixture(scope="module")
def local_db(tmp_path_factory, articles, fixture_models) -> Path:
    db = tmp_path_factory.mktemp("local") / "corpus.sqlite"
    with CorpusStore.open(db) as store:
        report = build(discover([str(articles)]).articles, DbSink(store),
                       options(fixture_models))
    assert (report.added, report.skipped, report.failed) == (5, 0, [])
    return db


def test_local_build_stores_exact_mt_and_a_rerun_skips_everything(local_db, articles,
                                                                   fixture_models):
    with CorpusStore.open(local_db) as store:
        units = list(store.units())
        assert len(store.articles()) == 5
        assert all(u.pairs["ar-en"].mt == u.sides["en"].text for u in units)
        report = build(discover([str(articles)]).articles, DbSink(store),
                       options(fixture_models))
        assert (report.added, report.skipped, report.workers) == (0, 5, {})


def test_parquet_shards_import_to_the_same_export_and_import_is_idempotent(
        tmp_path, local_db, articles, fixture_models):
    specs = discover([str(articles)]).articles
    out = tmp_path / "shards"
    first = build(specs[:2], ParquetSink(out), options(fixture_models))
    again = build(specs, ParquetSink(out), options(fixture_models))
    assert (first.added, again.skipped, again.added) == (2, 2, 3)
    assert len(shard_files(out)) == 2  # one shard per run here (64 articles per shard)
    scan = read_shards(out)
    assert len(scan.articles) == 5 and not scan.incomplete
    db = tmp_path / "imported.sqlite"
    for expected in ("imported 5 articles", "5 already stored"):
        result = runner.invoke(app, ["corpus", "import", str(out), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert expected in result.output
    assert export(db) == export(local_db)


def test_an_incomplete_article_in_the_shards_is_reported_not_imported(tmp_path, articles,
                                                                       fixture_models):
    import pyarrow.parquet as pq

    out = tmp_path / "s"
    build(discover([str(articles)]).articles[:2], ParquetSink(out), options(fixture_models))
    path = shard_files(out)[0]
    table = pq.read_table(path)
    first = table["content_hash"][0].as_py()
    keep = [i for i, (h, o) in enumerate(zip(table["content_hash"].to_pylist(),
                                             table["ordinal"].to_pylist(), strict=True))
            if not (h == first and o == 2)]
    pq.write_table(table.take(keep), path)
    (out / "part-zz-broken.parquet").write_bytes(b"PAR1 not really")
    scan = read_shards(out)
    assert len(scan.articles) == 1 and len(scan.incomplete) == 1 and len(scan.unreadable) == 1
    # the rerun sees the damaged article as not done and writes it again
    report = build(discover([str(articles)]).articles[:2], ParquetSink(out),
                   options(fixture_models))
    assert (report.skipped, report.added) == (1, 1)
    assert len(read_shards(out).articles) == 2


def test_a_bad_article_is_reported_and_the_others_are_stored(tmp_path, articles,
                                                             fixture_models):
    write(tmp_path / "in", {"en-only.ar.txt": EN, "en-only.en.txt": EN})
    for p in sorted(articles.glob("pairs-00[01].*")):
        write(tmp_path / "in", {p.name: p.read_text(encoding="utf-8")})
    models = [f"--model={lang}={p}" for lang, p in fixture_models.items()]
    result = runner.invoke(app, ["corpus", "build", str(tmp_path / "in"), "--db",
                                 str(tmp_path / "c.sqlite"), "--method", "bleu", "--backend",
                                 "transformers", "-q", "--threads", "1", *models])
    assert result.exit_code == 1, result.output
    assert "2 articles added" in result.output and "1 failed" in result.output
    assert "en-only.ar.txt: the text is not Arabic" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--engine", "spark"], "'--engine': 'spark' is not one of 'local', 'ray'"),
    (["--db", "a.sqlite", "--out", "o"], "give --db or --out, not both"),
    (["--method", "dtw"], "'--method': 'dtw' is not one of 'bleu'"),
], ids=["unknown-engine", "db-and-out", "unknown-method"])
def test_build_usage_errors(tmp_path, articles, args, message):
    result = runner.invoke(app, ["corpus", "build", str(articles), *args])
    assert result.exit_code == 2 and message in result.output


def test_ray_missing_is_a_clear_message(monkeypatch, articles):
    from translate.corpus.ray_engine import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'tarjama\[ray\]'"):
        import_ray()
    result = runner.invoke(app, ["corpus", "build", str(articles), "--engine", "ray"])
    assert result.exit_code == 2 and "ray is not installed" in result.output
