"""`tarjama segment`: show how an article is cut into blocks, sentences and chunks."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from translate.cli.common import (
    EncodingOption,
    FromOption,
    InputFormatOption,
    VerboseOption,
    command,
)
from translate.cli.root import app
from translate.readers import InputFormat


class SegmentFormat(str, Enum):
    json = "json"
    text = "text"


@command(app, "segment")
def segment(
    article: Annotated[str, typer.Argument(
        help="Arabic article (text, HTML or Markdown), or - for stdin.")],
    fmt: Annotated[SegmentFormat, typer.Option(
        "--format", "-f", help="json: blocks, sentences, chunks and the normalisation record; "
        "text: one segment a line as ID<TAB>ROLE<TAB>TEXT.")] = SegmentFormat.json,
    max_tokens: Annotated[int, typer.Option(
        min=1, help="Cut sentences longer than this many subword tokens into chunks.")] = 400,
    model: Annotated[str | None, typer.Option(
        help="Count tokens with this model's source.spm (a model directory, or a hub id "
        "already on disk) instead of the conservative estimate.")] = None,
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

      cat article.ar.txt | tarjama segment - --model models/opus-mt-ar-en

      tarjama segment saved-page.html --encoding windows-1256 --verbose
    """
    from translate.readers import read_article
    from translate.segment import segment_text
    from translate.segment.chunk import spm_counter

    source_text = read_article(article, encoding=encoding, fmt=input_format,
                               source_lang=from_lang)
    if verbose:
        typer.echo(f"tarjama: read {source_text.summary()}", err=True)
    count = spm_counter(model) if model else None
    art = segment_text(source_text.text, source=source_text.source, lang=from_lang,
                       count_tokens=count, markup=source_text.format != "text",
                       max_tokens=max_tokens)
    art.notes["input"] = source_text.to_dict()
    if model:
        art.meta["tokenizer"] = model
    if fmt is SegmentFormat.json:
        typer.echo(json.dumps(art.to_dict(), ensure_ascii=False, indent=2))
        return
    lines = []
    for b in art.blocks:
        if not b.sentences:
            lines.append(f"{b.id}\t{b.role.value}\t{b.text}")
        for s in b.sentences:
            units = [(c.id, c.text) for c in s.chunks] or [(s.id, s.text)]
            lines.extend(f"{uid}\t{b.role.value}\t{text}" for uid, text in units)
    typer.echo("\n".join(lines))
