"""One stored article as the trilingual reading page, with its references aligned beside it.

`tarjama corpus export --format html --article SOURCE` rebuilds the Arabic article from the
store (blocks, roles, sentence ids), attaches each unit's machine translation to the unit's
first Arabic sentence (so the En/Ru views read as the MT, unit by unit), runs the QA checks on
it, and hands the units — Arabic sentence ids, the published reference text, alignment score
and the MT's sentence BLEU/chrF — to the page's side-by-side view.
"""

from __future__ import annotations

import json
from typing import Any

from translate.article import Article, Block, Role, Sentence, Translation
from translate.checks import run_checks
from translate.corpus.store import CorpusStore
from translate.errors import UsageError


def find_article(store: CorpusStore, wanted: str | None) -> Any:
    """The latest version of the article whose source is (or ends with) ``wanted``."""
    rows = store.articles()
    if wanted is None:
        if len(rows) != 1:
            raise UsageError(f"the corpus holds {len(rows)} articles; pick one with --article "
                             "SOURCE (see `tarjama corpus stats`)")
        return rows[0]
    hits = [r for r in rows if r["source"] == wanted or r["source"].endswith(wanted)]
    if len(hits) != 1:
        found = "no article" if not hits else f"{len(hits)} articles"
        raise UsageError(f"--article {wanted!r} matches {found} in the corpus")
    return hits[0]


def article_page(store: CorpusStore, wanted: str | None = None) -> str:
    from translate.render.html import render_page

    row = find_article(store, wanted)
    article = _arabic_article(store, row)
    by_id = {s.id: s for s in article.sentences()}
    langs = [lang for lang in json.loads(row["languages"]) if lang != "ar"]
    units = []
    for u in (x for x in store.units() if x["article"] == row["source"]
              and x["version"] == row["version"]):
        ar = u["sides"].get("ar")
        unit: dict[str, Any] = {"id": u["id"], "ar": list(ar.segment_ids) if ar else [],
                                "scores": {}}
        for lang in langs:
            side = u["sides"].get(lang)
            unit[lang] = [side.text] if side else []
            score = u["pairs"].get(f"ar-{lang}")
            if score is None:
                continue
            unit["scores"][lang] = {k: v for k, v in (("align", score.align_score),
                                                      ("bleu", score.bleu),
                                                      ("chrf", score.chrf)) if v is not None}
            if ar and score.mt is not None:
                first = by_id[ar.segment_ids[0]]
                first.translations[lang] = Translation(
                    score.mt, flags=run_checks(ar.text, score.mt, lang))
        units.append(unit)
    for s in by_id.values():  # sentences whose MT sits on their unit's first sentence
        for lang in langs:
            s.translations.setdefault(lang, Translation(""))
    run = store.run(row["run_id"])
    article.meta.update({
        "models": json.loads(run["models"]), "backend": [run["backend"]],
        "translated_at": row["added_at"],
        "note": f"Corpus article version {row['version']}; alignment method {run['method']}.",
    })
    return render_page(article, langs, alignment={"method": run["method"], "units": units})


def _arabic_article(store: CorpusStore, row: Any) -> Article:
    blocks: dict[str, Block] = {}
    for seg in store.segments(row["id"], "ar"):
        block = blocks.setdefault(seg["block_id"], Block(seg["block_id"], Role(seg["role"]), ""))
        block.sentences.append(Sentence(seg["sentence_id"], seg["text"]))
    offered = json.loads(row["offered"]).get("ar", [])
    for b in blocks.values():
        b.text = " ".join(s.text for s in b.sentences)
        if b.role is Role.CHROME:  # the page's own switcher: recorded, never rendered
            b.languages, b.sentences = list(offered), []
    return Article(list(blocks.values()), source=row["source"])
