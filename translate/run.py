"""Translating one article or many: read → segment → translate → check → render → write.

``translate_files`` is ``tarjama translate``. With ``ReadOptions.lines`` an input is one segment
a line (``segment_lines``) and comes out one line per line (``render/lines.py``); everything
else (outputs, models, cache, checks, journal) is the same run.

Models are loaded once for the whole run (and only when some article needs them: a rerun that
finds everything done, or served from the translation cache, never loads weights). Each article
is checkpointed in the output directory's journal, so a run killed at any moment and started
again produces the same files as an uninterrupted one: no article lost, none written twice.
A bad article is reported and skipped; it does not stop the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.article import Article
from translate.checks.report import FlagTally
from translate.errors import TarjamaError, UsageError
from translate.fsio import (
    atomic_write,
    check_output,
    printable,
    read_bytes,
    remove_stale_temps,
    safe_name,
    split_lines,
)
from translate.journal import Journal, work_key
from translate.pipeline import Plan, load_engines, translate_articles
from translate.render.base import Renderer
from translate.values import BackendOptions, DecodeOptions, ProgressFactory


@dataclass
class TranslateJob:
    """One input and where each of its rendered documents goes (None: standard output)."""

    source: str  # a path, or "-" for stdin
    outputs: dict[str, Path | None]


@dataclass
class ReadOptions:
    encoding: str | None = None
    fmt: str = "auto"
    source_lang: str = "ar"
    max_tokens: int = 400
    lines: bool = False  # one segment a line in, one line out (translate --lines)


@dataclass
class RunReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already done by an earlier run
    failed: list[tuple[str, TarjamaError]] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list)
    read_notes: dict[str, str] = field(default_factory=dict)  # source → how it was read
    flags: FlagTally = field(default_factory=FlagTally)  # QA flags and failed segments
    warnings: list[str] = field(default_factory=list)  # e.g. the cache could not be written


@dataclass
class TranslateSettings:
    """Everything ``tarjama translate`` is asked, in the library's terms (``translate_files``)."""

    sources: list[str]  # paths, or "-" for stdin
    output: str | None = None  # a file or a folder ("out/" names a folder); None or "-": stdout
    to: str | None = None  # "en,ru"; None: the languages --model names, else every one
    models: dict[str, str] = field(default_factory=dict)  # --model LANG=SPEC / SRC-TGT=SPEC
    fmt: str = "text"
    via: str | None = None
    backend: str = "auto"
    decoding: DecodeOptions = field(default_factory=DecodeOptions)
    backend_options: dict[str, BackendOptions] = field(default_factory=dict)
    read: ReadOptions = field(default_factory=ReadOptions)
    use_cache: bool = True
    checks: bool = True
    strict: bool = False
    force: bool = False
    retry_flagged: bool = False


def translate_files(settings: TranslateSettings,
                    progress: ProgressFactory | None = None) -> RunReport:
    """``tarjama translate``: plan the outputs (refusing bad ones before any work), load the
    models the plan needs, translate every input, write or return what was rendered."""
    from translate.pipeline import check_models_used, make_plan, resolve_targets
    from translate.render import get_renderer

    targets = resolve_targets(settings.to, settings.models)
    renderer = get_renderer(settings.fmt, lines=settings.read.lines)
    check_nbest_format(settings.decoding, renderer.name, lines=settings.read.lines)
    out = settings.output
    # "out/" names a folder even before it exists (a Path would drop the slash)
    jobs = plan_jobs(settings.sources, renderer, targets, Path(out) if out else None,
                     as_dir=out is not None and out.endswith("/"))
    plan = make_plan(targets, settings.models, via=settings.via, backend=settings.backend,
                     options=settings.decoding, backend_options=settings.backend_options)
    check_models_used(plan, settings.models)
    run = TranslateRun(plan, renderer, targets, read=settings.read, use_cache=settings.use_cache,
                       checks=settings.checks, strict=settings.strict, force=settings.force,
                       retry_flagged=settings.retry_flagged, progress=progress)
    return run.run(jobs)


