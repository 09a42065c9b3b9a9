"""Parquet shards: a corpus as files, one row per unit, for builds spread over many machines.

A shard is written whole or not at all (a temporary file renamed into place) and holds whole
articles only, so a run killed at any moment leaves complete shards behind. Every row carries
its provenance (article identity, content hash, models, method, the run that wrote it) and its
scores; the unit with ordinal 1 also carries what the store needs beyond the units (languages,
every segment, the run record) as JSON. ``corpus import`` turns shards back into the very
``StoredArticle`` objects a local build stores, so both paths give identical exports.

Columns: ``article``, ``content_hash``, ``unit_id``, ``ordinal``, ``n_units``, ``kind``, then
per language (ar, en, ru) ``LANG_text`` and ``LANG_ids`` (JSON list of sentence ids), then per
pair (ar_en, ar_ru) ``bead``, ``method``, ``align``, ``mt``, ``bleu``, ``chrf``; ``models``,
``method``, ``run`` and ``article_json``. A missing side or pair is null.

Example::

    with ShardWriter(Path("out"), run_id="r1") as w:
        w.add(stored_article)
    for art in read_shards(Path("out")).articles:
        store.add_article(art)
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.align.calibration import calibrated
from translate.corpus.model import PairScore, Side, Unit, flags_from_json, flags_to_json
from translate.corpus.store import CorpusStore, RunInfo, SegmentRow, StoredArticle
from translate.errors import MissingExtraError, RuntimeFailure, TarjamaError, UsageError
from translate.fsio import printable

LANGS = ("ar", "en", "ru")
PAIRS = ("ar-en", "ar-ru")
SHARD_GLOB = "part-*.parquet"


def _pa() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet  # registers pa.parquet
    except ImportError:
        raise MissingExtraError("pyarrow", "ray") from None
    return pa


def schema() -> Any:
    pa = _pa()
    fields = [("article", pa.string()), ("content_hash", pa.string()), ("unit_id", pa.string()),
              ("ordinal", pa.int32()), ("n_units", pa.int32()), ("kind", pa.string())]
    for lang in LANGS:
        fields += [(f"{lang}_text", pa.string()), (f"{lang}_ids", pa.string())]
    for pair in PAIRS:
        p = pair.replace("-", "_")
        fields += [(f"{p}_bead", pa.string()), (f"{p}_method", pa.string()),
                   (f"{p}_align", pa.float64()), (f"{p}_mt", pa.string()),
                   (f"{p}_bleu", pa.float64()), (f"{p}_chrf", pa.float64()),
                   (f"{p}_flags", pa.string())]
    fields += [("models", pa.string()), ("method", pa.string()), ("run", pa.string()),
               ("article_json", pa.string())]
    return pa.schema(fields)


def _unit_id(content_hash: str, ordinal: int) -> str:
    from translate.corpus.store import unit_id

    return unit_id(content_hash, ordinal)


def to_rows(art: StoredArticle, run_id: str = "") -> list[dict[str, Any]]:
    """One row per unit (see the module docstring)."""
    rows = []
    for u in art.units:
        row: dict[str, Any] = {
            "article": art.key, "content_hash": art.content_hash,
            "unit_id": _unit_id(art.content_hash, u.ordinal), "ordinal": u.ordinal,
            "n_units": len(art.units), "kind": u.kind or Unit.kind_of(u.sides, art.languages),
            "models": json.dumps(art.run.models, sort_keys=True), "method": art.run.method,
            "run": run_id, "article_json": None,
        }
        for lang in LANGS:
            side = u.sides.get(lang)
            row[f"{lang}_text"] = side.text if side else None
            row[f"{lang}_ids"] = json.dumps(side.segment_ids) if side else None
        for pair in PAIRS:
            p, s = pair.replace("-", "_"), u.pairs.get(pair)
            row.update({f"{p}_bead": s and s.bead, f"{p}_method": s and s.method,
                        f"{p}_align": s and s.align_score, f"{p}_mt": s and s.mt,
                        f"{p}_bleu": s and s.bleu, f"{p}_chrf": s and s.chrf,
                        f"{p}_flags": s and flags_to_json(s.flags)})
        rows.append(row)
    if rows:
        rows[0]["article_json"] = json.dumps({
            "languages": art.languages, "offered": art.offered,
            "segments": [[s.lang, s.ordinal, s.block_id, s.sentence_id, s.role, s.text]
                         for s in art.segments],
            "run": asdict(art.run),
        }, ensure_ascii=False, sort_keys=True)
    return rows


def from_rows(rows: list[dict[str, Any]]) -> StoredArticle:
    """The article back from all of its rows (any order, duplicates allowed)."""
    by_ordinal = {int(r["ordinal"]): r for r in rows}
    first = by_ordinal.get(1)
    n = int(rows[0]["n_units"])
    if sorted(by_ordinal) != list(range(1, n + 1)) or first is None or not first["article_json"]:
        raise UsageError(f"article {rows[0]['article']}: incomplete in the shards")
    meta = json.loads(first["article_json"])
    run = RunInfo(**meta["run"])
    # shards written before scores were calibrated hold the aligner's raw score
    raw = "calibration" not in run.options.get("aligner", {})
    units = []
    for k in range(1, n + 1):
        r = by_ordinal[k]
        sides = {lang: Side(json.loads(r[f"{lang}_ids"]), r[f"{lang}_text"])
                 for lang in LANGS if r[f"{lang}_ids"] is not None}
        pairs = {}
        for pair in PAIRS:
            p = pair.replace("-", "_")
            if r[f"{p}_bead"] is not None:
                score = r[f"{p}_align"]
                if raw and "0" not in r[f"{p}_bead"].split("-"):
                    score = calibrated(score, r[f"{p}_method"])
                pairs[pair] = PairScore(r[f"{p}_bead"], r[f"{p}_method"], score,
                                        r[f"{p}_mt"], r[f"{p}_bleu"], r[f"{p}_chrf"],
                                        flags_from_json(r.get(f"{p}_flags")))
        units.append(Unit(k, sides, pairs, kind=r["kind"]))
    return StoredArticle(
        key=first["article"], content_hash=first["content_hash"],
        languages=meta["languages"], offered=meta["offered"],
        segments=[SegmentRow(*s) for s in meta["segments"]], units=units, run=run,
    )


class ShardWriter:
    """Buffers articles and writes them as ``part-RUN-NNNNN.parquet`` shards, atomically."""

    def __init__(self, directory: Path, *, run_id: str | None = None,
                 articles_per_shard: int = 64) -> None:
        from translate.fsio import check_output_dir

        self.dir = check_output_dir(directory)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot create {self.dir} ({e.strerror or e})") from None
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.articles_per_shard = articles_per_shard
        self._rows: list[dict[str, Any]] = []
        self._articles = 0
        self._seq = 0
        self.written: list[Path] = []

    def add(self, art: StoredArticle) -> None:
        self._rows += to_rows(art, self.run_id)
        self._articles += 1
        if self._articles >= self.articles_per_shard:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        pa = _pa()
        table = pa.Table.from_pylist(self._rows, schema=schema())
        path = self.dir / f"part-{self.run_id}-{self._seq:05d}.parquet"
        tmp = self.dir / f".{path.name}.tmp"
        try:
            pa.parquet.write_table(table, tmp, compression="zstd")
            with open(tmp, "rb") as f:  # on disk before the name says it is complete
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as e:  # pyarrow's own errors for a full disk are OSError subclasses
            tmp.unlink(missing_ok=True)
            raise RuntimeFailure(f"cannot write the shard {path}: {e}") from None
        self.written.append(path)
        self._seq += 1
        self._rows, self._articles = [], 0

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class ShardScan:
    articles: list[StoredArticle] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # article identities
    unreadable: list[str] = field(default_factory=list)  # "path: why" (a shard, or an article)
    rows: int = 0

    @property
    def problems(self) -> list[str]:
        return self.unreadable + [f"article {key}: incomplete in the shards (a unit is missing)"
                                  for key in self.incomplete]


def shard_files(directory: Path) -> list[Path]:
    d = Path(directory)
    if not d.is_dir():
        raise UsageError(f"{d}: no such directory of Parquet shards")
    return sorted(d.glob(SHARD_GLOB))


def _read(path: Path, columns: list[str] | None, scan: ShardScan) -> list[dict[str, Any]]:
    pa = _pa()
    try:
        table = pa.parquet.read_table(path, columns=columns)
    except Exception as e:  # truncated, garbage, not Parquet: must not stop the others
        scan.unreadable.append(f"{path}: not a readable Parquet shard ({type(e).__name__}: "
                               f"{e})"[:300])
        return []
    wanted = columns or [n for n in schema().names if not n.endswith("_flags")]  # flags: v2
    missing = [n for n in wanted if n not in table.column_names]
    if missing:
        scan.unreadable.append(f"{path}: not a tarjama shard (no column "
                               f"{', '.join(missing[:3])})")
        return []
    rows = table.to_pylist()
    good = [r for r in rows if isinstance(r["content_hash"], str) and isinstance(r["ordinal"], int)
            and isinstance(r["n_units"], int) and 1 <= r["ordinal"] <= r["n_units"]]
    if len(good) < len(rows):
        scan.unreadable.append(f"{path}: {len(rows) - len(good)} row(s) without a usable "
                               "content_hash, ordinal or n_units (skipped)")
    return good


def _groups(directory: Path, columns: list[str] | None,
            scan: ShardScan) -> Iterator[tuple[list[dict[str, Any]], list[Path]]]:
    """Rows grouped by article content, in shard order, with the shards they came from; an
    article split over several shards is put together; one with a unit missing everywhere is
    reported as incomplete."""
    pending: dict[str, list[dict[str, Any]]] = {}
    origin: dict[str, list[Path]] = {}
    for path in shard_files(directory):
        rows = _read(path, columns, scan)
        scan.rows += len(rows)
        for r in rows:
            pending.setdefault(r["content_hash"], []).append(r)
            if path not in origin.setdefault(r["content_hash"], []):
                origin[r["content_hash"]].append(path)
        for digest in list(pending):
            group = pending[digest]
            if {int(r["ordinal"]) for r in group} >= set(range(1, int(group[0]["n_units"]) + 1)):
                yield pending.pop(digest), origin.pop(digest)
    scan.incomplete += sorted({str(g[0]["article"]) for g in pending.values()})


def read_shards(directory: Path) -> ShardScan:
    """Every complete article in the shards under ``directory``, each content once. A shard
    that cannot be read, or an article whose rows do not make a valid one, is reported in
    ``unreadable`` (naming the shard) and the others are read."""
    scan = ShardScan()
    seen: set[str] = set()
    for group, paths in _groups(directory, None, scan):
        digest = group[0]["content_hash"]
        if digest in seen:
            continue
        seen.add(digest)
        try:
            scan.articles.append(from_rows(group))
        except (TarjamaError, KeyError, TypeError, ValueError, AttributeError) as e:
            where = ", ".join(str(p) for p in paths)
            why = str(e) if isinstance(e, TarjamaError) else f"{type(e).__name__}: {e}"
            scan.unreadable.append(f"{where}: article {group[0]['article']}: invalid rows "
                                   f"(article_json or a unit) ({why})"[:400])
    return scan


def done_hashes(directory: Path) -> set[str]:
    """Content hashes of the articles already complete in the shards (for skipping on rerun)."""
    if not Path(directory).is_dir():
        return set()
    scan = ShardScan()
    cols = ["article", "content_hash", "ordinal", "n_units"]
    return {g[0]["content_hash"] for g, _ in _groups(directory, cols, scan)}


@dataclass
class ImportResult:
    """What ``import_shards`` did."""

    db: str
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        return (f"imported {self.added + self.new_versions} articles ({self.new_versions} new "
                f"versions), {self.unchanged} already stored, {len(self.problems)} problem(s); "
                f"{self.rows} rows read into {self.db}")

    def failure(self) -> TarjamaError | None:
        """`build && import` must notice a damaged shard."""
        if not self.problems:
            return None
        return RuntimeFailure(f"{len(self.problems)} shard(s) or article(s) not imported "
                              f"(listed above), first: {self.problems[0]}")


def import_shards(directory: Path, db: Path) -> ImportResult:
    """``tarjama corpus import``: every complete article of the shards into ``db``, each one
    transaction; articles already stored (same content hash) are left as they are."""
    if not shard_files(directory):  # 0 rows and exit 0 would look like a successful import
        others = sorted(p.name for p in Path(directory).glob("*.parquet"))[:3]
        hint = f"; it holds {', '.join(others)}, not named as `corpus build` names its " \
            "shards" if others else ""
        raise UsageError(f"{printable(directory)}: no shards ({SHARD_GLOB}) to import{hint}")
    result = ImportResult(str(db))
    with CorpusStore.open(db) as store:  # checked before the shards are read
        scan = read_shards(directory)
        for art in scan.articles:
            status = store.add_article(art).status
            result.added += status == "added"
            result.new_versions += status == "new-version"
            result.unchanged += status == "unchanged"
    result.rows, result.problems = scan.rows, scan.problems
    return result
