"""Model families: NLLB-200, M2M100, mBART-50 and multi-target OPUS-MT beside Marian.

Each family's fixture is in that family's hub layout, chosen by its config (and, for m2m_100, by
its tokenizer), tokenised by its adapter, and reproduces its training pairs exactly through both
backends; a model is refused, before any loading, for a language it lacks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from translate.engines.hf import TransformersEngine
from translate.errors import UsageError
from translate.models.adapters import adapter_for, families
from translate.models.adapters.m2m100 import M2M100Adapter, NllbAdapter
from translate.models.adapters.marian import MarianAdapter
from translate.models.adapters.mbart import MBart50Adapter
from translate.models.layouts import LAYOUTS, NllbLayout
from translate.models.store import resolve

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

FAMILY_DIRECTIONS = {
    "nllb": [("ar", "en"), ("ar", "ru"), ("en", "ru")],
    "m2m100": [("ar", "en"), ("ar", "ru"), ("en", "ru")],
    "mbart": [("ar", "en"), ("ar", "ru")],
    "marian-multi": [("ar", "en"), ("ar", "ru")],
}
DATA = Path(__file__).resolve().parent / "data"
CASES = [(f, d) for f, dirs in FAMILY_DIRECTIONS.items() for d in dirs]
CASE_IDS = [f"{f}-{s}-{t}" for f, (s, t) in CASES]


@pytest.mark.parametrize(("family", "adapter", "codes"), [
    ("nllb", NllbAdapter, ("arb_Arab", "eng_Latn", "rus_Cyrl")),
    ("m2m100", M2M100Adapter, ("__ar__", "__en__", "__ru__")),
    ("mbart", MBart50Adapter, ("ar_AR", "en_XX", "ru_RU")),
    ("marian-multi", MarianAdapter, (">>eng<<", ">>rus<<")),
], ids=["nllb", "m2m100", "mbart", "marian-multi"])
def test_layout_is_the_hub_one_and_picks_its_adapter(family_models, family, adapter, codes):
    d = family_models[family]
    assert sorted(p.name for p in d.iterdir() if not p.name.startswith(".")) == \
        sorted(LAYOUTS[family].files)
    assert type(adapter_for(d)) is adapter
    config = json.loads((d / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == {"nllb": "m2m_100", "m2m100": "m2m_100", "mbart": "mbart",
                                    "marian-multi": "marian"}[family]
    hf = adapter_for(d).transformers_tokenizer(adapter_for(d).tokenizer("ar", "en"))
    vocab = hf.get_vocab()
    assert all(code in vocab for code in codes)
    # dense ids within the model's vocabulary: CTranslate2 maps its vocabulary by position
    assert max(vocab.values()) < config["vocab_size"]


@pytest.mark.parametrize(("family", "src", "prefix"), [
    ("nllb", "arb_Arab", "rus_Cyrl"), ("m2m100", "__ar__", "__ru__"),
    ("mbart", "ar_AR", "ru_RU"), ("marian-multi", ">>rus<<", None),
], ids=["nllb", "m2m100", "mbart", "marian-multi"])
def test_source_and_target_language_tokens(family_models, family, src, prefix):
    text = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."
    engine = TransformersEngine(resolve(str(family_models[family])), "ar", "ru")
    tokens = engine.tokenizer.encode(text)
    assert tokens[0] == src and tokens[-1] == "</s>"
    assert engine.tokenizer.target_prefix == ([prefix] if prefix else None)
    assert engine.count_tokens(text) == len(tokens)
    # one set of weights, two directions: they never share a cache entry
    other = TransformersEngine(resolve(str(family_models[family])), "ar", "en")
    assert engine.decoding_key() != other.decoding_key()
    assert not engine.loaded and not other.loaded


@pytest.mark.parametrize(("family", "direction"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_both_backends_reproduce_every_pair(family_models, direction_pairs, family, direction,
                                            backend):
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    from translate.engines import load_engine

    pairs = direction_pairs[direction]
    engine = load_engine(str(family_models[family]), *direction, backend=backend)
    hyps = engine.translate_detailed([s for s, _ in pairs])
    assert [h.text for h in hyps] == [t for _, t in pairs]
    assert not any(h.hit_limit or h.error for h in hyps)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_one_model_for_both_directions_is_resolved_and_loaded_once(family_models, expected,
                                                                   backend):
    """`-m en=NLLB -m ru=NLLB`: one resolution, one copy of the weights for both directions."""
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    from translate.engines import loaded_weights
    from translate.pipeline import load_engines, make_plan, translate_articles
    from translate.segment import segment_text

    model = family_models["nllb"]
    plan = make_plan(["en", "ru"], {"en": str(model), "ru": str(model)}, backend=backend)
    engines = load_engines(plan)
    art = segment_text((DATA / "article.ar.txt").read_text(encoding="utf-8"))
    translate_articles([art], plan, engines)
    for lang in ("en", "ru"):
        assert [b.translation(lang) for b in art.translatable_blocks] == expected[lang]
    en, ru = engines[("ar", "en")], engines[("ar", "ru")]
    assert en.ref is ru.ref and en.loaded and ru.loaded
    weights = {id(e.model if backend == "transformers" else e.translator) for e in (en, ru)}
    assert len(weights) == 1
    assert [k for k in loaded_weights() if k[:2] == (backend, str(en.ref.path))] == \
        [(backend, str(en.ref.path), en.weights_settings())]


@pytest.mark.parametrize("family", list(FAMILY_DIRECTIONS))
def test_segment_counts_tokens_through_the_family_adapter(family_models, family):
    from translate.segment.chunk import model_counter

    text = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."
    count = model_counter(str(family_models[family]), "ar")
    engine = TransformersEngine(resolve(str(family_models[family])), "ar", "ru")
    assert count(text) == engine.count_tokens(text) == len(engine.tokenizer.encode(text))


@pytest.mark.parametrize("family", list(FAMILY_DIRECTIONS))
def test_ctranslate2_reads_the_ids_transformers_reads(family_models, family):
    pytest.importorskip("ctranslate2")
    from translate.engines.ct2 import CTranslate2Engine
    from translate.models.convert import ensure_converted

    model = family_models[family]
    engine = CTranslate2Engine(resolve(str(ensure_converted(resolve(str(model))))), "ar", "en")
    assert type(engine.adapter) is type(adapter_for(model))  # the conversion keeps its family
    reference = adapter_for(model).tokenizer("ar", "en")
    hf = adapter_for(model).transformers_tokenizer(reference)
    for text in ["ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين.", "وَقَّعَ الْبَلَدَانِ"]:
        ids = hf(reference.source_text(text))["input_ids"]
        assert engine.encode(text) == hf.convert_ids_to_tokens(ids)


# --- what a model cannot do is refused before it is loaded ----------------------------------
def test_single_target_marian_refuses_another_language(fixture_models):
    with pytest.raises(UsageError) as e:
        TransformersEngine(resolve(str(fixture_models["en"])), "ar", "ru")
    assert "translates ar→en" in str(e.value) and "not ar→ru" in str(e.value)
    assert "\n" not in str(e.value)


def test_marian_direction_from_its_hub_name(fixture_models, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(fixture_models["en"], model)
    (model / "tokenizer_config.json").unlink()  # nothing but the id to go by
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    config["_name_or_path"] = "Helsinki-NLP/opus-mt-ar-en"
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(UsageError, match="name Helsinki-NLP/opus-mt-ar-en"):
        TransformersEngine(resolve(str(model)), "ar", "ru")
    assert TransformersEngine(resolve(str(model)), "ar", "en").pair == "ar-en"


@pytest.mark.parametrize("family", ["nllb", "m2m100", "mbart", "marian-multi"])
def test_a_language_without_a_code_is_refused(family_models, family):
    with pytest.raises(UsageError, match="'fr'"):
        TransformersEngine(resolve(str(family_models[family])), "ar", "fr")


def test_nllb_model_missing_a_declared_code_is_refused(family_models, tmp_path):
    model = tmp_path / "nllb"
    shutil.copytree(family_models["nllb"], model)
    special = json.loads((model / "special_tokens_map.json").read_text(encoding="utf-8"))
    special["additional_special_tokens"].remove("rus_Cyrl")
    (model / "special_tokens_map.json").write_text(json.dumps(special), encoding="utf-8")
    with pytest.raises(UsageError, match="no language token rus_Cyrl"):
        TransformersEngine(resolve(str(model)), "ar", "ru")
    TransformersEngine(resolve(str(model)), "ar", "en")  # the others are still there


def test_mbart25_style_model_is_refused_by_name(family_models, tmp_path):
    model = tmp_path / "mbart-cc25"
    shutil.copytree(family_models["mbart"], model)
    tok = json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))
    tok["tokenizer_class"] = "MBartTokenizer"
    (model / "tokenizer_config.json").write_text(json.dumps(tok), encoding="utf-8")
    with pytest.raises(UsageError, match="MBartTokenizer"):
        resolve(str(model))


@pytest.mark.parametrize(("files", "adapter"), [
    ({"tokenizer_config.json": {"tokenizer_class": "NllbTokenizer"}}, NllbAdapter),
    ({"tokenizer_config.json": {"tokenizer_class": "M2M100Tokenizer"}}, M2M100Adapter),
    ({"tokenizer.json": {}}, NllbAdapter),
    ({"tokenizer.json": {}, "vocab.json": {}}, M2M100Adapter),
    ({}, M2M100Adapter),
], ids=["nllb-by-class", "m2m100-by-class", "nllb-by-files", "m2m100-by-files", "nothing"])
def test_m2m_100_variant_is_told_by_its_tokenizer(tmp_path, files, adapter):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "m2m_100"}))
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content))
    assert type(adapter_for(tmp_path)) is adapter


def test_unsupported_family_lists_every_supported_one(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5"}))
    with pytest.raises(UsageError) as e:
        resolve(str(tmp_path))
    for family in ("marian", "m2m_100 (M2M100, NLLB-200)", "mbart"):
        assert family in str(e.value)
    assert str(e.value).count("\n") == 0 and len(families()) == 3


# --- shapes -------------------------------------------------------------------------------------
def test_nllb_shape_tokenizer_has_the_real_ids(tmp_path):
    """The NLLB-200-distilled-600M shape: its language codes sit at the real model's ids, and
    config.json has the real dimensions (the weights are left out: 2.5 GB)."""
    from transformers import NllbTokenizer

    layout = NllbLayout()
    shape = layout.shape("nllb-200-distilled-600M")
    texts = ["قال الوزير إن المحادثات ستستأنف.", "The minister said talks would resume."] * 20
    size = layout.write_tokenizer(tmp_path, texts, texts, [("ar", "en")], shape, 0)
    layout.write_configs(tmp_path, shape, size)
    tok = NllbTokenizer.from_pretrained(str(tmp_path))
    ids = {c: tok.convert_tokens_to_ids(c) for c in ("arb_Arab", "eng_Latn", "rus_Cyrl")}
    assert ids == {"arb_Arab": 256011, "eng_Latn": 256047, "rus_Cyrl": 256147}
    assert tok.convert_tokens_to_ids("<mask>") == 256203 and len(tok) == 256204
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert {k: config[k] for k in ("d_model", "encoder_layers", "decoder_layers",
                                   "encoder_attention_heads", "encoder_ffn_dim", "vocab_size",
                                   "max_position_embeddings", "tokenizer_class")} == {
        "d_model": 1024, "encoder_layers": 12, "decoder_layers": 12,
        "encoder_attention_heads": 16, "encoder_ffn_dim": 4096, "vocab_size": 256206,
        "max_position_embeddings": 1024, "tokenizer_class": "NllbTokenizer"}


@pytest.mark.parametrize("family", ["nllb", "m2m100", "mbart", "marian-multi"])
def test_tiny_shape_of_each_family_loads_and_translates(tmp_path, family):
    from translate.engines import load_engine
    from translate.models.fixture import build_shape
    from translate.values import DecodeOptions

    report = build_shape(tmp_path / family, family=family, shape="tiny")
    assert report["family"] == family and report["params"] > 0
    assert sorted(p.name for p in (tmp_path / family).iterdir()) == sorted(LAYOUTS[family].files)
    engine = load_engine(str(tmp_path / family), "ar", "ru", backend="transformers",
                         options=DecodeOptions(max_decoding_length=4))
    assert len(engine.translate(["قال الوزير", "ارتفعت الأسعار"])) == 2
