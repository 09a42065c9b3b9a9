"""An Arabic-aware sentence splitter (Arabic first; English and Russian names and quotes inside).

Rules, in the order they are applied, and why:
- A line end always ends a sentence: news sites put one paragraph, heading or list item per
  line, and a line never continues across a newline in the text we are given.
- A sentence ends after a run of ``.`` ``!`` ``?`` ``؟`` ``…`` ``...`` ``۔`` (and any closing
  quotes or brackets right after it) only when WHITESPACE follows. That one rule keeps numbers
  (3.5, 1.000), dotted abbreviations (U.S.A, ق.م), file names and URLs whole.
- The Arabic comma ``،`` never ends a sentence. ``؛`` joins clauses inside a paragraph, so it
  does not end a sentence there (the chunker may still cut at it when a sentence is too long);
  inside a list item (``list_item=True``) it separates items, so it does.
- Not inside quotes: a terminator between a matched pair of quotes (“” «» „“ ‹› "" '' ‘’) does
  not end the sentence, so a quoted statement of several sentences stays with its attribution.
  Straight and curly quotes count only where they can open (after a space or punctuation) or
  close (before one), so the apostrophe in "don't" or "Qur'an" is not a quote; an unmatched
  quote protects nothing, so one stray mark cannot swallow the rest of the paragraph.
- Not after an initial or a single-letter abbreviation: ``د.`` (doctor), ``م.`` (year AD),
  ``ص.``, ``ج. م. ع.``, ``J. K. Rowling``, ``г.``, ``т. е.``. The price: "عام 1950 م. ثم" stays one
  sentence. Joining two sentences costs little (the chunker bounds the length); cutting one in
  two costs a wrong translation.
- Not after a letters-and-dots abbreviation (``U.S.``, ``ق.م.``, ``т.е.``) or a listed one (Mr.
  Dr. Prof. etc.; Russian гг. др. млн. ...). ``إلخ.`` and ``etc.`` are NOT listed: in news they
  almost always close a sentence.
- Not after a list number at the start of a line (``1.`` ``١.``).
- Not before a lower-case letter (Latin, Cyrillic): "approx. two", "and then... he left" go on.
  Arabic has no case, so an Arabic ellipsis followed by a space always ends the sentence.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

_TERMINATORS = ".!?؟…۔‼⁇⁈⁉"
_TERM_RUN = re.compile(f"[{re.escape(_TERMINATORS)}]+")
_TERM_RUN_LIST = re.compile(f"[{re.escape(_TERMINATORS)}؛;]+")
# What may follow a terminator and still belong to the sentence it ends.
_CLOSERS = frozenset("\"'”’»›)]}〉」』")
_OPENERS = frozenset("\"'“‘«‹„‚([{〈「『")

_ABBREVIATIONS = frozenset(
    # English: titles, companies, months, references
    "Mr Mrs Ms Mme Mlle Messrs Dr Prof Rev Hon St Jr Sr Gen Col Lt Sgt Capt Cmdr Adm Gov Sen "
    "Rep Pres Amb Inc Ltd Co Corp Bros Dept Univ Ave Blvd Mt Ft No Nos vs Vol vol pp Fig fig "
    "al approx cf Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    # Russian: years, centuries, units, titles
    "гг вв др пр им ул пл пер ст стр см тыс млн млрд трлн руб коп проф акад ген тел рис табл "
    "обл р-н кв".split()
)
# "U.S", "e.g", "ق.م", "ج.م.ع", "т.е": groups of one or two letters joined by dots.
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}$")
_LIST_NUMBER = re.compile(r"^\(?\d{1,3}$")
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670]")
_QUOTES = re.compile("[\"'“”„‟‘’‚‛«»‹›]")
# Quote characters of one group match each other; « » and ‹ › have a fixed direction.
_GROUP = {c: "d" for c in "\"“”„‟"} | {c: "s" for c in "'‘’‚‛"}
_GROUP |= {"«": "g", "»": "g", "‹": "a", "›": "a"}
_TOKEN_LOOKBACK = 40
_MAX_OPEN = 32


def split_sentences(text: str, *, list_item: bool = False) -> list[str]:
    """Split ``text`` into sentences; every non-space character ends up in exactly one of them.

    ``list_item`` makes ``؛`` / ``;`` followed by a space end a sentence too (a list item's
    separator). Sentences are stripped; empty ones are dropped.
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.extend(_split_line(line, _TERM_RUN_LIST if list_item else _TERM_RUN))
    return out


