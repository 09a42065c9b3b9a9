"""`tarjama bench speed`: the same workload through each engine, side by side, in one run.

Engines (each measured in its own child process, so load time and peak memory are its own):
  naive            what the transformers docs show: one ``generate`` call per paragraph, fp32
  transformers     our transformers backend (whole-article batches sorted by length)
  ct2-int8         our CTranslate2 backend, int8, en then ru, each with all the threads
  ct2-int8-concurrent  both models loaded, en and ru decoded at once, one thread each
  ct2-int8-vmap    ct2-int8 scoring only vocabulary-map candidates (see models.convert.build_vmap)
  ct2-int8-b32, ct2-int8-beam2, ct2-int8-beam1 ...  batch size and beam-size impact
Output lengths are forced (min = max decoding length) so every engine emits the same tokens:
tokens/s compares like with like even on random-weight ``shape`` models. Any family's models
run (translate.models.adapters); the vocabulary-map engine needs Marian's two SentencePiece
models. Each child reports its progress on stderr, so the caller can show a bar per engine.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.bench.environment import machine_info, peak_rss_mb, versions
from translate.bench.measure import (
    article_inputs,
    child_main,
    latency_percentiles,
    ntrex_lines,
    report_progress,
    run_in_child,
    seed_article,
)
from translate.errors import UsageError
from translate.values import DecodeOptions, Hypothesis, ProgressFactory, ProgressFn

if TYPE_CHECKING:
    from translate.engines.base import Engine

Note = Callable[[str], None]  # says what is being built
Models = dict[str, dict[str, str]]  # lang → {"model", "ct2", "ct2_vmap", "model_id"}

LANGS = ("en", "ru")
SPEED_ENGINES = ("naive", "transformers", "ct2-int8", "ct2-int8-concurrent", "ct2-int8-vmap",
           "ct2-int8-b32", "ct2-int8-beam2", "ct2-int8-beam1")
SLOW = ("naive", "transformers")


@dataclass
class SpeedSpec:
    models: dict[str, str] = field(default_factory=dict)  # lang → model dir; built if empty
    shape: str = "opus-mt-base"  # the shape models built when none is given (or "tiny")
    engines: tuple[str, ...] = SPEED_ENGINES
    forced_tokens: int = 40  # every hypothesis is exactly this long
    beam: int = 4
    threads: int = 2
    batch_size: int = 16
    large: int = 200  # sentences of the larger workload
    slow_large: int = 48  # of which the slow engines (naive, transformers) translate this many
    seed: str = ""  # seed article path; the packaged one when empty
    data_dir: str = ""  # holds ntrex128/ for the large workload (translate.bench.measure)
    work_dir: str = ""  # built shape models and conversions; the model store when empty


@dataclass
class Workload:
    seed_blocks: list[list[str]]  # the seed article's translatable blocks → model inputs
    large: list[str]
    large_source: str

    @property
    def seed_units(self) -> list[str]:
        return [u for b in self.seed_blocks for u in b]


def load_workload(spec: SpeedSpec, count_tokens: Callable[[str], int]) -> Workload:
    from translate.models import spm as spm_lib

    text, name, _ = seed_article("ar", spec.seed or None)
    blocks = article_inputs(text, source=name, lang="ar", count_tokens=count_tokens)
    found = ntrex_lines(spec.data_dir or None, spec.large)
    if found is not None:
        lines, source = found
    else:
        lines = spm_lib.synthetic_text("ar", n=spec.large, seed=1)
        source = f"{len(lines)} synthetic Arabic-letter sentences (NTREX-128 not present)"
    return Workload(blocks, lines, source)


def prepare(spec: SpeedSpec, note: Note | None = None) -> Models:
    """Shape models (built when not given), their int8 conversions and, for Marian, a vmap
    variant."""
    from translate.models.adapters import adapter_for
    from translate.models.convert import build_vmap, convert_ref, ensure_converted
    from translate.models.fixture import build_shape
    from translate.models.spm import synthetic_text
    from translate.models.store import resolve, store_dir

    work = Path(spec.work_dir) if spec.work_dir else store_dir() / "bench"
    models: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        given = spec.models.get(lang)
        if not given:
            path = work / f"shape-{spec.shape}-ar-{lang}"
            if not (path / "model.safetensors").is_file():
                if note:
                    note(f"building shape model ar-{lang} ({spec.shape}) in {path}")
                build_shape(path, shape=spec.shape, seed=0, force=True, target_lang=lang)
            given = str(path)
        ref = resolve(given)
        ct2 = ensure_converted(ref)
        vmapped = Path(f"{ct2}-vmap")
        marian = (ref.path / "source.spm").is_file() and (ref.path / "target.spm").is_file()
        if marian and "ct2-int8-vmap" in spec.engines and not (vmapped / "vmap.txt").is_file():
            # Random weights have no lexicon to learn from: the map pairs synthetic sentences
            # at random, which gives candidate sets of a realistic size (what sets the speed)
            # and says nothing about quality.
            pairs = list(zip(synthetic_text("ar", n=2000, seed=7),
                             synthetic_text(lang, n=2000, seed=7), strict=True))
            vmap = Path(tempfile.mkdtemp()) / "vmap.txt"
            vmap.write_text(build_vmap(pairs, ref.path / "source.spm", ref.path / "target.spm"),
                            encoding="utf-8")
            convert_ref(ref, vmapped, force=True, vmap=vmap)
        elif not marian and "ct2-int8-vmap" in spec.engines:
            raise UsageError(f"ct2-int8-vmap needs Marian models (source.spm, target.spm); "
                             f"{given} is {adapter_for(ref.path).family}")
        models[lang] = {"model": str(ref.path), "ct2": str(ct2), "ct2_vmap": str(vmapped),
                        "model_id": ref.model_id}
    return models


def run(spec: SpeedSpec, progress: ProgressFactory | None = None,
        note: Note | None = None) -> dict[str, Any]:
    """Every engine of ``spec`` on the same workload; ``progress(engine)`` gives each engine's
    bar, ``note(message)`` says what is being built."""
    from translate.models.adapters import adapter_for

    unknown = [e for e in spec.engines if e not in SPEED_ENGINES]
    if unknown:
        raise UsageError(f"unknown engine(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(SPEED_ENGINES)}")
    if spec.threads == 0:  # the default: every core, and the report says how many that was
        spec = replace(spec, threads=os.cpu_count() or 1)
    models = prepare(spec, note)
    count = adapter_for(Path(models["en"]["model"])).tokenizer("ar", "en").count
    workload = load_workload(spec, count)
    rows = []
    for name in spec.engines:
        rows.append(in_child("measure", name, spec, models, workload,
                             progress(name) if progress else None))
    cached = in_child("cache", "ct2-int8", spec, models, workload,
                      progress("ct2-int8 cached rerun") if progress else None) \
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
    spec_out["data_dir"] = Path(spec.data_dir).name if spec.data_dir else ""
    return {"spec": spec_out, "machine": {**machine_info(), "versions": versions()},
            "models": recorded,
            "workload": {"seed_units": len(workload.seed_units),
                         "seed_blocks": len(workload.seed_blocks),
                         "large": len(workload.large), "large_source": workload.large_source},
            "engines": rows, "cache": cached}


def run_and_write(spec: SpeedSpec, output: Path | None, *, name: str = "speed",
                  force: bool = False, command: list[str] | None = None,
                  progress: ProgressFactory | None = None) -> tuple[str, list[Path], list[str]]:
    """Check the outputs, measure every engine, write NAME.json/.md/.png; return the markdown
    table, the files written and notes (where they went, what was built)."""
    from translate.bench import report
    from translate.bench.runner import default_locations
    from translate.errors import OutputExistsError

    bad = sorted(set(spec.models) - set(LANGS))
    if bad:
        raise UsageError(f"bench speed --model takes en=DIR and ru=DIR, not {', '.join(bad)}")
    from translate.bench.measure import ntrex_dir

    ntrex_dir(spec.data_dir or None)  # a --data-dir without NTREX-128: refused before the work
    results, _, where = default_locations()
    notes = [where] if where and output is None else []
    out_dir = output if output is not None else results / "speed"
    for suffix in (".json", ".md", ".png"):  # before the work, not after it
        if (out_dir / f"{name}{suffix}").exists() and not force:
            raise OutputExistsError(f"{out_dir / (name + suffix)} exists; pass --force to "
                                    "replace it, or give another -o / --name")
    result = run(spec, progress, note=notes.append)
    text = " ".join(command or [])
    return report.markdown(result, text), report.write(result, out_dir, name=name,
                                                       command=text, force=True), notes


# --- in the child process -------------------------------------------------------------------


def in_child(what: str, name: str, spec: SpeedSpec, models: Models,
             wl: Workload, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter: its own load time, threads and peak RSS."""
    job = {"what": what, "name": name, "spec": asdict(spec), "models": models,
           "workload": asdict(wl)}
    return run_in_child("translate.bench.speed", job, f"speed benchmark of {name}", progress)


