"""Language codes and the scripts they are written in: one rule for every command that labels
a text with a language (align's TMX ``xml:lang``, a fixture's tokenizer config).

A language left unsaid is read off the text's script (Arabic → ar, Cyrillic → ru, Latin → en:
the languages tarjama is built for); a language given is checked against the script, so a
Russian file is never written out as ``xml:lang="en"``.
"""

from __future__ import annotations

from collections.abc import Iterable

from translate.errors import UsageError

#: The language assumed for a text in a script when nothing names it.
SCRIPT_LANGS = {"Arabic": "ar", "Cyrillic": "ru", "Latin": "en"}
#: The script of the languages whose label can be checked (others are taken on trust).
LANG_SCRIPTS = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb"), "Arabic"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "mn"), "Cyrillic"),
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl",
                     "cs", "sk", "sl", "hr", "ro", "hu", "tr", "id", "ms", "vi", "et", "lv",
                     "lt", "ca", "eu", "gl", "sq", "sw"), "Latin"),
}


def script_of(lines: Iterable[str]) -> str | None:
    """The script most letters of ``lines`` are in, or None when there are no letters."""
    from translate.readers.detect import script_stats

    stats = script_stats("\n".join(lines))
    return stats.dominant if stats.letters else None


def language(given: str | None, lines: Iterable[str], what: str, option: str,
             default: str | None = None) -> str:
    """``given`` checked against the script of ``lines``; when not given, the script's
    language, else ``default``. A UsageError when they disagree or nothing tells; ``option``
    says how to name the language (``--to {lang}``)."""
    from translate.checks.base import base_lang

    script = script_of(lines)
    if given is None:
        found = SCRIPT_LANGS.get(script or "", default)
        if found is None:
            raise UsageError(f"{what}: cannot tell its language from its script "
                             f"({script or 'no letters'}); give {option.format(lang='LANG')}")
        return found
    expected = LANG_SCRIPTS.get(base_lang(given))
    if expected is not None and script is not None and script != expected:
        guess = SCRIPT_LANGS.get(script)
        raise UsageError(f"{what} is in {script} script, not {given} ({expected}): give "
                         f"{option.format(lang=guess or 'LANG')}")
    return given


def pair_in_name(name: str) -> tuple[str, str] | None:
    """``SRC-TGT`` written in a file name (``pairs.en-ru.tsv``), or None."""
    import re

    from translate.checks.base import base_lang

    found = re.findall(r"(?:^|[._])([a-z]{2,3})-([a-z]{2,3})(?=[._]|$)", name.lower())
    return (base_lang(found[-1][0]), base_lang(found[-1][1])) if found else None
