"""``corpus add`` as a library call: hash, segment, translate, align, store (in that order).

The content hash is computed first, from the inputs alone: if the store already has it,
nothing is segmented, translated or written (adding the same article twice is cheap and
changes nothing). Models are loaded only for an article that is new. ``add_files`` is the whole
command: it reads the files through ``translate.readers`` (the one door every command reads
articles by) and names a file by its path relative to the database's folder.

Example::

    result = add_files(AddRequest("lavrov.ar.html", {"en": "lavrov.en.html"},
                                  db=Path("corpus.sqlite")))
    print(result.to_text())

or, with texts already in hand::

    from translate.corpus.ingest import add_article, engine_translator
    from translate.corpus.store import CorpusStore
    from translate.pipeline import make_plan

    plan = make_plan(["en", "ru"], {"en": "models/ar-en", "ru": "models/ar-ru"})
    with CorpusStore.open("corpus.sqlite") as store:
        result = add_article(store, ar_text, {"en": en_text, "ru": ru_text},
                             key="https://example.org/lavrov", plan=plan,
                             translator=engine_translator(plan))
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from translate.article import Article
from translate.corpus.model import SOURCE_LANG
from translate.corpus.store import AddResult, CorpusStore, RunInfo, StoredArticle
from translate.corpus.units import Scorer, build_units, segment_rows
from translate.errors import UsageError
from translate.values import ProgressFactory

if TYPE_CHECKING:
    from translate.align.base import Aligner
    from translate.pipeline import Plan


class Translator(Protocol):
    """Translates articles into ``langs``: attaches ``sentence.translations[lang]`` to every
    sentence; returns token counts {"src_tokens", "out_tokens"} when it knows them."""

    def __call__(self, articles: list[Article], langs: list[str]) -> dict[str, int] | None: ...


#: Makes the translator: called once per process, where the models are to load (an article
#: already stored never calls it; a Ray actor calls it in its constructor).
TranslatorFactory = Callable[[], Translator]

HASH_VERSION = 1  # bump when what goes into the hash changes


def content_hash(ar_text: str, refs: dict[str, str], *, models: dict[str, str], method: str,
                 backend: str) -> str:
    """sha256 over everything that decides the stored units: the texts, models, method."""
    payload = {
        "v": HASH_VERSION,
        SOURCE_LANG: ar_text,
        "refs": dict(sorted(refs.items())),
        "models": dict(sorted(models.items())),
        "method": method,
        "backend": backend,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def article_plan(plan: Plan, langs: list[str]) -> Plan:
    """The plan restricted to an article's reference languages (its hash names only those)."""
    missing = [lang for lang in langs if ("ar", lang) not in plan.models]
    if missing:
        raise UsageError(f"no model for ar→{missing[0]}; pass --model {missing[0]}=ID")
    return dataclasses.replace(plan, targets=langs, via=None,
                               models={k: v for k, v in plan.models.items() if k[1] in langs})


def engine_translator(plan: Plan, progress: ProgressFactory | None = None) -> TranslatorFactory:
    """The default translator: the plan's engines, loaded when the factory is called."""

    def factory() -> Translator:
        from translate.pipeline import load_engines, translate_articles

        engines = load_engines(plan)

        def mt(articles: list[Article], langs: list[str]) -> dict[str, int]:
            before = sum(e.stats.output_tokens for e in engines.values())
            src = sum(e.count_tokens(u) for a in articles for s in a.sentences()
                      for u in s.units() for (_, t), e in engines.items() if t in langs)
            sub = article_plan(plan, langs)
            # checks on: the QA flags of the MT are stored with each pair's scores
            translate_articles(articles, sub, {k: engines[k] for k in sub.models},
                               progress=progress)
            after = sum(e.stats.output_tokens for e in engines.values())
            return {"src_tokens": src, "out_tokens": after - before}

        return mt

    return factory


def segment_inputs(ar_text: str, refs: dict[str, str], *, key: str, markup: bool = False,
                   formats: dict[str, str] | None = None) -> tuple[Article, dict[str, Article]]:
    """The article and its references segmented; each must have sentences to align.

    ``formats``: how each page was read (``"ar"``, ``"en"``... → text | html | markdown): a page
    read from HTML or Markdown takes its headings and lists from their markers, a plain text
    page does not. Without it, ``markup`` says so for every page."""
    from translate.segment import segment_text

    def marked(lang: str) -> bool:
        return markup if formats is None else formats.get(lang, "text") != "text"

    ar = segment_text(ar_text, source=key, lang=SOURCE_LANG, markup=marked(SOURCE_LANG))
    ref_articles = {lang: segment_text(text, source=f"{key}#{lang}", lang=lang,
                                       markup=marked(lang)) for lang, text in refs.items()}
    for lang, art in [(SOURCE_LANG, ar), *ref_articles.items()]:
        if not art.sentences():
            raise UsageError(f"the {lang} text has no sentences to align")
    return ar, ref_articles


def plan_models(plan: Plan) -> dict[str, str]:
    return {f"{s}-{t}": spec for (s, t), spec in sorted(plan.models.items())}


def article_hash(ar_text: str, refs: dict[str, str], *, plan: Plan, method: str,
                 markup: bool = False) -> str:
    """The content hash ``add_article`` stores: decided before anything is loaded."""
    if not refs:
        raise UsageError("at least one reference is needed (--ref LANG=FILE)")
    if SOURCE_LANG in refs:
        raise UsageError(f"--ref {SOURCE_LANG}: the article itself is the {SOURCE_LANG} side")
    # markup changes segmentation, so it is part of the identity (only when set: hashes of
    # plain-text articles stay what they were)
    return content_hash(ar_text, refs, models=plan_models(plan),
                        method=f"{method}+markup" if markup else method, backend=plan.backend)


