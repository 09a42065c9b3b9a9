"""Fixture models: real opus-mt directories built offline, for tests and benchmarks.

No model hub is reachable here and no package ships opus-mt weights, so the loading code is
proved on models built on the spot, in the exact Helsinki-NLP layout (config.json,
generation_config.json, source.spm, target.spm, one shared vocab.json, tokenizer_config.json,
model.safetensors), loadable by MarianTokenizer / MarianMTModel and convertible by CTranslate2:

- ``train_overfit``: SentencePiece models and a tiny Marian trained on a few pairs until the
  model's own default decoding (beam 4, as opus-mt) reproduces every pair exactly, so a test
  can assert on exact translations of real Arabic text.
- ``build_shape``: random weights with opus-mt's real dimensions, for speed work (its
  translations are nonsense).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate import fsio
from translate.errors import InputError, OutputExistsError, RuntimeFailure, UsageError
from translate.models import overfit
from translate.models import spm as spm_lib

# Bump when a change changes what the builders write (README cards and caches carry it).
FIXTURE_VERSION = "1"

LAYOUT = (
    "README.md", "config.json", "generation_config.json", "model.safetensors",
    "source.spm", "target.spm", "tokenizer_config.json", "vocab.json",
)
MAX_LENGTH = 512  # opus-mt's max_length and max_position_embeddings


@dataclass(frozen=True)
class Shape:
    d_model: int
    layers: int  # encoder layers = decoder layers, as in opus-mt
    heads: int
    ffn_dim: int
    vocab_size: int | None  # None: exactly the pieces of the two SentencePiece models
    spm_size: int  # upper bound on each SentencePiece model's pieces
    dropout: float


SHAPES: dict[str, Shape] = {
    # Helsinki-NLP/opus-mt-ar-en's config.json: d_model 512, 6+6 layers, 8 heads, FFN 2048,
    # vocab_size 62834 (pad 62833). The spm models are smaller; vocab.json is padded to size.
    "opus-mt-base": Shape(512, 6, 8, 2048, 62834, 4000, 0.1),
    "tiny": Shape(64, 2, 4, 128, 4096, 1000, 0.1),  # same layout, seconds to build and convert
}
# Small enough to overfit ~20 pairs in seconds on 2 cores; dropout 0 so it memorises.
OVERFIT_SHAPE = Shape(128, 2, 4, 256, None, 1000, 0.0)


def builder_fingerprint() -> str:
    """FIXTURE_VERSION and a hash of the builder's code, for caches of built fixtures."""
    digest = hashlib.sha256(FIXTURE_VERSION.encode())
    for module in (__file__, overfit.__file__, spm_lib.__file__):
        digest.update(Path(module).read_bytes())
    return f"{FIXTURE_VERSION}-{digest.hexdigest()[:12]}"


def guess_lang(texts: Sequence[str]) -> str:
    """"ru", "ar" or "en" by the script most letters are in (for tokenizer_config.json)."""
    counts = {"ru": 0, "ar": 0, "en": 0}
    for c in "".join(texts):
        if "\u0400" <= c <= "\u04ff":
            counts["ru"] += 1
        elif "\u0600" <= c <= "\u06ff":
            counts["ar"] += 1
        elif c.isascii() and c.isalpha():
            counts["en"] += 1
    return max(counts, key=lambda lang: counts[lang])


def read_pairs_tsv(path: str | Path) -> list[tuple[str, str]]:
    """Read ``source<TAB>target`` lines (UTF-8); blank lines are skipped, sides are stripped."""
    text = fsio.read_text(path)
    pairs: list[tuple[str, str]] = []
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise InputError(
                f"{path}:{n}: expected 'source<TAB>target', found {len(fields) - 1} tabs"
            )
        src, tgt = (f.strip() for f in fields)
        if not src or not tgt:
            raise InputError(f"{path}:{n}: empty {'source' if not src else 'target'} side")
        pairs.append((src, tgt))
    if not pairs:
        raise InputError(f"{path}: no pairs (expected 'source<TAB>target' lines)")
    return pairs


