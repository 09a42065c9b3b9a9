"""Where models come from: a local directory, the tarjama model store, or the Hugging Face hub.

Resolution order for a spec (what the user passed to ``--model``):
1. an existing directory: used as is (validated for its family's layout);
2. a hub id (``Helsinki-NLP/opus-mt-ar-en``) already in the tarjama store (``tarjama models
   pull`` / ``convert`` put it there);
3. the Hugging Face cache / hub via ``huggingface_hub.snapshot_download``, which honours
   HF_HOME, HF_HUB_CACHE and HF_HUB_OFFLINE (offline: cache only, no network call).
A model that is nowhere raises ModelNotFoundError naming every place that was looked at.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from translate.errors import ModelNotFoundError, UsageError

DEFAULT_MODELS: dict[tuple[str, str], str] = {
    ("ar", "en"): "Helsinki-NLP/opus-mt-ar-en",
    ("ar", "ru"): "Helsinki-NLP/opus-mt-ar-ru",
    ("en", "ru"): "Helsinki-NLP/opus-mt-en-ru",  # the second leg of the ar→en→ru pivot
}

def hub_patterns() -> list[str]:
    """What to download: what translation needs, never the TF/Flax/rust copies hub repos carry."""
    from translate.models.adapters import hub_files

    return hub_files()


def store_dir() -> Path:
    """The tarjama model store: $TARJAMA_MODELS, else the user cache."""
    env = os.environ.get("TARJAMA_MODELS")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "tarjama" / "models"


def store_path(model_id: str, kind: str = "hf") -> Path:
    """Directory of a model in the store; ``kind``: "hf" (transformers layout), "ct2-int8"..."""
    return store_dir() / model_id.replace("/", "--") / kind


def hf_cache_dir() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def hub_offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


@dataclass(frozen=True)
class ModelRef:
    """A model found on disk: what the user asked for and where its files are."""

    spec: str
    path: Path
    model_id: str  # the hub id when known, else the directory name

    @property
    def is_ct2(self) -> bool:
        return (self.path / "model.bin").is_file()

    def fingerprint(self) -> str:
        """Identity of the weights for the translation cache: config + weight file digests.

        Hub snapshots are named by commit, but a local directory may be retrained in place, so
        we hash content; the weights digest is memoised on (size, mtime) in a sidecar file.
        """
        h = hashlib.sha256()
        for name in sorted(os.listdir(self.path)):
            p = self.path / name
            if not p.is_file() or name.startswith("."):
                continue
            h.update(name.encode())
            h.update(_file_digest(p).encode())
        return h.hexdigest()[:16]


def _file_digest(path: Path) -> str:
    st = path.stat()
    if st.st_size < 1 << 20:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    memo = path.parent / f".{path.name}.sha256"
    key = f"{st.st_size}:{st.st_mtime_ns}"
    try:
        saved_key, digest = memo.read_text().split()
        if saved_key == key:
            return digest
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    digest = h.hexdigest()
    try:
        memo.write_text(f"{key} {digest}\n")
    except OSError:  # a read-only model directory is fine; we just recompute next time
        pass
    return digest


# Files only a CTranslate2 conversion has (ours or ct2-transformers-converter's).
CT2_MARKERS = ("shared_vocabulary.json", "source_vocabulary.json", "tarjama.json")


def validate_model_dir(path: Path, spec: str) -> None:
    """A directory that is not a usable model gets a clear error, not a stack trace.

    Which files it needs is its family's (translate.models.adapters); an unsupported family is
    refused here, before anything is loaded.
    """
    from translate.models.adapters import adapter_type

    converted = (path / "model.bin").is_file()  # a CTranslate2 conversion
    if not converted and any((path / f).is_file() for f in CT2_MARKERS):
        raise UsageError(f"{path} is a CTranslate2 conversion without its model.bin (an "
                         "interrupted copy?); convert the model again: tarjama models convert "
                         "SOURCE --force")
    adapter = adapter_type(path)
    missing = adapter.missing_files(path, converted=converted)
    if missing:
        raise UsageError(
            f"{path} is not a usable model directory for {spec!r}: missing {', '.join(missing)}"
        )
    if (path / "config.json").is_file():
        try:
            json.loads((path / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise UsageError(f"{path / 'config.json'} is not valid JSON: {e}") from None


def resolve(spec: str, *, download: bool = True) -> ModelRef:
    """Find the model named by ``spec`` on disk, downloading it from the hub when allowed."""
    path = Path(spec).expanduser()
    if path.is_dir():
        validate_model_dir(path, spec)
        return ModelRef(spec, path.resolve(), _model_id_of(path))
    if path.exists():
        raise UsageError(f"model {spec!r} is a file; pass the model's directory")
    if spec.count("/") != 1 or spec.startswith(("/", ".", "~")):
        raise ModelNotFoundError(spec, [f"directory {path}"], "no such directory")
    looked = []
    stored = store_path(spec)
    looked.append(f"tarjama store {stored}")
    if stored.is_dir():
        validate_model_dir(stored, spec)
        return ModelRef(spec, stored, spec)
    looked.append(f"Hugging Face cache {hf_cache_dir()}")
    snapshot = _hub_snapshot(spec, download=download, looked=looked)
    validate_model_dir(snapshot, spec)
    return ModelRef(spec, snapshot, spec)


def _hub_snapshot(model_id: str, *, download: bool, looked: list[str]) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    offline = hub_offline() or not download
    if not offline:
        looked.append("the Hugging Face hub")
    try:
        return Path(
            snapshot_download(model_id, allow_patterns=hub_patterns(), local_files_only=offline)
        )
    except HFValidationError as e:
        raise ModelNotFoundError(model_id, looked, f"not a valid hub id: {e}") from None
    except Exception as e:  # network, 404, gated repo: all mean "not available here"
        reason = "offline mode (HF_HUB_OFFLINE=1)" if offline else _short(e)
        raise ModelNotFoundError(model_id, looked, reason) from None


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]


def _model_id_of(path: Path) -> str:
    """A readable id for a local directory: the hub id recorded in its config, else its name."""
    try:
        cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
        name = cfg.get("_name_or_path") or cfg.get("tarjama_model_id")
        if isinstance(name, str) and name and not name.startswith("/"):
            return name
    except (OSError, ValueError):
        pass
    return path.resolve().name


def local_status(model_id: str) -> str:
    """Where a model is available without a network, for `tarjama models list`."""
    found = []
    if store_path(model_id).is_dir():
        found.append("store")
    if any(store_path(model_id, kind).is_dir() for kind in ("ct2-int8", "ct2-float16")):
        found.append("store (ctranslate2)")
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(model_id, allow_patterns=hub_patterns(), local_files_only=True)
        found.append("HF cache")
    except Exception:  # not cached: that is an answer, not an error
        pass
    return ", ".join(found) or "no"


def pull(model_id: str, *, force: bool = False) -> Path:
    """Download ``model_id`` from the hub into the tarjama store (a plain directory copy)."""
    import shutil

    from translate.errors import OutputExistsError
    from translate.fsio import atomic_dir

    target = store_path(model_id)
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass --force to download it again")
    looked = [f"Hugging Face cache {hf_cache_dir()}"]
    snapshot = _hub_snapshot(model_id, download=True, looked=looked)
    # Everything under the store is tarjama's own: a copy made before fsio.MARKER is ours too.
    with atomic_dir(target, "pull", force=force, ours=lambda d: True) as tmp:
        for f in snapshot.iterdir():
            if f.is_file():
                shutil.copy2(f.resolve(), tmp / f.name)
        validate_model_dir(tmp, model_id)
    return target