def finish_article(ar: Article, ref_articles: dict[str, Article], *, key: str, digest: str,
                   plan: Plan, method: str, aligner: Aligner,
                   aligner_options: dict[str, Any] | None = None,
                   scorer: Scorer | None = None,
                   read: dict[str, dict[str, str]] | None = None) -> StoredArticle:
    """Align and score a translated article (``ar``'s sentences carry their MT): the
    ``StoredArticle`` that ``CorpusStore.add_article`` writes. ``read``: how each page was
    read (format, encoding), kept with the run."""
    scorer = scorer or Scorer()
    langs = list(ref_articles)
    units = build_units(ar, ref_articles, aligner, scorer=scorer)
    pages = {SOURCE_LANG: ar, **ref_articles}
    from translate.align.calibration import version as calibration_version

    meta = {k: v for k, v in (ar.run.to_dict() if ar.run else {}).items()
            if k not in ("timings", "translated_at")}
    run = RunInfo(
        backend=plan.backend,
        method=method,
        models=plan_models(plan),
        options={
            "decode": plan.decoding_key(),
            "metrics": scorer.signatures(),
            "aligner": {"method": method, **(aligner_options or {}),
                        "missing": list(getattr(aligner, "missing", [])),
                        # how it aligned (translate.align.params.signature)
                        "signature": getattr(aligner, "signature", ""),
                        # what align_score means: P(bead right), this version of the fit
                        "calibration": calibration_version()},
            "translated": meta,
            **({"read": read} if read else {}),
        },
    )
    return StoredArticle(
        key=key,
        content_hash=digest,
        languages=[SOURCE_LANG, *langs],
        offered={lang: a.languages for lang, a in pages.items()},
        segments=segment_rows(pages),
        units=units,
        run=run,
    )


def add_article(store: CorpusStore, ar_text: str, refs: dict[str, str], *, key: str,
                plan: Plan, translator: TranslatorFactory, method: str = "auto",
                aligner_options: dict[str, Any] | None = None, markup: bool = False,
                progress: ProgressFactory | None = None,
                read: dict[str, dict[str, str]] | None = None) -> AddResult:
    """Add one article with its reference translations to ``store`` (one transaction).

    ``refs`` maps a language to the text of the published translation. ``plan`` (from
    ``translate.pipeline.make_plan``) names the models; it must translate into every language
    of ``refs``. ``markup``: the texts were read from HTML or Markdown (headings and lists come
    from their markers); ``read`` says so per page ({lang: {"format", "encoding"}}) and is kept
    with the run. ``progress`` reports the embedding of sentences (the translator
    reports its own). Returns what happened: ``added``, ``new-version`` or ``unchanged``.
    """
    from translate.align import get_aligner

    digest = article_hash(ar_text, refs, plan=plan, method=method, markup=markup)
    existing = store.find_hash(digest)
    if existing is not None:
        return store.add_article_unchanged(existing)
    aligner = get_aligner(method, **(aligner_options or {}))
    formats = {lang: r["format"] for lang, r in read.items()} if read else None
    ar, ref_articles = segment_inputs(ar_text, refs, key=key, markup=markup, formats=formats)
    translator()([ar], list(refs))
    encoder = getattr(aligner, "encoder", None)
    with encoder.reporting(progress("embedding sentences") if progress else None) \
            if encoder is not None else nullcontext():
        stored = finish_article(ar, ref_articles, key=key, digest=digest, plan=plan,
                                method=method, aligner=aligner, aligner_options=aligner_options,
                                read=read)
    return store.add_article(stored)


@dataclass
class AddRequest:
    """``tarjama corpus add``: an article file and its published translations."""

    article: str  # a path, or "-" for stdin (then ``source`` is needed)
    refs: dict[str, str]  # language → path of the reference
    db: Path = Path("corpus.sqlite")
    models: dict[str, str] = field(default_factory=dict)  # --model LANG=ID_OR_PATH
    backend: str = "auto"
    method: str = "auto"
    source: str | None = None  # the identity across versions; default: article_key
    beam: int = 4


def add_files(request: AddRequest, progress: ProgressFactory | None = None) -> AddResult:
    """Read the article and its references (any supported encoding; HTML and Markdown
    extracted, ``translate.readers``), then ``add_article``. Every input is read before a model
    loads: a missing file fails in a second, not after the models are loaded."""
    from translate.corpus.discover import ArticleSpec, article_key, read_spec
    from translate.fsio import printable
    from translate.pipeline import make_plan
    from translate.values import DecodeOptions

    if request.article == "-" and request.source is None:
        raise UsageError("reading the article from stdin needs --source NAME (its identity)")
    texts = read_spec(ArticleSpec("", Path(request.article),
                                  {lang: Path(path) for lang, path in request.refs.items()}))
    key = printable(request.source) if request.source is not None else \
        article_key(request.article, Path(request.db).parent)
    plan = make_plan(list(texts.refs), request.models, backend=request.backend,
                     options=DecodeOptions(beam=request.beam))
    with CorpusStore.open(request.db) as store:
        return add_article(store, texts.ar.text, {lang: t.text for lang, t in texts.refs.items()},
                           key=key, plan=plan, method=request.method, markup=texts.markup,
                           progress=progress, translator=engine_translator(plan, progress),
                           read=texts.read())
