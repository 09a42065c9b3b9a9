"""What each model of a bench run costs: speed and memory, one model and direction at a time.

For every (direction, model) of a run, a fresh interpreter loads the model with the run's
backend and options and translates the seed article (in the direction's source language):
- load time, and the article end to end (load + translation: what a user waits for);
- output tokens per second over the article, sent whole (batched, as ``translate`` does);
- the latency of one paragraph sent alone (p50, p95), as an interactive user sends them;
- the process's peak RSS, and the size on disk of what the backend loaded (a CTranslate2
  conversion's model.bin, or the safetensors/bin weights) beside the model's own weights.
One process per model, so one model's memory is never counted in another's. ``forced_tokens``
makes every output that long: random-weight ``shape`` models otherwise run to the length limit,
and different tokenizers would make their outputs different lengths.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from translate.bench.environment import peak_rss_mb
from translate.bench.measure import (
    article_inputs,
    child_main,
    latency_percentiles,
    run_in_child,
    seed_article,
)

WEIGHTS = ("model.bin", "model*.safetensors", "pytorch_model*.bin")  # in this order


@dataclass(frozen=True)
class ProfileJob:
    pair: str  # "ar-en"
    spec: str  # hub id or path, as the run resolves it
    backend: str = "auto"
    beam: int = 4
    batch_size: int = 16
    threads: int = 0
    device: str = "auto"
    compute_type: str = "auto"
    max_input_length: int = 400
    forced_tokens: int = 0  # > 0: every output exactly this many tokens


def profile_models(jobs: Sequence[ProfileJob],
                   progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Measure every job in its own interpreter, in order; ``progress(done, total)``."""
    out = []
    for i, job in enumerate(jobs):
        if progress:
            progress(i, len(jobs))
        out.append(run_in_child("translate.bench.profile", asdict(job),
                                f"measuring {job.spec} ({job.pair})"))
    if progress:
        progress(len(jobs), len(jobs))
    return out


def measure(job: ProfileJob) -> dict[str, Any]:
    from translate.engines import load_engine
    from translate.engines.ct2 import Ct2Options
    from translate.values import DecodeOptions

    src, _, tgt = job.pair.partition("-")
    options = DecodeOptions(beam=job.beam, batch_size=job.batch_size, threads=job.threads,
                            device=job.device, max_input_length=job.max_input_length)
    if job.forced_tokens:  # every engine decodes exactly this many tokens
        options = replace(options, min_decoding_length=job.forced_tokens,
                          max_decoding_length=job.forced_tokens)
    started = time.perf_counter()
    engine = load_engine(job.spec, src, tgt, backend=job.backend, options=options,
                         backend_options={"ctranslate2": Ct2Options(
                             compute_type=job.compute_type)})
    engine.load()
    load_s = time.perf_counter() - started
    text, name, workload = seed_article(src)
    blocks = article_inputs(text, source=name, lang=src, count_tokens=engine.count_tokens,
                            max_tokens=engine.max_input_length)
    units = [u for block in blocks for u in block]
    t0 = time.perf_counter()
    tokens = sum(h.tokens for h in engine.translate_detailed(units))
    seed_s = time.perf_counter() - t0
    latencies = []
    for block in blocks:
        t1 = time.perf_counter()
        engine.translate_detailed(block)
        latencies.append(time.perf_counter() - t1)
    p50, p95 = latency_percentiles(latencies)
    loaded = Path(getattr(engine, "model_dir", engine.ref.path))
    return {
        "pair": job.pair, "model": engine.model_id, "spec": job.spec,
        "backend": engine.backend, "describe": engine.describe(), "workload": workload,
        "inputs": len(units), "paragraphs": len(blocks),
        "load_s": round(load_s, 3), "seed_translate_s": round(seed_s, 3),
        "seed_e2e_s": round(load_s + seed_s, 3), "output_tokens": tokens,
        "tok_s": round(tokens / seed_s, 1) if seed_s else None,
        "latency_p50_s": p50, "latency_p95_s": p95,
        "peak_rss_mb": peak_rss_mb(),
        "disk_mb": weights_mb(loaded), "weights_mb": weights_mb(engine.ref.path),
    }


def weights_mb(path: Path) -> float | None:
    """Size of the weights a backend loads from ``path`` (MB): a CTranslate2 model.bin, else
    the safetensors (sharded or not), else the pytorch .bin files; None when there are none."""
    files = [f for f in path.iterdir() if f.is_file()]
    for pattern in WEIGHTS:
        found = [f for f in files if fnmatch.fnmatch(f.name, pattern)]
        if found:
            return round(sum(f.stat().st_size for f in found) / 1e6, 1)
    return None


if __name__ == "__main__":
    child_main(lambda job: measure(ProfileJob(**job)))
