"""Outputs: nothing lost, nothing clobbered. Modes, devices, links, inputs, temp files of
concurrent runs, two copies of one article, lines split as sacrebleu splits them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.errors import OutputExistsError, UsageError
from translate.fsio import (
    atomic_dir,
    atomic_write,
    check_output,
    remove_stale_temps,
    split_lines,
    temp_prefix,
)

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
AR = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("text", "lines"), [
    ("a\nb\n", ["a", "b"]),
    ("a\r\nb\r\n", ["a", "b"]),
    ("a\nb", ["a", "b"]),
    ("", []),
    ("\n", [""]),
    ("a\n\nb\n", ["a", "", "b"]),
    ("один\u2028два\nтри\n", ["один\u2028два", "три"]),
    ("واحد\u0085اثنان\fثلاثة\vأربعة\n", ["واحد\u0085اثنان\fثلاثة\vأربعة"]),
    ("a\rb\n", ["a\rb"]),
], ids=["lf", "crlf", "no-final-newline", "empty", "one-empty-line", "blank-line", "u2028",
        "nel-ff-vt", "lone-cr-stays"])
def test_lines_are_split_on_newline_only(text, lines):
    assert split_lines(text) == lines


def test_new_outputs_follow_the_umask_and_replaced_ones_keep_their_mode(tmp_path, umask_027):
    new = atomic_write(tmp_path / "new.json", "{}")
    assert mode(new) == 0o640
    old = tmp_path / "old.txt"
    old.write_text("первый", encoding="utf-8")
    old.chmod(0o604)
    atomic_write(old, "второй", force=True)
    assert mode(old) == 0o604 and old.read_text(encoding="utf-8") == "второй"


def test_every_cli_writer_honours_the_umask(tmp_path, umask_027):
    src = tmp_path / "s.ar.txt"
    src.write_text(f"{AR}\n{AR}\n", encoding="utf-8")
    tgt = tmp_path / "t.en.txt"
    tgt.write_text("one\ntwo\n", encoding="utf-8")
    for fmt in ("jsonl", "tsv", "tmx", "moses"):
        out = tmp_path / f"beads-{fmt}"
        result = runner.invoke(app, ["align", str(src), str(tgt), "--method", "length",
                                     "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.iterdir() if p.name.startswith("beads-")]
    assert len(written) == 5 and all(mode(p) == 0o640 for p in written)


def test_translations_and_exports_honour_the_umask(tmp_path, umask_027, fixture_models):
    art = tmp_path / "a.ar.txt"
    art.write_text(f"{AR}\n", encoding="utf-8")
    model = [f"--model=en={fixture_models['en']}", "--to", "en", "--backend", "transformers",
             "-q"]
    for fmt, out in [("text", "txt"), ("markdown", "md"), ("json", "j"), ("html", "h")]:
        # "DIR/": a folder (one language in text mode and no slash would name a file)
        target = f"{tmp_path / out}/" if fmt in ("text", "markdown") else str(tmp_path / out)
        result = runner.invoke(app, ["translate", str(art), "-f", fmt, "-o", target,
                                     *model])
        assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*")
               if (p.is_file() and p.parent.name in ("txt", "md")) or p.name in ("j", "h")]
    assert len(written) == 4 and all(mode(p) == 0o640 for p in written), written


def test_test_set_lines_keep_u2028_inside(tmp_path):
    from translate.bench.testsets import load_testsets

    src, ref = tmp_path / "t.ar", tmp_path / "t.en"
    src.write_text("".join(f"{AR}\u2028{i}\n" for i in range(3)), encoding="utf-8")
    ref.write_text("".join(f"line\u2028{i}\r\n" for i in range(3)), encoding="utf-8")
    (testset,) = load_testsets(f"{src},{ref}", ["en"])
    assert len(testset.sources) == len(testset.references) == 3


def test_a_built_directory_is_readable_by_others_and_a_failed_one_leaves_nothing(tmp_path):
    with atomic_dir(tmp_path / "store" / "m" / "ct2") as tmp:
        (tmp / "model.bin").write_bytes(b"x")
    assert mode(tmp_path / "store" / "m" / "ct2") == 0o777 & ~_umask()
    with pytest.raises(RuntimeError), atomic_dir(tmp_path / "new" / "deeper" / "ct2"):
        raise RuntimeError("the converter failed")
    assert not (tmp_path / "new").exists()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_force_writes_through_a_fifo_instead_of_replacing_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, "بيانات", force=True)
    reader.join(timeout=10)
    assert got == ["بيانات".encode()] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_character_device_is_written_through_not_replaced():
    target = check_output("/dev/null")  # no --force needed: nothing is replaced
    assert target.stream
    atomic_write("/dev/null", "x", force=True)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_link_keeps_pointing_at_the_replaced_file(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write(link, "new", force=True)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(("name", "make", "error", "message"), [
    ("dir", lambda p: p.mkdir(), UsageError, "is a directory"),
    ("file", lambda p: p.write_text("x"), OutputExistsError, "exists; pass --force"),
    ("under-file/x.json", lambda p: p.parent.write_text("x"), UsageError, "is not a directory"),
], ids=["directory", "existing-file", "file-as-folder"])
def test_outputs_refused_before_the_work(tmp_path, name, make, error, message):
    make(tmp_path / name)
    with pytest.raises(error, match=message):
        check_output(tmp_path / name)


def test_an_input_is_never_replaced_even_through_a_hard_link(tmp_path):
    art = tmp_path / "a.ar.txt"
    art.write_text(AR, encoding="utf-8")
    os.link(art, tmp_path / "same.json")
    with pytest.raises(UsageError, match="is also an input"):
        atomic_write(tmp_path / "same.json", "{}", force=True, inputs=[art])
    assert art.read_text(encoding="utf-8") == AR


def test_stale_temp_files_of_dead_runs_go_and_live_ones_stay(tmp_path):
    out = tmp_path / "a.en.txt"
    live = tmp_path / f"{temp_prefix(out)}abc.tmp"
    dead = tmp_path / f".a.en.txt.{2**22 + 12345}.abc.tmp"  # above any pid_max default
    old_style = tmp_path / ".a.en.txt.k2j4h5.tmp"
    for p in (live, dead, old_style):
        p.write_text("half")
    remove_stale_temps(out)
    assert live.exists() and not dead.exists() and not old_style.exists()


def test_dash_output_is_standard_output(tmp_path):
    src = tmp_path / "s.ar.txt"
    src.write_text(f"{AR}\n", encoding="utf-8")
    result = runner.invoke(app, ["align", str(src), str(src), "--method", "length", "-o", "-"])
    assert result.exit_code == 0 and '"src": [0]' in result.output
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def _translate(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "translate", "translate", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_into_one_folder_both_finish(tmp_path, fixture_models):
    """Run B must not delete run A's temporary file (it did: FileNotFoundError)."""
    models = [f"--model=en={fixture_models['en']}", "--to", "en", "--backend", "transformers",
              "-q", "-o", str(tmp_path / "out")]
    arts = []
    for i in range(6):
        arts.append(tmp_path / f"n{i}.ar.txt")
        arts[-1].write_text(f"{AR}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    runs = [_translate([*map(str, arts[:4]), *models], env),
            _translate([*map(str, arts[2:]), *models], env)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == \
        [f"n{i}.en.txt" for i in range(6)]
    assert not list((tmp_path / "out").glob("*.tmp"))


@pytest.mark.parametrize("other_finishes", [True, False], ids=["done", "still-writing"])
def test_work_another_run_takes_while_this_one_translates_is_not_refused(
        tmp_path, fixture_models, monkeypatch, other_finishes):
    """The race behind the test above, made certain: while this run translates b, another run
    into the same folder finishes b (or has announced and is writing it). Its files are this
    run's files (same bytes, settings, outputs): skip b, or replace them; never 'exists'."""
    from translate.journal import JOURNAL_NAME, Journal
    from translate.run import TranslateRun

    for name in ("a", "b"):
        (tmp_path / f"{name}.ar.txt").write_text(f"{AR}\n" if name == "a" else "روسيا.\n",
                                                 encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(tmp_path / "a.ar.txt"), str(tmp_path / "b.ar.txt"), "-o", str(out),
            f"--model=en={fixture_models['en']}", "--to", "en", "--backend", "transformers",
            "-q", "--no-cache"]
    translate = TranslateRun._translate
    seen: list[str] = []

    def other_run_meanwhile(self, source_text, name):  # type: ignore[no-untyped-def]
        article = translate(self, source_text, name)
        seen.append(name)
        if name == "b.ar.txt" and seen == ["a.ar.txt", "b.ar.txt"]:  # the outer run, at b
            other = runner.invoke(app, args)  # two articles: a is done, b it translates
            assert other.exit_code == 0, other.output
            assert (out / "b.en.txt").is_file()
            if not other_finishes:  # as if it had announced b and not yet finished
                journal = Journal(out)
                journal.db.execute("UPDATE work SET state = 'writing'")
                journal.close()
        return article

    monkeypatch.setattr(TranslateRun, "_translate", other_run_meanwhile)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.txt")) == ["a.en.txt", "b.en.txt"]
    assert (out / JOURNAL_NAME).is_file() and not list(out.glob(".*.tmp"))


def test_two_copies_of_one_article_each_get_their_files(tmp_path, fixture_models):
    for name in ("a", "b"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.ar.txt").write_text(f"{AR}\n", encoding="utf-8")
    args = ["translate", str(tmp_path / "in" / "a.ar.txt"), str(tmp_path / "in" / "b.ar.txt"),
            "-o", str(tmp_path / "out"), f"--model=en={fixture_models['en']}",
            f"--model=ru={fixture_models['ru']}", "--backend", "transformers", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "already done" not in result.output
    files = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.txt")}
    assert sorted(files) == ["a.en.txt", "a.ru.txt", "b.en.txt", "b.ru.txt"]
    assert files["a.en.txt"] == files["b.en.txt"]  # the second came from the cache
    rerun = runner.invoke(app, args)
    assert rerun.exit_code == 0 and "2 article(s) already done" in rerun.output
