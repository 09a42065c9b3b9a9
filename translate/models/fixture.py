"""Fixture models: real model directories of each family, built offline, for tests and benchmarks.

No model hub is reachable here and no package ships translation weights, so the loading code is
proved on models built on the spot, in the exact layout the family's hub repositories have
(translate.models.layouts: opus-mt's source.spm/target.spm/vocab.json, NLLB-200's tokenizer.json,
M2M100's vocab.json, mBART-50's SentencePiece model, with their special tokens and configs),
loadable by the family's transformers classes and convertible by CTranslate2:

- ``train_overfit``: SentencePiece and a tiny model trained on a few pairs (one direction, or
  several for a multilingual family) until decoding as the engines do it reproduces every pair
  exactly, so a test can assert on exact translations of real Arabic text.
- ``build_shape``: random weights with a real model's dimensions (opus-mt-ar-en's,
  NLLB-200-distilled-600M's), for speed and memory work (its translations are nonsense).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from translate import fsio
from translate.errors import InputError, RuntimeFailure, UsageError
from translate.models import layouts, overfit
from translate.models import spm as spm_lib
from translate.models.layouts import Shape
from translate.models.overfit import Example

# Bump when a change changes what the builders write (README cards and caches carry it).
FIXTURE_VERSION = "2"

LAYOUT = layouts.MarianLayout.files  # the opus-mt layout (the default family's)
# Small enough to overfit ~20 pairs a direction in seconds on 2 cores; dropout 0 so it memorises.
OVERFIT_SHAPE = Shape(128, 2, 4, 256, None, 1000, 0.0)
Pairs = Sequence[tuple[str, str]]


def builder_fingerprint() -> str:
    """FIXTURE_VERSION and a hash of the builder's code, for caches of built fixtures."""
    digest = hashlib.sha256(FIXTURE_VERSION.encode())
    for module in (__file__, overfit.__file__, spm_lib.__file__, layouts.__file__):
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
    pairs: Pairs | Mapping[tuple[str, str], Pairs],
    out: Path,
    *,
    family: str = "marian",
    steps: int | None = None,
    seed: int = 0,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    inputs: Sequence[str | Path] = (),
    vocab_from: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Train a tiny model of ``family`` until it reproduces every pair; write it to ``out``.

    ``vocab_from`` ({lang: sentences}) trains the tokenizers on that wider text too, so the
    model has pieces for words beyond its pairs and a fine-tune can teach it new sentences
    (with its own pairs only, any unseen character would be ``<unk>``).

    ``pairs``: one direction's pairs (``source_lang`` → ``target_lang``, each read off its
    side's script if None), or ``{(src, tgt): pairs}`` for a multilingual family. A language
    that its side's script contradicts is refused (translate.langs).
    Convergence is checked by decoding as the engines do (beam 4, the target language forced),
    then training goes on a little for margin. ``steps`` caps the number of steps;
    RuntimeFailure names the pairs still wrong if the cap is reached. ``inputs``: the files
    the pairs came from (``out`` is never one of them, nor a folder holding one).
    """
    out = Path(out)
    fam = layouts.layout(family)
    examples = _examples(pairs, source_lang, target_lang)
    directions = list(overfit.directions(examples))
    fam.check_directions(directions)
    max_steps = overfit.MAX_STEPS if steps is None else steps
    if max_steps < 1:
        raise UsageError(f"steps must be at least 1, got {max_steps}")
    started = time.perf_counter()
    extra = vocab_from or {}
    _check_vocab_langs(extra, directions)
    with _staging(out, force, inputs) as tmp, overfit.quiet():
        sources = [e.source for e in examples] + _wider(extra, {s for s, _ in directions})
        targets = [e.target for e in examples] + _wider(extra, {t for _, t in directions})
        vocab_size = fam.write_tokenizer(tmp, sources, targets, directions, OVERFIT_SHAPE, seed)
        fam.write_configs(tmp, OVERFIT_SHAPE, vocab_size)
        overfit.check_round_trip(tmp, examples)
        with overfit.torch_threads(overfit.THREADS):
            model = overfit.new_model(tmp, seed)
            trained = overfit.train(model, tmp, examples, max_steps, progress,
                                    learning_rate=fam.learning_rate,
                                    warmup_steps=fam.warmup_steps)
            model.save_pretrained(tmp)
            fam.write_configs(tmp, OVERFIT_SHAPE, vocab_size)  # ours, not save_pretrained's
            fam.after_save(tmp)
            _write_card(tmp, fam.family, "overfit", seed, examples, extra)
            # The proof is on the files: reload them the way every user of the model will.
            failing = overfit.mismatches(overfit.load_model(tmp), tmp, examples)
        if failing:
            raise RuntimeFailure(
                f"fixture model did not reproduce {len(failing)} of {len(examples)} pairs after "
                f"{trained['steps']} steps: {overfit.describe(failing, examples)}; "
                "raise the step limit"
            )
        params = sum(p.numel() for p in model.parameters())
    return {
        "kind": "overfit",
        "family": fam.family,
        "path": str(out),
        "pairs": len(examples),
        "directions": " ".join(f"{s}-{t}" for s, t in directions),
        **trained,
        "seconds": round(time.perf_counter() - started, 2),
        "vocab_size": vocab_size,
        "params": params,
        "seed": seed,
    }


def _wider(texts: Mapping[str, Sequence[str]], langs: set[str]) -> list[str]:
    """The ``vocab_from`` sentences of ``langs``, blank ones dropped."""
    return [t for lang in sorted(langs) for t in texts.get(lang, ()) if t.strip()]


def _check_vocab_langs(texts: Mapping[str, Sequence[str]],
                       directions: Sequence[tuple[str, str]]) -> None:
    unused = sorted(set(texts) - {lang for d in directions for lang in d})
    if unused:
        raise UsageError(f"--vocab-from {', '.join(unused)}: no direction of the model has "
                         "that language")


def _examples(pairs: Pairs | Mapping[tuple[str, str], Pairs], source_lang: str | None,
              target_lang: str | None) -> list[Example]:
    from translate.langs import language

    if isinstance(pairs, Mapping):
        by_direction = dict(pairs)
    else:
        _check_pairs(pairs)
        by_direction = {(language(source_lang, [s for s, _ in pairs], "the pairs' sources",
                                  "--from {lang}"),
                         language(target_lang, [t for _, t in pairs], "the pairs' targets",
                                  "--to {lang}")): pairs}
    if not by_direction:
        raise InputError("no pairs to train on")
    examples = []
    for (src, tgt), direction_pairs in by_direction.items():
        _check_pairs(direction_pairs)
        language(src, [s for s, _ in direction_pairs], f"the {src}-{tgt} sources",
                 f"--pairs {{lang}}-{tgt}=FILE")
        language(tgt, [t for _, t in direction_pairs], f"the {src}-{tgt} targets",
                 f"--pairs {src}-{{lang}}=FILE")
        examples += [Example(src, tgt, s, t) for s, t in direction_pairs]
    return examples


def build_shape(
    out: Path,
    *,
    family: str = "marian",
    shape: str | None = None,
    seed: int = 0,
    force: bool = False,
    source_lang: str = "ar",
    target_lang: str = "en",
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Write a model with a real model's dimensions and random weights to ``out`` (speed work).

    ``shape``: the family's real one by default (marian: opus-mt-base, nllb:
    nllb-200-distilled-600M), or "tiny". The SentencePiece models are trained on ``texts``
    (source sentences, target sentences), by default on synthetic text; the vocabulary is
    padded with synthetic pieces to the shape's full size so the embeddings and the output
    projection have their real size. A multilingual family learns Arabic, English and Russian.
    """
    out = Path(out)
    fam = layouts.layout(family)
    spec = fam.shape(shape)
    if texts is not None and not (texts[0] and texts[1]):
        raise InputError("build_shape needs source and target sentences to train SentencePiece")
    targets = ["en", "ru"] if fam.multilingual else [target_lang]
    directions = [(source_lang, t) for t in targets if t != source_lang]
    started = time.perf_counter()
    with _staging(out, force) as tmp, overfit.quiet():
        src_text, tgt_text = texts or (
            spm_lib.synthetic_text(source_lang, n=3000, seed=seed),
            [s for t in targets for s in spm_lib.synthetic_text(t, n=3000, seed=seed)],
        )
        vocab_size = fam.write_tokenizer(tmp, src_text, tgt_text, directions, spec, seed)
        fam.write_configs(tmp, spec, vocab_size)
        with overfit.torch_threads(max(overfit.THREADS, os.cpu_count() or 1)):
            model = overfit.new_model(tmp, seed)
            model.save_pretrained(tmp)
        fam.write_configs(tmp, spec, vocab_size)
        fam.after_save(tmp)
        _write_card(tmp, fam.family, f"shape {shape or fam.default_shape}", seed, None)
        params = sum(p.numel() for p in model.parameters())
    return {
        "kind": "shape",
        "family": fam.family,
        "shape": shape or fam.default_shape,
        "path": str(out),
        "d_model": spec.d_model,
        "layers": spec.layers,
        "vocab_size": vocab_size,
        "params": params,
        "seconds": round(time.perf_counter() - started, 2),
        "seed": seed,
    }


