"""`tarjama translate`: an Arabic article into English and Russian, in the format asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import (
    EncodingOption,
    FromOption,
    InputFormatOption,
    Progress,
    VerboseOption,
    command,
    parse_assignments,
    parse_list,
)
from translate.cli.root import app
from translate.readers import InputFormat


@command(app, "translate")
def translate_command(
    articles: Annotated[list[str], typer.Argument(
        metavar="ARTICLE...",
        help="Arabic articles (text, HTML or Markdown), or - for stdin.")],
    to: Annotated[str, typer.Option("--to", help="Target languages, comma-separated.")] = "en,ru",
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Model for a language (en=DIR) or a leg (en-ru=ID). Repeatable.")] = None,
    backend: Annotated[str, typer.Option(
        help="transformers | ctranslate2 | auto (ctranslate2 when a conversion is at hand).")
    ] = "auto",
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="text | markdown | json | html.")] = "text",
    output: Annotated[str | None, typer.Option(
        "--output", "-o",
        help="Directory (text/markdown: NAME.LANG.txt; several articles) or file (json/html).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing outputs.")] = False,
    via: Annotated[str | None, typer.Option(
        help="Pivot language: --via en translates ar→en→ru instead of ar→ru.")] = None,
    beam: Annotated[int, typer.Option(min=1, max=32, help="Beam size.")] = 4,
    batch_size: Annotated[int, typer.Option(min=1, help="Sentences per batch.")] = 16,
    max_tokens: Annotated[int, typer.Option(
        min=8, help="Longest input in subword tokens; longer sentences are cut, never truncated.")
    ] = 400,
    device: Annotated[str, typer.Option(help="auto | cpu | cuda.")] = "auto",
    threads: Annotated[int, typer.Option(min=0, help="CPU threads (0 = default).")] = 0,
    inter_threads: Annotated[int, typer.Option(
        min=1, help="ctranslate2: batches decoded in parallel (each uses --threads).")] = 1,
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    encoding: EncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    from_lang: FromOption = "ar",
    verbose: VerboseOption = False,
) -> None:
    """Translate Arabic news articles into English and Russian.

    The default models (Helsinki-NLP/opus-mt-ar-en, opus-mt-ar-ru) are downloaded from the
    Hugging Face hub on first use; pass --model LANG=DIR for local ones, or set HF_HUB_OFFLINE=1
    to use only the local cache.

    Examples:

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt --to en

      tarjama translate article.ar.txt --to en,ru -o out/

      tarjama translate article.ar.txt -f html -o article.html --model en=DIR --model ru=DIR

      cat article.ar.txt | tarjama translate - --to ru --via en

      tarjama translate saved-page.html --encoding windows-1256 --verbose --to en

      tarjama translate archive/*.ar.txt -f json -o out/   # resumable: rerun after a crash

    Several articles are checkpointed one by one in OUT/.tarjama-journal.sqlite: a run killed at
    any moment and started again skips what is done and gives the same files.
    """
    from translate.engines.ct2 import Ct2Options
    from translate.fsio import printable
    from translate.pipeline import SUPPORTED_TARGETS, make_plan
    from translate.render import get_renderer
    from translate.run import ReadOptions, TranslateRun, plan_jobs
    from translate.values import DecodeOptions

    targets = parse_list(to, "--to", set(SUPPORTED_TARGETS))
    renderer = get_renderer(fmt)
    # "out/" names a folder even before it exists (a Path would drop the slash)
    jobs = plan_jobs(articles, renderer, targets, Path(output) if output else None,
                     as_dir=output is not None and output.endswith("/"))
    options = DecodeOptions(beam=beam, batch_size=batch_size, max_input_length=max_tokens,
                            device=device, threads=threads, batch_tokens=batch_tokens)
    ct2 = Ct2Options(inter_threads=inter_threads, compute_type=compute_type)
    plan = make_plan(targets, parse_assignments(model, "--model"), via=via, backend=backend,
                     options=options, backend_options={"ctranslate2": ct2})
    read = ReadOptions(encoding=encoding, fmt=input_format.value, source_lang=from_lang,
                       max_tokens=max_tokens)
    progress = Progress(quiet)
    run = TranslateRun(plan, renderer, targets, read=read, use_cache=cache, checks=checks,
                       strict=strict, force=force, retry_flagged=retry_flagged,
                       progress=progress.callback)
    with progress.running():
        report = run.run(jobs)
    if verbose:
        for note in report.read_notes.values():
            typer.echo(f"tarjama: read {note}", err=True)
    for doc in report.stdout:
        typer.echo(doc, nl=False)
    for path in report.written:
        typer.echo(f"wrote {printable(path)}", err=True)
    if report.skipped:
        typer.echo(f"tarjama: {len(report.skipped)} article(s) already done, skipped", err=True)
    for source, error in report.failed:
        typer.echo(f"tarjama: error: {printable(source)}: {error}", err=True)
    if report.failed:
        raise typer.Exit(max(e.exit_code for _, e in report.failed))
