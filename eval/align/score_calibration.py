"""Fit the calibration of alignment scores: the probability that a bead is right.

    python eval/align/score_calibration.py            # fit, check, write the results
    python eval/align/score_calibration.py --write    # ... and replace the shipped table

An aligner's bead score (``1 - 2 d``, d the bead's combined normalised dissimilarity) is 0 for
unrelated text and 1 for identical text, but a true pair of real text with real MT scores about
0.2-0.6, so "--min-score 0.5" kept almost nothing. The score the corpus stores and every export
writes is instead the probability that the bead is exactly right (the same source and target
lines as a gold bead): ``p = 1 / (1 + exp(-(a + b * score)))`` with (a, b) per method, fitted
by logistic regression (maximum likelihood) on the beads each method predicts on the dev sets:
the NTREX sets with the realistic MT proxies (bleu10, bleu20) and without MT, and Text+Berg dev
(real literary text, real MT, real n:m beads) with its two real MTs, each family of text
weighing half. The check: a reliability table per family (predicted against observed, in bins),
the expected calibration error, and the same error across families (fitted on one family alone,
checked on the other): how far off the probability is on text unlike the dev sets.

Results: results-score-calibration.json / .md (with the command and the machine); the table
the package applies (translate/align/calibration.py): translate/data/score_calibration.json.
The held-out test of the Text+Berg corpus is not used here, ever.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
import dev_eval  # noqa: E402

#: what a user meets: no MT, and MT of realistic quality (proxies on NTREX, real on Text+Berg)
NTREX_SPECS = ("length", "embed", "auto", "bleu+bleu10", "bleu+bleu20", "auto+bleu10",
               "auto+bleu20")
TEXTBERG_SPECS = ("length", "embed", "auto", "bleu+europarlfull", "bleu+google",
                  "auto+europarlfull", "auto+google")
METHODS = ("auto", "bleu", "embed", "length")
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
TABLE = ROOT / "translate" / "data" / "score_calibration.json"


def collect(sets: list[str], specs: tuple[str, ...], encoder) -> list[dict]:
    """One row per predicted bead with both sides: set, spec, method, score, right."""
    rows = []
    for name in sets:
        data = dev_eval.load_set(name)
        gold = {(tuple(s), tuple(t)) for s, t in data["gold"]}
        for spec in specs:
            method, _, mt = spec.partition("+")
            if mt and mt not in data["mt"]:
                continue
            t0 = time.perf_counter()
            beads = dev_eval.align(data, spec, encoder)
            full = [b for b in beads if b.src and b.tgt]
            rows += [{"set": name, "spec": spec, "method": method, "score": b.score, "kind": b.kind,
                      "right": (b.src, b.tgt) in gold} for b in full]
            print(f"{name:10} {spec:18} {len(full)} beads, "
                  f"{sum(r['right'] for r in rows[-len(full):]) / max(len(full), 1):.3f} right, "
                  f"{time.perf_counter() - t0:.1f}s", flush=True)
    return rows


def fit_logistic(xs: list[float], ys: list[bool], weights: list[float] | None = None,
                 iters: int = 100) -> tuple[float, float]:
    """(a, b) maximising the (weighted) likelihood of ys under sigmoid(a + b x): Newton's
    method, with a tiny ridge so that separable data still gives finite numbers."""
    import numpy as np

    x = np.column_stack([np.ones(len(xs)), np.asarray(xs, float)])
    y = np.asarray(ys, float)
    sw = np.ones(len(xs)) if weights is None else np.asarray(weights, float)
    w = np.zeros(2)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-x @ w))
        step = np.linalg.solve((x * (sw * p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(2),
                               x.T @ (sw * (y - p)))
        w += step
        if np.abs(step).sum() < 1e-10:
            break
    return float(w[0]), float(w[1])


def fit(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """Per method, each family of text (NTREX, Text+Berg) weighing as much as the other."""
    out = {}
    for method in METHODS:
        mine = [r for r in rows if r["method"] == method]
        if not mine:
            continue
        per_family: dict[bool, int] = {}
        for r in mine:
            per_family[r["set"] == "textberg"] = per_family.get(r["set"] == "textberg", 0) + 1
        weights = [len(mine) / (len(per_family) * per_family[r["set"] == "textberg"])
                   for r in mine]
        out[method] = fit_logistic([r["score"] for r in mine], [r["right"] for r in mine],
                                   weights)
    return out


def prob(a: float, b: float, x: float) -> float:
    from translate.align.calibration import logistic

    return logistic(a + b * x)


def reliability(rows: list[dict], coef: dict[str, tuple[float, float]]) -> dict:
    """Per method: bins of the predicted probability with the observed share of right beads,
    the expected calibration error (bin-weighted |predicted - observed|) and the Brier score."""
    out = {}
    for method in METHODS:
        mine = [r for r in rows if r["method"] == method]
        if not mine:
            continue
        a, b = coef[method]
        preds = [(prob(a, b, r["score"]), r["right"]) for r in mine]
        bins = []
        ece = 0.0
        for lo, hi in itertools.pairwise(BINS):
            inside = [(p, y) for p, y in preds if lo <= p < hi]
            if not inside:
                continue
            mean_p = sum(p for p, _ in inside) / len(inside)
            seen = sum(y for _, y in inside) / len(inside)
            ece += len(inside) / len(preds) * abs(mean_p - seen)
            bins.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "beads": len(inside),
                         "predicted": round(mean_p, 3), "observed": round(seen, 3)})
        brier = sum((p - y) ** 2 for p, y in preds) / len(preds)
        n = len(preds)
        out[method] = {"beads": n, "right": round(sum(y for _, y in preds) / n, 3),
                       "ece": round(ece, 4), "brier": round(brier, 4), "bins": bins,
                       "share_at_least_0.5": round(sum(p >= 0.5 for p, _ in preds) / n, 3),
                       "right_among_at_least_0.5": _right_above(preds, 0.5)}
    return out


def _right_above(preds: list[tuple[float, bool]], cut: float) -> float | None:
    kept = [y for p, y in preds if p >= cut]
    return round(sum(kept) / len(kept), 3) if kept else None


def raw_ranges(rows: list[dict]) -> dict:
    out = {}
    for method in METHODS:
        xs = sorted(r["score"] for r in rows if r["method"] == method)
        if xs:
            out[method] = {"p50": round(xs[len(xs) // 2], 3),
                           "p95": round(xs[int(len(xs) * .95)], 3), "max": round(xs[-1], 3)}
    return out


def markdown(res: dict) -> str:
    lines = ["# Alignment score calibration", "",
             f"Command: `{res['command']}`", "",
             f"Machine: {res['machine']['cpus']} CPUs, load average "
             f"{res['machine']['load_avg_1_5_15']} (timings are not the point here).", "",
             "The stored and exported `score` of a bead is the probability that it is exactly "
             "right (the same lines as a gold bead): `p = 1 / (1 + exp(-(a + b * raw)))`, "
             "`raw` the aligner's own score (0: unrelated, 1: identical); null beads (1-0, "
             "0-1) keep 0. Fitted per method on the beads each method predicts on the dev sets: "
             "NTREX (" + ", ".join(res["ntrex_specs"]) + ") and Text+Berg dev ("
             + ", ".join(res["textberg_specs"]) + "), each family of text weighing half. "
             "ECE: expected calibration error, the bead-weighted gap between the predicted "
             "probability and the observed share of right beads over ten bins.", "",
             "## The fit", "",
             "| method | a | b | beads NTREX | right NTREX | beads Text+Berg | right Text+Berg "
             "| raw median (NTREX / Text+Berg) |",
             "|---|---|---|---|---|---|---|---|"]
    for m, c in res["coefficients"].items():
        n, t = res["ntrex"].get(m, {}), res["textberg"].get(m, {})
        rn, rt = res["raw_ntrex"].get(m, {}), res["raw_textberg"].get(m, {})
        lines.append(f"| {m} | {c['a']:.3f} | {c['b']:.3f} | {n.get('beads', '')} | "
                     f"{n.get('right', '')} | {t.get('beads', '')} | {t.get('right', '')} | "
                     f"{rn.get('p50', '')} / {rt.get('p50', '')} |")
    lines += ["", "## How well it is calibrated", "",
              "In the fit: the pooled fit on each family. Across families: fitted on one family "
              "alone and checked on the other, which that fit never saw (how far off the "
              "probability is on a kind of text unlike the dev sets).", "",
              "| method | ECE Text+Berg | ECE NTREX | ECE Text+Berg, fit on NTREX only "
              "| ECE NTREX, fit on Text+Berg only | Brier Text+Berg | right among p >= 0.5, "
              "Text+Berg |", "|---|---|---|---|---|---|---|"]
    for m in res["coefficients"]:
        t, n = res["textberg"][m], res["ntrex"][m]
        x = res["across"][m]
        lines.append(f"| {m} | {t['ece']} | {n['ece']} | {x['textberg_from_ntrex']} | "
                     f"{x['ntrex_from_textberg']} | {t['brier']} | "
                     f"{t['right_among_at_least_0.5']} |")
    for title, key in (("Reliability on Text+Berg dev", "textberg"),
                       ("Reliability on NTREX", "ntrex")):
        lines += ["", f"## {title}", "",
                  "Predicted probability against the observed share of right beads, per bin "
                  "of the predicted probability.", "",
                  "| method | bin | beads | predicted | observed |", "|---|---|---|---|---|"]
        for m, s in res[key].items():
            lines += [f"| {m} | {b['bin']} | {b['beads']} | {b['predicted']} | {b['observed']} |"
                      for b in s["bins"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    write = "--write" in sys.argv
    command = "python eval/align/score_calibration.py " + " ".join(sys.argv[1:])
    encoder = dev_eval.make_encoder()
    ntrex = collect(list(dev_eval.NTREX_SETS), NTREX_SPECS, encoder)
    textberg = collect(["textberg"], TEXTBERG_SPECS, encoder)
    coef = fit(ntrex + textberg)
    from_ntrex, from_textberg = fit(ntrex), fit(textberg)
    across = {m: {"textberg_from_ntrex": reliability(textberg, from_ntrex)[m]["ece"],
                  "ntrex_from_textberg": reliability(ntrex, from_textberg)[m]["ece"]}
              for m in coef}
    res = {"command": command.strip(), "machine": dev_eval.machine(),
           "ntrex_specs": list(NTREX_SPECS), "textberg_specs": list(TEXTBERG_SPECS),
           "coefficients": {m: {"a": round(a, 4), "b": round(b, 4)} for m, (a, b) in coef.items()},
           "raw_ntrex": raw_ranges(ntrex), "raw_textberg": raw_ranges(textberg),
           "ntrex": reliability(ntrex, coef), "textberg": reliability(textberg, coef),
           "across": across}
    (HERE / "results-score-calibration.json").write_text(json.dumps(res, indent=1) + "\n",
                                                         encoding="utf-8")
    (HERE / "results-score-calibration.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))
    if write:
        table = {"about": "P(bead exactly right) = 1 / (1 + exp(-(a + b * raw score))) per "
                          "method; null beads keep 0. Fitted by eval/align/score_calibration.py "
                          "(results: eval/align/results-score-calibration.md).",
                 "version": 1, "command": "python eval/align/score_calibration.py --write",
                 "methods": res["coefficients"]}
        TABLE.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
