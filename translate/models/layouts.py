"""Each model family's file layout on the hub, as the fixture builder writes it.

``translate.models.fixture`` builds models offline in the layout a family's hub repositories
have, so that the code proved on them is the code that loads the real ones: the same file
names, tokenizer files and special tokens, and a config.json with the fields the family's own
carries (read from the hub repositories' config.json and their verbatim copies; the sizes of
the real ones are in ``tarjama models list``).

- marian: source.spm, target.spm, one vocab.json, tokenizer_config.json (one direction);
- marian-multi: the same and special_tokens_map.json, ``>>eng<<``/``>>rus<<`` in vocab.json;
- nllb: sentencepiece.bpe.model (BPE), tokenizer.json made from it, tokenizer_config.json,
  special_tokens_map.json with the 202 FLORES-200 codes (``arb_Arab``, ``rus_Cyrl``);
- m2m100: sentencepiece.bpe.model (BPE), vocab.json, tokenizer_config.json,
  special_tokens_map.json with the 100 ``__ar__``-style codes;
- mbart: sentencepiece.bpe.model (unigram) only, tokenizer_config.json,
  special_tokens_map.json with the 52 codes (``ar_AR``, ``ru_RU``); no generation_config.json.
Each also has config.json, model.safetensors and a README.md card.

The vocabularies follow each family's id layout (fairseq's ``<s> <pad> </s> <unk>`` first for
NLLB, M2M100 and mBART, then the pieces, then the language codes), and a ``shape`` with a real
``vocab_size`` pads the pieces with synthetic ones so the language codes get their real ids.
SentencePiece models use the identity normalisation, not the families' NFKC: a target must
decode to the very string it was trained on (see ``translate.models.spm.train_spm``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from translate.errors import UsageError
from translate.models import spm as spm_lib

Direction = tuple[str, str]
MASK = {"content": "<mask>", "lstrip": True, "normalized": True, "rstrip": False,
        "single_word": False}
_ISO3 = {"ar": "ara", "en": "eng", "ru": "rus"}  # OPUS-MT's target tokens: >>rus<<


@dataclass(frozen=True)
class Shape:
    d_model: int
    layers: int  # encoder layers = decoder layers, as in every family here
    heads: int
    ffn_dim: int
    vocab_size: int | None  # the real model's (pads with synthetic pieces); None: the pieces'
    spm_size: int  # upper bound on each SentencePiece model's pieces
    dropout: float


TINY = Shape(64, 2, 4, 128, None, 1000, 0.1)  # the layout in seconds: tests of loading code


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


class Layout(ABC):
    """What a family's hub repository holds, written for one fixture model."""

    family: ClassVar[str]
    files: ClassVar[tuple[str, ...]]  # every file of the layout (a test checks the set)
    shapes: ClassVar[dict[str, Shape]]  # real dimensions by name, and "tiny"
    default_shape: ClassVar[str]
    multilingual: ClassVar[bool] = True  # one model for several directions
    # Overfit training: twice the pairs of a one-direction model, so a faster schedule keeps
    # the build well under a minute; Marian keeps the rate its fixtures were tuned with.
    learning_rate: ClassVar[float] = 5e-3
    warmup_steps: ClassVar[int] = 20

    def check_directions(self, directions: Sequence[Direction]) -> None:
        if not directions:
            raise UsageError("no direction to train")

    def shape(self, name: str | None) -> Shape:
        name = name or self.default_shape
        if name not in self.shapes:
            raise UsageError(f"unknown shape {name!r} for {self.family}; choose from "
                             f"{', '.join(self.shapes)}")
        return self.shapes[name]

    @abstractmethod
    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        """Write the tokenizer files; return the model's vocab_size."""

    @abstractmethod
    def write_configs(self, d: Path, shape: Shape, vocab_size: int) -> None:
        """config.json (and generation_config.json where the family has one)."""

    def after_save(self, d: Path) -> None:
        """Undo what ``save_pretrained`` writes that the family's repositories do not hold."""
        return None


# --- Marian (Helsinki-NLP opus-mt) --------------------------------------------------------------