def _child(job: dict[str, Any]) -> dict[str, Any]:
    spec = SpeedSpec(**{**job["spec"], "engines": tuple(job["spec"]["engines"])})
    wl = Workload(**job["workload"])
    if job["what"] == "cache":
        return measure_cache(spec, job["models"], wl)
    return measure(job["name"], spec, job["models"], wl)


def _options(spec: SpeedSpec) -> DecodeOptions:
    return DecodeOptions(beam=spec.beam, batch_size=spec.batch_size, threads=spec.threads,
                         min_decoding_length=spec.forced_tokens,
                         max_decoding_length=spec.forced_tokens, device="cpu")


def _engines(name: str, spec: SpeedSpec, models: Models) -> dict[str, Engine | NaiveEngine]:
    from translate.engines.ct2 import Ct2Options, CTranslate2Engine
    from translate.engines.hf import TransformersEngine
    from translate.models.store import resolve

    if name == "naive":
        return {lang: NaiveEngine(models[lang]["model"], lang, spec) for lang in LANGS}
    if name == "transformers":
        return {lang: TransformersEngine(resolve(models[lang]["model"]), "ar", lang,
                                         _options(spec)) for lang in LANGS}
    options = _options(spec)
    key, ct2 = "ct2", Ct2Options()
    if name == "ct2-int8-concurrent":
        options = replace(options, threads=max(1, spec.threads // 2))
    elif name == "ct2-int8-vmap":
        key, ct2 = "ct2_vmap", Ct2Options(use_vmap=True)
    elif name.startswith("ct2-int8-beam"):
        options = replace(options, beam=int(name.removeprefix("ct2-int8-beam")))
    elif name.startswith("ct2-int8-b"):
        options = replace(options, batch_size=int(name.removeprefix("ct2-int8-b")))
    return {lang: CTranslate2Engine(resolve(models[lang][key]), "ar", lang, options, ct2)
            for lang in LANGS}


def _translate_both(engines: dict[str, Engine | NaiveEngine], texts: list[str],
                    concurrent: bool, report: Callable[[int], None] | None = None) -> int:
    """Translate ``texts`` into both languages; return the output tokens."""
    if concurrent:
        from concurrent.futures import ThreadPoolExecutor

        # CTranslate2 releases the GIL while decoding: two threads really use two cores.
        with ThreadPoolExecutor(len(engines)) as pool:
            results = list(pool.map(lambda e: e.translate_detailed(texts), engines.values()))
    else:
        results = [e.translate_detailed(texts) for e in engines.values()]
    if report:
        report(len(texts) * len(engines))
    return sum(h.tokens for hyps in results for h in hyps)


class _Progress:
    """A child's progress, printed on stderr for ``in_child`` (texts translated of total)."""

    def __init__(self, total: int) -> None:
        self.done, self.total = 0, total
        self(0)

    def __call__(self, n: int) -> None:
        self.done += n
        report_progress(self.done, self.total)


def measure(name: str, spec: SpeedSpec, models: Models, wl: Workload) -> dict[str, object]:
    concurrent = name == "ct2-int8-concurrent"
    large = wl.large[:spec.slow_large] if name in SLOW else wl.large
    report = _Progress(len(LANGS) * (len(wl.seed_units) + len(large)) + len(wl.seed_units))
    t0 = time.perf_counter()
    engines = _engines(name, spec, models)
    for e in engines.values():
        e.load()
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    seed_tokens = _translate_both(engines, wl.seed_units, concurrent, report)
    seed_s = time.perf_counter() - t1
    rss_seed = peak_rss_mb()
    latencies = []
    for block in wl.seed_blocks:  # one paragraph at a time, as an interactive user sends them
        tb = time.perf_counter()
        engines["en"].translate_detailed(block)
        latencies.append(time.perf_counter() - tb)
        report(len(block))
    t2 = time.perf_counter()
    large_tokens = _translate_both(engines, large, concurrent, report)
    large_s = time.perf_counter() - t2
    p50, p95 = latency_percentiles(latencies)
    return {
        "engine": name,
        "describe": engines["en"].describe(),
        "load_s": round(load_s, 3),
        "seed_translate_s": round(seed_s, 3),
        "seed_e2e_s": round(load_s + seed_s, 3),
        "seed_tokens": seed_tokens,
        "seed_tok_s": round(seed_tokens / seed_s, 1),
        "paragraph_latency_p50_s": p50,
        "paragraph_latency_p95_s": p95,
        "large_sentences": len(large) * len(LANGS),
        "large_tokens": large_tokens,
        "large_s": round(large_s, 3),
        "large_tok_s": round(large_tokens / large_s, 1),
        "large_sent_s": round(len(large) * len(LANGS) / large_s, 2),
        "peak_rss_seed_mb": rss_seed,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_cache(spec: SpeedSpec, models: Models, wl: Workload) -> dict[str, object]:
    """The seed article twice through fresh engines sharing one cache: a rerun's speed-up."""
    from translate.cache import TranslationCache

    with tempfile.TemporaryDirectory() as tmp:
        cache = TranslationCache(Path(tmp) / "cache.sqlite")
        runs = []
        report = _Progress(2 * len(LANGS) * len(wl.seed_units))
        for _ in range(2):
            t0 = time.perf_counter()
            engines = _engines("ct2-int8", spec, models)  # a rerun is a new process: new engines
            for e in engines.values():
                if not isinstance(e, NaiveEngine):
                    e.cache = cache
            _translate_both(engines, wl.seed_units, False, report)
            runs.append(time.perf_counter() - t0)
        cache.close()
    return {"first_s": round(runs[0], 4), "rerun_s": round(runs[1], 4),
            "speedup": round(runs[0] / runs[1], 1),
            "note": "engine construction + load + translation of both directions; the rerun "
                    "never loads the weights (lazy load, every segment is a hit)"}


class NaiveEngine:
    """The transformers-docs path: the family's classes, fp32, one generate call per
    paragraph."""

    def __init__(self, path: str, lang: str, spec: SpeedSpec) -> None:
        self.path, self.lang, self.spec = path, lang, spec

    def load(self) -> None:
        import warnings

        import torch

        from translate.models.adapters import adapter_for

        torch.set_num_threads(self.spec.threads)
        adapter = adapter_for(Path(self.path))
        self.tokenizer = adapter.tokenizer("ar", self.lang)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.tok = adapter.transformers_tokenizer(self.tokenizer)
            self.model = adapter.transformers_classes()[1].from_pretrained(self.path).eval()
        self.kwargs = adapter.generate_kwargs(self.tok, self.tokenizer)

    def describe(self) -> dict[str, object]:
        return {"backend": "transformers generate per paragraph", "dtype": "float32",
                "beam": self.spec.beam}

    def translate_detailed(self, texts: list[str],
                           progress: ProgressFn | None = None) -> list[Hypothesis]:
        import torch

        from translate.values import Hypothesis

        out = []
        for text in texts:
            batch = self.tok([self.tokenizer.source_text(text)], return_tensors="pt")
            with torch.no_grad():
                ids = self.model.generate(**batch, num_beams=self.spec.beam,
                                          min_new_tokens=self.spec.forced_tokens,
                                          max_new_tokens=self.spec.forced_tokens, **self.kwargs)
            # Decoding steps, the forced final </s> of opus-mt's generation config included:
            # it costs a step like any token, and the other engines emit a token there.
            row = [t for t in ids[0].tolist()[1:] if t != self.tok.pad_token_id]
            out.append(Hypothesis(self.tok.decode(row, skip_special_tokens=True),
                                  tokens=len(row)))
        return out


if __name__ == "__main__":
    child_main(_child)
