"""The corpus and align commands as a user meets them: inputs read like every other article
(HTML, windows-1256, UTF-16), provenance without absolute paths, `corpus list`, reports on
stderr, warnings when a filter leaves nothing, -q, help that shows what it says."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.corpus.store import CorpusStore

runner = CliRunner()
PICK = (0, 1, 3, 5)  # pair sentences windows-1256 can encode (no Arabic-Indic digits)


def _pairs(fixture_pairs, lang: str) -> list[tuple[str, str]]:
    return [fixture_pairs[lang][k] for k in PICK]


def _add(db: Path, article: str, refs: dict[str, str], models, *extra: str):
    return runner.invoke(app, [
        "corpus", "add", article, "--db", str(db), "--method", "bleu", "--beam", "1",
        "--backend", "transformers", *[f"--ref={lang}={p}" for lang, p in refs.items()],
        *[f"--model={lang}={p}" for lang, p in models.items()], *extra])


@pytest.fixture(scope="module")
def pages(tmp_path_factory, fixture_pairs) -> dict[str, Path]:
    """The article as a saved windows-1256 web page, English as UTF-16 text, Russian as
    Markdown: one paragraph per sentence."""
    root = tmp_path_factory.mktemp("pages")
    ar = [a for a, _ in _pairs(fixture_pairs, "en")]
    html = ('<html><head><meta charset="windows-1256"></head><body><article>'
            + "".join(f"<p>{a}</p>" for a in ar) + "</article></body></html>")
    out = {"ar": root / "news.ar.html", "en": root / "news.en.txt", "ru": root / "news.ru.md"}
    out["ar"].write_bytes(html.encode("windows-1256"))
    out["en"].write_bytes("\n\n".join(t for _, t in _pairs(fixture_pairs, "en")).encode("utf-16"))
    out["ru"].write_text("\n\n".join(t for _, t in _pairs(fixture_pairs, "ru")) + "\n",
                         encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, pages, fixture_models) -> Path:
    db = pages["ar"].parent / "corpus.sqlite"
    result = _add(db, str(pages["ar"]), {"en": str(pages["en"]), "ru": str(pages["ru"])},
                  fixture_models)
    assert result.exit_code == 0, result.output
    return db


def test_add_reads_the_article_and_references_like_every_article(corpus):
    with CorpusStore.open(corpus) as store:
        units = list(store.units())
        options = json.loads(store.run(store.articles()[0]["run_id"])["options"])
    assert len(units) == 4 and all(u.kind == "ar1-en1-ru1" for u in units)
    assert all(u.pairs["ar-en"].mt == u.sides["en"].text for u in units)
    assert options["read"]["ar"] == {"format": "html", "encoding": "windows-1256"}
    assert options["read"]["en"]["encoding"].startswith("utf-16")
    assert options["read"]["ru"]["format"] in ("text", "markdown")


def test_provenance_is_the_path_relative_to_the_database(tmp_path, monkeypatch, pages,
                                                         fixture_models):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # the user is elsewhere than the corpus
    db = tmp_path / "corpora" / "c.sqlite"
    result = _add(db, str(pages["ar"]), {"en": str(pages["en"])},
                  {"en": fixture_models["en"]})
    assert result.exit_code == 0, result.output
    expected = os.path.relpath(pages["ar"].resolve(), db.parent.resolve())
    assert result.stdout.startswith(f"added {expected}: version 1")
    jsonl = runner.invoke(app, ["corpus", "export", "--db", str(db), "--pair", "ar-en",
                                "-f", "jsonl"])
    assert {json.loads(x)["article"] for x in jsonl.stdout.splitlines()} == {expected}
    tmx = runner.invoke(app, ["corpus", "export", "--db", str(db), "--pair", "ar-en", "-q"])
    props = {p.text for p in ET.fromstring(tmx.stdout.split("\n", 2)[2]).iter("prop")
             if p.get("type") == "x-article"}
    assert props == {expected} and not expected.startswith("/")
    url = _add(db, str(pages["ar"]), {"en": str(pages["en"])}, {"en": fixture_models["en"]},
               "--source", "https://example.org/news/1", "--method", "length")
    assert "added https://example.org/news/1: version 1" in url.stdout


def test_corpus_list_names_each_article(tmp_path, corpus, pages, fixture_models):
    listed = runner.invoke(app, ["corpus", "list", "--db", str(corpus)])
    assert listed.exit_code == 0, listed.output
    header, row = listed.stdout.splitlines()[:2]
    assert header.split() == ["versions", "units", "languages", "source"]
    assert row.split() == ["1", "4", "ar", "en", "ru", "news.ar.html"]
    as_json = json.loads(runner.invoke(app, ["corpus", "list", "--db", str(corpus), "-f",
                                             "json"]).stdout)
    assert [(a["source"], a["units"], a["languages"]) for a in as_json] == [
        ("news.ar.html", 4, ["ar", "en", "ru"])]


def test_the_article_hint_points_to_corpus_list(tmp_path, corpus):
    from translate.corpus.store import RunInfo, StoredArticle

    db = tmp_path / "two.sqlite"
    with CorpusStore.open(corpus) as src, CorpusStore.open(db) as dst:
        units = list(src.units())
        for name in ("a", "b"):
            dst.add_article(StoredArticle(name, name * 64, ["ar", "en", "ru"], {}, [], units,
                                          RunInfo("transformers", "bleu", {})))
    for extra in ([], ["--article", "c"]):
        result = runner.invoke(app, ["corpus", "export", "--db", str(db), "-f", "html", *extra])
        assert result.exit_code == 2 and "tarjama corpus list" in result.output


def test_export_says_when_a_filter_leaves_nothing_and_quiet_silences_wrote(corpus, tmp_path):
    out = tmp_path / "c.tsv"
    args = ["corpus", "export", "--db", str(corpus), "-f", "tsv", "-o", str(out)]
    loud = runner.invoke(app, args)
    assert loud.exit_code == 0 and f"wrote 4 units (ar-en-ru, tsv) to {out}" in loud.stderr
    quiet = runner.invoke(app, [*args, "--force", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
    empty = runner.invoke(app, [*args, "--force", "--min-score", "1"])
    assert empty.exit_code == 0
    assert "warning: --min-score 1 left none of the 4 ar-en-ru units" in empty.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_stored_scores_are_probabilities_a_filter_can_use(corpus):
    """The fixture MT is the reference: every alignment is right, and the scores say so."""
    with CorpusStore.open(corpus) as store:
        scores = [p.align_score for u in store.units() for p in u.pairs.values()]
    assert all(0.8 < s < 1.0 for s in scores), scores
    kept = runner.invoke(app, ["corpus", "export", "--db", str(corpus), "-f", "jsonl",
                               "--min-score", "0.5", "-q"])
    assert len(kept.stdout.splitlines()) == 4


def test_page_reads_stored_flags_and_only_its_article(corpus, monkeypatch):
    """No QA check runs again, and only the shown article's units are read."""
    import translate.checks
    from translate.corpus.page import article_page

    def no_checks(*a, **k):
        raise AssertionError("the page ran the QA checks again")

    monkeypatch.setattr(translate.checks, "run_checks", no_checks)
    calls = []
    units = CorpusStore.units

    def spy(self, **kw):
        calls.append(kw)
        return units(self, **kw)

    monkeypatch.setattr(CorpusStore, "units", spy)
    with CorpusStore.open(corpus) as store:
        source, page = article_page(store, "news.ar.html")
    assert source == "news.ar.html" and page.count('data-score="align"') == 8
    assert calls == [{"article_id": 1}]


