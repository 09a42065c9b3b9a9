"""The CTranslate2 backend: same outputs as transformers, conversion, `auto`, decoding limits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("ctranslate2")

from translate.cli import app
from translate.engines.ct2 import Ct2Options, CTranslate2Engine
from translate.engines.hf import TransformersEngine
from translate.engines.select import auto_backend
from translate.models.convert import conversion_dir, ensure_converted, read_meta
from translate.models.store import resolve
from translate.values import DecodeOptions

runner = CliRunner()
LANGS = ["en", "ru"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A private model store for the module: conversions land here, never in the user's."""
    path = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TARJAMA_MODELS", str(path))
        yield path


@pytest.fixture(scope="module")
def converted(store, fixture_models) -> dict[str, Path]:
    return {lang: ensure_converted(resolve(str(p))) for lang, p in fixture_models.items()}


def _engine(cls, model_dir: Path, lang: str, **options):
    ct2 = {k: options.pop(k) for k in list(options) if k in Ct2Options.__dataclass_fields__}
    backend = Ct2Options(**ct2) if cls is CTranslate2Engine else None
    return cls(resolve(str(model_dir)), "ar", lang, DecodeOptions(**options), backend)


@pytest.mark.parametrize("lang", LANGS, ids=["ar-en", "ar-ru"])
@pytest.mark.parametrize("backend", [TransformersEngine, CTranslate2Engine],
                         ids=["transformers", "ctranslate2"])
def test_backends_reproduce_every_training_pair(fixture_models, fixture_pairs, converted, lang,
                                                backend):
    sources = [s for s, _ in fixture_pairs[lang]]
    expected = [t for _, t in fixture_pairs[lang]]
    engine = _engine(backend, fixture_models[lang], lang)
    hyps = engine.translate_detailed(sources)
    assert [h.text for h in hyps] == expected
    assert not any(h.hit_limit or h.error for h in hyps)


@pytest.mark.parametrize("text", [
    "قال وزير الخارجية إن المحادثات ستستأنف.",
    "وَقَّعَ الْبَلَدَانِ اتِّفَاقِيَّةً",  # harakat
    "ارتفعت بنسبة ٣٫٥ في المئة و 3.5 %",  # both digit systems
    "Лавров  прибыл   в Москву",  # Cyrillic the source model never saw: <unk> pieces
    "  مسافات في البداية والنهاية  ",
], ids=["plain", "diacritics", "digits", "unseen-cyrillic", "spaces"])
def test_ct2_source_tokens_match_marian_tokenizer(fixture_models, converted, text):
    from transformers import MarianTokenizer

    tok = MarianTokenizer.from_pretrained(str(fixture_models["en"]))
    engine = _engine(CTranslate2Engine, fixture_models["en"], "en")
    vocab = json.loads((fixture_models["en"] / "vocab.json").read_text(encoding="utf-8"))
    ids = [vocab.get(p, vocab["<unk>"]) for p in engine.encode(text)]
    assert ids == tok(text)["input_ids"]


@pytest.mark.parametrize("backend", [TransformersEngine, CTranslate2Engine],
                         ids=["transformers", "ctranslate2"])
def test_hypothesis_at_decoding_limit_is_flagged(fixture_models, fixture_pairs, converted,
                                                 backend):
    source, target = fixture_pairs["en"][0]
    cut = _engine(backend, fixture_models["en"], "en", max_decoding_length=3)
    (hyp,) = cut.translate_detailed([source])
    assert hyp.hit_limit and hyp.tokens == 3
    assert hyp.text != target and target.startswith(hyp.text.split()[0])
    (full,) = _engine(backend, fixture_models["en"], "en").translate_detailed([source])
    assert not full.hit_limit and full.text == target


