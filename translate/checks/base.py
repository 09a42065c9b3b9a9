"""The contract every segment check fills, and the language helpers the checks share."""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from translate.article import Flag

WARNING = "warning"
ERROR = "error"

# Three-letter and regional codes reach us from file names and test sets (ntrex's "rus").
_LANG_ALIASES = {"eng": "en", "rus": "ru", "ara": "ar", "arb": "ar"}


def base_lang(lang: str) -> str:
    """``en-US`` / ``eng`` / ``EN`` -> ``en``; unknown codes pass through lowercased."""
    code = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return _LANG_ALIASES.get(code, code)


def is_arabic_letter(ch: str) -> bool:
    """An Arabic-script letter or mark (digits and punctuation such as ، ؟ ٪ are not words)."""
    cp = ord(ch)
    in_block = (
        0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF
    )
    return in_block and unicodedata.category(ch)[0] in "LM"


class Check:
    """One segment check: ``check(source, translation, lang) -> list[Flag]``.

    ``source`` is Arabic, ``translation`` its translation into ``lang`` ("en", "ru", ...). A
    check that knows nothing about ``lang`` must degrade to the language-independent part of its
    test (or to no flags), never raise: the pipeline runs every check on every segment.
    ``hit_limit`` is decoder metadata (the hypothesis reached max length); only the truncation
    check reads it, the others accept and ignore it so that one call shape serves all.
    """

    name: ClassVar[str] = ""
    severity: ClassVar[str] = WARNING

    def check(
        self, source: str, translation: str, lang: str, *, hit_limit: bool = False
    ) -> list[Flag]:
        raise NotImplementedError

    def flag(self, message: str, severity: str | None = None) -> Flag:
        return Flag(check=self.name, message=message, severity=severity or self.severity)
