"""One error root for the package.

Library code raises these; only the CLI turns them into one line on stderr and an exit code:
2 for bad input or usage (the user can fix the command), 1 for a runtime failure.
"""

from __future__ import annotations


class TarjamaError(Exception):
    """Root of every error tarjama raises on purpose."""

    exit_code = 1


class UsageError(TarjamaError):
    """Bad input or usage: wrong option, unreadable file, a model that is not there."""

    exit_code = 2


class InputError(UsageError):
    """The input text itself cannot be used (empty, binary, undecodable, wrong language)."""


class OutputExistsError(UsageError):
    """An output would be overwritten without --force."""


class ModelNotFoundError(UsageError):
    """A model could not be found locally or on the hub."""

    def __init__(self, model: str, looked_in: list[str], reason: str = "",
                 fix: str | None = None) -> None:
        self.model = model
        self.looked_in = looked_in
        where = "; ".join(looked_in)
        why = f" ({reason})" if reason else ""
        fix = fix or (f"run `tarjama models pull {model}` on a connected machine, "
                      "or pass --model LANG=PATH to a local model directory")
        super().__init__(f"model {model!r} not found{why}; looked in: {where}. Fix: {fix}.")


class MissingExtraError(UsageError):
    """A dependency is not installed: an optional extra (``extra``), or a core dependency
    missing from a broken install (``extra`` None)."""

    def __init__(self, package: str, extra: str | None = None) -> None:
        fix = f"pip install 'tarjama[{extra}]'" if extra else f"pip install {package}"
        why = "" if extra else " (tarjama needs it: the install is incomplete)"
        super().__init__(f"{package} is not installed{why}; install it with: {fix}")


class RuntimeFailure(TarjamaError):
    """Something failed while running (a model crashed, the disk is full)."""


class DamagedFileError(RuntimeFailure):
    """A file of ours (cache, journal, corpus, shard) is damaged; the message says the fix."""
