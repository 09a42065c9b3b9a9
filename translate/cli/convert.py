"""`tarjama models convert`: a Marian model to CTranslate2 (int8 by default) in the model store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import command
from translate.cli.options import Choice, QuietOption


def _quantizations() -> tuple[str, ...]:
    from translate.models.convert import QUANTIZATIONS

    return QUANTIZATIONS


@command
def convert_command(
    model: Annotated[str, typer.Argument(
        metavar="ID_OR_PATH", help="Hub id (Helsinki-NLP/opus-mt-ar-en) or a Marian directory.")],
    quantization: Annotated[str, typer.Option(
        parser=Choice(_quantizations),
        help="Weight type: int8 (CPU), int8_float16 / float16 (GPU), float32, ...")] = "int8",
    out: Annotated[Path | None, typer.Option(
        "--output", "-o", "--out", metavar="DIR",
        help="Directory to write (default: the tarjama model store).")] = None,
    vmap: Annotated[Path | None, typer.Option(
        help="Vocabulary map (vmap.txt) to ship with the model, for --vmap decoding.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a conversion tarjama made (never the model itself, a folder "
        "holding it, or a folder of yours).")] = False,
    quiet: QuietOption = False,
) -> None:
    """Convert a MarianMT model to CTranslate2, keeping its SentencePiece models beside it.

    `tarjama translate --backend auto` then uses the conversion (it also converts on first use).

    Examples:

      tarjama models convert Helsinki-NLP/opus-mt-ar-en

      tarjama models convert /tmp/fx-ar-en -o /tmp/fx-ar-en-ct2 --force

      tarjama translate article.ar.txt --backend ctranslate2 --model en=/tmp/fx-ar-en-ct2
    """
    from translate.models.convert import convert

    path = convert(model, quantization=quantization, out=out, force=force, vmap=vmap)
    if not quiet:
        typer.echo(f"{model} → {path}")
