"""One article through the stages: segment → translate (per target language) → check.

Everything the article needs from one model is sent in one ``translate`` call, so batching spans
the whole article (and, in ``translate_articles``, many articles); each model is loaded once.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from translate.article import Article, RunRecord, Sentence, Translation
from translate.checks import run_checks
from translate.engines import load_shared
from translate.engines.base import Engine, check_nbest
from translate.errors import RuntimeFailure, UsageError
from translate.models.store import DEFAULT_MODELS
from translate.values import (
    BackendOptions,
    DecodeOptions,
    Hypothesis,
    ProgressFactory,
    chain_hypotheses,
    join_hypotheses,
)

SUPPORTED_TARGETS = ("en", "ru")
DECODE_THREAD = "tarjama-decode"  # the CLI ends a Ctrl-C'd process at once while these run


@dataclass
class Plan:
    """Which model translates into which language, and how (direct or through a pivot)."""

    targets: list[str]
    models: dict[tuple[str, str], str]  # (src, tgt) → model spec
    via: str | None = None  # pivot language for targets other than itself
    backend: str = "auto"
    options: DecodeOptions = field(default_factory=DecodeOptions)
    # backend name → the options only that backend reads (translate.engines.ct2.Ct2Options)
    backend_options: dict[str, BackendOptions] = field(default_factory=dict)

    def decoding_key(self) -> dict[str, Any]:
        """What in the plan's options changes the output, whichever backend runs it."""
        key = self.options.decoding_key()
        for opts in self.backend_options.values():
            key.update(opts.decoding_key())
        return key

    def route(self, target: str) -> list[tuple[str, str]]:
        """The legs from Arabic to ``target``: [("ar","en")] or [("ar","en"),("en","ru")]."""
        if self.via and target != self.via:
            return [("ar", self.via), (self.via, target)]
        return [("ar", target)]

    def legs(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys(leg for t in self.targets for leg in self.route(t)))


def resolve_targets(to: str | None, overrides: dict[str, str]) -> list[str]:
    """The target languages: ``--to`` when given; else the languages the ``--model`` keys name
    (``--model en=DIR`` alone means English only, ``en-ru=ID`` names Russian); else all."""
    if to is not None:
        targets = [x.strip() for x in to.split(",") if x.strip()]
        if not targets:
            raise UsageError("--to needs at least one language")
        unknown = [t for t in targets if t not in SUPPORTED_TARGETS]
        if unknown:
            raise UsageError(f"--to: unknown value(s) {', '.join(unknown)}; "
                             f"choose from {', '.join(SUPPORTED_TARGETS)}")
        return list(dict.fromkeys(targets))
    named = {key.rpartition("-")[2] for key in overrides}
    return [t for t in SUPPORTED_TARGETS if t in named] or list(SUPPORTED_TARGETS)


def make_plan(targets: Sequence[str], overrides: dict[str, str], *, via: str | None = None,
              backend: str = "auto", options: DecodeOptions | None = None,
              backend_options: dict[str, BackendOptions] | None = None) -> Plan:
    """Build a plan from ``--to``, ``--model LANG=SPEC`` (or ``SRC-TGT=SPEC``) and ``--via``."""
    models = dict(DEFAULT_MODELS)
    for key, spec in overrides.items():
        src, _, tgt = key.partition("-") if "-" in key else ("ar", "", key)
        if not src or not tgt:
            raise UsageError(f"--model key {key!r}: use LANG (from Arabic) or SRC-TGT")
        models[(src, tgt)] = spec
    check_nbest(options or DecodeOptions())  # before any model is loaded
    if via is not None and via not in targets and via != "en":
        raise UsageError(f"--via {via}: only 'en' is supported as a pivot")
    plan = Plan(list(targets), {}, via, backend, options or DecodeOptions(),
                dict(backend_options or {}))
    for leg in plan.legs():
        if leg not in models:
            raise UsageError(f"no model for {leg[0]}→{leg[1]}; pass --model {leg[0]}-{leg[1]}=ID")
        plan.models[leg] = models[leg]
    return plan


