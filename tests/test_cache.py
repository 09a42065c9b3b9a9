"""The translation cache: hits skip the model, keys separate what must not be shared, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cache import TranslationCache, default_path
from translate.cli import app
from translate.engines.ct2 import Ct2Options
from translate.models.store import resolve
from translate.values import DecodeOptions, Hypothesis

runner = CliRunner()
ARTICLE = Path(__file__).parent / "data" / "article.ar.txt"


@pytest.fixture(autouse=True)
def private(tmp_path, monkeypatch):
    """The cache and model store of each test live in its own temp dir."""
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TARJAMA_MODELS", str(tmp_path.parent / "store-shared"))
    return tmp_path


def _spied(model: Path, lang: str = "en", **options) -> tuple[object, list[list[str]]]:
    """A CTranslate2 engine on the shared cache that records every batch it decodes."""
    pytest.importorskip("ctranslate2")
    from translate.engines.ct2 import CTranslate2Engine

    calls: list[list[str]] = []

    class Recording(CTranslate2Engine):
        def _generate(self, batch: list[str]) -> list[Hypothesis]:
            calls.append(list(batch))
            return super()._generate(batch)

    engine = Recording(resolve(str(model)), "ar", lang, DecodeOptions(**options))
    engine.cache = TranslationCache()
    return engine, calls


def _key(options: dict) -> dict:
    """The decoding part of a CTranslate2 engine's cache key for these options."""
    ct2 = {k: v for k, v in options.items() if k in Ct2Options.__dataclass_fields__}
    decode = {k: v for k, v in options.items() if k not in ct2}
    return {**DecodeOptions(**decode).decoding_key(), **Ct2Options(**ct2).decoding_key()}


def test_second_call_is_served_from_cache(fixture_models, fixture_pairs):
    sources = [s for s, _ in fixture_pairs["en"][:6]]
    engine, calls = _spied(fixture_models["en"])
    first = engine.translate(sources)
    assert sum(len(c) for c in calls) == len(sources)
    again, calls = _spied(fixture_models["en"])  # a new run: a new engine, the same cache file
    assert again.translate(sources) == first
    assert calls == [] and again.stats.cache_hits == len(sources) and not again.loaded


def test_only_the_changed_paragraph_is_translated(fixture_models, fixture_pairs):
    a, b, c, d = (s for s, _ in fixture_pairs["ru"][:4])
    engine, calls = _spied(fixture_models["ru"], "ru")
    engine.translate([a, b, c])
    calls.clear()
    out = engine.translate([a, d, c])
    assert calls == [[d]]
    assert out[1] == dict(fixture_pairs["ru"])[d]


@pytest.mark.parametrize("change", [
    {"beam": 2}, {"max_decoding_length": 64}, {"use_vmap": True},
], ids=["beam", "max-decoding-length", "vmap"])
def test_decoding_options_change_the_key(change):
    base = _key({})
    changed = _key(change)
    src = "قال وزير الخارجية"
    assert TranslationCache.key(("fp", "ctranslate2:int8", base), src) != \
        TranslationCache.key(("fp", "ctranslate2:int8", changed), src)


def test_ctranslate2_keys_are_those_of_earlier_caches(fixture_models):
    """Entries written before the CTranslate2-only options left DecodeOptions still hit; the
    patience (2, so CTranslate2 stops beam search as transformers does) is in the key because
    it changes the output: entries decoded with CTranslate2's old default of 1 must miss."""
    from translate.engines.ct2 import CTranslate2Engine

    engine = CTranslate2Engine(resolve(str(fixture_models["en"])), "ar", "en", DecodeOptions())
    assert engine.decoding_key() == {
        "beam": 4, "max_input_length": 400, "max_decoding_length": 512,
        "min_decoding_length": 0, "no_repeat_ngram_size": 0, "repetition_penalty": 1.0,
        "use_vmap": False, "patience": 2.0}


