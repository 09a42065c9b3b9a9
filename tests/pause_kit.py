"""A handshake for the tests that interrupt a real `tarjama` process (SIGINT, SIGKILL).

Polling for outputs and then signalling races the run: a fast machine finishes before the
signal, a slow one is signalled before the interesting part. Instead the child is started
through this file, which wraps ONE library function in the child only: at the chosen call the
wrapper creates a marker file and then blocks that thread for good. The test waits for the
marker (the child is now exactly where the test wants it, and can never finish on its own),
then signals. The library itself is not told anything: no variable, no test mode.

    python tests/pause_kit.py MARKER MODULE:ATTR NTH NEEDLE before|after[+sigint] -- tarjama args...

``MODULE:ATTR`` (``translate.run:atomic_write``, ``translate.corpus.store:CorpusStore.
add_article``) is wrapped; it pauses at the NTH call whose arguments contain NEEDLE (any call
when NEEDLE is empty), before or after the real call. ``+sigint``: once paused, the paused
thread sends SIGINT to itself, as the kernel may hand a Ctrl-C to any thread of the process
(Python runs the handler in the main thread, but only once that thread runs again).
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def command(marker: Path, target: str, tarjama_args: list[str], *, nth: int = 1,
            needle: str = "", after: bool = False, sigint_here: bool = False) -> list[str]:
    """The argv that runs ``tarjama_args`` pausing at ``target`` (see the module docstring)."""
    when = ("after" if after else "before") + ("+sigint" if sigint_here else "")
    return [sys.executable, str(HERE), str(marker), target, str(nth), needle, when, "--",
            *tarjama_args]


def wait_for(marker: Path, proc: Any, timeout: float = 600) -> None:
    """Until the child has paused (its marker exists); fails if it ended first."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the child ended (exit {proc.returncode}) before pausing")
        if time.monotonic() > deadline:  # a hang guard, not a timing condition
            raise AssertionError(f"the child never reached its pause point in {timeout} s")
        time.sleep(0.02)


def _install(marker: Path, target: str, nth: int, needle: str, after: bool,
             sigint_here: bool = False) -> None:
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    real: Callable[..., Any] = getattr(owner, name)
    seen = 0
    lock = threading.Lock()

    def pause() -> None:
        marker.write_text(str(os.getpid()), encoding="utf-8")
        if sigint_here:
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        threading.Event().wait()  # this thread stays here until the process ends

    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        with lock:
            matched = not needle or needle in repr((args, kwargs))
            seen += matched
            here = matched and seen == nth
        if here and not after:
            pause()
        result = real(*args, **kwargs)
        if here:
            pause()
        return result

    setattr(owner, name, wrapper)


if __name__ == "__main__":
    marker_arg, target_arg, nth_arg, needle_arg, when, dashes, *rest = sys.argv[1:]
    when, _, extra = when.partition("+")
    assert dashes == "--" and when in ("before", "after") and extra in ("", "sigint"), sys.argv
    _install(Path(marker_arg), target_arg, int(nth_arg), needle_arg, when == "after",
             sigint_here=extra == "sigint")
    sys.argv = ["tarjama", *rest]
    # A test run started in the background (`pytest ... &` in a script, as a shell without job
    # control starts it) hands its children SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: the signal would do nothing and the test hang. These children
    # stand for a tarjama in the foreground of a terminal, where Ctrl-C arrives.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from translate.cli import main

    main()
