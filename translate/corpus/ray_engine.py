"""The ``ray`` engine of ``corpus build``: a Ray Data pipeline over a cluster.

    manifest (JSONL, one file per batch of articles: texts inline, how each page was read)
      → read_json
      → segment + translate + align
                           map_batches with a callable class in an actor pool: each actor
                           loads each model once (constructor), segments a batch of articles
                           (an article whose page has no sentences is reported, not
                           translated), translates them in one call per model (batches inside
                           it by length / token budget), then aligns and scores them
      → the driver         stores each finished article (SQLite, one transaction each) or
                           writes it into Parquet shards (whole articles per shard)

Everything crosses the cluster as plain columns: the jobs as the manifest's JSON, a finished
article as JSON of its shard rows (``translate.corpus.shards.to_rows``, the very rows a Parquet
shard holds), never as a pickle. Each article is segmented once, in the actor.

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
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from translate.corpus.discover import REF_LANGS
from translate.corpus.ingest import engine_translator
from translate.corpus.shards import from_rows
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
    _quiet_ray()
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
    return [ArticleJob(r["key"], r["digest"], r["ar"],
                       {lang: r[lang] for lang in REF_LANGS if r[lang] is not None},
                       json.loads(r["read"])) for r in batch.to_pylist()]


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

        from translate.corpus.shards import to_rows

        outcomes = translate_and_finish(_jobs(batch), self.mt, self.options, self.aligner)
        out = [{"key": o.key, "digest": o.digest,
                "stored": json.dumps(to_rows(o.stored), ensure_ascii=False) if o.stored else None,
                "error": o.error, "stats": json.dumps(o.stats) if o.stats else None}
               for o in outcomes]
        return pa.Table.from_pylist(out, schema=pa.schema([
            ("key", pa.string()), ("digest", pa.string()), ("stored", pa.string()),
            ("error", pa.string()), ("stats", pa.string())]))


# --- the driver --------------------------------------------------------------------------------


def _write_manifest(jobs: Iterable[ArticleJob], directory: Path, per_file: int) -> list[str]:
    """One JSONL file per batch of articles: Ray reads one block per file, so the batches
    spread over the actors (one big file would be one block, one actor). Streamed: the
    driver never holds more than one article's text."""
    paths: list[str] = []
    f: TextIO | None = None
    try:
        for n, j in enumerate(jobs):
            if f is None or n % per_file == 0:
                if f is not None:
                    f.close()
                paths.append(str(directory / f"todo-{n // per_file:06d}.jsonl"))
                f = open(paths[-1], "w", encoding="utf-8")
            f.write(json.dumps({"key": j.key, "digest": j.digest, "ar": j.ar,
                                **{lang: j.refs.get(lang) for lang in REF_LANGS},
                                "read": json.dumps(j.read)}, ensure_ascii=False) + "\n")
    finally:
        if f is not None:
            f.close()
    return paths


#: Ray's notices on stderr that a corpus build's user can do nothing about (the CLI shows its
#: own progress; the cluster's auth mode is the cluster's business), by the logger that says so
RAY_NOTICES = ("ray._private.authentication",  # "Token authentication is enabled ..."
               "ray.data._internal.progress")  # "Progress bars disabled ..."


def _quiet_ray() -> None:
    """Keep Ray's notices out of the build's stderr (their loggers, above). Ray's deprecation
    warnings are silenced around the pipeline (``run_ray``)."""
    for name in RAY_NOTICES:
        logging.getLogger(name).setLevel(logging.ERROR)


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
        # Ray's deprecation notices are for Ray's API users: max_restarts has no other way in
        # yet (Ray 2.60), and DataContext warns about its own defaults
        with tempfile.TemporaryDirectory(prefix="tarjama-ray-", dir=options.work_dir) as tmp, \
                warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            paths = _write_manifest(jobs, Path(tmp), per_batch)
            if started:
                started()
            if not paths:  # everything is done already: no cluster needed
                return
            owner = ensure_ray(options.ray_address)
            _quiet_ray_data(ray)
            schema = pa.schema([("key", pa.string()), ("digest", pa.string()),
                                ("ar", pa.string()),
                                *[(lang, pa.string()) for lang in REF_LANGS],
                                ("read", pa.string())])
            # A remote cluster reads the manifest on the driver's node (local://).
            prefix = "local://" if options.ray_address else ""
            # Reading reserves no CPU: the actors hold them all for their whole
            # life, and a read task waiting for a CPU would wait forever.
            ds = ray.data.read_json([prefix + p for p in paths], override_num_blocks=len(paths),
                                    num_cpus=0,
                                    parse_options=pj.ParseOptions(explicit_schema=schema))
            ds = ds.map_batches(
                TranslateAlign, fn_constructor_kwargs={"options": options},
                batch_format="pyarrow", batch_size=per_batch,
                compute=ray.data.ActorPoolStrategy(size=max(1, options.workers)),
                num_cpus=options.threads,
                num_gpus=options.gpus or None,
                max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES)
            for row in ds.iter_rows():
                stored = from_rows(json.loads(row["stored"])) if row["stored"] else None
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
