"""The models behind the server, loaded once, and one batch of requests through the pipeline.

Everything here is synchronous and runs on the server's one decoding thread (``Batcher``): the
engines are not shared between threads, and one decode at a time uses every core.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from translate.article import Article
from translate.engines.base import Engine
from translate.errors import TarjamaError, UsageError
from translate.pipeline import Plan, load_engines, make_plan, translate_articles
from translate.serve.settings import ServeSettings

LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "ru": "Russian"}


@dataclass
class Job:
    """One request's article and the languages it wants; ``size`` counts its segments."""

    article: Article
    targets: list[str]
    checks: bool = True

    @property
    def size(self) -> int:
        return sum(len(s.units()) for s in self.article.sentences())


@dataclass
class BatchStats:
    requests: int = 0
    segments: int = 0
    output_tokens: int = 0
    cache_hits: int = 0


def load_models(plan: Plan, use_cache: bool) -> dict[tuple[str, str], Engine]:
    """Every engine the plan needs, weights in memory, sharing one translation cache.

    Kept to one function so it can move to a shared loaded-engine registry (one multilingual
    model serving both directions) without touching the server."""
    engines = load_engines(plan)
    cache = None
    if use_cache:
        from translate.cache import TranslationCache

        cache = TranslationCache()
    for engine in engines.values():
        engine.cache = cache
        engine.load()  # now, not on the first request: /healthz says ready only after this
    return engines


class Service:
    """The plan (which model for which language), its engines once loaded, and the batch call."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        # One engine call is at most --max-batch segments: the batcher's unit is the model's.
        options = replace(settings.decoding, batch_size=settings.max_batch)
        self.plan = make_plan(settings.targets, settings.models, backend=settings.backend,
                              options=options, backend_options=settings.backend_options)
        self.engines: dict[tuple[str, str], Engine] = {}
        self.ready = threading.Event()
        self.load_error: str | None = None
        self.load_exception: BaseException | None = None

    @property
    def targets(self) -> list[str]:
        return list(self.plan.targets)

    def pairs(self) -> list[str]:
        return [f"ar-{t}" for t in self.targets]

    def check_pair(self, source: str, target: str) -> None:
        """A pair the server does not translate is the client's error, listing those it does."""
        if source != "ar" or target not in self.targets:
            bad = source if source != "ar" else target
            raise UsageError(f"{bad} is not supported; language pairs: {', '.join(self.pairs())}")

    def load(self) -> None:
        try:
            self.engines = load_models(self.plan, self.settings.use_cache)
        except Exception as e:  # reported by /healthz and the log, not a traceback per request
            self.load_error = str(e) if isinstance(e, TarjamaError) else f"{type(e).__name__}: {e}"
            self.load_exception = e
            raise
        self.ready.set()

    def segment(self, source_text: Any, name: str) -> Article:
        from translate.run import segment_for_engines

        return segment_for_engines(source_text, name, self.engines,
                                   self.settings.decoding.max_input_length)

    def model_info(self) -> dict[str, Any]:
        """What /healthz shows of each model (not its path: that is the operator's)."""
        return {f"{s}-{t}": {k: v for k, v in e.describe().items() if k != "path"}
                for (s, t), e in self.engines.items()}

    def translate_jobs(self, jobs: Sequence[Job]) -> BatchStats:
        """Translate every job's article into the languages it asked for: one pipeline call
        (one engine call per leg, all the jobs' segments sorted by length) per target."""
        before = {leg: (e.stats.output_tokens, e.stats.units, e.stats.cache_hits)
                  for leg, e in self.engines.items()}
        stats = BatchStats(requests=len(jobs))
        groups: dict[tuple[str, bool], list[Article]] = {}
        for job in jobs:
            if job.article.sentences():
                for target in job.targets:
                    groups.setdefault((target, job.checks), []).append(job.article)
        models: dict[int, dict[str, str]] = {}  # each article's run names every model used
        for (target, checks), articles in groups.items():
            translate_articles(articles, replace(self.plan, targets=[target]), self.engines,
                               checks=checks)
            for a in articles:
                if a.run is not None:
                    a.run.models = models.setdefault(id(a), {}) | a.run.models
                    models[id(a)] = a.run.models
        for leg, e in self.engines.items():
            tokens, units, hits = before[leg]
            stats.output_tokens += e.stats.output_tokens - tokens
            stats.segments += e.stats.units - units
            stats.cache_hits += e.stats.cache_hits - hits
        return stats
