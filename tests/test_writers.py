"""The one writer of each output format, shared by `tarjama align` and `corpus export`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from translate.align.base import Bead
from translate.align.formats import to_moses, to_tmx, to_tsv
from translate.errors import UsageError
from translate.writers import Row, Table, get_writer, write_files

DIRTY = [
    ("a\x01b\x0bc", "abc"),
    ("x\ufffey\uffff", "xy"),
    ("نص\ud800 عربي", "نص عربي"),  # a lone surrogate (a broken decode upstream)
    ("«Россия — <мир>» & Co", "«Россия — <мир>» & Co"),
]


@pytest.mark.parametrize(("text", "clean"), DIRTY, ids=["controls", "fffe", "surrogate", "ok"])
def test_tmx_drops_what_xml_cannot_carry_for_beads_too(text, clean):
    tmx = to_tmx([Bead((0,), (0,), 0.5, "test")], [text], ["ok"], "ar", "ru")
    segs = [s.text for s in ET.fromstring(tmx.encode("utf-8")).iter("seg")]
    assert segs == [clean, "ok"]


@pytest.mark.parametrize(("text", "cell"), [
    ("Лавров\tв Москве", "Лавров в Москве"),
    ("قال\r\nالوزير", "قال الوزير"),
    ("a\u2028b\x85c", "a b c"),
], ids=["tab", "crlf", "unicode-breaks"])
def test_line_formats_stay_line_parallel(text, cell):
    beads = [Bead((0,), (0,), 0.9, "t"), Bead((1,), (), 0.0, "t")]
    src, tgt = [text, "وحده"], ["other"]
    assert to_tsv(beads, src, tgt).splitlines()[0].split("\t") == [cell, "other", "0.9000"]
    files = to_moses(beads, src, tgt, "ar", "en")  # the 1-0 bead has no English: left out
    assert files == {"ar": cell + "\n", "en": "other\n"}


def test_moses_needs_distinct_languages():
    with pytest.raises(UsageError, match="different language code"):
        get_writer("moses").write(Table(["ar", "ar"], [Row({"ar": "x"})]))


def test_unknown_format_lists_the_registry():
    with pytest.raises(UsageError, match="choose from tmx, tsv, jsonl, moses"):
        get_writer("docx")


def test_write_files_one_file_or_one_per_language(tmp_path):
    table = Table(["ar", "ru"], [Row({"ar": "مرحبا", "ru": "привет"}, record={"n": 1})])
    assert write_files(table, "jsonl", tmp_path / "u.jsonl") == [tmp_path / "u.jsonl"]
    assert json.loads((tmp_path / "u.jsonl").read_text(encoding="utf-8")) == {"n": 1}
    paths = write_files(table, "moses", tmp_path / "c")
    assert [p.name for p in paths] == ["c.ar", "c.ru"]
    assert (tmp_path / "c.ru").read_text(encoding="utf-8") == "привет\n"
