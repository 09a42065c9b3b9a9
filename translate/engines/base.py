"""The engine contract: one public ``translate`` over a hook that backends fill.

Everything that must be done the same way for every backend lives here, once: inputs longer than
the model's limit are cut into chunks and their translations joined back (nothing is truncated),
identical inputs are translated once, inputs already in the translation cache are not translated
again, batches are formed by length (sorted, so padding is small) and results are put back in
input order, progress is reported, and a batch that fails is retried item by item so one bad
segment cannot take the others down.

What depends on the model's family (its tokenizer, language codes, input limit, files) is the
model adapter's (translate.models.adapters), chosen from the model's config; a backend knows
how to run a model, not which family it is.

The model itself is loaded on first need (``load()``), not in the constructor, and so is the
tokenizer: counting tokens only needs the tokenizer, and a rerun served from the cache never pays
for the weights. Loaded weights are shared: engines of one model (two directions of NLLB, or a
retry's twin) with the same backend and compute settings hold one copy (``shared_weights``).

Only a known engine failure (``engine_errors``: the runtime errors torch, CTranslate2 and the
tokenizers raise, out-of-memory included) turns an input into a flagged, untranslated segment;
anything else is a bug and propagates.
"""

from __future__ import annotations

import copy
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from translate.errors import RuntimeFailure, TarjamaError, UsageError
from translate.models.store import ResolvedModel
from translate.values import (
    BackendOptions,
    DecodeOptions,
    Hypothesis,
    ProgressFn,
    join_hypotheses,
)

if TYPE_CHECKING:
    from translate.cache import TranslationCache
    from translate.models.adapters.base import Tokenizer

_LOAD_LOCK = threading.RLock()
T = TypeVar("T")
#: (backend, model directory, compute settings): one loaded copy of a model's weights.
WeightsKey = tuple[str, str, tuple[object, ...]]


class _Weights:
    """A loaded copy of a model (a torch module, a CTranslate2 translator), in a holder the
    registry can refer to weakly: it lives as long as an engine holds it."""

    __slots__ = ("__weakref__", "value")

    def __init__(self, value: object) -> None:
        self.value = value


# Keyed also by the files' (size, mtime): a model rebuilt in place is loaded anew.
_SHARED: weakref.WeakValueDictionary[tuple[WeightsKey, object], _Weights] = \
    weakref.WeakValueDictionary()


def loaded_weights() -> list[WeightsKey]:
    """The copies of weights loaded in this process now (translate.engines.loaded_weights)."""
    with _LOAD_LOCK:
        return [key for key, _ in list(_SHARED.keys())]


@dataclass
class EngineStats:
    load_seconds: float = 0.0
    translate_seconds: float = 0.0
    inputs: int = 0
    units: int = 0  # texts actually decoded (after chunking, de-duplication and the cache)
    cache_hits: int = 0
    output_tokens: int = 0
    batch_latencies: list[float] = field(default_factory=list)
    cache_error: str = ""  # the cache could not be written (a full disk): translations kept


