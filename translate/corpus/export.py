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

import datetime as _dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from translate import fsio
from translate.corpus.store import CorpusStore
from translate.errors import UsageError

PAIRS = ("ar-en", "ar-ru", "ar-en-ru")
FORMATS = ("tmx", "tsv", "jsonl", "moses")
SOURCE_LANG = "ar"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 does not allow even escaped (C0 controls but tab, LF, CR; surrogates;
# U+FFFE/U+FFFF): a stray one in a scraped page would make the whole file unparseable.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def xml_safe(text: str) -> str:
    """Drop the characters XML cannot carry at all; escaping is ElementTree's job."""
    return _XML_ILLEGAL.sub("", text)


def _one_line(text: str) -> str:
    """Line- and tab-separated formats: a segment must not break its line or its column."""
    return re.sub(r"[\t\r\n\u2028\u2029\x0b\x0c\x85]+", " ", text)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def to_tmx(rows: list[dict[str, Any]], pair: str, *, segtype: str = "sentence") -> str:
    """A TMX 1.4b document; every text goes through ElementTree, so it is always escaped."""
    from translate import __version__

    langs = pair_langs(pair)
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "tarjama",
        "creationtoolversion": __version__,
        "segtype": segtype,
        "o-tmf": "tarjama-corpus",
        "adminlang": "en",
        "srclang": SOURCE_LANG,
        "datatype": "plaintext",
        "creationdate": _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    })
    body = ET.SubElement(root, "body")
    for u in rows:
        tu = ET.SubElement(body, "tu", tuid=xml_safe(u["id"]), srclang=SOURCE_LANG)
        props = [("x-article", u["article"]), ("x-article-version", str(u["version"])),
                 ("x-unit-kind", u["kind"])]
        for lang in langs[1:]:
            p = u["pairs"][f"{SOURCE_LANG}-{lang}"]
            key = f"x-{SOURCE_LANG}-{lang}"
            props += [(f"{key}-bead", p.bead), (f"{key}-method", p.method),
                      (f"{key}-align-score", _fmt(p.align_score)), (f"{key}-bleu", _fmt(p.bleu)),
                      (f"{key}-chrf", _fmt(p.chrf)), (f"{key}-mt", p.mt or "")]
            if p.flags:
                props.append((f"{key}-qa-flags", "; ".join(
                    f"{f['check']}: {f['message']}" for f in p.flags)))
        for ptype, value in props:
            ET.SubElement(tu, "prop", type=ptype).text = xml_safe(value)
        for lang in langs:
            side = u["sides"][lang]
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "prop", type="x-segment-ids").text = " ".join(side.segment_ids)
            ET.SubElement(tuv, "seg").text = xml_safe(side.text)
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def to_tsv(rows: list[dict[str, Any]], pair: str) -> str:
    """A header line, then: id, article, one text column per language, scores per pair."""
    langs = pair_langs(pair)
    pairs = [f"{SOURCE_LANG}-{lang}" for lang in langs[1:]]
    head = ["id", "article", *langs] + [f"{p}.{k}" for p in pairs
                                        for k in ("bead", "align", "bleu", "chrf")]
    lines = ["\t".join(head)]
    for u in rows:
        cells = [u["id"], _one_line(u["article"])] + [_one_line(u["sides"][lang].text)
                                                       for lang in langs]
        for p in pairs:
            s = u["pairs"][p]
            cells += [s.bead, _fmt(s.align_score), _fmt(s.bleu), _fmt(s.chrf)]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def to_jsonl(rows: list[dict[str, Any]], pair: str) -> str:
    langs = pair_langs(pair)
    out = []
    for u in rows:
        rec: dict[str, Any] = {"id": u["id"], "article": u["article"], "version": u["version"],
                               "kind": u["kind"]}
        for lang in langs:
            rec[lang] = u["sides"][lang].text
        rec["segment_ids"] = {lang: u["sides"][lang].segment_ids for lang in langs}
        rec["scores"] = {
            f"{SOURCE_LANG}-{lang}": {
                "bead": (s := u["pairs"][f"{SOURCE_LANG}-{lang}"]).bead, "method": s.method,
                "align": s.align_score, "bleu": s.bleu, "chrf": s.chrf, "mt": s.mt,
                "flags": s.flags,
            } for lang in langs[1:]
        }
        out.append(json.dumps(rec, ensure_ascii=False))
    return "".join(line + "\n" for line in out)


def moses_paths(out: Path, pair: str) -> list[Path]:
    """``OUT.ar``, ``OUT.en``... (OUT is a prefix: ``corpus`` → ``corpus.ar``, ``corpus.en``)."""
    return [out.with_name(f"{out.name}.{lang}") for lang in pair_langs(pair)]


def write_export(rows: list[dict[str, Any]], pair: str, fmt: str, out: Path, *,
                 force: bool = False, segtype: str = "sentence") -> list[Path]:
    """Write ``rows`` to ``out`` (to ``out.LANG`` files for Moses) atomically; returns paths."""
    if fmt == "moses":
        paths = moses_paths(out, pair)
        files = [(p, "".join(_one_line(u["sides"][lang].text) + "\n" for u in rows))
                 for p, lang in zip(paths, pair_langs(pair), strict=True)]
        return fsio.atomic_write_many(files, force=force)
    if fmt == "tmx":
        data = to_tmx(rows, pair, segtype=segtype)
    elif fmt == "tsv":
        data = to_tsv(rows, pair)
    elif fmt == "jsonl":
        data = to_jsonl(rows, pair)
    else:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return [fsio.atomic_write(out, data, force=force)]
