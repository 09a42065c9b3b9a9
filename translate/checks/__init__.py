"""Segment QA: small checks run on every translated segment (translate, corpus add, bench).

Each check is a class with one contract, ``check(source, translation, lang) -> list[Flag]``
(see ``translate.checks.base.Check``), registered by name in ``CHECKS`` as OpusFilter registers
its filters. ``run_checks`` runs the selected ones; ``better`` tells ``--retry-flagged`` which of
two translations of a segment to keep.

>>> run_checks("في 6 سبتمبر/أيلول 2023", "In 2023", "en", checks=["numbers"])[0].message
'missing from the translation: 6, month September (سبتمبر/أيلول)'
"""

from __future__ import annotations

from collections.abc import Sequence

from translate.article import Flag
from translate.checks.base import ERROR, WARNING, Check, base_lang
from translate.checks.length import LengthCheck
from translate.checks.numerals import NumbersCheck
from translate.checks.text import RepetitionCheck, TruncationCheck, UntranslatedCheck
from translate.errors import UsageError

__all__ = ["CHECKS", "ERROR", "WARNING", "Check", "base_lang", "better", "flag_cost",
           "get_checks", "run_checks"]

# Registry order is the order flags are reported in.
CHECKS: dict[str, type[Check]] = {
    c.name: c for c in (TruncationCheck, UntranslatedCheck, RepetitionCheck, NumbersCheck,
                        LengthCheck)
}


def get_checks(names: Sequence[str] | None = None) -> list[Check]:
    """Instances of the named checks (all when ``names`` is None); unknown names are an error."""
    if names is None:
        return [cls() for cls in CHECKS.values()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise UsageError(f"unknown check(s): {', '.join(unknown)}; "
                         f"choose from {', '.join(CHECKS)}")
    return [CHECKS[n]() for n in dict.fromkeys(names)]


def run_checks(
    source: str,
    translation: str,
    lang: str,
    *,
    hit_limit: bool = False,
    checks: Sequence[str] | None = None,
) -> list[Flag]:
    """Flags from the selected checks for one segment translated into ``lang``."""
    flags: list[Flag] = []
    for c in get_checks(checks):
        flags.extend(c.check(source, translation, lang, hit_limit=hit_limit))
    return flags


def flag_cost(flags: Sequence[Flag]) -> tuple[int, int]:
    """(errors, warnings): compared lexicographically, one error outweighs any warnings."""
    errors = sum(1 for f in flags if f.severity == ERROR)
    return errors, len(flags) - errors


def better(flags_a: Sequence[Flag], flags_b: Sequence[Flag]) -> int:
    """Index (0 or 1) of the translation to keep: fewer errors, then fewer warnings; a tie
    keeps the first, so a retry replaces the original only when it is strictly better."""
    return 1 if flag_cost(flags_b) < flag_cost(flags_a) else 0
