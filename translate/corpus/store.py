"""The corpus store: one SQLite file (WAL, busy timeout, versioned schema).

What is stored (schema version ``SCHEMA_VERSION``):

- ``runs``: how an article was processed (models, backend, method, options, tarjama version).
- ``articles``: one row per stored *version* of an article: ``source`` (its path or URL, the
  identity across versions), ``content_hash`` (sha256 over the Arabic text, the reference
  texts, the models and the method: the same inputs always give the same hash), languages,
  ``added_at``, ``version`` (1, 2, ... per source), ``supersedes`` / ``superseded_by``.
- ``segments``: every sentence of every language with its block id, sentence id and role.
- ``units``: three-way units (one id shared across languages, e.g. ``3f9a0c1d2e4b-u0007``).
- ``unit_sides``: the text and sentence ids of one unit in one language.
- ``pair_scores``: per unit and pair (``ar-en``): bead type, alignment method and score (the
  probability that the bead is right, ``translate.align.calibration``; 0 for a missing side),
  the MT of the source, sentence BLEU and chrF of that MT against the reference side, the QA
  flags on the MT.

What goes in and comes out is the corpus model (``translate.corpus.model.Unit``); ``units``
reads the whole corpus one article at a time, or one article (``article_id``).

Adding is one transaction per article: a rerun or a crash in the middle leaves either the
whole article or nothing. Adding content whose hash is already stored changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.corpus.model import PairScore, Side, Unit, flags_from_json, flags_to_json
from translate.errors import UsageError
from translate.fsio import printable
from translate.sqlite_wal import DbRole, guarded, open_db

# 2: pair_scores.align_score is the calibrated probability (version 1 files hold the aligner's
# raw score and are converted when opened).
SCHEMA_VERSION = 2
ROLE = DbRole("corpus database", "restore it from a backup, or salvage what is readable with "
              "`sqlite3 FILE .recover | sqlite3 NEW` and use NEW", ("articles", "meta"))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    tarjama_version TEXT NOT NULL,
    backend TEXT NOT NULL,
    method TEXT NOT NULL,
    models TEXT NOT NULL,          -- JSON {"ar-en": spec, ...}
    options TEXT NOT NULL          -- JSON: decoding options, metric signatures
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,          -- source path or URL: the identity across versions
    content_hash TEXT NOT NULL UNIQUE,
    languages TEXT NOT NULL,       -- JSON list of stored languages, "ar" first
    offered TEXT NOT NULL,         -- JSON {page lang: languages its switcher offers}
    added_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    supersedes INTEGER REFERENCES articles(id),
    superseded_by INTEGER REFERENCES articles(id),
    run_id INTEGER NOT NULL REFERENCES runs(id),
    UNIQUE (source, version)
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    ordinal INTEGER NOT NULL,      -- position among the article's sentences in this language
    block_id TEXT NOT NULL,
    sentence_id TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (article_id, lang, sentence_id)
);
CREATE TABLE IF NOT EXISTS units (
    id TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,            -- sentence counts per language, e.g. "ar1-en2-ru1"
    UNIQUE (article_id, ordinal)
);
CREATE TABLE IF NOT EXISTS unit_sides (
    unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    segment_ids TEXT NOT NULL,     -- JSON list of sentence ids, e.g. ["p4.s1"]
    text TEXT NOT NULL,
    PRIMARY KEY (unit_id, lang)
);
CREATE TABLE IF NOT EXISTS pair_scores (
    unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    pair TEXT NOT NULL,            -- "ar-en"
    bead TEXT NOT NULL,            -- "1-2", or "1-0" / "0-1" when a side is missing
    method TEXT NOT NULL,
    align_score REAL NOT NULL,     -- P(the bead is right), 0 for "1-0" / "0-1"
    mt TEXT,                       -- MT of the source side (NULL when it has no source side)
    bleu REAL,                     -- sentence BLEU of mt against the reference side
    chrf REAL,
    flags TEXT NOT NULL DEFAULT '[]', -- JSON: the QA checks' flags on the MT
    PRIMARY KEY (unit_id, pair)
);
CREATE INDEX IF NOT EXISTS units_article ON units(article_id);
CREATE INDEX IF NOT EXISTS segments_article ON segments(article_id);
"""


