"""The stages of ``corpus build`` that both engines run: the local loop and the Ray actors.

An article is read and hashed into an ``ArticleJob`` (``translate.corpus.runner.read_jobs``);
``translate_and_finish`` segments, translates, aligns and scores a batch of them into
``Outcome`` objects, which the driver hands to a sink. ``translate.corpus.runner`` (the build
and the local engine) and ``translate.corpus.ray_engine`` both import this module, and it
imports neither of them.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.article import Article
from translate.corpus.ingest import (
    Translator,
    TranslatorFactory,
    article_plan,
    finish_article,
    segment_inputs,
)
from translate.corpus.store import StoredArticle
from translate.errors import TarjamaError

if TYPE_CHECKING:
    from translate.align.base import Aligner
    from translate.pipeline import Plan


@dataclass
class BuildOptions:
    plan: Plan  # models for every reference language
    method: str = "auto"
    aligner_options: dict[str, Any] | None = None
    translator: TranslatorFactory | None = None  # default: the plan's engines
    workers: int = 1  # ray: actors in the translation pool
    threads: int = 1  # ray: CPU threads (and CPUs reserved) per actor
    gpus: float = 0.0  # ray: GPUs per actor (0: CPU only)
    batch_articles: int = 4  # ray: articles translated together by one actor call
    ray_address: str | None = None  # None: a local Ray instance (or the one already running)
    work_dir: Path | None = None  # ray: where the run's input manifest goes


@dataclass
class ArticleJob:
    """An article read and hashed, not yet processed. Plain strings only: the Ray engine
    passes it to the workers as a row of JSON, not as a pickle."""

    key: str
    digest: str
    ar: str
    refs: dict[str, str]
    #: how each page ("ar", "en", ...) was read: {"format": text|html|markdown, "encoding"}
    read: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def formats(self) -> dict[str, str]:
        return {lang: r.get("format", "text") for lang, r in self.read.items()}


@dataclass
class Outcome:
    """One processed article: stored, or why not; with what the worker measured."""

    key: str
    digest: str
    stored: StoredArticle | None = None
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def translate_and_finish(jobs: list[ArticleJob], mt: Translator, options: BuildOptions,
                         aligner: Aligner) -> list[Outcome]:
    """Segment, translate (articles with the same reference languages together), align and
    score; an article that fails is reported, never taking the others down."""
    started, cpu0 = time.perf_counter(), time.process_time()
    outcomes: dict[str, Outcome] = {}
    ready: dict[tuple[str, ...], list[tuple[ArticleJob, Article, dict[str, Article]]]] = {}
    for job in jobs:
        try:
            ar, refs = segment_inputs(job.ar, job.refs, key=job.key, formats=job.formats)
        except TarjamaError as e:
            outcomes[job.digest] = Outcome(job.key, job.digest, error=str(e))
            continue
        ready.setdefault(tuple(job.refs), []).append((job, ar, refs))
    tokens = {"src_tokens": 0, "out_tokens": 0}
    for langs, group in ready.items():
        try:
            counts = mt([ar for _, ar, _ in group], list(langs)) or {}
        except TarjamaError as e:
            for job, _, _ in group:
                outcomes[job.digest] = Outcome(job.key, job.digest, error=str(e))
            continue
        for k in tokens:
            tokens[k] += int(counts.get(k, 0))
        for job, ar, refs in group:
            try:
                stored = finish_article(
                    ar, refs, key=job.key, digest=job.digest,
                    plan=article_plan(options.plan, list(langs)), method=options.method,
                    aligner=aligner, aligner_options=options.aligner_options, read=job.read)
                outcomes[job.digest] = Outcome(job.key, job.digest, stored=stored)
            except TarjamaError as e:
                outcomes[job.digest] = Outcome(job.key, job.digest, error=str(e))
    stats = {"pid": os.getpid(), "articles": len(jobs),
             "cpu_seconds": time.process_time() - cpu0,
             "wall_seconds": time.perf_counter() - started,
             "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **tokens}
    result = [outcomes[j.digest] for j in jobs]
    if result:
        result[0].stats = stats  # the batch's measurements ride on its first article
    return result
