"""Reading inputs and writing outputs safely: the one home of both, for every command.

Inputs: ``read_lines`` splits on ``\\n`` only (``\\r\\n`` accepted), as sacrebleu and the Moses
tools do; U+2028, U+0085, form feed and vertical tab stay inside their line.

Outputs (``check_output`` before the work, ``atomic_write`` after it):

- a regular file is written to a temporary file beside it and renamed into place, so a crash
  or a full disk never leaves a half-written file under the final name;
- an existing regular file is replaced only with ``force``, only when it is of the kind
  tarjama writes there (text, or a PNG for a chart: never an image, a database, an archive),
  and keeps its mode; a new file gets 0666 & ~umask, as any shell redirection would;
- one of the inputs is never replaced, ``force`` or not;
- a directory output (a model, a fixture: ``check_output_tree``, ``atomic_dir``) is replaced
  only with ``force`` and only when tarjama made it (it holds ``MARKER``); never a directory
  that is or holds an input, never a non-empty directory of someone else's;
- a FIFO or a character device (``/dev/stdout``, ``/dev/null``, a named pipe) is written
  through: nothing is replaced there, so no ``force`` is needed;
- a directory, a block device or a socket is refused;
- a symbolic link is followed, as a shell redirection follows it: the file it names is the
  output (replaced only with ``force``, the link kept); a dangling link's file is created;
- a new file is published with an exclusive create: of two runs writing one new name
  without ``force``, the second to finish is refused instead of replacing the first's file;
- every failure is one ``TarjamaError`` naming the path: exit 2 when the path is unusable
  (missing parent, not a directory, permission), 1 when the disk fails (full, I/O error).
"""

from __future__ import annotations

import codecs
import errno
import glob
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from translate.errors import InputError, OutputExistsError, RuntimeFailure, UsageError

#: Written into every directory tarjama builds (a model, a fixture): ``--force`` replaces a
#: non-empty directory only when it carries this file (see ``check_output_tree``).
MARKER = ".tarjama-made"

_STDIO_ALIAS = re.compile(r"/dev/std(in|out|err)|/dev/fd/\d+|/proc/(self|\d+)/fd/\d+")


def read_bytes(path: str | Path) -> bytes:
    """Read a whole input; ``-`` means standard input."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{printable(p)}: is a directory, expected a file")
    if (p.is_char_device() or p.is_block_device()) and \
            not _STDIO_ALIAS.fullmatch(str(p.absolute())):
        # /dev/zero or /dev/urandom would be read until memory runs out
        raise InputError(f"{printable(p)}: is a device, expected a file (use - for stdin)")
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{printable(p)}: no such file") from None
    except PermissionError:
        raise InputError(f"{printable(p)}: permission denied") from None
    except OSError as e:
        raise InputError(f"{printable(p)}: cannot read ({e.strerror or e})") from None


def require_regular(path: str | Path) -> None:
    """Refuse a FIFO, a socket or a device where a stored file is expected (reading a FIFO
    with no writer waits forever); a missing file is left to the reader to report."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
            "a directory" if stat.S_ISDIR(st.st_mode) else "not a plain file"
        raise InputError(f"{printable(path)}: is {kind}, expected a regular file; refusing to "
                         "read it")


def decode_utf8(data: bytes, name: str, *, keep_bom: bool = False) -> str:
    """Decode UTF-8 (a BOM is dropped unless ``keep_bom``); undecodable bytes are an input
    error with the offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not valid UTF-8 at byte offset {e.start} ({data[e.start:e.start + 4]!r})"
        ) from None
    return text if keep_bom else text.removeprefix("\ufeff")


def read_text(path: str | Path) -> str:
    return decode_utf8(read_bytes(path), printable(path))


def split_lines(text: str) -> list[str]:
    """One segment a line: split on ``\\n`` only, a ``\\r`` before it dropped; a final newline
    does not make an extra empty line. (``str.splitlines`` would also split on U+2028, U+0085,
    ``\\f`` and ``\\v``, so a line holding one would count twice and misalign every line after.)
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 file (``-``: stdin), as ``split_lines`` cuts them."""
    return split_lines(read_text(path))


def printable(path: str | Path) -> str:
    """A path as text that can always be printed and stored: a file name that is not valid
    UTF-8 (Python keeps its bytes as lone surrogates) shows its bytes as ``\\xff``."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


