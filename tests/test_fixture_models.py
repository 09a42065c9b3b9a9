"""Fixture models: the opus-mt layout, exact reproduction, CTranslate2, determinism, shapes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from translate.errors import InputError, OutputExistsError, RuntimeFailure, UsageError
from translate.fsio import MARKER
from translate.models.fixture import (
    LAYOUT,
    build_shape,
    guess_lang,
    read_pairs_tsv,
    train_overfit,
)

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

LANGS = ["en", "ru"]
# Small enough to train in seconds, for tests that train their own model.
MINI_PAIRS = [
    ("صباح الخير", "Good morning"),
    ("شكراً جزيلاً", "Thank you very much"),
    ("السلام عليكم", "Peace be upon you"),
]


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """These models are tiny: a second thread only adds contention on a busy 2-core box."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(model_dir: Path):
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
    model, info = MarianMTModel.from_pretrained(str(model_dir), output_loading_info=True)
    return tokenizer, model.eval(), info


def translate_hf(model_dir: Path, sources: list[str], **generate: int) -> list[str]:
    import torch

    tokenizer, model, _ = load(model_dir)
    with torch.no_grad():
        batch = tokenizer(sources, padding=True, return_tensors="pt")
        ids = model.generate(**batch, **generate)
    return tokenizer.batch_decode(ids, skip_special_tokens=True)


def convert_ct2(model_dir: Path, out: Path) -> Path:
    import ctranslate2

    ctranslate2.converters.TransformersConverter(str(model_dir)).convert(
        str(out), quantization="int8"
    )
    return out


def translate_ct2(ct2_dir: Path, model_dir: Path, sources: list[str], **options: int) -> list[str]:
    import ctranslate2
    import sentencepiece as spm

    source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
    translator = ctranslate2.Translator(str(ct2_dir), device="cpu", intra_threads=1)
    batch = [[*source.encode(s, out_type=str), "</s>"] for s in sources]
    results = translator.translate_batch(batch, beam_size=4, **options)
    return [target.decode_pieces(r.hypotheses[0]) for r in results]


# --- the pair files ---------------------------------------------------------------------------


def test_pair_files_share_sources_in_order(fixture_pairs):
    en, ru = fixture_pairs["en"], fixture_pairs["ru"]
    assert 16 <= len(en) <= 24
    assert [s for s, _ in en] == [s for s, _ in ru]


