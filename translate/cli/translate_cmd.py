"""`tarjama translate`: Arabic articles (or, with --lines, one segment a line) into English and
Russian, in the format asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from translate.cli.common import (
    EncodingOption,
    FromOption,
    InputFormatOption,
    Progress,
    VerboseOption,
    command,
    parse_assignments,
)
from translate.cli.options import (
    DECODE,
    DEFAULT_BATCH_SIZE,
    DEFAULT_BEAM,
    DEFAULT_MAX_DECODING_LENGTH,
    DEFAULT_THREADS,
    BatchSizeOption,
    BeamOption,
    Choice,
    Device,
    DeviceOption,
    ForceOption,
    InterThreadsOption,
    LengthPenaltyOption,
    MaxDecodingLengthOption,
    ModelOption,
    NBestOption,
    QuietOption,
    SamplingTemperatureOption,
    SamplingTopkOption,
    SamplingToppOption,
    SeedOption,
    ThreadsOption,
    WithScoresOption,
    decode_options,
    format_option,
    inputs_or_stdin,
    output_option,
    value,
)
from translate.engines import BACKENDS
from translate.readers import InputFormat
from translate.render import RENDERERS

if TYPE_CHECKING:
    from translate.run import RunReport


@command
def translate_command(
    articles: Annotated[list[str] | None, typer.Argument(
        metavar="ARTICLE", show_default=False, help="Arabic articles (text, HTML or "
        "Markdown), or - for stdin (the default when text is piped in); with --lines, files "
        "of one segment a line.")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", "-t", metavar="TEXT", help="Translate this text (one article; with --lines, "
        "one segment a line) instead of files.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", show_default=False, help="Target languages, comma-separated. Default: en,ru, "
        "or only the languages --model names (--model en=DIR alone means --to en).")] = None,
    model: ModelOption = None,
    lines: Annotated[bool, typer.Option(
        "--lines", help="One segment a line in, exactly one line out per line in (blank lines "
        "kept, a failed line left empty and reported on stderr), like marian-decoder: for test "
        "sets and pipes into `tarjama score`. Formats: text, json (JSON Lines).")] = False,
    backend: Annotated[str, typer.Option(
        parser=Choice(lambda: ("auto", *BACKENDS)),
        help="auto: ctranslate2 (the fast path) when the model is or can be converted.")
    ] = "auto",
    fmt: Annotated[str, format_option(RENDERERS, help="Output format (json for machines).")
                   ] = "text",
    output: Annotated[str | None, output_option(
        "A file (one language, or json/html), or a folder (out/, several articles or "
        "languages: NAME.LANG.txt; --lines: NAME.LANG).")] = None,
    force: ForceOption = False,
    via: Annotated[str | None, typer.Option(
        help="Pivot language: --via en translates ar→en→ru instead of ar→ru.")] = None,
    beam: BeamOption = DEFAULT_BEAM,
    batch_size: BatchSizeOption = DEFAULT_BATCH_SIZE,
    max_tokens: Annotated[int, typer.Option(
        min=8, help="Longest input in subword tokens; longer sentences are cut, never truncated.")
    ] = 400,
    max_decoding_length: MaxDecodingLengthOption = DEFAULT_MAX_DECODING_LENGTH,
    length_penalty: LengthPenaltyOption = DECODE.length_penalty,
    sampling_topk: SamplingTopkOption = DECODE.sampling_topk,
    sampling_topp: SamplingToppOption = DECODE.sampling_topp,
    sampling_temperature: SamplingTemperatureOption = DECODE.sampling_temperature,
    seed: SeedOption = DECODE.seed,
    n_best: NBestOption = 1,
    with_scores: WithScoresOption = False,
    device: DeviceOption = Device.auto,  # type: ignore[attr-defined]
    threads: ThreadsOption = DEFAULT_THREADS,
    inter_threads: InterThreadsOption = 1,
    batch_tokens: Annotated[int, typer.Option(
        min=0, help="Source tokens per batch at most (0 = only --batch-size limits).")] = 0,
    compute_type: Annotated[str, typer.Option(
        help="ctranslate2: auto (int8 on CPU, int8_float16 on GPU), int8, float32, ...")
    ] = "auto",
    cache: Annotated[bool, typer.Option(
        help="Reuse translations from the cache (TARJAMA_CACHE); --no-cache bypasses it.")
    ] = True,
    checks: Annotated[bool, typer.Option(help="Run the segment QA checks.")] = True,
    retry_flagged: Annotated[bool, typer.Option(
        help="Decode flagged segments again (repetition controls, finer split); keep the "
        "better by the checks.")] = False,
    strict: Annotated[bool, typer.Option(help="Fail if any segment fails to translate.")] = False,
    quiet: QuietOption = False,
    encoding: EncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    from_lang: FromOption = "ar",
    verbose: VerboseOption = False,
) -> None:
    """Translate Arabic news articles into English and Russian.

    The default models (Helsinki-NLP/opus-mt-ar-en, opus-mt-ar-ru) are downloaded from the
    Hugging Face hub on first use; pass --model LANG=DIR for local ones, or set HF_HUB_OFFLINE=1
    to use only the local cache. After the run, stderr has one line per language with the
    segments the QA checks flagged (--verbose lists each flag).

    Examples:

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt --to en

      tarjama translate article.ar.txt --to en,ru -o out/

      tarjama translate article.ar.txt -f html -o article.html --model en=DIR --model ru=DIR

      cat article.ar.txt | tarjama translate - --to ru --via en

      tarjama translate --text "قال الوزير إن المحادثات ستستمر." --to en

      cat test.ar | tarjama translate --lines --to en | tarjama score - test.en

      tarjama translate --lines test.ar -o hyps/   # hyps/test.en, hyps/test.ru

      tarjama translate saved-page.html --encoding windows-1256 --verbose --to en

      tarjama translate archive/*.ar.txt -f json -o out/   # resumable: rerun after a crash

      tarjama translate --lines test.ar --to en --n-best 4 --with-scores   # marian-style lines

    Several articles are checkpointed one by one in OUT/.tarjama-journal.sqlite: a run killed at
    any moment and started again skips what is done and gives the same files.
    """
    from translate.engines.ct2 import Ct2Options
    from translate.run import ReadOptions, TranslateSettings, translate_files
    from translate.values import DecodeOptions

    if text is not None:
        import io
        import sys

        from translate.errors import UsageError

        if articles:
            raise UsageError("give --text or ARTICLE files, not both")
        # read as standard input is: the same reader, the same name ("stdin") in reports
        sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogateescape")),
                                     encoding="utf-8")
        articles = ["-"]
    settings = TranslateSettings(
        inputs_or_stdin(articles, "an ARTICLE"), output=output, to=to,
        models=parse_assignments(model, "--model"), fmt=fmt,
        via=via, backend=backend, use_cache=cache, checks=checks, strict=strict, force=force,
        retry_flagged=retry_flagged,
        decoding=DecodeOptions(beam=beam, batch_size=batch_size, max_input_length=max_tokens,
                               device=value(device), threads=threads, batch_tokens=batch_tokens,
                               n_best=n_best, with_scores=with_scores,
                               **decode_options(
                                   max_decoding_length=max_decoding_length,
                                   length_penalty=length_penalty, sampling_topk=sampling_topk,
                                   sampling_topp=sampling_topp,
                                   sampling_temperature=sampling_temperature, seed=seed)),
        backend_options={"ctranslate2": Ct2Options(inter_threads=inter_threads,
                                                   compute_type=compute_type)},
        read=ReadOptions(encoding=encoding, fmt=input_format.value, source_lang=from_lang,
                         max_tokens=max_tokens, lines=lines))
    progress = Progress(quiet)
    with progress.running():
        report = translate_files(settings, progress.callback)
    print_report(report, lines=lines, verbose=verbose, quiet=quiet)


def print_report(report: RunReport, *, lines: bool, verbose: bool, quiet: bool) -> None:
    """The documents on stdout; on stderr what was read, written, skipped, flagged, failed."""
    from translate.fsio import printable

    if verbose:
        for note in report.read_notes.values():
            typer.echo(f"tarjama: read {note}", err=True)
    for doc in report.stdout:
        typer.echo(doc, nl=False)
    for issue in report.flags.failures():
        typer.echo(f"tarjama: {issue.line()}", err=True)
    if not quiet:
        for line in report.flags.summary(lines=lines):
            typer.echo(f"tarjama: {line}", err=True)
        for issue in report.flags.flags() if verbose else ():
            typer.echo(f"tarjama:   {issue.line()}", err=True)
        for path in report.written:
            typer.echo(f"wrote {printable(path)}", err=True)
    if report.skipped:  # even with -q: a run that did nothing says why
        typer.echo(f"tarjama: {len(report.skipped)} article(s) already done, skipped", err=True)
    for warning in report.warnings:  # even with -q: the next run will translate again
        typer.echo(f"tarjama: warning: {warning}; the translations were written but not "
                   "cached", err=True)
    for source, error in report.failed:
        typer.echo(f"tarjama: error: {printable(source)}: {error}", err=True)
    if report.failed:
        raise typer.Exit(max(e.exit_code for _, e in report.failed))
