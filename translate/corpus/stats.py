"""What is in a corpus: its articles (``list_articles``), and counts, score distributions and
bead types (``corpus_stats``).

Example::

    print(stats_for(Path("corpus.sqlite")).to_text())
    print(list_articles(Path("corpus.sqlite")).to_text())
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.corpus.store import CorpusStore

# Score → (lowest, highest, bucket width) for the histograms.
SCALES = {"align": (0.0, 1.0, 0.1), "bleu": (0.0, 100.0, 10.0), "chrf": (0.0, 100.0, 10.0)}


@dataclass
class Distribution:
    count: int
    min: float | None
    median: float | None
    mean: float | None
    max: float | None
    histogram: list[tuple[str, int]]  # ("0.9-1.0", n), the last bucket includes its top


@dataclass
class PairStats:
    units: int  # units with both sides
    partial: int  # units with one side only (1-0 / 0-1 beads, kept and marked)
    beads: dict[str, int]  # bead type → units
    scores: dict[str, Distribution]  # over the units with both sides
    flags: dict[str, int] = field(default_factory=dict)  # QA check → units whose MT it flagged


@dataclass
class CorpusStats:
    articles: int  # distinct articles (keys)
    versions: int  # stored versions, superseded ones included
    current_versions: int
    units: int  # units of the current versions
    kinds: dict[str, int]  # e.g. "ar1-en2-ru1" → units
    pairs: dict[str, PairStats] = field(default_factory=dict)
    all_versions: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self) -> str:
        return format_stats(self) + "\n"


def stats_for(db: Path, *, all_versions: bool = False) -> CorpusStats:
    """``tarjama corpus stats``: the statistics of the database ``db``."""
    with CorpusStore.open(db, create=False) as store:
        return corpus_stats(store, all_versions=all_versions)


def distribution(values: list[float], scale: tuple[float, float, float]) -> Distribution:
    lo, hi, width = scale
    n_buckets = round((hi - lo) / width)
    counts = [0] * n_buckets
    for v in values:
        k = min(n_buckets - 1, max(0, int((v - lo) // width)))
        counts[k] += 1
    digits = 1 if width < 1 else 0
    hist = [(f"{lo + k * width:.{digits}f}-{lo + (k + 1) * width:.{digits}f}", c)
            for k, c in enumerate(counts)]
    if not values:
        return Distribution(0, None, None, None, None, hist)
    return Distribution(len(values), round(min(values), 4), round(statistics.median(values), 4),
                        round(statistics.fmean(values), 4), round(max(values), 4), hist)


def corpus_stats(store: CorpusStore, *, all_versions: bool = False) -> CorpusStats:
    every = store.articles(all_versions=True)
    current = [a for a in every if a["superseded_by"] is None]
    kinds: Counter[str] = Counter()
    per_pair: dict[str, dict[str, Any]] = {}
    n_units = 0
    for u in store.units(all_versions=all_versions):
        n_units += 1
        kinds[u.kind] += 1
        for pair, s in u.pairs.items():
            acc = per_pair.setdefault(pair, {"units": 0, "partial": 0, "beads": Counter(),
                                             "align": [], "bleu": [], "chrf": [],
                                             "flags": Counter()})
            acc["beads"][s.bead] += 1
            acc["flags"].update({f.check for f in s.flags})
            if not s.aligned:
                acc["partial"] += 1
                continue
            acc["units"] += 1
            acc["align"].append(s.align_score or 0.0)
            for key in ("bleu", "chrf"):
                if getattr(s, key) is not None:
                    acc[key].append(getattr(s, key))
    pairs = {
        pair: PairStats(acc["units"], acc["partial"], dict(sorted(acc["beads"].items())),
                        {k: distribution(acc[k], SCALES[k]) for k in SCALES},
                        dict(sorted(acc["flags"].items())))
        for pair, acc in sorted(per_pair.items())
    }
    return CorpusStats(len({a["source"] for a in every}), len(every), len(current), n_units,
                       dict(sorted(kinds.items())), pairs, all_versions)


def format_stats(s: CorpusStats) -> str:
    """A plain-text report (what ``tarjama corpus stats`` prints)."""
    scope = "all versions" if s.all_versions else "latest versions"
    lines = [
        f"articles: {s.articles} ({s.versions} versions stored, {s.current_versions} current)",
        f"units ({scope}): {s.units}",
        "unit kinds (sentences per language): "
        + ", ".join(f"{k} ×{n}" for k, n in s.kinds.items()),
    ]
    for pair, p in s.pairs.items():
        lines += ["", f"{pair}: {p.units} aligned units, {p.partial} with one side only",
                  "  bead types: " + ", ".join(f"{b} ×{n}" for b, n in p.beads.items()),
                  "  QA flags on the MT: " + (", ".join(f"{c} ×{n}" for c, n in p.flags.items())
                                              or "none")]
        for name, d in p.scores.items():
            if not d.count:
                lines.append(f"  {name}: no scores")
                continue
            lines.append(f"  {name}: min {d.min:g}  median {d.median:g}  mean {d.mean:g}  "
                         f"max {d.max:g}  (n={d.count})")
            lines.append("    " + "  ".join(f"{r}:{n}" for r, n in d.histogram))
    return "\n".join(lines)


# --- the articles ---------------------------------------------------------------------------


@dataclass
class ArticleSummary:
    source: str  # the identity: a path relative to the database's folder, a URL, an id
    versions: int  # stored versions, superseded ones included
    version: int  # the latest
    units: int  # units of the latest version
    languages: list[str]
    added_at: str  # when the latest version was added


@dataclass
class ArticleList:
    articles: list[ArticleSummary]

    def to_dict(self) -> list[dict[str, Any]]:
        return [asdict(a) for a in self.articles]

    def to_text(self) -> str:
        if not self.articles:
            return "no articles (add one with `tarjama corpus add`)\n"
        lines = [f"{'versions':>8}  {'units':>6}  {'languages':<10} source"]
        lines += [f"{a.versions:>8}  {a.units:>6}  {' '.join(a.languages):<10} {a.source}"
                  for a in self.articles]
        n = len(self.articles)
        lines.append(f"{n} article{'s' if n != 1 else ''}; show one with `tarjama corpus export "
                     "--format html --article SOURCE -o page.html`")
        return "\n".join(lines) + "\n"


def list_articles(db: Path) -> ArticleList:
    """``tarjama corpus list``: every article (its latest version), sorted by source."""
    import json

    with CorpusStore.open(db, create=False) as store:
        rows = store.conn.execute(
            "SELECT a.source, a.version, a.languages, a.added_at, "
            "(SELECT COUNT(*) FROM articles b WHERE b.source = a.source) AS versions, "
            "(SELECT COUNT(*) FROM units u WHERE u.article_id = a.id) AS units "
            "FROM articles a WHERE a.superseded_by IS NULL ORDER BY a.source").fetchall()
    return ArticleList([ArticleSummary(r["source"], r["versions"], r["version"], r["units"],
                                       json.loads(r["languages"]), r["added_at"]) for r in rows])
