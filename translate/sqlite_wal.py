"""SQLite files that several processes share: WAL, a busy timeout, a safe switch to WAL, and
one way to open and check them (``open_db``) with one set of messages for a broken file.

Used by the corpus store, the translation cache and the run journal.
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from translate.errors import DamagedFileError, RuntimeFailure, TarjamaError, UsageError
from translate.fsio import printable

BUSY_TIMEOUT_MS = 30_000  # a second writer waits for the first instead of failing at once


def connect(path: str | Path, *, wal: bool = True, **kwargs: object) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, **kwargs)  # type: ignore[arg-type,call-overload]
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if wal:
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


def connect_readonly(path: str | Path, **kwargs: object) -> sqlite3.Connection:
    """Open for reading only (``mode=ro``): not a byte of the file changes (no switch to WAL,
    no schema written), so a read-only command on a foreign or empty file leaves it as it was."""
    uri = "file:" + urllib.parse.quote(os.fsencode(os.path.abspath(path))) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, **kwargs)  # type: ignore[arg-type,call-overload]
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """Starts as every SQLite database does (an empty file is no database of anyone's yet)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def holds_tables(path: Path, tables: tuple[str, ...]) -> bool:
    """Whether the schema of a (possibly damaged) database names one of ``tables``: how a file
    is told to be ours by its content before ``--force`` deletes it. Read without a lock or a
    journal (``immutable``), so nothing is written; a schema that cannot be read proves nothing."""
    if not is_sqlite_file(path):
        return False
    uri = "file:" + urllib.parse.quote(os.fsencode(os.path.abspath(path))) + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(names & set(tables))


@dataclass(frozen=True)
class DbRole:
    """What a database file is to tarjama, for the messages about it."""

    what: str  # "translation cache"
    fix: str  # what the user can do when it is damaged
    tables: tuple[str, ...]  # tables that make a file ours; a file with none of them is foreign
    fix_deletes: bool = False  # the fix deletes the file: offered only for a file told ours


def open_db(path: str | Path, role: DbRole, *, check: bool = True, readonly: bool = False,
            **kwargs: object) -> sqlite3.Connection:
    """Connect (WAL, busy timeout; ``readonly``: ``connect_readonly``) and, with ``check``,
    verify the file before any work.

    A damaged file (garbage, pages broken past the header), a directory in its place or a
    foreign database becomes one ``TarjamaError`` that names the file and the fix, instead of
    an ``sqlite3`` traceback in the middle of the work. ``PRAGMA quick_check`` reads every
    page once: 0.18 s for a 148 MB file here, small beside any work that follows.
    """
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{role.what} {printable(p)} is a directory, not a database file; "
                         f"{role.fix}")
    conn = None
    try:
        conn = connect_readonly(p, **kwargs) if readonly else connect(p, wal=False, **kwargs)
        if check:
            verify(conn, p, role)
        if not readonly:  # only once the file is known ours: the switch writes its header
            enable_wal(conn)
    except BaseException as e:
        if conn is not None:
            conn.close()
        if isinstance(e, sqlite3.Error):
            raise database_error(p, role, e) from None
        raise
    return conn


def verify(conn: sqlite3.Connection, path: Path, role: DbRole) -> None:
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
    if rows != ["ok"]:
        lines = [ln for r in rows for ln in r.splitlines() if not ln.startswith("***")]
        found = "; ".join(lines)[:200]
        raise DamagedFileError(f"{role.what} {printable(path)} is damaged (quick_check: "
                               f"{found}); {role.fix}")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if names and not names & set(role.tables):
        raise UsageError(f"{printable(path)} is not a {role.what} (it holds the tables "
                         f"{', '.join(sorted(names)[:5])}); give another file")


def database_error(path: Path, role: DbRole, e: sqlite3.Error) -> TarjamaError:
    text = str(e)
    if "locked" in text or "busy" in text:
        return RuntimeFailure(f"{role.what} {printable(path)} is locked by another process "
                              f"(waited {BUSY_TIMEOUT_MS // 1000} s); try again when it is done")
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return UsageError(f"cannot open {role.what} {printable(path)} ({text})")
    if "disk is full" in text or "disk I/O" in text:
        return RuntimeFailure(f"{role.what} {printable(path)}: {text}")
    if "not a database" in text:
        if role.fix_deletes and path.is_file() and not is_sqlite_file(path):
            # not even SQLite's header: maybe a user's file; never point at a fix that deletes it
            return UsageError(f"{printable(path)} is not a {role.what} (not an SQLite file); "
                              f"give another file, or delete it if it was the {role.what}")
        return DamagedFileError(f"{role.what} {printable(path)} is not a database, or is damaged "
                                f"({text}); {role.fix}")
    return DamagedFileError(f"{role.what} {printable(path)} is damaged ({text}); {role.fix}")


@contextmanager
def guarded(path: Path, role: DbRole) -> Iterator[None]:
    """Turn an ``sqlite3`` error met while working on an open file into the same messages."""
    try:
        yield
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
        raise  # our own statements' faults, not the file's
    except sqlite3.Error as e:
        raise database_error(path, role, e) from None
