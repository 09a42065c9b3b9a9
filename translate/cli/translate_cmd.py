"""`tarjama translate`: an Arabic article into English and Russian, in the format asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli import app
from translate.cli.common import Progress, command, parse_assignments, parse_list
from translate.errors import UsageError
from translate.readers import InputFormat


@command(app, "translate")
def translate_command(
    article: Annotated[str, typer.Argument(
        help="Arabic article (text, HTML or Markdown), or - for stdin.")],
    to: Annotated[str, typer.Option("--to", help="Target languages, comma-separated.")] = "en,ru",
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Model for a language (en=DIR) or a leg (en-ru=ID). Repeatable.")] = None,
    backend: Annotated[str, typer.Option(
        help="transformers | ctranslate2 | auto (ctranslate2 when a conversion is at hand).")
    ] = "auto",
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="text | markdown | json | html.")] = "text",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Directory (text/markdown: NAME.LANG.txt) or file (json/html).")
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
    strict: Annotated[bool, typer.Option(help="Fail if any segment fails to translate.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="Input encoding (utf-8, utf-16, windows-1256, iso-8859-6, ...); default: detect.")
    ] = None,
    input_format: Annotated[InputFormat, typer.Option(
        "--input-format", help="auto | text | html | markdown.")] = InputFormat.auto,
    from_lang: Annotated[str, typer.Option(
        "--from", help="Source language; anything but ar skips the is-it-Arabic check.")
    ] = "ar",
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Report how the input was read (format, encoding).")] = False,
) -> None:
    """Translate an Arabic news article into English and Russian.

    The default models (Helsinki-NLP/opus-mt-ar-en, opus-mt-ar-ru) are downloaded from the
    Hugging Face hub on first use; pass --model LANG=DIR for local ones, or set HF_HUB_OFFLINE=1
    to use only the local cache.

    Examples:

      tarjama translate seeds/lavrov-sahel-2025-04-03.ar.txt --to en

      tarjama translate article.ar.txt --to en,ru -o out/

      tarjama translate article.ar.txt -f html -o article.html --model en=DIR --model ru=DIR

      cat article.ar.txt | tarjama translate - --to ru --via en

      tarjama translate saved-page.html --encoding windows-1256 --verbose --to en
    """
    from translate.engines.base import DecodeOptions
    from translate.pipeline import SUPPORTED_TARGETS, load_engines, make_plan, translate_articles
    from translate.readers import read_article
    from translate.render import get_renderer
    from translate.segment import segment_text

    targets = parse_list(to, "--to", set(SUPPORTED_TARGETS))
    renderer = get_renderer(fmt)
    name = "stdin" if article == "-" else Path(article).name
    outputs = plan_outputs(renderer, targets, output, name)
    from translate.fsio import check_writable

    for path in outputs.values():  # refuse before hours of work, not after
        if path is not None:
            check_writable(path, force)
    source_text = read_article(article, encoding=encoding, fmt=input_format,
                               source_lang=from_lang)
    if verbose:
        typer.echo(f"tarjama: read {source_text.summary()}", err=True)
    options = DecodeOptions(beam=beam, batch_size=batch_size, max_input_length=max_tokens,
                            device=device, threads=threads, inter_threads=inter_threads,
                            batch_tokens=batch_tokens, compute_type=compute_type)
    plan = make_plan(targets, parse_assignments(model, "--model"), via=via, backend=backend,
                     options=options)
    engines = load_engines(plan)
    if cache:
        from translate.cache import TranslationCache

        shared = TranslationCache()
        for engine in engines.values():
            engine.cache = shared
    sources = [e for (src, _), e in engines.items() if src == "ar"]
    art = segment_text(source_text.text, source=name, markup=source_text.format != "text",
                       count_tokens=lambda s: max(e.count_tokens(s) for e in sources),
                       max_tokens=max_tokens)
    art.notes["input"] = source_text.to_dict()
    progress = Progress(quiet)
    with progress.running():
        translate_articles([art], plan, engines, progress=progress.callback, checks=checks,
                           strict=strict)
    write_outputs(renderer.render(art, targets), outputs, force)


def plan_outputs(renderer, targets: list[str], output: Path | None,
                 name: str) -> dict[str, Path | None]:
    """Where each rendered document goes; None means stdout."""
    from translate.fsio import safe_name

    if renderer.per_language:
        if output is None:
            if len(targets) > 1:
                raise UsageError(f"--format {renderer.name} with {len(targets)} languages needs "
                                 "-o DIR (one file per language), or pick one with --to")
            return {targets[0]: None}
        stem = safe_name(_stem(name))
        return {lang: output / f"{stem}.{lang}.{renderer.extension}" for lang in targets}
    if output is not None and output.is_dir():
        return {"all": output / f"{safe_name(_stem(name))}.{renderer.extension}"}
    return {"all": output}


def _stem(name: str) -> str:
    stem = name
    for suffix in (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"):
        stem = stem.removesuffix(suffix)
    return stem.removesuffix(".ar") or "article"


def write_outputs(docs: dict[str, str], outputs: dict[str, Path | None], force: bool) -> None:
    from translate.fsio import atomic_write_many

    files = [(p, docs[k]) for k, p in outputs.items() if p is not None]
    atomic_write_many(files, force=force)
    for k, p in outputs.items():
        if p is None:
            typer.echo(docs[k], nl=False)
        else:
            typer.echo(f"wrote {p}", err=True)
