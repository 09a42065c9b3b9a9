"""The CLI convention, in one place: every command takes these options, spelled and bounded alike.

| concern   | option                                                                 |
|-----------|------------------------------------------------------------------------|
| output    | ``-o/--output`` (absent or ``-``: standard output)                     |
| format    | ``-f/--format``, an Enum so ``--help`` lists the choices; json for machines |
| quiet     | ``-q/--quiet``: no progress bar, no ``wrote …`` lines; errors still show |
| overwrite | ``--force``: only ever replaces a regular file that is not an input    |
| model     | ``-m/--model LANG=ID_OR_PATH``, repeatable                             |
| decoding  | ``--beam``, ``--threads``, ``--batch-size``: one range and one default |

Choices are Enums built from the registries (``choices``), so a new renderer, writer, aligner
or backend shows up in ``--help`` and is validated by click without an edit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any

import typer

DEFAULT_BEAM = 4
DEFAULT_BATCH_SIZE = 16
DEFAULT_THREADS = 0  # 0: the backend's own default (all cores for one translator)
STDOUT = "-"


def choices(name: str, values: Iterable[str]) -> type[Enum]:
    """A ``str`` Enum of ``values``: typer shows ``[a|b|c]`` in help and refuses anything else."""
    return Enum(name, {v: v for v in values}, type=str)  # type: ignore[return-value]


def value(choice: Enum | str) -> str:
    """The plain string of an Enum choice (library code takes strings)."""
    return choice.value if isinstance(choice, Enum) else choice


def output_option(help: str) -> Any:
    return typer.Option("--output", "-o", metavar="PATH",
                        help=f"{help} Absent or '-': standard output.")


def format_option(help: str = "Output format.") -> Any:
    return typer.Option("--format", "-f", help=help)


def is_stdout(output: str | None) -> bool:
    """``-o`` absent or ``-o -``: write to standard output, not to a file named '-'."""
    return output is None or output == STDOUT


QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bar and no 'wrote …' lines (errors still go to stderr).")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace existing output files (only regular files, never an input).")]
ModelOption = Annotated[list[str] | None, typer.Option(
    "--model", "-m", metavar="LANG=ID_OR_PATH",
    help="Model for a target language (en=DIR, ru=Helsinki-NLP/opus-mt-ar-ru) or a pivot leg "
         "(en-ru=ID): a hub id, a tarjama store name or a local directory. Repeatable.")]
BeamOption = Annotated[int, typer.Option(min=1, max=32, help="Beam size.")]
BatchSizeOption = Annotated[int, typer.Option(
    min=1, max=1024, help="Sentences per batch at most.")]
ThreadsOption = Annotated[int, typer.Option(
    min=0, max=1024, help="CPU threads per translator (0 = the backend's default).")]

Device = choices("Device", ("auto", "cpu", "cuda"))
DeviceOption = Annotated[Device, typer.Option(  # type: ignore[valid-type]
    help="Where to decode: auto (cuda when available), cpu, cuda.")]
