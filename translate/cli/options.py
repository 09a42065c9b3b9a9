"""The CLI convention, in one place: every command takes these options, spelled and bounded alike.

| concern   | option                                                                 |
|-----------|------------------------------------------------------------------------|
| output    | ``-o/--output`` (absent or ``-``: standard output; ``emit`` writes it)  |
| format    | ``-f/--format``, a choice so ``--help`` lists the values; json for machines |
| quiet     | ``-q/--quiet``: no progress bar, ``wrote …`` lines or summaries; errors show |
| overwrite | ``--force``: only what tarjama writes (``fsio``), never an input       |
| model     | ``-m/--model LANG=ID_OR_PATH``, repeatable                             |
| decoding  | ``--beam``, ``--threads``, ``--batch-size``: one range and one default |

Choices come from the registries: ``Choice(RENDERERS)`` reads the registry when the option is
parsed and when help is shown, so a renderer, writer, aligner or backend added to its registry
(even after import: a plugin, a test's toy) is listed in ``--help`` and accepted without an edit
here. A fixed set of values is an Enum (``choices``). Help never shows a Python type: see
``translate.cli.helptext``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer

from translate.values import DecodeOptions

DEFAULT_BEAM = 4
DEFAULT_BATCH_SIZE = 16
DEFAULT_THREADS = 0  # 0: the backend's own default (all cores for one translator)
#: --threads and --inter-threads are bounded by the CPUs this machine has: more threads than
#: cores only slows decoding down (1024 threads took 68 s for 3 lines on 2 cores), and
#: CTranslate2 aborts the whole process when it cannot start 100000 of them.
CPUS = os.cpu_count() or 1
STDOUT = "-"
STDIN = "-"


class Choice:
    """A ``parser=`` for typer options: one of a registry's names, read when it is needed."""

    def __init__(self, names: Mapping[str, Any] | Iterable[str] | Callable[[], Iterable[str]]
                 ) -> None:
        self._names = names

    def names(self) -> list[str]:
        names = self._names() if callable(self._names) else self._names
        return list(names)

    def __call__(self, value: str) -> str:
        names = self.names()
        if value not in names:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(map(repr, names))}")
        return value


def choices(name: str, values: Iterable[str]) -> type[Enum]:
    """A ``str`` Enum of a fixed set of ``values``: help shows ``[a|b|c]``, click refuses the
    rest. (A set that a registry holds is a ``Choice``.)"""
    return Enum(name, {v: v for v in values}, type=str)  # type: ignore[return-value]


def value(choice: Enum | str) -> str:
    """The plain string of an Enum choice (library code takes strings)."""
    return choice.value if isinstance(choice, Enum) else choice


class Result(Protocol):
    """What a command prints: library results have both forms."""

    def to_text(self) -> str: ...
    def to_dict(self) -> Any: ...


#: ``-f`` of every command that prints a result: text for people, json for machines.
RESULT_FORMATS: dict[str, Callable[[Result], str]] = {
    "text": lambda r: r.to_text(),
    "json": lambda r: json.dumps(r.to_dict(), ensure_ascii=False, indent=2) + "\n",
}


#: ``-f`` of a command that prints a table: also tsv (a header line, then one row a line).
TABLE_FORMATS: dict[str, Callable[[Any], str]] = {
    **RESULT_FORMATS, "tsv": lambda r: r.to_tsv()}


def render(result: Result, fmt: str) -> str:
    return TABLE_FORMATS[fmt](result)


def output_option(help: str) -> Any:
    return typer.Option("--output", "-o", metavar="PATH",
                        help=f"{help} Absent or '-': standard output.")


def format_option(names: Mapping[str, Any] | Iterable[str] | Callable[[], Iterable[str]],
                  help: str = "Output format; json is for machines.") -> Any:
    return typer.Option("--format", "-f", parser=Choice(names), help=help)


def is_stdout(output: str | None) -> bool:
    """``-o`` absent or ``-o -``: write to standard output, not to a file named '-'."""
    return output is None or output == STDOUT


def emit(text: str, output: str | None, *, force: bool = False, quiet: bool = False,
         inputs: Iterable[str | Path] = ()) -> None:
    """Print a command's result, or write it to ``-o`` (atomically, never over an input, an
    existing file only with ``--force``) and say so on stderr unless quiet."""
    if is_stdout(output):
        typer.echo(text, nl=False)
        return
    from translate.fsio import atomic_write, printable

    atomic_write(str(output), text, force=force, inputs=list(inputs))
    if not quiet:
        typer.echo(f"wrote {printable(str(output))}", err=True)


def inputs_or_stdin(paths: list[str] | None, what: str) -> list[str]:
    """The input files given, or ``-`` (standard input) when none is given and text is piped
    in, as filters such as marian-decoder and sacrebleu take it; a terminal waiting for typed
    input would look like a hang, so there it is a usage error."""
    import sys

    if paths:
        return paths
    if sys.stdin is not None and not sys.stdin.isatty():
        return [STDIN]
    from translate.errors import UsageError

    raise UsageError(f"give {what}, or - (or pipe text in) for standard input")


