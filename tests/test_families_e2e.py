"""Every family's fixture through the user's commands: `translate` (both backends), `bench`,
`corpus add`, and the families suite offline, filed under its real hub ids in a model store."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
ARTICLE = DATA / "article.ar.txt"
FAMILIES = ["nllb", "m2m100", "mbart", "marian-multi"]
runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")


def _models(model: Path) -> list[str]:
    return ["--model", f"en={model}", "--model", f"ru={model}"]


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("family", FAMILIES)
def test_translate_an_article_with_one_multilingual_model(family_models, expected, tmp_path,
                                                          family, backend):
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    result = runner.invoke(app, ["translate", str(ARTICLE), "-o", str(tmp_path), "--backend",
                                 backend, "-q", *_models(family_models[family])])
    assert result.exit_code == 0, result.output
    for lang in ("en", "ru"):
        text = (tmp_path / f"article.{lang}.txt").read_text(encoding="utf-8")
        assert text == "\n\n".join(expected[lang]) + "\n"


@pytest.mark.parametrize("family", FAMILIES)
def test_bench_scores_every_family_100(family_models, fixture_pairs, tmp_path, family):
    result = runner.invoke(app, [
        "bench", *_models(family_models[family]), "--testset", str(DATA / "pairs.ar-en.tsv"),
        "--testset", str(DATA / "pairs.ar-ru.tsv"), "-o", str(tmp_path / "run"),
        "--history", str(tmp_path / "h.jsonl"), "--no-speed", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "quality.json").read_text(encoding="utf-8"))
    assert {r["pair"]: r["scores"]["BLEU"]["score"] for r in report["quality"]["rows"]} == \
        pytest.approx({"ar-en": 100.0, "ar-ru": 100.0})


@pytest.mark.parametrize("family", FAMILIES)
def test_corpus_add_with_every_family(family_models, expected, tmp_path, family):
    refs = {}
    for lang in ("en", "ru"):  # references the model agrees with, paragraph by paragraph
        refs[lang] = tmp_path / f"ref.{lang}.txt"
        refs[lang].write_text("\n\n".join(expected[lang]) + "\n", encoding="utf-8")
    db = tmp_path / "corpus.sqlite"
    result = runner.invoke(app, ["corpus", "add", str(ARTICLE), "--db", str(db),
                                 "--ref", f"en={refs['en']}", "--ref", f"ru={refs['ru']}",
                                 "--method", "bleu", *_models(family_models[family])])
    assert result.exit_code == 0, result.output
    assert "added" in result.output
    out = tmp_path / "units.jsonl"
    result = runner.invoke(app, ["corpus", "export", "--db", str(db), "--pair", "ar-en",
                                 "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    units = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # the model's own translation of every unit, kept beside the reference
    assert " ".join(u["scores"]["ar-en"]["mt"] for u in units) == " ".join(expected["en"])


# --- the families suite, offline -----------------------------------------------------------------
def _stand_ins():
    spec = importlib.util.spec_from_file_location("families_fixtures",
                                                  ROOT / "eval" / "families_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fixture_store(fixture_models, fixture_pivot_model, zle_model, family_models,
                  tmp_path_factory, monkeypatch_module) -> Path:
    """A model store holding a fixture under each of the families suite's hub ids."""
    module = _stand_ins()
    all_three = (("ar", "en"), ("ar", "ru"), ("en", "ru"))
    built = {("marian", (("ar", "en"),)): fixture_models["en"],
             ("marian", (("ar", "ru"),)): fixture_models["ru"],
             ("marian", (("en", "ru"),)): fixture_pivot_model,
             ("marian-multi", (("en", "ru"),)): zle_model,
             ("nllb", all_three): family_models["nllb"],
             ("m2m100", all_three): family_models["m2m100"]}
    store = tmp_path_factory.mktemp("fixture-store")
    module.file_under_ids(store, built)
    monkeypatch_module.setenv("TARJAMA_MODELS", str(store))
    return store


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_families_suite_runs_offline_on_the_fixtures(fixture_store, tmp_path):
    result = runner.invoke(app, [
        "bench", "--suite", str(ROOT / "eval" / "suites" / "families.toml"),
        "--testset", str(DATA / "pairs.ar-en.tsv"), "--testset", str(DATA / "pairs.ar-ru.tsv"),
        "-o", str(tmp_path / "run"), "--history", str(tmp_path / "h.jsonl"), "--no-speed",
        "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "quality.json").read_text(encoding="utf-8"))
    rows = {(r["pair"], r["system"], r["route"]): r for r in report["quality"]["rows"]}
    assert set(rows) == {
        ("ar-en", s, "direct") for s in
        ("opus-mt", "opus-mt-tc-big", "nllb-200-distilled-600M", "m2m100-418M")} | {
        ("ar-ru", s, "direct") for s in ("opus-mt", "nllb-200-distilled-600M", "m2m100-418M")
    } | {("ar-ru", s, "pivot-en") for s in
         ("opus-mt", "opus-mt-tc-big", "nllb-200-distilled-600M", "m2m100-418M")}
    assert all(r["scores"]["BLEU"]["score"] == pytest.approx(100.0) for r in rows.values())
    assert report["baseline"] == "opus-mt"
    for (pair, system, route), r in rows.items():
        sig = r["significance"]
        if system == "opus-mt" and route == "direct":
            assert sig["is_baseline"]
        else:  # the same score as the baseline: nothing to tell apart
            assert sig["baseline"] == f"pairs.{pair}|{pair}|opus-mt|direct"
            assert sig["scores"]["BLEU"]["p_bootstrap"] == 1.0
    models = {r["models"][0]["model"] for r in rows.values()}
    assert "facebook/nllb-200-distilled-600M" in models  # the hub id, not a fixture path
    assert {p["model"] for p in report["quality"]["published"]} >= {
        "facebook/nllb-200-distilled-600M", "Helsinki-NLP/opus-mt-tc-big-ar-en"}


def test_speed_and_memory_per_model(fixture_store, tmp_path):
    pytest.importorskip("ctranslate2")
    result = runner.invoke(app, [
        "bench", "-m", "en=Helsinki-NLP/opus-mt-ar-en", "-m",
        "en=facebook/nllb-200-distilled-600M", "--testset", str(DATA / "pairs.ar-en.tsv"),
        "--backend", "ctranslate2", "--speed", "-o", str(tmp_path / "run"),
        "--history", str(tmp_path / "h.jsonl"), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "quality.json").read_text(encoding="utf-8"))
    speed = {m["model"]: m for m in report["speed"]["models"]}
    assert set(speed) == {"Helsinki-NLP/opus-mt-ar-en", "facebook/nllb-200-distilled-600M"}
    for m in speed.values():
        assert m["backend"] == "ctranslate2" and m["tok_s"] > 0 and m["output_tokens"] > 0
        assert m["seed_e2e_s"] >= m["load_s"] > 0
        assert 0 < m["latency_p50_s"] <= m["latency_p95_s"]
        assert m["peak_rss_mb"] > 0 and m["disk_mb"] > 0 and m["weights_mb"] > 0
    md = (tmp_path / "run" / "quality.md").read_text(encoding="utf-8")
    assert "## Speed and memory, per model" in md and "peak RSS MB" in md
    history = json.loads((tmp_path / "h.jsonl").read_text(encoding="utf-8"))
    assert set(history["speed"]) == {"ar-en|Helsinki-NLP/opus-mt-ar-en",
                                     "ar-en|facebook/nllb-200-distilled-600M"}


@pytest.mark.parametrize("family", FAMILIES)
def test_translate_lines_with_every_family(family_models, direction_pairs, family):
    """One line in, one line out, blank lines kept: the filter mode with any family."""
    pairs = direction_pairs[("ar", "ru")][:6]
    source = "\n".join([pairs[0][0], "", *(a for a, _ in pairs[1:])]) + "\n"
    result = runner.invoke(app, ["translate", "--lines", "-", "--to", "ru", "-q",
                                 "-m", f"ru={family_models[family]}"], input=source)
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n") == [pairs[0][1], "", *(r for _, r in pairs[1:]), ""]


# --- refusals, as the user sees them ------------------------------------------------------------
def _unloadable_copy(model: Path, where: Path) -> Path:
    """The model with its weights replaced by junk: loading them would fail differently."""
    import shutil

    shutil.copytree(model, where)
    for weights in where.glob("*.safetensors"):
        weights.write_bytes(b"not weights")
    return where


def test_marian_ar_en_asked_for_ru_is_refused_before_loading(fixture_models, tmp_path):
    model = _unloadable_copy(fixture_models["en"], tmp_path / "opus-mt-ar-en")
    result = runner.invoke(app, ["translate", str(ARTICLE), "--to", "ru", "-m", f"ru={model}",
                                 "--backend", "transformers", "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tarjama: error: ")
    assert "translates ar→en" in result.stderr and "not ar→ru" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_unsupported_model_type_is_one_line_listing_the_families(tmp_path):
    (tmp_path / "t5").mkdir()
    (tmp_path / "t5" / "config.json").write_text(json.dumps({"model_type": "t5"}))
    result = runner.invoke(app, ["translate", str(ARTICLE), "--to", "en",
                                 "-m", f"en={tmp_path / 't5'}"])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "'t5'" in result.stderr
    for family in ("marian", "m2m_100", "mbart"):
        assert family in result.stderr