# --- outputs -------------------------------------------------------------------------------

_umask_lock = threading.Lock()


def umask() -> int:
    """The process umask. Linux tells it in /proc; elsewhere it can only be read by setting
    it, which is done under a lock (another thread creating a file meanwhile would get 0)."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1], 8) for line in status.splitlines()
                    if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        with _umask_lock:
            mask = os.umask(0o022)
            os.umask(mask)
            return mask


def new_file_mode() -> int:
    return 0o666 & ~umask()


@dataclass(frozen=True)
class OutputTarget:
    """Where an output goes, decided before the work (``check_output``)."""

    path: Path  # the file to write (a symbolic link resolved to the file it names)
    stream: bool = False  # a FIFO or character device: written through, nothing replaced
    mode: int | None = None  # the mode of the regular file being replaced
    exclusive: bool = False  # a new name without --force: published only if still free


_KINDS = ((stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def _same_file(st: os.stat_result, inputs: Iterable[str | Path]) -> bool:
    for i in inputs:
        try:
            other = os.fstat(0) if str(i) == "-" else os.stat(i)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


def _missing_parent(path: Path) -> Path:
    """The nearest ancestor of ``path`` that exists: it must be a directory we can write in."""
    for parent in path.absolute().parents:
        try:
            st = os.stat(parent)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as e:
            raise UsageError(f"cannot write {printable(path)}: {printable(parent)}: "
                             f"{e.strerror or e}") from None
        if not stat.S_ISDIR(st.st_mode):
            raise UsageError(f"cannot write {printable(path)}: {printable(parent)} is not a "
                             "directory")
        return parent
    return Path("/")


def _probe_directory(path: Path, directory: Path) -> None:
    """Create and remove a file in ``directory``: the only sure test that a rename will work
    there (root passes every permission check, and /proc or a read-only mount still refuse)."""
    try:
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".tarjama-probe-")
    except OSError as e:
        raise UsageError(f"cannot write {printable(path)}: cannot create files in "
                         f"{printable(directory)} ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def check_output(path: str | Path, force: bool = False,
                 inputs: Iterable[str | Path] = ()) -> OutputTarget:
    """Validate an output path before the work (see the module docstring for the rules)."""
    p = Path(path)
    name = printable(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        real = Path(os.path.realpath(p))  # a dangling link: the file it names is created
        _probe_directory(p, _missing_parent(real))
        return OutputTarget(real, exclusive=not force)
    except NotADirectoryError:
        _missing_parent(p)  # raises, naming the file that stands where a directory should be
        raise UsageError(f"cannot write {name}: a parent is not a directory") from None
    except OSError as e:
        raise UsageError(f"cannot write {name}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{name} is a directory; give a file name for this output")
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise UsageError(f"{name} is {kind}, not a file; refusing to write to it")
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return OutputTarget(p, stream=True)
    if _same_file(st, inputs):
        raise UsageError(f"{name} is also an input; refusing to overwrite it, even with --force")
    alias = _STDIO_ALIAS.fullmatch(str(p.absolute()))
    if alias and not alias.group().endswith(("stdin", "/0")):
        return OutputTarget(p, stream=True)  # /dev/stdout redirected to a file: append to it
    if not force:
        raise OutputExistsError(f"{name} exists; pass --force to overwrite it")
    real = Path(os.path.realpath(p))
    other = _other_kind(real)
    if other:
        raise UsageError(f"{name} holds {other}, not what tarjama writes there; refusing to "
                         "replace it, even with --force")
    _probe_directory(p, real.parent)
    return OutputTarget(real, mode=stat.S_IMODE(st.st_mode))


_PNG = b"\x89PNG\r\n\x1a\n"


def _other_kind(path: Path) -> str:
    """What an existing file holds when it is not of the kind tarjama writes under that name
    (``--force`` replaces only text with text, a PNG with a PNG), else "": an image, a
    database, an archive or model weights is never replaced by a report."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return ""  # unreadable: the write will say what is wrong
    if not head:
        return ""
    if path.suffix.lower() == ".png":
        return "" if head.startswith(_PNG) else "something other than a PNG image"
    if head.startswith(b"SQLite format 3\x00"):
        return "an SQLite database"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "binary data (not UTF-8 text)"
    return "binary data (NUL bytes)" if b"\x00" in head else ""


