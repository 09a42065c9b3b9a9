"""What the bench's measurements share: the workloads, latency percentiles and the child runner.

``tarjama bench speed`` (translate.bench.speed) and the per-model profile of a quality run
(translate.bench.profile) measure the same way, so they do it through these:
- ``article_inputs``: an article segmented as ``translate`` segments it, one list of model
  inputs per translatable block (a paragraph: what an interactive user sends at once);
- ``seed_article``: the packaged seed article, or a synthetic stand-in outside a checkout;
- ``ntrex_lines``: the larger workload, NTREX-128's Arabic, from ``--data-dir``;
- ``latency_percentiles``: p50 and p95 of per-paragraph latencies;
- ``run_in_child``: one measurement in a fresh interpreter (its own load time, threads and
  peak memory), its progress read from stderr as it works.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from translate.bench.testsets import NTREX_FILES, SEED_STEM
from translate.errors import RuntimeFailure, UsageError
from translate.values import ProgressFn

PROGRESS = "\x1eprogress"  # a child's progress line on stderr: PROGRESS done total


def article_inputs(text: str, *, source: str, lang: str, count_tokens: Callable[[str], int],
                   max_tokens: int | None = None) -> list[list[str]]:
    """The model inputs of each translatable block of ``text`` (empty blocks dropped)."""
    from translate.segment import DEFAULT_MAX_TOKENS, segment_text

    article = segment_text(text, source=source, lang=lang, count_tokens=count_tokens,
                           max_tokens=max_tokens or DEFAULT_MAX_TOKENS)
    blocks = [[u for s in b.sentences for u in s.units()] for b in article.translatable_blocks]
    return [b for b in blocks if b]


def seed_article(lang: str, path: str | Path | None = None) -> tuple[str, str, str]:
    """(text, file name, what it is) of the seed article in ``lang``: ``path`` when given, the
    checkout's seeds/ file, else synthetic text of a similar size (an installed package)."""
    from translate.bench.environment import repo_root
    from translate.fsio import read_text
    from translate.models.spm import synthetic_text

    seed = Path(path) if path else repo_root() / "seeds" / f"{SEED_STEM}.{lang}.txt"
    if path or seed.is_file():
        return read_text(seed), seed.name, f"seeds/{seed.name}"
    text = "\n\n".join(" ".join(synthetic_text(lang, n=3, seed=i)) for i in range(20))
    return text, seed.name, "synthetic text (seeds/ not present)"


def ntrex_dir(data_dir: str | Path | None) -> Path | None:
    """NTREX-128's folder: under ``data_dir`` when given (an error when it is not there);
    else under $TARJAMA_DATA, the user data folder, or, as a last resort, the ``shared/data``
    folder beside a checkout; None when none has it."""
    from translate.bench.environment import repo_root
    from translate.bench.testsets import user_data_dir

    def holds(d: Path) -> bool:
        return all((d / f).is_file() for f in NTREX_FILES.values())

    if data_dir:
        base = Path(data_dir).expanduser()
        found = next((d for d in (base / "ntrex128", base) if holds(d)), None)
        if found is None:
            raise UsageError(f"--data-dir {data_dir}: no NTREX-128 there (looked in "
                             f"{base / 'ntrex128'} and {base} for "
                             f"{', '.join(sorted(NTREX_FILES.values()))})")
        return found
    import os

    bases = [Path(p).expanduser() for p in (os.environ.get("TARJAMA_DATA"),) if p]
    bases += [user_data_dir(), repo_root().parent / "shared" / "data"]
    return next((d for b in bases for d in (b / "ntrex128", b) if holds(d)), None)


def ntrex_lines(data_dir: str | Path | None, count: int) -> tuple[list[str], str] | None:
    """The first ``count`` Arabic lines of NTREX-128 and what they are; None when absent."""
    from translate.fsio import read_lines

    directory = ntrex_dir(data_dir)
    if directory is None:
        return None
    name = NTREX_FILES["ar"]
    lines = [x.strip() for x in read_lines(directory / name) if x.strip()][:count]
    return lines, f"NTREX-128 {name}, first {len(lines)} lines (CC BY-SA 4.0)"


def latency_percentiles(latencies: Sequence[float]) -> tuple[float, float]:
    """(p50, p95) in seconds, rounded to the millisecond; one latency is both."""
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else list(latencies) * 19
    return round(statistics.median(latencies), 3), round(q[18], 3)


def report_progress(done: int, total: int) -> None:
    """In a child: tell ``run_in_child`` how far it is."""
    print(f"{PROGRESS} {done} {total}", file=sys.stderr, flush=True)


def run_in_child(module: str, job: dict[str, Any], what: str,
                 progress: ProgressFn | None = None) -> dict[str, Any]:
    """Run ``python -m MODULE`` with ``job`` as JSON on stdin; return the JSON object it prints
    last on stdout. ``what`` names the measurement in the error when the child fails.

    A subprocess, not multiprocessing: spawn re-imports the parent's __main__, which for
    ``python -m translate`` would start the CLI again inside the child.
    """
    proc = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stderr is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(job))
    proc.stdin.close()
    errors = []
    for line in proc.stderr:  # the result is one short line on stdout: read it after
        if line.startswith(PROGRESS):
            done, total = (int(x) for x in line.split()[1:3])
            if progress:
                progress(done, total)
        elif line.strip():
            errors.append(line.strip())
    out = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeFailure(f"{what} failed: {(errors or ['no output'])[-1]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def child_main(measure: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """A child's entry point: the job from stdin, the result as one JSON line on stdout."""
    print(json.dumps(measure(json.loads(sys.stdin.read()))))
