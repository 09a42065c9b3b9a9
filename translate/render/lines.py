"""``translate --lines``: exactly one line out for every line in, whatever happened to it.

A blank line stays blank. A line that failed to translate is an empty line (the run reports
it on stderr, and ``--strict`` makes it fatal): an in-band marker would be scored by ``tarjama
score`` and stored as a translation by whatever reads the file next. A translation never holds
a line break, so the count cannot drift.

With ``--n-best`` or ``--with-scores`` the text format is marian-decoder's n-best list instead:
``ID ||| HYPOTHESIS ||| SCORE`` (the score only with --with-scores), the input line's number
from 0, its hypotheses best first; a blank or failed line is one ``ID ||| `` line.
"""

from __future__ import annotations

import json

from translate.article import Article, Block
from translate.render.base import Renderer


def _line(block: Block, lang: str) -> str:
    t = block.sentences[0].translations.get(lang) if block.sentences else None
    if t is None or t.error is not None:
        return ""
    return " ".join(t.text.split())  # no \n, \r, U+2028 ... inside a line


def _nbest_lines(n: int, block: Block, lang: str) -> str:
    t = block.sentences[0].translations.get(lang) if block.sentences else None
    if t is None or t.error is not None or not t.nbest:
        return f"{n} ||| \n"
    return "".join(f"{n} ||| {' '.join(c.text.split())}"
                   + ("" if c.score is None else f" ||| {c.score:.6f}") + "\n" for c in t.nbest)


class LinesTextRenderer(Renderer):
    name = "text"
    extension = ""  # DIR/NAME.en: test-set files carry the language as their suffix
    per_language = True

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        return {lang: "".join(_nbest_lines(n, b, lang) for n, b in enumerate(article.blocks))
                if _has_nbest(article, lang) else
                "".join(f"{_line(b, lang)}\n" for b in article.blocks) for lang in langs}


def _has_nbest(article: Article, lang: str) -> bool:
    return any(t.nbest for s in article.sentences()
               if (t := s.translations.get(lang)) is not None)


class LinesJsonRenderer(Renderer):
    """JSON Lines: one object a line, ``{"line": N, "text": ..., "translations": {...}}``, the
    translations as in the article JSON (text, flags, error, hit_limit)."""

    name = "json"
    extension = "jsonl"
    per_language = False

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        rows = []
        for n, b in enumerate(article.blocks, start=1):
            s = b.sentences[0] if b.sentences else None
            tr = {lang: s.translations[lang].to_dict() for lang in langs
                  if s is not None and lang in s.translations}
            rows.append(json.dumps({"line": n, "text": b.text, "translations": tr},
                                   ensure_ascii=False) + "\n")
        return {"all": "".join(rows)}
