"""Reading inputs and writing outputs safely.

Outputs are written to a temporary file in the target directory and renamed into place, so a
crash never leaves a half-written file under the final name, and an existing file is replaced
only when the caller says ``force``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from translate.errors import InputError, OutputExistsError, UsageError


def read_bytes(path: str | Path) -> bytes:
    """Read a whole input; ``-`` means standard input."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a file")
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is dropped); undecodable bytes are an input error with the offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not valid UTF-8 at byte offset {e.start} ({data[e.start:e.start + 4]!r})"
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: str | Path) -> str:
    return decode_utf8(read_bytes(path), str(path))


def read_lines(path: str | Path) -> list[str]:
    """One segment a line; the final newline does not make an extra empty line."""
    text = read_text(path)
    return text.splitlines()


def check_writable(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it")


def atomic_write(path: str | Path, data: str | bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temp file + rename; refuse to overwrite without force."""
    target = Path(path)
    check_writable(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_many(files: Iterable[tuple[Path, str | bytes]], force: bool = False) -> list[Path]:
    """Write several outputs; every target is checked before the first is written."""
    items = list(files)
    for p, _ in items:
        check_writable(p, force)
    return [atomic_write(p, d, force=True) for p, d in items]


def safe_name(stem: str) -> str:
    """A file name derived from input that cannot escape its output directory."""
    name = Path(stem).name.replace("..", "_")
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    # File systems cap a name at 255 bytes; leave room for ".en.markdown" and a temp prefix.
    name = name.encode("utf-8")[:200].decode("utf-8", errors="ignore").rstrip("._")
    if not name:
        raise UsageError(f"cannot derive an output file name from {stem!r}")
    return name


@contextmanager
def atomic_dir(target: Path, label: str = "tmp") -> Iterator[Path]:
    """Build a directory beside ``target`` and swap it in only when the block succeeds.

    A crash or an error leaves ``target`` as it was (the half-built copy is removed); the
    caller decides beforehand whether an existing ``target`` may be replaced.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{label}-"))
    try:
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