def check_output_tree(path: str | Path, force: bool = False, inputs: Iterable[str | Path] = (),
                      ours: Callable[[Path], bool] | None = None) -> Path:
    """Validate a directory output that is built whole and swapped in (a model, a fixture):
    ``force`` replaces only a directory tarjama made (it holds ``MARKER``, or ``ours`` tells
    it by its content: one made before the marker existed). Never a directory that is or
    holds an input, never a non-empty directory of someone else's; an empty one is used.
    A symbolic link is followed: the directory it names is the output."""
    p = Path(path)
    name = printable(p)
    check_output_dir(p)  # a file in its place, or a folder that cannot be written: refused
    if not p.is_dir():
        return p
    real = Path(os.path.realpath(p))
    for i in inputs:
        if str(i) == "-":
            continue
        ri = Path(os.path.realpath(i))
        if ri == real or real in ri.parents:
            raise UsageError(f"{name} holds an input ({printable(i)}); refusing to replace it, "
                             "even with --force")
    if not any(p.iterdir()):
        return p
    if not ((p / MARKER).is_file() or (ours is not None and ours(p))):
        raise UsageError(f"{name} is not empty and was not made by tarjama; refusing to "
                         "replace it, even with --force (give a new or empty directory)")
    if not force:
        raise OutputExistsError(f"{name} exists; pass --force to replace it")
    return p


def mark(directory: Path, what: str) -> None:
    """Mark ``directory`` as built by tarjama (what ``check_output_tree`` looks for)."""
    (directory / MARKER).write_text(f"made by tarjama ({what}); `--force` may replace this "
                                    "directory\n", encoding="utf-8")


def check_output_dir(path: str | Path) -> Path:
    """Validate a directory that outputs will go into, before the work: it must be a
    directory (or not exist yet) in a place where files can be created."""
    p = Path(path)
    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        _probe_directory(p, _missing_parent(p / "x"))
        return p
    except OSError as e:
        raise UsageError(f"cannot write into {printable(p)}: {e.strerror or e}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{printable(p)} exists and is not a directory")
    _probe_directory(p, p)
    return p


def check_outputs(paths: Iterable[str | Path], force: bool = False,
                  inputs: Iterable[str | Path] = ()) -> list[OutputTarget]:
    inputs = list(inputs)
    return [check_output(p, force, inputs) for p in paths]


def _write_error(path: str | Path, e: OSError, stream: bool = False) -> Exception:
    why = e.strerror or str(e)
    if e.errno in _DISK_ERRORS:
        kept = "" if stream else "; nothing was written under that name"
        return RuntimeFailure(f"cannot write {printable(path)}: {why}{kept}")
    return UsageError(f"cannot write {printable(path)}: {why}")


def temp_prefix(target: Path) -> str:
    """Temporary files carry the writer's pid: a run never removes another live run's file."""
    return f".{target.name[:100]}.{os.getpid()}."


