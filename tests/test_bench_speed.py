"""`tarjama bench speed` on tiny fixture models: the outputs exist and compare like with like."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("ctranslate2")
pytest.importorskip("matplotlib")

from translate.cli import app

runner = CliRunner()


def test_speed_bench_writes_json_table_and_chart(fixture_models, tmp_path, monkeypatch):
    monkeypatch.setenv("TARJAMA_MODELS", str(tmp_path / "store"))
    out = tmp_path / "results"
    result = runner.invoke(app, [
        "bench", "speed", "--model", f"en={fixture_models['en']}",
        "--model", f"ru={fixture_models['ru']}", "-e", "naive", "-e", "ct2-int8",
        "-e", "ct2-int8-vmap", "--large", "3", "--slow-large", "2", "--forced-tokens", "4",
        "--threads", "1", "-o", str(out), "--name", "tiny"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "tiny.json").read_text(encoding="utf-8"))
    rows = {r["engine"]: r for r in data["engines"]}
    assert list(rows) == ["naive", "ct2-int8", "ct2-int8-vmap"]
    # Forced lengths: every engine emits the same number of tokens for the seed article.
    n_inputs = data["workload"]["seed_units"] * 2
    assert {r["seed_tokens"] for r in rows.values()} == {4 * n_inputs}
    assert rows["naive"]["large_sentences"] == 4 and rows["ct2-int8"]["large_sentences"] == 6
    for r in rows.values():
        assert r["large_tok_s"] > 0 and r["peak_rss_mb"] > 0 and "speedup_seed_e2e" in r
    assert data["cache"]["rerun_s"] > 0 and data["machine"]["versions"]["ctranslate2"]
    table = (out / "tiny.md").read_text(encoding="utf-8")
    assert "| naive |" in table and "Cached rerun" in table
    assert (out / "tiny.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, message", [
    (["bench", "speed", "--engine", "warp-drive"], "warp-drive"),
    (["bench", "speed", "--model", "fr=/nowhere"], "en=DIR"),
], ids=["unknown-engine", "bad-language"])
def test_speed_bench_usage_errors(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output


def test_speed_bench_refuses_existing_outputs_before_measuring(tmp_path):
    (tmp_path / "speed.md").write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["bench", "speed", "--model", "en=/no/such/model",
                                 "-o", str(tmp_path)])
    assert result.exit_code == 2 and "pass --force" in result.output
    assert (tmp_path / "speed.md").read_text(encoding="utf-8") == "old"


def test_each_engine_reports_its_progress(fixture_models, tmp_path, monkeypatch):
    from translate.bench.speed import SpeedSpec, run

    monkeypatch.setenv("TARJAMA_MODELS", str(tmp_path / "store"))
    seen: dict[str, list[tuple[int, int]]] = {}
    spec = SpeedSpec(models={"en": str(fixture_models["en"]), "ru": str(fixture_models["ru"])},
                     engines=("transformers", "ct2-int8"), forced_tokens=2, threads=1,
                     large=2, slow_large=1)
    run(spec, progress=lambda label: lambda done, total: seen.setdefault(label, []).append(
        (done, total)))
    assert set(seen) == {"transformers", "ct2-int8", "ct2-int8 cached rerun"}
    for label, steps in seen.items():
        assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1] > 0, label
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_a_child_reports_its_own_peak_memory_not_its_parents():
    """Each model is measured in its own process; ru_maxrss survives exec on Linux, so a child
    of a parent holding a large model used to report the parent's peak."""
    import subprocess
    import sys

    held = bytearray(400 * 1024 * 1024)  # the parent's "model"
    code = "from translate.bench.environment import peak_rss_mb; print(peak_rss_mb())"
    child = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=Path(__file__).resolve().parents[1]).stdout)
    assert len(held) and child < 300


@pytest.mark.parametrize("layout", ["ntrex128-folder", "flat"])
def test_large_workload_comes_from_data_dir(tmp_path, layout):
    from translate.bench.measure import ntrex_lines
    from translate.bench.testsets import NTREX_FILES

    folder = tmp_path / "ntrex128" if layout == "ntrex128-folder" else tmp_path
    folder.mkdir(exist_ok=True)
    lines = {"ar": "قال الوزير.\n\nارتفعت الأسعار.\nوصل الرئيس.\n", "en": "a\nb\nc\n",
             "ru": "Министр сказал.\nЦены выросли.\nПрезидент прибыл.\n"}
    for lang, name in NTREX_FILES.items():
        (folder / name).write_text(lines[lang], encoding="utf-8")
    found = ntrex_lines(tmp_path, 2)
    assert found is not None
    assert found[0] == ["قال الوزير.", "ارتفعت الأسعار."] and "first 2 lines" in found[1]


def test_data_dir_without_ntrex_is_refused_before_measuring(tmp_path):
    result = runner.invoke(app, ["bench", "speed", "--shape", "tiny", "--data-dir",
                                 str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no NTREX-128 there" in result.output
    assert not (tmp_path / "out").exists()