class MarianLayout(Layout):
    family = "marian"
    files: ClassVar[tuple[str, ...]] = (
        "README.md", "config.json", "generation_config.json", "model.safetensors", "source.spm",
        "target.spm", "tokenizer_config.json", "vocab.json")
    shapes: ClassVar[dict[str, Shape]] = {
        # Helsinki-NLP/opus-mt-ar-en's config.json: d_model 512, 6+6 layers, 8 heads, FFN 2048,
        # vocab_size 62834 (pad 62833). The spm models are smaller; vocab.json is padded.
        "opus-mt-base": Shape(512, 6, 8, 2048, 62834, 4000, 0.1),
        "tiny": Shape(64, 2, 4, 128, 4096, 1000, 0.1),
    }
    default_shape = "opus-mt-base"
    multilingual = False
    learning_rate = 3e-3
    warmup_steps = 40
    max_length = 512  # opus-mt's max_length and max_position_embeddings

    def check_directions(self, directions: Sequence[Direction]) -> None:
        super().check_directions(directions)
        if len(directions) > 1:
            raise UsageError("a marian model translates one direction; for several targets "
                             "use --family marian-multi")

    def language_tokens(self, directions: Sequence[Direction]) -> list[str]:
        return []

    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        src_spm = spm_lib.train_spm(sources, shape.spm_size, seed=seed)
        tgt_spm = spm_lib.train_spm(targets, shape.spm_size, seed=seed)
        vocab = spm_lib.shared_vocab(src_spm, tgt_spm, size=shape.vocab_size,
                                     language_tokens=self.language_tokens(directions))
        (d / "source.spm").write_bytes(src_spm)
        (d / "target.spm").write_bytes(tgt_spm)
        write_json(d / "vocab.json", vocab)
        source, target = self.languages(directions)
        write_json(d / "tokenizer_config.json", {
            "source_lang": source,
            "target_lang": target,
            "model_max_length": self.max_length,
            "separate_vocabs": False,  # one vocab.json over both spm models, as opus-mt
            "eos_token": spm_lib.EOS,
            "unk_token": spm_lib.UNK,
            "pad_token": spm_lib.PAD,
            "sp_model_kwargs": {},
            "tokenizer_class": "MarianTokenizer",
        })
        return len(vocab)

    def languages(self, directions: Sequence[Direction]) -> tuple[str, str]:
        return directions[0]

    def write_configs(self, d: Path, shape: Shape, vocab_size: int) -> None:
        pad = vocab_size - 1  # <pad> is the last entry of vocab.json
        generation = {
            "bad_words_ids": [[pad]],
            "bos_token_id": 0,
            "decoder_start_token_id": pad,
            "eos_token_id": 0,
            "forced_eos_token_id": 0,
            "max_length": self.max_length,
            "num_beams": 4,
            "pad_token_id": pad,
        }
        write_json(d / "config.json", {
            "activation_dropout": 0.0, "activation_function": "swish", "add_bias_logits": False,
            "add_final_layer_norm": False, "architectures": ["MarianMTModel"],
            "attention_dropout": 0.0, "classif_dropout": 0.0, "classifier_dropout": 0.0,
            "d_model": shape.d_model, "decoder_attention_heads": shape.heads,
            "decoder_ffn_dim": shape.ffn_dim, "decoder_layerdrop": 0.0,
            "decoder_layers": shape.layers, "decoder_vocab_size": vocab_size,
            "dropout": shape.dropout, "encoder_attention_heads": shape.heads,
            "encoder_ffn_dim": shape.ffn_dim, "encoder_layerdrop": 0.0,
            "encoder_layers": shape.layers, "init_std": 0.02, "is_encoder_decoder": True,
            "max_position_embeddings": self.max_length, "model_type": "marian",
            "normalize_before": False, "normalize_embedding": False,
            "num_hidden_layers": shape.layers, "scale_embedding": True,
            "share_encoder_decoder_embeddings": True,
            "static_position_embeddings": True,  # sinusoidal, not learned
            "torch_dtype": "float32", "use_cache": True, "vocab_size": vocab_size,
            **generation,  # opus-mt's config.json repeats its generation settings
        })
        write_json(d / "generation_config.json", generation)