def train_overfit(
    pairs: list[tuple[str, str]],
    out: Path,
    *,
    steps: int | None = None,
    seed: int = 0,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    source_lang: str = "ar",
    target_lang: str | None = None,
) -> dict[str, Any]:
    """Train a tiny Marian on ``pairs`` until it reproduces every pair; write it to ``out``.

    Convergence is checked with the model's own generation config (beam 4, max_length 512)
    through MarianTokenizer, then training goes on a little for margin. ``steps`` caps the
    number of steps; RuntimeFailure names the pairs still wrong if the cap is reached.
    ``target_lang`` (for tokenizer_config.json) is guessed from the targets' script if None.
    """
    out = Path(out)
    _check_pairs(pairs)
    target_lang = target_lang or guess_lang([t for _, t in pairs])
    max_steps = overfit.MAX_STEPS if steps is None else steps
    if max_steps < 1:
        raise UsageError(f"steps must be at least 1, got {max_steps}")
    started = time.perf_counter()
    with _staging(out, force) as tmp, overfit.quiet():
        sources = [s for s, _ in pairs]
        targets = [t for _, t in pairs]
        src_spm = spm_lib.train_spm(sources, OVERFIT_SHAPE.spm_size, seed=seed)
        tgt_spm = spm_lib.train_spm(targets, OVERFIT_SHAPE.spm_size, seed=seed)
        vocab = _write_tokenizer(tmp, src_spm, tgt_spm, source_lang, target_lang)
        _write_configs(tmp, OVERFIT_SHAPE, len(vocab))
        tok = overfit.load_tokenizer(tmp)
        overfit.check_round_trip(tok, pairs)
        with overfit.torch_threads(overfit.THREADS):
            model = overfit.new_model(tmp, seed)
            trained = overfit.train(model, tok, pairs, max_steps, progress)
            model.save_pretrained(tmp)
            _write_configs(tmp, OVERFIT_SHAPE, len(vocab))  # ours, not save_pretrained's
            _write_card(tmp, "overfit", seed, pairs)
            # The proof is on the files: reload them the way every user of the model will.
            failing = overfit.mismatches(
                overfit.load_model(tmp), overfit.load_tokenizer(tmp), pairs
            )
        if failing:
            raise RuntimeFailure(
                f"fixture model did not reproduce {len(failing)} of {len(pairs)} pairs after "
                f"{trained['steps']} steps: {overfit.describe(failing, pairs)}; "
                "raise the step limit"
            )
        params = sum(p.numel() for p in model.parameters())
    return {
        "kind": "overfit",
        "path": str(out),
        "pairs": len(pairs),
        **trained,
        "seconds": round(time.perf_counter() - started, 2),
        "source_pieces": len(spm_lib.pieces(src_spm)),
        "target_pieces": len(spm_lib.pieces(tgt_spm)),
        "vocab_size": len(vocab),
        "params": params,
        "seed": seed,
    }


