"""Several processes opening one brand-new SQLite file at once (two `corpus build`s, two
translate runs sharing a cache): the switch to WAL must wait, not fail with "locked"."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from translate.cache import TranslationCache
from translate.corpus.store import CorpusStore
from translate.journal import Journal


def _open(kind: str, path: str, barrier) -> None:
    barrier.wait()  # all at the same moment, on a file nobody created yet
    if kind == "corpus":
        CorpusStore.open(path).close()
    elif kind == "cache":
        TranslationCache(Path(path)).close()
    else:
        Journal(Path(path)).close()


@pytest.mark.parametrize("kind", ["corpus", "cache", "journal"])
def test_processes_opening_a_new_database_together_all_succeed(tmp_path, kind):
    ctx = mp.get_context("fork")
    failures = 0
    for i in range(15):
        target = tmp_path / f"{kind}-{i}" / ("db.sqlite" if kind != "journal" else "")
        target.parent.mkdir(parents=True, exist_ok=True)
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open, args=(kind, str(target), barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        failures += sum(p.exitcode != 0 for p in procs)
    assert failures == 0
