"""End to end on overfit fixture models: an article of known sentences comes out exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.engines import load_engine
from translate.engines.hf import TransformersEngine
from translate.models.store import resolve
from translate.pipeline import make_plan, translate_articles
from translate.segment import segment_text
from translate.values import DecodeOptions, Hypothesis

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "article.ar.txt"
runner = CliRunner()


def _models(fixture_models) -> list[str]:
    return ["--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
            "--backend", "transformers", "-q"]


@pytest.mark.parametrize("fmt, ext", [("text", "txt"), ("markdown", "md")], ids=["text", "md"])
def test_per_language_files_are_exact(fixture_models, expected, tmp_path, fmt, ext):
    result = runner.invoke(app, ["translate", str(ARTICLE), "-f", fmt, "-o", str(tmp_path),
                                 *_models(fixture_models)])
    assert result.exit_code == 0, result.output
    for lang in ("en", "ru"):
        text = (tmp_path / f"article.{lang}.{ext}").read_text(encoding="utf-8")
        assert text == "\n\n".join(expected[lang]) + "\n"
        assert "Ru En" not in text


def test_json_has_every_block_source_and_translations(fixture_models, expected, tmp_path):
    out = tmp_path / "a.json"
    result = runner.invoke(app, ["translate", str(ARTICLE), "-f", "json", "-o", str(out),
                                 *_models(fixture_models)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    blocks = data["blocks"]
    assert blocks[0]["role"] == "chrome" and "translations" not in blocks[0]
    assert [b["translations"]["en"] for b in blocks[1:]] == expected["en"]
    assert [b["translations"]["ru"] for b in blocks[1:]] == expected["ru"]
    assert all(b["source"] for b in blocks)
    assert data["meta"]["models"]["ar-en"] and data["meta"]["beam"] == 4
    assert data["meta"]["backend"] == ["transformers"]
    assert "translate_seconds" in data["meta"]["timings"]


def test_html_page_has_three_languages_with_direction(fixture_models, expected, tmp_path):
    out = tmp_path / "a.html"
    result = runner.invoke(app, ["translate", str(ARTICLE), "-f", "html", "-o", str(out),
                                 *_models(fixture_models)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<article class="lang" id="ar" lang="ar" dir="rtl">' in page
    assert '<article class="lang" id="en" lang="en" dir="ltr">' in page
    assert '<article class="lang" id="ru" lang="ru" dir="ltr">' in page
    assert "«Мы не допустим никакого вмешательства в наши внутренние дела»" in page
    assert "&quot;We will not accept any interference" in page  # escaped quotes
    assert 'href="#ru"' in page and "http" not in page.split("<body>")[1]  # self-contained


def test_one_language_goes_to_stdout(fixture_models, expected):
    result = runner.invoke(app, ["translate", str(ARTICLE), "--to", "ru",
                                 *_models(fixture_models)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "\n\n".join(expected["ru"]) + "\n"


def test_stdin_input(fixture_models, expected):
    result = runner.invoke(app, ["translate", "-", "--to", "en", *_models(fixture_models)],
                           input=ARTICLE.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == expected["en"][0]


def test_two_languages_without_output_is_usage_error(fixture_models):
    result = runner.invoke(app, ["translate", str(ARTICLE), *_models(fixture_models)])
    assert result.exit_code == 2
    assert "-o DIR" in result.output


def test_existing_output_needs_force(fixture_models, tmp_path):
    out = tmp_path / "a.json"
    out.write_text("keep me", encoding="utf-8")
    args = ["translate", str(ARTICLE), "-f", "json", "-o", str(out), *_models(fixture_models)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["blocks"]


def test_long_paragraph_without_punctuation_comes_out_complete(fixture_models, fixture_pairs):
    engine = load_engine(str(fixture_models["en"]), "ar", "en", backend="transformers")
    words = " ".join(src for src, _ in fixture_pairs["en"])
    for mark in ".؟?،,:\"%()":
        words = words.replace(mark, " ")
    paragraph = " ".join(words.split())
    while engine.count_tokens(paragraph) < 1500:
        paragraph = f"{paragraph} {paragraph}"
    art = segment_text(paragraph, count_tokens=engine.count_tokens, max_tokens=400)
    [sentence] = art.sentences()
    assert len(sentence.chunks) >= 4
    # the normaliser drops tatweel (الـ٢٤ → ال٢٤); compare with the normalised block
    assert " ".join(c.text for c in sentence.chunks).split() == art.blocks[0].text.split()
    assert len(art.blocks[0].text.split()) == len(paragraph.split())
    assert all(engine.count_tokens(c.text) <= 400 for c in sentence.chunks)
    plan = make_plan(["en"], {"en": str(fixture_models["en"])}, backend="transformers")
    translate_articles([art], plan, {("ar", "en"): engine}, checks=False)
    one_by_one = [engine.translate([c.text])[0] for c in sentence.chunks]
    assert all(one_by_one)
    assert sentence.translations["en"].text == " ".join(one_by_one)  # every chunk, in order


class _Flaky(TransformersEngine):
    """A real engine whose decoder fails on one input, as a tokenizer edge case would."""

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        if any("البورصة" in t for t in batch):
            raise RuntimeError("decoder crashed")
        return super()._generate(batch)


def test_failed_segment_is_flagged_and_others_translate(fixture_models, expected):
    engine = _Flaky(resolve(str(fixture_models["en"])), "ar", "en", DecodeOptions())
    art = segment_text(ARTICLE.read_text(encoding="utf-8"))
    plan = make_plan(["en"], {"en": str(fixture_models["en"])})
    translate_articles([art], plan, {("ar", "en"): engine}, checks=False)
    by_text = {s.text: s.translations["en"] for s in art.sentences()}
    failed = [t for t in by_text.values() if t.error]
    assert len(failed) == 1 and "decoder crashed" in failed[0].error
    assert sum(1 for t in by_text.values() if t.text and not t.error) == len(by_text) - 1
    text = art.translatable_blocks[1].translation("en")
    assert "[untranslated" in text and text.startswith("Oil prices rose by 3.5 percent")


class _Buggy(TransformersEngine):
    """A real engine with a programming error in its decoding hook."""

    error: type[Exception] = TypeError

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        raise self.error("a bug, not an input's fault")


@pytest.mark.parametrize("error", [TypeError, AttributeError, KeyError, NotImplementedError],
                         ids=["type", "attribute", "key", "not-implemented"])
def test_a_bug_in_the_engine_crashes_instead_of_flagging_segments(fixture_models, error):
    engine = _Buggy(resolve(str(fixture_models["en"])), "ar", "en", DecodeOptions())
    engine.error = error
    art = segment_text(ARTICLE.read_text(encoding="utf-8"))
    plan = make_plan(["en"], {"en": str(fixture_models["en"])})
    with pytest.raises(error):
        translate_articles([art], plan, {("ar", "en"): engine}, checks=False)


def test_pivot_via_english_translates_ar_en_ru(fixture_models, fixture_pivot_model, expected):
    result = runner.invoke(app, ["translate", str(ARTICLE), "--to", "ru", "--via", "en",
                                 "--model", f"en={fixture_models['en']}",
                                 "--model", f"en-ru={fixture_pivot_model}",
                                 "--backend", "transformers", "-q", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [b["translations"]["ru"] for b in data["blocks"][1:]] == expected["ru"]
    assert set(data["meta"]["models"]) == {"ar-en", "en-ru"}  # no direct ar→ru model used
    assert data["meta"]["via"] == "en"


def test_ctranslate2_translates_both_languages_at_once_exactly(fixture_models, expected,
                                                                tmp_path):
    """en and ru run side by side (CTranslate2 releases the GIL), each on its share of cores."""
    import os

    from translate.pipeline import load_engines

    plan = make_plan(["en", "ru"], {k: str(v) for k, v in fixture_models.items()},
                     backend="ctranslate2")
    engines = load_engines(plan)
    assert all(e.releases_gil for e in engines.values())
    assert {e.options.threads for e in engines.values()} == {max(1, (os.cpu_count() or 1) // 2)}
    art = segment_text(ARTICLE.read_text(encoding="utf-8"))
    translate_articles([art], plan, engines)
    for lang in ("en", "ru"):
        assert [b.translation(lang) for b in art.translatable_blocks] == expected[lang]
