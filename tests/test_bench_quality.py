"""`tarjama bench` (quality): the fixture path scores 100, outputs, history, compare, suites,
test sets. One CLI run on the fixture models is shared by the tests that read its outputs."""

from __future__ import annotations

import json
import shutil
import urllib.error
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.bench.environment import repo_root
from translate.bench.history import compare_runs, find_run
from translate.bench.quality import QualityBench, QualityOptions
from translate.bench.suite import load_suite
from translate.bench.testsets import NTREX_FILES, load_seed, load_testsets
from translate.cli import app
from translate.errors import UsageError
from translate.values import DecodeOptions, Hypothesis

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SUITES = ROOT / "eval" / "suites"
runner = CliRunner()


@pytest.fixture(scope="module")
def bench_run(fixture_models, tmp_path_factory) -> dict:
    """One bench run: both fixture models on their own training pairs."""
    out = tmp_path_factory.mktemp("bench")
    history = out / "history.jsonl"
    result = runner.invoke(app, [
        "bench", "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
        "--testset", str(DATA / "pairs.ar-en.tsv"), "--testset", str(DATA / "pairs.ar-ru.tsv"),
        "--backend", "transformers", "-o", str(out / "run"), "--history", str(history), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "run" / "quality.json").read_text(encoding="utf-8"))
    return {"out": out / "run", "history": history, "report": report, "stdout": result.stdout}


@pytest.mark.parametrize("pair", ["ar-en", "ar-ru"], ids=["ar-en", "ar-ru"])
def test_fixtures_on_their_pairs_score_100(bench_run, fixture_pairs, pair):
    """Segment → translate → detokenise → score loses nothing: BLEU, chrF, chrF++ all 100."""
    row = next(r for r in bench_run["report"]["quality"]["rows"] if r["pair"] == pair)
    scores = {name: s["score"] for name, s in row["scores"].items()}
    assert scores == pytest.approx({"BLEU": 100.0, "chrF2": 100.0, "chrF2++": 100.0}, abs=1e-9)
    assert row["segments"] == len(fixture_pairs[pair[3:]]) and row["errors"] == 0
    hyps = (bench_run["out"] / row["hypotheses_file"]).read_text(encoding="utf-8").splitlines()
    assert hyps == [t for _, t in fixture_pairs[pair[3:]]]


def test_report_carries_signatures_versions_and_models(bench_run):
    report = bench_run["report"]
    bleu = report["quality"]["signatures"]["BLEU"]
    assert "tok:13a" in bleu and "version:" in bleu and "bs:1000" in bleu
    assert report["versions"]["sacrebleu"] and report["machine"]["cpu_count"]
    assert {m["backend"] for m in report["models"].values()} == {"transformers"}
    assert all(r["scores"]["BLEU"]["ci"] is not None for r in report["quality"]["rows"])
    assert all("by_check" in r["flags"] for r in report["quality"]["rows"])


