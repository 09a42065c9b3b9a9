"""SQLite files that several processes share: WAL, a busy timeout, and a safe switch to WAL.

Used by the corpus store, the translation cache and the run journal.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000  # a second writer waits for the first instead of failing at once


def connect(path: str | Path, **kwargs: object) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, **kwargs)  # type: ignore[arg-type]
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    enable_wal(conn)
    return conn


def enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out another process doing the same on a brand-new file.

    Changing the journal mode needs an exclusive lock and SQLite answers "database is locked"
    at once instead of calling the busy handler, so two runs started together on a new file
    would otherwise fail (seen: two `corpus build`s on one new database); retry for as long as
    the busy timeout allows.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
