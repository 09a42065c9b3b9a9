"""`corpus split`: the corpus's units of one pair → train / dev / test files, split by article.

Articles (the latest version of each source) are shuffled with the seed and dealt out: the
first ``test_articles`` to test, the next ``dev_articles`` to dev, the rest to train, so an
article is in exactly one split by construction. Each unit of the pair becomes a candidate
pair; the per-pair filters (``translate.train.filters``) remove what should not be learned from,
then the ``Deduplicator`` removes duplicates inside a split and, test first, any pair whose
source is already in a split that ranks higher: a test sentence never reaches dev or train.

What is written into the output directory (refused when it exists and is not empty, unless
``force``; built beside it and renamed into place whole)::

    train/train.ar  train/train.en  train/train.ids   (ids: article<TAB>unit id, a line each)
    dev/dev.ar      dev/dev.en      dev/dev.ids
    test/test.ar    test/test.en    test/test.ids
    manifest.json   (counts, every filter's removals, the articles of each split, the seed)

``tarjama bench --testset DIR/test`` and ``tarjama train --train DIR`` read it as it is.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.corpus.model import SOURCE_LANG
from translate.errors import UsageError
from translate.fsio import printable
from translate.train.filters import DEDUP_COUNTS, Candidate, Deduplicator, pipeline

SPLITS = ("test", "dev", "train")  # rank order: what is in an earlier one leaves the later
MANIFEST = "manifest.json"
SCHEMA = "tarjama.split/1"


@dataclass
class SplitRequest:
    db: Path
    pair: str  # "ar-en" or "ar-ru"
    output: Path
    test_articles: int = 10
    dev_articles: int = 5
    min_score: float = 0.0
    seed: int = 0
    force: bool = False


@dataclass
class SplitResult:
    output: Path
    pair: str
    articles: dict[str, list[str]]  # split → article sources
    pairs: dict[str, int]  # split → pairs written
    candidates: int  # units of the pair read from the corpus
    removed: dict[str, int]  # filter / dedup name → pairs removed
    meanings: dict[str, str] = field(default_factory=dict)  # name → what it removes

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "pair": self.pair, "candidates": self.candidates,
                "splits": {s: {"articles": len(self.articles[s]), "pairs": self.pairs[s]}
                           for s in SPLITS},
                "removed": self.removed, "meanings": self.meanings,
                "articles": self.articles}

    def to_text(self) -> str:
        parts = ", ".join(f"{s} {self.pairs[s]} pairs / {len(self.articles[s])} articles"
                          for s in ("train", "dev", "test"))
        gone = ", ".join(f"{k} {v}" for k, v in self.removed.items() if v) or "none"
        return (f"wrote {printable(self.output)}: {parts}; of {self.candidates} units, "
                f"removed: {gone}")


def pair_langs(pair: str) -> tuple[str, str]:
    src, _, tgt = pair.partition("-")
    if src != SOURCE_LANG or tgt not in ("en", "ru"):
        raise UsageError(f"--pair must be ar-en or ar-ru, got {pair!r}")
    return src, tgt


def deal_articles(sources: list[str], test: int, dev: int, seed: int) -> dict[str, list[str]]:
    """Shuffle the article sources with ``seed`` and deal them out (each to one split)."""
    if test < 1 or dev < 0:
        raise UsageError("--test-articles must be at least 1 and --dev-articles at least 0")
    if len(sources) < test + dev + 1:
        raise UsageError(f"the corpus has {len(sources)} articles for this pair: too few for "
                         f"{test} test and {dev} dev articles and at least one to train on; "
                         "lower --test-articles / --dev-articles")
    order = sorted(sources)
    random.Random(seed).shuffle(order)
    return {"test": sorted(order[:test]), "dev": sorted(order[test:test + dev]),
            "train": sorted(order[test + dev:])}


def read_candidates(db: Path, pair: str) -> dict[str, list[Candidate]]:
    """Every unit with a source side, as a candidate pair, grouped by article (latest
    versions; a unit without a target side is kept so that the filters count it)."""
    from translate.corpus.store import CorpusStore

    src, tgt = pair_langs(pair)
    out: dict[str, list[Candidate]] = {}
    with CorpusStore.open(db, create=False) as store:
        for u in store.units():
            score = u.pairs.get(pair)
            if score is None or src not in u.sides:
                continue
            target = u.sides[tgt].text if tgt in u.sides else ""
            out.setdefault(u.article, []).append(Candidate(
                u.article, u.id, u.sides[src].text, target, score.bead,
                score.align_score or 0.0))
    return out


def split_corpus(request: SplitRequest) -> SplitResult:
    """Split, filter, deduplicate and write (see the module docstring)."""
    from translate.fsio import check_output_tree

    src, tgt = pair_langs(request.pair)
    check_output_tree(request.output, request.force, [request.db])
    by_article = read_candidates(request.db, request.pair)
    dealt = deal_articles(list(by_article), request.test_articles, request.dev_articles,
                          request.seed)
    filters = pipeline(src, tgt, request.min_score)
    removed = {f.name: 0 for f in filters} | {name: 0 for name in DEDUP_COUNTS}
    dedup = Deduplicator()
    kept: dict[str, list[Candidate]] = {}
    for split in SPLITS:
        passed = []
        for article in dealt[split]:
            for cand in by_article[article]:
                failed = next((f for f in filters if not f.keeps(cand)), None)
                if failed is None:
                    passed.append(cand)
                else:
                    removed[failed.name] += 1
        kept[split] = dedup.split(passed, removed)
    meanings = {f.name: f.describe() for f in filters} | DEDUP_COUNTS
    result = SplitResult(request.output, request.pair, dealt,
                         {s: len(kept[s]) for s in SPLITS},
                         sum(len(v) for v in by_article.values()), removed, meanings)
    _write(request, kept, result, (src, tgt))
    return result


def _write(request: SplitRequest, kept: dict[str, list[Candidate]], result: SplitResult,
           langs: tuple[str, str]) -> None:
    from translate.fsio import atomic_dir

    manifest = {**result.to_dict(), "db": printable(request.db), "seed": request.seed,
                "min_score": request.min_score,
                "test_articles": request.test_articles, "dev_articles": request.dev_articles}
    with atomic_dir(request.output, "split", force=request.force, inputs=[request.db]) as tmp:
        for split, pairs in kept.items():
            (tmp / split).mkdir()
            # a line break inside a unit would shift every later line of one side
            for name, lines in ((langs[0], [" ".join(p.source.split()) for p in pairs]),
                                (langs[1], [" ".join(p.target.split()) for p in pairs]),
                                ("ids", [f"{p.article}\t{p.unit}" for p in pairs])):
                (tmp / split / f"{split}.{name}").write_text(
                    "".join(f"{t}\n" for t in lines), encoding="utf-8")
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")


def read_split(directory: Path, split: str, langs: tuple[str, str]) -> list[tuple[str, str]]:
    """The (source, target) pairs of one split of a ``corpus split`` directory."""
    from translate.fsio import read_lines

    base = Path(directory) / split
    paths = [base / f"{split}.{lang}" for lang in langs]
    missing = [printable(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"{printable(directory)} is not a `tarjama corpus split` directory "
                         f"for {'-'.join(langs)} (missing {', '.join(missing)})")
    sources, targets = (read_lines(p) for p in paths)
    if len(sources) != len(targets):
        raise UsageError(f"{printable(base)}: {len(sources)} source lines but {len(targets)} "
                         "target lines; the split files must be line-parallel")
    return list(zip(sources, targets, strict=True))
