"""Blocks (paragraph-level units) and their roles.

A block is what a blank line delimits: on news pages every paragraph, heading and list item is
its own line with blank (often NBSP-only) lines between them. Roles drive rendering (a heading
stays a heading) and decide what is translated (chrome is not). The rules look at a block and
its neighbours, never at one site's exact strings, so another site's article gets the same
treatment. Each rule below says why it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from translate.article import Role

# A short block can be a title, a heading, a dateline or a site name; a paragraph is longer.
SHORT_WORDS = 15
SHORT_CHARS = 120
_FINAL_PUNCT = ".!?؟…۔؛;,،:："
_TRAILING_CLOSERS = "\"'”’»›)]}"

# Markdown input keeps its roles: "# Title", "## Heading", "- item", "* item", "• item".
_HEADING_MARK = re.compile(r"^(#{1,6})[ \t]+(?=\S)")
_BULLET_MARK = re.compile(r"^[-*+•●▪◦‣·–][ \t]+(?=\S)")
# "1. item", "١) item", "(2) item": numbered list items keep their number (it is content).
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)][ \t]+\S")
_SEMICOLON_END = re.compile(r"[؛;][\"'”’»›)\]}]*$")


@dataclass
class RawBlock:
    """A block before roles: its text without a Markdown marker, and the marker removed."""

    text: str
    marker: str = ""
    explicit: Role | None = None  # the role its Markdown marker or bullet gives it
    level: int = 0  # Markdown heading level (1 for "# ")


@dataclass
class Roled:
    role: Role
    languages: list[str] = field(default_factory=list)


def split_blocks(text: str) -> list[RawBlock]:
    """Cut normalised text into blocks at blank lines.

    Inside a run of lines, a line that starts with a list or heading marker starts a new block
    and a heading line ends its block: Markdown lists have no blank lines between items, and an
    item or a heading is a unit of its own. Plain lines stay together (the sentence splitter
    ends a sentence at each of them).
    """
    blocks: list[RawBlock] = []
    for group in re.split(r"\n[ \t]*\n", text):
        lines = [ln.strip() for ln in group.split("\n") if ln.strip()]
        current: list[str] = []
        for line in lines:
            heading = _HEADING_MARK.match(line)
            if current and (heading or _BULLET_MARK.match(line) or _NUMBERED.match(line)):
                blocks.append(_raw("\n".join(current)))
                current = []
            current.append(line)
            if heading:
                blocks.append(_raw("\n".join(current)))
                current = []
        if current:
            blocks.append(_raw("\n".join(current)))
    return blocks


def _raw(text: str) -> RawBlock:
    m = _HEADING_MARK.match(text)
    if m:
        return RawBlock(text[m.end():], text[:m.end()], Role.HEADING, len(m.group(1)))
    m = _BULLET_MARK.match(text)
    if m:
        return RawBlock(text[m.end():], text[:m.end()], Role.LIST_ITEM)
    if _NUMBERED.match(text):
        return RawBlock(text, "", Role.LIST_ITEM)
    return RawBlock(text)


# --- features -----------------------------------------------------------------------------


def _final(text: str) -> str:
    t = text.rstrip().rstrip(_TRAILING_CLOSERS).rstrip()
    return t[-1] if t else ""


def is_short(text: str) -> bool:
    return "\n" not in text and len(text) <= SHORT_CHARS and len(text.split()) <= SHORT_WORDS


def is_unpunctuated(text: str) -> bool:
    """No final sentence or clause punctuation: how titles, headings and site names look."""
    return _final(text) not in _FINAL_PUNCT


# --- chrome: the language switcher ----------------------------------------------------------

_LANGUAGE_NAMES = {
    "ar": "ar ara arabic عربي عربى العربية арабский",
    "en": "en eng english انجليزي إنجليزي الإنجليزية الانجليزية الإنكليزية الانكليزية "
          "английский англ",
    "ru": "ru rus russian русский рус روسي الروسية",
    "fr": "fr fra french français francais الفرنسية французский",
    "es": "es spa spanish español espanol الإسبانية испанский",
    "de": "de deu german deutsch الألمانية немецкий",
    "it": "it italian italiano الإيطالية",
    "pt": "pt portuguese português الپرتغالية البرتغالية",
    "tr": "tr turkish türkçe التركية",
    "fa": "fa persian farsi فارسی فارسي الفارسية",
    "ur": "ur urdu اردو الأردية",
    "zh": "zh chinese 中文 الصينية китайский",
}
_LANGUAGE_OF = {name.casefold(): code for code, names in _LANGUAGE_NAMES.items()
                for name in names.split()}
_CHROME_SEPARATORS = re.compile(r"[\s|/·•,،\-–—]+")


def chrome_languages(text: str) -> list[str] | None:
    """The languages a switcher line offers ("Ru En" → ["ru", "en"]), or None if it is not one.

    A line made only of language names or codes is page furniture that came with a copy from a
    web page; translating "Ru En" would produce noise, so it is kept but never translated.
    """
    if "\n" in text or len(text) > 80:
        return None
    tokens = [t for t in _CHROME_SEPARATORS.split(text) if t]
    if not tokens or len(tokens) > 10:
        return None
    codes = [_LANGUAGE_OF.get(t.casefold()) for t in tokens]
    if any(c is None for c in codes):
        return None
    return list(dict.fromkeys(c for c in codes if c))


# --- datelines --------------------------------------------------------------------------------

_MONTHS = set(
    # Gregorian months as Egypt/Gulf, the Maghreb and the Levant name them, and Hijri months
    "يناير فبراير مارس ابريل افريل مايو ماي يونيو يونيه جوان يوليو يوليه جويليه جويليه "
    "اغسطس اوت سبتمبر اكتوبر نوفمبر ديسمبر جانفي فيفري "
    "كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين "
    "محرم صفر ربيع جمادي رجب شعبان رمضان شوال القعده الحجه "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "январь января февраль февраля март марта апрель апреля май мая июнь июня июль июля "
    "август августа сентябрь сентября октябрь октября ноябрь ноября декабрь декабря".split()
)
_DATE_WORDS = set(
    "الاحد الاثنين الاتنين الثلاثاء الاربعاء الخميس الجمعه السبت "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье "
    # qualifiers and fillers: كانون الثاني, ربيع الأول, ذو الحجة, في, عام 2025 م, 5 г., of
    "الاول الثاني الاخر الاخره ذو ذي في عام سنه م ه الموافق ميلادي ميلاديه هجري هجريه "
    "г года год of the on am pm gmt utc".split()
)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_NUMBER = re.compile(r"^\d{1,4}(?:م|ه|st|nd|rd|th)?$")
_KEY_MAP = str.maketrans("أإآٱىة", "اااايه")
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")  # tatweel too: "هـ" is "ه"
_PLACE_PREFIX = re.compile(r"^([^\d\-–—،,:|]{1,40}?)\s*[-–—،,:|]\s*(\S.*)$")


def _key(word: str) -> str:
    return _MARKS.sub("", word).translate(_KEY_MAP).casefold().strip(".")


def is_dateline(text: str) -> bool:
    """A short line that is a date, optionally with a weekday and a place ("موسكو - ٣ أبريل").

    Dates sit on their own line under the title on news pages; as a dateline the renderer keeps
    them apart instead of running them into the first paragraph.
    """
    if "\n" in text or len(text) > 80:
        return False
    if _date_tokens(text):
        return True
    m = _PLACE_PREFIX.match(text)
    return bool(m and len(m.group(1).split()) <= 3 and _date_tokens(m.group(2)))


def _date_tokens(text: str) -> bool:
    month = digit = full = False
    tokens = [t for t in re.split(r"[\s,،|()]+", text) if t]
    if not tokens or len(tokens) > 12:
        return False
    for token in tokens:
        if _NUMERIC_DATE.match(token):
            full = True
            continue
        if _TIME.match(token):
            continue
        for part in re.split(r"[/\-–—]+", token):
            key = _key(part)
            if not key:
                continue
            if _NUMBER.match(key):
                digit = True
            elif key in _MONTHS:
                month = True
            elif key not in _DATE_WORDS:
                return False
    return full or (month and digit)


# --- credits ----------------------------------------------------------------------------------

_CREDIT = re.compile(
    r"^(?:©|\(c\)|حقوق\s|تصوير\s|(?:الصورة|الصور|صورة|تصوير|المصدر|المصادر|مصدر|بعدسة|photo|photos"
    r"|image|images|picture|source|sources|credit|credits|фото|источник)(?:\s*[:：\-–—]|\s+by\b))",
    re.IGNORECASE,
)


def is_credit_line(text: str) -> bool:
    """Photo and source lines ("الصورة: …", "المصدر: تاس", "Photo: …"): credited, not content."""
    return "\n" not in text and len(text.split()) <= 20 and bool(_CREDIT.match(text))


# --- roles ------------------------------------------------------------------------------------


def assign_roles(blocks: list[RawBlock], *, markup: bool = False) -> list[Roled]:
    """Give every block a role, looking at its neighbours where the line alone is ambiguous.

    ``markup``: the text came from HTML or Markdown, whose own markers already say what is a
    heading or a list item; then those roles are not guessed from the shape of a line (a short
    paragraph that the page marks as a paragraph stays one).
    """
    n = len(blocks)
    roles: list[Role | None] = [b.explicit for b in blocks]
    languages: list[list[str]] = [[] for _ in blocks]
    texts = [b.text for b in blocks]
    for i, text in enumerate(texts):
        if roles[i] is not None:
            continue
        langs = chrome_languages(text)
        if langs is not None:
            roles[i], languages[i] = Role.CHROME, langs
        elif is_dateline(text):
            roles[i] = Role.DATELINE
        elif is_credit_line(text):
            roles[i] = Role.CREDIT
        elif not markup and _SEMICOLON_END.search(text):
            # Arabic lists end each item with "؛"; the last item often ends with "." and stays
            # a paragraph, which is also how it reads.
            roles[i] = Role.LIST_ITEM
    loose = [roles[i] is None and is_short(t) and is_unpunctuated(t) for i, t in enumerate(texts)]

    # Site name and similar: a short unpunctuated line in the trailing run of credits. Looking
    # only at the end (and only next to a real credit line) keeps headings in the body safe.
    run: list[int] = []
    for i in range(n - 1, -1, -1):
        if roles[i] is Role.CHROME:
            continue
        if roles[i] is Role.CREDIT or loose[i]:
            run.append(i)
            continue
        break
    if any(roles[i] is Role.CREDIT for i in run):
        for i in run:
            roles[i] = Role.CREDIT
            loose[i] = False

    # A short unpunctuated line standing between list items is an item that lost its "؛":
    # context decides, since the same line elsewhere would be a heading.
    body = [i for i in range(n) if roles[i] is not Role.CHROME]
    k = 0
    while k < len(body):
        if not loose[body[k]]:
            k += 1
            continue
        j = k
        while j < len(body) and loose[body[j]]:
            j += 1
        if (not markup and k > 0 and j < len(body)
                and roles[body[k - 1]] is roles[body[j]] is Role.LIST_ITEM):
            for i in body[k:j]:
                roles[i], loose[i] = Role.LIST_ITEM, False
        k = j

    # The title: the first content block (after chrome and datelines), when it reads like one
    # and something follows it; a lone short line is just text. "# Title" is a title too.
    first = next((i for i in body if roles[i] is not Role.DATELINE), None)
    if first is not None and any(roles[i] is not Role.DATELINE for i in body if i > first):
        b = blocks[first]
        if b.explicit is Role.HEADING and b.level == 1:
            roles[first] = Role.TITLE
        elif roles[first] is None and is_short(b.text) and _final(b.text) not in ".،,؛;:：":
            roles[first] = Role.TITLE

    # A heading is a short line without final punctuation (or ending in ":") that introduces
    # what follows: a paragraph, a list or a sub-heading. Decided from the end backwards so a
    # heading's successor already has its role.
    following: Role | None = None
    for i in reversed(body):
        if roles[i] is None:
            text = texts[i]
            intro = not markup and is_short(text) and (
                is_unpunctuated(text) or _final(text) in ":：")
            if intro and following in (Role.PARAGRAPH, Role.LIST_ITEM, Role.HEADING):
                roles[i] = Role.HEADING
            else:
                roles[i] = Role.PARAGRAPH
        following = roles[i]
    return [Roled(r or Role.PARAGRAPH, langs) for r, langs in zip(roles, languages, strict=True)]