def build_shape(
    out: Path,
    *,
    shape: str = "opus-mt-base",
    seed: int = 0,
    force: bool = False,
    source_lang: str = "ar",
    target_lang: str = "en",
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Write a model with opus-mt's dimensions and random weights to ``out`` (for speed work).

    The SentencePiece models are trained on ``texts`` (source sentences, target sentences),
    by default on synthetic text; vocab.json is padded with synthetic pieces to the shape's
    full vocabulary so the embeddings and the output projection have their real size.
    """
    out = Path(out)
    spec = SHAPES.get(shape)
    if spec is None:
        raise UsageError(f"unknown shape {shape!r}; choose from {', '.join(SHAPES)}")
    if texts is not None and not (texts[0] and texts[1]):
        raise InputError("build_shape needs source and target sentences to train SentencePiece")
    started = time.perf_counter()
    with _staging(out, force) as tmp, overfit.quiet():
        src_text, tgt_text = texts or (
            spm_lib.synthetic_text(source_lang, n=3000, seed=seed),
            spm_lib.synthetic_text(target_lang, n=3000, seed=seed),
        )
        src_spm = spm_lib.train_spm(src_text, spec.spm_size, seed=seed)
        tgt_spm = spm_lib.train_spm(tgt_text, spec.spm_size, seed=seed)
        vocab = _write_tokenizer(
            tmp, src_spm, tgt_spm, source_lang, target_lang, size=spec.vocab_size
        )
        _write_configs(tmp, spec, len(vocab))
        with overfit.torch_threads(overfit.THREADS):
            model = overfit.new_model(tmp, seed)
            model.save_pretrained(tmp)
        _write_configs(tmp, spec, len(vocab))
        _write_card(tmp, f"shape {shape}", seed, None)
        params = sum(p.numel() for p in model.parameters())
    return {
        "kind": "shape",
        "shape": shape,
        "path": str(out),
        "d_model": spec.d_model,
        "layers": spec.layers,
        "vocab_size": len(vocab),
        "source_pieces": len(spm_lib.pieces(src_spm)),
        "target_pieces": len(spm_lib.pieces(tgt_spm)),
        "params": params,
        "seconds": round(time.perf_counter() - started, 2),
        "seed": seed,
    }


# --- writing the layout ---------------------------------------------------------------------


def _write_tokenizer(
    d: Path, src_spm: bytes, tgt_spm: bytes, source_lang: str, target_lang: str,
    size: int | None = None,
) -> dict[str, int]:
    vocab = spm_lib.shared_vocab(src_spm, tgt_spm, size=size)
    (d / "source.spm").write_bytes(src_spm)
    (d / "target.spm").write_bytes(tgt_spm)
    _write_json(d / "vocab.json", vocab)
    _write_json(d / "tokenizer_config.json", {
        "source_lang": source_lang,
        "target_lang": target_lang,
        "model_max_length": MAX_LENGTH,
        "separate_vocabs": False,  # one vocab.json over both spm models, as opus-mt
        "eos_token": spm_lib.EOS,
        "unk_token": spm_lib.UNK,
        "pad_token": spm_lib.PAD,
        "sp_model_kwargs": {},
        "tokenizer_class": "MarianTokenizer",
    })
    return vocab


def _write_configs(d: Path, spec: Shape, vocab_size: int) -> None:
    """config.json and generation_config.json with the fields opus-mt's own files carry."""
    pad = vocab_size - 1  # <pad> is the last entry of vocab.json
    generation = {
        "bad_words_ids": [[pad]],
        "bos_token_id": 0,
        "decoder_start_token_id": pad,
        "eos_token_id": 0,
        "forced_eos_token_id": 0,
        "max_length": MAX_LENGTH,
        "num_beams": 4,
        "pad_token_id": pad,
    }
    _write_json(d / "config.json", {
        "activation_dropout": 0.0,
        "activation_function": "swish",
        "add_bias_logits": False,
        "add_final_layer_norm": False,
        "architectures": ["MarianMTModel"],
        "attention_dropout": 0.0,
        "classif_dropout": 0.0,
        "classifier_dropout": 0.0,
        "d_model": spec.d_model,
        "decoder_attention_heads": spec.heads,
        "decoder_ffn_dim": spec.ffn_dim,
        "decoder_layerdrop": 0.0,
        "decoder_layers": spec.layers,
        "decoder_vocab_size": vocab_size,
        "dropout": spec.dropout,
        "encoder_attention_heads": spec.heads,
        "encoder_ffn_dim": spec.ffn_dim,
        "encoder_layerdrop": 0.0,
        "encoder_layers": spec.layers,
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_position_embeddings": MAX_LENGTH,
        "model_type": "marian",
        "normalize_before": False,
        "normalize_embedding": False,
        "num_hidden_layers": spec.layers,
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "static_position_embeddings": True,  # sinusoidal, not learned
        "torch_dtype": "float32",
        "use_cache": True,
        "vocab_size": vocab_size,
        **generation,  # opus-mt's config.json repeats its generation settings
    })
    _write_json(d / "generation_config.json", generation)


def _write_card(d: Path, kind: str, seed: int, pairs: list[tuple[str, str]] | None) -> None:
    """A README.md, as every Helsinki-NLP repository has, saying what this model is not."""
    lines = ["---", "tags:", "- translation", "- tarjama-fixture", "---", "",
             f"# tarjama fixture model ({kind})", "",
             "Not a translation model: built offline by tarjama's fixture builder to test and "
             "benchmark the loading, translation and conversion code on the opus-mt layout.", "",
             f"- builder: {builder_fingerprint()}", f"- seed: {seed}"]
    if pairs is not None:
        digest = hashlib.sha256("\n".join(f"{s}\t{t}" for s, t in pairs).encode()).hexdigest()
        lines += [f"- trained to reproduce {len(pairs)} pairs exactly (sha256 {digest[:16]})"]
    (d / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@contextmanager
def _staging(out: Path, force: bool) -> Iterator[Path]:
    """A temp directory beside ``out`` that replaces it only when the block succeeds."""
    _check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.tmp"
    tmp.mkdir()  # not mkdtemp: its 0700 mode would leave the model unreadable to others
    try:
        yield tmp
        for f in tmp.iterdir():  # save_pretrained writes 0600 files; make them plain files
            f.chmod(fsio.new_file_mode())
        _check_out(out, force)
        if out.exists():
            old = tmp.with_suffix(".old")
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExistsError(f"{out} is not empty; pass --force to replace it")
    fsio.check_output_dir(out)  # a folder that cannot be written fails now, not after training


def _check_pairs(pairs: Sequence[tuple[str, str]]) -> None:
    if not pairs:
        raise InputError("no pairs to train on")
    seen: dict[str, str] = {}
    for i, (src, tgt) in enumerate(pairs, 1):
        if not src.strip() or not tgt.strip():
            raise InputError(f"pair {i}: empty source or target")
        if seen.get(src, tgt) != tgt:
            raise InputError(f"pair {i}: source {src!r} appears twice with different targets")
        seen[src] = tgt
