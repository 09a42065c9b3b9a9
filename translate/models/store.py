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

import dataclasses
import errno
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.errors import ModelNotFoundError, RuntimeFailure, UsageError

if TYPE_CHECKING:
    from translate.models.adapters.base import ModelAdapter

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


@dataclass(frozen=True, eq=False)
class ResolvedModel:
    """A model found on disk and checked, once: everything later stages need to know about it.

    ``resolve`` builds it; engines, the converter, the chunker's token counter and the loaded-
    engine registry (translate.engines.load_shared) take it as it is, so config.json is read
    and validated once per model, not by each of them.
    """

    spec: str  # what the user asked for
    path: Path
    model_id: str  # the hub id when known, else the directory name
    adapter: ModelAdapter  # the family's, bound to ``path`` (holds the parsed config)
    is_ct2: bool  # a CTranslate2 conversion (model.bin)
    declared: bool  # its config names the family (a directory the converter can read)

    @property
    def model_type(self) -> str:
        return self.adapter.model_type

    @property
    def config(self) -> dict[str, Any]:
        """The transformers config.json (kept beside a conversion), validated."""
        return self.adapter.config

    @property
    def tokenizer_files(self) -> tuple[Path, ...]:
        """The files the family's tokenizer reads (what a conversion must carry along)."""
        return tuple(self.path / f for f in self.adapter.converted_files)

    @property
    def convertible(self) -> bool:
        """A transformers-layout directory CTranslate2's converter can read."""
        return not self.is_ct2 and self.declared

    def fingerprint(self) -> str:
        """Identity of the weights for the translation cache: config + weight file digests.

        Hub snapshots are named by commit, but a local directory may be retrained in place, so
        we hash content; the weights digest is memoised on (size, mtime) in a sidecar file.
        """
        return self._fingerprint

    @functools.cached_property
    def _fingerprint(self) -> str:
        h = hashlib.sha256()
        for p in self._files():
            h.update(p.name.encode())
            h.update(_file_digest(p).encode())
        return h.hexdigest()[:16]

    def stamp(self) -> tuple[tuple[str, int, int], ...]:
        """(name, size, mtime) of every file: cheap, and changes when the model is rebuilt in
        place, so a loaded copy is not reused for new weights (translate.engines)."""
        return tuple((p.name, st.st_size, st.st_mtime_ns)
                     for p in self._files() for st in [p.stat()])

    def _files(self) -> list[Path]:
        return [self.path / name for name in sorted(os.listdir(self.path))
                if not name.startswith(".") and (self.path / name).is_file()]


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


def inspect_model_dir(path: Path, spec: str) -> ResolvedModel:
    """Check a directory once and describe it: a directory that is not a usable model gets a
    clear error, not a stack trace.

    Which files it needs is its family's (translate.models.adapters); an unsupported family, and
    a config.json that is broken or not a JSON object, are refused here, before anything loads.
    """
    from translate.models.adapters import adapter_type, read_config

    converted = (path / "model.bin").is_file()  # a CTranslate2 conversion
    if not converted and any((path / f).is_file() for f in CT2_MARKERS):
        raise UsageError(f"{path} is a CTranslate2 conversion without its model.bin (an "
                         "interrupted copy?); convert the model again: tarjama models convert "
                         "SOURCE --force")
    found = read_config(path)
    adapter = adapter_type(path, found)
    missing = adapter.missing_files(path, converted=converted)
    if missing:
        raise UsageError(
            f"{path} is not a usable model directory for {spec!r}: missing {', '.join(missing)}"
        )
    return ResolvedModel(spec, path, found.model_id or path.resolve().name,
                         adapter(path, found.model_type, found.config), converted,
                         found.declared)


def resolve(spec: str, *, download: bool = True) -> ResolvedModel:
    """Find the model named by ``spec`` on disk, downloading it from the hub when allowed."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return inspect_model_dir(path.resolve(), spec)
    if path.exists():
        raise UsageError(f"model {spec!r} is a file; pass the model's directory")
    if not is_hub_id(spec):
        # A path, not a hub id: pulling it could never help.
        raise UsageError(f"model directory {path} does not exist")
    looked = []
    stored = store_path(spec)
    looked.append(f"tarjama store {stored}")
    if stored.is_dir():
        return _with_id(inspect_model_dir(stored, spec), spec)
    looked.append(f"Hugging Face cache {hf_cache_dir()}")
    snapshot = _hub_snapshot(spec, download=download, looked=looked)
    return _with_id(inspect_model_dir(snapshot, spec), spec)


def is_hub_id(spec: str) -> bool:
    """``owner/name``, as the hub names models; anything else given to --model is a path."""
    return spec.count("/") == 1 and not spec.startswith(("/", ".", "~")) and \
        not spec.endswith("/")


def _with_id(model: ResolvedModel, model_id: str) -> ResolvedModel:
    return dataclasses.replace(model, model_id=model_id)


def _hub_snapshot(model_id: str, *, download: bool, looked: list[str],
                  fix: str | None = None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, HTTPError

    offline = hub_offline() or not download
    if not offline:
        looked.append("the Hugging Face hub")
    try:
        return Path(
            snapshot_download(model_id, allow_patterns=hub_patterns(), local_files_only=offline)
        )
    except HFValidationError as e:
        raise ModelNotFoundError(model_id, looked, f"not a valid hub id: {e}", fix) from None
    except OSError as e:
        # The hub's own errors (404, gated, offline, not cached) are OSErrors too; a full disk
        # or a cache we may not write is not "not found", and says so.
        _raise_local_failure(e, f"the Hugging Face cache {hf_cache_dir()}", "HF_HOME")
        reason = "offline mode (HF_HUB_OFFLINE=1)" if offline else _short(e)
        raise ModelNotFoundError(model_id, looked, reason, fix) from None
    except HTTPError as e:  # a network error below the hub's own classes (timeouts)
        raise ModelNotFoundError(model_id, looked, _short(e), fix) from None


def _raise_local_failure(e: OSError, where: str, variable: str) -> None:
    """A full disk or a directory we may not write, said as such (never "model not found")."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        raise RuntimeFailure(f"no space left on the disk of {where} ({e.filename or e}); free "
                             f"some space or set {variable} to another disk") from None
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        raise UsageError(f"cannot write to {where}: {e.strerror} ({e.filename or e}); set "
                         f"{variable} to a writable directory") from None


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]


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
    except (OSError, ValueError):  # not cached (or not a hub id): an answer, not an error
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
    if not is_hub_id(model_id):
        raise UsageError(f"models pull {model_id!r}: give a hub id (OWNER/NAME, e.g. "
                         f"{DEFAULT_MODELS[('ar', 'en')]}); a local directory needs no pull")
    looked = [f"Hugging Face cache {hf_cache_dir()}"]
    snapshot = _hub_snapshot(model_id, download=True, looked=looked, fix=PULL_FIX)
    with atomic_dir(target, "pull") as tmp:
        for f in snapshot.iterdir():
            if f.is_file():
                try:
                    shutil.copy2(f.resolve(), tmp / f.name)
                except OSError as e:
                    _raise_local_failure(e, f"the model store {store_dir()}", "TARJAMA_MODELS")
                    raise
        inspect_model_dir(tmp, model_id)
    return target


# `models pull` has no --model: what helps is the id itself, or a connection.
PULL_FIX = ("check the id on the hub (OWNER/NAME) and run the pull on a machine that reaches "
            "it (HF_HUB_OFFLINE unset)")
