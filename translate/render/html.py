"""A self-contained trilingual page: the Arabic original and its translations, Ar | En | Ru.

One file, no network: the stylesheet (``html_page.css``) and the little script
(``html_page.js``) are package data inlined into the page. Without JavaScript every language is
shown one after the other; with it, one view at a time, chosen by the URL fragment (``#ar``,
``#en``, ``#ru``, or ``#aligned`` for the editor's side-by-side view, see ``sidebyside``) so a
link opens in that view. Every piece of article text goes through ``html.escape``; the script
carries no data, so nothing from the article ever reaches a script context.

The switcher is a ``<nav>`` of ordinary links with ``aria-current``, not an ARIA tablist: each
choice is an address (``#ru``) that can be shared, bookmarked and followed without the script,
which is what links are for; Tab reaches them and Enter follows them as on any site.

``render_page`` is the entry point for other commands (``tarjama corpus export --format html``):
it takes an optional alignment with reference translations (``translate.corpus.model``, or its
JSON form documented in ``sidebyside``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from translate.article import Article, Block, Role
from translate.corpus.model import Alignment
from translate.errors import UsageError
from translate.render.base import Renderer
from translate.render.sidebyside import NAMES, parse_alignment, render_aligned

LABELS = {"ar": "Ar", "en": "En", "ru": "Ru"}
RTL = {"ar", "fa", "he", "ur"}
TAGS = {Role.TITLE: ("h1", ""), Role.HEADING: ("h2", ""), Role.DATELINE: ("p", "dateline"),
        Role.LIST_ITEM: ("li", ""), Role.CREDIT: ("p", "credit")}
LANGUAGE_NAMES_EN = {"ar": "Arabic", "en": "English", "ru": "Russian"}


@cache
def _asset(name: str) -> str:
    return resources.files("translate.render").joinpath(name).read_text(encoding="utf-8")


def render_page(article: Article, langs: Sequence[str], *, alignment: Any = None,
                references: Mapping[str, Sequence[str]] | None = None) -> str:
    """The whole page as one string.

    ``langs``: target languages to show after the Arabic (e.g. ``["en", "ru"]``).
    ``alignment``: units tying Arabic sentence ids to reference texts, with scores: an
    ``Alignment`` (translate.corpus.model) or its JSON form (documented in
    ``translate.render.sidebyside``); ``article.alignment`` is used when none is given.
    ``references``: per-language reference sentences that JSON units may name by index instead
    of repeating the text.
    """
    shown = ["ar", *[lang for lang in langs if lang != "ar"]]
    if alignment is None:
        alignment = article.alignment
    elif not isinstance(alignment, Alignment):
        alignment = parse_alignment(alignment, shown, references)
    if references and alignment is None:
        raise UsageError("references need an alignment saying which Arabic sentences each "
                         "reference sentence translates")
    title = next((b.text for b in article.blocks if b.role is Role.TITLE), article.source)
    nav = '<span class="sep" aria-hidden="true">|</span>'.join(
        f'<a href="#{lang}" data-lang="{lang}" lang="{lang}" hreflang="{lang}" '
        f'title="{escape(NAMES.get(lang, lang))}">{escape(LABELS.get(lang, lang.title()))}</a>'
        for lang in shown
    )
    body = "\n".join(_article(article, lang) for lang in shown)
    aligned = render_aligned(article, shown, alignment)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="ar" data-langs="{" ".join(shown)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Every load and request is refused: the page is whole in itself, and an injected
        # inline handler could not run even if escaping were ever bypassed.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src 'unsafe-inline'; script-src {_script_hashes()}; img-src data:\">\n"
        '<meta name="generator" content="tarjama">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_asset('html_page.css')}</style>\n"
        f"<script>{_HEAD_JS}</script>\n"
        "</head>\n<body>\n"
        '<header class="bar"><div class="inner">\n'
        '<span class="brand" lang="en">tarjama</span>\n'
        f'<nav class="switcher" aria-label="Language / اللغة / Язык">{nav}</nav>\n'
        '<a class="view" href="#aligned" lang="en" aria-current="false">Side by side</a>\n'
        "</div></header>\n"
        f"<main>\n{body}\n{aligned}\n</main>\n{_footer(article, shown, alignment)}\n"
        f"<script>{_asset('html_page.js')}</script>\n</body>\n</html>\n"
    )


# Runs before the body is parsed, so the CSS for the one-view layout applies from the first
# paint; the main script at the end of the body then picks the view.
_HEAD_JS = "document.documentElement.classList.add('js');"


@cache
def _script_hashes() -> str:
    """The CSP source list allowing exactly our two inline scripts."""
    import base64
    import hashlib

    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in (_HEAD_JS, _asset("html_page.js"))
    )


class HtmlRenderer(Renderer):
    name = "html"
    extension = "html"
    per_language = False

    def render(self, article: Article, langs: list[str]) -> dict[str, str]:
        return {"all": render_page(article, langs)}


def _article(article: Article, lang: str) -> str:
    d = "rtl" if lang in RTL else "ltr"
    parts: list[str] = [f'<p class="langname">{escape(NAMES.get(lang, lang))}</p>']
    in_list = False
    for b in article.translatable_blocks:
        if b.role is Role.LIST_ITEM and not in_list:
            parts.append('<ul class="items">')
        elif b.role is not Role.LIST_ITEM and in_list:
            parts.append("</ul>")
        in_list = b.role is Role.LIST_ITEM
        parts.append(_block(b, lang))
    if in_list:
        parts.append("</ul>")
    inner = "\n".join(parts)
    return f'<article class="lang" id="{lang}" lang="{lang}" dir="{d}">\n{inner}\n</article>'


def _block(b: Block, lang: str) -> str:
    tag, cls = TAGS.get(b.role, ("p", ""))
    attr = f' class="{cls}"' if cls else ""
    return f'<{tag}{attr} data-block="{escape(b.id)}">{_segments(b, lang)}</{tag}>'


def _segments(b: Block, lang: str) -> str:
    spans = []
    for s in b.sentences:
        if lang == "ar":
            text, cls = s.text, "seg"
        else:
            t = s.translations.get(lang)
            if t is None:
                continue
            if t.error is not None:
                text, cls = f"[untranslated {s.id}: {t.error}]", "seg error"
            else:
                text, cls = t.text, "seg"
        spans.append(f'<span class="{cls}" data-seg="{escape(s.id)}">{escape(text)}</span>')
    return " ".join(spans)


def _footer(article: Article, shown: Sequence[str], alignment: Alignment | None) -> str:
    record = article.run
    lines: list[str] = []
    if record is not None and record.models:
        named = "; ".join(f"{escape(k)} <code>{escape(v)}</code>"
                          for k, v in record.models.items())
        run = f"Translated from Arabic by tarjama with {named}"
        details = []
        if record.backend:
            details.append("backend " + escape(", ".join(record.backend)))
        if record.beam is not None:
            details.append(f"beam {record.beam}")
        if record.via:
            details.append(f"via {escape(record.via)}")
        if details:
            run += " (" + ", ".join(details) + ")"
        if record.translated_at:
            run += f" on {escape(_when(record.translated_at))}"
        lines.append(f'<p class="models">{run}.</p>')
    else:
        lines.append('<p class="models">Not machine-translated: no model named in the '
                     "article's metadata.</p>")
    if record is not None and record.note:
        lines.append(f'<p class="note">{escape(record.note)}</p>')
    qa = _qa_summary(article, shown)
    if qa:
        lines.append(f'<p class="qa">{qa}</p>')
    if alignment is not None:
        lines.append('<p class="refs">References are shown in the side-by-side view with the '
                     "sentence BLEU and chrF of the machine translation against them.</p>")
    if article.source and article.source != "-":
        lines.append(f'<p class="source">Source: {escape(article.source)}</p>')
    return '<footer class="run" lang="en">\n' + "\n".join(lines) + "\n</footer>"


def _when(stamp: str) -> str:
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if t.utcoffset() == _dt.timedelta(0):
        return t.strftime("%Y-%m-%d %H:%M UTC")
    return t.isoformat(sep=" ", timespec="minutes")


def _qa_summary(article: Article, shown: Sequence[str]) -> str:
    parts = []
    for lang in shown:
        if lang == "ar":
            continue
        ts = [s.translations[lang] for s in article.sentences() if lang in s.translations]
        if not ts:
            continue
        flagged = sum(1 for t in ts if t.flags or t.error is not None or t.hit_limit)
        name = LANGUAGE_NAMES_EN.get(lang, lang)
        parts.append(f"{name}: {flagged} of {len(ts)} segment{'s' if len(ts) != 1 else ''} "
                     "flagged")
    if not parts:
        return ""
    return ("Quality checks — " + escape("; ".join(parts))
            + ' (badges in the <a href="#aligned">side-by-side view</a>).')