def check_nbest_format(options: DecodeOptions, fmt: str, *, lines: bool) -> None:
    """The n best hypotheses and their scores are written where they have a place: JSON, and
    --lines text as marian-decoder's n-best lines; an article's text, markdown or page has
    room for one translation a segment, so asking there is a usage error, not a silent drop."""
    if options.reports_nbest and fmt != "json" and not (lines and fmt == "text"):
        what = "--n-best" if options.n_best > 1 else "--with-scores"
        raise UsageError(f"{what} is written by -f json (or --lines text), not -f {fmt}")


def plan_jobs(sources: list[str], renderer: Renderer, targets: list[str],
              output: Path | None, *, as_dir: bool = False) -> list[TranslateJob]:
    """Output paths for every input; refuses ambiguous, colliding or unusable destinations up
    front (a directory, a device, one of the inputs, an unwritable folder). Whether an existing
    file may be replaced is decided per article, when the journal is known.

    ``-o`` is a file when one file comes out (one input, and one language or a format holding
    all languages), unless it is a folder or ends with '/'; else it is a folder of
    NAME.LANG.EXT (per language) or NAME.EXT files."""
    if output is not None and str(output) == "-":
        output = None
    many = len(sources) > 1
    if many and output is None:
        raise UsageError(f"{len(sources)} articles need -o DIR (one set of files per article)")
    if many and output is not None and output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: with several articles this must be a directory")
    several = renderer.per_language and len(targets) > 1
    one_key = targets[0] if renderer.per_language else "all"
    jobs = []
    for src in sources:
        if output is None:
            if several:
                raise UsageError(
                    f"--format {renderer.name} with {len(targets)} languages needs -o DIR "
                    "(one file per language), or pick one with --to")
            jobs.append(TranslateJob(src, {one_key: None}))
        elif not (many or as_dir or several or output.is_dir()):
            jobs.append(TranslateJob(src, {one_key: output}))
        else:
            name = "stdin" if src == "-" else printable(Path(src).name)
            stem = safe_name(output_stem(name))
            langs = targets if renderer.per_language else ["all"]
            jobs.append(TranslateJob(src, {lang: output / _file_name(stem, lang, renderer)
                                           for lang in langs}))
    seen: dict[Path, str] = {}
    for job in jobs:
        for path in job.outputs.values():
            if path is not None and path in seen:
                raise UsageError(f"{seen[path]} and {job.source} would both write {path}; "
                                 "rename one of them")
            if path is not None:
                seen[path] = job.source
                check_output(path, force=True, inputs=sources)
    return jobs


def _file_name(stem: str, lang: str, renderer: Renderer) -> str:
    parts = [stem] + ([lang] if lang != "all" else []) + [renderer.extension]
    return ".".join(p for p in parts if p)


