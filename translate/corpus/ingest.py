"""``corpus add`` as a library call: hash, segment, translate, align, store (in that order).

The content hash is computed first, from the inputs alone: if the store already has it,
nothing is segmented, translated or written (adding the same article twice is cheap and
changes nothing). Models are loaded only for an article that is new.

Example::

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

import hashlib
import json
from collections.abc import Callable
from typing import Any

from translate.article import Article
from translate.corpus.build import SOURCE_LANG, Scorer, build_units, segment_rows
from translate.corpus.store import AddResult, CorpusStore, RunInfo, StoredArticle
from translate.errors import UsageError

#: Attaches ``sentence.translations[lang]`` for each of ``langs`` to an article's sentences.
MtFn = Callable[[Article, list[str]], None]
MtFactory = Callable[[], MtFn]

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


def engine_translator(plan: Any, progress: Any = None) -> MtFactory:
    """A translator over the translate pipeline; the models load when it is first needed."""

    def factory() -> MtFn:
        from translate.pipeline import load_engines, translate_articles

        engines = load_engines(plan)

        def mt(article: Article, langs: list[str]) -> None:
            if sorted(langs) != sorted(plan.targets):
                raise UsageError(f"the plan translates into {plan.targets}, not {langs}")
            translate_articles([article], plan, engines, progress=progress, checks=False)

        return mt

    return factory


def add_article(store: CorpusStore, ar_text: str, refs: dict[str, str], *, key: str,
                plan: Any, translator: MtFactory, method: str = "auto",
                aligner_options: dict[str, Any] | None = None) -> AddResult:
    """Add one article with its reference translations to ``store`` (one transaction).

    ``refs`` maps a language to the text of the published translation. ``plan`` (from
    ``translate.pipeline.make_plan``) names the models; it must translate into every language
    of ``refs``. Returns what happened: ``added``, ``new-version`` or ``unchanged``.
    """
    from translate.align import get_aligner
    from translate.segment import segment_text

    if not refs:
        raise UsageError("at least one reference is needed (--ref LANG=FILE)")
    if SOURCE_LANG in refs:
        raise UsageError(f"--ref {SOURCE_LANG}: the article itself is the {SOURCE_LANG} side")
    models = {f"{s}-{t}": spec for (s, t), spec in sorted(plan.models.items())}
    digest = content_hash(ar_text, refs, models=models, method=method, backend=plan.backend)
    existing = store.find_hash(digest)
    if existing is not None:
        return store.add_article_unchanged(existing)
    aligner = get_aligner(method, **(aligner_options or {}))
    ar = segment_text(ar_text, source=key)
    ref_articles = {lang: segment_text(text, source=f"{key}#{lang}")
                    for lang, text in refs.items()}
    for lang, art in [(SOURCE_LANG, ar), *ref_articles.items()]:
        art.lang = lang
        if not art.sentences():
            raise UsageError(f"the {lang} text has no sentences to align")
    langs = list(refs)
    translator()(ar, langs)
    scorer = Scorer()
    units = build_units(ar, ref_articles, aligner, scorer=scorer)
    pages = {SOURCE_LANG: ar, **ref_articles}
    meta = {k: v for k, v in ar.meta.items() if k not in ("timings", "translated_at")}
    run = RunInfo(
        backend=plan.backend,
        method=method,
        models=models,
        options={
            "decode": plan.options.decoding_key(),
            "metrics": scorer.signatures(),
            "aligner": {"method": method, **(aligner_options or {}),
                        "missing": list(getattr(aligner, "missing", []))},
            "translated": meta,
        },
    )
    stored = StoredArticle(
        key=key,
        content_hash=digest,
        languages=[SOURCE_LANG, *langs],
        offered={lang: a.languages for lang, a in pages.items()},
        segments=segment_rows(pages),
        units=units,
        run=run,
    )
    return store.add_article(stored)
