"""`tarjama bench --speed`: the same workload through each engine, side by side, in one run.

Engines (each measured in its own child process, so load time and peak memory are its own):
  naive            what the transformers docs show: one ``generate`` call per paragraph, fp32
  transformers     our transformers backend (whole-article batches sorted by length)
  ct2-int8         our CTranslate2 backend, int8, en then ru, each with all the threads
  ct2-int8-concurrent  both models loaded, en and ru decoded at once, one thread each
  ct2-int8-vmap    ct2-int8 scoring only vocabulary-map candidates (see models.convert.build_vmap)
  ct2-int8-b32, ct2-int8-beam2, ct2-int8-beam1 ...  batch size and beam-size impact
Output lengths are forced (min = max decoding length) so every engine emits the same tokens:
tokens/s compares like with like even on random-weight ``shape`` models.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.bench.environment import machine_info, repo_root, versions
from translate.errors import RuntimeFailure, UsageError

LANGS = ("en", "ru")
SPEED_ENGINES = ("naive", "transformers", "ct2-int8", "ct2-int8-concurrent", "ct2-int8-vmap",
           "ct2-int8-b32", "ct2-int8-beam2", "ct2-int8-beam1")
SLOW = ("naive", "transformers")


@dataclass
class SpeedSpec:
    models: dict[str, str] = field(default_factory=dict)  # lang → Marian dir; built if empty
    engines: tuple[str, ...] = SPEED_ENGINES
    forced_tokens: int = 40  # every hypothesis is exactly this long
    beam: int = 4
    threads: int = 2
    batch_size: int = 16
    large: int = 200  # sentences of the larger workload
    slow_large: int = 48  # of which the slow engines (naive, transformers) translate this many
    seed: str = ""  # seed article path; the packaged one when empty
    work_dir: str = ""  # built shape models and conversions; the model store when empty


@dataclass
class Workload:
    seed_blocks: list[list[str]]  # the seed article's translatable blocks → model inputs
    large: list[str]
    large_source: str

    @property
    def seed_units(self) -> list[str]:
        return [u for b in self.seed_blocks for u in b]


def load_workload(spec: SpeedSpec, source_spm: Path) -> Workload:
    import sentencepiece

    from translate.fsio import read_lines, read_text
    from translate.models import spm as spm_lib
    from translate.segment import segment_text

    sp = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
    seed = Path(spec.seed) if spec.seed else \
        repo_root() / "seeds" / "lavrov-sahel-2025-04-03.ar.txt"
    article = segment_text(read_text(seed), source=seed.name,
                           count_tokens=lambda s: len(sp.encode(s)) + 1)
    blocks = [[u for s in b.sentences for u in s.units()] for b in article.translatable_blocks]
    ntrex = repo_root().parent / "shared" / "data" / "ntrex128" / "newstest2019-ref.arb.txt"
    if ntrex.is_file():
        lines = [x.strip() for x in read_lines(ntrex) if x.strip()][:spec.large]
        source = f"NTREX-128 newstest2019-ref.arb.txt, first {len(lines)} lines (CC BY-SA 4.0)"
    else:
        lines = spm_lib.synthetic_text("ar", n=spec.large, seed=1)
        source = f"{len(lines)} synthetic Arabic-letter sentences (NTREX-128 not present)"
    return Workload(blocks, lines, source)


def prepare(spec: SpeedSpec, progress: Any = None) -> dict[str, Any]:
    """Shape models (built when not given), their int8 conversions and a vmap variant."""
    from translate.models.convert import build_vmap, convert_ref, ensure_converted
    from translate.models.fixture import build_shape
    from translate.models.spm import synthetic_text
    from translate.models.store import resolve, store_dir

    work = Path(spec.work_dir) if spec.work_dir else store_dir() / "bench"
    models: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        marian = spec.models.get(lang)
        if not marian:
            path = work / f"shape-ar-{lang}"
            if not (path / "model.safetensors").is_file():
                if progress:
                    progress(f"building shape model ar-{lang} in {path}")
                build_shape(path, seed=0, force=True, target_lang=lang)
            marian = str(path)
        ref = resolve(marian)
        ct2 = ensure_converted(ref)
        vmapped = Path(f"{ct2}-vmap")
        if not (vmapped / "vmap.txt").is_file():
            # Random weights have no lexicon to learn from: the map pairs synthetic sentences
            # at random, which gives candidate sets of a realistic size (what sets the speed)
            # and says nothing about quality.
            pairs = list(zip(synthetic_text("ar", n=2000, seed=7),
                             synthetic_text(lang, n=2000, seed=7), strict=True))
            vmap = Path(tempfile.mkdtemp()) / "vmap.txt"
            vmap.write_text(build_vmap(pairs, ref.path / "source.spm", ref.path / "target.spm"),
                            encoding="utf-8")
            convert_ref(ref, vmapped, force=True, vmap=vmap)
        models[lang] = {"marian": str(ref.path), "ct2": str(ct2), "ct2_vmap": str(vmapped),
                        "model_id": ref.model_id}
    return models


def run(spec: SpeedSpec, progress: Any = None) -> dict[str, Any]:
    unknown = [e for e in spec.engines if e not in SPEED_ENGINES]
    if unknown:
        raise UsageError(f"unknown engine(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(SPEED_ENGINES)}")
    models = prepare(spec, progress)
    workload = load_workload(spec, Path(models["en"]["marian"]) / "source.spm")
    rows = []
    for name in spec.engines:
        if progress:
            progress(f"measuring {name}")
        rows.append(in_child("measure", name, spec, models, workload))
    cached = in_child("cache", "ct2-int8", spec, models, workload) \
        if "ct2-int8" in spec.engines else None
    naive = next((r for r in rows if r["engine"] == "naive"), None)
    for r in rows:
        if naive:
            r["speedup_seed_e2e"] = round(naive["seed_e2e_s"] / r["seed_e2e_s"], 2)
            r["speedup_tok_s"] = round(r["large_tok_s"] / naive["large_tok_s"], 2)
    # Directory names only: a results file must not carry the paths of the machine it ran on.
    recorded = {lang: {"model_id": m["model_id"], **{k: Path(m[k]).name for k in m
                                                     if k != "model_id"}}
                for lang, m in models.items()}
    spec_out = asdict(spec)
    spec_out["models"] = {k: Path(v).name for k, v in spec.models.items()}
    spec_out["work_dir"] = Path(spec.work_dir).name if spec.work_dir else ""
    return {"spec": spec_out, "machine": {**machine_info(), "versions": versions()},
            "models": recorded,
            "workload": {"seed_units": len(workload.seed_units),
                         "seed_blocks": len(workload.seed_blocks),
                         "large": len(workload.large), "large_source": workload.large_source},
            "engines": rows, "cache": cached}


# --- in the child process -------------------------------------------------------------------


def in_child(what: str, name: str, spec: SpeedSpec, models: dict[str, Any],
             wl: Workload) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter: its own load time, threads and peak RSS.

    A subprocess, not multiprocessing: spawn re-imports the parent's __main__, which for
    ``python -m translate`` would start the CLI again inside the child.
    """
    job = {"what": what, "name": name, "spec": asdict(spec), "models": models,
           "workload": asdict(wl)}
    proc = subprocess.run([sys.executable, "-m", "translate.bench.speed"], input=json.dumps(job),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeFailure(f"speed benchmark of {name} failed: {tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child() -> None:
    job = json.loads(sys.stdin.read())
    spec = SpeedSpec(**{**job["spec"], "engines": tuple(job["spec"]["engines"])})
    wl = Workload(**job["workload"])
    if job["what"] == "cache":
        out = measure_cache(spec, job["models"], wl)
    else:
        out = measure(job["name"], spec, job["models"], wl)
    print(json.dumps(out))


def _options(spec: SpeedSpec, **kw: Any) -> Any:
    from translate.values import DecodeOptions

    base: dict[str, Any] = {
        "beam": spec.beam, "batch_size": spec.batch_size, "threads": spec.threads,
        "min_decoding_length": spec.forced_tokens, "max_decoding_length": spec.forced_tokens,
        "device": "cpu"}
    base.update(kw)
    return DecodeOptions(**base)


def _engines(name: str, spec: SpeedSpec, models: dict[str, Any]) -> dict[str, Any]:
    from translate.engines.ct2 import Ct2Options, CTranslate2Engine
    from translate.engines.hf import TransformersEngine
    from translate.models.store import resolve

    if name == "naive":
        return {lang: NaiveEngine(models[lang]["marian"], spec) for lang in LANGS}
    if name == "transformers":
        return {lang: TransformersEngine(resolve(models[lang]["marian"]), "ar", lang,
                                         _options(spec)) for lang in LANGS}
    kw: dict[str, Any] = {}
    key, ct2 = "ct2", Ct2Options()
    if name == "ct2-int8-concurrent":
        kw["threads"] = max(1, spec.threads // 2)
    elif name == "ct2-int8-vmap":
        key, ct2 = "ct2_vmap", Ct2Options(use_vmap=True)
    elif name.startswith("ct2-int8-beam"):
        kw["beam"] = int(name.removeprefix("ct2-int8-beam"))
    elif name.startswith("ct2-int8-b"):
        kw["batch_size"] = int(name.removeprefix("ct2-int8-b"))
    return {lang: CTranslate2Engine(resolve(models[lang][key]), "ar", lang, _options(spec, **kw),
                                    ct2) for lang in LANGS}


def _translate_both(engines: dict[str, Any], texts: list[str], concurrent: bool) -> int:
    """Translate ``texts`` into both languages; return the output tokens."""
    if concurrent:
        from concurrent.futures import ThreadPoolExecutor

        # CTranslate2 releases the GIL while decoding: two threads really use two cores.
        with ThreadPoolExecutor(len(engines)) as pool:
            results = list(pool.map(lambda e: e.translate_detailed(texts), engines.values()))
    else:
        results = [e.translate_detailed(texts) for e in engines.values()]
    return sum(h.tokens for hyps in results for h in hyps)


def measure(name: str, spec: SpeedSpec, models: dict[str, Any], wl: Workload) -> dict[str, Any]:
    concurrent = name == "ct2-int8-concurrent"
    t0 = time.perf_counter()
    engines = _engines(name, spec, models)
    for e in engines.values():
        e.load()
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    seed_tokens = _translate_both(engines, wl.seed_units, concurrent)
    seed_s = time.perf_counter() - t1
    rss_seed = _peak_rss_mb()
    latencies = []
    for block in wl.seed_blocks:  # one paragraph at a time, as an interactive user sends them
        tb = time.perf_counter()
        engines["en"].translate_detailed(block)
        latencies.append(time.perf_counter() - tb)
    large = wl.large[:spec.slow_large] if name in SLOW else wl.large
    t2 = time.perf_counter()
    large_tokens = _translate_both(engines, large, concurrent)
    large_s = time.perf_counter() - t2
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {
        "engine": name,
        "describe": engines["en"].describe(),
        "load_s": round(load_s, 3),
        "seed_translate_s": round(seed_s, 3),
        "seed_e2e_s": round(load_s + seed_s, 3),
        "seed_tokens": seed_tokens,
        "seed_tok_s": round(seed_tokens / seed_s, 1),
        "paragraph_latency_p50_s": round(statistics.median(latencies), 3),
        "paragraph_latency_p95_s": round(q[18], 3),
        "large_sentences": len(large) * len(LANGS),
        "large_tokens": large_tokens,
        "large_s": round(large_s, 3),
        "large_tok_s": round(large_tokens / large_s, 1),
        "large_sent_s": round(len(large) * len(LANGS) / large_s, 2),
        "peak_rss_seed_mb": rss_seed,
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_cache(spec: SpeedSpec, models: dict[str, Any], wl: Workload) -> dict[str, Any]:
    """The seed article twice through fresh engines sharing one cache: a rerun's speed-up."""
    from translate.cache import TranslationCache

    with tempfile.TemporaryDirectory() as tmp:
        cache = TranslationCache(Path(tmp) / "cache.sqlite")
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            engines = _engines("ct2-int8", spec, models)  # a rerun is a new process: new engines
            for e in engines.values():
                e.cache = cache
            _translate_both(engines, wl.seed_units, False)
            runs.append(time.perf_counter() - t0)
        cache.close()
    return {"first_s": round(runs[0], 4), "rerun_s": round(runs[1], 4),
            "speedup": round(runs[0] / runs[1], 1),
            "note": "engine construction + load + translation of both directions; the rerun "
                    "never loads the weights (lazy load, every segment is a hit)"}


class NaiveEngine:
    """The transformers-docs path: MarianMTModel fp32, one generate call per paragraph."""

    def __init__(self, path: str, spec: SpeedSpec) -> None:
        self.path, self.spec = path, spec

    def load(self) -> None:
        import warnings

        import torch
        from transformers import MarianMTModel, MarianTokenizer

        torch.set_num_threads(self.spec.threads)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.tok = MarianTokenizer.from_pretrained(self.path)
            self.model = MarianMTModel.from_pretrained(self.path).eval()

    def describe(self) -> dict[str, Any]:
        return {"backend": "transformers generate per paragraph", "dtype": "float32",
                "beam": self.spec.beam}

    def translate_detailed(self, texts: list[str]) -> list[Any]:
        import torch

        from translate.values import Hypothesis

        out = []
        for text in texts:
            batch = self.tok([text], return_tensors="pt")
            with torch.no_grad():
                ids = self.model.generate(**batch, num_beams=self.spec.beam,
                                          min_new_tokens=self.spec.forced_tokens,
                                          max_new_tokens=self.spec.forced_tokens)
            # Decoding steps, the forced final </s> of opus-mt's generation config included:
            # it costs a step like any token, and the other engines emit a token there.
            row = [t for t in ids[0].tolist()[1:] if t != self.tok.pad_token_id]
            out.append(Hypothesis(self.tok.decode(row, skip_special_tokens=True),
                                  tokens=len(row)))
        return out


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


if __name__ == "__main__":
    _child()
