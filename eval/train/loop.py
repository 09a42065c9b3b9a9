"""The training loop, offline, end to end: base → corpus → split → train → bench.

    python eval/train/loop.py [--data ../shared/data/ntrex128] [--work /tmp/tarjama-loop]

1. base: `models fixture overfit` on NTREX pairs A (the first lines of the first documents),
   its tokenizers trained on all of NTREX's Arabic and English (`--vocab-from`), so the
   fine-tune can learn words it never produced;
2. corpus: other NTREX documents B written out as articles (a line a paragraph) with their
   English as the published translation, built with `corpus build` (the base translates them
   for the aligner);
3. `corpus split` by article, `train` from the base, `bench` base against the fine-tuned model
   on the train split's own lines, B's held-out test articles, and pairs A (forgetting);
4. `--resume` after a SIGKILL mid-epoch gives the same weights as an uninterrupted run;
5. training throughput and peak memory: the fixture and the opus-mt-shaped random model.

Every step is the `tarjama` command a user would run (printed); results.json gathers the
numbers (saved after each stage); README.md says what the recorded run did. On 2 CPU cores
shared with other work it takes well over an hour (`--reuse-base` keeps an earlier base).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
A_PAIRS = 24  # the base reproduces these exactly
B_DOCS = 6  # documents of the corpus (after the base's): ~100 lines
SPLIT = ["--test-articles", "2", "--dev-articles", "1"]
# beam 1 where only the machine translation of unseen news is decoded (the aligner's MT and the
# bench): the tiny models run every line to the length cap, and beam 4 costs 4x for nothing
BEAM = ["--beam", "1"]
TRAIN = ["--epochs", "40", "--batch-size", "16", "--lr", "3e-3", "--threads", "2"]
LIMIT = ["--limit", "15"]  # lines of each test set the bench decodes (the base decodes to the cap)


def tarjama(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    print("$ tarjama " + " ".join(args), flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "translate", *args], env=env, text=True,
                          capture_output=True)
    if check and done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {done.stderr[-3000:]}")
    return done


def ntrex(data: Path) -> tuple[list[str], list[str], list[str]]:
    read = lambda name: (data / name).read_text("utf-8").splitlines()  # noqa: E731
    return (read("newstest2019-ref.arb.txt"), read("newstest2019-src.eng.txt"),
            read("DOCUMENT_IDS.tsv"))


def make_inputs(data: Path, work: Path) -> dict[str, int]:
    ar, en, docs = ntrex(data)
    order = list(dict.fromkeys(docs))
    a_lines = [i for i, d in enumerate(docs) if d in order[:2]][:A_PAIRS]
    (work / "pairs-A.tsv").write_text("".join(f"{ar[i]}\t{en[i]}\n" for i in a_lines), "utf-8")
    (work / "vocab.ar").write_text("\n".join(ar) + "\n", "utf-8")
    (work / "vocab.en").write_text("\n".join(en) + "\n", "utf-8")
    articles = work / "articles"
    articles.mkdir()
    b_docs = order[2:2 + B_DOCS]
    for d in b_docs:
        lines = [i for i, x in enumerate(docs) if x == d]
        name = d.replace("/", "_")
        (articles / f"{name}.ar.txt").write_text("\n\n".join(ar[i] for i in lines) + "\n", "utf-8")
        (articles / f"{name}.en.txt").write_text("\n\n".join(en[i] for i in lines) + "\n", "utf-8")
    return {"A_pairs": len(a_lines), "B_documents": len(b_docs),
            "B_lines": sum(1 for x in docs if x in set(b_docs))}


def bench(work: Path, base: Path, model: Path) -> dict:
    out = work / "bench"
    done = tarjama("bench", "-m", f"en={base}", "-m", f"en={model}", "--testset",
                   str(work / "split" / "train"), "--testset", str(work / "split" / "test"),
                   "--testset", f"en={work / 'pairs-A.tsv'}", "--backend", "transformers", *BEAM,
                   *LIMIT, "-o", str(out), "--force", "--history", str(work / "history.jsonl"),
                   "-q")
    report = json.loads((out / "quality.json").read_text("utf-8"))
    keep = ("system", "testset", "segments", "scores", "significance", "hit_limit")
    return {"rows": [{k: r.get(k) for k in keep} for r in report["quality"]["rows"]],
            "table": done.stdout}


def resume_proof(work: Path, base: Path) -> dict:
    """The same run twice: once whole, once SIGKILLed mid-epoch (after a handshake, not a
    timer) and resumed with --resume; then the weights are compared tensor by tensor."""
    from safetensors.torch import load_file

    common = ["--train", str(work / "split"), "-m", f"ar-en={base}", "--max-steps", "12",
              "--batch-size", "16", "--lr", "1e-3", "--threads", "1", "--save-every", "4",
              "--epochs", "1"]
    tarjama("train", *common, "-o", str(work / "whole"), "-q")
    flag = work / "killed-at"
    script = (
        "import sys, time\nfrom pathlib import Path\n"
        "from translate.train.trainer import Hooks, TrainRequest, train_model\n"
        "def after(step):\n"
        f"    if step == 10:\n        Path({str(flag)!r}).write_text('10'); time.sleep(3600)\n"
        f"train_model(TrainRequest(Path({str(work / 'split')!r}), 'ar-en', {str(base)!r}, "
        f"Path({str(work / 'killed')!r}), epochs=1, lr=1e-3, batch_size=16, max_steps=12, "
        "save_every=4, threads=1), Hooks(after_step=after))\n")
    child = subprocess.Popen([sys.executable, "-c", script],
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    while not flag.exists():
        if child.poll() is not None:
            raise SystemExit("the child to kill ended by itself")
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    resumed = tarjama("train", *common, "-o", str(work / "killed"), "--resume")
    a = load_file(str(work / "whole" / "model.safetensors"))
    b = load_file(str(work / "killed" / "model.safetensors"))
    same = a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)
    return {"killed_after_step": 10, "last_checkpoint": 8, "resume_output":
            resumed.stdout.strip(), "identical_weights": same, "tensors": len(a)}


def throughput(work: Path, base: Path) -> dict:
    out = {}
    shape = work / "shape-opus-mt"
    tarjama("models", "fixture", "shape", "-o", str(shape), "--force", "-q")
    for name, model, steps in (("fixture (d_model 128, 2+2 layers)", base, 40),
                               ("opus-mt-shaped random (d_model 512, 6+6 layers)", shape, 6)):
        target = work / f"speed-{len(out)}"
        tarjama("train", "--train", str(work / "split"), "-m", f"ar-en={model}", "-o",
                str(target), "--max-steps", str(steps), "--batch-size", "16", "--threads", "2",
                "--force", "-q")
        info = json.loads((target / "training.json").read_text("utf-8"))
        out[name] = {"steps": steps, "batch_size": 16, "tokens_per_s": info["tokens_per_s"],
                     "peak_memory_mb": info["peak_memory_mb"]}
        shutil.rmtree(target)
    return out


def save(out: Path, results: dict) -> None:
    """After every stage: a run cut short still leaves what it measured."""
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                      "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ntrex128")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tarjama-train-loop"))
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--reuse-base", action="store_true",
                        help="keep WORK/base from an earlier run (same pairs A)")
    args = parser.parse_args()
    work = args.work
    kept = work.parent / f".{work.name}-base"
    if args.reuse_base and (work / "base" / "config.json").is_file():
        shutil.rmtree(kept, ignore_errors=True)
        (work / "base").rename(kept)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ["TARJAMA_MODELS"] = str(work / "store")
    os.environ["TARJAMA_CACHE"] = str(work / "cache.sqlite")
    started = time.time()
    results: dict = {"inputs": make_inputs(args.data, work)}
    base = work / "base"
    if kept.is_dir():
        kept.rename(base)
    else:
        tarjama("models", "fixture", "overfit", "--pairs", str(work / "pairs-A.tsv"),
                "--vocab-from", f"ar={work / 'vocab.ar'}", "--vocab-from",
                f"en={work / 'vocab.en'}", "-o", str(base), "-q")
    tarjama("corpus", "build", str(work / "articles"), "--db", str(work / "corpus.sqlite"),
            "-m", f"en={base}", "--backend", "transformers", *BEAM, "-q")
    split = tarjama("corpus", "split", "--db", str(work / "corpus.sqlite"), "--pair", "ar-en",
                    "-o", str(work / "split"), *SPLIT, "-f", "json")
    results["split"] = json.loads(split.stdout)
    trained = tarjama("train", "--train", str(work / "split"), "-m", f"ar-en={base}",
                      "-o", str(work / "trained"), *TRAIN)
    results["train"] = json.loads((work / "trained" / "training.json").read_text("utf-8"))
    results["train"]["summary"] = trained.stdout.strip()
    results["command"] = "python eval/train/loop.py " + " ".join(sys.argv[1:])
    save(args.out, results)
    results["bench"] = bench(work, base, work / "trained")
    save(args.out, results)
    results["resume"] = resume_proof(work, base)
    save(args.out, results)
    results["throughput"] = throughput(work, base)
    results["seconds"] = round(time.time() - started)
    save(args.out, results)
    print(json.dumps({k: results[k] for k in ("bench", "resume", "throughput")}, indent=2))


if __name__ == "__main__":
    main()
