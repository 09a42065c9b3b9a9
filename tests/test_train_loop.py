"""The loop offline, with data the repository ships: a base overfit on pairs A
(tests/data/pairs.ar-en.tsv) whose tokenizers also learned B's text (`--vocab-from`, B = the seed
article's pairs, tests/data/seed_pairs.ar-en.tsv); B written as articles → `corpus add` →
`corpus split` → `train --bench`. eval/train/ runs the same loop on NTREX at a larger size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.models.fixture import read_pairs_tsv

DATA = Path(__file__).resolve().parent / "data"
runner = CliRunner()
pytestmark = pytest.mark.slow  # builds a base model and trains it: about a minute on 2 cores


@pytest.fixture(scope="module")
def pairs_b() -> list[tuple[str, str]]:
    return read_pairs_tsv(DATA / "seed_pairs.ar-en.tsv")


@pytest.fixture(scope="module")
def wide_base(tmp_path_factory, pairs_b) -> Path:
    out = tmp_path_factory.mktemp("base") / "base"
    result = runner.invoke(app, [
        "models", "fixture", "overfit", "--pairs", str(DATA / "pairs.ar-en.tsv"), "-o", str(out),
        "--vocab-from", f"ar={_lines(out.parent / 'b.ar', [a for a, _ in pairs_b])}",
        "--vocab-from", f"en={_lines(out.parent / 'b.en', [e for _, e in pairs_b])}", "-q"])
    assert result.exit_code == 0, result.output
    return out


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{x}\n" for x in lines), "utf-8")
    return path


@pytest.mark.parametrize("side,spm", [(0, "source.spm"), (1, "target.spm")], ids=["ar", "en"])
def test_vocab_from_gives_pieces_for_text_beyond_the_pairs(wide_base, fixture_models, pairs_b,
                                                           side, spm):
    """Without it (the fixture of the same pairs), B's text has <unk>s."""
    import sentencepiece

    narrow = fixture_models["en"]
    texts = [p[side] for p in pairs_b]
    unknown = {}
    for name, model in (("wide", wide_base), ("narrow", narrow)):
        sp = sentencepiece.SentencePieceProcessor(model_file=str(model / spm))
        unknown[name] = sum(ids.count(sp.unk_id()) for ids in sp.encode(texts))
    assert unknown["wide"] == 0 and unknown["narrow"] > 10, unknown
    assert "more sentences" in (wide_base / "README.md").read_text("utf-8")


def test_vocab_from_a_language_the_model_lacks_is_refused(tmp_path):
    ru = _lines(tmp_path / "x.ru", ["Министр обсудил энергетику."])
    result = runner.invoke(app, ["models", "fixture", "overfit", "--pairs",
                                 str(DATA / "pairs.ar-en.tsv"), "-o", str(tmp_path / "m"),
                                 "--vocab-from", f"ru={ru}"])
    assert result.exit_code == 2 and "ru" in result.output and not (tmp_path / "m").exists()


def test_corpus_split_train_bench(wide_base, tmp_path, pairs_b):
    """B's 28 pairs as 4 articles of 7 paragraphs; 2 train, 1 dev, 1 test."""
    for k in range(4):
        chunk = pairs_b[7 * k:7 * (k + 1)]
        for lang, side in (("ar", 0), ("en", 1)):
            (tmp_path / f"a{k}.{lang}.txt").write_text("\n\n".join(p[side] for p in chunk) + "\n",
                                                       "utf-8")
        added = runner.invoke(app, ["corpus", "add", str(tmp_path / f"a{k}.ar.txt"), "-r",
                                    f"en={tmp_path / f'a{k}.en.txt'}", "--db",
                                    str(tmp_path / "c.sqlite"), "-m", f"en={wide_base}",
                                    "--method", "length", "--backend", "transformers", "-q"])
        assert added.exit_code == 0, added.output
    split = runner.invoke(app, ["corpus", "split", "--db", str(tmp_path / "c.sqlite"), "-o",
                                str(tmp_path / "split"), "--test-articles", "1",
                                "--dev-articles", "1", "-f", "json"])
    assert split.exit_code == 0, split.output
    manifest = json.loads(split.stdout)
    assert manifest["splits"]["train"]["articles"] == 2 and manifest["splits"]["train"]["pairs"]
    out = tmp_path / "tuned"
    trained = runner.invoke(app, [
        "train", "--train", str(tmp_path / "split"), "-m", f"ar-en={wide_base}", "-o", str(out),
        "--epochs", "40", "--batch-size", "4", "--lr", "3e-3", "--threads", "2", "--bench",
        "--bench-testset", str(DATA / "pairs.ar-en.tsv")])
    assert trained.exit_code == 0, trained.output
    report = json.loads((tmp_path / "tuned.bench" / "quality.json").read_text("utf-8"))
    rows = {(r["testset"], r["system"]): r for r in report["quality"]["rows"]}
    systems = {s for _, s in rows}
    assert systems == {"base", "tuned"}
    assert {t for t, _ in rows} == {"test/test", "pairs.ar-en"}
    bleu = {k: r["scores"]["BLEU"]["score"] for k, r in rows.items()}
    assert bleu[("pairs.ar-en", "base")] == pytest.approx(100.0)  # the base reproduces A
    tuned_a = rows[("pairs.ar-en", "tuned")]
    assert tuned_a["significance"] is not None  # forgetting, with its p-values
    # the train split's own lines: far above the base
    from translate.fsio import read_lines
    from translate.score import score_corpus

    refs = [read_lines(tmp_path / "split" / "train" / "train.en")]
    scores = {}
    for name, model in (("base", wide_base), ("tuned", out)):
        done = runner.invoke(app, ["translate", "--lines", str(tmp_path / "split" / "train" /
                                   "train.ar"), "--to", "en", "-m", f"en={model}", "-q"])
        assert done.exit_code == 0, done.output
        scores[name] = score_corpus(done.stdout.splitlines(), refs)[0].score
    assert scores["tuned"] > scores["base"] + 30, scores