@pytest.mark.parametrize("change", [
    {"batch_size": 4}, {"batch_tokens": 2048}, {"threads": 1}, {"inter_threads": 2},
], ids=["batch-size", "batch-tokens", "threads", "inter-threads"])
def test_speed_only_options_share_entries(change):
    assert _key(change) == _key({})


@pytest.mark.parametrize("scope_a, scope_b", [
    (("fp1", "ctranslate2:int8"), ("fp2", "ctranslate2:int8")),
    (("fp1", "ctranslate2:int8"), ("fp1", "ctranslate2:float32")),
    (("fp1", "ctranslate2:int8"), ("fp1", "transformers")),
], ids=["model-fingerprint", "compute-type", "backend"])
def test_model_and_backend_separate_entries(scope_a, scope_b):
    opts = DecodeOptions().decoding_key()
    with TranslationCache() as cache:
        cache.put_many((*scope_a, opts), {"مرحبا": Hypothesis("Hello", tokens=2)})
        assert cache.get_many((*scope_a, opts), ["مرحبا"])["مرحبا"].text == "Hello"
        assert cache.get_many((*scope_b, opts), ["مرحبا"]) == {}


def test_retrained_model_misses(fixture_models, fixture_pairs, tmp_path):
    import shutil

    model = tmp_path / "model"
    shutil.copytree(fixture_models["en"], model)
    src = fixture_pairs["en"][0][0]
    engine, _ = _spied(model)
    engine.translate([src])
    (model / "README.md").write_text("retrained\n", encoding="utf-8")
    again, calls = _spied(model)
    again.translate([src])
    assert calls == [[src]]


@pytest.mark.parametrize("text, hyp", [
    ("لافروف في موسكو.", Hypothesis("Лавров в Москве.", tokens=5)),
    ("نص طويل جدا", Hypothesis("A very long", hit_limit=True, tokens=3)),
], ids=["russian", "hit-limit"])
def test_entries_round_trip(text, hyp):
    scope = ("fp", "ctranslate2:int8", DecodeOptions().decoding_key())
    with TranslationCache() as cache:
        cache.put_many(scope, {text: hyp})
    with TranslationCache() as cache:  # reopened: it is on disk
        got = cache.get_many(scope, [text])[text]
    assert (got.text, got.hit_limit, got.tokens) == (hyp.text, hyp.hit_limit, hyp.tokens)


@pytest.mark.parametrize("env, expected", [
    ("{tmp}/c", "{tmp}/c/translations.sqlite"),
    ("{tmp}/my.sqlite", "{tmp}/my.sqlite"),
], ids=["directory", "file"])
def test_tarjama_cache_env(monkeypatch, tmp_path, env, expected):
    monkeypatch.setenv("TARJAMA_CACHE", env.format(tmp=tmp_path))
    assert default_path() == Path(expected.format(tmp=tmp_path))


def _translate(fixture_models, out: Path, *extra: str):
    pytest.importorskip("ctranslate2")
    return runner.invoke(app, [
        "translate", str(ARTICLE), "-f", "json", "-o", str(out), "--force", "-q",
        "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
        "--backend", "ctranslate2", *extra])


def _stats() -> dict:
    result = runner.invoke(app, ["cache", "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_no_cache_bypasses_and_cli_stats_clear(fixture_models, private):
    out = private / "a.json"
    assert _translate(fixture_models, out, "--no-cache").exit_code == 0
    assert _stats()["entries"] == 0
    result = _translate(fixture_models, out)
    assert result.exit_code == 0, result.output
    stats = _stats()
    assert stats["entries"] > 0 and stats["models"] == 2
    assert stats["by_backend"] == {"ctranslate2:int8": stats["entries"]}
    first = json.loads(out.read_text(encoding="utf-8"))["blocks"]
    assert _translate(fixture_models, out).exit_code == 0  # from the cache, same article
    assert json.loads(out.read_text(encoding="utf-8"))["blocks"] == first

    text = runner.invoke(app, ["cache", "stats"])
    assert text.exit_code == 0 and f"entries:  {stats['entries']}" in text.output
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and f"removed {stats['entries']}" in cleared.output
    assert _stats()["entries"] == 0
