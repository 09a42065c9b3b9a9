"""Rows of the bad-inputs table (test_bad_inputs.py) from the second hostile round (issue 25):
``--force`` never deletes what is not ours, read-only commands change no byte, bounds, wrong
messages. Each row failed before its fix. Races, signals and a closed stdout need processes
or threads of their own: tests/test_force.py."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import bad_inputs_kit as kit
import pytest
from bad_inputs_kit import AR, EN, CommandCase, World

CPUS = os.cpu_count() or 1  # what --threads is bounded by (translate.cli.options.CPUS)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _kept(*names: str) -> Callable[[World, str], None]:
    """The files are still there, byte for byte as the world built them (``w.saved``)."""
    def check(w: World, output: str) -> None:
        for n in names:
            assert (w.tmp / n).read_bytes() == w.saved[n], n  # type: ignore[attr-defined]

    return check


def _save(w: World, *names: str) -> None:
    w.saved = {n: (w.tmp / n).read_bytes() for n in names}  # type: ignore[attr-defined]


def _convert(w: World, source: str, out: str) -> list[str]:
    model = kit.model_copy(w, source)
    kept = [f"{source}/model.safetensors", f"{source}/config.json"]
    if out != source:
        w.file(f"{out}/notes.txt", "my notes\n")
        kept.append(f"{out}/notes.txt")
    _save(w, *kept)
    return ["models", "convert", str(model), "-o", str(w.tmp / out), "--force"]


def _convert_onto_foreign(w: World) -> list[str]:
    w.file("mine/notes.txt", "my notes\n")
    _save(w, "mine/notes.txt")
    return ["models", "convert", str(w.models()["en"]), "-o", str(w.tmp / "mine"), "--force"]


def _fixture_onto_pairs(w: World) -> list[str]:
    pairs = w.file("d/pairs.tsv", f"{AR}\t{EN}\n")
    w.file("d/other.txt", "x\n")
    _save(w, "d/pairs.tsv", "d/other.txt")
    return ["models", "fixture", "overfit", "--pairs", pairs, "-o", str(w.tmp / "d"), "--force"]


def _shape_onto_foreign(w: World) -> list[str]:
    w.file("mine/notes.txt", "my notes\n")
    _save(w, "mine/notes.txt")
    return ["models", "fixture", "shape", "--shape", "tiny", "-o", str(w.tmp / "mine"),
            "--force"]


def _text_as_cache(w: World, *argv: str) -> list[str]:
    w.env("TARJAMA_CACHE", w.article())
    _save(w, "a.ar.txt")
    return list(argv)


def _damaged_foreign(w: World) -> list[str]:
    path = w.tmp / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, note TEXT)")
        conn.executemany("INSERT INTO invoices (note) VALUES (?)", [(AR * 5,)] * 300)
    kit.damage(path)
    _save(w, "other.sqlite")
    w.env("TARJAMA_CACHE", str(path))
    return ["cache", "clear", "--force"]


def _read_only(w: World, make: Callable[[World], str], *argv: str) -> list[str]:
    db = make(w)
    _save(w, Path(db).name)
    return [a.replace("DB", db) for a in argv]


def _empty_file(w: World) -> str:
    return w.file("empty.sqlite", b"")


def _links(w: World, dangling: bool) -> list[str]:
    link = w.tmp / "link.jsonl"
    if not dangling:
        w.file("real.jsonl", "mine\n")
        _save(w, "real.jsonl")
    link.symlink_to(w.tmp / "real.jsonl")
    src = w.article("src.ar.txt", f"{AR}\n{AR}\n")
    return ["align", src, w.file("tgt.en.txt", "one\ntwo\n"), "--method", "length", "-o",
            str(link)]


def _link_followed(w: World, output: str) -> None:
    link = w.tmp / "link.jsonl"
    assert link.is_symlink() and '"src"' in (w.tmp / "real.jsonl").read_text(encoding="utf-8")


def _full_cache(w: World) -> list[str]:
    """A cache on a disk that fills up: SQLite's own "database or disk is full"."""
    from translate.cache import TranslationCache

    real = TranslationCache.put_many

    def put_many(self, scope, hyps):  # type: ignore[no-untyped-def]
        (pages,) = self._db.execute("PRAGMA page_count").fetchone()
        self._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk holds no more pages
        try:
            for i in range(100_000):  # fill what is left of the last ones
                self._db.execute("INSERT INTO translations VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)",
                                 (f"filler-{i}", "m", "b", "{}", AR, EN))
        except sqlite3.OperationalError:
            pass
        return real(self, scope, hyps)

    w.monkeypatch.setattr(TranslationCache, "put_many", put_many)
    w.env("TARJAMA_CACHE", str(w.tmp / "cache.sqlite"))
    return ["translate", w.article(), "--to", "en", *w.model_args("en"), "-f", "json", "-o",
            str(w.tmp / "out.json")]


