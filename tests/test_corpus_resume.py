"""Nothing lost: `tarjama corpus build` as real processes, killed with SIGKILL and run twice at
once on one database.

The articles are made of the fixture pair sentences (the overfit fixture models translate them
exactly); each run is `python -m translate corpus build ...` in a subprocess.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pause_kit
import pytest

from translate.corpus.export import select_units, to_jsonl, to_tsv
from translate.corpus.samples import pair_articles
from translate.corpus.store import CorpusStore

ROOT = Path(__file__).resolve().parents[1]
N_ARTICLES = 12


@pytest.fixture(scope="module")
def articles(tmp_path_factory, fixture_pairs) -> list[Path]:
    return pair_articles(fixture_pairs, tmp_path_factory.mktemp("articles"), count=N_ARTICLES)


def command(db: Path, inputs: list[Path], models: dict[str, Path]) -> list[str]:
    return [sys.executable, "-m", "translate", "corpus", "build", *map(str, inputs),
            "--db", str(db), "--method", "bleu", "--backend", "transformers", "-q",
            *[f"--model={lang}={p}" for lang, p in models.items()]]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def run(db: Path, inputs: list[Path], models: dict[str, Path]) -> str:
    done = subprocess.run(command(db, inputs, models), capture_output=True, text=True,
                          env=env(), timeout=600, cwd=db.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(db: Path) -> str:
    with CorpusStore.open(db, create=False) as store:
        rows = select_units(store, "ar-en-ru")
    return to_jsonl(rows, "ar-en-ru") + to_tsv(rows, "ar-en-ru")


def stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return int(c.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


@pytest.fixture(scope="module")
def reference_export(tmp_path_factory, articles, fixture_models) -> str:
    """What one uninterrupted run stores."""
    db = tmp_path_factory.mktemp("uninterrupted") / "corpus.sqlite"
    out = run(db, articles, fixture_models)
    assert f"{N_ARTICLES} articles added" in out
    return export(db)


def test_kill_9_mid_run_then_rerun_gives_the_uninterrupted_result(tmp_path, articles,
                                                                   fixture_models,
                                                                   reference_export):
    db = tmp_path / "corpus.sqlite"
    # Paused for good once the first article is committed: the kill lands between articles
    # of a run that cannot finish before it (tests/pause_kit.py).
    marker = tmp_path / "paused"
    argv = pause_kit.command(marker, "translate.corpus.store:CorpusStore.add_article",
                             command(db, articles, fixture_models)[3:], after=True)
    proc = subprocess.Popen(argv, env=env(), cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pause_kit.wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    survived = stored_articles(db)
    assert survived == 1
    with sqlite3.connect(db) as c:  # what the killed run committed is whole
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    out = run(db, articles, fixture_models)
    assert f"{N_ARTICLES - survived} articles added" in out and f"{survived} already done" in out
    assert export(db) == reference_export  # byte for byte: nothing lost, nothing twice


def test_two_processes_adding_overlapping_sets_at_once(tmp_path, articles, fixture_models,
                                                       reference_export):
    db = tmp_path / "corpus.sqlite"
    first, second = articles[: 2 * N_ARTICLES // 3], articles[N_ARTICLES // 3:]
    procs = [subprocess.Popen(command(db, part, fixture_models), env=env(), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for part in (first, second)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT COUNT(*), COUNT(DISTINCT source), COUNT(DISTINCT content_hash)"
                         " FROM articles").fetchone() == (N_ARTICLES,) * 3
        units = c.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM units").fetchone()
        assert units[0] == units[1]
    assert export(db) == reference_export
