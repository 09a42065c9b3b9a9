"""A per-output-directory journal so a long `translate` run can be killed and rerun.

Each article is one unit of work keyed by a hash of everything that decides its output (its
bytes, the targets, the models, the decoding options, the format) and of where it goes (two
copies of one article are two units; the second is served from the translation cache). The
journal records the outputs an article is about to write *before* writing them and marks the
article done after the atomic renames. A rerun therefore knows three states:

- done, outputs present: skip it (the result of the earlier run stands, byte for byte);
- writing: the earlier run died between announcing and finishing; the files named are ours to
  replace (and translations already made come back from the translation cache);
- unknown: new work; an existing file at one of its output paths is the user's and is only
  replaced with --force.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from translate.errors import UsageError
from translate.fsio import printable
from translate.sqlite_wal import DbRole, guarded, open_db

JOURNAL_NAME = ".tarjama-journal.sqlite"
ROLE = DbRole("run journal", "delete it: it only records which articles of this folder are "
              "done, and a run without it redoes them (from the translation cache)", ("work",))


def work_key(data: bytes, settings: dict, outputs: list[Path]) -> str:
    """The article's bytes, the settings and where it goes: two inputs with the same bytes
    are two units of work (each gets its files; the second is served from the cache)."""
    h = hashlib.sha256(data)
    h.update(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode())
    h.update(json.dumps([os.path.abspath(p) for p in outputs]).encode())
    return h.hexdigest()


class Journal:
    def __init__(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot create the output folder {printable(directory)} "
                             f"({e.strerror or e})") from None
        self.path = directory / JOURNAL_NAME
        self.db = open_db(self.path, ROLE, isolation_level=None)
        with guarded(self.path, ROLE):
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS work (key TEXT PRIMARY KEY, source TEXT, "
                "outputs TEXT, state TEXT CHECK (state IN ('writing', 'done')), updated REAL)"
            )

    def state(self, key: str) -> tuple[str | None, list[str]]:
        with guarded(self.path, ROLE):
            row = self.db.execute("SELECT state, outputs FROM work WHERE key = ?",
                                  (key,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (None, [])

    def is_done(self, key: str) -> bool:
        state, outputs = self.state(key)
        return state == "done" and all(Path(p).is_file() for p in outputs)

    def owns(self, path: Path) -> bool:
        """Whether an earlier run of ours announced ``path`` (so replacing it loses nothing)."""
        wanted = os.path.abspath(path)
        with guarded(self.path, ROLE):
            rows = self.db.execute("SELECT outputs FROM work").fetchall()
        return any(os.path.abspath(p) == wanted for (outputs,) in rows
                   for p in json.loads(outputs))

    def begin(self, key: str, source: str, outputs: list[Path]) -> None:
        self._set(key, source, outputs, "writing")

    def finish(self, key: str, source: str, outputs: list[Path]) -> None:
        self._set(key, source, outputs, "done")

    def _set(self, key: str, source: str, outputs: list[Path], state: str) -> None:
        with guarded(self.path, ROLE):
            self._write(key, source, outputs, state)

    def _write(self, key: str, source: str, outputs: list[Path], state: str) -> None:
        self.db.execute(
            "INSERT INTO work (key, source, outputs, state, updated) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET outputs = excluded.outputs, state = excluded.state,"
            " updated = excluded.updated",
            # JSON escapes the lone surrogates of a non-UTF-8 file name; a TEXT column cannot
            (key, printable(source), json.dumps([str(p) for p in outputs]), state, time.time()),
        )

    def close(self) -> None:
        self.db.close()