def test_align_gold_report_goes_to_stderr_not_into_the_beads(tmp_path):
    src, tgt, mt, gold = (tmp_path / n for n in ("src", "tgt", "mt", "gold"))
    src.write_text("النفط ارتفع.\nالرئيس افتتح مستشفى.\nالفريق فاز.\n", encoding="utf-8")
    tgt.write_text("Oil rose. The president opened a hospital.\nThe team won.\n",
                   encoding="utf-8")
    mt.write_text("oil rose.\nthe president opened a hospital.\nthe team won.\n",
                  encoding="utf-8")
    gold.write_text("[0,1]:[0]\n[2]:[1]\n", encoding="utf-8")
    result = runner.invoke(app, ["align", str(src), str(tgt), "--src-mt", str(mt),
                                 "--method", "bleu", "--gold", str(gold)])
    assert result.exit_code == 0, result.output
    beads = [json.loads(line) for line in result.stdout.splitlines()]  # beads only
    assert [(b["src"], b["tgt"]) for b in beads] == [([0, 1], [0]), ([2], [1])]
    assert "strict" in result.stderr and "1.000" in result.stderr


@pytest.mark.parametrize(("args", "shown"), [
    (["corpus", "build", "--help"], "pip install 'tarjama[ray]'"),
    (["corpus", "export", "--help"], "tmx|tsv|jsonl|moses|html"),
    (["corpus", "add", "--help"], "bleu|embed|length|auto"),
    (["align", "--help"], "tarjama[st]"),
], ids=["ray-extra", "export-formats", "methods", "st-extra"])
def test_help_shows_what_it_says(args, shown):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert shown in " ".join(result.output.split())


def test_build_keeps_how_each_page_was_read(tmp_path, pages, fixture_models):
    db = tmp_path / "built.sqlite"
    result = runner.invoke(app, [
        "corpus", "build", str(pages["ar"].parent), "--db", str(db), "--method", "bleu",
        "--beam", "1", "--backend", "transformers", "-q",
        *[f"--model={lang}={p}" for lang, p in fixture_models.items()]])
    assert result.exit_code == 0, result.output
    with CorpusStore.open(db) as store:
        row = store.articles()[0]
        read = json.loads(store.run(row["run_id"])["options"])["read"]
        kinds = {u.kind for u in store.units()}
    assert row["source"] == os.path.relpath(pages["ar"].resolve(), tmp_path.resolve())
    assert read["ar"] == {"format": "html", "encoding": "windows-1256"}
    assert read["en"]["encoding"].startswith("utf-16") and kinds == {"ar1-en1-ru1"}