def test_table_and_charts_written(bench_run):
    out = bench_run["out"]
    md = (out / "quality.md").read_text(encoding="utf-8")
    assert "| pairs.ar-en | ar-en | direct |" in md and "100.00 ± 0.00" in md
    for png in ("quality-scores.png", "quality-flags.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "BLEU" in bench_run["stdout"] and "100.00" in bench_run["stdout"]


def test_history_line_appended_and_compare_prints_deltas(bench_run, tmp_path):
    lines = bench_run["history"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    first = json.loads(lines[0])
    assert first["run_id"] == bench_run["report"]["run_id"]
    assert {r["key"]: r["BLEU"] for r in first["rows"]} == \
        {"pairs.ar-en|ar-en|direct": 100.0, "pairs.ar-ru|ar-ru|direct": 100.0}
    # a later run where ar-ru regressed (its folder is gone: deltas from the history alone)
    history = tmp_path / "history.jsonl"
    second = {**first, "run_id": "20990101T000000Z-later", "json": str(tmp_path / "gone.json"),
              "rows": [{**r, "BLEU": 87.5} if r["key"].startswith("pairs.ar-ru") else r
                       for r in first["rows"]]}
    history.write_text(lines[0] + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["bench", "compare", "latest~1", "latest",
                                 "--history", str(history)])
    assert result.exit_code == 0, result.output
    row = next(ln for ln in result.stdout.splitlines()
               if ln.startswith("pairs.ar-ru|ar-ru|direct") and " BLEU " in ln)
    assert row.split()[-5:] == ["100.00", "87.50", "-12.50", "—", "—"]
    assert "results folder of 20990101T000000Z-later is gone" in result.stdout
    # a results folder and a run id prefix name the same runs
    a = find_run(str(bench_run["out"]), history)
    b = find_run("20990101", history)
    assert {d.key: d.delta for d in compare_runs(a, b) if d.metric == "BLEU"} == \
        {"pairs.ar-en|ar-en|direct": 0.0, "pairs.ar-ru|ar-ru|direct": -12.5}


def test_compare_unknown_run_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["bench", "compare", "nope", "latest",
                                 "--history", str(tmp_path / "h.jsonl")])
    assert result.exit_code == 2 and "history" in result.output


@pytest.fixture(scope="module")
def random_ar_en(tmp_path_factory) -> Path:
    """A tiny random-weight ar→en model: a system that is clearly worse than the fixture."""
    from translate.models.fixture import build_shape

    path = tmp_path_factory.mktemp("random") / "random-ar-en"
    build_shape(path, shape="tiny", target_lang="en")
    return path


@pytest.fixture(scope="module")
def two_systems(fixture_models, random_ar_en, tmp_path_factory) -> dict:
    """`-m en=A -m en=B`: two systems for one direction, in one run."""
    out = tmp_path_factory.mktemp("two")
    result = runner.invoke(app, [
        "bench", "-m", f"en={fixture_models['en']}", "-m", f"en={random_ar_en}",
        "--testset", str(DATA / "pairs.ar-en.tsv"), "--backend", "transformers",
        "-o", str(out / "run"), "--history", str(out / "history.jsonl"), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "run" / "quality.json").read_text(encoding="utf-8"))
    return {"out": out, "report": report, "stdout": result.stdout}


def test_several_models_for_one_direction_each_get_a_row_tested_against_the_first(
        two_systems, fixture_models, random_ar_en):
    report = two_systems["report"]
    rows = {r["system"]: r for r in report["quality"]["rows"]}
    assert list(rows) == [fixture_models["en"].name, random_ar_en.name]
    assert report["baseline"] == fixture_models["en"].name
    good, bad = rows[fixture_models["en"].name], rows[random_ar_en.name]
    assert good["scores"]["BLEU"]["score"] == pytest.approx(100.0)
    assert good["significance"]["is_baseline"]
    cell = bad["significance"]["scores"]["BLEU"]
    assert cell["delta"] < -50 and cell["p_bootstrap"] < 0.05 and cell["p_ar"] < 0.05
    md = (two_systems["out"] / "run" / "quality.md").read_text(encoding="utf-8")
    assert f"ΔBLEU vs {fixture_models['en'].name} (p)" in md and "baseline" in md


def test_compare_gives_p_values_when_both_runs_kept_their_segments(bench_run, random_ar_en,
                                                                   tmp_path):
    """The same row in two runs (the fixture, then a random model): B − A with p-values."""
    history = tmp_path / "history.jsonl"
    shutil.copy(bench_run["history"], history)
    result = runner.invoke(app, [
        "bench", "-m", f"en={random_ar_en}", "--testset", str(DATA / "pairs.ar-en.tsv"),
        "--backend", "transformers", "-o", str(tmp_path / "b"), "--history", str(history),
        "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["bench", "compare", "latest~1", "latest", "--history",
                                 str(history), "-f", "json"])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout)["rows"]
               if r["key"] == "pairs.ar-en|ar-en|direct" and r["metric"] == "BLEU")
    assert row["a"] == 100.0 and row["delta"] < -50
    assert row["p_bootstrap"] < 0.05 and row["p_ar"] < 0.05
    text = runner.invoke(app, ["bench", "compare", "latest~1", "latest", "--history",
                               str(history)]).stdout
    assert "p (bs)" in text and "approximate randomisation" in text