def _split_line(line: str, terminators: re.Pattern[str]) -> list[str]:
    spans = _quote_spans(line)
    starts = [a for a, _ in spans]
    n = len(line)
    pieces: list[str] = []
    begin = 0
    for m in terminators.finditer(line):
        s, e = m.span()
        if spans:
            k = bisect.bisect_right(starts, s) - 1
            if k >= 0 and spans[k][0] < s < spans[k][1]:
                continue
        end = e
        while end < n and line[end] in _CLOSERS:
            end += 1
        if end >= n or not line[end].isspace():
            continue
        if not _ends_sentence(line, s, e, end):
            continue
        if not any(c.isalnum() for c in line[begin:s]):
            continue  # "… وقال": a lone ellipsis or "!!" opens the next sentence
        piece = line[begin:end].strip()
        if piece:
            pieces.append(piece)
        begin = end
    rest = line[begin:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _ends_sentence(line: str, s: int, e: int, end: int) -> bool:
    """Whether the terminator run ``line[s:e]`` (followed by whitespace at ``end``) ends one."""
    nxt = end
    while nxt < len(line) and (line[nxt].isspace() or line[nxt] in _OPENERS):
        nxt += 1
    if nxt < len(line) and line[nxt].islower():
        return False  # Latin/Cyrillic continuation in lower case
    if line[s:e] != ".":
        return True
    lo = max(0, s - _TOKEN_LOOKBACK)
    start = max(line.rfind(" ", lo, s), line.rfind("\t", lo, s)) + 1 or lo
    raw = line[start:s]
    token = _MARKS.sub("", raw.lstrip("".join(_OPENERS)))
    if not token:
        return True
    if len(token) == 1 and token.isalpha():
        return False  # an initial or one-letter abbreviation: "ج." "J." "г." "م."
    if token in _ABBREVIATIONS or _DOTTED.match(token):
        return False
    # "1." or "١." opening a line numbers a list item; it does not end a sentence.
    return not (start == 0 and _LIST_NUMBER.match(raw))


def _quote_spans(line: str) -> list[tuple[int, int]]:
    """Outermost spans ``(open, close)`` of matched quote pairs, sorted and merged."""
    if not _QUOTES.search(line):
        return []
    stack: list[tuple[str, int]] = []  # (group, position) of open quotes
    pairs: list[tuple[int, int]] = []
    n = len(line)
    for m in _QUOTES.finditer(line):
        i, c = m.start(), m.group()
        group = _GROUP[c]
        if c in "«‹":
            stack.append((group, i))
            if len(stack) > _MAX_OPEN:
                del stack[0]
            continue
        can_close = c not in "„‚" and (i + 1 == n or _boundary(line[i + 1]))
        can_open = c not in "»›" and (i == 0 or _boundary(line[i - 1]))
        if c in "»›":
            can_close = True
        open_at = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == group), -1)
        if can_close and open_at >= 0:
            pairs.append((stack[open_at][1], i))
            del stack[open_at:]
        elif can_open:
            stack.append((group, i))
            if len(stack) > _MAX_OPEN:  # a line of stray quotes must not make this quadratic
                del stack[0]
    if not pairs:
        return []
    pairs.sort()
    merged = [pairs[0]]
    for a, b in pairs[1:]:
        if a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _boundary(c: str) -> bool:
    """Whitespace or punctuation: where a quote can open (before it) or close (after it)."""
    return c.isspace() or unicodedata.category(c)[0] in "PSZ"
