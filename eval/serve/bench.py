"""Load benchmark of `tarjama serve`: N concurrent single-sentence clients against the batch
path (`tarjama translate --lines`) and the same server with batching off, side by side.

    python eval/serve/bench.py --model DIR [--model DIR2] [--sentences FILE] [--requests 128]
        [--clients 1,8,32,64] [--backend auto] -o eval/serve/results.json

Each request is one sentence, and no two requests of a run carry the same one (the first
--requests distinct lines of --sentences), so neither the cache nor the engine's de-duplication
helps any path. For each model: the batch path translates those sentences in one `tarjama
translate --lines` run (its tokens/s over the translation time: the wall time of all the
sentences minus that of one, so start-up and model loading cancel out); a server with batching
on takes them at each concurrency; a server with --no-batching takes them at the concurrency of
--baseline-at. Tokens are the output's subword tokens (the
model's target tokenizer), counted the same way for every path. The translation cache is off
everywhere. Peak RSS: the server process' VmHWM; the batch path's largest child.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "pairs.ar-en.tsv"
BEAM = 4  # --beam: the same for every path


def tarjama(*args: str) -> list[str]:
    return [sys.executable, "-m", "translate", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def count_tokens(model: str, texts: list[str]) -> int:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model)
    return sum(len(ids) for ids in tok(text_target=texts)["input_ids"])


def batch_path(model: str, sentences: list[str], backend: str, work: Path) -> dict:
    """`tarjama translate --lines` on all the sentences, and on one (the fixed cost)."""
    timings = {}
    out: list[str] = []
    for name, lines in (("one", sentences[:1]), ("all", sentences)):
        src = work / f"{name}.ar"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        done = subprocess.run(tarjama("translate", "--lines", str(src), "--to", "en", "-m",
                                      f"en={model}", "--backend", backend, "--no-cache", "-q",
                                      "--beam", str(BEAM)),
                              env=env(), capture_output=True, text=True, check=True)
        timings[name] = time.perf_counter() - t0
        out = done.stdout.splitlines()
    seconds = max(1e-6, timings["all"] - timings["one"])
    tokens = count_tokens(model, out)
    return {"sentences": len(sentences), "seconds": round(seconds, 3),
            "sentences_per_s": round(len(sentences) / seconds, 2),
            "tokens": tokens, "tokens_per_s": round(tokens / seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


class Server:
    def __init__(self, model: str, backend: str, *args: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            tarjama("serve", "-m", f"en={model}", "--backend", backend, "--port",
                    str(self.port), "--no-cache", "--max-queue", "1024", "--beam", str(BEAM),
                    *args),
            env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.5)
        raise RuntimeError("server did not start")

    def peak_rss_mb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
        return 0

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


async def load(url: str, sentences: list[str], clients: int, requests: int
               ) -> tuple[float, list[float], list[str]]:
    """``clients`` clients, each sending one sentence a request until ``requests`` are done."""
    todo = list(range(requests))
    latencies: list[float] = []
    outputs: list[str] = []
    async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(
            max_connections=clients, max_keepalive_connections=clients)) as client:

        async def worker() -> None:
            while todo:
                i = todo.pop()
                t0 = time.perf_counter()
                r = await client.post(f"{url}/translate", json={
                    "q": sentences[i], "source": "ar", "target": "en"})
                r.raise_for_status()
                latencies.append(time.perf_counter() - t0)
                outputs.append(r.json()["translatedText"])

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - t0, latencies, outputs


def run_level(server: Server, model: str, sentences: list[str], clients: int,
              requests: int) -> dict:
    wall, lat, outputs = asyncio.run(load(server.url, sentences, clients, requests))
    q = statistics.quantiles(lat, n=100, method="inclusive")
    tokens = count_tokens(model, outputs)
    return {"clients": clients, "requests": requests, "seconds": round(wall, 3),
            "requests_per_s": round(requests / wall, 2), "tokens_per_s": round(tokens / wall, 1),
            "p50_ms": round(q[49] * 1000), "p95_ms": round(q[94] * 1000),
            "p99_ms": round(q[98] * 1000), "peak_rss_mb": server.peak_rss_mb()}


def bench_model(model: str, sentences: list[str], args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as work:
        result = {"model": Path(model).name, "batch_path": batch_path(
            model, sentences, args.backend, Path(work))}
    server = Server(model, args.backend, "--window-ms", str(args.window_ms))
    try:
        run_level(server, model, sentences[::-1], 4, 8)  # warm-up, not recorded
        result["server"] = [run_level(server, model, sentences, c, len(sentences))
                            for c in args.clients]
    finally:
        server.stop()
    baseline = Server(model, args.backend, "--no-batching")
    try:
        run_level(baseline, model, sentences[::-1], 4, 8)
        result["no_batching"] = run_level(baseline, model, sentences, args.baseline_at,
                                          len(sentences))
    finally:
        baseline.stop()
    at = next(r for r in result["server"] if r["clients"] == args.baseline_at)
    result["ratios"] = {
        "server_vs_batch_path": round(at["tokens_per_s"] / result["batch_path"]["tokens_per_s"],
                                      3),
        "batching_vs_none": round(at["tokens_per_s"] / result["no_batching"]["tokens_per_s"], 2)}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", action="append", required=True, help="ar→en model directory")
    ap.add_argument("--sentences", type=Path, help="Arabic sentences, one a line (default: "
                    "the fixture pairs' Arabic)")
    ap.add_argument("--requests", type=int, default=128)
    ap.add_argument("--clients", default="1,8,32,64")
    ap.add_argument("--baseline-at", type=int, default=32)
    ap.add_argument("--window-ms", type=float, default=5.0)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    global BEAM
    BEAM = args.beam
    args.clients = [int(c) for c in args.clients.split(",")]
    if args.baseline_at not in args.clients:
        args.clients.append(args.baseline_at)
    lines = args.sentences.read_text(encoding="utf-8").splitlines() if args.sentences else \
        [x.split("\t")[0] for x in PAIRS.read_text(encoding="utf-8").splitlines()]
    sentences = list(dict.fromkeys(x.strip() for x in lines if x.strip()))[:args.requests]
    if len(sentences) < args.requests:
        ap.error(f"--requests {args.requests}: only {len(sentences)} distinct sentences")
    report: dict = {"command": " ".join(["python", "eval/serve/bench.py", *sys.argv[1:]]),
                    "cores": os.cpu_count(), "sentences": len(sentences), "models": []}
    for m in args.model:  # written after each model: a long run keeps what it measured
        report["models"].append(bench_model(m, sentences, args))
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if args.output:
            args.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