@dataclass
class SegmentRow:
    lang: str
    ordinal: int
    block_id: str
    sentence_id: str
    role: str
    text: str


@dataclass
class RunInfo:
    backend: str
    method: str
    models: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredArticle:
    """Everything ``add_article`` writes for one article version."""

    key: str
    content_hash: str
    languages: list[str]
    offered: dict[str, list[str]]  # per page: the languages its switcher offers
    segments: list[SegmentRow]
    units: list[Unit]
    run: RunInfo


@dataclass
class AddResult:
    status: str  # "added" (first version), "new-version", "unchanged"
    article_id: int
    key: str
    version: int
    units: int
    content_hash: str
    latest: bool = True  # False when the content matches an older, superseded version
    db: str = ""  # the database it is in

    def to_text(self) -> str:
        what = {"added": "added", "new-version": "added a new version of",
                "unchanged": "unchanged (already stored)"}[self.status]
        note = "" if self.latest else "; it matches an older, superseded version"
        return (f"{what} {self.key}: version {self.version}, {self.units} units "
                f"(ids {self.content_hash[:12]}-u0001...) in {self.db}{note}")


def unit_id(content_hash: str, ordinal: int) -> str:
    """Stable across reruns: the same content gives the same ids (12 hex digits keep ids of
    different articles apart well beyond millions of articles; 8 would collide at ~65k)."""
    return f"{content_hash[:12]}-u{ordinal:04d}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class CorpusStore:
    """An open corpus database. Use as a context manager or call ``close``.

    Example::

        with CorpusStore.open("corpus.sqlite") as store:
            print(store.table_counts())
    """

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> CorpusStore:
        """Open (and check: before any work, a damaged file is reported with its fix)."""
        p = Path(path)
        if not create and not p.exists():
            raise UsageError(f"{printable(p)}: no such corpus database (create it with "
                             "`tarjama corpus add`)")
        if p.exists() and p.is_dir():
            raise UsageError(f"{printable(p)}: is a directory, expected a corpus database file")
        if create:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise UsageError(f"cannot create the folder of {printable(p)} "
                                 f"({e.strerror or e})") from None
        # Reading only (create=False): opened read-only, so not a byte of the file changes.
        conn = open_db(p, ROLE, isolation_level=None, readonly=not create)
        try:
            with guarded(p, ROLE):
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA foreign_keys = ON")
                store = cls(conn, str(p))
                if create:
                    store._migrate()
                else:
                    store._check_readable()
        except BaseException:
            conn.close()
            raise
        return store

    def _check_readable(self) -> None:
        """What ``_migrate`` would fix, a reader cannot: say so instead of reading wrong rows."""
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
            raise UsageError(f"{printable(self.path)} is empty, not a corpus database (create one "
                             "with `tarjama corpus add`)")
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise UsageError(f"{self.path}: corpus schema version {version} is newer than this "
                             f"tarjama understands ({SCHEMA_VERSION}); upgrade tarjama")
        if version < SCHEMA_VERSION:
            raise UsageError(f"{printable(self.path)}: corpus schema version {version} is "
                             "upgraded by the next command that writes to it (`tarjama corpus "
                             "add`, `build` or `import`); this one only reads")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock first, so two adders cannot interleave."""
        with guarded(Path(self.path), ROLE):  # a full disk, a page gone bad since the open
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # SQLite rolls back by itself on some errors
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as c:
            # executescript would COMMIT on its own: run the statements inside our transaction
            # (no statement or comment in the schema contains a semicolon)
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
            # Added after the first schema: older files gain the column (empty flags).
            if "flags" not in {r[1] for r in c.execute("PRAGMA table_info(pair_scores)")}:
                c.execute("ALTER TABLE pair_scores ADD COLUMN flags TEXT NOT NULL DEFAULT '[]'")
            row = c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                c.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise UsageError(f"{self.path}: corpus schema version {row[0]} is newer than this "
                                 f"tarjama understands ({SCHEMA_VERSION}); upgrade tarjama")
            elif int(row[0]) < 2:
                _calibrate_scores(c)
                c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                          (str(SCHEMA_VERSION),))

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    # --- writing ---------------------------------------------------------------------------

    def find_hash(self, content_hash: str) -> sqlite3.Row | None:
        return self.conn.execute(  # type: ignore[no-any-return]
            "SELECT * FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()

    def add_article_unchanged(self, row: sqlite3.Row) -> AddResult:
        """The result of adding content that is already stored (``row`` from ``find_hash``)."""
        units = self.conn.execute("SELECT COUNT(*) FROM units WHERE article_id = ?",
                                  (row["id"],)).fetchone()[0]
        return AddResult("unchanged", row["id"], row["source"], row["version"], units,
                         row["content_hash"], latest=row["superseded_by"] is None, db=self.path)

    def add_article(self, art: StoredArticle) -> AddResult:
        """Store one article version in one transaction; the same content twice is a no-op."""
        with self.transaction() as c:
            existing = self.find_hash(art.content_hash)
            if existing is not None:
                return self.add_article_unchanged(existing)
            art.key = self._known_key(art.key)
            prev = c.execute("SELECT id, version FROM articles WHERE source = ? "
                             "AND superseded_by IS NULL ORDER BY version DESC LIMIT 1",
                             (art.key,)).fetchone()
            top = c.execute("SELECT MAX(version) FROM articles WHERE source = ?",
                            (art.key,)).fetchone()[0]
            version = (top or 0) + 1
            run_id = c.execute(
                "INSERT INTO runs (created_at, tarjama_version, backend, method, models, options)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), _version(), art.run.backend, art.run.method,
                 json.dumps(art.run.models, ensure_ascii=False, sort_keys=True),
                 json.dumps(art.run.options, ensure_ascii=False, sort_keys=True)),
            ).lastrowid
            article_id = c.execute(
                "INSERT INTO articles (source, content_hash, languages, offered, added_at,"
                " version, supersedes, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (art.key, art.content_hash, json.dumps(art.languages),
                 json.dumps(art.offered, sort_keys=True), _now(), version,
                 prev["id"] if prev else None, run_id),
            ).lastrowid
            if prev is not None:
                c.execute("UPDATE articles SET superseded_by = ? WHERE id = ?",
                          (article_id, prev["id"]))
            c.executemany(
                "INSERT INTO segments (article_id, lang, ordinal, block_id, sentence_id, role,"
                " text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(article_id, s.lang, s.ordinal, s.block_id, s.sentence_id, s.role, s.text)
                 for s in art.segments],
            )
            for u in art.units:
                u.id = unit_id(art.content_hash, u.ordinal)
                u.kind = u.kind or Unit.kind_of(u.sides, art.languages)
                c.execute("INSERT INTO units (id, article_id, ordinal, kind) VALUES (?, ?, ?, ?)",
                          (u.id, article_id, u.ordinal, u.kind))
                c.executemany(
                    "INSERT INTO unit_sides (unit_id, lang, segment_ids, text) VALUES (?,?,?,?)",
                    [(u.id, lang, json.dumps(s.segment_ids), s.text)
                     for lang, s in u.sides.items()],
                )
                c.executemany(
                    "INSERT INTO pair_scores (unit_id, pair, bead, method, align_score, mt, bleu,"
                    " chrf, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(u.id, pair, p.bead, p.method, p.align_score or 0.0, p.mt, p.bleu, p.chrf,
                      flags_to_json(p.flags))
                     for pair, p in u.pairs.items()],
                )
        status = "added" if version == 1 else "new-version"
        return AddResult(status, int(article_id or 0), art.key, version, len(art.units),
                         art.content_hash, db=self.path)

    def _known_key(self, key: str) -> str:
        """A file's identity is its path relative to the database's folder; files added by
        tarjama before that were stored by absolute path: keep adding versions to those."""
        if "://" in key or Path(key).is_absolute():
            return key
        if self.conn.execute("SELECT 1 FROM articles WHERE source = ?", (key,)).fetchone():
            return key
        legacy = printable(os.path.normpath(Path(self.path).resolve().parent / key))
        found = self.conn.execute("SELECT 1 FROM articles WHERE source = ?", (legacy,)).fetchone()
        return legacy if found else key

    # --- reading ---------------------------------------------------------------------------

    def articles(self, *, all_versions: bool = False) -> list[sqlite3.Row]:
        where = "" if all_versions else "WHERE superseded_by IS NULL"
        return self.conn.execute(
            f"SELECT * FROM articles {where} ORDER BY source, version").fetchall()

    def units(self, *, all_versions: bool = False, article_id: int | None = None
              ) -> Iterator[Unit]:
        """Units in corpus order (article source, version, ordinal) with sides and scores;
        only those of one article version with ``article_id``.

        Read one article at a time (three queries each), so a large corpus streams."""
        args: tuple[int, ...] = ()
        if article_id is not None:
            where, args = "WHERE id = ?", (article_id,)
        else:
            where = "" if all_versions else "WHERE superseded_by IS NULL"
        articles = self.conn.execute(
            f"SELECT id, source, version FROM articles {where} ORDER BY source, version", args
        ).fetchall()
        for a in articles:
            sides: dict[str, dict[str, Side]] = {}
            for s in self.conn.execute(
                    "SELECT s.* FROM unit_sides s JOIN units u ON u.id = s.unit_id "
                    "WHERE u.article_id = ?", (a["id"],)):
                sides.setdefault(s["unit_id"], {})[s["lang"]] = Side(
                    json.loads(s["segment_ids"]), s["text"])
            pairs: dict[str, dict[str, PairScore]] = {}
            for p in self.conn.execute(
                    "SELECT p.* FROM pair_scores p JOIN units u ON u.id = p.unit_id "
                    "WHERE u.article_id = ? ORDER BY p.pair", (a["id"],)):
                pairs.setdefault(p["unit_id"], {})[p["pair"]] = PairScore(
                    p["bead"], p["method"], p["align_score"], p["mt"], p["bleu"], p["chrf"],
                    flags_from_json(p["flags"]))
            for u in self.conn.execute("SELECT id, ordinal, kind FROM units WHERE article_id = ?"
                                       " ORDER BY ordinal", (a["id"],)).fetchall():
                yield Unit(u["ordinal"], sides.get(u["id"], {}), pairs.get(u["id"], {}),
                           kind=u["kind"], id=u["id"], article=a["source"],
                           version=a["version"])

    def segments(self, article_id: int, lang: str | None = None) -> list[sqlite3.Row]:
        q = "SELECT * FROM segments WHERE article_id = ?"
        args: tuple[Any, ...] = (article_id,)
        if lang is not None:
            q += " AND lang = ?"
            args += (lang,)
        return self.conn.execute(q + " ORDER BY lang, ordinal", args).fetchall()

    def run(self, run_id: int) -> sqlite3.Row:
        return self.conn.execute(  # type: ignore[no-any-return]
            "SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()

    def table_counts(self) -> dict[str, int]:
        names = ("runs", "articles", "segments", "units", "unit_sides", "pair_scores")
        return {n: self.conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}


def _calibrate_scores(c: sqlite3.Connection) -> None:
    """A version 1 file holds the aligner's raw scores: store their calibrated probability."""
    from translate.align.calibration import calibrated

    c.create_function("calibrated", 2, calibrated, deterministic=True)
    c.execute("UPDATE pair_scores SET align_score = calibrated(align_score, method) "
              "WHERE bead NOT LIKE '0-%' AND bead NOT LIKE '%-0'")


def _version() -> str:
    from translate import __version__

    return __version__

