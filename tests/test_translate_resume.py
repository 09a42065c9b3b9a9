"""Many articles in one run: kill -9 mid-run, rerun, get exactly an uninterrupted run's files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pause_kit
import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.journal import JOURNAL_NAME, Journal

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def articles(tmp_path, fixture_pairs) -> list[Path]:
    """Twelve small articles made of the fixture models' training sentences."""
    sources = [src for src, _ in fixture_pairs["en"] if "ـ" not in src]
    out = []
    for i in range(12):
        a, b = sources[i % len(sources)], sources[(i * 5 + 3) % len(sources)]
        path = tmp_path / "in" / f"news-{i:02d}.ar.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"{a}\n\n{b}\n", encoding="utf-8")
        out.append(path)
    return out


def _command(articles: list[Path], out: Path, models: dict[str, Path]) -> list[str]:
    return [sys.executable, "-m", "translate", "translate", *map(str, articles), "-o", str(out),
            "--model", f"en={models['en']}", "--model", f"ru={models['ru']}",
            "--backend", "transformers", "-q"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(tmp_path / "cache"),
            "OMP_NUM_THREADS": "1"}


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())
            if not p.name.startswith(".")}


def test_kill_9_then_rerun_gives_the_uninterrupted_result(tmp_path, articles, fixture_models):
    reference, interrupted = tmp_path / "ref", tmp_path / "run"
    env = _env(tmp_path)
    done = subprocess.run(_command(articles, reference, fixture_models), env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    expected = _files(reference)
    assert len(expected) == 2 * len(articles)

    # Paused for good after the third output file (the first of article 2's two): the kill
    # lands mid-article, and the run cannot finish before it (tests/pause_kit.py).
    marker = tmp_path / "paused"
    argv = pause_kit.command(marker, "translate.run:atomic_write",
                             _command(articles, interrupted, fixture_models)[3:], nth=3,
                             after=True)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pause_kit.wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    partial = _files(interrupted)
    assert 0 < len(partial) < len(expected)

    again = subprocess.run(_command(articles, interrupted, fixture_models), env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "already done, skipped" in again.stderr
    assert _files(interrupted) == expected  # nothing lost, nothing doubled, byte for byte
    # a crash never leaves a half-written file under a final name
    assert not [p.name for p in interrupted.iterdir() if p.name.endswith(".tmp")]


def test_rerun_of_a_finished_run_skips_everything(tmp_path, articles, fixture_models):
    out = tmp_path / "out"
    args = ["translate", *map(str, articles[:3]), "-o", str(out),
            "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
            "--backend", "transformers", "-q"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    before = _files(out)
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "3 article(s) already done, skipped" in second.output
    assert _files(out) == before


def test_user_file_in_the_way_is_kept_and_the_others_are_done(tmp_path, articles,
                                                             fixture_models):
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "news-01.en.txt"
    mine.write_text("my notes", encoding="utf-8")
    result = runner.invoke(app, ["translate", *map(str, articles[:3]), "-o", str(out),
                                 "--model", f"en={fixture_models['en']}", "--model",
                                 f"ru={fixture_models['ru']}", "--backend", "transformers",
                                 "-q"])
    assert result.exit_code == 2
    assert "news-01.en.txt exists; pass --force" in result.output
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert (out / "news-00.en.txt").is_file() and (out / "news-02.ru.txt").is_file()


def test_bad_article_among_good_ones_is_reported_and_the_rest_translated(
        tmp_path, articles, fixture_models):
    bad = tmp_path / "in" / "broken.ar.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(articles[0]), str(bad), str(articles[1]),
                                 "-o", str(out), "--model", f"en={fixture_models['en']}",
                                 "--model", f"ru={fixture_models['ru']}",
                                 "--backend", "transformers", "-q"])
    assert result.exit_code == 2
    assert "broken.ar.txt" in result.output and "PNG image" in result.output
    assert sorted(_files(out)) == ["news-00.en.txt", "news-00.ru.txt", "news-01.en.txt",
                                   "news-01.ru.txt"]


@pytest.mark.parametrize(
    "names, message",
    [(["a/news.ar.txt", "b/news.ar.txt"], "would both write"),
     (["a/x.ar.txt", "a/y.ar.txt"], "need -o DIR")],
    ids=["same-stem-two-folders", "several-without-output"],
)
def test_ambiguous_outputs_are_refused_up_front(tmp_path, names, message):
    paths = []
    for n in names:
        p = tmp_path / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("خبر.", encoding="utf-8")
        paths.append(str(p))
    args = ["translate", *paths, "--model", f"en={tmp_path}", "--to", "en"]
    if message != "need -o DIR":
        args += ["-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output


def test_journal_owns_what_it_announced(tmp_path):
    journal = Journal(tmp_path)
    target = tmp_path / "a.en.txt"
    journal.begin("k1", "a.ar.txt", [target])
    target.write_text("x")
    assert journal.owns(target) and not journal.is_done("k1")
    journal.finish("k1", "a.ar.txt", [target])
    assert journal.is_done("k1")
    target.unlink()
    assert not journal.is_done("k1")  # outputs gone: do the work again
    assert (tmp_path / JOURNAL_NAME).is_file()
