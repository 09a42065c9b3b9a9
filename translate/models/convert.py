"""Convert a model to CTranslate2, into the model store or a chosen directory.

The conversion is written to a temporary directory beside the target and renamed into place, so
an interrupted run never leaves a half-converted model under the final name. The tokenizer
files travel with it (CTranslate2 works on tokens; tokenising is the family adapter's, see
translate.models.adapters), and a ``tarjama.json`` records where it came from: the family, and
the source's fingerprint, so a fixture retrained in place gets a new fingerprint and
``--backend auto`` converts it again instead of reusing stale weights.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from translate.errors import MissingExtraError, OutputExistsError, RuntimeFailure, UsageError
from translate.fsio import atomic_dir, check_output_dir
from translate.models.adapters import META, config_copy_name
from translate.models.store import ResolvedModel, is_hub_id, resolve, store_dir, store_path

QUANTIZATIONS = ("int8", "int8_float16", "int8_float32", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")


def conversion_dir(ref: ResolvedModel, quantization: str = "int8") -> Path:
    """Where the store keeps the conversion of ``ref``.

    A hub id has one place (beside its pulled copy); a local directory is keyed by its content
    fingerprint, since the same path may hold a different model tomorrow.
    """
    kind = f"ct2-{quantization}"
    if _is_hub_id(ref.spec):
        return store_path(ref.spec, kind)
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in ref.model_id)[:60]
    return store_dir() / "local" / f"{name}-{ref.fingerprint()}" / kind


def read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_fresh(ct2_dir: Path, ref: ResolvedModel) -> bool:
    """A finished conversion of exactly these weights (not of an older version of them)."""
    return (ct2_dir / "model.bin").is_file() and \
        read_meta(ct2_dir).get("source_fingerprint") == ref.fingerprint()


def ensure_converted(ref: ResolvedModel, quantization: str = "int8") -> Path:
    """The CTranslate2 directory for ``ref``, converted once (again when it is stale)."""
    if ref.is_ct2:
        return ref.path
    target = conversion_dir(ref, quantization)
    if is_fresh(target, ref):
        return target
    return convert_ref(ref, target, quantization=quantization, force=True)


def convert(spec: str, *, quantization: str = "int8", out: Path | None = None,
            force: bool = False, vmap: Path | None = None) -> Path:
    """Convert the model named by ``spec`` (hub id or directory); return the output directory."""
    ref = resolve(spec)
    if ref.is_ct2:
        raise UsageError(f"{ref.path} is already a CTranslate2 model; nothing to convert")
    target = Path(out) if out is not None else conversion_dir(ref, quantization)
    return convert_ref(ref, target, quantization=quantization, force=force, vmap=vmap)


def convert_ref(ref: ResolvedModel, target: Path, *, quantization: str = "int8",
                force: bool = False, vmap: Path | None = None) -> Path:
    if quantization not in QUANTIZATIONS:
        raise UsageError(f"--quantization {quantization!r}: choose from {', '.join(QUANTIZATIONS)}")
    check_output_dir(target)  # not a file, and writable: before the converter runs
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass --force to convert again")
    if vmap is not None and not Path(vmap).is_file():
        raise UsageError(f"--vmap {vmap}: no such file")
    try:
        import ctranslate2  # noqa: F401
        from ctranslate2.converters import TransformersConverter
        from safetensors import SafetensorError
    except ModuleNotFoundError:
        raise MissingExtraError("ctranslate2") from None

    adapter = ref.adapter
    with atomic_dir(target, "convert") as tmp:
        converter = TransformersConverter(
            str(ref.path),
            # Beside model.bin: what tokenising needs, and the metadata a reader may want.
            copy_files=[f for f in adapter.copy_files if (ref.path / f).is_file()],
            trust_remote_code=False,
        )
        try:
            with _quiet():
                # The converter refuses an existing directory; ours is fresh and empty.
                converter.convert(str(tmp), vmap=str(vmap) if vmap else None,
                                  quantization=quantization, force=True)
        except (ValueError, KeyError, OSError, RuntimeError, SafetensorError) as e:
            # what the converter raises for weights it cannot read (no class of its own)
            raise RuntimeFailure(f"converting {ref.spec} to CTranslate2 failed: "
                                 f"{type(e).__name__}: {e}") from None
        # CTranslate2 writes a config.json of its own: the family's is kept under another name.
        shutil.copy2(ref.path / "config.json", tmp / config_copy_name(adapter.model_type))
        _write_meta(tmp, ref, adapter.model_type, quantization, vmap)
    return target


def _write_meta(d: Path, ref: ResolvedModel, model_type: str, quantization: str,
                vmap: Path | None) -> None:
    import ctranslate2

    meta = {
        "model_id": ref.model_id,
        "model_type": model_type,
        "source": ref.spec if _is_hub_id(ref.spec) else str(ref.path),
        "source_fingerprint": ref.fingerprint(),
        "quantization": quantization,
        "vmap": bool(vmap),
        "ctranslate2": ctranslate2.__version__,
    }
    (d / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    # adapters.read_config reads this key, so a converted directory keeps the model's readable id.
    cfg_path = d / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["tarjama_model_id"] = ref.model_id
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")


def _is_hub_id(spec: str) -> bool:
    return is_hub_id(spec) and not Path(spec).expanduser().exists()


@contextmanager
def _quiet() -> Iterator[None]:
    """The converter loads the model through transformers, which logs and shows progress bars."""
    import logging
    import warnings

    logger = logging.getLogger("transformers")
    level = logger.level
    bars = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logger.setLevel(logging.ERROR)
        try:
            from transformers.utils import logging as tlog

            bars = tlog.is_progress_bar_enabled()
            tlog.disable_progress_bar()
            yield
        finally:
            logger.setLevel(level)
            if bars:
                tlog.enable_progress_bar()


def build_vmap(pairs: list[tuple[str, str]], source_spm: Path, target_spm: Path, *,
               per_source: int = 50, common: int = 500) -> str:
    """A CTranslate2 vocabulary map learnt from parallel text by co-occurrence.

    Each line is ``source_piece<TAB>target candidates``; the line with an empty key lists the
    ``common`` most frequent target pieces, always allowed. With ``use_vmap`` the decoder scores
    only the union of the candidates of the batch's source pieces, instead of the whole ~62k
    output vocabulary. The candidates of a source piece are the target pieces that co-occur with
    it most (Dice coefficient over sentence pairs), so the map is only as good as the corpus it
    is learnt from: on pairs a model was trained on it keeps every output; on a model with
    random weights it measures speed, not quality.
    """
    from collections import Counter

    import sentencepiece

    src = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
    tgt = sentencepiece.SentencePieceProcessor(model_file=str(target_spm))
    n_src: Counter[str] = Counter()
    n_tgt: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for s, t in pairs:
        sp, tp = set(src.encode(s, out_type=str)), set(tgt.encode(t, out_type=str))
        n_src.update(sp)
        n_tgt.update(tp)
        both.update((a, b) for a in sp for b in tp)
    by_source: dict[str, list[tuple[float, str]]] = {}
    for (a, b), n in both.items():
        by_source.setdefault(a, []).append((2 * n / (n_src[a] + n_tgt[b]), b))
    lines = ["\t" + " ".join(p for p, _ in n_tgt.most_common(common))]
    for a in sorted(by_source):
        best = sorted(by_source[a], key=lambda x: (-x[0], x[1]))[:per_source]
        lines.append(f"{a}\t{' '.join(b for _, b in best)}")
    return "\n".join(lines) + "\n"