def _translated_anyway(w: World, output: str) -> None:
    out = (w.tmp / "out.json").read_text(encoding="utf-8")
    assert '"translations"' in out and '"en"' in out


def _bom_scores(w: World) -> list[str]:
    w.file("hyp.txt", "\ufeffthe cat sat on the mat\nhello world\n")
    w.file("ref.txt", "the cat sat on a mat\nhello there world\n")
    return ["score", str(w.tmp / "hyp.txt"), str(w.tmp / "ref.txt"), "-f", "json",
            "--metrics", "bleu,ter"]


def _as_sacrebleu(w: World, output: str) -> None:
    """The scores sacrebleu gives reading the files with its own reader."""
    import sacrebleu
    from sacrebleu.utils import smart_open

    hyp, ref = ([ln.rstrip() for ln in smart_open(str(w.tmp / n))] for n in ("hyp.txt", "ref.txt"))
    got = {s["name"]: s["score"] for s in json.loads(output)["scores"]}
    assert got["BLEU"] == pytest.approx(sacrebleu.corpus_bleu(hyp, [ref]).score)
    assert got["TER"] == pytest.approx(sacrebleu.corpus_ter(hyp, [ref]).score)


def _bench_md_only(w: World) -> list[str]:
    w.file("results/quality.md", "my table\n")
    _save(w, "results/quality.md")
    return ["bench", "--model", "en=/no/such/model", "--testset", "x.tsv", "-o",
            str(w.tmp / "results")]


def _shards_named_otherwise(w: World) -> list[str]:
    out = Path(kit.shards(w))
    for shard in out.glob("part-*.parquet"):
        shard.rename(out / shard.name.replace("part-", "shard-"))
    return ["corpus", "import", str(out), "--db", str(w.tmp / "c.sqlite")]


def _bench_compare_fifo(w: World) -> list[str]:
    from typer.testing import CliRunner

    from translate.cli import app

    models = w.models()
    pairs = Path(__file__).parent / "data" / "pairs.ar-en.tsv"
    result = CliRunner().invoke(app, ["bench", "-m", f"en={models['en']}", "--testset",
                                      str(pairs), "--backend", "transformers", "-o",
                                      str(w.tmp / "a"), "--history", str(w.tmp / "h.jsonl"),
                                      "-q"])
    assert result.exit_code == 0, result.output
    import shutil

    shutil.copytree(w.tmp / "a", w.tmp / "b")
    (ref,) = (w.tmp / "b" / "refs").glob("*.txt")
    ref.unlink()
    os.mkfifo(ref)
    return ["bench", "compare", str(w.tmp / "a"), str(w.tmp / "b"), "--history",
            str(w.tmp / "h.jsonl")]


def _unchanged_bytes(name: str, data: bytes) -> Callable[[World, str], None]:
    def check(w: World, output: str) -> None:
        assert (w.tmp / name).read_bytes() == data

    return check


def _no_file_named(name: str) -> Callable[[World, str], None]:
    def check(w: World, output: str) -> None:
        assert not (w.tmp / name).exists()

    return check


