"""Parallel-text output formats: TMX 1.4b, TSV, JSONL and Moses, written in one place.

Two producers write these formats: ``tarjama align`` (beads of two texts, translate.align.formats)
and ``tarjama corpus export`` (three-way units, translate.corpus.export). Each turns its data
into a ``Table`` of ``Row`` objects, saying what goes into each format (TSV cells, the JSONL
object, TMX properties); the writers here decide how a format is written: escaping, the
characters XML cannot carry, what keeps a line-based format line-parallel, where files go.

The registry maps a format name to its writer class, imported on first use; a new format is one
``Writer`` subclass and one entry in ``FORMATS``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from translate.errors import UsageError
from translate.registry import lookup_class

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 does not allow even escaped (C0 controls but tab, LF, CR; surrogates;
# U+FFFE/U+FFFF): a stray one in a scraped page would make the whole file unparseable.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What ends a line or a column somewhere: tab, CR, LF, and the Unicode line separators that
# Python's splitlines (and so many line-based readers) also break at.
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")


@dataclass
class Row:
    """One translation unit to write, with what each format takes from it."""

    texts: dict[str, str]  # language → text; a language left out is an empty side (1-0)
    id: str = ""  # TMX tuid
    props: list[tuple[str, str]] = field(default_factory=list)  # TMX <prop>s of the unit
    side_props: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # in a <tuv>
    cells: list[str] = field(default_factory=list)  # TSV: the row's columns
    record: dict[str, Any] = field(default_factory=dict)  # JSONL: the row's object

    def complete(self, langs: Sequence[str]) -> bool:
        return all(lang in self.texts for lang in langs)


@dataclass
class Table:
    """Rows to write, and what the formats need to know about all of them."""

    langs: list[str]  # the first is the source language
    rows: list[Row]
    header: list[str] | None = None  # TSV header line
    tool_format: str = "tarjama"  # TMX o-tmf: the producer's own format
    segtype: str = "sentence"  # TMX segtype


class Writer(ABC):
    """A format: ``write(table)`` returns file suffix → content (``""``: the one file)."""

    name: ClassVar[str]

    @abstractmethod
    def write(self, table: Table) -> dict[str, str]: ...


def xml_safe(text: str) -> str:
    """Drop the characters XML cannot carry at all; escaping is ElementTree's job."""
    return _XML_ILLEGAL.sub("", text)


def one_line(text: str) -> str:
    """Line- and tab-separated formats: a segment must not break its line or its column."""
    return _LINE_BREAKS.sub(" ", text)


class TmxWriter(Writer):
    """TMX 1.4b; a row without every language is left out (a unit needs both sides). Every
    text goes through ElementTree, so it is always escaped."""

    name = "tmx"

    def write(self, table: Table) -> dict[str, str]:
        from translate import __version__

        root = ET.Element("tmx", version="1.4")
        ET.SubElement(root, "header", {
            "creationtool": "tarjama",
            "creationtoolversion": __version__,
            "segtype": table.segtype,
            "o-tmf": table.tool_format,
            "adminlang": "en",
            "srclang": table.langs[0],
            "datatype": "plaintext",
            "creationdate": _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
        })
        body = ET.SubElement(root, "body")
        for row in table.rows:
            if not row.complete(table.langs):
                continue
            tu = ET.SubElement(body, "tu", tuid=xml_safe(row.id), srclang=table.langs[0])
            for ptype, value in row.props:
                ET.SubElement(tu, "prop", type=ptype).text = xml_safe(value)
            for lang in table.langs:
                tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
                for ptype, value in row.side_props.get(lang, []):
                    ET.SubElement(tuv, "prop", type=ptype).text = xml_safe(value)
                ET.SubElement(tuv, "seg").text = xml_safe(row.texts[lang])
        ET.indent(root)
        return {"": '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
                    + ET.tostring(root, encoding="unicode") + "\n"}


class TsvWriter(Writer):
    """The table's header line (if any), then each row's cells, tab-separated."""

    name = "tsv"

    def write(self, table: Table) -> dict[str, str]:
        lines = ["\t".join(table.header)] if table.header else []
        lines += ["\t".join(one_line(c) for c in row.cells) for row in table.rows]
        return {"": "".join(line + "\n" for line in lines)}


class JsonlWriter(Writer):
    """One JSON object a line (UTF-8, not escaped)."""

    name = "jsonl"

    def write(self, table: Table) -> dict[str, str]:
        return {"": "".join(json.dumps(row.record, ensure_ascii=False) + "\n"
                            for row in table.rows)}


class MosesWriter(Writer):
    """One line-parallel file per language; a row without every language is left out."""

    name = "moses"

    def write(self, table: Table) -> dict[str, str]:
        if len(set(table.langs)) != len(table.langs):
            raise UsageError("moses output needs a different language code for each side")
        rows = [r for r in table.rows if r.complete(table.langs)]
        return {lang: "".join(one_line(r.texts[lang]) + "\n" for r in rows)
                for lang in table.langs}


#: format name → "module:class" (imported on first use).
FORMATS: dict[str, str] = {
    "tmx": "translate.writers:TmxWriter",
    "tsv": "translate.writers:TsvWriter",
    "jsonl": "translate.writers:JsonlWriter",
    "moses": "translate.writers:MosesWriter",
}


def get_writer(name: str) -> Writer:
    return lookup_class(FORMATS, name, "format", Writer)()


def output_paths(out: Path, suffixes: Sequence[str]) -> list[Path]:
    """Where a format's files go: ``out`` itself, or ``OUT.LANG`` for per-language files
    (``corpus`` → ``corpus.ar``, ``corpus.en``; OUT is a prefix)."""
    return [out.with_name(f"{out.name}.{s}") if s else out for s in suffixes]


def write_files(table: Table, fmt: str, out: Path, *, force: bool = False) -> list[Path]:
    """Write ``table`` in format ``fmt`` to ``out`` atomically; returns the paths written."""
    from translate import fsio

    docs = get_writer(fmt).write(table)
    paths = output_paths(out, list(docs))
    if len(paths) == 1:
        return [fsio.atomic_write(paths[0], docs[next(iter(docs))], force=force)]
    return fsio.atomic_write_many(list(zip(paths, docs.values(), strict=True)), force=force)