class MarianMultiLayout(MarianLayout):
    """A multi-target opus-mt (as opus-mt-tc-big-en-zle): one source, ``>>xxx<<`` targets."""

    family = "marian-multi"
    files = (*MarianLayout.files, "special_tokens_map.json")
    multilingual = True
    learning_rate = 5e-3
    warmup_steps = 20

    def check_directions(self, directions: Sequence[Direction]) -> None:
        Layout.check_directions(self, directions)
        if len({src for src, _ in directions}) > 1:
            raise UsageError("a multi-target marian model reads one source language")

    def language_tokens(self, directions: Sequence[Direction]) -> list[str]:
        return [f">>{_ISO3.get(tgt, tgt)}<<" for tgt in dict.fromkeys(t for _, t in directions)]

    def languages(self, directions: Sequence[Direction]) -> tuple[str, str]:
        return directions[0][0], "mul"  # several targets: the card's "multiple languages"

    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        size = super().write_tokenizer(d, sources, targets, directions, shape, seed)
        write_json(d / "special_tokens_map.json",
                   {"eos_token": spm_lib.EOS, "unk_token": spm_lib.UNK, "pad_token": spm_lib.PAD})
        return size


# --- the fairseq families: NLLB-200, M2M100, mBART-50 -------------------------------------------


def _fairseq_head() -> dict[str, int]:
    return {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}


def _seq2seq_config(shape: Shape, vocab_size: int, **family: Any) -> dict[str, Any]:
    """The config fields NLLB, M2M100 and mBART share (fairseq ids: bos 0, pad 1, eos 2)."""
    return {
        "activation_dropout": 0.0, "activation_function": "relu",
        "attention_dropout": shape.dropout, "bos_token_id": 0, "d_model": shape.d_model,
        "decoder_attention_heads": shape.heads, "decoder_ffn_dim": shape.ffn_dim,
        "decoder_layers": shape.layers, "decoder_start_token_id": 2, "dropout": shape.dropout,
        "encoder_attention_heads": shape.heads, "encoder_ffn_dim": shape.ffn_dim,
        "encoder_layers": shape.layers, "eos_token_id": 2, "init_std": 0.02,
        "is_encoder_decoder": True, "max_length": 200, "max_position_embeddings": 1024,
        "num_hidden_layers": shape.layers, "pad_token_id": 1, "scale_embedding": True,
        "torch_dtype": "float32", "use_cache": True, "vocab_size": vocab_size, **family,
    }