class Engine(ABC):
    """A loaded translation model for one direction (e.g. ar→en)."""

    backend: ClassVar[str]
    # Whether decoding releases the GIL, so engines of different directions can run in threads
    # at the same time (CTranslate2 does; torch's generate loop mostly holds it).
    releases_gil: ClassVar[bool] = False
    #: The options only this backend reads; others' are refused, not silently ignored.
    options_type: ClassVar[type[BackendOptions]] = BackendOptions

    #: What a failing batch may raise that is the engine's, not a bug: the runtime errors of
    #: torch (CUDA out of memory included), CTranslate2 and the tokenizers. A batch failing so is
    #: retried item by item and only the culprit is flagged; anything else propagates.
    engine_errors: ClassVar[tuple[type[Exception], ...]] = (RuntimeError,)
    #: RuntimeError subclasses that are bugs, never an input's fault.
    bug_errors: ClassVar[tuple[type[Exception], ...]] = (NotImplementedError, RecursionError)

    def __init__(self, ref: ResolvedModel, src_lang: str, tgt_lang: str,
                 options: DecodeOptions | None = None,
                 backend_options: BackendOptions | None = None) -> None:
        self.ref = ref
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.options = options or DecodeOptions()
        if backend_options is None:
            backend_options = self.options_type()
        if not isinstance(backend_options, self.options_type):
            raise TypeError(f"the {self.backend} backend takes {self.options_type.__name__}, "
                            f"not {type(backend_options).__name__}")
        self.backend_options = backend_options
        check_nbest(self.options)
        self.adapter = ref.adapter  # the family, found when the model was resolved
        # A model that cannot translate this direction is refused now, before any loading.
        self.adapter.check_direction(src_lang, tgt_lang)
        self.stats = EngineStats()
        self.cache: TranslationCache | None = None  # set by the caller to reuse translations
        self._loaded = False
        self._fingerprint: str | None = None
        self._tokenizer: Tokenizer | None = None
        self._weights: _Weights | None = None  # this engine's hold on the shared copy

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

    def weights_settings(self) -> tuple[object, ...]:
        """What the loaded weights depend on besides the model (device, compute type,
        threads): engines that agree on it share one copy."""
        return ()

    def shared_weights(self, load: Callable[[], T]) -> T:
        """The process's loaded copy of this model for this backend and settings, made by
        ``load`` when there is none yet (backends call it from ``_load``)."""
        key: WeightsKey = (self.backend, str(self.ref.path), self.weights_settings())
        with _LOAD_LOCK:
            holder = _SHARED.get((key, self.ref.stamp()))
            if holder is None:
                holder = _Weights(load())
                _SHARED[(key, self.ref.stamp())] = holder
            self._weights = holder
        return cast(T, holder.value)

    def with_options(self, **changes: Any) -> Engine:
        """The same loaded model decoding with other options (e.g. repetition controls for a
        retry); the weights are shared, not loaded again."""
        self.load()
        twin = copy.copy(self)
        twin.options = replace(self.options, **changes)
        twin.stats = EngineStats()
        return twin

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory (a run served from the cache never loads them)."""
        return self._loaded

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's tokenizer for this direction, loaded on first use (no weights needed)."""
        if self._tokenizer is None:
            self._tokenizer = self.adapter.tokenizer(self.src_lang, self.tgt_lang)
        return self._tokenizer

    @property
    def max_input_length(self) -> int:
        """The longest input sent to the model: the option, within what the model can read."""
        limit = self.adapter.max_input_length()
        return min(self.options.max_input_length, limit) if limit else \
            self.options.max_input_length

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
        return self.tokenizer.count(text)

    def decoding_key(self) -> dict[str, Any]:
        """What changes the output besides the weights and the backend (cache key part): the
        decoding options, the backend's own, and the direction for a multilingual model."""
        return {**self.options.decoding_key(), **self.backend_options.decoding_key(),
                **self.tokenizer.cache_key()}

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
        limit = self.max_input_length
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
        done.update(fresh)
        out = [join_hypotheses([done[p] for p in pieces]) for pieces in pieces_of]
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
        return (self._fingerprint, self.cache_identity(), self.decoding_key())

    def _uses_cache(self) -> bool:
        # The cache holds one translation per input, not its n-best list or scores: a run that
        # reports them neither reads (an entry would come without them) nor writes (its
        # translation is the best of n sampled draws, not what a plain run would decode).
        return self.cache is not None and not self.options.reports_nbest

    def _cached(self, texts: list[str]) -> dict[str, Hypothesis]:
        if self.cache is None or not texts or not self._uses_cache():
            return {}
        return self.cache.get_many(self._cache_scope(), texts)

    def _remember(self, fresh: dict[str, Hypothesis]) -> None:
        """Cache one batch as soon as it is decoded, so an interrupted run resumes from there.
        A cache that cannot be written (a full disk) is given up for this run, and said so in
        ``stats.cache_error``; the translations are never lost with it."""
        good = {u: h for u, h in fresh.items() if h.error is None}
        if self.cache is None or not good or not self._uses_cache():
            return
        try:
            self.cache.put_many(self._cache_scope(), good)
        except TarjamaError as e:
            self.stats.cache_error = str(e)
            self.cache = None

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
            self._remember({t: result[t] for t in items})
            finished += len(items)
            if progress:
                progress(finished, total)
        return result

    def _generate_safely(self, items: list[str]) -> list[Hypothesis]:
        try:
            hyps = self._generate(items)
        except self.engine_errors as e:
            if isinstance(e, self.bug_errors):
                raise
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
        except self.engine_errors as e:
            if isinstance(e, self.bug_errors):
                raise
            return _failed(e)

    # -- backend hooks ---------------------------------------------------------------------
    @abstractmethod
    def _load(self) -> None:
        """Load the model (called once, by ``load()``, when there is work for it)."""

    @abstractmethod
    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        """Translate one batch of non-empty inputs that fit the model; return in order."""


def choose_device(requested: str, cuda_devices: int, library: str) -> str:
    """``--device`` checked against what the backend's library sees: auto picks CUDA when
    there is a device, and asking for one that is not there is a usage error, not a crash."""
    if requested == "auto":
        return "cuda" if cuda_devices else "cpu"
    if requested == "cuda" and not cuda_devices:
        raise UsageError(f"--device cuda: {library} sees no CUDA device")
    if requested not in ("cpu", "cuda"):
        raise UsageError(f"--device must be auto, cpu or cuda, not {requested!r}")
    return requested


def check_nbest(options: DecodeOptions) -> None:
    """--n-best N asks beam search for N of the hypotheses it keeps, so N is at most the beam:
    transformers refuses more (num_return_sequences > num_beams), and CTranslate2's answer
    then depends on its patience. Sampling draws N independent hypotheses, whatever the beam
    (CTranslate2 samples with num_hypotheses > 1 at beam 1; transformers alike)."""
    if options.n_best < 1:
        raise UsageError(f"--n-best must be 1 or more, not {options.n_best}")
    if options.n_best > options.beam and not options.sampling:
        raise UsageError(f"--n-best {options.n_best} needs a beam that wide: raise --beam to "
                         f"{options.n_best} or more (it is {options.beam})")


def _failed(e: Exception) -> Hypothesis:
    return Hypothesis(text="", error=f"{type(e).__name__}: {e}"[:300])
