"""The models tarjama supports out of the box, with the scores their authors published.

Scores are copied from each model's card on the Hugging Face hub (Helsinki-NLP, OPUS-MT /
Tatoeba-Challenge evaluation files); they are the authors' numbers, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogEntry:
    model_id: str
    pair: str
    size: str
    scores: tuple[tuple[str, float, float], ...]  # (test set, BLEU, chrF as 0-1)
    source: str
    note: str = ""


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        "Helsinki-NLP/opus-mt-ar-en", "ar-en", "~300 MB fp32 (Marian base, 6+6 layers)",
        (("Tatoeba.ar.en", 49.4, 0.661),),
        "model card, OPUS-MT-train opus-2019-12-18 eval file",
        "default for --to en",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-ar-ru", "ar-ru", "~300 MB fp32 (Marian base, 6+6 layers)",
        (("Tatoeba-test.ara.rus", 42.5, 0.605),),
        "model card, Tatoeba-Challenge opus-2020-07-03 eval file",
        "default for --to ru",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-en-ru", "en-ru", "~300 MB fp32 (Marian base, 6+6 layers)",
        (("newstest2019-enru.en.ru", 27.1, 0.533), ("Tatoeba.en.ru", 48.4, 0.669)),
        "model card, OPUS-MT-train opus-2020-02-11 eval file",
        "second leg of --via en",
    ),
)