class NllbLayout(Layout):
    """facebook/nllb-200-*: a BPE SentencePiece model and the tokenizer.json made from it,
    the 202 FLORES-200 codes after the pieces, ``<mask>`` last; config.json's vocab_size has
    two rows more than the tokenizer (256206 for 256204), as the real one."""

    family = "nllb"
    files = ("README.md", "config.json", "generation_config.json", "model.safetensors",
             "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json",
             "tokenizer_config.json")
    shapes: ClassVar[dict[str, Shape]] = {
        # facebook/nllb-200-distilled-600M's config.json: d_model 1024, 12+12 layers, 16 heads,
        # FFN 4096, vocab_size 256206 (615,073,792 parameters).
        "nllb-200-distilled-600M": Shape(1024, 12, 16, 4096, 256206, 4000, 0.1),
        "tiny": TINY,
    }
    default_shape = "nllb-200-distilled-600M"
    unused_rows = 2

    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        from transformers import NllbTokenizer
        from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

        model = spm_lib.train_spm([*sources, *targets], shape.spm_size, seed=seed,
                                  model_type="bpe")
        (d / "sentencepiece.bpe.model").write_bytes(model)
        codes = list(FAIRSEQ_LANGUAGE_CODES)
        # transformers turns the SentencePiece model into BPE vocab + merges (as the hub's
        # tokenizer.json was made); the codes and <mask> then go after the pieces.
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(d / "sentencepiece.bpe.model", tmp)
            made = json.loads(NllbTokenizer.from_pretrained(tmp).backend_tokenizer.to_str())
        pieces = [p for p, _ in sorted(made["model"]["vocab"].items(), key=lambda x: x[1])
                  if p not in _fairseq_head() and p != "<mask>"]
        head = len(_fairseq_head()) + len(pieces)
        if shape.vocab_size is not None:
            pieces += spm_lib.fillers(shape.vocab_size - self.unused_rows - len(codes) - 1 - head,
                                      set(pieces))
        vocab = {**_fairseq_head(), **{p: i for i, p in enumerate(pieces, 4)}}
        vocab.update({c: len(vocab) + i for i, c in enumerate(codes)})
        vocab["<mask>"] = len(vocab)
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" "))
                  for m in made["model"]["merges"]]
        # tokenizers takes merges as pairs, whatever transformers' annotation says
        tokenizer = NllbTokenizer(vocab=vocab, merges=merges,  # type: ignore[arg-type]
                                  additional_special_tokens=codes)
        with tempfile.TemporaryDirectory() as tmp:
            tokenizer.save_pretrained(tmp)
            shutil.copy(Path(tmp) / "tokenizer.json", d / "tokenizer.json")
        write_json(d / "special_tokens_map.json", {
            "additional_special_tokens": codes, "bos_token": "<s>", "cls_token": "<s>",
            "eos_token": "</s>", "mask_token": MASK, "pad_token": "<pad>", "sep_token": "</s>",
            "unk_token": "<unk>"})
        write_json(d / "tokenizer_config.json", {
            "additional_special_tokens": None, "bos_token": "<s>", "cls_token": "<s>",
            "eos_token": "</s>", "mask_token": {"__type": "AddedToken", **MASK},
            "model_max_length": 1024, "pad_token": "<pad>", "sep_token": "</s>",
            "sp_model_kwargs": {}, "src_lang": None, "tgt_lang": None,
            "tokenizer_class": "NllbTokenizer", "unk_token": "<unk>"})
        return len(vocab) + self.unused_rows

    def write_configs(self, d: Path, shape: Shape, vocab_size: int) -> None:
        write_json(d / "config.json", _seq2seq_config(
            shape, vocab_size, architectures=["M2M100ForConditionalGeneration"],
            decoder_layerdrop=0, encoder_layerdrop=0, model_type="m2m_100",
            tokenizer_class="NllbTokenizer"))
        write_json(d / "generation_config.json", {
            "_from_model_config": True, "bos_token_id": 0, "decoder_start_token_id": 2,
            "eos_token_id": 2, "max_length": 200, "pad_token_id": 1})


