"""Reading articles: encodings, HTML, Markdown, and the bad or odd inputs users hand us.

Inputs are generated into tmp_path by the tests themselves (no binary files committed); only the
saved news page tests/data/inputs/news-page.ar.html is a committed sample.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from translate.errors import InputError, UsageError
from translate.fsio import safe_name
from translate.readers import SourceText, parse_article, read_article
from translate.readers.html import extract

INPUTS = Path(__file__).resolve().parent / "data" / "inputs"
NEWS_PAGE = INPUTS / "news-page.ar.html"

AR = ("قال وزير الخارجية إن المفاوضات مع الوفد الروسي كانت مثمرة، وأضاف أن الطرفين اتفقا على "
      "مواصلة الحوار في القاهرة الأسبوع المقبل.\n\nوأكد أن التعاون الاقتصادي سيشمل الطاقة "
      "والزراعة والنقل.\n")
# A dense-with-Latin Arabic news paragraph: names, acronyms, products, numbers.
AR_LATIN = ("أعلنت شركة Microsoft بالتعاون مع OpenAI ووكالة NASA عن إطلاق منصة Azure AI Studio "
            "في دبي، وقال Satya Nadella إن الاستثمار يبلغ 2.5 مليار دولار حتى عام 2027، "
            "فيما أكد مسؤولو GPT-4o وChatGPT Enterprise أن الخدمة ستدعم اللغة العربية. "
            "وذكرت وكالة Reuters أن شركات IBM وGoogle وAmazon Web Services (AWS) تنافس على "
            "عقود مماثلة في الرياض والقاهرة.\n")
EN = "The foreign minister said the talks with the Russian delegation were fruitful.\n"
FR = "Le ministre des Affaires étrangères a déclaré que les négociations étaient fructueuses.\n"
RU = "Министр иностранных дел заявил, что переговоры с российской делегацией были плодотворными.\n"

HTML_SCRIPTS = (
    "<html><head><style>p{color:red}</style><script>var x='سر';</script></head><body>"
    "<nav><a href='/'>الرئيسية</a> <a href='/a'>سياسة</a></nav>"
    "<article><h1>عنوان الخبر</h1><p onclick=\"alert('xss')\">" + AR.split("\n")[0] + "</p>"
    "<script>document.write('حقن')</script><img src=x onerror=\"alert(1)\">"
    "<p>نص يذكر &lt;script&gt;alert(2)&lt;/script&gt; كما هو.</p></article>"
    "<footer>© جميع الحقوق محفوظة</footer></body></html>"
)
HTML_SWITCHER = (
    "<html lang='ar'><body><div class='langs'><a href='/ru/x' lang='ru'>Русский</a>"
    " | <a href='/en/x'>English</a></div><article><h1>عنوان</h1><p>" + AR.split("\n")[0]
    + "</p></article></body></html>"
)
HTML_CP1256 = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1256'>"
    "<title>وزير الخارجية يصف المفاوضات بالمثمرة | موقع</title></head><body>"
    "<div id='story'><p>" + AR.split("\n")[0] + "</p><p>" + AR.split("\n")[2]
    + "</p></div></body></html>"
)
MARKDOWN = ("# عنوان الخبر\n\n**قال** الوزير إن [المفاوضات](https://example.org/x) كانت\n"
            "*مثمرة* جداً.\n\n## خلفية\n\n* التعاون العسكري؛\n1. التجارة؛\n")
WORDS = ("التعاون الاقتصادي بين البلدين يشمل الطاقة والزراعة والنقل والصناعة والسياحة "
         "والتعليم والصحة والثقافة").split()


def big_paragraph(n_words: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(n_words)) + "\n"


@dataclass
class Case:
    id: str
    data: bytes | Callable[[Path], Path]  # bytes to write, or a maker returning a path
    expect: Callable[[SourceText], Any] | tuple[type[Exception], str]
    suffix: str = ".txt"
    kwargs: dict[str, Any] | None = None


def _dir(tmp: Path) -> Path:
    (tmp / "adir").mkdir()
    return tmp / "adir"


def _missing(tmp: Path) -> Path:
    return tmp / "nope.ar.txt"


def _is(text: str) -> Callable[[SourceText], bool]:
    return lambda st: st.text == text


CASES = [
    Case("empty", b"", (InputError, ": the article is empty")),
    Case("whitespace-only", b" \n\t\n  \r\n", (InputError, ": the article is empty")),
    Case("nbsp-only", "\u00a0\n\u00a0 \u200f\n".encode(), (InputError, ": the article is empty")),
    Case("bom-only", codecs.BOM_UTF8 + b"\n", (InputError, ": the article is empty")),
    Case("nul-bytes", AR.encode()[:40] + b"\x00\x00" + AR.encode()[40:],
         (InputError, "looks like binary data (NUL bytes from offset 40), not text")),
    Case("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (InputError, "(PNG image), not text")),
    Case("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", (InputError, "(PDF document), not text")),
    Case("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", (InputError, "(JPEG image), not text")),
    Case("gif", b"GIF89a\x01\x00\x01\x00", (InputError, "(GIF image), not text")),
    Case("zip-docx", b"PK\x03\x04\x14\x00\x06\x00", (InputError, "(ZIP archive, e.g. .docx)")),
    Case("english", EN.encode(),
         (InputError, "the text is not Arabic (mostly Latin script); pass --from LANG")),
    Case("french", FR.encode(), (InputError, "the text is not Arabic (mostly Latin script)")),
    Case("russian", RU.encode(), (InputError, "the text is not Arabic (mostly Cyrillic script)")),
    Case("russian-with-from-ru", RU.encode(), _is(RU), kwargs={"source_lang": "ru"}),
    Case("english-with-from-en", EN.encode(), _is(EN), kwargs={"source_lang": "en"}),
    Case("digits-only", b"2025 - 3.5 / 17\n", (InputError, "not Arabic (no letters at all)")),
    Case("arabic-with-latin-names", AR_LATIN.encode(),
         lambda st: st.text == AR_LATIN and 0.5 < st.notes["scripts"]["arabic_share"] < 0.8),
    Case("arabic-with-emoji", ("🇪🇬 " + AR + "👍🏽 ❤️\n").encode(),
         lambda st: "👍🏽" in st.text and st.encoding == "utf-8"),
    Case("utf-8", AR.encode(), lambda st: st.text == AR and st.encoding == "utf-8"),
    Case("utf-8-bom", codecs.BOM_UTF8 + AR.encode(),
         lambda st: st.text == AR and st.notes["bom_removed"] == "utf-8"),
    Case("utf-16-le-bom", codecs.BOM_UTF16_LE + AR.encode("utf-16-le"),
         lambda st: st.text == AR and st.encoding == "utf-16-le"),
    Case("utf-16-be-bom", codecs.BOM_UTF16_BE + AR.encode("utf-16-be"),
         lambda st: st.text == AR and st.encoding == "utf-16-be"),
    Case("utf-16-no-bom", AR.encode("utf-16-le"),
         (InputError, "UTF-16 without a BOM? pass --encoding utf-16-le")),
    Case("utf-16-forced", AR.encode("utf-16-le"), _is(AR), kwargs={"encoding": "utf-16-le"}),
    Case("cp1256", AR.encode("cp1256"),
         lambda st: st.text == AR and st.encoding == "windows-1256"
         and st.notes["detector"] == "arabic-letters"),
    Case("cp1256-with-latin", AR_LATIN.encode("cp1256"),
         lambda st: st.text == AR_LATIN and st.encoding == "windows-1256"),
    Case("iso-8859-6", AR.encode("iso8859-6"),
         lambda st: st.text == AR and st.encoding == "iso-8859-6"),
    Case("forced-cp1256", AR.encode("cp1256"), _is(AR), kwargs={"encoding": "windows-1256"}),
    Case("forced-wrong-encoding", AR.encode(),
         (InputError, "cannot decode as ascii at byte offset 0"), kwargs={"encoding": "ascii"}),
    Case("forced-iso-on-cp1256", AR.encode("cp1256"),
         (InputError, "cannot decode as iso-8859-6 at byte offset"),
         kwargs={"encoding": "iso-8859-6"}),
    Case("forced-unknown-encoding", AR.encode(), (UsageError, "unknown encoding 'klingon'"),
         kwargs={"encoding": "klingon"}),
    Case("forced-non-text-codec", AR.encode(), (UsageError, "is not a text encoding"),
         kwargs={"encoding": "base64"}),
    Case("invalid-utf8-middle", AR[:30].encode() + b"\xff" + AR[30:].encode(),
         (InputError, f"not valid UTF-8 at byte offset {len(AR[:30].encode())} (b'\\xff")),
    Case("crlf", AR.replace("\n", "\r\n").encode(),
         lambda st: st.text == AR and st.notes["line_endings"]["crlf"] == 3),
    Case("lone-cr", AR.replace("\n", "\r").encode(),
         lambda st: st.text == AR and st.notes["line_endings"]["cr"] == 3),
    Case("html-script-style-nav", HTML_SCRIPTS.encode(),
         lambda st: st.format == "html" and "alert('xss')" not in st.text
         and "حقن" not in st.text and "سر" not in st.text and "الرئيسية" not in st.text
         and "الحقوق" not in st.text and "<script>alert(2)</script>" in st.text
         and st.text.startswith("# عنوان الخبر\n\n"), suffix=".html"),
    Case("html-switcher-links", HTML_SWITCHER.encode(),
         lambda st: st.text.startswith("Ru En\n\n# عنوان\n\n")
         and st.notes["html"]["switcher"]["languages"] == ["ru", "en"], suffix=".htm"),
    Case("html-cp1256-meta", HTML_CP1256.encode("cp1256"),
         lambda st: st.encoding == "windows-1256" and st.notes["encoding_source"] == "declared"
         and st.text.startswith("# وزير الخارجية يصف المفاوضات بالمثمرة\n\n" + AR.split("\n")[0]),
         suffix=".html"),
    Case("html-iso-8859-6-labelled-cp1256", HTML_CP1256.encode("iso8859-6"),
         lambda st: st.encoding == "iso-8859-6" and AR.split("\n")[0] in st.text
         and st.notes["declared_charset_overridden"] == "windows-1256", suffix=".html"),
    Case("arabic-presentation-forms", "ﻗﺎﻝ ﺍﻟﻮﺯﻳﺮ ﺇﻥ ﺍﻟﻤﻔﺎﻭﺿﺎﺕ ﻣﺜﻤﺮﺓ\n".encode(),
         lambda st: st.notes["scripts"]["arabic_share"] == 1.0),
    Case("html-sniffed-without-suffix", HTML_SWITCHER.encode(),
         lambda st: st.format == "html"),
    Case("html-only-furniture", b"<html><body><nav><a href='/'>x</a></nav></body></html>",
         (InputError, "the article is empty (no article text in the HTML)"), suffix=".html"),
    Case("markdown", MARKDOWN.encode(),
         _is("# عنوان الخبر\n\nقال الوزير إن المفاوضات كانت مثمرة جداً.\n\n## خلفية\n\n"
             "- التعاون العسكري؛\n\n- التجارة؛\n"), suffix=".md"),
    Case("markdown-sniffed", MARKDOWN.encode(), lambda st: st.format == "markdown"),
    Case("text-with-dash-lines-stays-text", ("- " + AR).encode(),
         lambda st: st.format == "text" and st.text == "- " + AR),
    Case("line-1mb", (AR.split("\n")[0] + " ") .encode() * 8000,
         lambda st: len(st.text) > 1_000_000 and "\n" not in st.text),
    Case("paragraph-20000-words", big_paragraph(20000).encode(),
         lambda st: len(st.text.split()) == 20000),
    Case("directory", _dir, (InputError, "is a directory, expected a file")),
    Case("missing-file", _missing, (InputError, "no such file")),
    Case("unknown-input-format", AR.encode(), (UsageError, "unknown input format 'pdf'"),
         kwargs={"fmt": "pdf"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_input_table(case: Case, tmp_path: Path) -> None:
    if callable(case.data):
        path = case.data(tmp_path)
    else:
        path = tmp_path / f"article.ar{case.suffix}"
        if case.id.endswith("without-suffix") or case.id == "markdown-sniffed":
            path = tmp_path / "article"
        path.write_bytes(case.data)
    kwargs = case.kwargs or {}
    if isinstance(case.expect, tuple):
        exc, fragment = case.expect
        with pytest.raises(exc) as info:
            read_article(path, **kwargs)
        assert type(info.value) is exc
        assert fragment in str(info.value)
        assert "\n" not in str(info.value)  # one line
    else:
        st = read_article(path, **kwargs)
        assert case.expect(st), (st.encoding, st.format, st.text[:300], st.notes)


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 30


def test_news_page_extraction() -> None:
    st = read_article(NEWS_PAGE)
    blocks = st.text.rstrip("\n").split("\n\n")
    assert blocks[:5] == [
        "Ru En",
        "# روسيا ومصر توقعان اتفاقية لتطوير ميناء الإسكندرية",
        "١٢ مايو ٢٠٢٥",
        "القاهرة - أخبار الشرق",
        "سفن شحن في ميناء الإسكندرية، مصر.",
    ]
    assert blocks[5] == "الصورة: أرشيف أخبار الشرق"  # credit split from its caption
    assert "## تفاصيل الاتفاقية" in blocks and "## ردود الفعل" in blocks
    assert [b for b in blocks if b.startswith("- ")] == [
        "- تعميق الممر الملاحي إلى 17 متراً؛",
        "- بناء مستودعات مبردة للمنتجات الزراعية؛",
        "- ربط الميناء بشبكة السكك الحديدية الوطنية.",
    ]
    assert blocks[-1] == "المصدر: وكالة تاس"
    assert len(blocks) == 19
    leaked = ["كوكي", "ملفات تعريف", "ابحث", "الرئيسية", "اقرأ أيضاً", "التعليقات", "فيسبوك",
              "طباعة", "إعلان", "جميع الحقوق", "بوتين يستقبل", "dataLayer", "يكتبه السكربت",
              "من نحن", "موافق"]
    assert [w for w in leaked if w in st.text] == []
    assert st.notes["html"]["switcher"]["languages"] == ["ru", "en"]
    assert st.notes["html"]["switcher"]["alternates"] == ["ru", "en"]
    assert st.format == "html" and st.encoding == "utf-8"


def test_alternate_links_alone_make_the_switcher() -> None:
    page = ("<html lang='ar'><head><link rel='alternate' hreflang='en' href='/en'>"
            "<link rel='alternate' hreflang='ru-RU' href='/ru'>"
            "<link rel='alternate' hreflang='x-default' href='/en'></head><body><article>"
            "<h1>عنوان</h1><p>" + AR.split("\n")[0] + "</p></article></body></html>")
    text, notes = extract(page)
    assert text.startswith("En Ru\n\n# عنوان\n\n")
    assert notes["switcher"]["from"] == "alternate"


def test_html_without_article_uses_the_densest_block_and_br() -> None:
    para = AR.split("\n")[0]
    page = ("<html><body><div class='menu'><a href='/'>الرئيسية</a></div><div><div id='txt'>"
            f"<p>{para}</p><p>{para}<br><br>سطر ثان بعد فاصل</p></div></div>"
            "<div class='sidebar'><p>إعلان جانبي</p></div></body></html>")
    text, notes = extract(page)
    assert text.rstrip("\n").split("\n\n")[:3] == [para, para, "سطر ثان بعد فاصل"]
    assert "سطر ثان بعد فاصل" in text and "إعلان جانبي" not in text and "الرئيسية" not in text
    assert notes["content_root"] == "div#txt"


def test_deeply_nested_html_does_not_recurse() -> None:
    para = AR.split("\n")[0]
    page = "<html><body>" + "<div>" * 1500 + f"<p>{para}</p>" + "</div>" * 1500 + "</body></html>"
    st = parse_article(page.encode(), name="deep.html", suffix=".html")
    assert para in st.text


def test_five_megabyte_article() -> None:
    text = AR * 25000
    st = parse_article(text.encode(), name="big")
    assert len(st.text.encode()) > 5_000_000
    assert st.text == text and st.notes["scripts"]["arabic_share"] > 0.99


def test_five_megabyte_cp1256_article() -> None:
    text = AR * 8000
    st = parse_article(text.encode("cp1256"), name="big")
    assert st.encoding == "windows-1256" and st.text == text


def test_hostile_markdown_line_stays_linear() -> None:
    # unclosed emphasis and link openers on a 1 MB line: bounded patterns, no backtracking blow-up
    line = ("**" + "[ك" * 3 + "_ ") * 70000
    st = parse_article(("# عنوان\n\n" + line + "\n").encode(), name="x.md", suffix=".md")
    assert st.text.startswith("# عنوان\n\n") and len(st.text) > 500_000


def test_to_dict_carries_the_encoding() -> None:
    st = parse_article(AR.encode("cp1256"), name="old.txt")
    d = st.to_dict()
    assert d["encoding"] == "windows-1256" and d["format"] == "text" and d["source"] == "old.txt"
    assert d["candidates"]["windows-1256"] > d["candidates"]["iso-8859-6"]
    assert st.summary() == ("old.txt: text, encoding windows-1256 (detected, Arabic-letter score "
                            "1.00), 100% Arabic letters")


@pytest.mark.parametrize(("stem", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("/etc/shadow", "shadow"),
    ("..", None),
    ("../..", None),
    ("....", None),
    ("a/../../b", "b"),
    ("nul\x00byte", "nul_byte"),
    ("لافروف/../../سر", "سر"),
    ("لافروف-الساحل.ar", "لافروف-الساحل.ar"),
    ("C:\\Windows\\system32", "C__Windows_system32"),
    ("\u202eevil\u202dtxt", "evil_txt"),
    ("name with spaces & $(rm -rf)", "name_with_spaces_____rm_-rf"),
    ("~root", "root"),
    ("", None),
], ids=["dotdot-passwd", "absolute", "dotdot", "dotdot-2", "dots", "mid-dotdot", "nul",
        "arabic-dotdot", "arabic-ok", "windows-path", "bidi-override", "shell", "tilde", "empty"])
def test_safe_name_never_escapes(stem: str, expected: str | None, tmp_path: Path) -> None:
    if expected is None:
        with pytest.raises(UsageError, match="cannot derive an output file name"):
            safe_name(stem)
        return
    name = safe_name(stem)
    assert name == expected
    target = (tmp_path / name).resolve()
    assert target.parent == tmp_path.resolve()
    assert "/" not in name and "\x00" not in name and ".." not in name


def test_safe_name_bounds_length(tmp_path: Path) -> None:
    name = safe_name("خبر" * 100)  # 600 bytes of UTF-8: more than a file name may have
    assert name.startswith("خبر") and len(name.encode("utf-8")) <= 200
    out = tmp_path / f"{name}.en.markdown"
    out.write_text("x")  # the longest suffix we add still fits the 255-byte limit
    assert out.read_text() == "x"


@pytest.mark.parametrize(("args", "code", "fragment"), [
    (["--verbose"], 0, "encoding windows-1256 (detected"),
    (["--encoding", "klingon"], 2, "tarjama: error: unknown encoding 'klingon'"),
    (["--encoding", "utf-8"], 2, "cannot decode as utf-8 at byte offset 0"),
], ids=["verbose-reports-encoding", "unknown-encoding", "forced-wrong-encoding"])
def test_cli_segment_reads_legacy_encodings(args: list[str], code: int, fragment: str,
                                            tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from translate.cli import app

    path = tmp_path / "old.ar.txt"
    path.write_bytes(AR.encode("cp1256"))
    res = CliRunner().invoke(app, ["segment", str(path), *args])
    assert res.exit_code == code, res.output
    assert fragment in res.output
    if code == 0:
        out = res.output[res.output.index("{"):]
        assert json.loads(out)["notes"]["input"]["encoding"] == "windows-1256"
