"""The trilingual page in a real browser: Debian's Chromium, headless, driven by Playwright.

Never downloads a browser: ``/usr/bin/chromium`` (apt-get install chromium) or the tests skip
with the reason. Pages come from a constructed article (no models) and, once, from
``tarjama translate -f html`` with the fixture models.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HERE = Path(__file__).resolve().parent

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed (pip install playwright)")

_spec = importlib.util.spec_from_file_location("_html_samples", HERE / "test_html_page.py")
samples = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(samples)  # type: ignore[union-attr]

from translate.render.html import render_page  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Opened:
    """A page loaded from a file, with its console errors and any request that left the file."""

    def __init__(self, browser, path: Path, fragment: str = "", **context) -> None:
        self.ctx = browser.new_context(viewport={"width": 1100, "height": 900}, **context)
        self.page = self.ctx.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: r.url.startswith("file:") or self.requests.append(r.url))
        self.page.goto(path.as_uri() + (f"#{fragment}" if fragment else ""))
        self.page.wait_for_load_state("load")

    def visible(self, lang: str) -> bool:
        return self.page.locator(f"article#{lang}").is_visible()


@pytest.fixture
def open_page(browser, tmp_path):
    opened: list[Opened] = []

    def _open(html: str, fragment: str = "", **context) -> Opened:
        path = tmp_path / f"page{len(opened)}.html"
        path.write_text(html, encoding="utf-8")
        o = Opened(browser, path, fragment, **context)
        opened.append(o)
        return o

    yield _open
    for o in opened:
        o.ctx.close()


@pytest.fixture(scope="module")
def html() -> str:
    return render_page(samples.sample_article(), ["en", "ru"])


def test_opens_without_console_errors_or_requests(open_page, html):
    o = open_page(html)
    assert o.errors == []
    assert o.requests == []
    assert o.visible("ar") and not o.visible("en") and not o.visible("ru")
    assert o.page.evaluate("document.documentElement.classList.contains('js')")


def test_clicking_ru_shows_russian_only(open_page, html):
    o = open_page(html)
    o.page.click('nav.switcher a[data-lang="ru"]')
    assert o.visible("ru") and not o.visible("ar") and not o.visible("en")
    text = o.page.inner_text("main")
    assert "Делегация прибыла в Москву в четверг вечером." in text
    assert "The delegation arrived" not in text and "وصل الوفد" not in text
    assert o.page.url.endswith("#ru")
    assert o.page.get_attribute('a[data-lang="ru"]', "aria-current") == "true"
    assert o.page.title() == "Министр иностранных дел посещает Москву"
    assert o.errors == []


@pytest.mark.parametrize("fragment, shown", [
    ("en", "en"), ("ru", "ru"), ("ar", "ar"), ("nonsense", "ar"),
], ids=["en", "ru", "ar", "unknown-falls-back-to-ar"])
def test_fragment_selects_language_on_load(open_page, html, fragment, shown):
    o = open_page(html, fragment)
    for lang in ("ar", "en", "ru"):
        assert o.visible(lang) == (lang == shown), lang
    assert o.page.evaluate("document.documentElement.lang") == shown


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("en", "ltr"), ("ru", "ltr")],
                         ids=["ar", "en", "ru"])
def test_computed_direction(open_page, html, lang, direction):
    o = open_page(html, lang)
    got = o.page.eval_on_selector(f"article#{lang} p:not(.langname)",
                                  "e => getComputedStyle(e).direction")
    assert got == direction


def test_back_button_returns_to_previous_language(open_page, html):
    o = open_page(html, "en")
    o.page.click('a[data-lang="ru"]')
    assert o.visible("ru")
    o.page.go_back()
    o.page.wait_for_function("!document.getElementById('en').hidden")
    assert o.visible("en") and not o.visible("ru")


def test_keyboard_tab_to_switcher_and_enter(open_page, html):
    o = open_page(html)
    focused = []
    for _ in range(6):  # brand is not focusable; the links come first in tab order
        o.page.keyboard.press("Tab")
        focused.append(o.page.evaluate("document.activeElement.getAttribute('data-lang')"))
        if focused[-1] == "ru":
            break
    assert focused[:3] == ["ar", "en", "ru"]
    outline = o.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    o.page.keyboard.press("Enter")
    assert o.visible("ru") and not o.visible("ar")
    assert o.page.evaluate("document.activeElement.getAttribute('data-lang')") == "ru"


def test_without_javascript_all_languages_are_readable(open_page, html):
    o = open_page(html, "ru", java_script_enabled=False)
    assert o.visible("ar") and o.visible("en") and o.visible("ru")
    text = o.page.inner_text("main")
    order = [text.index(s) for s in ("وصل الوفد", "The delegation arrived", "Делегация прибыла")]
    assert order == sorted(order)  # one after the other, Arabic first
    assert not o.page.locator("section#aligned").is_visible()


def test_without_javascript_aligned_view_opens_by_fragment(open_page, html):
    o = open_page(html, "aligned", java_script_enabled=False)
    assert o.page.locator("section#aligned").is_visible()


def test_side_by_side_highlights_counterparts(open_page, html):
    o = open_page(html)
    o.page.click("a.view")
    assert o.page.locator("section#aligned").is_visible()
    assert not o.visible("ar")
    assert o.page.url.endswith("#aligned")
    units = o.page.locator('section#aligned [data-unit="p4.s2"]')
    assert units.count() == 3

    def lit() -> list[bool]:
        return [units.nth(i).evaluate("e => e.classList.contains('hi')") for i in range(3)]

    assert lit() == [False] * 3
    units.nth(0).hover()  # the Arabic sentence
    assert lit() == [True] * 3
    assert o.page.locator("section#aligned .hi").count() == 3  # nothing else lights up
    bg = units.nth(2).evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    o.page.mouse.move(1, 1)
    assert lit() == [False] * 3
    units.nth(1).focus()  # keyboard: focusing the English unit lights the others
    assert lit() == [True] * 3
    badge = o.page.locator('section#aligned .badge[data-check="repetition"]')
    assert badge.is_visible() and "Moscow Moscow" in badge.get_attribute("title")
    assert o.errors == []


def test_side_by_side_with_references_shows_scores(open_page):
    page = render_page(samples.sample_article(), ["en", "ru"],
                       alignment=samples.alignment(), references=samples.REFS)
    o = open_page(page, "aligned")
    section = o.page.locator("section#aligned")
    assert section.is_visible()
    assert "BLEU 12.3" in section.inner_text()
    o.page.locator('section#aligned [data-unit="u2"]').first.hover()
    assert o.page.locator('section#aligned [data-unit="u2"].hi').count() == 3
    assert o.page.eval_on_selector('section#aligned .cell[lang="ar"]',
                                   "e => getComputedStyle(e).direction") == "rtl"


def test_script_in_article_does_not_execute(open_page):
    o = open_page(render_page(samples.sample_article(evil=True), ["en", "ru"]), "en")
    o.page.hover("article#en .seg")
    o.page.click('a[data-lang="ru"]')
    o.page.click("a.view")
    o.page.locator("section#aligned .unit").first.hover()
    assert o.page.evaluate("window.pwned") is None
    assert o.page.title() != "pwned"  # what the injected script would have set
    assert o.page.locator("script").count() == 2
    assert "<script>window.pwned = 1" in o.page.inner_text("section#aligned")  # shown as text


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["ar", "en", "ru"])
def test_screenshot_of_each_language(open_page, html, tmp_path, lang):
    o = open_page(html, lang)
    shot = tmp_path / f"page-{lang}.png"
    o.page.screenshot(path=str(shot), full_page=True)
    width, height = _png_size(shot)
    assert width == 1100 and height >= 600
    assert shot.stat().st_size > 15_000  # text, not a blank page


def test_print_shows_one_language_without_the_bar(open_page, html):
    o = open_page(html, "ru")
    o.page.emulate_media(media="print")
    assert not o.page.locator("header.bar").is_visible()
    assert o.visible("ru") and not o.visible("ar") and not o.visible("en")
    assert o.page.locator("footer.run").is_visible()  # provenance stays on paper
    # Printing from the side-by-side view gives the last language read, not the editor's grid.
    o.page.emulate_media(media="screen")
    o.page.click("a.view")
    o.page.emulate_media(media="print")
    assert o.visible("ru") and not o.page.locator("section#aligned").is_visible()


def test_translate_html_end_to_end(open_page, fixture_models, tmp_path):
    from typer.testing import CliRunner

    from translate.cli import app

    out = tmp_path / "article.html"
    result = CliRunner().invoke(app, [
        "translate", str(HERE / "data" / "article.ar.txt"), "-f", "html", "-o", str(out),
        "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
        "--backend", "transformers", "-q"])
    assert result.exit_code == 0, result.output
    o = open_page(out.read_text(encoding="utf-8"), "ru")
    assert o.errors == [] and o.requests == []
    assert o.visible("ru") and not o.visible("ar")
    assert "«Мы не допустим никакого вмешательства в наши внутренние дела»" in o.page.inner_text(
        "article#ru")
    o.page.click('a[data-lang="ar"]')
    assert o.page.eval_on_selector("article#ar p:not(.langname)",
                                   "e => getComputedStyle(e).direction") == "rtl"
    assert "transformers" in o.page.inner_text("footer")
