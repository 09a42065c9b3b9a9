"""What the table of bad inputs (test_bad_inputs.py) builds its attacks from: a per-case world
(temporary folder, fixture models on demand, monkeypatch), damaged SQLite files, Parquet shards
written without a model, broken model directories and non-UTF-8 file names."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

AR = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."
AR2 = "ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين."
EN = "The foreign minister said the talks would resume next week in Cairo."
RU = "Министр иностранных дел заявил, что переговоры возобновятся на следующей неделе."


@dataclass
class CommandCase:
    id: str
    argv: Callable[[World], list[str]]  # the command line, built in the case's world
    exit_code: int
    expect: str  # in the one error line (exit != 0), or in the output (exit 0)
    after: Callable[[World, str], None] | None = None  # more checks: (world, output)


@dataclass
class World:
    tmp: Path
    request: pytest.FixtureRequest
    monkeypatch: pytest.MonkeyPatch

    def file(self, name: str, data: str | bytes) -> str:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return str(path)

    def article(self, name: str = "a.ar.txt", text: str = f"{AR}\n\n{AR2}\n") -> str:
        return self.file(name, text)

    def models(self) -> dict[str, Path]:
        return self.request.getfixturevalue("fixture_models")  # type: ignore[no-any-return]

    def model_args(self, *langs: str, backend: str = "transformers") -> list[str]:
        models = self.models()
        return [*(f"--model={lang}={models[lang]}" for lang in langs or ("en", "ru")),
                "--backend", backend, "-q"]

    def env(self, name: str, value: str) -> None:
        self.monkeypatch.setenv(name, value)


# --- damaged files ---------------------------------------------------------------------------


def damage(path: Path) -> None:
    """Overwrite every page after the second with garbage: the header still reads, the data
    does not (what a disk fault or a half-copied file does)."""
    data = bytearray(path.read_bytes())
    assert len(data) > 3 * 4096, "the database needs more pages to be damaged past the header"
    data[2 * 4096:] = b"\xde\xad\xbe\xef" * ((len(data) - 2 * 4096) // 4)
    path.write_bytes(bytes(data))


def damaged_cache(world: World) -> Path:
    from translate.cache import TranslationCache
    from translate.values import Hypothesis

    path = world.tmp / "cache.sqlite"
    with TranslationCache(path) as cache:
        cache.put_many(("m", "b", {}), {f"{AR} {i}": Hypothesis(f"{EN} {i}") for i in range(400)})
    damage(path)
    world.env("TARJAMA_CACHE", str(path))
    return path


def damaged_corpus(world: World) -> str:
    from translate.corpus.store import CorpusStore

    path = world.tmp / "corpus.sqlite"
    with CorpusStore.open(path) as store:
        store.conn.executemany("INSERT INTO meta VALUES (?, ?)",
                               [(f"filler-{i}", AR * 20) for i in range(200)])
    damage(path)
    return str(path)


def empty_corpus(world: World) -> str:
    from translate.corpus.store import CorpusStore

    path = world.tmp / "corpus.sqlite"
    CorpusStore.open(path).close()
    return str(path)


def foreign_database(world: World, name: str = "other.sqlite") -> str:
    path = world.tmp / name
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    return str(path)


# --- shards ----------------------------------------------------------------------------------


def stored_article(key: str = "https://example.org/1") -> object:
    from translate.corpus.model import PairScore, Side, Unit
    from translate.corpus.store import RunInfo, SegmentRow, StoredArticle

    unit = Unit(1, {"ar": Side(["p1.s1"], AR), "en": Side(["p1.s1"], EN)},
                {"ar-en": PairScore("1-1", "length", 0.9, EN, 100.0, 100.0)})
    return StoredArticle(key=key, content_hash=hashlib.sha256(key.encode()).hexdigest(),
                         languages=["ar", "en"], offered={"ar": [], "en": []},
                         segments=[SegmentRow("ar", 0, "p1", "p1.s1", "paragraph", AR),
                                   SegmentRow("en", 0, "p1", "p1.s1", "paragraph", EN)],
                         units=[unit], run=RunInfo("transformers", "length", {"ar-en": "m"}))


def shards(world: World, damage_with: Callable[[Path], None] | None = None) -> str:
    """A shard directory with two good articles and, optionally, one more shard damaged."""
    from translate.corpus.shards import ShardWriter

    out = world.tmp / "shards"
    with ShardWriter(out, run_id="good") as writer:
        writer.add(stored_article("https://example.org/1"))  # type: ignore[arg-type]
        writer.add(stored_article("https://example.org/2"))  # type: ignore[arg-type]
    if damage_with is not None:
        with ShardWriter(out, run_id="zbad") as writer:
            writer.add(stored_article("https://example.org/3"))  # type: ignore[arg-type]
        damage_with(next(out.glob("part-zbad-*.parquet")))
    return str(out)


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def garbage(path: Path) -> None:
    path.write_bytes(b"PAR1" + os.urandom(300) + b"PAR1")


def drop_column(name: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        pq.write_table(table.drop_columns([name]), path)

    return edit


def bad_article_json(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    column = pa.array(["{not json"] * table.num_rows, pa.string())
    pq.write_table(table.set_column(table.schema.get_field_index("article_json"),
                                    "article_json", column), path)


# --- models ----------------------------------------------------------------------------------


def model_copy(world: World, name: str, *, ct2: bool = False) -> Path:
    """A copy of the English fixture model (converted to CTranslate2 when asked)."""
    source = world.models()["en"]
    target = world.tmp / name
    if ct2:
        from translate.models.convert import ensure_converted
        from translate.models.store import resolve

        source = ensure_converted(resolve(str(source)))
    shutil.copytree(source, target)
    return target


def cut(path: Path) -> None:
    """Keep the first half of a file (a copy or a download that stopped half-way)."""
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


# --- odd names and manifests -----------------------------------------------------------------


def non_utf8_name(world: World, raw: bytes, text: str) -> str:
    """A file whose name is not valid UTF-8 (Python holds its bytes as lone surrogates)."""
    path = os.path.join(os.fsencode(world.tmp), raw)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return os.fsdecode(path)


def manifest(world: World, rows: list[dict[str, str]], raw_lines: tuple[str, ...] = ()) -> str:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(raw_lines)
    return world.file("m/list.jsonl", "\n".join(lines) + "\n")
