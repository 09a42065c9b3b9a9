"""Markdown for the dev results (results.md, results-sweep.md) from their JSON."""

from __future__ import annotations

from itertools import pairwise

from mtproxy import BINS


def _machine(res: dict) -> str:
    mc = res["machine"]
    return (f"Machine: {mc['cpus']} CPUs, load average {mc['load_avg_1_5_15']} (1/5/15 min) "
            "when written; the machine is shared, so timings are indicative only.")


def results_markdown(res: dict) -> str:
    rows = res["rows"]
    out = [f"# Alignment dev results\n\nCommand: `{res['command']}`\n", _machine(res),
           "`embed s` is time spent in the encoder in this run (0 when every line was already "
           "in `.cache/embeddings.sqlite`; cold speed: results-speed.json). Strict / lax F1 "
           "leave beads with an empty side out; null P / R score those apart. MT BLEU: corpus "
           "BLEU (sacrebleu) of the MT of the source against the reference, over the gold "
           "beads. Protocol and history: README.md.\n"]
    quality = res.get("mt_quality", {})
    if quality:
        out += ["## MT quality of each set\n", "| set | MT | corpus BLEU | median sentence BLEU "
                "of a true pair |", "|---|---|---|---|"]
        for name, mts in quality.items():
            for mt, q in mts.items():
                out.append(f"| {name} | {mt} | {q['corpus_bleu']} | "
                           f"{q['median_sentence_bleu']} |")
        out.append("")
    hist = res.get("histograms")
    if hist:
        labels = [f"{lo}-{hi if hi < 101 else 100}" for lo, hi in pairwise(BINS)]
        out += ["## Sentence BLEU of true pairs: real MT against the proxies\n",
                "Share of the gold beads in each sentence-BLEU bin (sacrebleu sentence BLEU of "
                "the MT of the bead's source side against its target side).\n",
                "| MT | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for label, shares in hist:
            out.append(f"| {label} | " + " | ".join(f"{100 * x:.0f}%" for x in shares) + " |")
        out.append("")
    out += _pivot(rows)
    out += ["## Every row\n", "| set | method | MT | MT BLEU | strict P | strict R | strict F1 | "
            "lax F1 | null P | null R | align s | embed s |", "|---" * 12 + "|"]
    for r in rows:
        out.append(f"| {r['set']} | {r['method']} | {r['mt']} | {r['mt_bleu'] or '-'} | "
                   f"{r['strict_precision']:.3f} | {r['strict_recall']:.3f} | "
                   f"{r['strict_f1']:.3f} | {r['lax_f1']:.3f} | {r['null_precision']:.2f} | "
                   f"{r['null_recall']:.2f} | {r['align_s']} | {r['embed_s']} |")
    return "\n".join(out) + "\n"


def _pivot(rows: list[dict]) -> list[str]:
    """Strict F1, one line per set and MT: length / embed (no MT) beside bleu / auto with it,
    and whether auto is within 0.005 of its best signal."""
    f1 = {(r["set"], r["method"], r["mt"]): r["strict_f1"] for r in rows}
    bleu_of = {(r["set"], r["mt"]): r["mt_bleu"] for r in rows}
    sets = list(dict.fromkeys(r["set"] for r in rows))
    out = ["## Strict F1, sets x methods\n",
           "`auto` with an MT must not lose to its best signal: auto >= max(embed, bleu) - 0.005 "
           "(last column).\n",
           "| set | MT (corpus BLEU) | length | embed | auto, no MT | bleu | auto | auto vs best |",
           "|---" * 8 + "|"]
    for s in sets:
        mts = [mt for (s2, m, mt) in f1 if s2 == s and m == "bleu"]
        base = [f1.get((s, m, "none")) for m in ("length", "embed", "auto")]
        show = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
        for mt in mts or ["none"]:
            b, a = f1.get((s, "bleu", mt)), f1.get((s, "auto", mt))
            best = max(x for x in (b, base[1]) if x is not None) if b or base[1] else None
            ok = "-" if a is None or best is None or mt == "none" else \
                f"{a - best:+.3f} {'ok' if a >= best - 0.005 else 'LOSES'}"
            out.append(f"| {s} | {mt} ({bleu_of.get((s, mt)) or '-'}) | {show(base[0])} | "
                       f"{show(base[1])} | {show(base[2])} | {show(b)} | {show(a)} | {ok} |")
    out.append("")
    return out


def sweep_markdown(res: dict) -> str:
    methods = res["methods"]
    out = [f"# Alignment F1 against MT quality\n\nCommand: `{res['command']}`\n", _machine(res),
           "The NTREX rows use MT proxies (eval/align/mtproxy.py) calibrated to each corpus BLEU "
           "against the reference; the textberg rows are its two real MTs. Strict F1; `embed` "
           "and `auto` without MT do not depend on the MT (results.md).\n",
           "| set | MT | corpus BLEU | " + " | ".join(methods) + " |",
           "|---" * (3 + len(methods)) + "|"]
    for r in res["rows"]:
        out.append(f"| {r['set']} | {r['mt']} | {r['mt_bleu']} | "
                   + " | ".join(f"{r[m]:.3f}" for m in methods) + " |")
    levels = list(dict.fromkeys(r["mt"] for r in res["rows"] if r["set"] != "textberg"))
    out += ["", "Mean over the NTREX sets, and on how many of them each method is best (ties "
            "within 0.005 count for both):", "",
            "| MT | " + " | ".join(f"{m} mean | {m} best on" for m in methods) + " |",
            "|---" * (1 + 2 * len(methods)) + "|"]
    for level in levels:
        rows = [r for r in res["rows"] if r["mt"] == level and r["set"] != "textberg"]
        cells = []
        for m in methods:
            best = sum(1 for r in rows if r[m] >= max(r[x] for x in methods) - 0.005)
            cells.append(f"{sum(r[m] for r in rows) / len(rows):.3f} | {best} of {len(rows)}")
        out.append(f"| {level} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
