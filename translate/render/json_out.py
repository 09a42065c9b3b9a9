"""JSON: the whole article with every block's source and translations, and the run's metadata."""

from __future__ import annotations

import json

from translate.article import Article
from translate.render.base import Renderer


class JsonRenderer(Renderer):
    name = "json"
    extension = "json"
    per_language = False

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        data = article.to_dict()
        data["languages"] = list(langs)
        for block, out in zip(article.blocks, data["blocks"], strict=True):
            out["source"] = block.text
            if block.translatable:
                out["translations"] = {lang: block.translation(lang) for lang in langs}
        return {"all": json.dumps(data, ensure_ascii=False, indent=2) + "\n"}
