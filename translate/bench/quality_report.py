"""Writing a quality bench run: JSON (everything), a markdown table, PNG charts, hypotheses.

File names start with ``quality`` so that a speed run writing into the same folder (``--speed``)
never collides with them. matplotlib is imported only here, lazily, with the Agg backend: a
bench run on a server without a display must not need one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.bench.quality import QualityRow
from translate.fsio import atomic_write_many, safe_name

METRIC_ORDER = ("BLEU", "chrF2", "chrF2++", "TER")


def write_outputs(report: dict[str, Any], rows: Sequence[QualityRow], out_dir: Path, *,
                  force: bool = False, charts: bool = True) -> list[Path]:
    """quality.json, quality.md, quality-*.png and hyps/*.txt into ``out_dir``."""
    files: list[tuple[Path, str | bytes]] = []
    hyp_paths = {}
    for r in rows:
        name = safe_name(f"{r.testset.replace('/', '_')}.{r.pair}.{r.system}") + ".txt"
        hyp_paths[r.key] = f"hyps/{name}"
        files.append((out_dir / "hyps" / name, "\n".join(r.hypotheses) + "\n"))
    for row in report["quality"]["rows"]:
        row["hypotheses_file"] = hyp_paths.get(row["key"])
    if charts and rows:
        report["charts"] = ["quality-scores.png", "quality-flags.png"]
        files.append((out_dir / "quality-scores.png", scores_chart(report)))
        files.append((out_dir / "quality-flags.png", flags_chart(report)))
    files.append((out_dir / "quality.md", markdown(report)))
    files.append((out_dir / "quality.json",
                  json.dumps(report, ensure_ascii=False, indent=2) + "\n"))
    return atomic_write_many(files, force=force)


def _fmt_score(s: dict[str, Any] | None) -> str:
    if s is None:
        return "—"
    ci = s.get("ci")
    return f"{s['score']:.2f}" + (f" ± {ci:.2f}" if ci is not None else "")


def _models_cell(row: dict[str, Any]) -> str:
    return " → ".join(str(m["model"]) for m in row["models"])


def table_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the results table (shared by markdown and the terminal)."""
    rows = report["quality"]["rows"]
    metrics = [m for m in METRIC_ORDER if any(m in r["scores"] for r in rows)]
    header = ["test set", "pair", "system", "model", "backend", "beam", "segs",
              *[f"{m} (±95% CI)" for m in metrics], "flagged", "errors", "s"]
    cells = []
    for r in rows:
        m0 = r["models"][0]
        cells.append([
            r["testset"], r["pair"], r["system"], _models_cell(r),
            "/".join(sorted({m["backend"] for m in r["models"]})), str(m0.get("beam", "")),
            str(r["segments"]) + (" (doc)" if r["level"] == "document" else ""),
            *[_fmt_score(r["scores"].get(m)) for m in metrics],
            f"{r['flags'].get('segments_flagged', '—')}", str(r["errors"]),
            f"{r['seconds']:.1f}",
        ])
    return header, cells


def markdown(report: dict[str, Any]) -> str:
    header, cells = table_rows(report)
    q = report["quality"]
    lines = [f"# tarjama bench — {report['suite']['name']} ({report['run_id']})", ""]
    if report.get("command"):
        lines += ["Command:", "", "```", " ".join(report["command"]), "```", ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    lines += ["", "`flagged`: test segments with at least one QA flag "
              "(translate.checks); `errors`: segments that could not be translated; `s`: "
              "translation wall time. A `(doc)` row is one document-level segment "
              "(no CI).", ""]
    lines += ["## Signatures (sacrebleu)", ""]
    lines += [f"- {name}: `{sig}`" for name, sig in q["signatures"].items()]
    by_check: dict[str, int] = {}
    for r in q["rows"]:
        for check, n in r["flags"].get("by_check", {}).items():
            by_check[check] = by_check.get(check, 0) + n
    if by_check:
        lines += ["", "## QA flags by check (all rows)", ""]
        lines += [f"- {c}: {n}" for c, n in sorted(by_check.items(), key=lambda x: -x[1])]
    if q["pivot"]:
        lines += ["", "## Pivot ar→en→X against direct ar→X", "",
                  "| test set | pair | metric | direct | pivot | Δ | p (bootstrap) | p (AR) |",
                  "|---|---|---|---|---|---|---|---|"]
        for p in q["pivot"]:
            sig = {s["name"]: s for s in p.get("significance", {}).get("systems", [])}
            piv = sig.get("pivot-en", {}).get("scores", {})
            for metric, d in p["direct"].items():
                cell = piv.get(metric, {})
                lines.append(f"| {p['testset']} | {p['pair']} | {metric} | {d:.2f} | "
                             f"{p['pivot'][metric]:.2f} | {p['delta'][metric]:+.2f} | "
                             f"{_p(cell.get('p_bootstrap'))} | {_p(cell.get('p_ar'))} |")
    if q["published"]:
        lines += ["", "## Published scores of these models (their authors' test sets)", ""]
        lines += [f"- {p['model']} {p['testset']}: BLEU {p['BLEU']}, chrF {p['chrF']}"
                  for p in q["published"]]
    attributions = sorted({t["attribution"] for t in report["testsets"] if t["attribution"]})
    if attributions:
        lines += ["", "## Test data", ""] + [f"- {a}" for a in attributions]
    v, m = report["versions"], report["machine"]
    lines += ["", "## Environment", "",
              "- " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
              f"- {m.get('processor', '')}, {m.get('cpus_usable', m.get('cpu_count'))} CPUs"
              + (f", {m['memory_gb']} GB" if "memory_gb" in m else ""), ""]
    return "\n".join(lines)


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


def _labels(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['testset']}\n{r['pair']} {r['system']}" for r in rows]


def scores_chart(report: dict[str, Any]) -> bytes:
    """Grouped bars: BLEU, chrF, chrF++ per row, with the bootstrap CI as error bars."""
    plt = _pyplot()
    rows = report["quality"]["rows"]
    metrics = [m for m in METRIC_ORDER if m != "TER" and any(m in r["scores"] for r in rows)]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(rows) + 2), 4.5))
    width = 0.8 / max(1, len(metrics))
    for i, metric in enumerate(metrics):
        xs = [j + (i - (len(metrics) - 1) / 2) * width for j in range(len(rows))]
        vals = [r["scores"].get(metric, {}).get("score", 0.0) for r in rows]
        errs = [r["scores"].get(metric, {}).get("ci") or 0.0 for r in rows]
        bars = ax.bar(xs, vals, width, yerr=errs, capsize=3, label=metric)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
    ax.set_xticks(range(len(rows)), _labels(rows), fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("score (sacrebleu)")
    ax.set_title(f"Translation quality — {report['suite']['name']} ({report['run_id']})",
                 fontsize=10)
    ax.legend(fontsize=8)
    return _png(fig)


def flags_chart(report: dict[str, Any]) -> bytes:
    """Stacked bars: QA flags per check and row, as a share of sentences checked."""
    plt = _pyplot()
    rows = report["quality"]["rows"]
    checks = sorted({c for r in rows for c in r["flags"].get("by_check", {})})
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(rows) + 2), 4.0))
    bottom = [0.0] * len(rows)
    for check in checks:
        vals = [100.0 * r["flags"].get("by_check", {}).get(check, 0)
                / max(1, r["flags"].get("sentences", 0)) for r in rows]
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
                  notes: Sequence[str]) -> list[str]:
    """A plain table of B − A for ``tarjama bench --compare``."""
    out = [f"A: {a.get('run_id')} ({a.get('suite')})", f"B: {b.get('run_id')} ({b.get('suite')})",
           ""]
    width = max([len(d.key) for d in deltas] + [10])
    out.append(f"{'row':<{width}}  {'metric':<8} {'A':>8} {'B':>8} {'B−A':>8}")
    for d in deltas:
        a_s = "—" if d.a is None else f"{d.a:.2f}"
        b_s = "—" if d.b is None else f"{d.b:.2f}"
        delta = "—" if d.delta is None else f"{d.delta:+.2f}"
        out.append(f"{d.key:<{width}}  {d.metric:<8} {a_s:>8} {b_s:>8} {delta:>8}")
    if notes:
        out += ["", "Changed between the runs (a delta may come from these, not a regression):"]
        out += [f"  {n}" for n in notes]
    return out
