"""Writing a quality bench run: JSON (everything), a markdown table, PNG charts, hypotheses.

File names start with ``quality`` so that other outputs in the same folder never collide with
them. Each row's hypotheses go to ``hyps/`` and each test set's references to ``refs/``, so that
``tarjama bench compare`` can test two runs against each other later (paired tests need the
segments, not only the scores). matplotlib is imported only here, lazily, with the Agg backend:
a bench run on a server without a display must not need one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.bench.quality import QualityRow
from translate.bench.report_model import Report, Row, Score
from translate.bench.suite import DEFAULT_SYSTEM
from translate.fsio import atomic_write_many, safe_name

METRIC_ORDER = ("BLEU", "chrF2", "chrF2++", "TER")


def write_outputs(report: dict[str, Any], rows: Sequence[QualityRow], out_dir: Path, *,
                  force: bool = False, charts: bool = True) -> list[Path]:
    """quality.json, quality.md, quality-*.png, hyps/*.txt and refs/*.txt into ``out_dir``."""
    files: list[tuple[Path, str | bytes]] = []
    hyp_paths, ref_paths = {}, {}
    for r in rows:
        stem = r.route if r.system == DEFAULT_SYSTEM else f"{r.system}.{r.route}"
        name = safe_name(f"{r.testset.replace('/', '_')}.{r.pair}.{stem}") + ".txt"
        hyp_paths[r.key] = f"hyps/{name}"
        files.append((out_dir / "hyps" / name, "\n".join(r.hypotheses) + "\n"))
    references = {(r.testset, r.pair): r.references for r in rows if r.references}
    for (testset, pair), refs in references.items():
        name = safe_name(f"{testset.replace('/', '_')}.{pair}") + ".txt"
        ref_paths[(testset, pair)] = f"refs/{name}"
        files.append((out_dir / "refs" / name, "\n".join(refs) + "\n"))
    for row in report["quality"]["rows"]:
        row["hypotheses_file"] = hyp_paths.get(row["key"])
        row["references_file"] = ref_paths.get((row["testset"], row["pair"]))
    if charts and rows:
        report["charts"] = ["quality-scores.png", "quality-flags.png"]
        files.append((out_dir / "quality-scores.png", scores_chart(report)))
        files.append((out_dir / "quality-flags.png", flags_chart(report)))
    files.append((out_dir / "quality.md", markdown(report)))
    files.append((out_dir / "quality.json",
                  json.dumps(report, ensure_ascii=False, indent=2) + "\n"))
    return atomic_write_many(files, force=force)


def _fmt_score(s: Score | None) -> str:
    if s is None:
        return "—"
    return f"{s.score:.2f}" + (f" ± {s.ci:.2f}" if s.ci is not None else "")


def _models_cell(row: Row) -> str:
    return " → ".join(leg.model for leg in row.legs)


def _vs_baseline(row: Row, metric: str) -> str:
    if row.is_baseline:
        return "baseline"
    cell = row.vs_baseline.get(metric)
    if cell is None:
        return "—"
    return f"{cell.delta:+.2f} (p {_p(cell.p_bootstrap)})"


def table_rows(report: dict[str, Any] | Report) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the results table (shared by markdown and the terminal)."""
    r = report if isinstance(report, Report) else Report.of(report)
    metrics = [m for m in METRIC_ORDER if any(m in row.scores for row in r.rows)]
    tested = [m for m in metrics if any(m in row.vs_baseline for row in r.rows)]
    header = ["test set", "pair", "route", "system", "model", "backend", "beam", "segs",
              *[f"{m} (±95% CI)" for m in metrics],
              *[f"Δ{m} vs {r.baseline or 'baseline'} (p)" for m in tested],
              "flagged", "errors", "s"]
    cells = []
    for row in r.rows:
        beam = row.legs[0].beam if row.legs else None
        cells.append([
            row.testset, row.pair, row.route, row.system, _models_cell(row),
            "/".join(sorted({leg.backend for leg in row.legs})),
            "" if beam is None else str(beam),
            str(row.segments) + (" (doc)" if row.level == "document" else ""),
            *[_fmt_score(row.scores.get(m)) for m in metrics],
            *[_vs_baseline(row, m) for m in tested],
            "—" if row.flagged is None else str(row.flagged), str(row.errors),
            f"{row.seconds:.1f}",
        ])
    return header, cells


SPEED_COLUMNS = [("pair", "pair"), ("model", "model"), ("backend", "backend"),
                 ("load_s", "load s"), ("seed_e2e_s", "seed e2e s"), ("tok_s", "tok/s"),
                 ("latency_p50_s", "para p50 s"), ("latency_p95_s", "para p95 s"),
                 ("peak_rss_mb", "peak RSS MB"), ("disk_mb", "loaded MB"),
                 ("weights_mb", "weights MB")]


def speed_rows(report: dict[str, Any] | Report) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the per-model speed and memory table (empty without speed)."""
    r = report if isinstance(report, Report) else Report.of(report)
    models = r.speed.models if r.speed else []
    return [h for _, h in SPEED_COLUMNS], [
        ["—" if m.get(k) is None else str(m[k]) for k, _ in SPEED_COLUMNS] for m in models]


def markdown(report: dict[str, Any]) -> str:
    r = Report.of(report)
    header, cells = table_rows(r)
    lines = [f"# tarjama bench — {r.suite} ({r.run_id})", ""]
    if r.command:
        lines += ["Command:", "", "```", " ".join(r.command), "```", ""]
    lines += _md_table(header, cells)
    lines += ["", "`route`: direct, or pivot-en (ar→en, then en→X); `Δ… (p)`: the row minus the "
              f"baseline system ({r.baseline or '—'}) on the same test set and "
              "direction, with sacrebleu's paired bootstrap p-value (approximate randomisation "
              "in the JSON); `flagged`: test segments with at least one QA flag "
              "(translate.checks); `errors`: segments that could not be translated; `s`: "
              "translation wall time. A `(doc)` row is one document-level segment (no CI).", ""]
    speed_header, speed_cells = speed_rows(r)
    if r.speed and speed_cells:
        forced = r.speed.forced_tokens
        lines += ["## Speed and memory, per model", "",
                  f"{r.speed.what}; workload: {r.speed.models[0].get('workload', '')}"
                  + (f"; every output forced to {forced} tokens" if forced else "") + ".", ""]
        lines += [*_md_table(speed_header, speed_cells), ""]
    lines += ["## Signatures (sacrebleu)", ""]
    lines += [f"- {name}: `{sig}`" for name, sig in r.signatures.items()]
    by_check: dict[str, int] = {}
    for row in r.rows:
        for check, n in row.by_check.items():
            by_check[check] = by_check.get(check, 0) + n
    if by_check:
        lines += ["", "## QA flags by check (all rows)", ""]
        lines += [f"- {c}: {n}" for c, n in sorted(by_check.items(), key=lambda x: -x[1])]
    if r.pivot:
        lines += ["", "## Pivot ar→en→X against direct ar→X, per system", "",
                  "| test set | pair | system | metric | direct | pivot | Δ | p (bootstrap) | "
                  "p (AR) |", "|---|---|---|---|---|---|---|---|---|"]
        for p in r.pivot:
            for metric, d in p.direct.items():
                p_bs, p_ar = p.tests.get(metric, (None, None))
                lines.append(f"| {p.testset} | {p.pair} | {p.system} | "
                             f"{metric} | {d:.2f} | {p.pivot[metric]:.2f} | "
                             f"{p.delta[metric]:+.2f} | {_p(p_bs)} | {_p(p_ar)} |")
    if r.published:
        lines += ["", "## Published scores of these models (their authors' test sets)", ""]
        lines += [f"- {p.model} {p.pair} {p.testset}: BLEU {p.bleu}, chrF "
                  f"{p.chrf:.1f} ({p.source})" for p in r.published]
    if r.attributions:
        lines += ["", "## Test data", ""] + [f"- {a}" for a in r.attributions]
    m = r.machine
    lines += ["", "## Environment", "",
              "- " + ", ".join(f"{k} {val}" for k, val in r.versions.items() if val),
              f"- {m.get('processor', '')}, {m.get('cpus_usable', m.get('cpu_count'))} CPUs"
              + (f", {m['memory_gb']} GB" if "memory_gb" in m else "")
              + f"; load average {', '.join(f'{x:.1f}' for x in m.get('load_average', []))}",
              ""]
    return "\n".join(lines)


def _md_table(header: list[str], cells: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]]


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def _labels(rows: list[Row]) -> list[str]:
    return [f"{r.testset}\n{r.pair} {r.route}"
            + ("" if r.system == DEFAULT_SYSTEM else f"\n{r.system}") for r in rows]


def scores_chart(report: dict[str, Any]) -> bytes:
    """Grouped bars: BLEU, chrF, chrF++ per row, with the bootstrap CI as error bars."""
    plt = _pyplot()
    r = Report.of(report)
    rows = r.rows
    metrics = [m for m in METRIC_ORDER if m != "TER" and any(m in row.scores for row in rows)]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(rows) + 2), 4.5))
    width = 0.8 / max(1, len(metrics))
    none = Score(0.0)
    for i, metric in enumerate(metrics):
        xs = [j + (i - (len(metrics) - 1) / 2) * width for j in range(len(rows))]
        vals = [row.scores.get(metric, none).score for row in rows]
        errs = [row.scores.get(metric, none).ci or 0.0 for row in rows]
        bars = ax.bar(xs, vals, width, yerr=errs, capsize=3, label=metric)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
    ax.set_xticks(range(len(rows)), _labels(rows), fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (sacrebleu)")
    ax.set_title(f"Translation quality — {r.suite} ({r.run_id})", fontsize=10)
    ax.legend(fontsize=8)
    return _png(fig)


def flags_chart(report: dict[str, Any]) -> bytes:
    """Stacked bars: QA flags per check and row, as a share of sentences checked."""
    plt = _pyplot()
    rows = Report.of(report).rows
    checks = sorted({c for row in rows for c in row.by_check})
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(rows) + 2), 4.0))
    bottom = [0.0] * len(rows)
    for check in checks:
        vals = [100.0 * row.by_check.get(check, 0) / max(1, row.sentences) for row in rows]
        ax.bar(range(len(rows)), vals, 0.6, bottom=bottom, label=check)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    if not checks:
        ax.text(0.5, 0.5, "no QA flags", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks(range(len(rows)), _labels(rows), fontsize=8)
    ax.set_ylabel("flags per 100 sentences")
    ax.set_title("Segment QA flags (translate.checks)", fontsize=10)
    if checks:
        ax.legend(fontsize=8)
    return _png(fig)


def compare_lines(a: dict[str, Any], b: dict[str, Any], deltas: Sequence[Any],
                  notes: Sequence[str], tests: dict[str, dict[str, Any]] | None = None,
                  untested: Sequence[str] = ()) -> list[str]:
    """A plain table of B − A for ``tarjama bench compare``, with the paired p-values of B
    against A where both runs kept their segments."""
    tests = tests or {}
    out = [f"A: {a.get('run_id')} ({a.get('suite')})", f"B: {b.get('run_id')} ({b.get('suite')})",
           ""]
    width = max([len(d.key) for d in deltas] + [10])
    out.append(f"{'row':<{width}}  {'metric':<8} {'A':>8} {'B':>8} {'B−A':>8} {'p (bs)':>8} "
               f"{'p (AR)':>8}")
    for d in deltas:
        a_s = "—" if d.a is None else f"{d.a:.2f}"
        b_s = "—" if d.b is None else f"{d.b:.2f}"
        delta = "—" if d.delta is None else f"{d.delta:+.2f}"
        cell = tests.get(d.key, {}).get(d.metric, {})
        out.append(f"{d.key:<{width}}  {d.metric:<8} {a_s:>8} {b_s:>8} {delta:>8} "
                   f"{_p(cell.get('p_bootstrap')):>8} {_p(cell.get('p_ar')):>8}")
    if tests:
        out += ["", "p: paired bootstrap (bs, 1,000 resamples) and approximate randomisation "
                "(AR, 10,000 trials) of B against A on the same segments (sacrebleu); below "
                "0.05, the difference is unlikely to be noise."]
    out += [*([""] if untested else []), *untested]
    if notes:
        out += ["", "Changed between the runs (a delta may come from these, not a regression):"]
        out += [f"  {n}" for n in notes]
    return out
