"""What every command shares: error handling, LANG=VALUE options, progress, output writing.

The CLI is the only place that prints or exits. Each command function is wrapped by
``command``, which turns the package's errors into one line on stderr and exit code 2
(usage/input) or 1; ``OneLineErrors`` does the same for click's own usage errors (a bad option
value, an unknown option, a missing argument), which typer would otherwise print as a four-line
box, and gives every command's help its plain labels (``translate.cli.helptext``). Commands are
registered in one table, ``translate/cli/__init__.py``.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from translate.errors import TarjamaError, UsageError
from translate.readers import InputFormat

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"tarjama: error: {message}", err=True)
    return typer.Exit(code)


class OneLineErrors(TyperGroup):
    """The root group: click's usage errors become ``tarjama: error: …`` on one line, exit 2;
    the help of every command under it is made plain (``helptext.plain_help``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from translate.cli.helptext import plain_help

        plain_help(self)  # typer built the subcommands first: the whole tree is here

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone_mode = kwargs.pop("standalone_mode", True)
        try:
            # Not standalone: typer then raises click's errors instead of printing its box,
            # and returns the exit code of a typer.Exit (commands themselves return None).
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except Exception as e:
            # By class name: typer may bring its own copy of click, or use the installed one.
            kinds = {c.__name__ for c in type(e).__mro__}
            if "NoArgsIsHelpError" in kinds:  # the help is already printed
                code = 2
            elif "ClickException" in kinds:
                message = " ".join(e.format_message().split())  # type: ignore[attr-defined]
                message = message.replace("Value error, ", "").rstrip(".")
                ctx = getattr(e, "ctx", None)
                hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
                typer.echo(f"tarjama: error: {message}{hint}", err=True)
                code = e.exit_code  # type: ignore[attr-defined]
            elif "Abort" in kinds:
                typer.echo("tarjama: error: aborted", err=True)
                code = 1
            else:
                raise
        code = code if isinstance(code, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


def command(fn: F) -> F:
    """``fn`` with the package's error handling around it (register it in cli/__init__.py)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            fn(*args, **kw)
        except TarjamaError as e:
            raise fail(str(e), e.exit_code) from None
        except KeyboardInterrupt as e:
            raise interrupted(e) from None
        except BrokenPipeError:
            # `tarjama ... | head` closed its end: not an error of ours
            raise typer.Exit(0) from None
        except UnicodeEncodeError as e:
            # a lone surrogate: bytes of a non-UTF-8 argument or file name on their way
            # into UTF-8 (SQLite, JSON); the known paths escape them, this nets the rest
            bad = ascii(e.object[e.start:e.end])
            raise fail(f"an argument or file name is not valid UTF-8 ({bad})", 2) from None
        except OSError as e:
            # The library turns the failures it expects into TarjamaError; this is the
            # net under the rest (a disk error in a library we call): still one line.
            where = f"{e.filename}: " if e.filename else ""
            raise fail(f"{where}{e.strerror or e}", 1) from None

    return wrapper  # type: ignore[return-value]


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler stopping the job), raised where Ctrl-C would be, so the
    same clean-up runs (temporary files removed, transactions rolled back); exit 143."""


def on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def interrupted(e: BaseException | None = None) -> typer.Exit:
    """Ctrl-C: one line and exit 130 (SIGTERM: 143). Work finished so far is kept (journal,
    cache, store); a decoder thread still busy in native code is not waited for (see
    ``stop_now``)."""
    terminated = isinstance(e, Terminated)
    typer.echo(f"tarjama: error: {'terminated' if terminated else 'interrupted'}", err=True)
    code = 143 if terminated else 130
    stop_now(code)
    return typer.Exit(code)


class ClosedStdout(io.TextIOBase):
    """Stands for a standard output the process was started without (``tarjama … >&-``):
    writing to it fails as ``cat`` does (one line, exit 1) instead of losing the output."""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "cannot write to standard output: it is closed")


#: Set by the console entry point (``translate.cli.main``): only a real ``tarjama`` process
#: may end itself with ``os._exit``; under a test runner the process must live on.
HARD_EXIT = False


def stop_now(code: int) -> None:
    """Exit at once when a decoding thread is still busy (CTranslate2 in native code cannot
    be interrupted, and Python would wait for it at exit: up to a whole batch). Everything
    worth keeping is already safe: SQLite commits are atomic, outputs are renamed into place
    whole, and a temporary file left behind is removed by the next run. Only our decoding
    threads count: other libraries' (Ray's) must get their own clean shutdown."""
    import threading

    pipeline = sys.modules.get("translate.pipeline")  # not imported: nothing is decoding
    if not HARD_EXIT or pipeline is None:
        return
    if any(t.is_alive() and t.name.startswith(pipeline.DECODE_THREAD)
           for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def parse_assignments(values: list[str] | None, option: str) -> dict[str, str]:
    """Parse repeated ``KEY=VALUE`` options (``--model en=DIR``) into a dict."""
    out: dict[str, str] = {}
    for v in values or []:
        key, sep, val = v.partition("=")
        if not sep or not key.strip() or not val.strip():
            raise UsageError(f"{option} expects KEY=VALUE, got {v!r}")
        out[key.strip()] = val.strip()
    return out


def parse_list(value: str, option: str, allowed: set[str] | None = None) -> list[str]:
    items = [x.strip() for x in value.split(",") if x.strip()]
    if not items:
        raise UsageError(f"{option} needs at least one value")
    if allowed is not None:
        bad = [x for x in items if x not in allowed]
        if bad:
            raise UsageError(f"{option}: unknown value(s) {', '.join(bad)}; "
                             f"choose from {', '.join(sorted(allowed))}")
    return items


class Progress:
    """A rich progress bar on stderr, silent when quiet or when stderr is not a terminal."""

    def __init__(self, quiet: bool = False) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    @contextmanager
    def running(self) -> Iterator[Progress]:
        if not self.enabled:
            yield self
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        with RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
        ) as bar:
            self._bar = bar
            yield self
        self._bar = None

    def callback(self, label: str) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback the library calls as work advances."""

        def update(done: int, total: int) -> None:
            if self._bar is None:
                return
            if label not in self._tasks:
                self._tasks[label] = self._bar.add_task(label, total=total)
            self._bar.update(self._tasks[label], completed=done, total=total)

        return update


# How an input is read: the same four options on every command that reads an article.
EncodingOption = Annotated[str | None, typer.Option(
    help="Input encoding (utf-8, utf-16, windows-1256, iso-8859-6, ...); default: detect.")]
InputFormatOption = Annotated[InputFormat, typer.Option(
    "--input-format", help="How to read the input; auto: from its name and content.")]
FromOption = Annotated[str, typer.Option(
    "--from", help="Source language; anything but ar skips the is-it-Arabic check.")]


# Languages are --from/--to on every command (translate's, as argos-translate spells them);
# align's --src-lang/--tgt-lang and the fixture's --source-lang/--target-lang still work for a
# release, hidden from help.
def old_spelling(name: str) -> Any:
    return typer.Option(name, hidden=True, help="Old spelling, kept for a release.")


def one_spelling(new: str | None, old: str | None, names: str) -> str | None:
    """The value of an option given in its new or its old spelling (not both, differently)."""
    if old is not None and new is not None and old != new:
        raise UsageError(f"{names}: one language, given twice ({new}, {old})")
    return new if new is not None else old
VerboseOption = Annotated[bool, typer.Option(
    "--verbose", "-v", help="Say more on stderr: how the input was read (format, encoding) "
    "and, after a translation, every QA flag.")]
