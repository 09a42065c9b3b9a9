"""One stored article as the trilingual reading page, with its references aligned beside it.

`tarjama corpus export --format html --article SOURCE` reads one article version from the store
(its segments and its units, nothing else of the corpus), rebuilds the Arabic article (blocks,
roles, sentence ids), attaches each unit's stored machine translation and the QA flags stored
with it to the unit's first Arabic sentence (so the En/Ru views read as the MT, unit by unit),
and hands the units themselves (``translate.corpus.model``) to the page's side-by-side view.
"""

from __future__ import annotations

import json
import sqlite3

from translate.article import Article, Block, Role, RunRecord, Sentence, Translation
from translate.corpus.model import SOURCE_LANG, Alignment
from translate.corpus.store import CorpusStore
from translate.errors import UsageError


def find_article(store: CorpusStore, wanted: str | None) -> sqlite3.Row:
    """The latest version of the article whose source is (or ends with) ``wanted``."""
    rows = store.articles()
    if wanted is None:
        if len(rows) != 1:
            raise UsageError(f"the corpus holds {len(rows)} articles; pick one with --article "
                             "SOURCE (`tarjama corpus list` lists them)")
        return rows[0]
    hits = [r for r in rows if r["source"] == wanted or r["source"].endswith(wanted)]
    if len(hits) != 1:
        found = "no article" if not hits else f"{len(hits)} articles"
        raise UsageError(f"--article {wanted!r} matches {found} in the corpus "
                         "(`tarjama corpus list` lists them)")
    return hits[0]


def article_page(store: CorpusStore, wanted: str | None = None) -> tuple[str, str]:
    """(the article's source, the page)."""
    from translate.render.html import render_page

    row = find_article(store, wanted)
    article = _arabic_article(store, row)
    by_id = {s.id: s for s in article.sentences()}
    langs = [lang for lang in json.loads(row["languages"]) if lang != SOURCE_LANG]
    units = list(store.units(article_id=row["id"]))
    for u in units:
        ar = u.sides.get(SOURCE_LANG)
        for lang in langs:
            pair = u.pairs.get(f"{SOURCE_LANG}-{lang}")
            if ar and pair is not None and pair.mt is not None:
                by_id[ar.segment_ids[0]].translations[lang] = Translation(
                    pair.mt, flags=list(pair.flags))
    for s in by_id.values():  # sentences whose MT sits on their unit's first sentence
        for lang in langs:
            s.translations.setdefault(lang, Translation(""))
    run = store.run(row["run_id"])
    article.run = RunRecord(
        models=json.loads(run["models"]), backend=[run["backend"]],
        translated_at=row["added_at"],
        note=f"Corpus article version {row['version']}; alignment method {run['method']}; "
             "align: the probability that a unit's alignment is right.")
    article.alignment = Alignment(units, run["method"])
    return row["source"], render_page(article, langs)


def _arabic_article(store: CorpusStore, row: sqlite3.Row) -> Article:
    blocks: dict[str, Block] = {}
    for seg in store.segments(row["id"], SOURCE_LANG):
        block = blocks.setdefault(seg["block_id"], Block(seg["block_id"], Role(seg["role"]), ""))
        block.sentences.append(Sentence(seg["sentence_id"], seg["text"]))
    offered = json.loads(row["offered"]).get(SOURCE_LANG, [])
    for b in blocks.values():
        b.text = " ".join(s.text for s in b.sentences)
        if b.role is Role.CHROME:  # the page's own switcher: recorded, never rendered
            b.languages, b.sentences = list(offered), []
    return Article(list(blocks.values()), source=row["source"])
