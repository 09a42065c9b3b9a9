"""The engine contract: one public ``translate`` over a hook that backends fill.

Everything that must be done the same way for every backend lives here, once: inputs longer than
the model's limit are cut into chunks and their translations joined back (nothing is truncated),
identical inputs are translated once, inputs already in the translation cache are not translated
again, batches are formed by length (sorted, so padding is small) and results are put back in
input order, progress is reported, and a batch that fails is retried item by item so one bad
segment cannot take the others down.

The model itself is loaded on first need (``load()``), not in the constructor: counting tokens
only needs the SentencePiece model, and a rerun served from the cache never pays for the weights.
"""

from __future__ import annotations

import copy
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from translate.errors import RuntimeFailure, UsageError
from translate.models.store import ModelRef

if TYPE_CHECKING:
    from translate.cache import TranslationCache

ProgressFn = Callable[[int, int], None]
_LOAD_LOCK = threading.RLock()


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding and batching options shared by every backend (part of the cache key)."""

    beam: int = 4
    batch_size: int = 16  # sentences per batch at most
    batch_tokens: int = 0  # source tokens per batch at most (padded); 0 = no token budget
    max_input_length: int = 400  # longer inputs are chunked, never truncated
    max_decoding_length: int = 512  # hard cap on output tokens; a hit is flagged
    min_decoding_length: int = 0  # benchmarks force equal output lengths across engines
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    threads: int = 0  # 0 = the library's default (ctranslate2: intra_threads per translator)
    inter_threads: int = 1  # ctranslate2: batches decoded in parallel by one translator
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # ctranslate2: int8 on CPU, int8_float16 on GPU
    use_vmap: bool = False  # ctranslate2: restrict the output layer to the model's vmap.txt

    def decoding_key(self) -> dict[str, Any]:
        """The options that change what is produced (not how fast): for the cache key."""
        keep = ("beam", "max_input_length", "max_decoding_length", "min_decoding_length",
                "no_repeat_ngram_size", "repetition_penalty", "use_vmap")
        return {k: v for k, v in asdict(self).items() if k in keep}

    def max_new_tokens(self, source_tokens: int) -> int:
        # Output length follows input length; opus-mt ar→ru rarely exceeds 2x in tokens, so
        # 2x + 16 leaves room while keeping a looping hypothesis from running to 512.
        return max(self.min_decoding_length,
                   min(self.max_decoding_length, 2 * source_tokens + 16))


@dataclass
class Hypothesis:
    """One input's translation with what the decoder knows about it."""

    text: str
    hit_limit: bool = False  # stopped at the decoding limit: possibly incomplete
    tokens: int = 0  # output tokens (for speed reports)
    error: str | None = None  # set when this input could not be translated at all


@dataclass
class EngineStats:
    load_seconds: float = 0.0
    translate_seconds: float = 0.0
    inputs: int = 0
    units: int = 0  # texts actually decoded (after chunking, de-duplication and the cache)
    cache_hits: int = 0
    output_tokens: int = 0
    batch_latencies: list[float] = field(default_factory=list)