@pytest.mark.parametrize(
    "needle",
    ["١٢٥", "3.5", '"', "\u0651"],  # Arabic-Indic digits, a decimal, a quote, shadda
    ids=["arabic-indic-digits", "decimal", "quote", "diacritics"],
)
def test_pair_files_cover_hard_cases(fixture_pairs, needle):
    assert any(needle in src for src, _ in fixture_pairs["en"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("صباح الخير\n", ":1: expected 'source<TAB>target', found 0 tabs"),
        ("أ\tb\nصباح\tالخير\tmorning\n", ":2: expected 'source<TAB>target', found 2 tabs"),
        ("أ\tb\n\t Good morning\n", ":2: empty source side"),
        ("أ\tb\n\nصباح الخير\t \n", ":3: empty target side"),
        ("\n\n", "no pairs"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
    ids=["no-tab", "two-tabs", "empty-source", "empty-target", "empty-file", "not-utf8"],
)
def test_read_pairs_tsv_rejects_malformed_lines(tmp_path, content, message):
    path = tmp_path / "pairs.tsv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        read_pairs_tsv(path)


@pytest.mark.parametrize(
    ("content", "pairs"),
    [
        ("صباح الخير\tGood morning\n", [("صباح الخير", "Good morning")]),
        ("\ufeffمرحبا\tПривет\r\n\r\nشكراً\t Спасибо \r\n",
         [("مرحبا", "Привет"), ("شكراً", "Спасибо")]),
    ],
    ids=["plain", "bom-crlf-blank-and-padding"],
)
def test_read_pairs_tsv_accepts(tmp_path, content, pairs):
    path = tmp_path / "pairs.tsv"
    path.write_text(content, encoding="utf-8")
    assert read_pairs_tsv(path) == pairs


# --- the overfit models -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_overfit_layout_is_opus_mt(fixture_models, lang):
    d = fixture_models[lang]
    # Dot files are other code's caches beside the model (e.g. a weights digest).
    assert sorted(p.name for p in d.iterdir() if not p.name.startswith(".")) == sorted(LAYOUT)
    config = json.loads((d / "config.json").read_text(encoding="utf-8"))
    generation = json.loads((d / "generation_config.json").read_text(encoding="utf-8"))
    vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    tokenizer = json.loads((d / "tokenizer_config.json").read_text(encoding="utf-8"))
    pad = len(vocab) - 1
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1 and vocab["<pad>"] == pad
    assert sorted(vocab.values()) == list(range(len(vocab)))  # dense: CTranslate2 needs it
    assert config["vocab_size"] == config["decoder_vocab_size"] == len(vocab)
    expected = {
        "model_type": "marian", "activation_function": "swish", "scale_embedding": True,
        "share_encoder_decoder_embeddings": True, "static_position_embeddings": True,
        "eos_token_id": 0, "pad_token_id": pad, "decoder_start_token_id": pad,
        "max_position_embeddings": 512, "normalize_before": False,
    }
    assert {k: config.get(k) for k in expected} == expected
    assert generation == {
        "bad_words_ids": [[pad]], "bos_token_id": 0, "decoder_start_token_id": pad,
        "eos_token_id": 0, "forced_eos_token_id": 0, "max_length": 512, "num_beams": 4,
        "pad_token_id": pad,
    }
    assert tokenizer["source_lang"] == "ar" and tokenizer["target_lang"] == lang
    assert tokenizer["model_max_length"] == 512 and tokenizer["separate_vocabs"] is False


@pytest.mark.parametrize("lang", LANGS)
def test_overfit_loads_without_missing_weights(fixture_models, lang):
    tokenizer, model, info = load(fixture_models[lang])
    assert info["missing_keys"] == set() and info["unexpected_keys"] == set()
    assert info["mismatched_keys"] == set() and not info["error_msgs"]
    assert model.generation_config.num_beams == 4
    pad = model.config.pad_token_id
    assert tokenizer.pad_token_id == pad
    assert float(model.get_input_embeddings().weight[pad].detach().abs().sum()) == 0.0


@pytest.mark.parametrize("lang", LANGS)
def test_overfit_reproduces_every_pair(fixture_models, fixture_pairs, lang):
    pairs = fixture_pairs[lang]
    assert translate_hf(fixture_models[lang], [s for s, _ in pairs]) == [t for _, t in pairs]


@pytest.mark.parametrize(
    ("lang", "needle"),
    [("en", "١٢٥"), ("en", "3.5"), ("ru", "وَقَّعَ"), ("ru", '"لن')],
    ids=["en-arabic-indic-digits", "en-decimal", "ru-diacritics", "ru-quote"],
)
def test_overfit_reproduces_one_sentence_alone(fixture_models, fixture_pairs, lang, needle):
    # Alone, so no padding in the batch: the output must not depend on batch company.
    src, tgt = next((s, t) for s, t in fixture_pairs[lang] if needle in s)
    assert translate_hf(fixture_models[lang], [src]) == [tgt]


@pytest.mark.parametrize("lang", LANGS)
def test_source_spm_keeps_every_character(fixture_models, fixture_pairs, lang):
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(fixture_models[lang] / "source.spm"))
    for src, _ in fixture_pairs[lang]:
        ids = sp.encode(src)
        assert sp.unk_id() not in ids and sp.decode(ids) == src


@pytest.mark.parametrize("lang", LANGS)
def test_overfit_converts_to_ctranslate2_with_same_outputs(
    fixture_models, fixture_pairs, tmp_path, lang
):
    d = fixture_models[lang]
    ct2 = convert_ct2(d, tmp_path / "ct2")
    vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    shared = json.loads((ct2 / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert shared == list(vocab)[:-1]  # the converter drops <pad>, the last entry
    pairs = fixture_pairs[lang]
    assert translate_ct2(ct2, d, [s for s, _ in pairs]) == [t for _, t in pairs]


# --- building ---------------------------------------------------------------------------------


@pytest.mark.slow  # trains three models
def test_training_is_deterministic_and_seeded(tmp_path):
    calls: list[tuple[int, int]] = []
    a = train_overfit(
        MINI_PAIRS, tmp_path / "a", seed=0, target_lang="en",
        progress=lambda done, total: calls.append((done, total)),
    )
    b = train_overfit(MINI_PAIRS, tmp_path / "b", seed=0, target_lang="en")
    c = train_overfit(MINI_PAIRS, tmp_path / "c", seed=1, target_lang="en")
    for name in ["model.safetensors", "source.spm", "target.spm", "vocab.json"]:
        assert sha256(tmp_path / "a" / name) == sha256(tmp_path / "b" / name), name
    weights = "model.safetensors"
    assert sha256(tmp_path / "a" / weights) != sha256(tmp_path / "c" / weights)
    assert a["steps"] == b["steps"] and a["converged_at"] is not None
    assert [done for done, _ in calls] == list(range(1, a["steps"] + 1))
    assert calls[-1] == (a["steps"], a["steps"])  # the total shrinks to the real end
    assert c["converged_at"] is not None
    assert translate_hf(tmp_path / "c", [s for s, _ in MINI_PAIRS]) == [t for _, t in MINI_PAIRS]


def test_refuses_a_folder_not_ours_even_with_force_and_replaces_its_own(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(UsageError, match="is not empty and was not made by tarjama"):
            train_overfit(MINI_PAIRS, out, force=force)
        with pytest.raises(UsageError, match="is not empty and was not made by tarjama"):
            build_shape(out, shape="tiny", force=force)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no temp dir left behind
    (out / "keep.txt").unlink()
    build_shape(out, shape="tiny")  # an empty folder is used
    with pytest.raises(OutputExistsError, match="exists; pass --force"):
        train_overfit(MINI_PAIRS, out)
    train_overfit(MINI_PAIRS, out, force=True)  # ours (it holds fsio.MARKER): replaced
    assert sorted(p.name for p in out.iterdir()) == sorted([*LAYOUT, MARKER])
    tokenizer = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert (tokenizer["source_lang"], tokenizer["target_lang"]) == ("ar", "en")  # guessed
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_refuses_a_file_as_output(tmp_path):
    out = tmp_path / "model"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="exists and is not a directory"):
        train_overfit(MINI_PAIRS, out, force=True)


def test_unconverged_training_names_the_failing_pairs_and_leaves_nothing(tmp_path):
    out = tmp_path / "model"
    with pytest.raises(RuntimeFailure, match=r"did not reproduce \d+ of 3 pairs.*pair \d"):
        train_overfit(MINI_PAIRS, out, steps=1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("texts", "lang"),
    [(["Oil prices rose."], "en"), (["Цены на нефть выросли на 3,5%."], "ru"),
     (["ارتفعت أسعار النفط"], "ar"), (["Агентство НАСА (NASA)"], "ru")],
    ids=["english", "russian", "arabic", "russian-with-latin"],
)
def test_guess_lang(texts, lang):
    assert guess_lang(texts) == lang


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "no pairs"),
        ([("صباح الخير", "Good morning"), ("صباح الخير", "Morning")], "appears twice"),
        ([("صباح الخير", "Good  morning")], "does not survive tokenisation"),
        ([("مرحبا", " ")], "empty source or target"),
    ],
    ids=["empty", "conflicting-duplicate", "double-space", "blank-target"],
)
def test_train_overfit_rejects_unlearnable_pairs(tmp_path, pairs, message):
    with pytest.raises(InputError, match=message):
        train_overfit(pairs, tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


# --- shape models -----------------------------------------------------------------------------


def test_unknown_shape(tmp_path):
    with pytest.raises(UsageError, match="unknown shape 'huge'"):
        build_shape(tmp_path / "model", shape="huge")


def test_tiny_shape_loads_translates_and_converts(tmp_path):
    d = tmp_path / "tiny"
    report = build_shape(d, shape="tiny", target_lang="ru")
    assert sorted(p.name for p in d.iterdir()) == sorted([*LAYOUT, MARKER])
    vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    assert len(vocab) == report["vocab_size"] == 4096 and vocab["<pad>"] == 4095
    _, _, info = load(d)
    assert info["missing_keys"] == set() and info["unexpected_keys"] == set()
    sources = ["قال الوزير إن المحادثات ستستأنف.", "ارتفعت الأسعار ٣٫٥٪"]
    assert len(translate_hf(d, sources, max_new_tokens=4)) == 2
    ct2 = convert_ct2(d, tmp_path / "ct2")
    assert len(translate_ct2(ct2, d, sources, max_decoding_length=4)) == 2


@pytest.fixture(scope="module")
def base_shape(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("shape") / "opus-mt-base"
    build_shape(d)
    return d


def test_base_shape_has_opus_mt_dimensions(base_shape):
    from safetensors import safe_open

    config = json.loads((base_shape / "config.json").read_text(encoding="utf-8"))
    dims = {k: config[k] for k in [
        "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
        "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "vocab_size",
    ]}
    assert dims == {
        "d_model": 512, "encoder_layers": 6, "decoder_layers": 6, "encoder_attention_heads": 8,
        "decoder_attention_heads": 8, "encoder_ffn_dim": 2048, "decoder_ffn_dim": 2048,
        "vocab_size": 62834,
    }
    vocab = json.loads((base_shape / "vocab.json").read_text(encoding="utf-8"))
    assert len(vocab) == 62834 and vocab["<pad>"] == config["pad_token_id"] == 62833
    with safe_open(str(base_shape / "model.safetensors"), "pt") as weights:
        assert weights.get_slice("model.shared.weight").get_shape() == [62834, 512]
        assert weights.get_slice("final_logits_bias").get_shape() == [1, 62834]


def test_base_shape_converts_to_ctranslate2(base_shape, tmp_path):
    ct2 = convert_ct2(base_shape, tmp_path / "ct2")
    shared = json.loads((ct2 / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert len(shared) == 62833
    assert len(translate_ct2(ct2, base_shape, ["قال الوزير"], max_decoding_length=3)) == 1