def test_convert_refuses_overwrite_then_forces(fixture_models, store, tmp_path):
    out = tmp_path / "fx-en-ct2"
    first = runner.invoke(app, ["models", "convert", str(fixture_models["en"]), "--out", str(out)])
    assert first.exit_code == 0, first.output
    for name in ("model.bin", "source.spm", "target.spm", "vocab.json", "tarjama.json"):
        assert (out / name).is_file(), name
    assert (out / "source.spm").read_bytes() == (fixture_models["en"] / "source.spm").read_bytes()
    stamp = (out / "model.bin").stat().st_mtime_ns

    again = runner.invoke(app, ["models", "convert", str(fixture_models["en"]), "--out", str(out)])
    assert again.exit_code == 2
    assert "--force" in again.output and "Traceback" not in again.output
    assert (out / "model.bin").stat().st_mtime_ns == stamp  # untouched

    forced = runner.invoke(app, ["models", "convert", str(fixture_models["en"]), "--out",
                                 str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left
    # The converted directory is a model of its own: it loads and keeps the readable id.
    assert resolve(str(out)).is_ct2 and resolve(str(out)).model_id == \
        resolve(str(fixture_models["en"])).model_id


def test_conversion_records_its_family(converted):
    assert read_meta(converted["en"])["model_type"] == "marian"
    kept = json.loads((converted["en"] / "marian_config.json").read_text(encoding="utf-8"))
    assert kept["model_type"] == "marian"  # the family's config, beside CTranslate2's own


def test_convert_default_goes_to_store(fixture_models, store):
    result = runner.invoke(app, ["models", "convert", str(fixture_models["ru"]), "--force"])
    assert result.exit_code == 0, result.output
    target = conversion_dir(resolve(str(fixture_models["ru"])))
    assert target.is_relative_to(store) and (target / "model.bin").is_file()


def test_retrained_model_gets_a_new_conversion(fixture_models, store, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(fixture_models["en"], model)
    before = ensure_converted(resolve(str(model)))
    cfg = json.loads((model / "generation_config.json").read_text(encoding="utf-8"))
    cfg["tarjama_note"] = "retrained"  # any change to the files is a different model
    (model / "generation_config.json").write_text(json.dumps(cfg), encoding="utf-8")
    after = ensure_converted(resolve(str(model)))
    assert after != before
    assert read_meta(after)["source_fingerprint"] == resolve(str(model)).fingerprint()
    assert ensure_converted(resolve(str(model))) == after  # reused, not converted again


@pytest.mark.parametrize("case, installed, expected", [
    ("marian-dir", True, "ctranslate2"),
    ("ct2-dir", True, "ctranslate2"),
    ("no-model-type", True, "transformers"),
    ("marian-dir", False, "transformers"),
], ids=["marian-convertible", "converted", "undeclared-family", "no-ctranslate2"])
def test_auto_backend_rule(fixture_models, converted, tmp_path, monkeypatch, case, installed,
                           expected):
    monkeypatch.setattr("translate.engines.select.ct2_available", lambda: installed)
    model = {"marian-dir": fixture_models["en"], "ct2-dir": converted["en"],
             "no-model-type": tmp_path / "m"}[case]
    if case == "no-model-type":  # Marian files, but a config that names no family
        shutil.copytree(fixture_models["en"], model)
        config = json.loads((model / "config.json").read_text(encoding="utf-8"))
        del config["model_type"]
        (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert auto_backend(resolve(str(model))) == expected


def test_engine_loads_weights_only_when_needed(fixture_models, converted):
    engine = _engine(CTranslate2Engine, fixture_models["en"], "en")
    assert engine.translate_detailed(["", "  "]) and not engine.loaded
    assert engine.count_tokens("قال وزير الخارجية") > 1 and not engine.loaded
    engine.translate(["قال وزير الخارجية"])
    assert engine.loaded and engine.stats.load_seconds > 0


@pytest.mark.parametrize("lang", LANGS, ids=["ar-en", "ar-ru"])
def test_vmap_learnt_from_the_pairs_keeps_every_translation(fixture_models, fixture_pairs,
                                                            store, tmp_path, lang):
    from translate.models.convert import build_vmap, convert_ref

    model = fixture_models[lang]
    text = build_vmap(fixture_pairs[lang], model / "source.spm", model / "target.spm",
                      per_source=20, common=10)
    assert text.startswith("\t") and len(text.splitlines()) > 10
    vmap = tmp_path / "vmap.txt"
    vmap.write_text(text, encoding="utf-8")
    out = convert_ref(resolve(str(model)), tmp_path / "ct2-vmap", vmap=vmap)
    assert (out / "vmap.txt").is_file()
    engine = _engine(CTranslate2Engine, out, lang, use_vmap=True)
    assert engine.translate([s for s, _ in fixture_pairs[lang]]) == \
        [t for _, t in fixture_pairs[lang]]
