"""`corpus build --engine ray` on a local Ray instance: the same corpus as the local engine, a
killed actor loses and duplicates nothing, a rerun skips what is done.

One Ray session (2 CPUs, loopback, no dashboard) is shared by the whole module. Articles: a few
dozen NTREX-128 documents (real news; the overfit fixture models translate them into nonsense,
capped at 64 tokens, which is enough to align and compare) where ../shared is present, and
always a small set made of the fixture pair sentences (translated exactly).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.corpus.discover import discover
from translate.corpus.export import select_units, to_jsonl, to_tsv
from translate.corpus.runner import BuildOptions, DbSink, ParquetSink, build
from translate.corpus.samples import ntrex_articles, pair_articles
from translate.corpus.store import CorpusStore
from translate.pipeline import make_plan
from translate.values import DecodeOptions

ray = pytest.importorskip("ray", reason="needs the ray extra: pip install 'tarjama[ray]'")
runner = CliRunner()
MAX_TOKENS = 64  # overfit models on unseen (NTREX) text rarely stop on their own: cap them


@pytest.fixture(scope="module", autouse=True)
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=100 * 1024 * 1024, _node_ip_address="127.0.0.1",
             logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def sets(tmp_path_factory, fixture_pairs) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sets")
    pair_articles(fixture_pairs, root / "pairs", count=8)
    out = {"pairs": root / "pairs"}
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntrex128"
    if shared.is_dir():
        ntrex_articles(shared, root / "ntrex", count=24, max_sentences=4)
        out["ntrex"] = root / "ntrex"
    return out


def article_set(sets, name) -> Path:
    if name not in sets:
        pytest.skip("needs ../shared/data/ntrex128 beside the repository (a plain clone has "
                    "none)")
    return sets[name]


def options(models, **kw) -> BuildOptions:
    plan = make_plan(["en", "ru"], {lang: str(p) for lang, p in models.items()},
                     backend="transformers",
                     options=DecodeOptions(max_decoding_length=MAX_TOKENS, threads=1))
    return BuildOptions(plan=plan, method="bleu", **kw)


def export(db: Path) -> str:
    """The export, each article named by its absolute path (the CLI names a file relative to
    the database's folder, the library's ``discover`` without a root by its absolute path)."""
    with CorpusStore.open(db, create=False) as store:
        rows = select_units(store, "ar-en-ru")
    for u in rows:
        u.article = os.path.normpath(db.resolve().parent / u.article)
    return to_jsonl(rows, "ar-en-ru") + to_tsv(rows, "ar-en-ru")


_local: dict[str, str] = {}


def local_export(sets, name, models, tmp_path_factory) -> str:
    if name not in _local:
        db = tmp_path_factory.mktemp(f"local-{name}") / "corpus.sqlite"
        with CorpusStore.open(db) as store:
            report = build(discover([str(article_set(sets, name))]).articles, DbSink(store),
                           options(models))
        assert not report.failed and not report.input_errors
        _local[name] = export(db)
    return _local[name]


@pytest.mark.parametrize("name", ["pairs", "ntrex"], ids=["pair-sentences", "ntrex-news"])
def test_ray_shards_imported_equal_the_local_engine(tmp_path, tmp_path_factory, sets, name,
                                                    fixture_models):
    specs = discover([str(article_set(sets, name))]).articles
    out = tmp_path / "shards"
    report = build(specs, ParquetSink(out), options(fixture_models, workers=2,
                                                     batch_articles=3), engine="ray")
    assert (report.added, report.failed) == (len(specs), [])
    assert len(report.workers) == 2  # both actors got work
    db = tmp_path / "imported.sqlite"
    result = runner.invoke(app, ["corpus", "import", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert export(db) == local_export(sets, name, fixture_models, tmp_path_factory)


def test_cli_ray_into_the_database_and_a_rerun_finishes_the_rest(tmp_path, tmp_path_factory,
                                                                 sets, fixture_models):
    arts = sorted(sets["pairs"].glob("*.ar.txt"))
    db = tmp_path / "corpus.sqlite"
    args = ["corpus", "build", "--db", str(db), "--engine", "ray", "--workers", "2",
            "--batch-articles", "2", "--method", "bleu", "--backend", "transformers",
            "--max-decoding-length", str(MAX_TOKENS), "--threads", "1", "-q",
            *[f"--model={lang}={p}" for lang, p in fixture_models.items()]]
    first = runner.invoke(app, [*args, *map(str, arts[:3])])
    assert first.exit_code == 0, first.output
    rest = runner.invoke(app, [*args, str(sets["pairs"])])
    assert rest.exit_code == 0, rest.output
    assert f"{len(arts) - 3} articles added" in rest.output and "3 already done" in rest.output
    assert export(db) == local_export(sets, "pairs", fixture_models, tmp_path_factory)


class KillFirstActor:
    """Wraps the real translator; the first actor to translate records its pid and stalls, so
    the test can SIGKILL it mid-batch. Restarted actors (the marker exists) run normally."""

    def __init__(self, plan, marker: Path) -> None:
        self.plan, self.marker = plan, marker

    def __call__(self):
        from translate.corpus.ingest import engine_translator

        real = engine_translator(self.plan)()
        marker = self.marker

        def mt(articles, langs):
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return real(articles, langs)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            time.sleep(120)  # killed long before this ends
            return real(articles, langs)

        return mt


def test_an_actor_killed_mid_batch_loses_and_duplicates_nothing(tmp_path, tmp_path_factory,
                                                                sets, fixture_models):
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the actors cannot import us
    marker = tmp_path / "victim.pid"
    opts = options(fixture_models, workers=2, batch_articles=2)
    opts.translator = KillFirstActor(opts.plan, marker)
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text():
                pid = int(marker.read_text())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    db = tmp_path / "corpus.sqlite"
    specs = discover([str(sets["pairs"])]).articles
    with CorpusStore.open(db) as store:
        report = build(specs, DbSink(store), opts, engine="ray")
    thread.join()
    assert killed, "no actor was killed"
    assert str(killed[0]) not in report.workers  # the victim finished nothing
    assert (report.added, report.unchanged, report.failed) == (len(specs), 0, [])
    assert export(db) == local_export(sets, "pairs", fixture_models, tmp_path_factory)