# --- writing the layout ---------------------------------------------------------------------


def _write_card(d: Path, family: str, kind: str, seed: int,
                examples: Sequence[Example] | None,
                vocab_from: Mapping[str, Sequence[str]] | None = None) -> None:
    """A README.md, as every hub repository has, saying what this model is not."""
    lines = ["---", "tags:", "- translation", "- tarjama-fixture", "---", "",
             f"# tarjama fixture model ({family}, {kind})", "",
             "Not a translation model: built offline by tarjama's fixture builder to test and "
             f"benchmark the loading, translation and conversion code on the {family} layout of "
             "the hub.", "", f"- builder: {builder_fingerprint()}", f"- seed: {seed}"]
    if examples is not None:
        text = "\n".join(f"{e.src_lang}-{e.tgt_lang}\t{e.source}\t{e.target}" for e in examples)
        digest = hashlib.sha256(text.encode()).hexdigest()
        lines += [f"- trained to reproduce {len(examples)} pairs exactly (sha256 {digest[:16]})"]
    for lang, texts in sorted((vocab_from or {}).items()):
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
        lines += [f"- {lang} tokenizer also trained on {len(texts)} more sentences "
                  f"(sha256 {digest[:16]})"]
    (d / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def _staging(out: Path, force: bool, inputs: Sequence[str | Path] = ()) -> Iterator[Path]:
    """A temp directory beside ``out`` that replaces it only when the block succeeds; ``out``
    is checked now (a folder that cannot be written fails before training, a folder that is
    not a fixture of ours is never replaced) and again before the swap."""
    with fsio.atomic_dir(out, "fixture", force=force, inputs=inputs, ours=_is_fixture) as tmp:
        yield tmp
        for f in tmp.iterdir():  # save_pretrained writes 0600 files; make them plain files
            if f.is_file():
                f.chmod(fsio.new_file_mode())


def _is_fixture(path: Path) -> bool:
    """A fixture built before fsio.MARKER existed: its model card says what it is."""
    try:
        return "- tarjama-fixture" in (path / "README.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


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
