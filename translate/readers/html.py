"""A saved news page to Markdown-flavoured text: the article, without the site around it.

Library: lxml (``lxml.html``: libxml2's forgiving HTML parser), walked by our own small
extractor. Measured on tests/data/inputs/news-page.ar.html, a realistic saved page:

- trafilatura 2.3 (markdown output) kept the body paragraphs, headings and list well, but lost
  the title (<h1>), the dateline (<time>) and the photo caption (<figcaption>, even with
  ``include_images``), kept the comment section's heading, could not report the language
  switcher (it drops navigation, rightly, so the links need a second pass anyway), and pulls in
  twelve packages (dateparser, babel, justext, courlan, htmldate, lxml_html_clean, ...) and
  half a second of imports. Its strength, boilerplate scoring over arbitrary sites, matters less
  for a saved article page where <article>/<main> mark the content.
- selectolax (lexbor) is an HTML5-exact, fast parser, but it would be a new compiled dependency
  for what lxml, already required by sacrebleu, does here.
- lxml + the rules below: all 19 expected blocks, no leaked furniture; one dependency that is
  already installed, maintained (lxml 6), linear on big pages (the walk is iterative, so deep
  nesting cannot hit Python's recursion limit).

Rules: page furniture (script, style, nav, forms, site header/footer, aside, hidden elements,
and elements whose class/id names them: cookie, share, related, comments, ads ...) is removed;
the content root is the largest <article>, else <main>, else the element holding the most
paragraph text. Headings become ``#``/``##``, list items ``- ``, <time> and <figcaption> their
own blocks (a credit inside a caption, "... الصورة: X", a block of its own), <br> a block
break. Only text nodes are read: attributes (``onclick=``, ``href="javascript:"``) and scripts
never reach the output, and nothing is fetched or executed.
Language switcher links ("Ru", "En", "Русский", "English", or <a hreflang>) and
<link rel=alternate hreflang> become one chrome line such as "Ru En".
"""

from __future__ import annotations

import re
from typing import Any

from translate.errors import InputError

_DROP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "form", "button", "input", "select", "textarea", "label", "nav", "aside",
    "dialog", "audio", "video", "source", "track", "map", "head",
}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog",
               "alertdialog", "menu", "menubar"}