def check_emit(output: str | None, *, force: bool = False,
               inputs: Iterable[str | Path] = ()) -> None:
    """Refuse an unusable ``-o`` before the work, not after it."""
    if not is_stdout(output):
        from translate.fsio import check_output

        check_output(str(output), force=force, inputs=list(inputs))


OutputOption = Annotated[str | None, output_option("Write the result to this file.")]
ResultFormatOption = Annotated[str, format_option(RESULT_FORMATS)]
TableFormatOption = Annotated[str, format_option(
    TABLE_FORMATS, help="Output format: text for people (fitted to the terminal, numbers never "
    "cut), json or tsv for scripts.")]
QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bar, no 'wrote …' lines and no summaries (errors still "
    "go to stderr).")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace existing output files (only files of the kind tarjama writes "
    "there, never an input).")]
ModelOption = Annotated[list[str] | None, typer.Option(
    "--model", "-m", metavar="LANG=ID_OR_PATH",
    help="Model for a target language (en=DIR, ru=Helsinki-NLP/opus-mt-ar-ru) or a pivot leg "
         "(en-ru=ID): a hub id, a tarjama store name or a local directory. Repeatable.")]
BeamOption = Annotated[int, typer.Option(min=1, max=32, help="Beam size.")]
BatchSizeOption = Annotated[int, typer.Option(
    min=1, max=1024, help="Sentences per batch at most.")]
ThreadsOption = Annotated[int, typer.Option(
    min=0, max=CPUS, help="CPU threads per translator (0 = the backend's default; at most "
    "the machine's CPUs).")]
InterThreadsOption = Annotated[int, typer.Option(
    min=1, max=CPUS, help="ctranslate2: batches decoded in parallel (each uses --threads; at "
    "most the machine's CPUs).")]

MaxDecodingLengthOption = Annotated[int, typer.Option(
    min=1, help="Output tokens per segment at most (a segment cut there is flagged).")]
LengthPenaltyOption = Annotated[float, typer.Option(
    min=0.0, help="Beam search: a hypothesis's score is divided by length ** this (1: the "
                  "mean log-probability; 0: none).")]
SamplingTopkOption = Annotated[int, typer.Option(
    min=0, help="Sample each token from the k likeliest (1: no sampling, beam search; 0: from "
                "all). Sampling decodes one hypothesis, without a beam.")]
SamplingToppOption = Annotated[float, typer.Option(
    min=0.0, max=1.0, help="Sample within the likeliest tokens whose probabilities add up to "
                           "this (1: all; below 1 turns sampling on).")]
SamplingTemperatureOption = Annotated[float, typer.Option(
    min=0.0, help="Sampling temperature (below 1: sharper, above: flatter).")]
SeedOption = Annotated[int, typer.Option(
    min=0, help="Random seed for sampling: the same seed, the same translations.")]
NBestOption = Annotated[int, typer.Option(
    "--n-best", min=1, max=32, metavar="N",
    help="Also write each segment's N best hypotheses, best first (-f json: \"nbest\"; "
         "--lines text: marian-decoder's 'ID ||| HYP ||| SCORE' lines, ID from 0). N is at most "
         "--beam, a usage error otherwise (the beam's hypotheses are the ones ranked); with "
         "sampling, N draws ranked by score. The translation stays the best one. Bypasses the "
         "translation cache (it keeps one translation a segment).")]
WithScoresOption = Annotated[bool, typer.Option(
    "--with-scores", help="Write each hypothesis's score, as both backends report it: the "
    "model's log-probability (end token included) / length ** --length-penalty. -f json or "
    "--lines text; bypasses the translation cache.")]
#: the decoding defaults every command and suite shows are DecodeOptions' own
DECODE = DecodeOptions()
DEFAULT_MAX_DECODING_LENGTH = DECODE.max_decoding_length


def decode_options(*, max_decoding_length: int = DECODE.max_decoding_length,
                   length_penalty: float = DECODE.length_penalty,
                   sampling_topk: int = DECODE.sampling_topk,
                   sampling_topp: float = DECODE.sampling_topp,
                   sampling_temperature: float = DECODE.sampling_temperature,
                   seed: int = DECODE.seed) -> dict[str, Any]:
    """The decoding options above as ``DecodeOptions`` (and a suite's [options]) name them."""
    return {"max_decoding_length": max_decoding_length, "length_penalty": length_penalty,
            "sampling_topk": sampling_topk, "sampling_topp": sampling_topp,
            "sampling_temperature": sampling_temperature, "seed": seed}


Device = choices("Device", ("auto", "cpu", "cuda"))
DeviceOption = Annotated[Device, typer.Option(  # type: ignore[valid-type]
    help="Where to decode: auto (cuda when available), cpu, cuda.")]

# --out: the spelling `corpus build` and older scripts use; -o/--output is the convention
OutAlias = Annotated[Path | None, typer.Option("--out", hidden=True)]


def output_dir(output: Path | None, out: Path | None) -> Path:
    """The directory of ``-o/--output``, or of its hidden alias ``--out``."""
    from translate.errors import UsageError

    if output is not None and out is not None and output != out:
        raise UsageError("give -o/--output once (--out is the same option)")
    chosen = output or out
    if chosen is None:
        raise UsageError("missing option '-o' / '--output' DIR")
    return chosen

