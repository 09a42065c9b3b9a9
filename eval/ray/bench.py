"""Benchmark `corpus build`: --engine local vs --engine ray with 1 and 2 workers.

Models: random-weight models of opus-mt's real shape (``build_shape(shape="opus-mt-base")``,
512-dim, 6+6 layers, 62,834-piece vocabulary), one ar→en and one ar→ru, with SentencePiece
trained on the NTREX text; their output is nonsense, so decoding is capped
(``--max-tokens``, default 32 output tokens a segment: random models rarely emit </s>) and every
segment costs about the same. Articles: the first ``--articles`` NTREX-128 documents, at most
``--sentences`` sentences each. Alignment: ``bleu``. Each configuration writes a fresh SQLite
corpus; the exports of all configurations are compared (they must be identical).

Measured per run: wall seconds (engine start and model loading included), articles/hour,
output tokens/s, CPU seconds spent in translate+align per article (summed over workers: this
is the figure to trust on a shared machine), peak RSS per worker, and the load average.

Usage::

    python eval/ray/bench.py --out eval/ray/results.json [--articles 16] [--configs ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from translate.corpus.discover import discover  # noqa: E402
from translate.corpus.export import select_units, to_jsonl  # noqa: E402
from translate.corpus.runner import BuildOptions, DbSink, build  # noqa: E402
from translate.corpus.samples import NTREX_FILES, ntrex_articles  # noqa: E402
from translate.corpus.store import CorpusStore  # noqa: E402
from translate.pipeline import make_plan  # noqa: E402
from translate.values import DecodeOptions  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "ntrex128"
# name → (engine, workers, threads per worker; 0 = torch's default, all cores)
CONFIGS = {
    "local-t1": ("local", 1, 1),
    "local": ("local", 1, 0),
    "ray-w1": ("ray", 1, 1),
    "ray-w2": ("ray", 2, 1),
}


def models(cache: Path, shape: str) -> dict[str, Path]:
    from translate.models.fixture import LAYOUT, build_shape

    src = (NTREX / NTREX_FILES["ar"]).read_text(encoding="utf-8").splitlines()
    out = {}
    for lang in ("en", "ru"):
        d = cache / f"{shape}-ar-{lang}"
        if not all((d / f).is_file() for f in LAYOUT):
            tgt = (NTREX / NTREX_FILES[lang]).read_text(encoding="utf-8").splitlines()
            build_shape(d, shape=shape, target_lang=lang, texts=(src, tgt),
                        force=True)
        out[lang] = d
    return out


def run(name: str, specs, mdirs: dict[str, Path], args, work: Path) -> dict:
    engine, workers, threads = CONFIGS[name]
    plan = make_plan(["en", "ru"], {k: str(v) for k, v in mdirs.items()},
                     backend=args.backend,
                     options=DecodeOptions(beam=args.beam, max_decoding_length=args.max_tokens,
                                           min_decoding_length=args.max_tokens,
                                           threads=threads))
    opts = BuildOptions(plan=plan, method="bleu", workers=workers, threads=max(1, threads),
                        batch_articles=args.batch_articles)
    db = work / f"{name}.sqlite"
    load_before = os.getloadavg()
    t0, cpu0 = time.perf_counter(), time.process_time()
    with CorpusStore.open(db) as store:
        report = build(specs, DbSink(store), opts, engine=engine)
    wall = time.perf_counter() - t0
    with CorpusStore.open(db, create=False) as store:
        export = to_jsonl(select_units(store, "ar-en-ru"), "ar-en-ru")
    busy = sum(w["cpu_seconds"] for w in report.workers.values())
    n = report.added
    return {
        "config": name, "engine": engine, "workers": workers, "threads": threads,
        "articles": n, "failed": len(report.failed) + len(report.input_errors),
        "wall_seconds": round(wall, 2),
        "articles_per_hour": round(3600 * n / wall, 1),
        "out_tokens": report.out_tokens, "src_tokens": report.src_tokens,
        "out_tokens_per_s": round(report.out_tokens / wall, 1),
        "worker_cpu_seconds_per_article": round(busy / n, 3) if n else None,
        "worker_wall_seconds_per_article": round(
            sum(w["wall_seconds"] for w in report.workers.values()) / n, 3) if n else None,
        "articles_per_cpu_hour": round(3600 * n / busy, 1) if busy else None,
        "driver_cpu_seconds": round(time.process_time() - cpu0, 2),
        "peak_rss_mb_per_worker": sorted(round(w["maxrss_mb"]) for w in
                                         report.workers.values()),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "export_sha256": __import__("hashlib").sha256(export.encode()).hexdigest(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    ap.add_argument("--models", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench")
    ap.add_argument("--articles", type=int, default=16)
    ap.add_argument("--sentences", type=int, default=8)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--batch-articles", type=int, default=2)
    ap.add_argument("--backend", default="transformers")
    ap.add_argument("--shape", default="opus-mt-base",
                    help="opus-mt-base (throughput) or tiny (to expose the engine's overhead)")
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    args = ap.parse_args()
    if not NTREX.is_dir():
        sys.exit(f"needs {NTREX} (the shared folder beside the repository)")
    mdirs = models(args.models, args.shape)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ntrex_articles(NTREX, work / "articles", count=args.articles,
                       max_sentences=args.sentences)
        specs = discover([str(work / "articles")]).articles
        for name in args.configs:
            r = run(name, specs, mdirs, args, work)
            print(json.dumps(r), flush=True)
            results.append(r)
    same = len({r["export_sha256"] for r in results}) == 1
    doc = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
           "settings": {k: v for k, v in vars(args).items() if k not in ("out", "models")},
           "models": f"random {args.shape} shape (build_shape), output capped at max_tokens",
           "identical_exports": same, "runs": results}
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"identical exports: {same}; wrote {args.out}")


if __name__ == "__main__":
    main()