def atomic_write(path: str | Path, data: str | bytes, force: bool = False,
                 inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to ``path`` (see the module docstring); return ``path``."""
    target = check_output(path, force, inputs)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if target.stream:
        try:
            with open(target.path, "ab") as f:
                f.write(raw)
        except OSError as e:
            raise _write_error(path, e, stream=True) from None
        return Path(path)
    tmp = None
    try:
        target.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.path.parent, prefix=temp_prefix(target.path),
                                   suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), new_file_mode() if target.mode is None else target.mode)
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        _publish(Path(tmp), target)
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise _write_error(path, e) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return Path(path)


def _publish(tmp: Path, target: OutputTarget) -> None:
    """Rename ``tmp`` into place; a name that was free when checked must still be free (a hard
    link is an exclusive create: two runs into one new output cannot both win)."""
    if not target.exclusive:
        os.replace(tmp, target.path)
        return
    try:
        os.link(tmp, target.path)
    except FileExistsError:
        raise OutputExistsError(f"{printable(target.path)} was written by someone else while "
                                "this run worked; pass --force to overwrite it") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        os.replace(tmp, target.path)  # a file system without hard links: no exclusive create
        return
    os.unlink(tmp)


def atomic_write_many(files: Iterable[tuple[Path, str | bytes]], force: bool = False,
                      inputs: Iterable[str | Path] = ()) -> list[Path]:
    """Write several outputs; every target is checked before the first is written."""
    items = list(files)
    inputs = list(inputs)
    check_outputs([p for p, _ in items], force, inputs)
    return [atomic_write(p, d, force=force, inputs=inputs) for p, d in items]


def remove_stale_temps(path: Path) -> None:
    """Remove temporary files that a dead run left beside ``path`` (a live run's are kept)."""
    for tmp in path.parent.glob(f".{glob.escape(path.name[:100])}.*.tmp"):
        pid = tmp.name[len(path.name[:100]) + 2:].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def safe_name(stem: str) -> str:
    """A file name derived from input that cannot escape its output directory."""
    name = Path(printable(stem)).name.replace("..", "_")
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    # File systems cap a name at 255 bytes; leave room for ".en.markdown" and a temp prefix.
    name = name.encode("utf-8")[:200].decode("utf-8", errors="ignore").rstrip("._")
    if not name:
        raise UsageError(f"cannot derive an output file name from {printable(stem)!r}")
    return name


@contextmanager
def atomic_dir(target: Path, label: str = "tmp", *, force: bool = False,
               inputs: Iterable[str | Path] = (),
               ours: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Build a directory beside ``target`` and swap it in only when the block succeeds.

    ``target`` is checked (``check_output_tree``) before the block and again just before the
    swap, and the new directory carries ``MARKER``. A crash or an error leaves ``target`` as
    it was: the half-built copy is removed, and so are the parent directories this call
    created (a failed conversion leaves no empty folder in the model store).
    """
    inputs = list(inputs)
    target = Path(os.path.realpath(target)) if Path(target).is_symlink() else Path(target)
    check_output_tree(target, force, inputs, ours)
    created = [p for p in reversed(target.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{label}-"))
        tmp.chmod(0o777 & ~umask())  # mkdtemp's 0700 would hide the result from other users
        mark(tmp, label)
    except OSError as e:
        _remove_empty(created)
        raise _write_error(target, e) from None
    old = tmp.with_name(tmp.name + ".old")
    try:
        yield tmp
        check_output_tree(target, force, inputs, ours)  # it may have changed meanwhile
        try:
            if target.exists():
                target.rename(old)  # kept until the new one is in place
            tmp.rename(target)
        except OSError as e:
            if old.exists() and not target.exists():
                old.rename(target)
            raise _write_error(target, e) from None
        created = []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        _remove_empty(created)


def _remove_empty(directories: list[Path]) -> None:
    for p in reversed(directories):
        try:
            p.rmdir()
        except OSError:
            return
