"""Segment QA checks: each with Arabic sources and English / Russian translations.

False positives matter as much as hits: a flag on every good segment would be ignored, so every
check has a table of correct translations that must stay clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.article import Flag
from translate.checks import CHECKS, better, flag_cost, get_checks, run_checks
from translate.checks.length import LengthCheck, learn_range, parse_ranges, shipped_ranges
from translate.errors import UsageError

SEED_AR = "في 6 سبتمبر/أيلول 2023، أسست هذه الدول الثلاث رسمياً تحالف دول الساحل"
SEED_EN = ("On 6 September 2023, the three countries formally established the Alliance of "
           "Sahel States")
SEED_RU = "6 сентября 2023 года эти три страны официально создали Альянс государств Сахеля"
NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex128"


def names(flags: list[Flag]) -> list[str]:
    return [f.check for f in flags]


# --- numbers and dates -------------------------------------------------------------------

NUMBERS_OK = [
    (SEED_AR, SEED_EN, "en"),
    (SEED_AR, SEED_RU, "ru"),
    ("بلغ التضخم ٣٫٥٪ في كانون الثاني ٢٠٢٤", "Inflation reached 3.5% in January 2024", "en"),
    ("بلغ التضخم ٣٫٥٪ في كانون الثاني ٢٠٢٤", "Инфляция достигла 3,5% в январе 2024 года", "ru"),
    ("بلغ التضخم ۳٫۵ في المئة", "Inflation reached 3.5 per cent", "en"),
    ("قتل ١٬٢٥٠ شخصا", "1,250 people were killed", "en"),
    ("قتل ١٬٢٥٠ شخصا", "1250 people were killed", "en"),
    ("قتل ١٬٢٥٠ شخصا", "Погибли 1\u00a0250 человек", "ru"),
    ("قتل ١٬٢٥٠ شخصا", "Погибли 1\u2009250 человек", "ru"),
    ("قتل 1,250 شخصا", "Погибли 1250 человек", "ru"),
    ("٠٣ أبريل", "April 3", "en"),
    ("٠٣ أبريل", "3 апреля", "ru"),
    ("اليوم الخميس 3 ابريل/نيسان 2025", "Today, Thursday, 3 April 2025", "en"),
    ("في 6 يوليو/تموز 2024", "On 6 July 2024", "en"),
    ("في 28 يناير/كانون الثاني 2024", "28 января 2024 года", "ru"),
    ("في 15 آذار 2022", "On March 15, 2022", "en"),
    ("في 15 مارس 2022", "15 марта 2022 г.", "ru"),
    ("في 1 حزيران 2020", "On 1 June 2020", "en"),
    ("في 9 أيار 2021", "9 мая 2021 года", "ru"),
    ("في 12 ديسمبر 2019", "12.12.2019", "ru"),
    ("بين عامي 2022 و2023", "between 2022 and 2023", "en"),
    ("وصلت 3 وفود", "Three delegations arrived", "en"),
    ("وصلت 3 وفود", "Прибыли три делегации", "ru"),
    ("بلغت الخسائر 1.5 مليون دولار", "Losses reached $1.5 million", "en"),
    ("بلغت الخسائر 1500000 دولار", "Losses reached $1.5 million", "en"),
    ("بلغت الخسائر 2 مليار دولار", "Убытки составили 2 млрд долларов", "ru"),
    ("مارس الرياضة لسنوات", "He did sports for years", "en"),  # مارس as a verb, no date
    ("قال الأب إن", "The father said", "en"),  # no digits: nothing to check
]
NUMBERS_OK_IDS = [
    "seed-en", "seed-ru", "arabic-indic-decimal-percent-en", "arabic-indic-decimal-percent-ru",
    "extended-digits-fi-al-mia", "thousands-comma-en", "thousands-none-en", "thousands-nbsp-ru",
    "thousands-thin-ru", "western-thousands-ru", "seed-dateline-en", "seed-dateline-ru",
    "seed-april-nisan-en", "july-tammuz-en", "january-kanun-ru", "levantine-adhar-en",
    "egyptian-maris-ru", "levantine-haziran-en", "levantine-ayyar-ru", "numeric-date-ru",
    "wa-prefix-year", "word-three-en", "word-three-ru", "million-en", "scaled-million-en",
    "milliard-ru", "maris-verb", "no-digits",
]


@pytest.mark.parametrize(("source", "translation", "lang"), NUMBERS_OK, ids=NUMBERS_OK_IDS)
def test_numbers_accepts_correct_translations(source: str, translation: str, lang: str) -> None:
    assert run_checks(source, translation, lang, checks=["numbers"]) == []


NUMBERS_BAD = [
    (SEED_AR, "On 6 September 2024, the three countries founded the Alliance", "en", "2023"),
    (SEED_AR, "In September 2023, the three countries founded the Alliance", "en", "6"),
    (SEED_AR, "On 6 2023, the three countries founded the Alliance", "en", "September"),
    (SEED_AR, "6 2023 года эти три страны создали Альянс", "ru", "September"),
    ("بلغ التضخم ٣٫٥٪", "Inflation reached 35%", "en", "٣٫٥"),
    ("بلغ التضخم ٣٫٥٪", "Инфляция достигла 3,5", "ru", "percent"),
    ("بلغ التضخم 3.5%", "Inflation reached 3,5%", "en", "3.5"),  # Russian decimal in English
    ("قتل ١٬٢٥٠ شخصا", "125 people were killed", "en", "1250"),
    ("في 28 يناير/كانون الثاني 2024", "28 февраля 2024 года", "ru", "January"),
    ("في 4 شباط 2021", "On 4 March 2021", "en", "February"),
]
NUMBERS_BAD_IDS = ["wrong-year", "missing-day", "missing-month-en", "missing-month-ru",
                   "decimal-lost", "percent-lost", "wrong-decimal-mark-en", "thousands-lost",
                   "wrong-month-ru", "wrong-month-shubat"]


@pytest.mark.parametrize(("source", "translation", "lang", "named"), NUMBERS_BAD,
                         ids=NUMBERS_BAD_IDS)
def test_numbers_flags_what_is_missing(source: str, translation: str, lang: str,
                                       named: str) -> None:
    flags = run_checks(source, translation, lang, checks=["numbers"])
    assert names(flags) == ["numbers"]
    assert named in flags[0].message


def test_numbers_unknown_language_still_checks_digits() -> None:
    assert run_checks("عام 2023", "année 2023", "fr", checks=["numbers"]) == []
    assert names(run_checks("عام 2023", "année 2022", "fr", checks=["numbers"])) == ["numbers"]


# --- untranslated ------------------------------------------------------------------------

UNTRANSLATED = [
    ("وقال لافروف إن روسيا مستعدة", "Lavrov said Russia was ready", "en", None),
    ("وقال لافروف إن روسيا مستعدة", "Лавров заявил, что Россия готова", "ru", None),
    ("وقالت حركة حماس", "The movement “حماس” said", "en", None),
    ("وقالت حركة حماس", "Движение «حماس» заявило", "ru", None),
    ("وقال لافروف إن روسيا مستعدة", "Lavrov said that روسيا مستعدة", "en", "warning"),
    ("وقال لافروف إن روسيا مستعدة", "Лавров заявил, что روسيا готова", "ru", "warning"),
    ("وقال لافروف إن روسيا مستعدة", "وقال لافروف إنَّ روسيا مستعدة", "en", "error"),
    ("COVID-19", "COVID-19", "en", None),  # no Arabic: copying through is right
]


@pytest.mark.parametrize(("source", "translation", "lang", "severity"), UNTRANSLATED,
                         ids=["clean-en", "clean-ru", "quoted-name-en", "quoted-name-ru",
                              "leftover-en", "leftover-ru", "equals-source", "latin-copy"])
def test_untranslated(source: str, translation: str, lang: str, severity: str | None) -> None:
    flags = run_checks(source, translation, lang, checks=["untranslated"])
    assert [f.severity for f in flags] == ([severity] if severity else [])


def test_untranslated_names_the_leftover_word() -> None:
    flags = run_checks("قال الرئيس", "The President said الرئيس", "en", checks=["untranslated"])
    assert "الرئيس" in flags[0].message


# --- repetition --------------------------------------------------------------------------

REPETITION = [
    ("وقال الوزير", "of the United States of the United States of the United States", "en", True),
    ("وقال الوزير", "the the the the ministry", "en", True),
    ("وقال الوزير", "министр министр министр министр заявил", "ru", True),
    ("وقال الوزير", "Russia, Russia, Russia, Russia, Russia", "en", True),
    ("وقال الوزير", "ааааааааааааааааааа", "ru", True),
    (SEED_AR, SEED_EN, "en", False),
    (SEED_AR, SEED_RU, "ru", False),
    ("ها ها ها ها", "ha ha ha ha", "en", False),  # the source repeats itself
    ("قال إنه يجب العمل والعمل", "He said we must work and work", "en", False),
    ("مليار", "1000000000", "en", False),  # zeros are not a loop
    ("", "very, very good", "en", False),
]


@pytest.mark.parametrize(("source", "translation", "lang", "flagged"), REPETITION,
                         ids=["phrase-loop", "word-loop-en", "word-loop-ru", "comma-loop",
                              "char-loop", "seed-en", "seed-ru", "source-loops", "work-and-work",
                              "zeros", "very-very"])
def test_repetition(source: str, translation: str, lang: str, flagged: bool) -> None:
    flags = run_checks(source, translation, lang, checks=["repetition"])
    assert names(flags) == (["repetition"] if flagged else [])


# --- length ------------------------------------------------------------------------------

LENGTH = [
    (SEED_AR, SEED_EN, "en", None),
    (SEED_AR, SEED_RU, "ru", None),
    (SEED_AR, "On 6 September 2023.", "en", "short"),
    (SEED_AR, "6 сентября 2023 года.", "ru", "short"),
    (SEED_AR, SEED_EN + ", " + SEED_EN + " and so on and so forth.", "en", "long"),
    (SEED_AR, SEED_RU + ", " + SEED_RU + " и так далее.", "ru", "long"),
    (SEED_AR, "", "en", "short"),
    ("٠٣ أبريل", "April 3", "en", None),  # short source: tolerant bound
    ("٠٣ أبريل", "3 апреля", "ru", None),
    ("أبريل", "Lorem ipsum dolor sit amet, consectetur adipiscing elit", "en", "long"),
    (SEED_AR, "x", "fr", None),  # no range learned for ar-fr: nothing to compare
]


@pytest.mark.parametrize(("source", "translation", "lang", "side"), LENGTH,
                         ids=["seed-en", "seed-ru", "short-en", "short-ru", "long-en", "long-ru",
                              "empty", "short-source-en", "short-source-ru", "short-source-long",
                              "unknown-pair"])
def test_length(source: str, translation: str, lang: str, side: str | None) -> None:
    flags = run_checks(source, translation, lang, checks=["length"])
    if side is None:
        assert flags == []
    else:
        assert names(flags) == ["length"]
        assert f"too {side}" in flags[0].message


def test_shipped_ranges_cover_both_pairs() -> None:
    ranges = shipped_ranges()
    for tgt in ("en", "ru"):
        r = ranges[("ar", tgt)]
        assert 0.3 < r.low < 1.0 < r.high < 3.0
        assert r.lines > 1000


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex128 is not beside the repo")
def test_shipped_ranges_match_ntrex() -> None:
    from translate.fsio import read_lines

    ar = read_lines(NTREX / "newstest2019-ref.arb.txt")
    for tgt, name in (("en", "newstest2019-src.eng.txt"), ("ru", "newstest2019-ref.rus.txt")):
        learned = learn_range("ar", tgt, ar, read_lines(NTREX / name))
        shipped = shipped_ranges()[("ar", tgt)]
        assert learned.low == pytest.approx(shipped.low, abs=1e-4)
        assert learned.high == pytest.approx(shipped.high, abs=1e-4)


def test_length_check_with_custom_ranges() -> None:
    table = "src\ttgt\tlines\tlow\thigh\tmean_log\tsd_log\nar\tde\t100\t0.9\t1.1\t0\t0.1\n"
    check = LengthCheck(parse_ranges(table))
    assert check.check("مرحبا بالعالم كله", "Hallo ganze Welt", "de") == []
    assert check.check("مرحبا بالعالم كله", "Hallo", "de")[0].check == "length"


# --- truncation, registry, better --------------------------------------------------------


@pytest.mark.parametrize(("hit_limit", "expected"), [(True, ["error"]), (False, [])],
                         ids=["hit-limit", "finished"])
def test_truncation(hit_limit: bool, expected: list[str]) -> None:
    flags = run_checks(SEED_AR, SEED_EN, "en", hit_limit=hit_limit, checks=["truncation"])
    assert [f.severity for f in flags] == expected


@pytest.mark.parametrize(("source", "translation", "lang"),
                         [(SEED_AR, SEED_EN, "en"), (SEED_AR, SEED_RU, "ru")],
                         ids=["seed-en", "seed-ru"])
def test_good_translation_passes_every_check(source: str, translation: str, lang: str) -> None:
    assert run_checks(source, translation, lang) == []


def test_registry_and_unknown_names() -> None:
    assert set(CHECKS) == {"numbers", "untranslated", "repetition", "length", "truncation"}
    assert [c.name for c in get_checks(["length", "numbers"])] == ["length", "numbers"]
    with pytest.raises(UsageError, match=r"unknown check.*nubmers"):
        get_checks(["nubmers"])
    with pytest.raises(UsageError):
        run_checks("a", "b", "en", checks=["spelling"])


ERR, WARN = Flag("repetition", "loop", "error"), Flag("numbers", "missing 3", "warning")


@pytest.mark.parametrize(("a", "b", "keep"), [
    ([ERR], [WARN], 1), ([WARN], [ERR], 0), ([WARN, WARN], [WARN], 1), ([WARN], [WARN], 0),
    ([], [], 0), ([ERR], [WARN, WARN, WARN], 1),
], ids=["error-vs-warning", "warning-vs-error", "fewer-warnings", "tie-keeps-first",
        "both-clean", "one-error-outweighs-warnings"])
def test_better(a: list[Flag], b: list[Flag], keep: int) -> None:
    assert better(a, b) == keep


def test_flag_cost_counts_errors_then_warnings() -> None:
    assert flag_cost([ERR, WARN, WARN]) == (1, 2)
