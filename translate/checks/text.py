"""Checks on the shape of the output text: untranslated, repetition loops, truncation."""

from __future__ import annotations

import re
import unicodedata

from translate.article import Flag
from translate.checks.base import ERROR, Check, base_lang, is_arabic_letter

# Targets written in Arabic script: Arabic letters in their output are expected, not leftovers.
_ARABIC_SCRIPT_LANGS = {"ar", "fa", "ur", "ps", "ckb", "sd", "ug"}
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Quoted spans ("...", «...», “...”, „...“, ‘...’) where a name may stay in its own script.
_QUOTED = re.compile(r'"[^"\n]{1,80}"|«[^»\n]{1,80}»|“[^”\n]{1,80}”|„[^“”\n]{1,80}[“”]'
                     r"|‘[^’\n]{1,80}’")
_MAX_QUOTED_WORDS = 6  # a name, not a whole untranslated quotation
_ARABIC_WORD = re.compile(r"[^\W\d_]+")


def _normalise(text: str) -> str:
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.casefold().split())


def _arabic_words(text: str) -> list[str]:
    return [w for w in _ARABIC_WORD.findall(text) if any(is_arabic_letter(c) for c in w)]


class UntranslatedCheck(Check):
    """Why: on input it cannot handle, opus-mt copies the source through, whole or in part, and
    the result still looks like output. A name kept in quotes (“حماس”) is tolerated."""

    name = "untranslated"

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        src_norm = _normalise(source)
        if src_norm and src_norm == _normalise(translation) and _arabic_words(source):
            return [self.flag("the translation equals the source", ERROR)]
        if base_lang(lang) in _ARABIC_SCRIPT_LANGS:
            return []

        def keep_names(m: re.Match[str]) -> str:
            return " " if len(m.group().split()) <= _MAX_QUOTED_WORDS else m.group()

        leftovers = _arabic_words(_QUOTED.sub(keep_names, translation))
        if not leftovers:
            return []
        shown = ", ".join(dict.fromkeys(leftovers[:8]))
        return [self.flag(f"Arabic script left in the translation ({len(leftovers)} "
                          f"word{'s' if len(leftovers) != 1 else ''}): {shown}")]


_TOKEN = re.compile(r"\w+")
_MAX_PERIOD = 8  # loops seen from opus-mt repeat a phrase of up to a few words
_MIN_RUN = {1: 4}  # a single word 4 times in a row; a 2-8 word phrase 3 times
_DEFAULT_RUN = 3
_CHAR_LOOP = re.compile(r"([^\W\d_]{1,6}?)\1{7,}")  # letters only: "1000000000" is no loop
_FREQ_MIN_COUNT = 8
_FREQ_MIN_SHARE = 0.4


def longest_loop(tokens: list[str]) -> tuple[int, int, int]:
    """(period, repeats, start) of the most repeated consecutive n-gram, n <= 8."""
    best = (0, 1, 0)
    for n in range(1, _MAX_PERIOD + 1):
        i = 0
        while i + 2 * n <= len(tokens):
            reps = 1
            while tokens[i + reps * n:i + (reps + 1) * n] == tokens[i:i + n]:
                reps += 1
            if reps >= _MIN_RUN.get(n, _DEFAULT_RUN) and reps > best[1]:
                best = (n, reps, i)
            i += 1
    return best


class RepetitionCheck(Check):
    """Why: opus-mt's known failure on odd input (lists, all-caps, very long sentences) is a
    decoding loop: "of the United States of the United States of the ...". A loop the source
    itself contains ("ها ها ها ها") is translated faithfully and not flagged."""

    name = "repetition"
    severity = ERROR

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        tokens = _TOKEN.findall(translation.casefold())
        src_loops = longest_loop(_TOKEN.findall(source.casefold()))[0] > 0
        period, reps, start = longest_loop(tokens)
        if period and not src_loops:
            phrase = " ".join(tokens[start:start + period])
            return [self.flag(f"repetition loop: {phrase!r} repeated {reps} times in a row")]
        m = _CHAR_LOOP.search(translation)
        if m and not _CHAR_LOOP.search(source):
            return [self.flag(f"repetition loop: {m.group(1)!r} repeated "
                              f"{len(m.group()) // len(m.group(1))} times")]
        if len(tokens) >= _FREQ_MIN_COUNT and not src_loops:
            word = max(set(tokens), key=tokens.count)
            count = tokens.count(word)
            if count >= _FREQ_MIN_COUNT and count / len(tokens) >= _FREQ_MIN_SHARE:
                return [self.flag(f"{word!r} makes up {count} of {len(tokens)} words",
                                  severity="warning")]
        return []


class TruncationCheck(Check):
    """Why: a hypothesis that reached the decoder's max length was cut, not finished; the end
    of the sentence is missing even when the text looks fluent."""

    name = "truncation"
    severity = ERROR

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        if not hit_limit:
            return []
        return [self.flag("the hypothesis reached the decoding length limit and is probably "
                          "cut off; split the sentence or raise the limit")]
