"""Renderers turn a translated Article into text, markdown, JSON or a self-contained HTML page.

Contract: ``Renderer.render(article, langs) -> dict[str, str]``. Per-language formats (text,
markdown) return one document per language keyed by language; the others return one document
keyed by ``"all"``. Block roles drive the structure (a heading stays a heading; chrome is dropped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from translate.registry import lookup

if TYPE_CHECKING:
    from translate.render.base import Renderer

RENDERERS: dict[str, str] = {
    "text": "translate.render.plain:TextRenderer",
    "markdown": "translate.render.plain:MarkdownRenderer",
    "json": "translate.render.json_out:JsonRenderer",
    "html": "translate.render.html:HtmlRenderer",
}


def get_renderer(name: str) -> Renderer:
    return lookup(RENDERERS, name, "format")()  # type: ignore[no-any-return]
