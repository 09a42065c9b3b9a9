"""The seed references and the sentence pairs made from them (see seeds/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.article import Article, Role
from translate.models.fixture import read_pairs_tsv
from translate.segment import segment_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
STEM = "lavrov-sahel-2025-04-03"


def page(lang: str) -> Article:
    return segment_text((SEEDS / f"{STEM}.{lang}.txt").read_text(encoding="utf-8"),
                        source=f"{STEM}.{lang}.txt")


def sentences(lang: str) -> list[tuple[str, str]]:
    return [(s.id, s.text) for s in page(lang).sentences()]


@pytest.mark.parametrize(("lang", "switcher", "offers"), [
    ("ar", "Ru En", ["ru", "en"]),
    ("en", "Ar Ru", ["ar", "ru"]),
    ("ru", "Ar En", ["ar", "en"]),
], ids=["ar", "en", "ru"])
def test_each_page_starts_with_its_language_switcher(lang, switcher, offers):
    art = page(lang)
    assert art.blocks[0].text == switcher
    assert art.blocks[0].role is Role.CHROME
    assert art.languages == offers


@pytest.mark.parametrize(("lang", "title", "dateline"), [
    ("en", "Lavrov holds talks in Moscow", "03 April"),
    ("ru", "Лавров проводит в Москве переговоры", "03 апреля"),
], ids=["en", "ru"])
def test_title_and_dateline_follow_the_switcher(lang, title, dateline):
    art = page(lang)
    assert art.blocks[1].role is Role.TITLE and art.blocks[1].text.startswith(title)
    assert art.blocks[2].role is Role.DATELINE and art.blocks[2].text == dateline
    assert [b.role for b in art.blocks[-3:]] == [Role.CREDIT] * 3


@pytest.mark.parametrize("name", [
    "Sergei Lavrov", "Karamoko Jean-Marie Traoré", "Abdoulaye Diop", "Bakary Yaou Sangaré",
    "Vasily Nebenzya", "Alliance of Sahel States (AES)", "ECOWAS", "Le Monde", "TASS",
    "Сергей Лавров", "Карамоко Жан-Мари Траоре", "Абдулай Диоп", "Бакари Яу Сангаре",
    "Василий Небензя", "Альянс государств Сахеля (АГС)", "ЭКОВАС", "ТАСС",
], ids=lambda n: n)
def test_names_are_spelled_as_the_press_spells_them(name):
    lang = "ru" if any("\u0400" <= c <= "\u04ff" for c in name) else "en"
    assert name in (SEEDS / f"{STEM}.{lang}.txt").read_text(encoding="utf-8")


def _block_sizes(lang: str) -> dict[str, int]:
    return {b.id: len(b.sentences) for b in page(lang).translatable_blocks}


@pytest.mark.parametrize(("lang", "block", "sentences_in_block"), [
    ("ar", "p4", 1), ("en", "p4", 2), ("ru", "p4", 1),  # en splits ar p4.s1 in two
    ("ar", "p9", 1), ("ar", "p10", 1), ("en", "p9", 2),  # en merges ar p9 + p10
    ("ar", "p12", 2), ("en", "p11", 1), ("en", "p12", 1),  # en splits ar p12
    ("ar", "p6", 2), ("ru", "p6", 1), ("ru", "p7", 1),  # ru splits ar p6
    ("ar", "p8", 2), ("ru", "p9", 1),  # ru joins ar p8's two sentences
    ("ar", "p20", 1), ("ar", "p21", 1), ("ru", "p21", 2),  # ru merges ar p20 + p21
], ids=lambda v: str(v))
def test_documented_merges_and_splits(lang, block, sentences_in_block):
    assert _block_sizes(lang)[block] == sentences_in_block


def test_pages_have_the_documented_sizes():
    assert (len(_block_sizes("ar")), len(_block_sizes("en")), len(_block_sizes("ru"))) == \
        (25, 25, 25)  # one merge and one split each: the block counts stay equal
    assert (len(sentences("ar")), len(sentences("en")), len(sentences("ru"))) == (28, 29, 27)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pair_sources_are_exactly_the_segmenters_arabic_sentences(lang):
    pairs = read_pairs_tsv(DATA / f"seed_pairs.ar-{lang}.tsv")
    assert [s for s, _ in pairs] == [t for _, t in sentences("ar")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pair_targets_joined_give_the_reference_back(lang):
    targets = " ".join(t for _, t in read_pairs_tsv(DATA / f"seed_pairs.ar-{lang}.tsv"))
    assert targets == " ".join(t for _, t in sentences(lang))


@pytest.mark.parametrize(("lang", "arabic_id", "target"), [
    ("en", "p4.s1", "Russian Foreign Minister Sergei Lavrov is scheduled to hold talks"),
    ("en", "p10.s1", "On 6 July 2024, they announced the formation of the Confederation"),
    ("ru", "p8.s1", "В последние годы в регионе Сахеля"),
    ("ru", "p8.s2", "антифранцузские настроения привели"),
    ("ru", "p26.s1", "Источник: ТАСС"),
], ids=["en-split-sentence", "en-merged-paragraph", "ru-joined-1", "ru-joined-2", "ru-credit"])
def test_pairs_map_each_arabic_sentence_to_its_translation(lang, arabic_id, target):
    ar = dict(sentences("ar"))
    pairs = dict(read_pairs_tsv(DATA / f"seed_pairs.ar-{lang}.tsv"))
    assert pairs[ar[arabic_id]].startswith(target)
