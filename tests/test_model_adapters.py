"""Model adapters: the family is chosen from config.json, and owns tokenizer, codes and files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from translate.engines.hf import TransformersEngine
from translate.errors import UsageError
from translate.models.adapters import adapter_for, families, model_config
from translate.models.adapters.marian import MarianAdapter
from translate.models.store import resolve


@pytest.mark.parametrize("model_type", ["bert", "t5"], ids=["bert", "t5"])
def test_unsupported_family_is_one_line_listing_the_supported(tmp_path, model_type):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type}))
    with pytest.raises(UsageError) as e:
        resolve(str(tmp_path))
    msg = str(e.value)
    assert f"model type {model_type!r} is not supported" in msg and "\n" not in msg
    assert "supported families: " + ", ".join(families()) in msg


def test_marian_directory_and_its_conversion_are_marian(fixture_models, tmp_path):
    assert isinstance(adapter_for(fixture_models["en"]), MarianAdapter)
    ct2 = tmp_path / "ct2"  # the layout `models convert` writes, without running it
    ct2.mkdir()
    (ct2 / "model.bin").write_bytes(b"")
    (ct2 / "config.json").write_text(json.dumps({"add_source_bos": False}))
    (ct2 / "tarjama.json").write_text(json.dumps({"model_type": "marian"}))
    shutil.copy(fixture_models["en"] / "config.json", ct2 / "marian_config.json")
    model_type, config = model_config(ct2)
    assert model_type == "marian" and config["max_position_embeddings"] == 512
    assert adapter_for(ct2).max_input_length() == 512


@pytest.fixture
def multi_target(fixture_models, tmp_path) -> Path:
    """The ar→en fixture with target language tokens in its vocabulary, as multi-target
    opus-mt models have (the weights never see them: only tokenising is tested)."""
    model = tmp_path / "multi"
    shutil.copytree(fixture_models["en"], model)
    vocab = json.loads((model / "vocab.json").read_text(encoding="utf-8"))
    for code in (">>eng<<", ">>rus<<"):
        vocab[code] = len(vocab)
    (model / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return model


@pytest.mark.parametrize(("lang", "token"), [("en", ">>eng<<"), ("ru", ">>rus<<")],
                         ids=["en", "ru"])
def test_multi_target_marian_gets_the_target_token(multi_target, lang, token):
    from transformers import MarianTokenizer

    text = "قال وزير الخارجية إن المحادثات ستستأنف."
    engine = TransformersEngine(resolve(str(multi_target)), "ar", lang)
    tokens = engine.tokenizer.encode(text)
    assert tokens[0] == token and engine.count_tokens(text) == len(tokens)
    # the transformers tokenizer reads the same ids from the text it is given
    vocab = json.loads((multi_target / "vocab.json").read_text(encoding="utf-8"))
    hf = MarianTokenizer.from_pretrained(str(multi_target))
    assert [vocab.get(t, vocab["<unk>"]) for t in tokens] == \
        hf(engine.tokenizer.source_text(text))["input_ids"]
    assert engine.decoding_key()["target_token"] == token  # en and ru never share a cache entry


def test_multi_target_marian_refuses_a_language_it_lacks(multi_target):
    # refused as the engine is made: before its tokenizer or weights are loaded
    with pytest.raises(UsageError, match="without a target language token for 'fr'"):
        TransformersEngine(resolve(str(multi_target)), "ar", "fr")


def test_single_target_marian_gets_nothing(fixture_models):
    engine = TransformersEngine(resolve(str(fixture_models["ru"])), "ar", "ru")
    text = "لافروف في موسكو."
    assert engine.tokenizer.source_text(text) == text
    assert engine.tokenizer.encode(text)[-1] == "</s>" and "target_token" not in \
        engine.decoding_key()


@pytest.mark.parametrize(("asked", "used"), [(400, 400), (512, 512), (2000, 512)],
                         ids=["below", "at", "above"])
def test_inputs_stay_within_what_the_family_reads(fixture_models, asked, used):
    from translate.values import DecodeOptions

    engine = TransformersEngine(resolve(str(fixture_models["en"])), "ar", "en",
                                DecodeOptions(max_input_length=asked))
    assert engine.max_input_length == used  # opus-mt: max_position_embeddings 512


@pytest.mark.parametrize("backend", ["transformers", "auto"])
def test_config_json_is_read_once_for_a_model_given_for_two_directions(family_models,
                                                                        monkeypatch, backend):
    """`-m en=NLLB -m ru=NLLB`: found, read and checked once (it was read ~6 times)."""
    from translate.pipeline import load_engines, make_plan

    reads: list[Path] = []
    real = Path.read_text

    def counting(self: Path, *args, **kwargs) -> str:
        if self.name == "config.json":
            reads.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    model = str(family_models["nllb"])
    engines = load_engines(make_plan(["en", "ru"], {"en": model, "ru": model}, backend=backend))
    assert set(engines) == {("ar", "en"), ("ar", "ru")}
    assert len(reads) == 1, reads
