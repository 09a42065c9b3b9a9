"""Training-pair filters, OpusFilter style: small classes with one contract, each counted.

A ``PairFilter`` scores one candidate pair (``score``) and says whether that score passes
(``accept``); ``corpus split`` runs them in ``pipeline`` order and reports, per filter, how many
pairs it removed (a pair is charged to the first filter that rejects it). Duplicates are a
property of a set, not of a pair: ``Deduplicator`` removes exact and near-duplicate pairs inside
a split and any pair whose source is already in a split that ranks higher (test, then dev, then
train), so a test sentence never reaches training.

Near-duplicates compare ``near_key``: NFKC, case folded, Arabic harakat and tatweel dropped,
digits, punctuation and symbols dropped, whitespace collapsed (as OpusFilter's
``DuplicateRemover`` with its letters-only normaliser).
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from translate.errors import UsageError

_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
#: Letters of the script each language is written in (for the wrong-script filter).
SCRIPTS = {"ar": re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
           "en": re.compile("[A-Za-z]"),
           "ru": re.compile("[\u0400-\u04ff]")}


@dataclass(frozen=True)
class Candidate:
    """One unit of the corpus as a training pair."""

    article: str
    unit: str  # the unit id in the corpus
    source: str
    target: str
    bead: str  # "1-1", "2-1", "1-0" ...
    align_score: float


def near_key(text: str) -> str:
    """``text`` reduced to its letters (see the module docstring)."""
    text = _HARAKAT.sub("", unicodedata.normalize("NFKC", text).casefold())
    kept = [c if unicodedata.category(c)[0] in "LM" else " " for c in text]
    return " ".join("".join(kept).split())


class PairFilter(ABC):
    """Score one pair; accept or reject that score. ``name`` is what the manifest counts."""

    name: str

    @abstractmethod
    def score(self, pair: Candidate) -> float:
        """A number for the pair (what a user would inspect to tune the threshold)."""

    @abstractmethod
    def accept(self, score: float) -> bool:
        """Whether a pair with this score is kept."""

    def keeps(self, pair: Candidate) -> bool:
        return self.accept(self.score(pair))

    def describe(self) -> str:
        return (self.__doc__ or "").strip().splitlines()[0]


class Unaligned(PairFilter):
    """Removes empty sides and 1-0 / 0-1 beads (nothing to translate into, or from).

    Why: the aligner keeps every sentence, paired or not; an unpaired one trains the model to
    drop or invent a sentence."""

    name = "unaligned"

    def score(self, pair: Candidate) -> float:
        sides = pair.bead.split("-")
        return float(bool(pair.source.strip() and pair.target.strip()) and "0" not in sides)

    def accept(self, score: float) -> bool:
        return score == 1.0


class MinAlignScore(PairFilter):
    """Removes pairs whose calibrated alignment score is below the threshold.

    Why: the score is the probability that the bead is right; below it, a pair is more likely
    a misalignment (two unrelated sentences) than a translation."""

    name = "min-score"

    def __init__(self, threshold: float) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise UsageError(f"--min-score must be between 0 and 1, got {threshold}")
        self.threshold = threshold

    def score(self, pair: Candidate) -> float:
        return pair.align_score

    def accept(self, score: float) -> bool:
        return score >= self.threshold


class LengthRatio(PairFilter):
    """Removes pairs whose length ratio is outside the range learned from NTREX for the pair.

    Why: a target three times the source's length is a merge the aligner got wrong or a
    translation with an added passage. The range and the slack for short sources are the QA
    length check's (translate/checks/length.py, translate/data/length_ratios.tsv)."""

    name = "length-ratio"

    def __init__(self, src_lang: str, tgt_lang: str) -> None:
        from translate.checks.length import LengthCheck

        self._check = LengthCheck(src_lang=src_lang)
        self.tgt_lang = tgt_lang

    def score(self, pair: Candidate) -> float:
        """1 inside the range (which depends on the source's length), 0 outside."""
        return float(not self._check.check(pair.source, pair.target, self.tgt_lang))

    def accept(self, score: float) -> bool:
        return score == 1.0


class SourceCopy(PairFilter):
    """Removes pairs whose target is the source copied (same letters once normalised).

    Why: an untranslated reference (a name list, a quote left in Arabic) teaches the model to
    copy its input."""

    name = "copy"

    def score(self, pair: Candidate) -> float:
        return float(near_key(pair.source) == near_key(pair.target))

    def accept(self, score: float) -> bool:
        return score == 0.0


class WrongScript(PairFilter):
    """Removes pairs where a side is not mostly in its language's script (Arabic source
    without Arabic letters, an English target in Arabic).

    Why: a reference page's chrome, a caption in another language or a mis-assigned
    paragraph is not a translation of the source."""

    name = "script"
    MIN_SHARE = 0.5  # of a side's letters in its own script

    def __init__(self, src_lang: str, tgt_lang: str) -> None:
        self.langs = (src_lang, tgt_lang)

    @staticmethod
    def share(text: str, lang: str) -> float:
        letters = [c for c in text if c.isalpha()]
        pattern = SCRIPTS.get(lang)
        if pattern is None or not letters:
            return 1.0 if pattern is None else 0.0
        return sum(1 for c in letters if pattern.match(c)) / len(letters)

    def score(self, pair: Candidate) -> float:
        return min(self.share(pair.source, self.langs[0]), self.share(pair.target, self.langs[1]))

    def accept(self, score: float) -> bool:
        return score >= self.MIN_SHARE


def pipeline(src_lang: str, tgt_lang: str, min_score: float) -> list[PairFilter]:
    """The per-pair filters in the order they are charged."""
    # a copy is charged as a copy, not as the wrong script it also is on the target side
    return [Unaligned(), MinAlignScore(min_score), SourceCopy(),
            WrongScript(src_lang, tgt_lang), LengthRatio(src_lang, tgt_lang)]


#: Set-level removals the manifest counts beside the filters, with what each means.
DEDUP_COUNTS = {
    "duplicate": "the same pair (exact text) already kept in this split",
    "near-duplicate": "the same pair once normalised (case, harakat, digits, punctuation)",
    "leak": "its source (normalised) is in a split that ranks higher: test, then dev, then "
            "train",
}


class Deduplicator:
    """Keeps each pair once per split and each source in one split only.

    Feed the splits in rank order (test first): a source seen in an earlier split is a leak in
    every later one, so the test set never shares a sentence with dev or train."""

    def __init__(self) -> None:
        self._earlier: set[str] = set()  # normalised sources of the splits already done

    def split(self, pairs: Iterable[Candidate], counts: dict[str, int]) -> list[Candidate]:
        exact: set[tuple[str, str]] = set()
        near: set[tuple[str, str]] = set()
        sources: set[str] = set()
        kept = []
        for p in pairs:
            key = (near_key(p.source), near_key(p.target))
            why = ("leak" if key[0] in self._earlier else
                   "duplicate" if (p.source, p.target) in exact else
                   "near-duplicate" if key in near else None)
            if why is not None:
                counts[why] = counts.get(why, 0) + 1
                continue
            exact.add((p.source, p.target))
            near.add(key)
            sources.add(key[0])
            kept.append(p)
        self._earlier |= sources
        return kept
