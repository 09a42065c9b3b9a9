"""Parallel-text output formats: TMX 1.4b, TSV, JSONL and Moses, written in one place.

Two producers write these formats: ``tarjama align`` (beads of two texts, translate.align.formats)
and ``tarjama corpus export`` (three-way units, translate.corpus.export). Each turns its data
into a ``Table`` of ``Row`` objects, saying what goes into each format (TSV cells, the JSONL
object, TMX properties); the writers here decide how a format is written: escaping, the
characters XML cannot carry, what keeps a line-based format line-parallel, where files go.

One rule for units that lack a side (a 1-0 or 0-1 bead, a corpus unit without a language):
the parallel-text formats (TMX, TSV, Moses) leave them out, since a translation unit, a table
row or a line pair needs every language; JSONL, the record of every bead, keeps them. What a
command reports as written is what the format wrote (``Written.units``).

``check_destination`` refuses an unusable output before the work; ``write_table`` renders and
writes (atomically, never over an input) or returns the text for standard output: the one
output path of ``align`` and ``corpus export``.

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
    # About the whole table (how it was made, e.g. an aligner's signature): TMX header props
    # ``x-KEY``; the line formats have no place for it.
    metadata: dict[str, str] = field(default_factory=dict)


class Writer(ABC):
    """A format: ``write(table)`` returns file suffix → content (``""``: the one file)."""

    name: ClassVar[str]
    #: Rows without every language are left out (see the module's rule).
    complete_only: ClassVar[bool] = True

    def rows(self, table: Table) -> list[Row]:
        """The rows this format writes."""
        return [r for r in table.rows if not self.complete_only or r.complete(table.langs)]

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
        header = ET.SubElement(root, "header", {
            "creationtool": "tarjama",
            "creationtoolversion": __version__,
            "segtype": table.segtype,
            "o-tmf": table.tool_format,
            "adminlang": "en",
            "srclang": table.langs[0],
            "datatype": "plaintext",
            "creationdate": _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
        })
        for key, value in table.metadata.items():
            ET.SubElement(header, "prop", type=f"x-{key}").text = xml_safe(value)
        body = ET.SubElement(root, "body")
        for row in self.rows(table):
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
    """The table's header line (if any), then each complete row's cells, tab-separated."""

    name = "tsv"

    def write(self, table: Table) -> dict[str, str]:
        lines = ["\t".join(table.header)] if table.header else []
        lines += ["\t".join(one_line(c) for c in row.cells) for row in self.rows(table)]
        return {"": "".join(line + "\n" for line in lines)}


class JsonlWriter(Writer):
    """One JSON object a line (UTF-8, not escaped); every row, a side missing or not."""

    name = "jsonl"
    complete_only = False

    def write(self, table: Table) -> dict[str, str]:
        return {"": "".join(json.dumps(row.record, ensure_ascii=False) + "\n"
                            for row in self.rows(table))}


class MosesWriter(Writer):
    """One line-parallel file per language; a row without every language is left out."""

    name = "moses"

    def write(self, table: Table) -> dict[str, str]:
        if len(set(table.langs)) != len(table.langs):
            raise UsageError("moses output needs a different language code for each side")
        rows = self.rows(table)
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


@dataclass
class Written:
    """What a format wrote: its units, and the files (or the text for standard output)."""

    units: int
    paths: list[Path] = field(default_factory=list)
    stdout: str | None = None


def is_stdout(out: str | Path | None) -> bool:
    return out is None or str(out) == "-"


def check_destination(fmt: str, out: str | Path | None, langs: Sequence[str], *,
                      force: bool = False, inputs: Sequence[str | Path] = ()) -> Path | None:
    """The output path (None: standard output), refused now if it cannot be written: Moses
    needs a prefix for its files, an existing file needs ``force``, an input is never one."""
    from translate.fsio import check_outputs

    if is_stdout(out):
        if fmt == "moses":
            raise UsageError("--format moses writes one file per language: give their prefix "
                             "with -o")
        return None
    path = Path(str(out))
    check_outputs(output_paths(path, langs) if fmt == "moses" else [path], force, list(inputs))
    return path


def write_docs(docs: dict[str, str], out: Path | None, *, units: int = 0, force: bool = False,
               inputs: Sequence[str | Path] = ()) -> Written:
    """Rendered files (suffix → text) to ``out`` atomically, or to ``Written.stdout``."""
    from translate.fsio import atomic_write_many

    if out is None:
        return Written(units, stdout=docs[""])
    files = list(zip(output_paths(out, list(docs)), docs.values(), strict=True))
    return Written(units, atomic_write_many(files, force, list(inputs)))


def write_table(table: Table, fmt: str, out: Path | None, *, force: bool = False,
                inputs: Sequence[str | Path] = ()) -> Written:
    """``table`` in format ``fmt``: written to ``out`` (Moses: ``OUT.LANG`` files), or the
    text for standard output when ``out`` is None."""
    writer = get_writer(fmt)
    return write_docs(writer.write(table), out, units=len(writer.rows(table)), force=force,
                      inputs=inputs)


def write_files(table: Table, fmt: str, out: Path, *, force: bool = False) -> list[Path]:
    """Write ``table`` in format ``fmt`` to ``out`` atomically; returns the paths written."""
    return write_table(table, fmt, out, force=force).paths
