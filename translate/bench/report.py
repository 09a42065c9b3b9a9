"""Writing a speed benchmark: JSON (everything), a markdown table and a PNG bar chart."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from translate.fsio import atomic_write

COLUMNS = [
    ("engine", "engine"), ("large_tok_s", "tok/s (large)"), ("large_sent_s", "sent/s (large)"),
    ("speedup_tok_s", "× naive tok/s"), ("seed_e2e_s", "seed e2e s"),
    ("speedup_seed_e2e", "× naive e2e"), ("load_s", "load s"),
    ("paragraph_latency_p50_s", "para p50 s"), ("paragraph_latency_p95_s", "para p95 s"),
    ("peak_rss_seed_mb", "peak RSS seed MB"), ("large_tokens", "tokens (large)"),
]


def markdown(result: dict[str, Any], command: str = "") -> str:
    spec, wl, m = result["spec"], result["workload"], result["machine"]
    lines = [
        "# Speed benchmark",
        "",
        f"Command: `{command}`" if command else "",
        "",
        f"Machine: {m['processor']}, {m['cpu_count']} cores visible, load average at start "
        f"{', '.join(f'{x:.1f}' for x in m['load_average'])}; threads per engine: "
        f"{spec['threads']}; beam {spec['beam']}; every output forced to "
        f"{spec['forced_tokens']} tokens.",
        f"Workloads: seed article ({wl['seed_units']} inputs in {wl['seed_blocks']} blocks, "
        f"both directions); large: {wl['large_source']}, both directions (naive and "
        f"transformers: the first {spec['slow_large']} only).",
        "",
        "| " + " | ".join(h for _, h in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in result["engines"]:
        lines.append("| " + " | ".join(str(row.get(k, "")) for k, _ in COLUMNS) + " |")
    if result.get("cache"):
        c = result["cache"]
        lines += ["", f"Cached rerun of the seed article (ct2-int8, both directions): first "
                      f"{c['first_s']} s, rerun {c['rerun_s']} s: **{c['speedup']}×**."]
    return "\n".join(lines) + "\n"


def chart(result: dict[str, Any], path: Path, *, force: bool = True) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["engines"]
    names = [r["engine"] for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.5 * len(rows) + 2))
    axes[0].barh(names, [r["large_tok_s"] for r in rows], color="tab:blue")
    axes[0].set_xlabel("output tokens/s, large workload (higher is better)")
    axes[1].barh(names, [r["seed_e2e_s"] for r in rows], color="tab:orange")
    axes[1].set_xlabel("seed article end to end, s (lower is better)")
    for ax in axes:
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    spec = result["spec"]
    fig.suptitle(f"tarjama speed: beam {spec['beam']}, {spec['threads']} threads, "
                 f"{spec['forced_tokens']} forced tokens")
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    plt.close(fig)
    atomic_write(path, png.getvalue(), force=force)


def write(result: dict[str, Any], out_dir: Path, *, name: str = "speed", command: str = "",
          force: bool = True) -> list[Path]:
    out_dir = Path(out_dir)
    result = {**result, "command": command}
    paths = [
        atomic_write(out_dir / f"{name}.json",
                     json.dumps(result, ensure_ascii=False, indent=2) + "\n", force=force),
        atomic_write(out_dir / f"{name}.md", markdown(result, command), force=force),
    ]
    chart(result, out_dir / f"{name}.png", force=force)
    return [*paths, out_dir / f"{name}.png"]
