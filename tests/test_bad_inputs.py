"""Bad and odd inputs through the CLI: each case's exit code and its one-line message or output.

The README's table of exit codes and messages is this table in prose. Cases run through
`tarjama segment` (no model needed); `translate` shares the same reader, checked on a sample.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app

runner = CliRunner()
AR = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."


@dataclass
class Case:
    id: str
    data: bytes | Callable[[Path], str]  # bytes for a file, or a builder returning an argument
    exit_code: int
    expect: str  # message fragment (errors) or text that must appear in the JSON (success)
    args: tuple[str, ...] = ()
    name: str = "input.txt"


def _dir(tmp: Path) -> str:
    (tmp / "folder").mkdir()
    return str(tmp / "folder")


CASES = [
    Case("empty", b"", 2, "the article is empty"),
    Case("spaces-only", b"   \n\t\n", 2, "the article is empty"),
    Case("nbsp-only", "\u00a0\n\u00a0\n".encode(), 2, "the article is empty"),
    Case("bidi-marks-only", "\u200f\u200e\n".encode(), 2, "the article is empty"),
    Case("nul-bytes", b"abc\x00\x00def" * 10, 2, "binary data"),
    Case("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 2, "PNG image"),
    Case("jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, 2, "JPEG image"),
    Case("pdf", b"%PDF-1.7\n" + b"\x00" * 64, 2, "PDF"),
    Case("zip", b"PK\x03\x04" + b"\x00" * 64, 2, "binary data"),
    Case("english", b"The foreign minister said the talks would resume next week.", 2,
         "not Arabic (mostly Latin script)"),
    Case("russian", "Министр заявил, что переговоры возобновятся.".encode(), 2,
         "not Arabic (mostly Cyrillic script)"),
    Case("english-with-from", b"The talks resume next week.", 0, "The talks resume next week.",
         ("--from", "en")),
    Case("digits-only", b"2024 2025 3.5", 2, "no letters"),
    Case("invalid-utf8-offset", AR.encode() + b"\xff\xfe\xfa" + AR.encode(), 2,
         f"byte offset {len(AR.encode())}"),
    Case("forced-wrong-encoding", AR.encode(), 2, "cannot decode as ascii at byte offset 0",
         ("--encoding", "ascii")),
    Case("unknown-encoding", AR.encode(), 2, "unknown encoding 'klingon'",
         ("--encoding", "klingon")),
    Case("missing-file", lambda tmp: str(tmp / "nope.txt"), 2, "no such file"),
    Case("directory", _dir, 2, "is a directory"),
    Case("unknown-input-format", AR.encode(), 2, "", ("--input-format", "docx")),
    Case("utf8", AR.encode(), 0, AR),
    Case("utf8-bom", b"\xef\xbb\xbf" + AR.encode(), 0, AR),
    Case("utf16-le-bom", b"\xff\xfe" + AR.encode("utf-16-le"), 0, AR),
    Case("utf16-be-bom", b"\xfe\xff" + AR.encode("utf-16-be"), 0, AR),
    Case("windows-1256", AR.encode("cp1256"), 0, AR),
    Case("iso-8859-6", "قال وزير الخارجية إن المحادثات ستستأنف".encode("iso-8859-6"), 0,
         "قال وزير الخارجية"),
    Case("crlf", f"{AR}\r\n\r\n{AR}\r\n".encode(), 0, '"p2"'),
    Case("latin-names-inside-arabic", "أعلنت شركة Microsoft ووكالة NASA عن شراكة جديدة."
         .encode(), 0, "Microsoft"),
    Case("emoji", "وصل الوفد إلى موسكو 🇷🇺 مساء الخميس.".encode(), 0, "🇷🇺"),
    Case("zero-width-and-controls", "قال\u200b الوزير\x07 إن\u200d المحادثات ستستأنف.".encode(),
         0, "قال الوزير إن المحادثات ستستأنف."),
    Case("rtl-override", "\u202eقال الوزير إن المحادثات ستستأنف.\u202c".encode(), 0,
         '"removed_bidi'),
    Case("presentation-forms", "ﻻ ﺗﺰﺍﻝ المحادثات مستمرة.".encode(), 0, "لا تزال المحادثات"),
    Case("quranic-marks", "قال تعالى: ﴿وَقُلْ رَبِّ زِدْنِي عِلْمًا ۝﴾ في الآية.".encode(), 0,
         "وَقُلْ رَبِّ زِدْنِي"),
    Case("tatweel", "المحـــادثات ستستأنف.".encode(), 0, "المحادثات ستستأنف."),
    Case("html-page", f"<html><head><title>خبر</title><script>alert(1)</script></head><body>"
         f"<nav><a href='/ru'>Ru</a> <a href='/en'>En</a></nav><article><h1>عنوان الخبر</h1>"
         f"<p>{AR}</p></article></body></html>".encode(), 0, "عنوان الخبر", (), "page.html"),
    Case("markdown", f"# عنوان الخبر\n\n{AR}\n\n- البند الأول\n- البند الثاني\n".encode(), 0,
         '"list_item"', (), "article.md"),
    Case("one-long-line", ("كلمة " * 200_000).encode(), 0, '"chunks"'),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_and_odd_inputs(case: Case, tmp_path: Path) -> None:
    if callable(case.data):
        arg = case.data(tmp_path)
    else:
        path = tmp_path / case.name
        path.write_bytes(case.data)
        arg = str(path)
    result = runner.invoke(app, ["segment", arg, "--format", "json", *case.args])
    assert result.exit_code == case.exit_code, result.output[-500:]
    if case.exit_code == 0:
        data = json.loads(result.stdout)
        assert case.expect in json.dumps(data, ensure_ascii=False)
    else:
        lines = result.output.strip().splitlines()
        assert len(lines) >= 1 and "Traceback" not in result.output
        if case.id != "unknown-input-format":  # typer's own usage error, several lines
            assert len(lines) == 1, result.output
            assert lines[0].startswith("tarjama: error: ")
        assert case.expect in result.output


def test_translate_refuses_bad_input_before_loading_models(tmp_path: Path) -> None:
    art = tmp_path / "a.txt"
    art.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = runner.invoke(app, ["translate", str(art), "--to", "en", "--model",
                                 f"en={tmp_path / 'no-model'}"])
    assert result.exit_code == 2
    assert "PNG image" in result.output and "no-model" not in result.output