def output_stem(name: str) -> str:
    stem = name
    for suffix in (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"):
        stem = stem.removesuffix(suffix)
    return stem.removesuffix(".ar") or "article"


class TranslateRun:
    def __init__(self, plan: Plan, renderer: Renderer, targets: list[str], *,
                 read: ReadOptions, use_cache: bool = True, checks: bool = True,
                 strict: bool = False, force: bool = False, retry_flagged: bool = False,
                 progress: ProgressFactory | None = None) -> None:
        self.plan, self.renderer, self.targets = plan, renderer, targets
        self.read, self.use_cache, self.checks = read, use_cache, checks
        self.strict, self.force, self.progress = strict, force, progress
        self.retry_flagged = retry_flagged
        self._engines: dict | None = None
        self._cache: Any = None  # TranslationCache when use_cache
        self.inputs: list[str] = []  # never replaced, --force or not

    def engines(self) -> dict:
        """Load each model once, on first need; share one translation cache among them."""
        if self._engines is None:
            engines = load_engines(self.plan)
            for engine in engines.values():
                engine.cache = self._cache
            self._engines = engines
        return self._engines

    def settings(self) -> dict[str, Any]:
        """Everything besides the input bytes that decides the output (the journal key)."""
        return {"targets": self.targets, "models": {f"{s}-{t}": m for (s, t), m in
                                                     self.plan.models.items()},
                "via": self.plan.via, "backend": self.plan.backend,
                "decoding": self.plan.decoding_key(), "format": self.renderer.name,
                "checks": self.checks, "retry_flagged": self.retry_flagged,
                "read": vars(self.read)}

    def run(self, jobs: list[TranslateJob]) -> RunReport:
        report = RunReport()
        self.inputs = [j.source for j in jobs]
        if self.use_cache and self._cache is None:
            from translate.cache import TranslationCache

            # opened (and checked) before the first article: a damaged cache is one error,
            # not a failure of the first article and the others translated without it
            self._cache = TranslationCache()
        files = [p for j in jobs for p in j.outputs.values() if p is not None]
        journal = Journal(files[0].parent) if len(jobs) > 1 and files else None
        try:
            for job in jobs:
                try:
                    self._one(job, journal, report)
                except TarjamaError as e:
                    if len(jobs) == 1:
                        raise
                    report.failed.append((job.source, e))
        finally:
            if journal is not None:
                journal.close()
        for engine in (self._engines or {}).values():
            if engine.stats.cache_error and engine.stats.cache_error not in report.warnings:
                report.warnings.append(engine.stats.cache_error)
        return report

    def _one(self, job: TranslateJob, journal: Journal | None, report: RunReport) -> None:
        from translate.readers import parse_article, parse_lines

        data = read_bytes(job.source)
        paths = [p for p in job.outputs.values() if p is not None]
        key = work_key(data, self.settings(), paths)
        if journal is not None and journal.is_done(key):
            report.skipped.append(job.source)
            return
        # refuse before the work, not after; a name that is free now is written only if it is
        # still free then (another run into the same output is refused, not overwritten)
        replace = {p: self.force or bool(journal and journal.owns(p)) for p in paths}
        for p in paths:
            check_output(p, force=replace[p], inputs=self.inputs)
        name = "stdin" if job.source == "-" else printable(Path(job.source).name)
        if self.read.lines:
            source_text = parse_lines(data, name=name, encoding=self.read.encoding,
                                      source_lang=self.read.source_lang)
        else:
            source_text = parse_article(data, name=name, suffix=Path(job.source).suffix,
                                        encoding=self.read.encoding, fmt=self.read.fmt,
                                        source_lang=self.read.source_lang)
        report.read_notes[job.source] = source_text.summary()
        article = self._translate(source_text, name)
        report.flags.add(article, self.targets, lines=self.read.lines)
        docs = self.renderer.render(article, self.targets)
        if journal is not None:
            # Another run into this folder may have taken the same work (same key: the same
            # bytes, settings and outputs) while this one translated: done, its files stand;
            # being written, they are the same files, so replacing them loses nothing.
            if journal.is_done(key):
                report.skipped.append(job.source)
                return
            if journal.state(key)[0] == "writing":
                replace = dict.fromkeys(paths, True)
            journal.begin(key, job.source, paths)
            for p in paths:  # temp files of a run killed mid-write (a live run's are kept)
                remove_stale_temps(p)
        for k, path in job.outputs.items():
            if path is None:
                report.stdout.append(docs[k])
            else:
                report.written.append(atomic_write(path, docs[k], force=replace[path],
                                                   inputs=self.inputs))
        if journal is not None:
            journal.finish(key, job.source, paths)

    def _translate(self, source_text: Any, name: str) -> Article:
        engines = self.engines()
        article = segment_for_engines(source_text, name, engines, self.read.max_tokens,
                                      lines=self.read.lines)
        if article.sentences():  # an empty --lines input needs no model
            translate_articles([article], self.plan, engines, progress=self.progress,
                               checks=self.checks, strict=self.strict,
                               retry_flagged=self.retry_flagged)
        return article


def segment_for_engines(source_text: Any, name: str, engines: dict, max_tokens: int, *,
                        lines: bool = False) -> Article:
    """Segment a read input (``readers.SourceText``) so its sentences fit every engine that
    reads the Arabic (within what each model's family can read, whatever ``max_tokens`` says).
    ``tarjama translate`` and ``tarjama serve`` segment through here, so they agree."""
    from translate.segment import segment_lines, segment_text

    sources = [e for (src, _), e in engines.items() if src == "ar"]
    fit = {"count_tokens": lambda s: max(e.count_tokens(s) for e in sources),
           "max_tokens": min([max_tokens, *(e.max_input_length for e in sources)])}
    if lines:
        article = segment_lines(split_lines(source_text.text), source=name, **fit)
    else:
        article = segment_text(source_text.text, source=name,
                               markup=source_text.format != "text", **fit)
    article.notes["input"] = source_text.to_dict()
    return article
