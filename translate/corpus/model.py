"""The corpus's one data model: a three-way unit, its sides per language and scores per pair.

A ``Unit`` is made from the aligner's beads (``translate.corpus.units.build_units``), written and
read by the store (``translate.corpus.store``) and the Parquet shards, and taken as it is by
every export (``translate.corpus.export``), the statistics and the reading page
(``translate.corpus.page`` → ``translate.render.sidebyside``)::

    Unit(id="3f9a0c1d2e4b-u0007", ordinal=7, kind="ar2-en1-ru2",
         sides={"ar": Side(["p9.s1", "p10.s1"], "…"), "en": Side(["p8.s1"], "…"), ...},
         pairs={"ar-en": PairScore(bead="2-1", method="auto", align_score=0.93, mt="…",
                                   bleu=41.2, chrf=63.0, flags=[Flag("numbers", "…")]), ...})

``align_score`` is the probability that the unit's bead in that pair is right
(``translate.align.calibration``); ``bleu`` / ``chrf`` score the MT of the source side against
the reference side (0-100). A unit read from the store also says where it comes from
(``article``, ``version``). Nothing here imports more than the article model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from translate.article import Flag

SOURCE_LANG = "ar"


@dataclass
class Side:
    """One language's part of a unit: its sentence ids and their text joined."""

    segment_ids: list[str]
    text: str


@dataclass
class PairScore:
    """One pair of a unit (``ar-en``): how its bead was aligned and how good its MT is."""

    bead: str = ""  # "1-2"; "1-0" / "0-1" when a side is missing
    method: str = ""  # the aligner
    align_score: float | None = None  # P(the bead is right); 0 for a missing side
    mt: str | None = None  # MT of the source side (None without one)
    bleu: float | None = None  # sentence BLEU of mt against the reference side
    chrf: float | None = None
    flags: list[Flag] = field(default_factory=list)  # the QA checks' flags on the MT

    @property
    def aligned(self) -> bool:
        """Both sides are there (not a 1-0 / 0-1)."""
        return "0" not in self.bead.split("-")

    def to_dict(self) -> dict[str, Any]:
        return {"bead": self.bead, "method": self.method, "align": self.align_score,
                "bleu": self.bleu, "chrf": self.chrf, "mt": self.mt,
                "flags": [f.to_dict() for f in self.flags]}


def flags_from_json(text: str | None) -> list[Flag]:
    """QA flags as the store and the shards keep them (a JSON list of objects)."""
    return [Flag(f["check"], f["message"], f.get("severity", "warning"))
            for f in json.loads(text or "[]")]


def flags_to_json(flags: list[Flag]) -> str:
    return json.dumps([f.to_dict() for f in flags], ensure_ascii=False)


@dataclass
class Unit:
    """A three-way unit: one id shared by its sides in every language."""

    ordinal: int  # 1, 2, ... in reading order within its article
    sides: dict[str, Side]  # only the languages the unit has
    pairs: dict[str, PairScore]  # "ar-en" → scores
    kind: str = ""  # sentences per language of the article, e.g. "ar2-en1-ru2"
    id: str = ""  # set when stored (``store.unit_id``)
    article: str = ""  # the article's source, when read from a store
    version: int = 0  # the article's version, when read from a store

    @staticmethod
    def kind_of(sides: dict[str, Side], langs: list[str]) -> str:
        return "-".join(f"{lang}{len(sides[lang].segment_ids) if lang in sides else 0}"
                        for lang in langs)

    def has(self, langs: list[str]) -> bool:
        """Whether the unit has a side in every language of ``langs``."""
        return all(lang in self.sides for lang in langs)


@dataclass
class Alignment:
    """An article's units in reading order, as the reading page shows them beside the Arabic.

    ``method`` names the aligner in the page's legend; a unit's Arabic side names the article's
    sentence ids, its other sides carry the reference text, and its pairs the scores and MT.
    """

    units: list[Unit]
    method: str = ""
