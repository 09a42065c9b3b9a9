"""Numbers and dates: every number of the Arabic source must survive into the translation.

Why this check exists: opus-mt drops, rounds or rewrites numbers on odd input (a year becomes
another year, "٣٫٥" becomes "35"), and a wrong figure in a news translation is the most harmful
error a reader cannot spot. The check compares *values*, not strings, so every reasonable target
form is accepted: "1000" / "1,000" / "1 000" (NBSP, thin space), "3.5" in English and "3,5" in
Russian, "1.5 million" for "1500000", "three" for "3". It errs on the side of accepting: a false
alarm on every segment would teach users to ignore the flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from translate.article import Flag
from translate.checks.base import Check, base_lang

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_ARABIC_DECIMAL = "\u066b"  # ٫
_ARABIC_THOUSANDS = "\u066c"  # ٬
_SPACES = "\u00a0\u2009\u202f "  # NBSP, thin space, narrow NBSP, plain space

# Source side: ٫ is always a decimal mark and ٬ always a thousands mark; Western "," and "." are
# read both ways when the groups allow it (Maghreb texts write "1.500" for 1500).
_SRC_THOUSANDS = {",", ".", _ARABIC_THOUSANDS}
_SRC_DECIMAL = {",", ".", _ARABIC_DECIMAL}
_TGT_SEPARATORS = {
    "en": ({","} | set(_SPACES), {".", ":"}),
    "ru": ({"."} | set(_SPACES), {",", ".", ":"}),
}
_ANY_TGT = ({",", "."} | set(_SPACES), {",", ".", ":"})

_SRC_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")
_TGT_NUMBER = re.compile(r"\d+(?:[.,:\u00a0\u2009\u202f ]\d+)*")  # ":" for times, 7.55 -> 7:55

_SRC_PERCENT = re.compile(r"\s*(?:%|٪|(?:في|ف|ب)\s*(?:ال)?(?:مئة|مائة|المئة|المائة))")
_TGT_PERCENT = re.compile(r"%|per\s*cent|процент", re.IGNORECASE)

_SRC_SCALES = {"الف": 10**3, "ألف": 10**3, "آلاف": 10**3, "الاف": 10**3, "مليون": 10**6,
               "ملايين": 10**6, "مليار": 10**9, "مليارات": 10**9, "بليون": 10**9,
               "تريليون": 10**12}
_SRC_SCALE = re.compile(r"\s*(" + "|".join(sorted(_SRC_SCALES, key=len, reverse=True)) + r")")
_TGT_SCALES = [(re.compile(p, re.IGNORECASE), v) for p, v in (
    (r"\s*(?:thousand|тыс)", 10**3), (r"\s*(?:million|mln|m\b|млн|миллион)", 10**6),
    (r"\s*(?:billion|bn|млрд|миллиард)", 10**9), (r"\s*(?:trillion|трлн|триллион)", 10**12),
)]

# Small numbers are often spelled out; Russian forms are matched by stem because they decline.
_EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve"]
_RU_STEMS = ["нол|нул", "один|одн", "два|две|двух|двум", "три|трех|трёх|трем|трём",
             "четыр", "пят", "шест", "сем[ьи]", "восем|восьм", "девят", "десят",
             "одиннадцат", "двенадцат"]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_COMPOUND = re.compile(rf"\b({'|'.join(_EN_TENS)})(?:[- ]({'|'.join(_EN_WORDS[1:10])}))?\b",
                          re.IGNORECASE)
_ROUND = [(r"hundred", 100), (r"thousand", 10**3), (r"million", 10**6), (r"billion", 10**9)]
_RU_ROUND = [(r"сто|сотн", 100), (r"тысяч", 10**3), (r"миллион", 10**6), (r"миллиард", 10**9)]
_WORD_NUMBERS = {
    "en": [(re.compile(rf"\b{w}\b", re.IGNORECASE), n) for n, w in enumerate(_EN_WORDS)]
    + [(re.compile(rf"\b(?:a |one )?{w}\b", re.IGNORECASE), n) for w, n in _ROUND],
    "ru": [(re.compile(rf"\b(?:{s})\w*", re.IGNORECASE), n) for n, s in enumerate(_RU_STEMS)]
    + [(re.compile(rf"\b(?:{w})\w*", re.IGNORECASE), n) for w, n in _RU_ROUND],
}

# Month names as written in Arabic news. Alef and yaa variants are folded before matching, so
# one spelling per name is enough ("أبريل" and "ابريل" are both "ابريل" after folding).
_MONTHS_AR = {
    1: ["كانون الثاني", "يناير", "جانفي"], 2: ["شباط", "فبراير", "فيفري"],
    3: ["اذار", "مارس"], 4: ["نيسان", "ابريل", "افريل"], 5: ["ايار", "مايو", "ماي"],
    6: ["حزيران", "يونيو", "يونيه", "جوان"], 7: ["تموز", "يوليو", "يوليه", "جويلية"],
    8: ["اب", "اغسطس", "اوت"], 9: ["ايلول", "سبتمبر"], 10: ["تشرين الاول", "اكتوبر"],
    11: ["تشرين الثاني", "نوفمبر"], 12: ["كانون الاول", "ديسمبر"],
}
_AR_MONTH_OF = {name: n for n, names in _MONTHS_AR.items() for name in names}
_MONTH = "(?:" + "|".join(sorted(_AR_MONTH_OF, key=len, reverse=True)) + ")"
# Why only month names next to a day, a year or another month name: several names are also
# words ("مارس" = he practised, "اب" = father, "تموز" = a name); the neighbour makes it a date.
_DATE_PATTERNS = [
    re.compile(rf"(?<!\d)\d{{1,2}}\s+(?:من\s+)?(?:شهر\s+)?[وبلف]?({_MONTH})(?!\w)"
               rf"(?:\s*[/(-]\s*({_MONTH})(?!\w))?"),
    re.compile(rf"(?<!\w)[وبلف]?({_MONTH})(?:\s*[/(-]\s*({_MONTH}))?\)?\s+(?:من\s+)?"
               rf"(?:عام\s+|سنة\s+)?\d{{4}}(?!\d)"),
    re.compile(rf"(?<!\w)[وبلف]?({_MONTH})\s*/\s*({_MONTH})(?!\w)"),
]
_FOLD = str.maketrans("أإآٱى", "اااا" + "ي")

_EN_MONTHS = ["January|Jan", "February|Feb", "March|Mar", "April|Apr", "May", "June|Jun",
              "July|Jul", "August|Aug", "September|Sept|Sep", "October|Oct", "November|Nov",
              "December|Dec"]
# Abbreviations only with their dot: a bare "сен" or "дек" starts other words ("сенат").
_RU_MONTHS = [r"январ|янв\.", r"феврал|февр?\.", r"март|мар\.", r"апрел|апр\.",
              r"ма[йяе](?!\w)", "июн", "июл", r"август|авг\.", r"сентябр|сент?\.",
              r"октябр|окт\.", r"ноябр|нояб?\.", r"декабр|дек\."]
_MONTH_WORDS = {
    "en": [re.compile(rf"\b(?:{p})\b\.?") for p in _EN_MONTHS],
    "ru": [re.compile(rf"\b(?:{p})", re.IGNORECASE) for p in _RU_MONTHS],
}
_EN_MONTH_NAMES = [p.split("|")[0] for p in _EN_MONTHS]
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[./-](\d{1,2})(?:[./-](\d{1,4}))?(?!\d)")


@dataclass(frozen=True)
class NumberMention:
    text: str  # as written in the source
    values: frozenset[Decimal]  # every value the written form may stand for
    percent: bool = False


@dataclass(frozen=True)
class DateMention:
    text: str
    month: int


def _dec(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _readings(token: str, thousands: set[str], decimal: set[str]) -> set[Decimal]:
    """Values a digit group sequence can stand for under the given separator conventions."""
    groups = re.split(r"[^\d]", token)
    seps = [c for c in token if not c.isdigit()]
    out: set[Decimal] = set()
    if not seps:
        v = _dec(token)
        return {v} if v is not None else set()
    if all(s in thousands for s in seps) and all(len(g) == 3 for g in groups[1:]):
        v = _dec("".join(groups))
        if v is not None:
            out.add(v)
    lead_ok = all(s in thousands for s in seps[:-1]) and all(len(g) == 3 for g in groups[1:-1])
    if seps[-1] in decimal and lead_ok:
        v = _dec("".join(groups[:-1]) + "." + groups[-1])
        if v is not None:
            out.add(v)
    return out


def source_numbers(source: str) -> list[NumberMention]:
    """Numbers of an Arabic text, in any digit script, each with its possible values."""
    text = source.translate(_DIGITS)
    found: list[NumberMention] = []
    for m in _SRC_NUMBER.finditer(text):
        values = _readings(m.group(), _SRC_THOUSANDS, _SRC_DECIMAL)
        if not values:
            continue
        after = text[m.end():]
        scale = _SRC_SCALE.match(after)
        if scale:
            values |= {v * _SRC_SCALES[scale.group(1)] for v in values}
        percent = bool(_SRC_PERCENT.match(after))
        found.append(NumberMention(source[m.start():m.end()], frozenset(values), percent))
    return found


def target_values(translation: str, lang: str) -> set[Decimal]:
    """Every value a number in the translation may stand for (tolerant by design)."""
    code = base_lang(lang)
    thousands, decimal = _TGT_SEPARATORS.get(code, _ANY_TGT)
    text = translation.translate(_DIGITS)
    values: set[Decimal] = set()
    for m in _TGT_NUMBER.finditer(text):
        token = m.group()
        here = _readings(token, thousands, decimal)
        # single groups too: "06.09.2023" holds a day and a year, "2022 23" two numbers
        here |= {v for g in re.split(r"[^\d]", token) if (v := _dec(g)) is not None}
        after = text[m.end():]
        for pattern, factor in _TGT_SCALES:
            if pattern.match(after):
                here |= {v * factor for v in here}
        values |= here
    for pattern, n in _WORD_NUMBERS.get(code, _WORD_NUMBERS["en"] + _WORD_NUMBERS["ru"]):
        if pattern.search(translation):
            values.add(Decimal(n))
    if code not in _WORD_NUMBERS or code == "en":
        for m in _EN_COMPOUND.finditer(translation):  # "Fifty-eight percent"
            unit = _EN_WORDS.index(m.group(2).lower()) if m.group(2) else 0
            values.add(Decimal(20 + 10 * _EN_TENS.index(m.group(1).lower()) + unit))
    return values


def source_dates(source: str) -> list[DateMention]:
    """Month names used as dates ("6 سبتمبر/أيلول 2023", "كانون الثاني 2024")."""
    folded = source.translate(_DIGITS).translate(_FOLD)  # 1:1 mapping keeps offsets valid
    found: dict[int, DateMention] = {}
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(folded):
            month = _AR_MONTH_OF[m.group(1)]
            if m.group(2) and _AR_MONTH_OF[m.group(2)] != month:
                continue  # "X/Y" naming two different months is not one date
            span = source[m.start(1):m.end(2) if m.group(2) else m.end(1)]
            found.setdefault(m.start(1), DateMention(span, month))
    return [found[k] for k in sorted(found)]


def target_months(translation: str, lang: str) -> set[int] | None:
    """Months named (or written as digits in a date) in the translation; None: unknown lang."""
    patterns = _MONTH_WORDS.get(base_lang(lang))
    if patterns is None:
        return None
    months = {n for n, p in enumerate(patterns, start=1) if p.search(translation)}
    for m in _NUMERIC_DATE.finditer(translation.translate(_DIGITS)):
        for g in m.groups()[:2]:
            if g and 1 <= int(g) <= 12:
                months.add(int(g))
    return months


class NumbersCheck(Check):
    """Numbers, percentages and dates of the source must appear in the translation."""

    name = "numbers"

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        missing: list[str] = []
        mentions = source_numbers(source)
        if mentions:
            values = target_values(translation, lang)
            has_percent = bool(_TGT_PERCENT.search(translation))
            for n in mentions:
                shown = n.text + ("%" if n.percent else "")
                if not n.text.isascii() and len(n.values) == 1:
                    shown += f" (= {next(iter(n.values)).normalize():f})"
                if not (n.values & values):
                    missing.append(shown)
                elif n.percent and not has_percent:
                    missing.append(f"{shown} (the percent sign)")
        months = target_months(translation, lang)
        if months is not None:
            for d in source_dates(source):
                if d.month not in months:
                    missing.append(f"month {_EN_MONTH_NAMES[d.month - 1]} ({d.text})")
        if not missing:
            return []
        unique = list(dict.fromkeys(missing))
        return [self.flag("missing from the translation: " + ", ".join(unique))]