class M2M100Layout(Layout):
    """facebook/m2m100_418M: vocab.json over the SentencePiece pieces (fairseq's four first);
    the tokenizer adds the 100 ``__xx__`` codes and 8 ``madeupword`` rows after them."""

    family = "m2m100"
    files = ("README.md", "config.json", "generation_config.json", "model.safetensors",
             "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer_config.json",
             "vocab.json")
    shapes: ClassVar[dict[str, Shape]] = {
        # facebook/m2m100_418M's config.json: 12+12 layers, d 1024, FFN 4096, vocab 128112.
        "m2m100_418M": Shape(1024, 12, 16, 4096, 128112, 4000, 0.1),
        "tiny": TINY,
    }
    default_shape = "m2m100_418M"
    madeup_words = 8

    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

        codes = [f"__{c}__" for c in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
        model = spm_lib.train_spm([*sources, *targets], shape.spm_size, seed=seed,
                                  model_type="bpe")
        (d / "sentencepiece.bpe.model").write_bytes(model)
        pieces = spm_lib.pieces(model)
        if shape.vocab_size is not None:
            head = len(_fairseq_head()) + len(pieces)
            pieces += spm_lib.fillers(shape.vocab_size - self.madeup_words - len(codes) - head,
                                      set(pieces))
        vocab = {**_fairseq_head(), **{p: i for i, p in enumerate(pieces, 4)}}
        write_json(d / "vocab.json", vocab)
        write_json(d / "special_tokens_map.json", {
            "additional_special_tokens": codes, "bos_token": "<s>", "eos_token": "</s>",
            "pad_token": "<pad>", "sep_token": "</s>", "unk_token": "<unk>"})
        write_json(d / "tokenizer_config.json", {
            "bos_token": "<s>", "eos_token": "</s>", "language_codes": "m2m100",
            "model_max_length": 1024, "num_madeup_words": self.madeup_words,
            "pad_token": "<pad>", "sep_token": "</s>", "src_lang": None, "tgt_lang": None,
            "tokenizer_class": "M2M100Tokenizer", "tokenizer_file": None, "unk_token": "<unk>"})
        return len(vocab) + len(codes) + self.madeup_words

    def write_configs(self, d: Path, shape: Shape, vocab_size: int) -> None:
        # The real model trains with layerdrop 0.05; a fixture that must memorise cannot.
        layerdrop = 0.05 if shape.dropout else 0.0
        write_json(d / "config.json", _seq2seq_config(
            shape, vocab_size, architectures=["M2M100ForConditionalGeneration"],
            decoder_layerdrop=layerdrop, encoder_layerdrop=layerdrop, early_stopping=True,
            gradient_checkpointing=False, model_type="m2m_100", num_beams=5))
        write_json(d / "generation_config.json", {
            "bos_token_id": 0, "decoder_start_token_id": 2, "early_stopping": True,
            "eos_token_id": 2, "max_length": 200, "num_beams": 5, "pad_token_id": 1})


class MBart50Layout(Layout):
    """facebook/mbart-large-50-many-to-many-mmt: a unigram SentencePiece model only (no
    tokenizer.json, no generation_config.json); the 52 codes and ``<mask>`` follow the pieces."""

    family = "mbart"
    files = ("README.md", "config.json", "model.safetensors", "sentencepiece.bpe.model",
             "special_tokens_map.json", "tokenizer_config.json")
    # Its vocabulary is the SentencePiece model's own (250k pieces): no corpus here supports
    # that, so there is no real-sized shape of it.
    shapes: ClassVar[dict[str, Shape]] = {"tiny": TINY}
    default_shape = "tiny"

    def write_tokenizer(self, d: Path, sources: Sequence[str], targets: Sequence[str],
                        directions: Sequence[Direction], shape: Shape, seed: int) -> int:
        from transformers import MBart50Tokenizer
        from transformers.models.mbart50.tokenization_mbart50 import FAIRSEQ_LANGUAGE_CODES

        model = spm_lib.train_spm([*sources, *targets], shape.spm_size, seed=seed)
        (d / "sentencepiece.bpe.model").write_bytes(model)
        write_json(d / "special_tokens_map.json", {
            "additional_special_tokens": list(FAIRSEQ_LANGUAGE_CODES), "bos_token": "<s>",
            "cls_token": "<s>", "eos_token": "</s>", "mask_token": MASK, "pad_token": "<pad>",
            "sep_token": "</s>", "unk_token": "<unk>"})
        write_json(d / "tokenizer_config.json", {
            "bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>",
            "mask_token": {"__type": "AddedToken", **MASK}, "model_max_length": 1024,
            "pad_token": "<pad>", "sep_token": "</s>", "sp_model_kwargs": {}, "src_lang": None,
            "tgt_lang": None, "tokenizer_class": "MBart50Tokenizer", "unk_token": "<unk>"})
        return len(MBart50Tokenizer.from_pretrained(str(d)))

    def write_configs(self, d: Path, shape: Shape, vocab_size: int) -> None:
        write_json(d / "config.json", _seq2seq_config(
            shape, vocab_size, add_bias_logits=False, add_final_layer_norm=True,
            architectures=["MBartForConditionalGeneration"], classif_dropout=0.0,
            classifier_dropout=0.0, decoder_layerdrop=0.0, early_stopping=True,
            encoder_layerdrop=0.0, forced_eos_token_id=2, model_type="mbart",
            normalize_before=True, normalize_embedding=True, num_beams=5, output_past=True,
            static_position_embeddings=False, tokenizer_class="MBart50Tokenizer"))

    def after_save(self, d: Path) -> None:
        (d / "generation_config.json").unlink(missing_ok=True)  # the hub repo has none


LAYOUTS: dict[str, type[Layout]] = {
    layout.family: layout
    for layout in (MarianLayout, MarianMultiLayout, NllbLayout, M2M100Layout, MBart50Layout)
}


def layout(family: str) -> Layout:
    if family not in LAYOUTS:
        raise UsageError(f"unknown fixture family {family!r}; choose from {', '.join(LAYOUTS)}")
    return LAYOUTS[family]()
