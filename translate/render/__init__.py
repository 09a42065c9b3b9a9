"""Renderers turn a translated Article into text, markdown, JSON or a self-contained HTML page.

Contract: ``Renderer.render(article, langs) -> dict[str, str]``. Per-language formats (text,
markdown) return one document per language keyed by language; the others return one document
keyed by ``"all"``. Block roles drive the structure (a heading stays a heading; chrome is dropped).
``LINE_RENDERERS`` are the formats of ``translate --lines``: one output line per input line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from translate.registry import lookup_class

if TYPE_CHECKING:
    from translate.render.base import Renderer

RENDERERS: dict[str, str] = {
    "text": "translate.render.plain:TextRenderer",
    "markdown": "translate.render.plain:MarkdownRenderer",
    "json": "translate.render.json_out:JsonRenderer",
    "html": "translate.render.html:HtmlRenderer",
}

LINE_RENDERERS: dict[str, str] = {
    "text": "translate.render.lines:LinesTextRenderer",
    "json": "translate.render.lines:LinesJsonRenderer",
}


def get_renderer(name: str, *, lines: bool = False) -> Renderer:
    if lines and name not in LINE_RENDERERS:
        from translate.errors import UsageError

        raise UsageError(f"--lines writes {' or '.join(LINE_RENDERERS)}, not --format {name}")
    from translate.render.base import Renderer

    registry = LINE_RENDERERS if lines else RENDERERS
    return lookup_class(registry, name, "format", Renderer)()