_JUNK_WORDS = {
    "cookie", "cookies", "consent", "share", "sharing", "social", "related", "recommended",
    "comment", "comments", "breadcrumb", "breadcrumbs", "ad", "ads", "advert", "advertisement",
    "promo", "newsletter", "subscribe", "popup", "modal", "menu", "navbar", "sidebar", "tags",
    "sponsor", "sponsored", "widget", "trending", "outbrain", "taboola", "toolbar",
    "pagination", "pager", "banner", "print", "nav",
}
_PROTECTED = {"html", "body", "main", "article"}
_BLOCK = {
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "li", "figure",
    "figcaption", "table", "thead", "tbody", "tr", "dl", "dt", "dd", "pre", "address", "time",
    "header", "footer", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "center", "details", "summary",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# Link labels of language switchers. Keys are casefolded.
LANGUAGE_LABELS = {
    "ar": "ar", "arabic": "ar", "عربي": "ar", "العربية": "ar", "عربى": "ar", "арабский": "ar",
    "en": "en", "eng": "en", "english": "en", "الإنجليزية": "en", "английский": "en",
    "ru": "ru", "rus": "ru", "русский": "ru", "russian": "ru", "الروسية": "ru", "рус": "ru",
    "fr": "fr", "français": "fr", "francais": "fr", "french": "fr", "الفرنسية": "fr",
    "es": "es", "español": "es", "spanish": "es", "de": "de", "deutsch": "de", "german": "de",
    "tr": "tr", "türkçe": "tr", "turkish": "tr", "fa": "fa", "فارسی": "fa", "persian": "fa",
    "zh": "zh", "中文": "zh", "chinese": "zh",
}
_WORD_SPLIT = re.compile(r"[-_\s]+")
# A credit inside a caption ("... الصورة: وكالة") becomes its own block, so the segmenter sees a
# credit line as it does in text articles.
_CREDIT_IN_CAPTION = re.compile(
    r"(?<=[^\s:])\s+(?=(?:الصورة|صورة|تصوير|المصدر|Photo|Credit|Фото)\s?:)", re.I)
_SITE_SUFFIX = re.compile(r"\s+[|–—\-:]\s+")


def extract(text: str, *, source_lang: str = "ar",
            name: str = "the page") -> tuple[str, dict[str, Any]]:
    """Return the article as Markdown-flavoured text and notes about what was found.

    A page the parser cannot read whole is refused (``InputError``), never returned in part:
    libxml2 stops building the tree at 2048 levels of nesting (3,000 nested <div>s lost two
    of three paragraphs with exit 0 before this check)."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=True)
    try:
        doc = lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):
        doc = None
    limit = next((e.message for e in parser.error_log
                  if e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT), None)
    if limit is not None:
        depth = re.search(r"depth in document: (\d+)", limit)
        why = (f"nests elements more than {depth.group(1)} levels deep, beyond what the HTML "
               "parser reads" if depth else f"hits a limit of the HTML parser ({limit})")
        raise InputError(f"{name}: the HTML {why}; refusing rather than dropping the text past "
                         "that point (a saved news page is never like this)")
    if doc is None:
        return "", {"extractor": "lxml", "blocks": 0}
    page_lang = (doc.get("lang") or doc.get("xml:lang") or source_lang).split("-")[0].lower()
    notes: dict[str, Any] = {"extractor": "lxml"}

    switcher = _switcher(doc, page_lang)
    meta_title = _meta_title(doc)
    body = doc.find("body")
    if body is None:
        body = doc
    removed = _remove_furniture(body)
    notes["removed_elements"] = removed
    root = _content_root(body)
    notes["content_root"] = _describe(root)

    title_el = root.find(".//h1")
    if title_el is None:
        title_el = body.find(".//h1")
        title = _clean(title_el.text_content()) if title_el is not None else meta_title
        if title_el is not None:
            title_el.drop_tree()
        title_first = True
    else:
        title, title_first = "", False

    blocks = _walk(root, etree)
    if title_first and title:
        blocks.insert(0, f"# {title}")
    if not any(b.startswith("# ") for b in blocks[:3]) and meta_title:
        blocks.insert(0, f"# {meta_title}")
    if not root.xpath(".//time") and body.xpath(".//time"):
        dateline = _clean(body.xpath(".//time")[0].text_content())
        if dateline:
            blocks.insert(1 if blocks and blocks[0].startswith("# ") else 0, dateline)
    # a heading repeated right after itself (title in <header> and <h1>) is shown once; repeated
    # paragraphs are the author's and stay
    blocks = [b for i, b in enumerate(blocks)
              if i == 0 or b != blocks[i - 1] or not b.startswith("#")]
    if switcher["languages"] and blocks:
        blocks.insert(0, " ".join(lang.capitalize() for lang in switcher["languages"]))
        notes["switcher"] = switcher
    notes["title"] = next((b[2:] for b in blocks if b.startswith("# ")), "")
    notes["blocks"] = len(blocks)
    return "\n\n".join(blocks) + ("\n" if blocks else ""), notes


def _clean(s: str) -> str:
    # inline whitespace in HTML is insignificant; split() also folds NBSP used as a space
    return " ".join(s.split())


def _describe(el: Any) -> str:
    ident = el.get("id")
    cls = (el.get("class") or "").split()
    return el.tag + (f"#{ident}" if ident else "") + "".join(f".{c}" for c in cls[:2])


def _meta_title(doc: Any) -> str:
    for xp in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content'):
        found = doc.xpath(xp)
        if found and _clean(found[0]):
            return _clean(found[0])
    title = doc.find(".//title")
    if title is None:
        return ""
    parts = _SITE_SUFFIX.split(_clean(title.text_content()))
    return max(parts, key=len) if parts else ""  # "Headline | Site name" -> the headline


def _label_lang(a: Any) -> str | None:
    label = _clean(a.text_content()).casefold()
    lang = LANGUAGE_LABELS.get(label)
    hreflang = (a.get("hreflang") or "").split("-")[0].lower()
    if hreflang and hreflang != "x" and len(label) <= 20:
        return hreflang
    return lang


def _switcher(doc: Any, page_lang: str) -> dict[str, Any]:
    """Languages offered by the page's switcher links, else by its alternate links."""
    links: list[str] = []
    for a in doc.iter("a"):
        lang = _label_lang(a)
        if lang and lang != page_lang and lang not in links:
            links.append(lang)
    alternates: list[str] = []
    for link in doc.xpath('//link[@rel="alternate"][@hreflang]'):
        lang = link.get("hreflang", "").split("-")[0].lower()
        if lang and lang not in ("x", page_lang) and lang not in alternates:
            alternates.append(lang)
    if links:
        return {"languages": links, "from": "links", "alternates": alternates}
    return {"languages": alternates, "from": "alternate" if alternates else None,
            "alternates": alternates}


def _is_hidden(el: Any) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or "display:none" in style or "visibility:hidden" in style)


