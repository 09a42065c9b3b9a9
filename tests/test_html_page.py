"""The trilingual page as HTML text: structure, escaping, footer, side-by-side units.

The browser tests (test_browser.py) build their pages with ``sample_article`` from here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from translate.article import Article, Flag, RunRecord, Translation
from translate.errors import UsageError
from translate.render import get_renderer
from translate.render.html import render_page
from translate.render.sidebyside import parse_alignment
from translate.segment import segment_text

SOURCE = """Ru En

وزير الخارجية يزور موسكو

٠٣ أبريل

قال الوزير إن المحادثات ستستأنف. وصل الوفد إلى موسكو مساء الخميس.

محاور النقاش:

التعاون الأمني؛

التجارة؛

المصدر: تاس"""

EN = {
    "p2.s1": "The foreign minister visits Moscow",
    "p3.s1": "03 April",
    "p4.s1": "The minister said the talks would resume.",
    "p4.s2": "The delegation arrived in Moscow on Thursday evening.",
    "p5.s1": "Topics of discussion:",
    "p6.s1": "Security cooperation;",
    "p7.s1": "Trade;",
    "p8.s1": "Source: TASS",
}
RU = {
    "p2.s1": "Министр иностранных дел посещает Москву",
    "p3.s1": "03 апреля",
    "p4.s1": "Министр заявил, что переговоры возобновятся.",
    "p4.s2": "Делегация прибыла в Москву в четверг вечером.",
    "p5.s1": "Темы обсуждения:",
    "p6.s1": "Сотрудничество в сфере безопасности;",
    "p7.s1": "Торговля;",
    "p8.s1": "Источник: ТАСС",
}
XSS = ('<script>window.pwned = 1; document.title = "pwned"</script>'
       '<img src=x onerror="window.pwned=2">')


def sample_article(*, evil: bool = False) -> Article:
    """A segmented Arabic article with hand-set translations, QA flags and run metadata."""
    art = segment_text(SOURCE, source="sample.ar.txt")
    for s in art.sentences():
        s.translations["en"] = Translation(EN[s.id])
        s.translations["ru"] = Translation(RU[s.id])
    sentences = {s.id: s for s in art.sentences()}
    sentences["p4.s2"].translations["en"].flags = [
        Flag("numbers", "missing from the translation: 5"),
        Flag("repetition", "“Moscow Moscow” repeats", "error"),
    ]
    sentences["p7.s1"].translations["ru"] = Translation("", error="decoder crashed")
    if evil:
        sentences["p4.s1"].text += " " + XSS
        sentences["p4.s1"].translations["en"].text += ' "onmouseover="window.pwned=3" ' + XSS
        sentences["p2.s1"].translations["ru"].text += XSS
    art.run = RunRecord(models={"ar-en": "fixtures/ar-en", "ar-ru": "fixtures/ar-ru"},
                        backend=["transformers"], beam=4,
                        translated_at="2026-11-03T10:12:00+00:00",
                        note="Fixture models: not real translations.")
    return art


def alignment() -> dict:
    return {"method": "auto", "units": [
        {"id": "u1", "ar": ["p2.s1"], "en": ["The Foreign Minister visits Moscow"], "ru": [0],
         "scores": {"en": {"bleu": 75.0, "chrf": 88.5, "align": 0.97}}},
        {"id": "u2", "ar": ["p4"], "en": ["Talks will resume, the minister said; the "
                                          "delegation arrived on Thursday."], "ru": [1, 2],
         "scores": {"en": {"bleu": 12.3, "chrf": 40.1}, "ru": {"chrf": 66.0}}},
        {"id": "u3", "ar": [], "en": ["An extra sentence only the reference has."], "ru": []},
    ]}


REFS = {"ru": ["Министр иностранных дел посещает Москву", "Министр заявил.", "Делегация прибыла."]}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict]]:
    p = _Tags()
    p.feed(page)
    return p.tags


@pytest.fixture(scope="module")
def page() -> str:
    return render_page(sample_article(), ["en", "ru"])


def test_renderer_registry_gives_the_page():
    art = sample_article()
    assert get_renderer("html").render(art, ["en", "ru"]) == {"all": render_page(art, ["en", "ru"])}


@pytest.mark.parametrize("lang, direction, text", [
    ("ar", "rtl", "وصل الوفد إلى موسكو مساء الخميس."),
    ("en", "ltr", "The delegation arrived in Moscow on Thursday evening."),
    ("ru", "ltr", "Делегация прибыла в Москву в четверг вечером."),
], ids=["ar", "en", "ru"])
def test_each_language_is_an_article_with_direction(page, lang, direction, text):
    m = re.search(f'<article class="lang" id="{lang}" lang="{lang}" dir="{direction}">'
                  r"(.*?)</article>", page, re.S)
    assert m, f"no {lang} article"
    assert text in m.group(1)


@pytest.mark.parametrize("role, tag, lang, text", [
    ("title", "h1", "ru", "Министр иностранных дел посещает Москву"),
    ("dateline", 'p class="dateline"', "ar", "٠٣ أبريل"),
    ("heading", "h2", "en", "Topics of discussion:"),
    ("list", 'ul class="items"', "ru", "Сотрудничество в сфере безопасности;"),
    ("credit", 'p class="credit"', "en", "Source: TASS"),
], ids=["title", "dateline", "heading", "list", "credit"])
def test_roles_render_as_structure(page, role, tag, lang, text):
    art = page.split(f'id="{lang}" lang="{lang}"')[1].split("</article>")[0]
    assert f"<{tag}" in art
    start = art.index(f"<{tag}")
    assert text in art[start:], f"{role}: {text!r} not after <{tag}>"


def test_chrome_is_dropped(page):
    assert "Ru En" not in page


def test_self_contained(page):
    for t, attrs in tags(page):
        assert not attrs.get("src"), f"<{t}> loads {attrs['src']}"
        assert t != "link", "external stylesheet"
    assert "http" not in page.split("<body>")[1]
    assert "default-src 'none'" in page  # the CSP refuses any load


def test_untranslated_segment_is_marked(page):
    assert "[untranslated p7.s1: decoder crashed]" in page


@pytest.mark.parametrize("needle", [
    "fixtures/ar-en", "fixtures/ar-ru", "backend transformers", "beam 4",
    "2026-11-03 10:12 UTC", "Fixture models: not real translations.",
    "English: 1 of 8 segments flagged", "Russian: 1 of 8 segments flagged",
], ids=["model-en", "model-ru", "backend", "beam", "date", "note", "qa-en", "qa-ru"])
def test_footer_names_the_run(page, needle):
    footer = page.split('<footer class="run"')[1].split("</footer>")[0]
    assert needle in footer


def test_footer_without_models_says_so():
    art = segment_text(SOURCE)
    assert "Not machine-translated" in render_page(art, ["en"])


@pytest.mark.parametrize("evil", [
    "<script>window.pwned", '<img src=x onerror="', '"onmouseover="window.pwned=3"',
], ids=["script", "img-onerror", "attribute-breakout"])
def test_article_text_is_escaped(evil):
    page = render_page(sample_article(evil=True), ["en", "ru"])
    body = page.split("<body>")[1]
    assert evil not in body
    assert [t for t, _ in tags(page)].count("script") == 2  # ours: head and end of body
    assert not any(k.startswith("on") for _, attrs in tags(page) for k in attrs)
    assert "&lt;script&gt;window.pwned = 1" in body


def test_mt_only_side_by_side_units_are_sentences(page):
    section = page.split('<section class="aligned" id="aligned"')[1].split("</section>")[0]
    units = re.findall(r'data-unit="([^"]+)"', section)
    assert units.count("p4.s2") == 3  # Arabic, English, Russian
    assert set(units) == set(EN)
    assert 'data-check="numbers"' in section and 'data-check="repetition"' in section
    assert 'class="badge error" data-check="error" title="decoder crashed"' in section


def test_alignment_with_references_groups_and_scores():
    page = render_page(sample_article(), ["en", "ru"], alignment=alignment(), references=REFS)
    section = page.split('<section class="aligned" id="aligned"')[1].split("</section>")[0]
    units = re.findall(r'data-unit="([^"]+)"', section)
    assert units.count("u2") == 3
    assert "ar:p3.s1" in units  # a sentence no unit names keeps its own row
    assert "Министр заявил. Делегация прибыла." in section  # indices resolved
    assert "BLEU 12.3" in section and "chrF 40.1" in section and "chrF 66.0" in section
    assert "An extra sentence only the reference has." in section
    assert section.index("u2") < section.index("u3")  # the 0-1 unit stays after its neighbour
    assert "by auto" in section


def test_alignment_of_the_article_is_used():
    art = sample_article()
    units = alignment()["units"]
    units[0]["ru"] = ["Министр посещает Москву"]
    units[1]["ru"] = []
    art.alignment = parse_alignment(units, ["ar", "en", "ru"])
    assert 'data-unit="u1"' in render_page(art, ["en", "ru"])


@pytest.mark.parametrize("bad, message", [
    ({"units": [{"ar": ["p99.s1"]}]}, "no Arabic sentence or block 'p99.s1'"),
    ([{"id": "a", "ar": ["p2.s1"]}, {"id": "a", "ar": []}], "duplicate id"),
    ([{"ar": ["p2.s1"]}, {"ar": ["p2"]}], "already in unit 'u1'"),
    ([{"ar": ["p2.s1"], "en": [5]}], "index into the 0 en reference"),
    ([{"ar": ["p2.s1"], "scores": {"en": {"meteor": 3}}}], "keys among"),
    ("units", "must be a list of units"),
], ids=["unknown-id", "duplicate-unit", "sentence-twice", "bad-index", "bad-score", "not-list"])
def test_bad_alignment_is_a_usage_error(bad, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        render_page(sample_article(), ["en", "ru"], alignment=bad)


def test_references_without_alignment_are_refused():
    with pytest.raises(UsageError, match="need an alignment"):
        render_page(sample_article(), ["en"], references=REFS)


def test_one_target_language_shows_two_articles():
    page = render_page(sample_article(), ["ru"])
    assert 'data-langs="ar ru"' in page
    assert 'id="en" lang="en"' not in page and 'href="#en"' not in page