def test_ray_jobs_cross_as_json_rows_not_pickles(tmp_path):
    """What the Ray engine writes for its workers reads back as the same jobs."""
    pa = pytest.importorskip("pyarrow")
    from translate.corpus.ray_engine import _jobs, _write_manifest
    from translate.corpus.stages import ArticleJob

    jobs = [ArticleJob("news/a.ar.html", "d1", "نص", {"en": "text"},
                       {"ar": {"format": "html", "encoding": "windows-1256"},
                        "en": {"format": "text", "encoding": "utf-8"}}),
            ArticleJob("b", "d2", "نص آخر", {"ru": "текст"}, {})]
    (path,) = _write_manifest(jobs, tmp_path, per_file=2)
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(v, (str, type(None))) for r in rows for v in r.values())
    assert _jobs(pa.Table.from_pylist(rows)) == jobs
    assert jobs[0].formats == {"ar": "html", "en": "text"}


@pytest.mark.parametrize("target", [[], ["-o", "-"]], ids=["no-output", "dash"])
def test_export_without_a_file_or_to_dash_writes_stdout(corpus, tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["corpus", "export", "--db", str(corpus), "-f", "jsonl",
                                 *target, "-q"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) == 4 and all(r["ru"] and r["ar"] for r in rows)
    assert result.stderr == "" and not (tmp_path / "-").exists()


ALIGN_CASES = [
    ("en", ["النفط ارتفع.", "الفريق فاز."], ["Oil rose.", "The team won."]),
    ("ru", ["النفط ارتفع.", "الفريق فاز."], ["Нефть подорожала.", "Команда победила."]),
]


@pytest.mark.parametrize(("lang", "src", "tgt"), ALIGN_CASES, ids=["ar-en", "ar-ru"])
@pytest.mark.parametrize("quiet", [False, True], ids=["loud", "quiet"])
def test_align_writes_beads_to_stdout_with_dash_and_quiet_silences_the_summary(
        tmp_path, monkeypatch, lang, src, tgt, quiet):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").write_text("\n".join(src) + "\n", encoding="utf-8")
    (tmp_path / "tgt").write_text("\n".join(tgt) + "\n", encoding="utf-8")
    (tmp_path / "mt").write_text("\n".join(tgt) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["align", "src", "tgt", "--src-mt", "mt", "--tgt-lang", lang,
                                 "--method", "bleu", "-o", "-", *(["-q"] if quiet else [])])
    assert result.exit_code == 0, result.output
    beads = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(b["src"], b["tgt"]) for b in beads] == [([0], [0]), ([1], [1])]
    assert not (tmp_path / "-").exists()
    assert (result.stderr == "") == quiet


@pytest.mark.parametrize("args", [["corpus", "export", "--help"], ["corpus", "add", "--help"],
                                  ["align", "--help"]], ids=["export", "add", "align"])
def test_help_says_what_a_score_means(args):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "probability" in " ".join(result.output.split())


def test_add_shows_progress_of_the_translation_and_the_embedding(tmp_path, pages,
                                                                 fixture_models):
    from translate.corpus.ingest import AddRequest, add_files

    seen: dict[str, list[tuple[int, int]]] = {}

    def factory(label):
        return lambda done, total: seen.setdefault(label, []).append((done, total))

    request = AddRequest(str(pages["ar"]), {"en": str(pages["en"]), "ru": str(pages["ru"])},
                         tmp_path / "p.sqlite", {k: str(v) for k, v in fixture_models.items()},
                         "transformers", "embed", None, 1)
    assert add_files(request, factory).units == 4
    done, total = seen.pop("embedding sentences")[-1]
    assert done == total > 0
    assert seen and all(calls[-1][0] == calls[-1][1] > 0 for calls in seen.values()), seen


@pytest.mark.parametrize(("logger", "notice"), [
    ("ray._private.authentication", "Token authentication is enabled for this cluster"),
    ("ray.data._internal.progress", "Progress bars disabled because stdout is not a terminal"),
], ids=["token", "progress-bars"])
def test_ray_notices_a_user_cannot_act_on_are_filtered(logger, notice, caplog):
    import logging

    from translate.corpus.ray_engine import _quiet_ray

    _quiet_ray()
    with caplog.at_level(logging.NOTSET):
        logging.getLogger(logger).warning(notice)
        logging.getLogger(logger).error("a real error still shows")
    assert [r.getMessage() for r in caplog.records] == ["a real error still shows"]
