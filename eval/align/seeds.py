"""How much of a difference on the dev sets is noise: strict F1 under other random baselines.

Every signal is normalised, and every document calibrated, against random unrelated pairs
(``Combined``, seeded by the aligner's ``seed``, 0 by default). Changing only that seed moves a
row's strict F1; a change to an aligner smaller than this spread is not evidence. ``dev_eval.py
seeds`` runs ``embed``, ``bleu`` and ``auto`` (with every MT) on every set with seeds 0-3 and
writes, per row, the mean and the range, with the auto-against-its-best-signal check on the
means: results-seeds.json / .md.
"""

from __future__ import annotations

import statistics

SEEDS = (0, 1, 2, 3)


def seed_rows(sets: list[str]) -> list[dict]:
    import dev_eval

    from translate.align.gold import score_alignment

    encoder = dev_eval.make_encoder()
    rows = []
    for name in sets:
        data = dev_eval.load_set(name)
        specs = [("embed", None), *[("bleu", mt) for mt in data["mt"]], ("auto", None),
                 *[("auto", mt) for mt in data["mt"]]]
        for method, mt in specs:
            f1 = []
            for seed in SEEDS:
                spec = f"{method}+{mt}" if mt else method
                beads = dev_eval.align(data, spec, encoder, seed=seed)
                f1.append(score_alignment(beads, data["gold"]).strict_f1)
            rows.append({"set": name, "method": method, "mt": mt or "none",
                         "strict_f1": [round(x, 4) for x in f1],
                         "mean": round(statistics.mean(f1), 4)})
            print(f"{name:10} {method:5} {mt or 'none':13} mean {statistics.mean(f1):.3f} "
                  f"range {min(f1):.3f}-{max(f1):.3f}", flush=True)
    return rows


def seeds_markdown(res: dict) -> str:
    rows = res["rows"]
    mean = {(r["set"], r["method"], r["mt"]): r["mean"] for r in rows}
    out = ["# Alignment dev results under other random baselines", "",
           f"Command: `{res['command']}`", "",
           f"Strict F1 with the random unrelated pairs drawn with seeds "
           f"{', '.join(map(str, SEEDS))} (the aligners use 0): mean and range per row. "
           "`auto vs best` compares the means: auto >= max(embed, bleu) - 0.005.", "",
           "| set | method | MT | mean | range | auto vs best |", "|---|---|---|---|---|---|"]
    loses = 0
    for r in rows:
        check = ""
        if r["method"] == "auto" and r["mt"] != "none":
            best = max(mean.get((r["set"], "embed", "none"), 0.0),
                       mean.get((r["set"], "bleu", r["mt"]), 0.0))
            diff = r["mean"] - best
            loses += diff < -0.005
            check = f"{diff:+.3f} {'LOSES' if diff < -0.005 else 'ok'}"
        f1 = r["strict_f1"]
        out.append(f"| {r['set']} | {r['method']} | {r['mt']} | {r['mean']:.3f} | "
                   f"{min(f1):.3f}-{max(f1):.3f} | {check} |")
    widest = max(rows, key=lambda r: max(r["strict_f1"]) - min(r["strict_f1"]))
    out += ["", f"auto loses to its best signal on {loses} rows. Widest range: "
            f"{widest['set']} {widest['method']} {widest['mt']}, "
            f"{max(widest['strict_f1']) - min(widest['strict_f1']):.3f}.", ""]
    return "\n".join(out)
