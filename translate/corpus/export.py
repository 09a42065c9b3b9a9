"""Corpus export: TMX 1.4b, TSV, JSONL and Moses (one line-parallel file per language), or one
article's reading page (html).

Only units that have every side of the requested pair are written (a 1-0 unit has nothing to
pair with); ``min_score`` keeps units whose alignment score (the probability that the bead is
right) is at least that in every pair involved. By default only the latest version of each
article is exported. Each unit's ``article`` is the identity it was stored under: a file's path
relative to the database's folder, or the ``--source`` / manifest URL or id the user gave.

Example::

    result = export_corpus(ExportRequest(Path("corpus.sqlite"), "corpus.tmx", min_score=0.9))
    print(result.to_text())

or, piece by piece::

    with CorpusStore.open("corpus.sqlite", create=False) as store:
        units = select_units(store, "ar-en", min_score=0.9)
    write_export(units, "ar-en", "tmx", Path("corpus.tmx"))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from translate.corpus.model import SOURCE_LANG, Unit
from translate.corpus.store import CorpusStore
from translate.errors import UsageError
from translate.writers import (
    FORMATS,
    XML_LANG,
    Row,
    Table,
    check_destination,
    get_writer,
    output_paths,
    write_docs,
    write_files,
    write_table,
)

PAIRS = ("ar-en", "ar-ru", "ar-en-ru")
PAGE = "html"  # one article's reading page (translate.corpus.page)
#: what ``--format`` takes: every writer, and the page
EXPORT_FORMATS = (*FORMATS, PAGE)
__all__ = ["EXPORT_FORMATS", "PAIRS", "XML_LANG", "ExportRequest", "ExportResult",
           "corpus_table", "export_corpus", "moses_paths", "pair_langs", "select_units",
           "to_jsonl", "to_tmx", "to_tsv", "write_export"]


def pair_langs(pair: str) -> list[str]:
    if pair not in PAIRS:
        raise UsageError(f"unknown pair {pair!r}; choose from {', '.join(PAIRS)}")
    return pair.split("-")


def _pairs(langs: list[str]) -> list[str]:
    return [f"{SOURCE_LANG}-{lang}" for lang in langs[1:]]


def _keep(u: Unit, pairs: list[str], min_score: float | None) -> bool:
    return min_score is None or all((u.pairs[p].align_score or 0.0) >= min_score for p in pairs)


def select_units(store: CorpusStore, pair: str, *, min_score: float | None = None,
                 all_versions: bool = False) -> list[Unit]:
    """The units to export for ``pair`` (``ar-en``, ``ar-ru`` or ``ar-en-ru``), in order."""
    langs = pair_langs(pair)
    return [u for u in store.units(all_versions=all_versions)
            if u.has(langs) and _keep(u, _pairs(langs), min_score)]


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def corpus_table(units: Iterable[Unit], pair: str, *, segtype: str = "sentence") -> Table:
    """The units as a table for every output format (translate.writers).

    TMX: each unit's article, version, kind, and per pair its bead, method, scores, MT and QA
    flags as properties; TSV: id, article, one text column per language, scores per pair;
    JSONL: all of it as one object; Moses: the texts.
    """
    langs = pair_langs(pair)
    pairs = _pairs(langs)
    out = []
    for u in units:
        texts = {lang: u.sides[lang].text for lang in langs}
        props = [("x-article", u.article), ("x-article-version", str(u.version)),
                 ("x-unit-kind", u.kind)]
        cells = [u.id, u.article, *texts.values()]
        for p in pairs:
            s = u.pairs[p]
            key = f"x-{p}"
            props += [(f"{key}-bead", s.bead), (f"{key}-method", s.method),
                      (f"{key}-align-score", _fmt(s.align_score)), (f"{key}-bleu", _fmt(s.bleu)),
                      (f"{key}-chrf", _fmt(s.chrf)), (f"{key}-mt", s.mt or "")]
            if s.flags:
                props.append((f"{key}-qa-flags", "; ".join(
                    f"{f.check}: {f.message}" for f in s.flags)))
            cells += [s.bead, _fmt(s.align_score), _fmt(s.bleu), _fmt(s.chrf)]
        record = {"id": u.id, "article": u.article, "version": u.version, "kind": u.kind,
                  **texts, "segment_ids": {lang: u.sides[lang].segment_ids for lang in langs},
                  "scores": {p: u.pairs[p].to_dict() for p in pairs}}
        out.append(Row(texts=texts, id=u.id, props=props, cells=cells, record=record,
                       side_props={lang: [("x-segment-ids", " ".join(u.sides[lang].segment_ids))]
                                   for lang in langs}))
    header = ["id", "article", *langs] + [f"{p}.{k}" for p in pairs
                                          for k in ("bead", "align", "bleu", "chrf")]
    return Table(langs, out, header=header, tool_format="tarjama-corpus", segtype=segtype)


def to_tmx(units: Iterable[Unit], pair: str, *, segtype: str = "sentence") -> str:
    """A TMX 1.4b document; every text goes through ElementTree, so it is always escaped."""
    return get_writer("tmx").write(corpus_table(units, pair, segtype=segtype))[""]


def to_tsv(units: Iterable[Unit], pair: str) -> str:
    """A header line, then: id, article, one text column per language, scores per pair."""
    return get_writer("tsv").write(corpus_table(units, pair))[""]


def to_jsonl(units: Iterable[Unit], pair: str) -> str:
    return get_writer("jsonl").write(corpus_table(units, pair))[""]


def moses_paths(out: Path, pair: str) -> list[Path]:
    """``OUT.ar``, ``OUT.en``... (OUT is a prefix: ``corpus`` → ``corpus.ar``, ``corpus.en``)."""
    return output_paths(out, pair_langs(pair))


def write_export(units: Iterable[Unit], pair: str, fmt: str, out: Path, *,
                 force: bool = False, segtype: str = "sentence") -> list[Path]:
    """Write ``units`` to ``out`` (to ``out.LANG`` files for Moses) atomically; returns paths."""
    return write_files(corpus_table(units, pair, segtype=segtype), fmt, out, force=force)


# --- the command -------------------------------------------------------------------------------


@dataclass
class ExportRequest:
    """``tarjama corpus export``."""

    db: Path
    output: str | None = None  # None or "-": standard output; moses: a prefix
    pair: str = "ar-en-ru"
    fmt: str = "tmx"
    article: str | None = None  # html: the article (its source, or its end)
    min_score: float | None = None
    all_versions: bool = False
    force: bool = False


@dataclass
class ExportResult:
    pair: str
    fmt: str
    units: int  # written
    candidates: int  # with every side of the pair, before --min-score
    paths: list[str] = field(default_factory=list)  # files written
    stdout: str | None = None  # the export, when it goes to standard output
    article: str = ""  # html: the article shown

    @property
    def where(self) -> str:
        return ", ".join(self.paths) if self.paths else "/dev/stdout"

    def to_text(self) -> str:
        if self.fmt == PAGE:
            return f"wrote the page of {self.article} to {self.where}"
        return f"wrote {self.units} units ({self.pair}, {self.fmt}) to {self.where}"

    def warnings(self, min_score: float | None) -> list[str]:
        """What the user should know: an export that wrote nothing, and why."""
        if self.fmt == PAGE or self.units:
            return []
        if self.candidates and min_score is not None:
            return [f"--min-score {min_score:g} left none of the {self.candidates} {self.pair} "
                    "units (the score is the probability that a unit's alignment is right; "
                    "see `tarjama corpus stats` for its distribution)"]
        return [f"the corpus has no units with every side of {self.pair}"
                + (" (see `tarjama corpus list`)" if self.pair != "ar-en" else "")]


def export_corpus(request: ExportRequest) -> ExportResult:
    """Check the outputs (before the database is read: it is an input), select, write."""
    r = request
    if r.fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {r.fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    langs = pair_langs(r.pair)
    out = check_destination(r.fmt, r.output, langs, force=r.force, inputs=[r.db])
    with CorpusStore.open(r.db, create=False) as store:
        if r.fmt == PAGE:
            from translate.corpus.page import article_page

            source, page = article_page(store, r.article)
            result = ExportResult(r.pair, r.fmt, 0, 0, article=source)
            written = write_docs({"": page}, out, force=r.force, inputs=[r.db])
        else:
            every = [u for u in store.units(all_versions=r.all_versions) if u.has(langs)]
            kept = [u for u in every if _keep(u, _pairs(langs), r.min_score)]
            written = write_table(corpus_table(kept, r.pair), r.fmt, out, force=r.force,
                                  inputs=[r.db])
            result = ExportResult(r.pair, r.fmt, written.units, len(every))
    result.stdout, result.paths = written.stdout, [str(p) for p in written.paths]
    return result
