"""One quality bench run: a request → suite and systems → engines → rows → report → files.

``tarjama bench`` parses its options into a ``BenchRequest`` and calls ``run_bench``, which
checks where the outputs go before any model is loaded, runs every system of the suite over its
test sets (``run_quality``), tests every row against the baseline, measures each model's speed
and memory when asked (translate.bench.profile), writes the report and appends the history line.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.bench.environment import machine_info, repo_root, versions
from translate.bench.quality import (
    QualityBench,
    QualityOptions,
    QualityRow,
    compare_to_baseline,
    pivot_comparisons,
)
from translate.bench.suite import Suite, load_suite, merge_options
from translate.bench.systems import System, build_systems, choose_baseline
from translate.bench.testsets import TestSet, load_testsets
from translate.errors import OutputExistsError, UsageError
from translate.fsio import check_output, check_output_dir
from translate.values import ProgressFactory

DEFAULT_TESTSETS = ("ntrex128",)
SCHEMA = "tarjama.bench.quality/2"
OUTSIDE = Path("tarjama-bench")  # where results go when not run inside a tarjama checkout


@dataclass
class BenchRequest:
    """What ``tarjama bench`` was asked: the command line in one object."""

    suite: Path | None = None
    models: list[tuple[str, str]] = field(default_factory=list)  # (direction, spec), in order
    testsets: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # suite options given explicitly
    output: Path | None = None  # None: a new folder per run under the default results folder
    history: Path | None = None
    force: bool = False
    command: list[str] = field(default_factory=list)


@dataclass
class BenchResult:
    report: dict[str, Any]
    rows: list[QualityRow]
    out_dir: Path
    history: Path
    written: list[Path]
    notes: list[str]  # where things went when the user did not say


def default_locations() -> tuple[Path, Path, str | None]:
    """(results folder, history file, note): eval/ of this checkout when run inside it;
    elsewhere ./tarjama-bench/, and a note saying so (a user's project is not our eval/)."""
    root = repo_root()
    inside = (root / "eval").is_dir() and (root / "pyproject.toml").is_file() and \
        Path.cwd().resolve().is_relative_to(root)
    if inside:
        return root / "eval" / "results", root / "eval" / "history.jsonl", None
    return (OUTSIDE / "results", OUTSIDE / "history.jsonl",
            f"not inside a tarjama checkout: results and history go to ./{OUTSIDE}/")


def run_bench(request: BenchRequest, progress: ProgressFactory | None = None) -> BenchResult:
    """Check the outputs, run the suite, write the report and the history line."""
    from translate.bench.history import append_history, history_entry
    from translate.bench.quality_report import write_outputs

    results, history, note = default_locations()
    history = request.history or history
    notes = [note] if note and (request.output is None or request.history is None) else []
    # Where the results go is checked before any model is loaded, not after the work.
    check_output_dir(request.output or results)
    if request.output is not None:
        if (request.output / "quality.json").exists() and not request.force:
            raise OutputExistsError(f"{request.output} holds a bench run; pass --force to "
                                    "replace it, or give another -o")
        check_output(request.output / "quality.json", force=True)
    check_output(history, force=True)
    suite = load_suite(request.suite) if request.suite is not None else Suite()
    if request.testsets:
        suite.testsets = [{"spec": t} for t in request.testsets]
    merge_options(suite.options, request.options, "command line")
    report, rows = run_quality(suite, build_systems(suite, request.models), progress=progress,
                               command=request.command)
    out_dir = request.output or results / report["run_id"]
    written = write_outputs(report, rows, out_dir, force=request.force)
    append_history(history, portable(history_entry(report, out_dir / "quality.json")))
    return BenchResult(report, rows, out_dir, history, written, notes)


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


def load_bench_engines(systems: Sequence[System], suite: Suite
                       ) -> list[tuple[str, dict[tuple[str, str], Any]]]:
    """Each system's engines; a model used by several systems for one direction is one engine
    (loaded once, its translations shared)."""
    from translate.engines import load_engine
    from translate.engines.ct2 import Ct2Options
    from translate.values import DecodeOptions

    o = suite.options
    options = DecodeOptions(beam=o.beam, batch_size=o.batch_size, device=o.device,
                            threads=o.threads, max_input_length=o.max_input_length)
    backend_options = {"ctranslate2": Ct2Options(compute_type=o.compute_type)}
    loaded: dict[tuple[str, str], Any] = {}
    out = []
    wanted = set(suite.targets())
    for system in systems:
        engines = {}
        for pair, spec in system.models.items():
            src, _, tgt = pair.partition("-")
            if wanted and src == "ar" and tgt not in wanted:
                continue  # a direction the suite does not score
            if (pair, spec) not in loaded:
                loaded[(pair, spec)] = load_engine(spec, src, tgt, backend=o.backend,
                                                   options=options,
                                                   backend_options=backend_options)
            engines[(src, tgt)] = loaded[(pair, spec)]
        out.append((system.name, engines))
    return out


def run_quality(suite: Suite, systems: Sequence[System] | None = None, *,
                progress: ProgressFactory | None = None,
                command: Sequence[str] | None = None) -> tuple[dict[str, Any], list[QualityRow]]:
    """Run every system × route × test set of ``suite``; the report dict and the rows."""
    systems = list(systems) if systems is not None else build_systems(suite)
    baseline = choose_baseline(systems, suite.options.baseline)
    targets = sorted({p.split("-")[1] for s in systems for p in s.models if p[:3] == "ar-"}
                     & set(suite.targets() or ["en", "ru"]))
    testsets = load_suite_testsets(suite, targets)  # before loading models: fail fast
    engines = load_bench_engines(systems, suite)
    o = suite.options
    qopts = QualityOptions(metrics=tuple(o.metrics), tokenize=o.tokenize,
                           confidence=o.confidence, checks=o.checks, segment=o.segment,
                           pivot=o.pivot, significance=o.significance)
    rows = QualityBench(engines, qopts, progress).run(testsets)
    tested = compare_to_baseline(rows, testsets, baseline.name, qopts) if o.significance \
        else {}
    now = _dt.datetime.now(_dt.timezone.utc)
    unique = {id(e): e for _, es in engines for e in es.values()}.values()
    report = {
        "schema": SCHEMA,
        "run_id": f"{now.strftime('%Y%m%dT%H%M%SZ')}-{suite.name}",
        "created": now.isoformat(timespec="seconds"),
        "command": list(command) if command is not None else None,
        "suite": suite.to_dict(),
        "systems": [{"name": s.name, "models": s.models, "baseline": s is baseline}
                    for s in systems],
        "baseline": baseline.name,
        "versions": versions(),
        "machine": machine_info(),
        "models": {f"{name}|{s}-{t}": e.describe() for name, es in engines
                   for (s, t), e in es.items()},
        "load_seconds": {f"{e.model_id}|{e.pair}": round(e.stats.load_seconds, 3)
                         for e in unique},
        "testsets": [t.describe() for t in testsets],
        "quality": {
            "rows": [r.to_dict() for r in rows],
            "signatures": signatures(rows),
            "pivot": pivot_comparisons(rows, testsets, qopts, tested),
            "published": published_scores(unique),
        },
        "speed": profile(unique, suite, progress) if o.speed else None,
    }
    return portable(report), rows


def profile(engines: Any, suite: Suite, progress: ProgressFactory | None) -> dict[str, Any]:
    """Each model's speed and memory (translate.bench.profile), one process per model."""
    from translate.bench.profile import ProfileJob, profile_models

    o = suite.options
    jobs = [ProfileJob(e.pair, e.ref.spec, e.backend, o.beam, o.batch_size, o.threads, o.device,
                       o.compute_type, o.max_input_length, o.forced_tokens) for e in engines]
    models = profile_models(jobs, progress("speed and memory, per model") if progress else None)
    return {"what": "one process per model and direction: load, the seed article end to end, "
                    "paragraph latency, peak RSS", "forced_tokens": o.forced_tokens,
            "models": models}


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


def published_scores(engines: Any) -> list[dict[str, Any]]:
    """Scores the models' authors published (``tarjama models list``), to read ours against."""
    from translate.models.catalog import entry

    out = []
    for e in engines:
        known = entry(e.model_id)
        for s in known.score(e.pair) if known else []:
            out.append({"model": e.model_id, "pair": s.pair, "testset": s.testset,
                        "BLEU": s.bleu, "chrF": s.chrf, "source": s.source})
    return out
