"""`tarjama bench --speed` on tiny fixture models: the outputs exist and compare like with like."""

from __future__ import annotations

import json

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
        "bench", "--speed", "--model", f"en={fixture_models['en']}",
        "--model", f"ru={fixture_models['ru']}", "--engines", "naive,ct2-int8,ct2-int8-vmap",
        "--large", "3", "--slow-large", "2", "--forced-tokens", "4", "--threads", "1",
        "-o", str(out), "--name", "tiny"])
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
    (["bench", "--speed", "--engines", "warp-drive"], "warp-drive"),
    (["bench", "--speed", "--model", "fr=/nowhere"], "en=DIR"),
], ids=["unknown-engine", "bad-language"])
def test_speed_bench_usage_errors(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output
