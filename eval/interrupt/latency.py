"""How long each command takes to stop after Ctrl-C (SIGINT) or SIGTERM, at points in its work.

    python eval/interrupt/latency.py -m en=EN_DIR -m ru=RU_DIR --data NTREX_DIR \\
        --at 3 6 10 -o eval/interrupt/latency.md

EN_DIR and RU_DIR are fixture models (`tarjama models fixture overfit`), NTREX_DIR the folder
with newstest2019-ref.arb.txt and newstest2019-src.eng.txt (NTREX-128). Each command is started
afresh for each point: the signal is sent AT seconds after the start, and the time from the
signal to the one-line message (the interrupt honoured: work stopped, temporary files removed)
and to the process's exit (which adds the interpreter's teardown) is measured, with the exit
code: 130 for SIGINT, 143 for SIGTERM; "done" when the command finished before the signal.
The target is 1 s at any point.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def commands(models: dict[str, str], data: Path, work: Path) -> dict[str, list[str]]:
    ar = (data / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").splitlines()
    en = (data / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    (work / "lines.ar").write_text("\n".join(ar) + "\n", encoding="utf-8")
    (work / "lines.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (work / "art.ar.txt").write_text("\n\n".join(ar[:400]) + "\n", encoding="utf-8")
    (work / "art.en.txt").write_text("\n\n".join(en[:400]) + "\n", encoding="utf-8")
    (work / "pairs.tsv").write_text("".join(f"{a}\t{e}\n" for a, e in zip(ar[:300], en[:300],
                                                                          strict=True)),
                                    encoding="utf-8")
    build = work / "build"
    build.mkdir(exist_ok=True)
    for k in range(4):
        (build / f"a{k}.ar.txt").write_text("\n\n".join(ar[k * 100:(k + 1) * 100]) + "\n",
                                            encoding="utf-8")
        (build / f"a{k}.en.txt").write_text("\n\n".join(en[k * 100:(k + 1) * 100]) + "\n",
                                            encoding="utf-8")
    m = [f"--model={lang}={path}" for lang, path in models.items() if lang == "en"]
    hf = [*m, "--backend", "transformers", "-q"]
    return {
        "translate --lines": ["translate", "--lines", str(work / "lines.ar"), "--to", "en", *hf,
                              "--no-cache", "-o", str(work / "out.en")],
        "translate (article, json)": ["translate", str(work / "art.ar.txt"), "--to", "en", *hf,
                                      "--no-cache", "-f", "json", "-o", str(work / "out.json")],
        "align --method embed": ["align", str(work / "lines.ar"), str(work / "lines.en"),
                                 "--method", "embed", "-o", str(work / "beads.jsonl")],
        "corpus add (auto)": ["corpus", "add", str(work / "art.ar.txt"), "-r",
                              f"en={work / 'art.en.txt'}", *hf, "--db", str(work / "c.sqlite")],
        "corpus build (auto)": ["corpus", "build", str(build), *hf, "--db",
                                str(work / "b.sqlite")],
        "bench": ["bench", *hf, "--testset", str(work / "pairs.tsv"), "-o",
                  str(work / "bench"), "--history", str(work / "h.jsonl"), "--force"],
        "models fixture overfit": ["models", "fixture", "overfit", "--pairs",
                                   str(work / "pairs.tsv"), "-o", str(work / "fx"), "--force",
                                   "-q"],
        "score --confidence": ["score", str(work / "lines.en"), str(work / "lines.en"),
                               "--confidence", "--metrics", "bleu,chrf,ter"],
    }


def measure(argv: list[str], at: float, sig: int, env: dict[str, str]
            ) -> tuple[str, float, float]:
    """(exit code or "done", seconds from the signal to the error line, to the exit)."""
    proc = subprocess.Popen([sys.executable, "-m", "translate", *argv], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    said: list[float] = []

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(("tarjama: error: interrupted", "tarjama: error: terminated")):
                said.append(time.monotonic())

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=at)
        return "done", 0.0, 0.0
    except subprocess.TimeoutExpired:
        pass
    sent = time.monotonic()
    proc.send_signal(sig)
    proc.wait(timeout=600)
    ended = time.monotonic()
    reader.join(timeout=5)
    return str(proc.returncode), (said[0] if said else ended) - sent, ended - sent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-m", "--model", action="append", required=True, help="LANG=DIR")
    ap.add_argument("--data", type=Path, required=True, help="the NTREX-128 folder")
    ap.add_argument("--at", type=float, nargs="+", default=[3.0, 6.0, 10.0])
    ap.add_argument("--only", nargs="*", help="command names to measure (default: all)")
    ap.add_argument("--sigterm", action="store_true", help="send SIGTERM instead of SIGINT")
    ap.add_argument("-o", "--output", type=Path, help="append the Markdown table here")
    args = ap.parse_args()
    models = dict(m.split("=", 1) for m in args.model)
    sig = signal.SIGTERM if args.sigterm else signal.SIGINT
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(work / "cache")}
        for name, argv in commands(models, args.data, work).items():
            if args.only and name not in args.only:
                continue
            cells = []
            for at in args.at:
                code, honoured, ended = measure(argv, at, sig, env)
                cells.append("done" if code == "done" else
                             f"{honoured:.2f} / {ended:.2f} s ({code})")
                print(f"{name} @ {at:g} s: {cells[-1]}", file=sys.stderr, flush=True)
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
    head = ("| command | " + " | ".join(f"signal at {a:g} s: message / exit" for a in args.at)
            + " |\n|---|"
            + "---|" * len(args.at))
    table = "\n".join([head, *rows]) + "\n"
    print(table)
    if args.output:
        with open(args.output, "a", encoding="utf-8") as f:
            f.write(f"\n{signal.Signals(sig).name}, `{' '.join(sys.argv[1:])}`:\n\n{table}")


if __name__ == "__main__":
    main()