FORCE_CASES = [
    # --force replaces only what tarjama made; never an input, nor a folder holding one
    CommandCase("convert-onto-its-input", lambda w: _convert(w, "m", "m"), 2,
                "holds an input", _kept("m/model.safetensors", "m/config.json")),
    CommandCase("convert-into-folder-holding-input", lambda w: _convert(w, "p/src", "p"), 2,
                "holds an input", _kept("p/src/model.safetensors", "p/notes.txt")),
    CommandCase("convert-onto-foreign-folder", _convert_onto_foreign, 2,
                "is not empty and was not made by tarjama; refusing to replace it, even with "
                "--force", _kept("mine/notes.txt")),
    CommandCase("fixture-onto-its-pairs-folder", _fixture_onto_pairs, 2, "holds an input",
                _kept("d/pairs.tsv", "d/other.txt")),
    CommandCase("fixture-shape-onto-foreign-folder", _shape_onto_foreign, 2,
                "was not made by tarjama", _kept("mine/notes.txt")),
    CommandCase("cache-clear-force-on-a-text-file",
                lambda w: _text_as_cache(w, "cache", "clear", "--force"), 2,
                "is not a translation cache (not an SQLite file)", _kept("a.ar.txt")),
    CommandCase("translate-with-a-text-file-as-cache",
                lambda w: _text_as_cache(w, "translate", str(w.tmp / "a.ar.txt"), "--to", "en",
                                         "-m", "en=/nowhere", "-f", "json", "-o",
                                         str(w.tmp / "o.json")), 2,
                "give another file, or delete it if it was the translation cache",
                _kept("a.ar.txt")),
    CommandCase("cache-clear-force-damaged-foreign", _damaged_foreign, 2,
                "its schema does not show a translation cache; refusing to delete it",
                _kept("other.sqlite")),
    CommandCase("output-file-of-another-kind",
                lambda w: ["align", w.article("s.ar.txt", f"{AR}\n"), w.file("t.en.txt", "x\n"),
                           "--method", "length", "-o", w.file("photo.jsonl", PNG),
                           "--force"], 2, "holds binary data (not UTF-8 text), not what "
                "tarjama writes there", _unchanged_bytes("photo.jsonl", PNG)),
    # read-only commands open databases read-only: not a byte changes
    CommandCase("corpus-list-foreign-unchanged",
                lambda w: _read_only(w, kit.foreign_database, "corpus", "list", "--db", "DB"),
                2, "is not a corpus database", _kept("other.sqlite")),
    CommandCase("corpus-stats-empty-file-unchanged",
                lambda w: _read_only(w, _empty_file, "corpus", "stats", "--db", "DB"), 2,
                "is empty, not a corpus database", _kept("empty.sqlite")),
    CommandCase("cache-stats-foreign-unchanged",
                lambda w: (w.env("TARJAMA_CACHE", str(w.tmp / "other.sqlite")),
                           _read_only(w, kit.foreign_database, "cache", "stats"))[1], 2,
                "is not a translation cache", _kept("other.sqlite")),
    # one rule for symbolic links: followed, as a shell redirection follows them
    CommandCase("output-dangling-link", lambda w: _links(w, dangling=True), 0, "",
                _link_followed),
    CommandCase("output-live-link-without-force", lambda w: _links(w, dangling=False), 2,
                "link.jsonl exists; pass --force", _kept("real.jsonl")),
    # bounds and wrong messages
    CommandCase("threads-beyond-the-cpus",
                lambda w: ["translate", w.article(), "--threads", str(CPUS + 1)], 2,
                "Invalid value for '--threads'"),
    CommandCase("corpus-build-local-threads-beyond-the-cpus",
                lambda w: ["corpus", "build", w.article("in/one.ar.txt"), "--threads",
                           str(CPUS + 1), "--db", str(w.tmp / "c.sqlite")], 2,
                "--engine local decodes on this machine, which has"),
    CommandCase("inter-threads-100000",
                lambda w: ["translate", w.article(), "--inter-threads", "100000"], 2,
                "Invalid value for '--inter-threads'"),
    CommandCase("cache-on-a-full-disk", _full_cache, 0,
                "database or disk is full; the translations were written but not cached",
                _translated_anyway),
    CommandCase("score-bom-as-sacrebleu", _bom_scores, 0, '"BLEU"', _as_sacrebleu),
    CommandCase("bench-output-holds-quality-md", _bench_md_only, 2,
                "quality.md exists; pass --force", _kept("results/quality.md")),
    CommandCase("corpus-import-no-part-shards", _shards_named_otherwise, 2,
                "no shards (part-*.parquet) to import; it holds shard-good-",
                _no_file_named("c.sqlite")),
    CommandCase("model-for-no-target",
                lambda w: ["translate", w.article(), "--to", "en", "-m", "en=/nowhere", "-m",
                           "fr=/nowhere"], 2,
                "--model fr: no language this run translates into uses it (it translates "
                "ar→en; --to en)"),
    CommandCase("model-unknown-language-into-folder",
                lambda w: ["translate", w.article(), "-m", "xx=/nowhere", "-o",
                           str(w.tmp / "out") + "/"], 2, "--model xx: no language"),
    CommandCase("bench-compare-fifo", _bench_compare_fifo, 2,
                "is a FIFO, expected a regular file"),
]

