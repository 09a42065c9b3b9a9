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
    # the header, then the 1-1 bead; the 1-0 bead has no English: left out, as in Moses
    assert to_tsv(beads, src, tgt).splitlines()[1:] == ["\t".join(["0", cell, "other", "1-1",
                                                                    "0.9000"])]
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


# --- one rule for units without every side, and the count said is the count written ---------
ROWS = [Row({"ar": "قال الوزير", "ru": "Министр сказал"}, id="0", cells=["0", "a", "b"],
            record={"k": 0}),
        Row({"ar": "وحده"}, id="1", cells=["1", "c", ""], record={"k": 1}),  # a 1-0 bead
        Row({"ru": "Только"}, id="2", cells=["2", "", "d"], record={"k": 2})]  # a 0-1 bead


def _count(fmt: str, docs: dict[str, str]) -> int:
    if fmt == "tmx":
        return len(ET.fromstring(docs[""].encode("utf-8")).findall("body/tu"))
    if fmt == "tsv":
        return len(docs[""].splitlines()) - 1  # the header
    return len(next(iter(docs.values())).splitlines())


@pytest.mark.parametrize(("fmt", "units"), [("tmx", 1), ("tsv", 1), ("moses", 1), ("jsonl", 3)],
                         ids=["tmx", "tsv", "moses", "jsonl-keeps-every-bead"])
def test_written_units_follow_one_rule_and_are_counted(tmp_path, fmt, units):
    from translate.writers import write_table

    table = Table(["ar", "ru"], ROWS, header=["id", "ar", "ru"])
    written = write_table(table, fmt, tmp_path / "out" if fmt == "moses" else None)
    docs = ({p.suffix.lstrip("."): p.read_text("utf-8") for p in written.paths}
            if written.paths else {"": written.stdout or ""})
    assert written.units == units == _count(fmt, docs)


def test_table_metadata_goes_into_the_tmx_header():
    tmx = get_writer("tmx").write(Table(["ar", "ru"], ROWS[:1], metadata={"aligner": "x|y:1"}))
    header = ET.fromstring(tmx[""].encode("utf-8")).find("header")
    assert header is not None
    assert [(p.get("type"), p.text) for p in header.findall("prop")] == [("x-aligner", "x|y:1")]


def test_align_summary_counts_what_the_format_wrote(tmp_path):
    from typer.testing import CliRunner

    from translate.cli import app

    src, tgt = tmp_path / "src.ar", tmp_path / "tgt.ru"
    src.write_text("قال الوزير.\nوحده هنا.\nالتقى لافروف بالوزراء.\n", encoding="utf-8")
    tgt.write_text("Министр сказал.\nЛавров встретился с министрами.\n", encoding="utf-8")
    for fmt in ("tmx", "tsv", "jsonl"):
        out = tmp_path / f"beads.{fmt}"
        result = CliRunner().invoke(app, ["align", str(src), str(tgt), "--method", "length",
                                          "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        docs = {"": out.read_text("utf-8")}
        said = int(result.stderr.split("; ")[1].split()[0])  # "N beads (...); K written; ..."
        assert said == _count(fmt, docs), result.stderr
