"""A per-output-directory journal so a long `translate` run can be killed and rerun.

Each article is one unit of work keyed by a hash of everything that decides its output (its
bytes, the targets, the models, the decoding options, the format). The journal records the
outputs an article is about to write *before* writing them and marks the article done after the
atomic renames. A rerun therefore knows three states:

- done, outputs present: skip it (the result of the earlier run stands, byte for byte);
- writing: the earlier run died between announcing and finishing; the files named are ours to
  replace (and translations already made come back from the translation cache);
- unknown: new work; an existing file at one of its output paths is the user's and is only
  replaced with --force.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from translate.sqlite_wal import connect

JOURNAL_NAME = ".tarjama-journal.sqlite"


def work_key(data: bytes, settings: dict) -> str:
    h = hashlib.sha256(data)
    h.update(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


class Journal:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / JOURNAL_NAME
        self.db = connect(self.path, isolation_level=None)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS work (key TEXT PRIMARY KEY, source TEXT, outputs TEXT,"
            " state TEXT CHECK (state IN ('writing', 'done')), updated REAL)"
        )

    def state(self, key: str) -> tuple[str | None, list[str]]:
        row = self.db.execute("SELECT state, outputs FROM work WHERE key = ?", (key,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (None, [])

    def is_done(self, key: str) -> bool:
        state, outputs = self.state(key)
        return state == "done" and all(Path(p).is_file() for p in outputs)

    def owns(self, path: Path) -> bool:
        """Whether an earlier run of ours announced ``path`` (so replacing it loses nothing)."""
        for (outputs,) in self.db.execute("SELECT outputs FROM work"):
            if str(path) in json.loads(outputs):
                return True
        return False

    def begin(self, key: str, source: str, outputs: list[Path]) -> None:
        self._set(key, source, outputs, "writing")

    def finish(self, key: str, source: str, outputs: list[Path]) -> None:
        self._set(key, source, outputs, "done")

    def _set(self, key: str, source: str, outputs: list[Path], state: str) -> None:
        self.db.execute(
            "INSERT INTO work (key, source, outputs, state, updated) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET outputs = excluded.outputs, state = excluded.state,"
            " updated = excluded.updated",
            (key, source, json.dumps([str(p) for p in outputs]), state, time.time()),
        )

    def close(self) -> None:
        self.db.close()