def _is_junk(el: Any, body_len: int) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _DROP_TAGS or (el.get("role") or "").lower() in _DROP_ROLES or _is_hidden(el):
        return True
    if tag in ("header", "footer") and not _inside(el, "article"):
        return True
    if tag in _PROTECTED:
        return False
    words = set(_WORD_SPLIT.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower()))
    if words & _JUNK_WORDS:
        # a wrapper with an odd class name may hold the whole article: keep big containers
        return len(el.text_content()) < 0.3 * body_len
    return False


def _inside(el: Any, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


def _remove_furniture(body: Any) -> int:
    body_len = max(len(body.text_content()), 1)
    doomed: list[Any] = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if any(d is el or d in el.iterancestors() for d in doomed[-1:]):
            continue  # already inside a removed subtree
        if _is_junk(el, body_len):
            doomed.append(el)
    for el in doomed:
        el.drop_tree()  # keeps the tail text, which belongs to the parent
    return len(doomed)


def _content_root(body: Any) -> Any:
    def text_len(el: Any) -> int:
        return sum(len(p.text_content()) for p in el.iter("p", "li", "h2", "h3"))

    for xp in (".//article", './/*[@itemprop="articleBody"]', ".//main", './/*[@role="main"]'):
        found = body.xpath(xp)
        if found:
            best = max(found, key=text_len)
            if text_len(best) > 0:
                return best
    scores: dict[Any, int] = {}
    for p in body.iter("p"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(p.text_content())
    return max(scores, key=lambda el: scores[el]) if scores else body


def _walk(root: Any, etree: Any) -> list[str]:
    """Block texts in document order, iteratively (deep pages cannot overflow the stack)."""
    blocks: list[str] = []
    buf: list[str] = []
    context: list[str] = []  # open block-level tags
    seen_h1 = [False]

    def prefix() -> str:
        for tag in reversed(context):
            if tag in _HEADINGS:
                if tag == "h1" and not seen_h1[0]:
                    seen_h1[0] = True
                    return "# "
                return "## "
            if tag == "li":
                return "- "
            if tag in ("figcaption", "blockquote", "td", "th"):
                return ""
        return ""

    def flush() -> None:
        text = _clean("".join(buf))
        buf.clear()
        if not text:
            return
        if "figcaption" in context:
            blocks.extend(p for p in _CREDIT_IN_CAPTION.split(text, maxsplit=1) if p)
            return
        blocks.append(prefix() + text)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK or tag == "br":
                flush()
            if tag in _BLOCK:
                context.append(tag)
            elif tag in ("td", "th"):
                buf.append(" ")
            if el.text and tag != "br":
                buf.append(el.text)
        else:
            if tag in _BLOCK:
                flush()
                context.pop()
            if el.tail and el is not root:
                buf.append(el.tail)
    flush()
    return blocks
