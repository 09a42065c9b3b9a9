"""Bad and odd inputs through the CLI: each case's exit code and its one-line message or output.

The README's table of exit codes and messages is this table in prose. ``CASES`` run through
`tarjama segment` (no model needed; `translate` shares the same reader, checked on a sample);
``COMMAND_CASES`` (tests/bad_commands.py) attack every command: usage errors, outputs that must
not be clobbered, damaged databases, shards and models, odd Unicode, lines, manifests.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bad_inputs_kit as kit
import pytest
from bad_inputs_kit import CommandCase, World
from typer.testing import CliRunner

from translate.cli import app

runner = CliRunner()
AR, AR2, EN = kit.AR, kit.AR2, kit.EN


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
    Case("unknown-input-format", AR.encode(), 2, "Invalid value for '--input-format'",
         ("--input-format", "docx")),
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
        assert len(lines) == 1 and "Traceback" not in result.output, result.output
        assert lines[0].startswith("tarjama: error: ")
        assert case.expect in result.output


def test_translate_refuses_bad_input_before_loading_models(tmp_path: Path) -> None:
    art = tmp_path / "a.txt"
    art.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = runner.invoke(app, ["translate", str(art), "--to", "en", "--model",
                                 f"en={tmp_path / 'no-model'}"])
    assert result.exit_code == 2
    assert "PNG image" in result.output and "no-model" not in result.output


# --- every command: each case is (id, command line, exit code, message or output, more checks)

def _align(w: World, *extra: str) -> list[str]:
    src = w.article("src.ar.txt", f"{AR}\n{AR}\n")
    return ["align", src, w.file("tgt.en.txt", "one\ntwo\n"), "--method", "length", *extra]


def _translate(w: World, *extra: str, langs: tuple[str, ...] = ("en",)) -> list[str]:
    return ["translate", w.article(), "--to", ",".join(langs), *w.model_args(*langs), *extra]


def _add(w: World, db: str, *extra: str) -> list[str]:
    return ["corpus", "add", w.article(), "-r", f"en={w.file('a.en.txt', EN)}", "--db", db,
            "--method", "length", *extra]


def _build_dir(w: World) -> str:
    w.article("in/one.ar.txt", f"{AR}\n")
    w.file("in/one.en.txt", f"{EN}\n")
    return str(w.tmp / "in")


def _unchanged(path: str, data: bytes) -> Callable[[World, str], None]:
    def check(w: World, output: str) -> None:
        assert (w.tmp / path).read_bytes() == data

    return check


def _no_file(*names: str) -> Callable[[World, str], None]:
    def check(w: World, output: str) -> None:
        left = [p.name for p in w.tmp.rglob("*") if p.name in names or p.suffix == ".tmp"]
        assert not left, left

    return check


def _enospc(w: World) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    w.monkeypatch.setattr("translate.fsio.os.fsync", full)  # a full disk, simulated


def _journal(w: World, make: Callable[[Path], None]) -> list[str]:
    out = w.tmp / "out"
    out.mkdir()
    make(out / ".tarjama-journal.sqlite")
    return ["translate", w.article("a.ar.txt"), w.article("b.ar.txt", f"{AR2}\n"), "-o",
            str(out), *w.model_args("en"), "--to", "en"]


def _two_names(w: World, fmt: str) -> list[str]:
    odd = kit.non_utf8_name(w, b"\xff\xfe.ar.txt", f"{AR}\n")
    return ["translate", odd, w.article("b.ar.txt"), "-f", fmt, "-o", str(w.tmp / "out"),
            "--to", "en", *w.model_args("en")]


def _odd_names_add(w: World) -> list[str]:
    article = kit.non_utf8_name(w, b"\xff.ar.txt", f"{AR}\n")
    reference = kit.non_utf8_name(w, b"\xfe.en.txt", f"{EN}\n")
    return ["corpus", "add", article, "-r", f"en={reference}", "--db", str(w.tmp / "c.sqlite"),
            "--method", "length", *w.model_args("en")]


def _both_written(suffix: str) -> Callable[[World, str], None]:
    def check(w: World, output: str) -> None:
        assert sorted(p.name for p in (w.tmp / "out").glob(f"*{suffix}")) == \
            [f"b{suffix}", f"xff_xfe{suffix}"]

    return check


def _three_lines(w: World, sep: str) -> list[str]:
    text = "".join(f"the talks{sep}resume in Cairo {i}\n" for i in range(3))
    return ["score", w.file("hyp.txt", text), w.file("ref.txt", text.replace("\n", "\r\n")),
            "--format", "json"]


def _score_3_lines(w: World, output: str) -> None:
    data = json.loads(output)
    assert data["lines"] == 3 and round(data["scores"][0]["score"], 6) == 100.0


def _aligned_3_lines(w: World, output: str) -> None:
    beads = [json.loads(ln) for ln in output.splitlines() if ln.startswith("{")]
    assert sorted(i for b in beads for i in b["src"]) == [0, 1, 2]
    assert sorted(j for b in beads for j in b["tgt"]) == [0, 1, 2]


def _deep(levels: int) -> bytes:
    return (f"<html><body><article><p>{AR}</p>" + "<div>" * levels + f"<p>{AR2}</p>"
            + "</div>" * levels + f"<p>{AR} 3</p></article></body></html>").encode()


def _manifest_outside(w: World, rows: list[dict[str, str]], *extra: str,
                      raw: tuple[str, ...] = ()) -> list[str]:
    w.article("m/a.ar.txt", f"{AR}\n")
    w.file("m/a.en.txt", f"{EN}\n")
    return ["corpus", "build", kit.manifest(w, rows, raw), "--db", str(w.tmp / "c.sqlite"),
            *extra]


def _report_fails(w: World) -> list[str]:
    import translate.fsio

    real = translate.fsio.atomic_write

    def write(path, data, *args, **kwargs):  # the disk fills up while the build runs
        if str(path).endswith("r.json"):
            raise translate.fsio.RuntimeFailure(f"cannot write {path}: No space left on device")
        return real(path, data, *args, **kwargs)

    w.monkeypatch.setattr(translate.fsio, "atomic_write", write)
    return ["corpus", "build", _build_dir(w), "--db", str(w.tmp / "c.sqlite"), "--report",
            str(w.tmp / "r.json"), "--method", "length", *w.model_args("en")]


def _shard_case(damage: Callable[[Path], None]) -> Callable[[World], list[str]]:
    return lambda w: ["corpus", "import", kit.shards(w, damage), "--db", str(w.tmp / "c.sqlite")]


def _good_shards_imported(w: World, output: str) -> None:
    assert "imported 2 articles" in output and "part-zbad-" in output


def _ct2_without_bin(w: World) -> list[str]:
    model = kit.model_copy(w, "ct2", ct2=True)
    (model / "model.bin").unlink()
    return _translate(w, "--model", f"en={model}", "--backend", "ctranslate2")


def _damaged_weights(w: World, name: str, ct2: bool, backend: str) -> list[str]:
    model = kit.model_copy(w, "broken", ct2=ct2)
    kit.cut(model / name)
    return _translate(w, "--model", f"en={model}", "--backend", backend)


def _no_empty_store_folder(w: World, output: str) -> None:
    store = Path(os.environ["TARJAMA_MODELS"])
    assert not any(p.is_dir() and not any(p.iterdir()) for p in store.rglob("*"))


COMMAND_CASES = [
    # usage errors: one line, exit 2, never click's four-line box
    CommandCase("beam-0", lambda w: ["translate", w.article(), "--beam", "0"], 2,
                "Invalid value for '--beam'"),
    CommandCase("threads-negative", lambda w: ["translate", w.article(), "--threads", "-1"], 2,
                "Invalid value for '--threads'"),
    CommandCase("unknown-option", lambda w: ["translate", w.article(), "--bogus"], 2,
                "No such option: --bogus"),
    CommandCase("missing-argument", lambda w: ["align", w.article()], 2,
                "Missing argument 'TGT'"),
    CommandCase("missing-option", lambda w: ["corpus", "add", w.article()], 2,
                "Missing option '--ref'"),
    CommandCase("unknown-command", lambda w: ["nosuchcommand"], 2,
                "No such command 'nosuchcommand'"),
    CommandCase("not-a-number", lambda w: ["segment", w.article(), "--max-tokens", "many"], 2,
                "Invalid value for '--max-tokens'"),
    CommandCase("bad-choice", lambda w: ["segment", w.article(), "-f", "xml"], 2,
                "Invalid value for '--format'"),
    CommandCase("min-score-out-of-range", lambda w: ["corpus", "export", "-o", "x.tmx",
                                                     "--min-score", "2"], 2,
                "Invalid value for '--min-score'"),
    CommandCase("compare-one-run", lambda w: ["bench", "compare", "latest"], 2,
                "Missing argument 'RUN_B'"),
    CommandCase("unknown-target", lambda w: ["translate", w.article(), "--to", "fr"], 2,
                "--to: unknown value(s) fr"),
    CommandCase("model-not-key-value", lambda w: ["translate", w.article(), "-m", "en", "--to",
                                                  "en"], 2,
                "--model expects KEY=VALUE"),
    # outputs: checked before the work; never a directory, a device or an input
    CommandCase("output-in-proc", lambda w: _align(w, "-o", "/proc/x.jsonl"), 2,
                "cannot write /proc/x.jsonl: cannot create files in /proc"),
    CommandCase("output-under-a-file", lambda w: _align(w, "-o", w.file("file.txt", "x") +
                                                        "/x.jsonl"), 2, "is not a directory"),
    CommandCase("output-is-a-directory", lambda w: _align(w, "-o", str(w.tmp)), 2,
                "is a directory; give a file name"),
    CommandCase("output-is-a-directory-force", lambda w: _align(w, "-o", str(w.tmp), "--force"),
                2, "is a directory; give a file name"),
    CommandCase("output-exists", lambda w: _align(w, "-o", w.file("x.jsonl", "mine")), 2,
                "x.jsonl exists; pass --force", _unchanged("x.jsonl", b"mine")),
    CommandCase("output-is-an-input", lambda w: _align(w, "-o", str(w.tmp / "src.ar.txt"),
                                                       "--force"), 2,
                "is also an input; refusing to overwrite it, even with --force",
                _unchanged("src.ar.txt", f"{AR}\n{AR}\n".encode())),
    CommandCase("translate-onto-its-input",
                lambda w: ["translate", w.article(), "-f", "json", "-o", str(w.tmp / "a.ar.txt"),
                           "--force", "--to", "en", "-m", "en=/nowhere"], 2,
                "is also an input", _unchanged("a.ar.txt", f"{AR}\n\n{AR2}\n".encode())),
    CommandCase("output-dir-is-a-file",
                lambda w: ["translate", w.article(), "-o", w.file("file.txt", "x") + "/out", "-m",
                           "en=/nowhere", "--to", "en,ru"], 2, "is not a directory"),
    CommandCase("disk-full-device", lambda w: _align(w, "-o", "/dev/full"), 1,
                "cannot write /dev/full: No space left on device"),
    CommandCase("disk-full", lambda w: (_enospc(w), _align(w, "-o", str(w.tmp / "x.jsonl")))[1],
                1, "No space left on device; nothing was written", _no_file("x.jsonl")),
    CommandCase("export-onto-a-directory",
                lambda w: ["corpus", "export", "-o", str(w.tmp), "--db", str(w.tmp / "none")], 2,
                "is a directory"),
    CommandCase("export-into-proc",
                lambda w: ["corpus", "export", "-f", "moses", "-o", "/proc/corpus", "--db",
                           str(w.tmp / "none")], 2, "cannot write /proc/corpus.ar"),
    CommandCase("build-report-into-proc",
                lambda w: ["corpus", "build", _build_dir(w), "--report", "/proc/r.json",
                           "--db", str(w.tmp / "c.sqlite")], 2,
                "cannot write /proc/r.json", _no_file("c.sqlite")),
    CommandCase("build-report-fails-after-the-work", _report_fails, 1,
                "the articles are stored, but the report was not written: cannot write",
                lambda w, out: "1 articles added" in out or pytest.fail(out)),
    CommandCase("build-out-is-a-file",
                lambda w: ["corpus", "build", _build_dir(w), "--out", w.file("f.txt", "x")], 2,
                "f.txt exists and is not a directory"),
    CommandCase("export-onto-its-database",
                lambda w: ["corpus", "export", "--db", kit.empty_corpus(w), "-o",
                           str(w.tmp / "corpus.sqlite"), "--force"], 2, "is also an input"),
    CommandCase("export-to-dash-is-stdout",
                lambda w: ["corpus", "export", "--db", kit.empty_corpus(w), "-o", "-", "-f",
                           "tsv"], 0, "wrote 0 units (ar-en-ru, tsv) to /dev/stdout",
                _no_file("-")),
    CommandCase("bench-output-into-proc",
                lambda w: ["bench", "--model", "en=/no/model", "--testset", "x.tsv", "-o",
                           "/proc/bench"], 2, "cannot write /proc/bench: cannot create files"),
    CommandCase("bench-history-into-proc",
                lambda w: ["bench", "--model", "en=/no/model", "--testset", "x.tsv", "-o",
                           str(w.tmp / "b"), "--history", "/proc/h.jsonl"], 2,
                "cannot write /proc/h.jsonl"),
    CommandCase("convert-onto-a-file",
                lambda w: ["models", "convert", str(w.models()["en"]), "-o",
                           w.file("f.txt", "x"), "--force"], 2,
                "f.txt exists and is not a directory"),
    CommandCase("fixture-into-proc",
                lambda w: ["models", "fixture", "overfit", "--pairs",
                           w.file("p.tsv", f"{AR}\t{EN}\n"), "--out", "/proc/fx"], 2,
                "cannot write /proc/fx: cannot create files in /proc"),
    CommandCase("cache-cannot-open",
                lambda w: (w.env("TARJAMA_CACHE", "/proc/c.sqlite"), ["cache", "stats"])[1], 2,
                "cannot open translation cache /proc/c.sqlite"),
    CommandCase("corpus-cannot-open", lambda w: _add(w, "/proc/c.sqlite"), 2,
                "cannot open corpus database /proc/c.sqlite"),
    CommandCase("output-folder-with-slash",
                lambda w: _translate(w, "-f", "json", "-o", str(w.tmp / "new") + "/"), 0, "",
                lambda w, out: (w.tmp / "new" / "a.json").is_file() or pytest.fail(out)),
    CommandCase("build-report-onto-manifest",
                lambda w: _manifest_outside(w, [{"id": "a", "ar": "a.ar.txt", "en": "a.en.txt"}],
                                            "--report", str(w.tmp / "m" / "list.jsonl")), 2,
                "is also an input"),
    # damaged databases: say what is broken and the fix, before any work
    CommandCase("cache-damaged-translate", lambda w: (kit.damaged_cache(w), _translate(w))[1], 1,
                "; `tarjama cache clear --force` recreates it"),
    CommandCase("cache-damaged-batch",
                lambda w: (kit.damaged_cache(w), _journal(w, lambda p: None))[1], 1,
                "; `tarjama cache clear --force` recreates it",
                lambda w, out: "wrote" not in out or pytest.fail(out)),
    CommandCase("cache-damaged-clear", lambda w: (kit.damaged_cache(w), ["cache", "clear"])[1],
                1, "is damaged (quick_check: Page "),
    CommandCase("cache-damaged-stats", lambda w: (kit.damaged_cache(w), ["cache", "stats"])[1],
                1, "is damaged"),
    CommandCase("cache-damaged-clear-force",
                lambda w: (kit.damaged_cache(w), ["cache", "clear", "--force"])[1], 0,
                "deleted the damaged cache"),
    CommandCase("cache-is-foreign",
                lambda w: (w.env("TARJAMA_CACHE", kit.foreign_database(w)),
                           ["cache", "clear", "--force"])[1], 2,
                "is not a translation cache (it holds the tables invoices)"),
    CommandCase("cache-folder-is-a-file",
                lambda w: (w.env("TARJAMA_CACHE", w.file("f.txt", "x") + "/c.sqlite"),
                           ["cache", "stats"])[1], 2, "cannot create its folder"),
    CommandCase("corpus-damaged-stats", lambda w: ["corpus", "stats", "--db",
                                                   kit.damaged_corpus(w)], 1,
                "corpus database"),
    CommandCase("corpus-damaged-export",
                lambda w: ["corpus", "export", "--db", kit.damaged_corpus(w), "-o",
                           str(w.tmp / "x.tmx")], 1, "is damaged", _no_file("x.tmx")),
    CommandCase("corpus-damaged-add-before-translating",
                lambda w: _add(w, kit.damaged_corpus(w), "-m", "en=/no/such/model"), 1,
                "is damaged (quick_check: "),
    CommandCase("corpus-damaged-import",
                lambda w: ["corpus", "import", kit.shards(w), "--db", kit.damaged_corpus(w)], 1,
                "is damaged"),
    CommandCase("corpus-not-a-database",
                lambda w: ["corpus", "stats", "--db", w.file("c.sqlite", b"garbage " * 600)], 1,
                "is not a database, or is damaged (file is not a database)"),
    CommandCase("corpus-is-a-directory", lambda w: ["corpus", "stats", "--db", str(w.tmp)], 2,
                "is a directory"),
    CommandCase("corpus-is-foreign",
                lambda w: ["corpus", "stats", "--db", kit.foreign_database(w)], 2,
                "is not a corpus database"),
    CommandCase("journal-garbage",
                lambda w: _journal(w, lambda p: p.write_bytes(b"garbage " * 600)), 1,
                "is not a database, or is damaged (file is not a database); delete it"),
    CommandCase("journal-is-a-directory", lambda w: _journal(w, Path.mkdir), 2,
                "is a directory, not a database file; delete it"),
    # Parquet shards: a damaged one is named and the exit is not 0
    CommandCase("shard-truncated", _shard_case(kit.truncate), 1, "not a readable Parquet shard",
                _good_shards_imported),
    CommandCase("shard-garbage", _shard_case(kit.garbage), 1, "not a readable Parquet shard",
                _good_shards_imported),
    CommandCase("shard-other-schema", _shard_case(kit.drop_column("content_hash")), 1,
                "not a tarjama shard (no column content_hash)", _good_shards_imported),
    CommandCase("shard-bad-article-json", _shard_case(kit.bad_article_json), 1,
                "invalid rows", _good_shards_imported),
    CommandCase("shards-not-a-directory",
                lambda w: ["corpus", "import", w.file("x.parquet", "x"), "--db", "c.sqlite"], 2,
                "no such directory of Parquet shards"),
    # lines: split on \n only (\r\n accepted), as sacrebleu and Moses tools do
    CommandCase("score-u2028", lambda w: _three_lines(w, "\u2028"), 0, '"lines": 3',
                _score_3_lines),
    CommandCase("score-nel-ff-vt", lambda w: _three_lines(w, "\u0085\f\v"), 0, '"lines": 3',
                _score_3_lines),
    CommandCase("align-u2028",
                lambda w: ["align", w.file("s.txt", f"{AR}\u2028{AR2}\n{AR}\n{AR2}\n"),
                           w.file("t.txt", "a\u2028b\nc\r\nd\n"), "--method", "length"], 0,
                '"src"', _aligned_3_lines),
    CommandCase("score-stdin-twice", lambda w: ["score", "-", "-"], 2,
                "standard input can be read once"),
    CommandCase("score-directory", lambda w: ["score", str(w.tmp), w.file("r.txt", "x\n")], 2,
                "is a directory"),
    CommandCase("read-a-device", lambda w: ["segment", "/dev/zero"], 2,
                "/dev/zero: is a device, expected a file"),
    # HTML deeper than the parser reads: refused, never a partial article
    CommandCase("html-3000-levels", lambda w: ["segment", w.file("deep.html", _deep(3000))], 2,
                "nests elements more than 2048 levels deep"),
    CommandCase("html-200000-levels",
                lambda w: ["segment", w.file("deep.html", _deep(200_000))], 2,
                "nests elements more than 2048 levels deep"),
    CommandCase("html-2000-levels",
                lambda w: ["segment", w.file("deep.html", _deep(2000)), "-f", "text"], 0,
                "p3.s1\tparagraph"),
    # manifests: paths stay in the manifest's folder; one bad line does not stop the others
    CommandCase("manifest-absolute-path",
                lambda w: _manifest_outside(w, [{"id": "a", "ar": "a.ar.txt",
                                                 "en": "/etc/passwd"}]), 2,
                "list.jsonl:1: \"en\" '/etc/passwd' is outside the manifest's folder"),
    CommandCase("manifest-dotdot",
                lambda w: _manifest_outside(w, [{"id": "a", "ar": "../../x.ar.txt",
                                                 "en": "a.en.txt"}]), 2,
                "pass --allow-outside-paths"),
    CommandCase("manifest-lone-surrogate",
                lambda w: [*_manifest_outside(
                    w, [{"id": "a", "ar": "a.ar.txt", "en": "a.en.txt"}],
                    raw=('{"id": "b", "ar": "a.ar.txt", "en": "a.en.txt", "url": "x\\ud800"}',)),
                    "--method", "length", *w.model_args("en")], 1,
                "1 article(s) failed (listed above); the others are stored",
                lambda w, out: ('"url" is not valid Unicode text' in out
                                and "1 articles added" in out) or pytest.fail(out)),
    # non-UTF-8 file names: the batch goes on, names escaped
    # -q silences "wrote …": `after` checks that the files are there
    CommandCase("non-utf8-name-json", lambda w: _two_names(w, "json"), 0, "",
                _both_written(".json")),
    CommandCase("non-utf8-name-html", lambda w: _two_names(w, "html"), 0, "",
                _both_written(".html")),
    CommandCase("non-utf8-name-corpus-add", _odd_names_add, 0, "\\xff.ar.txt: version 1"),
    CommandCase("non-utf8-source-corpus-add",
                lambda w: _add(w, str(w.tmp / "c.sqlite"), "--source", os.fsdecode(b"news-\xff"),
                               *w.model_args("en")), 0, "news-\\xff: version 1"),
    # broken models: one line, with the fix
    CommandCase("safetensors-damaged",
                lambda w: _damaged_weights(w, "model.safetensors", False, "transformers"), 2,
                "cannot be loaded, its files are damaged (SafetensorError"),
    CommandCase("ct2-model-bin-damaged",
                lambda w: _damaged_weights(w, "model.bin", True, "ctranslate2"), 2,
                "cannot be loaded, its files are damaged"),
    CommandCase("spm-damaged", lambda w: _damaged_weights(w, "source.spm", False, "transformers"),
                2, "cannot be loaded, its files are damaged"),
    CommandCase("ct2-without-model-bin", _ct2_without_bin, 2,
                "is a CTranslate2 conversion without its model.bin"),
    CommandCase("transformers-on-ct2",
                lambda w: _translate(w, "--model", f"en={kit.model_copy(w, 'c', ct2=True)}",
                                     "--backend", "transformers"), 2,
                "is a CTranslate2 model: use --backend ctranslate2"),
    CommandCase("conversion-fails-no-empty-folder",
                lambda w: _damaged_weights(w, "model.safetensors", False, "ctranslate2"), 1,
                "to CTranslate2 failed", _no_empty_store_folder),
]



# --- a model's config.json and spec: checked once when the model is resolved (issue 25 item 8,
# issue 24 §2), refused in one line before any loading, whichever backend was asked for
def _config(w: World, text: str, backend: str) -> list[str]:
    model = kit.model_copy(w, "cfg")
    if "{config}" in text:  # the model's own config with one field changed
        config = (model / "config.json").read_text(encoding="utf-8").strip()
        text = text.replace("{config}", config[1:-1])
    (model / "config.json").write_text(text, encoding="utf-8")
    return _translate(w, "--model", f"en={model}", "--backend", backend)


MODEL_SPEC_CASES = [
    CommandCase(f"config-{name}-{backend}",
                lambda w, text=text, backend=backend: _config(w, text, backend), 2, expect)
    for name, text, expect in [
        ("list", "[1,2]", "must hold a JSON object, not [1, 2]"),
        ("null", "null", "must hold a JSON object, not null"),
        ("model-type-number", '{{config}, "model_type": 5}',
         'model_type must be a family name such as "marian", not 5'),
        ("broken-json", '{"model_type": "marian",', "is not valid JSON"),
    ]
    for backend in ("transformers", "ctranslate2")
] + [
    CommandCase("model-path-missing",
                lambda w: _translate(w, "--model", f"en={w.tmp / 'nonexist'}"), 2,
                "nonexist does not exist"),
]
COMMAND_CASES += MODEL_SPEC_CASES

@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c.id for c in COMMAND_CASES])
def test_commands_on_bad_inputs(case: CommandCase, tmp_path: Path,
                                request: pytest.FixtureRequest,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(tmp_path, request, monkeypatch)
    argv = case.argv(world)
    result = runner.invoke(app, argv)
    assert "Traceback" not in result.output, result.output[-2000:]
    assert result.exit_code == case.exit_code, result.output[-2000:]
    errors = [ln for ln in result.output.splitlines() if ln.startswith("tarjama: error: ")]
    if case.exit_code:
        assert len(errors) == 1, result.output[-2000:]
        assert case.expect in errors[0], errors[0]
    else:
        assert not errors, result.output[-2000:]
        assert case.expect in result.output, result.output[-2000:]
    if case.after is not None:
        case.after(world, result.output)


def test_the_tables_hold_at_least_75_cases() -> None:
    assert len(CASES) + len(COMMAND_CASES) >= 75


def test_a_stray_lone_surrogate_is_one_line_not_a_traceback() -> None:
    import typer

    from translate.cli.common import command

    group = typer.Typer()

    @group.command("boom")
    @command
    def boom() -> None:
        os.fsdecode(b"x\xff").encode("utf-8")  # what SQLite or JSON would do with it

    @group.command("other")
    @command
    def other() -> None:
        pass

    result = runner.invoke(group, ["boom"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == ("tarjama: error: an argument or file name is not valid "
                                     "UTF-8 ('\\udcff')")
