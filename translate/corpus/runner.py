"""``corpus build``: many articles through segment → translate → align → score, checkpointed.

Two engines run the same stages (``translate.corpus.stages``) and hand each finished article
to a sink:

- ``local``: one process, article after article; models load once, on the first new article.
- ``ray``: a Ray Data pipeline over a cluster (``translate.corpus.ray_engine``).

Sinks: ``DbSink`` (SQLite; each article one transaction, so a kill loses at most the article in
flight) and ``ParquetSink`` (shards written whole; ``corpus import`` merges them). Before any
model is loaded, every article is read and hashed; an article whose content hash the sink
already holds is skipped, so rerunning an interrupted build finishes only what is left.

Example::

    found = discover(["news/"])
    with CorpusStore.open("corpus.sqlite") as store:
        report = build(found.articles, DbSink(store), BuildOptions(plan=plan))
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from translate.corpus.discover import ArticleSpec, read_spec
from translate.corpus.ingest import Translator, article_hash, article_plan, engine_translator
from translate.corpus.stages import ArticleJob, BuildOptions, Outcome, translate_and_finish
from translate.corpus.store import CorpusStore, StoredArticle
from translate.errors import RuntimeFailure, TarjamaError, UsageError

if TYPE_CHECKING:
    from translate.align.base import Aligner

BUILD_ENGINES = ("local", "ray")


@dataclass
class BuildStatus:
    """What the progress display shows, after each article."""

    total: int
    done: int  # stored now + already there + failed
    skipped: int
    failed: int
    units: int
    elapsed: float
    processed: int  # articles finished by this run (not skipped)

    @property
    def per_hour(self) -> float:
        return 3600 * self.processed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        left = self.total - self.done
        return left * self.elapsed / self.processed if self.processed else None


@dataclass
class BuildReport:
    engine: str
    total: int
    skipped: int = 0  # already in the sink before this run
    added: int = 0
    unchanged: int = 0  # finished by this run but already stored meanwhile (another writer)
    failed: list[tuple[str, str]] = field(default_factory=list)
    input_errors: list[tuple[str, str]] = field(default_factory=list)
    units: int = 0
    seconds: float = 0.0
    src_tokens: int = 0
    out_tokens: int = 0
    workers: dict[str, dict[str, float]] = field(default_factory=dict)  # pid → measurements
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    target: str = ""  # the database or the shard directory
    skipped_inputs: list[str] = field(default_factory=list)  # named, but not articles
    report_error: str | None = None  # --report could not be written

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items()
                if k not in ("target", "skipped_inputs", "report_error")}

    def to_text(self) -> str:
        rate = 3600 * (self.added + self.unchanged) / self.seconds if self.seconds else 0
        return (f"{self.added} articles added ({self.units} units), {self.skipped} already "
                f"done, {self.unchanged} stored meanwhile by another run, "
                f"{len(self.failed) + len(self.input_errors)} failed; {self.seconds:.1f} s, "
                f"{rate:.0f} articles/h, engine {self.engine} → {self.target}")

    def problems(self) -> list[str]:
        """One line each, for stderr: inputs skipped, articles that failed."""
        return [f"skipped {why}" for why in self.skipped_inputs] + \
            [f"failed {key}: {why}" for key, why in self.input_errors + self.failed]

    def failure(self) -> TarjamaError | None:
        """The error the run ends with, if any (the articles that could be stored are)."""
        failed = len(self.failed) + len(self.input_errors)
        if self.report_error is not None:
            return RuntimeFailure(f"the articles are stored, but the report was not written: "
                                  f"{self.report_error}")
        if not failed:
            return None
        rest = "the others are stored" if self.added + self.skipped + self.unchanged \
            else "nothing else to build"
        return RuntimeFailure(f"{failed} article(s) failed (listed above); {rest}")


# --- sinks ---------------------------------------------------------------------------------


class Sink(Protocol):
    """Where finished articles go; idempotent by content hash, so a rerun adds nothing twice."""

    def done(self, digest: str) -> bool:
        """Whether an article with this content hash is already there (it is skipped)."""
        ...

    def add(self, art: StoredArticle) -> str:
        """Store one article: "added", "new-version" or "unchanged"."""
        ...

    def close(self) -> None: ...


class DbSink:
    """Each article one SQLite transaction (idempotent by content hash)."""

    def __init__(self, store: CorpusStore) -> None:
        self.store = store

    def done(self, digest: str) -> bool:
        return self.store.find_hash(digest) is not None

    def add(self, art: StoredArticle) -> str:
        return self.store.add_article(art).status

    def close(self) -> None:
        pass


class ParquetSink:
    """Shards under a directory; an article already in a complete shard is not written again."""

    def __init__(self, directory: Path, *, articles_per_shard: int = 64) -> None:
        from translate.corpus.shards import ShardWriter, done_hashes

        self._done = done_hashes(directory)
        self.writer = ShardWriter(directory, articles_per_shard=articles_per_shard)

    def done(self, digest: str) -> bool:
        return digest in self._done

    def add(self, art: StoredArticle) -> str:
        if art.content_hash in self._done:
            return "unchanged"
        self.writer.add(art)
        self._done.add(art.content_hash)
        return "added"

    def close(self) -> None:
        self.writer.close()


def read_jobs(specs: list[ArticleSpec], options: BuildOptions, sink: Sink,
              report: BuildReport) -> Iterator[ArticleJob]:
    """Read and hash each article; skip those the sink holds; report unreadable ones."""
    for spec in specs:
        try:
            texts = read_spec(spec)
            refs = {lang: t.text for lang, t in texts.refs.items()}
            digest = article_hash(texts.ar.text, refs,
                                  plan=article_plan(options.plan, list(refs)),
                                  method=options.method, markup=texts.markup)
        except TarjamaError as e:
            report.input_errors.append((spec.key, str(e)))
            continue
        if sink.done(digest):
            report.skipped += 1
            continue
        yield ArticleJob(spec.key, digest, texts.ar.text, refs, texts.read())


# --- the build -----------------------------------------------------------------------------


def build(specs: list[ArticleSpec], sink: Sink, options: BuildOptions, *, engine: str = "local",
          progress: Callable[[BuildStatus], None] | None = None) -> BuildReport:
    """Process every article of ``specs`` not yet in ``sink``; see the module docstring."""
    if engine not in BUILD_ENGINES:
        raise UsageError(f"--engine {engine}: choose from {', '.join(BUILD_ENGINES)}")
    report = BuildReport(engine, len(specs))
    started = time.perf_counter()

    def status() -> BuildStatus:
        processed = report.added + report.unchanged + len(report.failed)
        return BuildStatus(report.total, processed + report.skipped + len(report.input_errors),
                           report.skipped, len(report.failed) + len(report.input_errors),
                           report.units, time.perf_counter() - started, processed)

    def take(outcome: Outcome) -> None:
        if outcome.stats:
            w = report.workers.setdefault(str(outcome.stats["pid"]), {
                "articles": 0, "cpu_seconds": 0.0, "wall_seconds": 0.0, "maxrss_mb": 0.0})
            for k in ("articles", "cpu_seconds", "wall_seconds"):
                w[k] += outcome.stats[k]
            w["maxrss_mb"] = max(w["maxrss_mb"], outcome.stats["maxrss_mb"])
            report.src_tokens += int(outcome.stats.get("src_tokens", 0))
            report.out_tokens += int(outcome.stats.get("out_tokens", 0))
        if outcome.stored is None:
            report.failed.append((outcome.key, outcome.error or "failed"))
        else:
            what = sink.add(outcome.stored)
            if what == "unchanged":
                report.unchanged += 1
            else:
                report.added += 1
                report.units += len(outcome.stored.units)
        if progress:
            progress(status())

    try:
        jobs = read_jobs(specs, options, sink, report)
        if engine == "local":
            _run_local(jobs, options, take, progress and (lambda: progress(status())))
        else:
            from translate.corpus.ray_engine import run_ray

            run_ray(jobs, options, take, started=lambda: progress and progress(status()))
    finally:
        sink.close()
        report.seconds = time.perf_counter() - started
        report.load_average = os.getloadavg()
    return report


@dataclass
class BuildRequest:
    """``tarjama corpus build``: the inputs, where the corpus goes, how to process it."""

    inputs: list[str]
    db: Path | None = None  # default corpus.sqlite (unless ``out``)
    out: Path | None = None  # Parquet shards instead of a database
    engine: str = "local"
    models: dict[str, str] = field(default_factory=dict)
    backend: str = "auto"
    method: str = "auto"
    beam: int = 4
    batch_tokens: int = 0
    max_decoding_length: int = 512
    threads: int = 0  # 0: the library default (local) / 1 (ray)
    workers: int = 1
    gpus: float = 0.0
    batch_articles: int = 4
    ray_address: str | None = None
    report: Path | None = None
    allow_outside_paths: bool = False


def build_corpus(request: BuildRequest,
                 progress: Callable[[BuildStatus], None] | None = None) -> BuildReport:
    """Find the articles, then ``build`` them into the database or the shards; the report
    says what was stored, what failed and why (``failure``: the error to end with)."""
    from translate.corpus.discover import discover
    from translate.fsio import atomic_write, check_output
    from translate.pipeline import make_plan
    from translate.values import DecodeOptions

    r = request
    if r.report is not None:  # checked now: finding it unwritable after hours of work is late
        check_output(r.report, force=True, inputs=r.inputs)
    if r.db is not None and r.out is not None:
        raise UsageError("give --db or --out, not both")
    cpus = os.cpu_count() or 1
    if r.engine == "local" and r.threads > cpus:  # ray's actors reserve CPUs on their nodes
        raise UsageError(f"--threads {r.threads}: --engine local decodes on this machine, which "
                         f"has {cpus} CPUs")
    if r.engine == "ray":
        from translate.corpus.ray_engine import import_ray

        import_ray()  # a missing extra fails now, before any input is read
    target = r.out if r.out is not None else (r.db or Path("corpus.sqlite"))
    found = discover(r.inputs, allow_outside=r.allow_outside_paths,
                     root=r.out if r.out is not None else target.parent)
    if not found.articles and not found.invalid:
        raise UsageError("no articles found in the inputs")
    report = BuildReport(r.engine, 0)
    if found.articles:
        ray_threads = r.threads or 1  # an actor reserves its CPUs: at least one
        decoding = DecodeOptions(beam=r.beam, batch_tokens=r.batch_tokens,
                                 max_decoding_length=r.max_decoding_length,
                                 threads=ray_threads if r.engine == "ray" else r.threads)
        plan = make_plan(sorted({lang for spec in found.articles for lang in spec.refs}),
                         r.models, backend=r.backend, options=decoding)
        options = BuildOptions(plan=plan, method=r.method, workers=r.workers,
                               threads=ray_threads, gpus=r.gpus,
                               batch_articles=r.batch_articles, ray_address=r.ray_address)
        if r.out is not None:
            report = build(found.articles, ParquetSink(r.out), options, engine=r.engine,
                           progress=progress)
        else:
            with CorpusStore.open(target) as store:
                report = build(found.articles, DbSink(store), options, engine=r.engine,
                               progress=progress)
    report.input_errors[:0] = found.invalid  # named by the inputs, unusable: failures too
    report.total += len(found.invalid)
    report.target, report.skipped_inputs = str(target), found.skipped
    if r.report is not None:
        try:
            atomic_write(r.report, json.dumps(report.to_dict(), indent=2) + "\n", force=True,
                         inputs=r.inputs)
        except TarjamaError as e:
            report.report_error = str(e)
    return report


def _run_local(jobs: Iterator[ArticleJob], options: BuildOptions, take: Callable[[Outcome], None],
               tick: Callable[[], None] | None) -> None:
    from translate.align import get_aligner

    factory = options.translator or engine_translator(options.plan)
    loaded: tuple[Translator, Aligner] | None = None  # the models, the encoder
    for job in jobs:
        if tick:
            tick()
        if loaded is None:  # nothing loads when every article is already stored
            loaded = (factory(),
                      get_aligner(options.method, **(options.aligner_options or {})))
        mt, aligner = loaded
        for outcome in translate_and_finish([job], mt, options, aligner):
            take(outcome)
