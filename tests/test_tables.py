"""Tables at a terminal's width: a number or an id is never cut, whatever the width.

At 80 columns `tarjama bench` showed BLEU as "10…" and `models list` ran past 200 columns:
here every table is rendered at 80 and 120 columns and every number of every cell must be on
the screen whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.tables import blocks, plain_table, tsv

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"[-+]?\d[\d.,]*")
runner = CliRunner()

HEADER = ["test set", "pair", "system", "model", "BLEU (±95% CI)", "chrF2 (±95% CI)", "Δ (p)"]
ROWS = [
    ["ntrex128", "ar-en", "opus-mt", "Helsinki-NLP/opus-mt-tc-big-ar-en", "10.35 ± 0.91",
     "41.27 ± 0.60", "+0.12 (0.0123)"],
    ["ntrex128", "ar-ru", "nllb", "facebook/nllb-200-distilled-600M", "18.30 ± 1.02",
     "46.40 ± 0.71", "−1.20 (0.0010)"],
    ["قال الوزير", "ar-ru", "Лавров сказал", "facebook/m2m100_418M", "9.04 ± 0.80",
     "38.10 ± 0.52", "—"],
]
LONG = [*ROWS[0][:3], "a model whose description runs on for many words " * 3, *ROWS[0][4:]]


def numbers(cells: list[str]) -> list[str]:
    return [n for cell in cells for n in NUMBER.findall(cell)]


def tokens(text: str) -> set[str]:
    return {t for line in text.splitlines() for t in NUMBER.findall(line)}


@pytest.mark.parametrize("width", [80, 120, 200, 40])
@pytest.mark.parametrize("rows", [ROWS, [*ROWS, LONG]], ids=["scores", "with-a-long-word-cell"])
def test_no_number_is_cut_at_any_width(rows, width):
    shown = plain_table(HEADER, rows, width=width)
    missing = [n for n in numbers([c for r in rows for c in r]) if n not in tokens(shown)]
    assert not missing, f"cut at {width} columns: {missing}\n{shown}"
    ids = [r[3] for r in rows if " " not in r[3]]
    assert all(i in shown.split() for i in ids), shown  # ids are never wrapped


@pytest.mark.parametrize("width", [80, 120])
def test_a_table_that_fits_stays_a_table_within_the_width(width):
    shown = plain_table(HEADER[:2] + HEADER[4:5], [[r[0], r[1], r[4]] for r in ROWS],
                        width=width)
    assert shown.splitlines()[0].split() == ["test", "set", "pair", "BLEU", "(±95%", "CI)"]
    assert all(len(line) <= width for line in shown.splitlines())


def test_word_columns_wrap_before_numbers_are_touched():
    shown = plain_table(HEADER[3:5], [[LONG[3], LONG[4]]], width=60)
    assert all(len(line) <= 60 for line in shown.splitlines())
    assert "10.35 ± 0.91" in shown  # the number column kept whole on one line


def test_too_narrow_for_a_table_gives_one_block_per_row():
    shown = plain_table(HEADER, ROWS, width=80)
    assert shown == blocks(HEADER, ROWS, 80)
    assert "model            Helsinki-NLP/opus-mt-tc-big-ar-en" in shown
    assert shown.count("\n\n") == len(ROWS) - 1


def test_tsv_is_one_row_a_line_with_a_header():
    text = tsv(HEADER, [[*ROWS[2][:-1], "a\tb\nc"]])
    lines = text.splitlines()
    assert lines[0].split("\t") == HEADER and lines[1].split("\t")[-1] == "a b c"
    assert lines[1].split("\t")[0] == "قال الوزير"


@pytest.mark.parametrize("width", ["80", "120"])
def test_models_list_shows_every_id_and_number_at_the_width(width):
    from translate.cli import app

    data = json.loads(runner.invoke(app, ["models", "list", "-f", "json"]).output)
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": width})
    assert result.exit_code == 0, result.output
    words = set(result.output.split())
    for model in data:
        assert model["model_id"] in words
        for score in model["scores"]:
            assert f"{score['bleu']:.1f}," in words and f"{score['chrf']:.1f}" in words
    table_lines = result.output.split("\n[1]")[0].splitlines()
    assert max(len(line) for line in table_lines) <= int(width)


def test_models_list_tsv_for_scripts():
    from translate.cli import app

    result = runner.invoke(app, ["models", "list", "-f", "tsv"])
    header, *rows = result.output.splitlines()
    assert header.split("\t")[0] == "model" and len(header.split("\t")) == 6
    assert all(len(r.split("\t")) == 6 for r in rows)
    assert "Helsinki-NLP/opus-mt-ar-en" in [r.split("\t")[0] for r in rows]


@pytest.mark.parametrize("width", ["80", "120"])
def test_bench_report_never_cuts_a_score(width, monkeypatch):
    from translate.bench.quality_report import table_rows
    from translate.cli.bench import report_text

    report = json.loads((ROOT / "eval/results/fixtures/quality.json").read_text("utf-8"))
    monkeypatch.setenv("COLUMNS", width)
    shown = report_text(report, "text")
    _, cells = table_rows(report)
    assert not [n for n in numbers([c for r in cells for c in r]) if n not in tokens(shown)]
    assert "…" not in shown
    assert report_text(report, "tsv").splitlines()[1].split("\t") == cells[0]
    assert json.loads(report_text(report, "json"))["run_id"] == report["run_id"]
