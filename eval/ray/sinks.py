"""Measure the driver-side sinks: Parquet shard writing and SQLite import (articles/s, units/s).

Builds ``--articles`` NTREX articles once with the tiny random models (see bench.py), then
replicates the stored articles under fresh content hashes ``--copies`` times and times writing
them as Parquet shards, reading the shards back, and importing them into a fresh SQLite corpus
(one transaction per article, as ``corpus import`` and ``corpus build --db`` do).

Usage::

    python eval/ray/sinks.py --out eval/ray/results-sinks.json
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import NTREX, models  # noqa: E402

from translate.corpus.discover import discover  # noqa: E402
from translate.corpus.runner import BuildOptions, ParquetSink, build  # noqa: E402
from translate.corpus.samples import ntrex_articles  # noqa: E402
from translate.corpus.shards import ShardWriter, read_shards  # noqa: E402
from translate.corpus.store import CorpusStore  # noqa: E402
from translate.pipeline import make_plan  # noqa: E402
from translate.values import DecodeOptions  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results-sinks.json"))
    ap.add_argument("--articles", type=int, default=24)
    ap.add_argument("--copies", type=int, default=40)
    args = ap.parse_args()
    mdirs = models(Path(tempfile.gettempdir()) / "tarjama-bench", "tiny")
    plan = make_plan(["en", "ru"], {k: str(v) for k, v in mdirs.items()},
                     backend="transformers", options=DecodeOptions(max_decoding_length=32))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ntrex_articles(NTREX, work / "a", count=args.articles, max_sentences=8)
        build(discover([str(work / "a")]).articles, ParquetSink(work / "seed"),
              BuildOptions(plan=plan, method="bleu"))
        base = read_shards(work / "seed").articles
        arts = []
        for c in range(args.copies):
            for a in base:
                b = copy.deepcopy(a)
                b.content_hash = hashlib.sha256(f"{c}:{a.content_hash}".encode()).hexdigest()
                b.key = f"{a.key}#{c}"
                arts.append(b)
        units = sum(len(a.units) for a in arts)
        t = time.perf_counter()
        with ShardWriter(work / "shards", articles_per_shard=64) as w:
            for a in arts:
                w.add(a)
        write_s = time.perf_counter() - t
        t = time.perf_counter()
        scan = read_shards(work / "shards")
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        with CorpusStore.open(work / "c.sqlite") as store:
            for a in scan.articles:
                store.add_article(a)
        import_s = time.perf_counter() - t
        size = sum(p.stat().st_size for p in (work / "shards").glob("*.parquet"))
    doc = {"articles": len(arts), "units": units, "shard_bytes": size,
           "parquet_write": {"seconds": round(write_s, 2),
                             "articles_per_s": round(len(arts) / write_s, 1),
                             "units_per_s": round(units / write_s, 1)},
           "parquet_read": {"seconds": round(read_s, 2),
                            "articles_per_s": round(len(arts) / read_s, 1)},
           "sqlite_import": {"seconds": round(import_s, 2),
                             "articles_per_s": round(len(arts) / import_s, 1),
                             "units_per_s": round(units / import_s, 1)}}
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