def test_outputs_are_checked_before_any_model_is_loaded(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "quality.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["bench", "-m", "en=/no/such/model", "-o", str(out),
                                 "--history", str(tmp_path / "h.jsonl")])
    assert result.exit_code == 2 and "pass --force" in result.output
    assert "/no/such/model" not in result.output  # refused before the model was looked for


def test_results_go_under_eval_only_inside_this_checkout(tmp_path, monkeypatch):
    from translate.bench.runner import default_locations

    monkeypatch.chdir(ROOT)
    results, history, note = default_locations()
    assert results == ROOT / "eval" / "results" and history == ROOT / "eval" / "history.jsonl"
    assert note is None
    monkeypatch.chdir(tmp_path)
    results, history, note = default_locations()
    assert results == Path("tarjama-bench/results") and "tarjama-bench" in str(note)


def test_outside_the_checkout_a_run_says_where_it_wrote(fixture_models, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["bench", "-m", f"en={fixture_models['en']}", "--testset",
                                 str(DATA / "pairs.ar-en.tsv"), "--backend", "transformers",
                                 "--no-speed"])
    assert result.exit_code == 0, result.output
    assert "not inside a tarjama checkout" in result.output
    (run,) = (tmp_path / "tarjama-bench" / "results").iterdir()
    assert (run / "quality.json").is_file() and (run / "refs").is_dir()
    assert (tmp_path / "tarjama-bench" / "history.jsonl").is_file()


# -- suites -------------------------------------------------------------------------------------
@pytest.mark.parametrize("toml, needle", [
    ('name = "x"\ntokenise = "13a"\n', "tokenise"),
    ('[options]\ntokenise = "13a"\n', "tokenise"),
    ('[options]\nbeam = "four"\n', "beam"),
    ('[models]\nar-fr = "x"\n', "ar-fr"),
    ('testsets = [{ path = "a.tsv", langauge = "en" }]\n', "langauge"),
    ("name = [\n", "invalid TOML"),
], ids=["top-level", "option", "option-type", "direction", "testset-table", "syntax"])
def test_suite_problems_exit_2(tmp_path, toml, needle):
    suite = tmp_path / "s.toml"
    suite.write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["bench", "--suite", str(suite), "--history",
                                 str(tmp_path / "h.jsonl")])
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name, models, testsets, segment", [
    ("fixtures.toml", {"ar-en", "ar-ru"}, 2, True),
    ("opus-mt-leaderboard.toml", {"ar-en", "ar-ru"}, 2, False),
    ("families.toml", {"ar-en", "ar-ru", "en-ru"}, 2, False),
], ids=["fixtures", "leaderboard", "families"])
def test_shipped_suites_parse(name, models, testsets, segment):
    from translate.bench.systems import build_systems

    suite = load_suite(SUITES / name)
    systems = build_systems(suite)
    assert {p for s in systems for p in s.models} == models and len(suite.testsets) == testsets
    assert suite.options.segment is segment and suite.options.tokenize == "13a"


# -- test sets ----------------------------------------------------------------------------------
@pytest.mark.parametrize("lines, tgt", [
    (["قال الوزير إن المحادثات ستستأنف.\tThe minister said talks would resume."], "en"),
    (["ارتفعت أسعار النفط.\tЦены на нефть выросли.", "", "وصل الرئيس.\tПрезидент прибыл."], "ru"),
], ids=["tsv-en", "tsv-ru-blank-line"])
def test_tsv_testset(tmp_path, lines, tgt):
    path = tmp_path / f"news.ar-{tgt}.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (ts,) = load_testsets(str(path))
    expected = [ln.split("\t") for ln in lines if ln]
    assert ts.tgt == tgt and ts.name == f"news.ar-{tgt}"
    assert list(zip(ts.sources, ts.references, strict=True)) == [tuple(e) for e in expected]


