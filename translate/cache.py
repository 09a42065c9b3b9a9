"""The translation cache: a source segment translated once is never translated again.

Key: (model fingerprint, backend identity, decoding options, source text). The fingerprint is a
digest of the model's files, so a retrained model or a new hub revision misses; the backend
identity carries what changes the numbers (``ctranslate2:int8`` is not ``transformers``); the
decoding options are those that change the output (beam, limits), not those that only change
speed (batch size, threads). A rerun of an article is served from here, and an edited article
re-translates only the segments that changed.

SQLite in WAL mode with a busy timeout, so two ``tarjama`` processes can share one cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import DamagedFileError, UsageError
from translate.fsio import printable
from translate.sqlite_wal import DbRole, guarded, holds_tables, open_db
from translate.values import Hypothesis

Scope = tuple[str, str, Mapping[str, Any]]  # (model fingerprint, backend, decoding options)

SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    options TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    hit_limit INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
"""
# SQLite limits the number of host parameters in one statement (999 in old builds).
_CHUNK = 500
ROLE = DbRole("translation cache",
              "`tarjama cache clear --force` recreates it (or pass --no-cache, or set "
              "TARJAMA_CACHE to another file)", ("translations",), fix_deletes=True)


def default_path() -> Path:
    """$TARJAMA_CACHE (a file, or a directory to put it in), else the user cache directory."""
    env = os.environ.get("TARJAMA_CACHE")
    if env:
        p = Path(env).expanduser()
        return p / "translations.sqlite" if p.is_dir() or not p.suffix else p
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tarjama" / "translations.sqlite"


def cache_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


@dataclass
class CacheStats:
    path: str
    entries: int
    size_bytes: int
    models: int
    by_backend: dict[str, int]
    session_hits: int = 0
    session_misses: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def to_text(self) -> str:
        lines = [f"path:     {self.path}", f"entries:  {self.entries}",
                 f"models:   {self.models}", f"size:     {self.size_bytes / 1e6:.2f} MB"]
        lines += [f"  {backend}: {n}" for backend, n in self.by_backend.items()]
        return "\n".join(lines) + "\n"


