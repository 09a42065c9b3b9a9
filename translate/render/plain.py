"""Plain text and markdown: one document per language, keeping the article's structure."""

from __future__ import annotations

from translate.article import Article, Block, Role
from translate.render.base import Renderer


def _block_text(block: Block, lang: str) -> str:
    # The source language shows the source; a target shows its translation (with error markers).
    return block.text if lang == "ar" else block.translation(lang)


class TextRenderer(Renderer):
    name = "text"
    extension = "txt"
    per_language = True

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        return {lang: self.render_one(article, lang) for lang in langs}

    def render_one(self, article: Article, lang: str) -> str:
        out: list[str] = []
        for b in article.translatable_blocks:
            text = _block_text(b, lang)
            out.append(f"- {text}" if b.role is Role.LIST_ITEM else text)
        return _join(article, out)


class MarkdownRenderer(Renderer):
    name = "markdown"
    extension = "md"
    per_language = True

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        return {lang: self.render_one(article, lang) for lang in langs}

    def render_one(self, article: Article, lang: str) -> str:
        out = []
        for b in article.translatable_blocks:
            text = _escape_md(_block_text(b, lang))
            out.append({
                Role.TITLE: f"# {text}",
                Role.HEADING: f"## {text}",
                Role.DATELINE: f"*{text}*",
                Role.LIST_ITEM: f"- {text}",
                Role.CREDIT: f"_{text}_",
            }.get(b.role, text))
        return _join(article, out)


def _join(article: Article, lines: list[str]) -> str:
    # Consecutive list items form one list: no blank line between them.
    blocks = article.translatable_blocks
    parts: list[str] = []
    for i, line in enumerate(lines):
        if i and not (blocks[i].role is Role.LIST_ITEM and blocks[i - 1].role is Role.LIST_ITEM):
            parts.append("")
        parts.append(line)
    return "\n".join(parts) + "\n"


def _escape_md(text: str) -> str:
    # A line starting with a markdown marker would change the structure; escape it.
    if text[:1] in "#*-+>|" or text[:2].rstrip(".").isdigit():
        return "\\" + text
    return text
