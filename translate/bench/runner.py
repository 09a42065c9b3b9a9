"""One quality bench run: a suite (plus command-line overrides) → engines → rows → report.

The CLI builds a ``Suite`` (from ``--suite`` and/or ``--model`` / ``--testset``), calls
``run_quality`` and then ``quality_report.write_outputs`` and ``history.append_history``.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.bench.environment import machine_info, repo_root, versions
from translate.bench.quality import QualityBench, QualityOptions, QualityRow, pivot_comparisons
from translate.bench.suite import Suite, normalise_pair
from translate.bench.testsets import TestSet, load_testsets
from translate.errors import UsageError
from translate.values import ProgressFactory

DEFAULT_TESTSETS = ("ntrex128",)
SCHEMA = "tarjama.bench.quality/1"


def apply_overrides(suite: Suite, models: dict[str, str], testsets: Sequence[str]) -> Suite:
    """Command-line ``--model`` and ``--testset`` on top of (or instead of) a suite's."""
    for key, spec in models.items():
        suite.models[normalise_pair(key, "--model")] = spec
    if testsets:
        suite.testsets = [{"spec": t} for t in testsets]
    return suite


def resolve_models(suite: Suite) -> dict[str, str]:
    """The model per direction the run needs: the suite's, else tarjama's defaults."""
    from translate.models.store import DEFAULT_MODELS

    out = {}
    for tgt in suite.targets() or ["en", "ru"]:
        pair = f"ar-{tgt}"
        out[pair] = suite.models.get(pair) or DEFAULT_MODELS[("ar", tgt)]
    pivot = suite.options.pivot
    if "ar-ru" in out and (pivot or (pivot is None and "en-ru" in suite.models)):
        out.setdefault("ar-en", suite.models.get("ar-en") or DEFAULT_MODELS[("ar", "en")])
        out["en-ru"] = suite.models.get("en-ru") or DEFAULT_MODELS[("en", "ru")]
    return out


def load_suite_testsets(suite: Suite, targets: Sequence[str]) -> list[TestSet]:
    entries = suite.testsets or [{"spec": name} for name in DEFAULT_TESTSETS]
    found: list[TestSet] = []
    for entry in entries:
        found += load_testsets(entry["spec"], targets, data_dir=suite.options.data_dir or None,
                               download=suite.options.download,
                               limit=entry.get("limit", suite.options.limit))
    if not found:
        raise UsageError(f"no test set has references for {', '.join(targets)}")
    return found


def load_bench_engines(models: dict[str, str], suite: Suite) -> dict[tuple[str, str], Any]:
    from translate.engines import load_engine
    from translate.engines.ct2 import Ct2Options
    from translate.values import DecodeOptions

    o = suite.options
    options = DecodeOptions(beam=o.beam, batch_size=o.batch_size, device=o.device,
                            threads=o.threads, max_input_length=o.max_input_length)
    backend_options = {"ctranslate2": Ct2Options(compute_type=o.compute_type)}
    engines = {}
    for pair, spec in models.items():
        src, _, tgt = pair.partition("-")
        engines[(src, tgt)] = load_engine(spec, src, tgt, backend=o.backend, options=options,
                                          backend_options=backend_options)
    return engines


def run_quality(suite: Suite, *, progress: ProgressFactory | None = None,
                command: Sequence[str] | None = None) -> tuple[dict[str, Any], list[QualityRow]]:
    """Run every model × direction × test set of ``suite``; the report dict and the rows."""
    models = resolve_models(suite)
    targets = sorted({p.split("-")[1] for p in models if p.startswith("ar-")})
    testsets = load_suite_testsets(suite, targets)  # before loading models: fail fast
    engines = load_bench_engines(models, suite)
    o = suite.options
    qopts = QualityOptions(metrics=tuple(o.metrics), tokenize=o.tokenize,
                           confidence=o.confidence, checks=o.checks, segment=o.segment,
                           pivot=("en", "ru") in engines, significance=o.significance)
    bench = QualityBench(engines, qopts, progress)
    rows = bench.run(testsets)
    now = _dt.datetime.now(_dt.timezone.utc)
    report = {
        "schema": SCHEMA,
        "run_id": f"{now.strftime('%Y%m%dT%H%M%SZ')}-{suite.name}",
        "created": now.isoformat(timespec="seconds"),
        "command": list(command) if command is not None else None,
        "suite": suite.to_dict(),
        "versions": versions(),
        "machine": machine_info(),
        "models": {f"{s}-{t}": e.describe() for (s, t), e in engines.items()},
        "load_seconds": {f"{s}-{t}": round(e.stats.load_seconds, 3)
                         for (s, t), e in engines.items()},
        "testsets": [t.describe() for t in testsets],
        "quality": {
            "rows": [r.to_dict() for r in rows],
            "signatures": signatures(rows),
            "pivot": pivot_comparisons(rows, testsets, qopts),
            "published": published_scores(engines),
        },
        "speed": None,
    }
    return portable(report), rows


def portable(value: Any) -> Any:
    """The report with this checkout's and the home folder's paths made relative (``~``), so a
    recorded result names no machine's layout and reads the same on every clone."""
    root, home = str(repo_root()) + os.sep, str(Path.home())
    if isinstance(value, str):
        value = value.replace(root, "")
        return "~" + value[len(home):] if home != os.sep and value.startswith(home) else value
    if isinstance(value, dict):
        return {k: portable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [portable(v) for v in value]
    return value


def signatures(rows: Sequence[QualityRow]) -> dict[str, str]:
    """One signature per metric when all rows agree (they do unless a test set's level
    differs, which does not enter the signature); otherwise every distinct one, joined."""
    out: dict[str, list[str]] = {}
    for r in rows:
        for s in r.scores:
            sigs = out.setdefault(s.name, [])
            if s.signature not in sigs:
                sigs.append(s.signature)
    return {k: " ; ".join(v) for k, v in out.items()}


def published_scores(engines: dict[tuple[str, str], Any]) -> list[dict[str, Any]]:
    """Scores the models' authors published (``tarjama models list``), to read ours against."""
    from translate.models.catalog import CATALOG

    ids = {e.model_id for e in engines.values()}
    return [{"model": c.model_id, "pair": c.pair, "testset": t, "BLEU": b, "chrF": c_}
            for c in CATALOG if c.model_id in ids for t, b, c_ in c.scores]
