"""The ``ray`` engine of ``corpus build``: a Ray Data pipeline over a cluster.

    manifest (JSONL, one file per batch of articles, texts inline)
      → read_json
      → segment            stateless map_batches (checks that every page has sentences)
      → translate + align  map_batches with a callable class in an actor pool: each actor
                           loads each model once (constructor), translates a batch of articles
                           in one call per model (batches inside it by length / token budget),
                           then aligns and scores them
      → the driver         stores each finished article (SQLite, one transaction each) or
                           writes it into Parquet shards (whole articles per shard)

Alignment runs in the translation actor, not in a pool of its own: an actor holds its CPUs
for its whole life, so a second pool on a CPU node would wait for CPUs the first one holds.

Faults: the actor pool is created with ``max_restarts`` and ``max_task_retries``, so a
killed actor is restarted and its batch retried; the driver's sink is idempotent by content
hash, so a batch that ran twice stores each article once. Ray is imported only here, only
when this engine is chosen; without it the build fails with ``MissingExtraError``.
"""

from __future__ import annotations

import json
import logging
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from translate.corpus.ingest import engine_translator
from translate.corpus.stages import ArticleJob, BuildOptions, Outcome, translate_and_finish
from translate.errors import MissingExtraError, RuntimeFailure, TarjamaError

MAX_RESTARTS = 3  # bounded: a model that crashes every time must fail the run, not loop
MAX_TASK_RETRIES = 3


def import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise MissingExtraError("ray", "ray") from None
    return ray


def ensure_ray(address: str | None) -> bool:
    """Connect to ``address`` (``auto``: the running cluster) or start a local instance;
    reuse a session already open in this process. True when this call started it."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "logging_level": logging.WARNING}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(**kwargs)
    except Exception as e:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise RuntimeFailure(f"cannot start or reach {where}: {e}") from None
    return True


# --- the stages (run on the workers) ---------------------------------------------------------


def _jobs(batch: Any) -> list[ArticleJob]:
    rows = batch.to_pylist()
    return [ArticleJob(r["key"], r["digest"], r["ar"],
                {lang: r[lang] for lang in ("en", "ru") if r[lang] is not None},
                bool(r["markup"])) for r in rows]


def _table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("key", pa.string()), ("digest", pa.string()), ("job", pa.binary()),
        ("error", pa.string())]))


def segment_batch(batch: Any) -> Any:
    """Stateless: reject articles whose pages have no sentences before a model sees them
    (the actor segments again: segmenting is cheap, and an ``ArticleJob`` pickles smaller than an
    ``Article``)."""
    from translate.corpus.ingest import segment_inputs

    rows = []
    for job in _jobs(batch):
        error = None
        try:
            segment_inputs(job.ar, job.refs, key=job.key, markup=job.markup)
        except TarjamaError as e:
            error = str(e)
        rows.append({"key": job.key, "digest": job.digest, "job": pickle.dumps(job),
                     "error": error})
    return _table(rows)


class TranslateAlign:
    """One actor: the models and the aligner load once, in the constructor."""

    def __init__(self, options: BuildOptions) -> None:
        from translate.align import get_aligner

        self.options = options
        factory = options.translator or engine_translator(options.plan)
        self.mt = factory()
        self.aligner = get_aligner(options.method, **(options.aligner_options or {}))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = batch.to_pylist()
        jobs = [pickle.loads(r["job"]) for r in rows if r["error"] is None]
        done = {o.digest: o for o in translate_and_finish(jobs, self.mt, self.options,
                                                          self.aligner)}
        out = []
        for r in rows:
            o = done.get(r["digest"]) or Outcome(r["key"], r["digest"], error=r["error"])
            out.append({"key": o.key, "digest": o.digest,
                        "stored": pickle.dumps(o.stored) if o.stored else None,
                        "error": o.error, "stats": json.dumps(o.stats) if o.stats else None})
        return pa.Table.from_pylist(out, schema=pa.schema([
            ("key", pa.string()), ("digest", pa.string()), ("stored", pa.binary()),
            ("error", pa.string()), ("stats", pa.string())]))


# --- the driver --------------------------------------------------------------------------------


def _write_manifest(jobs: Iterable[ArticleJob], directory: Path, per_file: int) -> list[str]:
    """One JSONL file per batch of articles: Ray reads one block per file, so the batches
    spread over the actors (one big file would be one block, one actor). Streamed: the
    driver never holds more than one article's text."""
    paths: list[str] = []
    f = None
    try:
        for n, j in enumerate(jobs):
            if n % per_file == 0:
                if f is not None:
                    f.close()
                paths.append(str(directory / f"todo-{n // per_file:06d}.jsonl"))
                f = open(paths[-1], "w", encoding="utf-8")
            f.write(json.dumps({"key": j.key, "digest": j.digest, "ar": j.ar,
                                "en": j.refs.get("en"), "ru": j.refs.get("ru"),
                                "markup": j.markup}, ensure_ascii=False) + "\n")
    finally:
        if f is not None:
            f.close()
    return paths


def _quiet_ray_data(ray: Any) -> None:
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # the CLI shows its own progress
    ctx.print_on_execution_start = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run_ray(jobs: Iterable[ArticleJob], options: BuildOptions, take: Callable[[Outcome], None], *,
            started: Callable[[], object] | None = None) -> None:
    """Run ``jobs`` through the pipeline; ``take`` gets each finished article on the driver;
    ``started`` is called once every input is read and hashed (the skipped ones are known)."""
    ray = import_ray()
    import pyarrow as pa
    import pyarrow.json as pj

    per_batch = max(1, options.batch_articles)
    owner = False
    try:
        with tempfile.TemporaryDirectory(prefix="tarjama-ray-",
                                         dir=options.work_dir) as tmp:
            paths = _write_manifest(jobs, Path(tmp), per_batch)
            if started:
                started()
            if not paths:  # everything is done already: no cluster needed
                return
            owner = ensure_ray(options.ray_address)
            _quiet_ray_data(ray)
            schema = pa.schema([("key", pa.string()), ("digest", pa.string()),
                                ("ar", pa.string()), ("en", pa.string()), ("ru", pa.string()),
                                ("markup", pa.bool_())])
            # A remote cluster reads the manifest on the driver's node (local://).
            prefix = "local://" if options.ray_address else ""
            # Reading and segmenting reserve no CPU: the actors hold them all for their whole
            # life, and a read task waiting for a CPU would wait forever.
            ds = ray.data.read_json([prefix + p for p in paths], override_num_blocks=len(paths),
                                    num_cpus=0,
                                    parse_options=pj.ParseOptions(explicit_schema=schema))
            ds = ds.map_batches(segment_batch, batch_format="pyarrow", batch_size=None,
                                num_cpus=0)
            ds = ds.map_batches(
                TranslateAlign, fn_constructor_kwargs={"options": options},
                batch_format="pyarrow", batch_size=per_batch,
                compute=ray.data.ActorPoolStrategy(size=max(1, options.workers)),
                num_cpus=options.threads,
                num_gpus=options.gpus or None,
                max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES)
            for row in ds.iter_rows():
                stored = pickle.loads(row["stored"]) if row["stored"] else None
                stats = json.loads(row["stats"]) if row["stats"] else {}
                take(Outcome(row["key"], row["digest"], stored, row["error"], stats))
    except TarjamaError:
        raise
    except Exception as e:  # a Ray failure: one line, not a stack of actor tracebacks
        raise RuntimeFailure(f"the Ray pipeline failed: {type(e).__name__}: "
                             f"{str(e).splitlines()[0] if str(e) else ''}"[:500]) from None
    finally:
        if owner:
            ray.shutdown()