def test_line_parallel_and_directory_testsets(tmp_path):
    (tmp_path / "dev.ar").write_text("مرحبا\nشكرا\n", encoding="utf-8")
    (tmp_path / "dev.en").write_text("Hello\nThanks\n", encoding="utf-8")
    (tmp_path / "dev.ru").write_text("Привет\nСпасибо\n", encoding="utf-8")
    (ts,) = load_testsets(f"{tmp_path / 'dev.ar'},{tmp_path / 'dev.ru'}")
    assert (ts.tgt, ts.sources, ts.references) == ("ru", ["مرحبا", "شكرا"], ["Привет", "Спасибо"])
    both = load_testsets(str(tmp_path))
    assert sorted(t.tgt for t in both) == ["en", "ru"]
    (only_en,) = load_testsets(str(tmp_path), ["en"])
    assert only_en.references == ["Hello", "Thanks"]


@pytest.mark.parametrize("files, args, needle", [
    ({}, ["missing.ar-en.tsv"], "no such file"),
    ({"a.ar": "واحد\nاثنان\n", "a.en": "one\n"}, ["a.ar,a.en"], "line counts differ"),
    ({"a.tsv": "واحد\tone\n"}, ["a.tsv"], "reference language"),
    ({"b.ar-en.tsv": "واحد one\n"}, ["b.ar-en.tsv"], "source<TAB>reference"),
], ids=["missing", "count-mismatch", "no-language", "no-tab"])
def test_testset_problems_exit_2(tmp_path, files, args, needle):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    spec = ",".join(str(tmp_path / a) for a in args[0].split(","))
    result = runner.invoke(app, ["bench", "--testset", spec, "--model", "en=unused",
                                 "--history", str(tmp_path / "h.jsonl")])
    assert result.exit_code == 2, result.output
    assert needle in result.output


def test_ntrex_reads_1997_lines(shared_dir):
    sets = load_testsets("ntrex128", data_dir=shared_dir / "data", download=False)
    assert [(t.tgt, len(t.sources), len(t.references)) for t in sets] == \
        [("en", 1997, 1997), ("ru", 1997, 1997)]
    assert "CC BY-SA" in sets[0].attribution and sets[0].info["documents"] == 123