class TranslationCache:
    """A thread-safe handle on one cache file (engines translating in parallel share it)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"translation cache {self.path}: cannot create its folder "
                             f"({e.strerror or e}); set TARJAMA_CACHE elsewhere, or pass "
                             "--no-cache") from None
        self._db = open_db(self.path, ROLE, check_same_thread=False, isolation_level=None)
        with guarded(self.path, ROLE):
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough
            self._db.executescript(SCHEMA)

    @staticmethod
    def key(scope: Scope, source: str) -> str:
        model, backend, options = scope
        blob = json.dumps([model, backend, dict(sorted(options.items())), source],
                          ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get_many(self, scope: Scope, sources: Iterable[str]) -> dict[str, Hypothesis]:
        keys = {self.key(scope, s): s for s in sources}
        found: dict[str, Hypothesis] = {}
        items = list(keys)
        with self._lock, guarded(self.path, ROLE):
            for i in range(0, len(items), _CHUNK):
                part = items[i:i + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT key, text, hit_limit, tokens FROM translations WHERE key IN ({marks})",
                    part,
                ).fetchall()
                for key, text, hit_limit, tokens in rows:
                    found[keys[key]] = Hypothesis(text=text, hit_limit=bool(hit_limit),
                                                  tokens=tokens)
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put_many(self, scope: Scope, hyps: Mapping[str, Hypothesis]) -> None:
        if not hyps:
            return
        model, backend, options = scope
        opts = json.dumps(dict(sorted(options.items())), separators=(",", ":"))
        now = time.time()
        rows = [(self.key(scope, src), model, backend, opts, src, h.text, int(h.hit_limit),
                 h.tokens, now) for src, h in hyps.items() if h.error is None]
        with self._lock, guarded(self.path, ROLE):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO translations (key, model, backend, options, source, "
                    "text, hit_limit, tokens, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk): a second
                # ROLLBACK would fail and hide the real error behind "cannot rollback"
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def stats(self) -> CacheStats:
        with self._lock:
            stats = _stats(self._db, self.path)
        stats.session_hits, stats.session_misses = self.hits, self.misses
        return stats

    @staticmethod
    def read_stats(path: str | Path | None = None) -> CacheStats:
        """``cache stats``: opened read-only, so not a byte of the file changes; a missing or
        empty file is an empty cache (and is not created)."""
        target = Path(path) if path is not None else default_path()
        if not target.exists():
            if not next(p for p in target.parents if p.exists()).is_dir():
                raise UsageError(f"translation cache {printable(target)}: its folder is not a "
                                 "directory; set TARJAMA_CACHE elsewhere")
            return CacheStats(str(target), 0, 0, 0, {})
        db = open_db(target, ROLE, readonly=True)
        try:
            return _stats(db, target)
        finally:
            db.close()

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        with self._lock, guarded(self.path, ROLE):
            (n,) = self._db.execute("SELECT COUNT(*) FROM translations").fetchone()
            self._db.execute("DELETE FROM translations")
            self._db.execute("VACUUM")
        return int(n)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @classmethod
    def recreate(cls, path: str | Path | None = None) -> tuple[TranslationCache, int]:
        """``cache clear --force``: clear the cache, or, when it is too damaged to open,
        delete its files and start an empty one. Returns the new cache and the entries
        removed (-1: unknown, the file was unreadable). A healthy database that is not a
        translation cache is never deleted, nor a file whose schema does not show it is one."""
        target = Path(path) if path is not None else default_path()
        try:
            cache = cls(target)
        except DamagedFileError:  # nothing in it can be saved anyway
            if not holds_tables(target, ROLE.tables):
                raise UsageError(f"{printable(target)} is damaged and its schema does not show a "
                                 "translation cache; refusing to delete it, even with --force "
                                 "(delete it yourself if it was the cache)") from None
            for f in cache_files(target):
                f.unlink(missing_ok=True)
            return cls(target), -1
        return cache, cache.clear()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stats(db: sqlite3.Connection, path: Path) -> CacheStats:
    size = sum(p.stat().st_size for p in cache_files(path) if p.exists())
    with guarded(path, ROLE):
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'translations'").fetchone() \
                is None:
            return CacheStats(str(path), 0, size, 0, {})  # an empty file: no schema yet
        entries, models = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT model) FROM translations").fetchone()
        by_backend = dict(db.execute(
            "SELECT backend, COUNT(*) FROM translations GROUP BY backend ORDER BY backend"
        ).fetchall())
    return CacheStats(str(path), entries, size, models, by_backend)


EMBEDDING_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    key TEXT PRIMARY KEY,
    encoder TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vec BLOB NOT NULL
);
"""


EMBEDDING_ROLE = DbRole("embedding cache", "delete it, or give another --embed-cache",
                        ("embeddings",))


class EmbeddingCache:
    """Sentence embeddings by (encoder name, text), in the same kind of shared SQLite file and
    with the same keys as the translation cache (scope = encoder name, "embedding", no
    options), so two encoders sharing a file never mix their vectors."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"embedding cache {self.path}: cannot create its folder "
                             f"({e.strerror or e}); give another --embed-cache") from None
        self._db = open_db(self.path, EMBEDDING_ROLE, check_same_thread=False,
                           isolation_level=None)
        with guarded(self.path, EMBEDDING_ROLE):
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(EMBEDDING_SCHEMA)

    @staticmethod
    def key(encoder: str, text: str) -> str:
        return TranslationCache.key((encoder, "embedding", {}), text)

    def get_many(self, encoder: str, texts: Iterable[str]) -> dict[str, bytes]:
        """{text: float32 vector bytes} for the texts found."""
        keys = {self.key(encoder, t): t for t in texts}
        items = list(keys)
        found: dict[str, bytes] = {}
        with guarded(self.path, EMBEDDING_ROLE):
            for i in range(0, len(items), _CHUNK):
                part = items[i:i + _CHUNK]
                marks = ",".join("?" * len(part))
                for key, blob in self._db.execute(
                        f"SELECT key, vec FROM embeddings WHERE key IN ({marks})", part):
                    found[keys[key]] = blob
        return found

    def put_many(self, encoder: str, vectors: Mapping[str, bytes], dim: int) -> None:
        rows = [(self.key(encoder, t), encoder, dim, v) for t, v in vectors.items()]
        with guarded(self.path, EMBEDDING_ROLE):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                                     rows)
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk): a second
                # ROLLBACK would fail and hide the real error behind "cannot rollback"
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()
