"""`tarjama segment`: show how an article is cut into blocks, sentences and chunks."""

from __future__ import annotations

from typing import Annotated

import typer

from translate.cli.common import (
    EncodingOption,
    FromOption,
    InputFormatOption,
    VerboseOption,
    command,
    parse_assignments,
)
from translate.cli.options import (
    RESULT_FORMATS,
    ForceOption,
    OutputOption,
    QuietOption,
    emit,
    format_option,
    render,
)
from translate.readers import InputFormat


@command
def segment_command(
    article: Annotated[str, typer.Argument(
        metavar="ARTICLE", help="Arabic article (text, HTML or Markdown), or - for stdin.")],
    fmt: Annotated[str, format_option(
        RESULT_FORMATS, help="json: blocks, sentences, chunks and the normalisation record; "
        "text: one segment a line as ID<TAB>ROLE<TAB>TEXT.")] = "json",
    output: OutputOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
    max_tokens: Annotated[int, typer.Option(
        min=1, help="Cut sentences longer than this many subword tokens into chunks.")] = 400,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", metavar="LANG=ID_OR_PATH",
        help="Count tokens with the source tokenizer of the model translate would use for "
        "LANG (a model directory, or a hub id already on disk) instead of the conservative "
        "estimate.")] = None,
    encoding: EncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    from_lang: FromOption = "ar",
    verbose: VerboseOption = False,
) -> None:
    """Segment an article: normalise it, give each block a role, split sentences and chunks.

    Nothing is translated: this shows what `tarjama translate` sends to the model.

    Examples:

      tarjama segment seeds/lavrov-sahel-2025-04-03.ar.txt

      tarjama segment article.ar.txt --format text --max-tokens 200

      cat article.ar.txt | tarjama segment - --model en=models/opus-mt-ar-en

      tarjama segment saved-page.html --encoding windows-1256 --verbose -o segments.json
    """
    from translate.segment import segment_file

    # LANG=ID as everywhere; a bare ID (the old spelling) still works
    model_id = next(iter(parse_assignments([model], "--model").values())) \
        if model and "=" in model else model
    result = segment_file(article, encoding=encoding, fmt=input_format.value, lang=from_lang,
                          model=model_id, max_tokens=max_tokens)
    if verbose:
        typer.echo(f"tarjama: read {result.read_summary}", err=True)
    emit(render(result, fmt), output, force=force, quiet=quiet, inputs=[article])