def test_ntrex_offline_names_data_dir(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TARJAMA_DATA", raising=False)
    with pytest.raises(UsageError, match="--data-dir"):
        load_testsets("ntrex128")
    assert not any((tmp_path / "cache").rglob(NTREX_FILES["ar"]))


def test_seed_is_one_document_segment_without_chrome():
    if not (repo_root() / "seeds" / "lavrov-sahel-2025-04-03.en.txt").is_file():
        pytest.skip("the seed references are not in this checkout")
    sets = load_seed(repo_root() / "seeds")
    assert [t.tgt for t in sets] == ["en", "ru"]
    for t in sets:
        assert t.level == "document" and len(t.sources) == len(t.references) == 1
        assert not t.references[0].startswith(("Ar Ru", "Ar En")) and "\n" not in t.references[0]
    assert "Lavrov" in sets[0].references[0] and "Лавров" in sets[1].references[0]


# -- pivot, on stand-in engines (no model needed) -------------------------------------------------
class TableEngine:
    """An engine that looks translations up in a table: enough to test routes and pivots."""

    def __init__(self, pair: str, table: dict[str, str]) -> None:
        self.pair, self.table, self.model_id = pair, table, f"table-{pair}"
        self.options = DecodeOptions()
        self.max_input_length = self.options.max_input_length
        self.calls = 0

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 1

    def describe(self) -> dict:
        return {"model": self.model_id, "backend": "table", "pair": self.pair, "beam": 1}

    def translate_detailed(self, texts, progress=None) -> list[Hypothesis]:
        self.calls += 1
        return [Hypothesis(self.table.get(t, "?"), tokens=1) for t in texts]


def _pivot_rows() -> tuple[list, list, QualityOptions, dict]:
    """Rows of direct ar→en, ar→ru and pivot ar→en→ru on a two-line set, from table engines."""
    from translate.bench.testsets import TestSet

    src = ["وصل الرئيس إلى القاهرة صباح اليوم.", "ارتفعت أسعار النفط يوم الاثنين."]
    en = ["The president arrived in Cairo this morning.", "Oil prices rose on Monday."]
    ru = ["Президент прибыл в Каир сегодня утром.", "Цены на нефть выросли в понедельник."]
    ar_en = TableEngine("ar-en", dict(zip(src, en, strict=True)))
    en_ru = TableEngine("en-ru", dict(zip(en, ru, strict=True)))
    ar_ru = TableEngine("ar-ru", dict(zip(src, [ru[0], "Цены на нефть упали."], strict=True)))
    engines = {("ar", "en"): ar_en, ("en", "ru"): en_ru, ("ar", "ru"): ar_ru}
    sets = [TestSet("t", "en", src, en), TestSet("t", "ru", src, ru)]
    opts = QualityOptions(confidence=False)
    rows = QualityBench(engines, opts).run(sets)  # type: ignore[arg-type]
    return rows, sets, opts, engines


def test_pivot_runs_beside_direct_and_reuses_the_first_leg():
    from translate.bench.quality import pivot_comparisons

    rows, sets, opts, engines = _pivot_rows()
    by_key = {r.key: r for r in rows}
    assert set(by_key) == {"t|ar-en|direct", "t|ar-ru|direct", "t|ar-ru|pivot-en"}
    assert by_key["t|ar-ru|pivot-en"].score("BLEU") == pytest.approx(100.0)
    assert by_key["t|ar-ru|direct"].score("BLEU") < 100.0
    assert engines[("ar", "en")].calls == 1  # the pivot reused the ar→en translations
    (cmp,) = pivot_comparisons(rows, sets, opts)
    assert cmp["delta"]["BLEU"] > 0 and cmp["significance"]["systems"][1]["name"] == "pivot-en"


def test_the_baselines_pivot_comparison_is_its_paired_test_not_a_second_run(monkeypatch):
    import translate.score
    from translate.bench.quality import compare_to_baseline, pivot_comparisons

    rows, sets, opts, _ = _pivot_rows()
    baseline = rows[0].system
    tested = compare_to_baseline(rows, sets, baseline, opts)
    alone = pivot_comparisons(rows, sets, opts)  # without them: tested on its own

    def never(*args, **kwargs):
        raise AssertionError("the baseline's paired test ran a second time")

    monkeypatch.setattr(translate.score, "compare_systems", never)
    (cmp,) = pivot_comparisons(rows, sets, opts, tested)
    direct, pivot = cmp["significance"]["systems"]
    assert (direct["name"], pivot["name"]) == ("direct", "pivot-en") and direct["baseline"]
    row = next(r for r in rows if r.key == "t|ar-ru|pivot-en")
    assert pivot["scores"]["BLEU"]["p_bootstrap"] == row.significance["scores"]["BLEU"][
        "p_bootstrap"]  # one test, one p-value, wherever the report shows it
    assert pivot["scores"]["BLEU"]["score"] == alone[0]["significance"]["systems"][1][
        "scores"]["BLEU"]["score"]


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {}),
    (["--beam", "4"], {"beam": 4}),
    (["--beam", "2", "--threads", "1"], {"beam": 2, "threads": 1}),
    (["--batch-size", "16"], {"batch_size": 16}),
], ids=["none-given", "beam-at-its-default", "beam-and-threads", "batch-size-at-its-default"])
def test_only_decoding_options_given_override_the_suite(monkeypatch, tmp_path, argv, expected):
    """A suite's beam/threads/batch size hold unless the command line names the option, even
    with the default value (``--beam 4`` over a suite's ``beam = 1``)."""
    from typer.testing import CliRunner

    import translate.bench.runner as runner_module
    from translate.cli import app

    seen = {}

    def fake_run(request, progress=None):
        seen.update(request.options)
        raise runner_module.UsageError("stop here")

    monkeypatch.setattr(runner_module, "run_bench", fake_run)
    result = CliRunner().invoke(app, ["bench", "--suite", str(tmp_path / "s.toml"), *argv])
    assert result.exit_code == 2, result.output
    assert {k: v for k, v in seen.items() if k in ("beam", "threads", "batch_size")} == expected
