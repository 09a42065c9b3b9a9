"""Corpus export: TMX 1.4b, TSV, JSONL and Moses (one line-parallel file per language).

Only units that have every side of the requested pair are written (a 1-0 unit has nothing to
pair with); ``min_score`` keeps units whose alignment score is at least that in every pair
involved. By default only the latest version of each article is exported.

Example::

    with CorpusStore.open("corpus.sqlite", create=False) as store:
        rows = select_units(store, "ar-en", min_score=0.5)
        write_export(rows, "ar-en", "tmx", Path("corpus.tmx"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from translate.corpus.store import CorpusStore
from translate.errors import UsageError
from translate.writers import XML_LANG, Row, Table, get_writer, output_paths, write_files

PAIRS = ("ar-en", "ar-ru", "ar-en-ru")
SOURCE_LANG = "ar"
__all__ = ["PAIRS", "XML_LANG", "corpus_table", "moses_paths", "pair_langs", "select_units",
           "to_jsonl", "to_tmx", "to_tsv", "write_export"]


def pair_langs(pair: str) -> list[str]:
    if pair not in PAIRS:
        raise UsageError(f"unknown pair {pair!r}; choose from {', '.join(PAIRS)}")
    return pair.split("-")


def select_units(store: CorpusStore, pair: str, *, min_score: float | None = None,
                 all_versions: bool = False) -> list[dict[str, Any]]:
    """The units to export for ``pair`` (``ar-en``, ``ar-ru`` or ``ar-en-ru``), in order."""
    langs = pair_langs(pair)
    pairs = [f"{SOURCE_LANG}-{lang}" for lang in langs[1:]]
    out = []
    for u in store.units(all_versions=all_versions):
        if not all(lang in u["sides"] for lang in langs):
            continue
        if min_score is not None and any(
                u["pairs"][p].align_score < min_score for p in pairs):
            continue
        out.append(u)
    return out


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def corpus_table(rows: list[dict[str, Any]], pair: str, *, segtype: str = "sentence") -> Table:
    """The units as a table for every output format (translate.writers).

    TMX: each unit's article, version, kind, and per pair its bead, method, scores, MT and QA
    flags as properties; TSV: id, article, one text column per language, scores per pair;
    JSONL: all of it as one object; Moses: the texts.
    """
    langs = pair_langs(pair)
    pairs = [f"{SOURCE_LANG}-{lang}" for lang in langs[1:]]
    out = []
    for u in rows:
        texts = {lang: u["sides"][lang].text for lang in langs}
        props = [("x-article", u["article"]), ("x-article-version", str(u["version"])),
                 ("x-unit-kind", u["kind"])]
        cells = [u["id"], u["article"], *texts.values()]
        scores = {}
        for p in pairs:
            s = u["pairs"][p]
            key = f"x-{p}"
            props += [(f"{key}-bead", s.bead), (f"{key}-method", s.method),
                      (f"{key}-align-score", _fmt(s.align_score)), (f"{key}-bleu", _fmt(s.bleu)),
                      (f"{key}-chrf", _fmt(s.chrf)), (f"{key}-mt", s.mt or "")]
            if s.flags:
                props.append((f"{key}-qa-flags", "; ".join(
                    f"{f['check']}: {f['message']}" for f in s.flags)))
            cells += [s.bead, _fmt(s.align_score), _fmt(s.bleu), _fmt(s.chrf)]
            scores[p] = {"bead": s.bead, "method": s.method, "align": s.align_score,
                         "bleu": s.bleu, "chrf": s.chrf, "mt": s.mt, "flags": s.flags}
        record: dict[str, Any] = {"id": u["id"], "article": u["article"],
                                  "version": u["version"], "kind": u["kind"], **texts,
                                  "segment_ids": {lang: u["sides"][lang].segment_ids
                                                  for lang in langs},
                                  "scores": scores}
        out.append(Row(texts=texts, id=u["id"], props=props, cells=cells, record=record,
                       side_props={lang: [("x-segment-ids",
                                           " ".join(u["sides"][lang].segment_ids))]
                                   for lang in langs}))
    header = ["id", "article", *langs] + [f"{p}.{k}" for p in pairs
                                          for k in ("bead", "align", "bleu", "chrf")]
    return Table(langs, out, header=header, tool_format="tarjama-corpus", segtype=segtype)


def to_tmx(rows: list[dict[str, Any]], pair: str, *, segtype: str = "sentence") -> str:
    """A TMX 1.4b document; every text goes through ElementTree, so it is always escaped."""
    return get_writer("tmx").write(corpus_table(rows, pair, segtype=segtype))[""]


def to_tsv(rows: list[dict[str, Any]], pair: str) -> str:
    """A header line, then: id, article, one text column per language, scores per pair."""
    return get_writer("tsv").write(corpus_table(rows, pair))[""]


def to_jsonl(rows: list[dict[str, Any]], pair: str) -> str:
    return get_writer("jsonl").write(corpus_table(rows, pair))[""]


def moses_paths(out: Path, pair: str) -> list[Path]:
    """``OUT.ar``, ``OUT.en``... (OUT is a prefix: ``corpus`` → ``corpus.ar``, ``corpus.en``)."""
    return output_paths(out, pair_langs(pair))


def write_export(rows: list[dict[str, Any]], pair: str, fmt: str, out: Path, *,
                 force: bool = False, segtype: str = "sentence") -> list[Path]:
    """Write ``rows`` to ``out`` (to ``out.LANG`` files for Moses) atomically; returns paths."""
    return write_files(corpus_table(rows, pair, segtype=segtype), fmt, out, force=force)