class Engine(ABC):
    """A loaded translation model for one direction (e.g. ar→en)."""

    backend: ClassVar[str]
    # Whether decoding releases the GIL, so engines of different directions can run in threads
    # at the same time (CTranslate2 does; torch's generate loop mostly holds it).
    releases_gil: ClassVar[bool] = False

    def __init__(self, ref: ModelRef, src_lang: str, tgt_lang: str,
                 options: DecodeOptions | None = None) -> None:
        self.ref = ref
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.options = options or DecodeOptions()
        self.stats = EngineStats()
        self.cache: TranslationCache | None = None  # set by the caller to reuse translations
        self._loaded = False
        self._fingerprint: str | None = None
        self._sp = _load_spm(ref.path / "source.spm")

    def load(self) -> Engine:
        """Load the model now (idempotent); ``translate`` calls it when it has work to do."""
        # One load at a time across threads: engines that translate side by side load lazily
        # in their threads, and transformers' loading (used by the CTranslate2 converter) is
        # not thread-safe (it switches a process-wide default device while building a model).
        with _LOAD_LOCK:
            if not self._loaded:
                started = time.perf_counter()
                self._load()
                self._loaded = True
                self.stats.load_seconds += time.perf_counter() - started
        return self

    def with_options(self, **changes: Any) -> Engine:
        """The same loaded model decoding with other options (e.g. repetition controls for a
        retry); the weights are shared, not loaded again."""
        self.load()
        twin = copy.copy(self)
        twin.options = replace(self.options, **changes)
        twin.stats = EngineStats()
        return twin

    @property
    def model_id(self) -> str:
        return self.ref.model_id

    @property
    def pair(self) -> str:
        return f"{self.src_lang}-{self.tgt_lang}"

    def cache_identity(self) -> str:
        """What besides the weights and decoding options changes the output (cache key part)."""
        return self.backend

    def describe(self) -> dict[str, Any]:
        return {"model": self.model_id, "path": str(self.ref.path), "backend": self.backend,
                "pair": self.pair, "beam": self.options.beam}

    def count_tokens(self, text: str) -> int:
        """Source subword tokens as the model sees them, end-of-sentence included."""
        return len(self._sp.encode(text)) + 1

    # -- the public contract -------------------------------------------------------------
    def translate(self, texts: Sequence[str], progress: ProgressFn | None = None) -> list[str]:
        hyps = self.translate_detailed(texts, progress)
        failed = [(i, h.error) for i, h in enumerate(hyps) if h.error is not None]
        if failed:
            i, err = failed[0]
            raise RuntimeFailure(f"{len(failed)} input(s) failed to translate; first #{i}: {err}")
        return [h.text for h in hyps]

    def translate_detailed(self, texts: Sequence[str],
                           progress: ProgressFn | None = None) -> list[Hypothesis]:
        from translate.segment.chunk import chunk_text

        started = time.perf_counter()
        limit = self.options.max_input_length
        pieces_of: list[list[str]] = []
        for text in texts:
            stripped = text.strip()
            if not stripped:
                pieces_of.append([])
            elif self.count_tokens(stripped) > limit:
                pieces_of.append(chunk_text(stripped, limit - 1, self.count_tokens))
            else:
                pieces_of.append([stripped])
        unique = list(dict.fromkeys(p for pieces in pieces_of for p in pieces))
        done = self._cached(unique)
        todo = [u for u in unique if u not in done]
        fresh = self._run_batches(todo, progress, offset=len(done), total=len(unique))
        if self.cache is not None:
            self.cache.put_many(self._cache_scope(),
                                {u: h for u, h in fresh.items() if h.error is None})
        done.update(fresh)
        out = []
        for pieces in pieces_of:
            parts = [done[p] for p in pieces]
            errors = [h.error for h in parts if h.error]
            out.append(Hypothesis(
                text=" ".join(h.text for h in parts if h.text),
                hit_limit=any(h.hit_limit for h in parts),
                tokens=sum(h.tokens for h in parts),
                error="; ".join(errors) if errors else None,
            ))
        self.stats.inputs += len(texts)
        self.stats.units += len(todo)
        self.stats.cache_hits += len(unique) - len(todo)
        self.stats.output_tokens += sum(h.tokens for h in fresh.values())
        self.stats.translate_seconds += time.perf_counter() - started
        return out

    # -- batching --------------------------------------------------------------------------
    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indices of ``texts`` grouped into batches of similar length, longest first."""
        lengths = [self.count_tokens(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            # Longest first, so a batch's padded width is its first item's length.
            width = lengths[current[0]] if current else lengths[i]
            over_tokens = self.options.batch_tokens and width * (len(current) + 1) > \
                self.options.batch_tokens
            if current and (len(current) >= self.options.batch_size or over_tokens):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    # -- the translation cache -------------------------------------------------------------
    def _cache_scope(self) -> tuple[str, str, dict[str, Any]]:
        if self._fingerprint is None:  # hashing the weights once per engine is enough
            self._fingerprint = self.ref.fingerprint()
        return (self._fingerprint, self.cache_identity(), self.options.decoding_key())

    def _cached(self, texts: list[str]) -> dict[str, Hypothesis]:
        if self.cache is None or not texts:
            return {}
        return self.cache.get_many(self._cache_scope(), texts)

    def _run_batches(self, texts: list[str], progress: ProgressFn | None, *, offset: int = 0,
                     total: int | None = None) -> dict[str, Hypothesis]:
        result: dict[str, Hypothesis] = {}
        total = len(texts) if total is None else total
        finished = offset
        if progress:
            progress(finished, total)
        if texts:
            self.load()
        for batch in self.batches(texts):
            items = [texts[i] for i in batch]
            t0 = time.perf_counter()
            for text, hyp in zip(items, self._generate_safely(items), strict=True):
                result[text] = hyp
            self.stats.batch_latencies.append(time.perf_counter() - t0)
            finished += len(items)
            if progress:
                progress(finished, total)
        return result

    def _generate_safely(self, items: list[str]) -> list[Hypothesis]:
        try:
            hyps = self._generate(items)
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as e:
            if len(items) == 1:
                return [_failed(e)]
            # One input can break a whole batch (a tokenizer edge case, an OOM on the longest):
            # retry one by one so only the culprit is lost, and it is flagged, not dropped.
            return [self._generate_one(t) for t in items]
        if len(hyps) != len(items):
            raise RuntimeFailure(f"{self.backend} returned {len(hyps)} outputs for {len(items)}")
        return hyps

    def _generate_one(self, text: str) -> Hypothesis:
        try:
            return self._generate([text])[0]
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as e:
            return _failed(e)

    # -- backend hooks ---------------------------------------------------------------------
    @abstractmethod
    def _load(self) -> None:
        """Load the model (called once, from the constructor)."""

    @abstractmethod
    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        """Translate one batch of non-empty inputs that fit the model; return in order."""


def _failed(e: Exception) -> Hypothesis:
    return Hypothesis(text="", error=f"{type(e).__name__}: {e}"[:300])


def _load_spm(path: Path) -> Any:
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor()
    try:
        loaded = sp.Load(str(path))
    except (OSError, RuntimeError) as e:
        raise damaged_model(path.parent, e) from None
    if not loaded:  # pragma: no cover - Load raises on failure in practice
        raise RuntimeFailure(f"cannot load {path}")
    return sp


def damaged_model(path: Path, e: Exception) -> UsageError:
    """A model directory whose files exist but cannot be loaded (truncated, damaged)."""
    from translate.models.store import store_dir

    why = " ".join(f"{type(e).__name__}: {e}".split())[:240]
    fix = (f"delete {path}: it is converted again on first use"
           if path.resolve().is_relative_to(store_dir().resolve())
           else "download, convert or build the model again")
    return UsageError(f"the model in {path} cannot be loaded, its files are damaged ({why}); "
                      f"{fix}")
