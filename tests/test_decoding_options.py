"""Decoding options an MT engineer expects (CTranslate2's names): --max-decoding-length,
--length-penalty, sampling with a seed. They change what is produced, so they are in the
translation cache key, and both backends read them the same way."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.values import DecodeOptions

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "data" / "pairs.ar-en.tsv"
runner = CliRunner()


@pytest.mark.parametrize(("change", "splits_cache"), [
    ({"max_decoding_length": 64}, True),
    ({"length_penalty": 0.6}, True),
    ({"sampling_topk": 10}, True),
    ({"sampling_topp": 0.9}, True),
    ({"sampling_temperature": 0.7}, True),
    ({"seed": 7}, False),  # without sampling a seed changes nothing
    ({"threads": 3}, False),  # speed, not output
], ids=["max-decoding-length", "length-penalty", "topk", "topp", "temperature",
        "seed-without-sampling", "threads"])
def test_decoding_options_are_in_the_cache_key(change, splits_cache):
    base = DecodeOptions()
    assert (base.decoding_key() != dataclasses.replace(base, **change).decoding_key()) \
        is splits_cache


def test_the_seed_splits_the_cache_when_sampling():
    sampling = DecodeOptions(sampling_topk=0)
    assert sampling.sampling and not DecodeOptions().sampling
    assert sampling.decoding_key() != dataclasses.replace(sampling, seed=1).decoding_key()


@pytest.fixture
def ar_lines(tmp_path) -> Path:
    path = tmp_path / "src.ar"
    path.write_text("".join(line.split("\t")[0] + "\n" for line in
                            PAIRS.read_text(encoding="utf-8").splitlines()[:4]), "utf-8")
    return path


def _run(model: Path, src: Path, *options: str) -> list[str]:
    result = runner.invoke(app, ["translate", "--lines", str(src), "-m", f"en={model}",
                                 "--no-cache", "-q", *options])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_sampling_is_seeded_and_changes_the_output(fixture_models, ar_lines, backend):
    hot = ["--backend", backend, "--sampling-topk", "0", "--sampling-temperature", "50"]
    beam = _run(fixture_models["en"], ar_lines, "--backend", backend)
    first = _run(fixture_models["en"], ar_lines, *hot, "--seed", "3")
    assert first == _run(fixture_models["en"], ar_lines, *hot, "--seed", "3")
    assert first != beam  # at temperature 50 the draw is near uniform: not the beam's output
    assert first != _run(fixture_models["en"], ar_lines, *hot, "--seed", "4")


@pytest.mark.slow
def test_both_backends_honour_length_penalty_and_max_decoding_length(fixture_models, ar_lines):
    options = ["--length-penalty", "0.2", "--max-decoding-length", "4"]
    hf = _run(fixture_models["en"], ar_lines, "--backend", "transformers", *options)
    ct2 = _run(fixture_models["en"], ar_lines, "--backend", "ctranslate2", *options)
    assert hf == ct2
    full = _run(fixture_models["en"], ar_lines, "--backend", "transformers")
    assert all(len(short) < len(whole) for short, whole in zip(hf, full, strict=True))


def test_a_suite_takes_the_decoding_options_and_refuses_misspellings(tmp_path):
    from translate.bench.suite import load_suite
    from translate.errors import UsageError

    good = tmp_path / "good.toml"
    good.write_text('[options]\nsampling_topk = 5\nseed = 2\nlength_penalty = 0.6\n'
                    'max_decoding_length = 64\n', encoding="utf-8")
    options = load_suite(good).options
    assert (options.sampling_topk, options.seed, options.length_penalty,
            options.max_decoding_length) == (5, 2, 0.6, 64)
    bad = tmp_path / "bad.toml"
    bad.write_text("[options]\nsampling_top_k = 5\n", encoding="utf-8")
    with pytest.raises(UsageError, match="sampling_top_k"):
        load_suite(bad)


@pytest.mark.parametrize("command", [["translate"], ["bench"]])
def test_translate_and_bench_take_the_same_decoding_options(command):
    shown = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
    for option in ("--max-decoding-length", "--length-penalty", "--sampling-topk",
                   "--sampling-topp", "--sampling-temperature", "--seed"):
        assert option in shown, option