def check_models_used(plan: Plan, overrides: dict[str, str]) -> None:
    """``translate``: a ``--model`` for a language tarjama never translates into (``fr``,
    ``xx``) is an error, not silently ignored (a typo for ru would leave the hub's model in use).
    A model for a language this run's ``--to`` leaves out is kept quiet: one set of ``-m``
    options serves every ``--to``. Commands whose languages vary by article (``corpus
    build``) skip this."""
    unused = [key for key in overrides if key.rpartition("-")[2] not in SUPPORTED_TARGETS
              and (("ar", key) if "-" not in key else tuple(key.split("-", 1)))
              not in plan.models]
    if unused:
        legs = ", ".join(f"{s}→{t}" for s, t in plan.models)
        raise UsageError(f"--model {', '.join(unused)}: no language this run translates into "
                         f"uses it (it translates {legs}; --to {','.join(plan.targets)})")


def load_engines(plan: Plan) -> dict[tuple[str, str], Engine]:
    """Load each model the plan needs exactly once.

    A spec named for several legs (``-m en=NLLB -m ru=NLLB``) is resolved once and its weights
    are loaded once, shared by the legs' engines (translate.engines.load_shared).

    When the Arabic is translated into several languages by engines that release the GIL
    (CTranslate2), they run at the same time, each on its share of the cores, unless the user
    set --threads: side by side with a share each is faster than one after the other with all
    the cores each (the ct2-int8-concurrent and ct2-int8 rows of eval/results/speed/speed.md,
    remade by the command recorded there).
    """
    from translate.models.store import resolve

    resolved = {spec: resolve(spec) for spec in dict.fromkeys(plan.models.values())}
    engines = {leg: load_shared(resolved[plan.models[leg]], leg[0], leg[1],
                                backend=plan.backend, options=plan.options,
                                backend_options=plan.backend_options)
               for leg in plan.legs()}
    parallel = _parallel_legs(plan, engines)
    if len(parallel) > 1 and plan.options.threads == 0:
        share = max(1, (os.cpu_count() or 1) // len(parallel))
        for leg in parallel:
            engines[leg].options = replace(engines[leg].options, threads=share)
    return engines


def _parallel_legs(plan: Plan, engines: dict[tuple[str, str], Engine]) -> list[tuple[str, str]]:
    """The first legs (from Arabic) that can run at the same time: engines that release the
    GIL, over different models (legs sharing one model's weights would queue on them)."""
    first = list(dict.fromkeys(plan.route(t)[0] for t in plan.targets))
    models = {engines[leg].ref.path for leg in first}
    return first if len(models) == len(first) and all(engines[leg].releases_gil
                                                      for leg in first) else []


def translate_articles(articles: Sequence[Article], plan: Plan,
                       engines: dict[tuple[str, str], Engine], *,
                       progress: ProgressFactory | None = None, checks: bool = True,
                       strict: bool = False, retry_flagged: bool = False) -> list[Article]:
    """Translate every sentence of every article into every target; attach the results.

    ``retry_flagged``: segments the checks flag are decoded again (translate.retry) and the
    better translation by the checks is kept.
    """
    sentences = [s for a in articles for s in a.sentences()]
    units = [u for s in sentences for u in s.units()]
    started = time.perf_counter()
    per_target: dict[str, list[Hypothesis]] = {}
    cache: dict[tuple[str, str], list[Hypothesis]] = {}
    parallel = _parallel_legs(plan, engines)
    if len(parallel) > 1:
        cache.update(_side_by_side(parallel, engines, units, progress))
    for target in plan.targets:
        hyps: list[Hypothesis] = []
        inputs = units
        for leg in plan.route(target):
            if leg not in cache:
                label = f"{leg[0]}→{leg[1]}"
                cb = progress(label) if progress else None
                cache[leg] = engines[leg].translate_detailed(inputs, cb)
            hyps = chain_hypotheses(hyps, cache[leg])
            inputs = [h.text for h in cache[leg]]
        per_target[target] = hyps
    retried = 0
    for target, hyps in per_target.items():
        _attach(sentences, hyps, target, checks)
        if checks and retry_flagged:
            from translate.retry import retry_flagged as retry

            retried += retry(sentences, target, plan.route(target), engines)
    elapsed = time.perf_counter() - started
    if strict:
        bad = [(s.id, t.error) for s in sentences for t in s.translations.values() if t.error]
        if bad:
            raise RuntimeFailure(f"{len(bad)} segment(s) failed (--strict); first {bad[0][0]}: "
                                 f"{bad[0][1]}")
    for a in articles:
        a.run = _run_record(plan, engines, elapsed)
        if retry_flagged:
            a.run.retried_segments = retried
    return list(articles)


class _Stopped(Exception):
    """Raised inside a decoding thread when the run was interrupted or another leg failed."""


def _side_by_side(legs: list[tuple[str, str]], engines: dict[tuple[str, str], Engine],
                  units: list[str], progress: ProgressFactory | None,
                  ) -> dict[tuple[str, str], list[Hypothesis]]:
    """Decode several legs at once, one thread each (CTranslate2 releases the GIL).

    Ctrl-C or a failing leg must not wait for the others to finish the whole article (a
    ``with ThreadPoolExecutor`` would: ~54 s measured): the main thread stops waiting at once,
    and each other leg stops after its current batch. Nothing half-done is kept: a leg's
    translations reach the cache only when the leg completes.
    """
    stop = threading.Event()

    def stoppable(label: str) -> Callable[[int, int], None]:
        report = progress(label) if progress else None

        def update(done: int, total: int) -> None:  # called after every batch
            if stop.is_set():
                raise _Stopped(label)
            if report:
                report(done, total)

        return update

    pool = ThreadPoolExecutor(len(legs), thread_name_prefix=DECODE_THREAD)
    try:
        futures = {leg: pool.submit(engines[leg].translate_detailed, units,
                                    stoppable(f"{leg[0]}→{leg[1]}")) for leg in legs}
        pending = set(futures.values())
        while pending:
            # Never one unbounded wait: a SIGINT that the kernel hands to a decoding thread
            # does not wake a main thread blocked on a lock, and Python runs the handler only
            # when the main thread next runs (until the leg ends: a whole article, or never
            # for a stuck one). Waking four times a second costs nothing; a failed leg ends
            # the wait at once.
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()  # raises the leg's error
        return {leg: f.result() for leg, f in futures.items()}
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=not stop.is_set(), cancel_futures=True)


def _attach(sentences: list[Sentence], hyps: list[Hypothesis], lang: str, checks: bool) -> None:
    it = iter(hyps)
    for s in sentences:
        joined = join_hypotheses([next(it) for _ in s.units()])
        t = Translation(text=joined.text, hit_limit=joined.hit_limit, error=joined.error,
                        nbest=joined.nbest)
        if checks and t.error is None:
            t.flags = run_checks(s.text, t.text, lang, hit_limit=t.hit_limit)
        s.translations[lang] = t


def _run_record(plan: Plan, engines: dict[tuple[str, str], Engine], elapsed: float
                ) -> RunRecord:
    return RunRecord(
        models={f"{s}-{t}": e.model_id for (s, t), e in engines.items()},
        backend=sorted({e.backend for e in engines.values()}),
        beam=plan.options.beam,
        via=plan.via,
        translated_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        timings={
            "load_seconds": {f"{s}-{t}": round(e.stats.load_seconds, 3)
                             for (s, t), e in engines.items()},
            "translate_seconds": round(elapsed, 3),
        },
    )
