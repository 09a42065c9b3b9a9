"""The segmenter: text of an article → an ``Article`` of blocks, sentences and chunks.

Four steps, one module each:
1. ``normalise``: invisible and unsafe characters removed or mapped, each change recorded;
2. ``blocks``: blocks at blank lines, each with a role (title, heading, list item, chrome...);
3. ``sentences``: an Arabic-aware sentence splitter;
4. ``chunk``: a sentence longer than the model's limit cut into pieces that fit.

Ids are positional and stable: blocks ``p1``, ``p2``... over ALL blocks (chrome included, so an
id still points at the same line of the page), sentences ``p1.s1``, chunks ``p1.s2.c1`` (only
for a sentence that was cut).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.article import Article, Block, Change, Chunk, Role, Sentence
from translate.errors import InputError
from translate.segment.blocks import assign_roles, split_blocks
from translate.segment.chunk import chunk_text, estimate_tokens
from translate.segment.normalise import normalise
from translate.segment.sentences import split_sentences

__all__ = ["Segmentation", "chunk_text", "estimate_tokens", "normalise", "segment_file",
           "segment_lines", "segment_text", "split_sentences"]

DEFAULT_MAX_TOKENS = 400


def segment_text(
    text: str,
    *,
    source: str = "-",
    lang: str = "ar",
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    markup: bool = False,
) -> Article:
    """Normalise, split and label ``text``; raise InputError when nothing is left to segment.

    ``lang`` is the text's language (the article, or a reference translation of it).

    ``count_tokens`` is the model's tokenizer (end-of-sentence included); without one, the
    conservative ``estimate_tokens`` decides which sentences are cut into chunks of at most
    ``max_tokens``. ``markup``: headings and list items come from the text's Markdown markers
    only (input read from HTML or Markdown), not guessed from line shapes.
    """
    count = count_tokens or estimate_tokens
    norm = normalise(text)
    raws = split_blocks(norm.text)
    if not raws:
        raise InputError(f"{source}: the article is empty")
    roled = assign_roles(raws, markup=markup)
    markers = sum(1 for r in raws if r.marker)
    if markers:  # the role keeps what the marker said; the renderer writes its own marker
        norm.changes.append(Change("stripped_markdown_marker", markers,
                                   "'# ' heading and '- ' '* ' '•' list markers at block start"))
    blocks: list[Block] = []
    chunked = 0
    for n, (raw, r) in enumerate(zip(raws, roled, strict=True), start=1):
        bid = f"p{n}"
        block = Block(id=bid, role=r.role, text=raw.text, languages=r.languages)
        if r.role is not Role.CHROME:
            for k, sent in enumerate(split_sentences(raw.text,
                                                     list_item=r.role is Role.LIST_ITEM), start=1):
                sentence = fitted_sentence(f"{bid}.s{k}", sent, count, max_tokens)
                chunked += bool(sentence.chunks)
                block.sentences.append(sentence)
        blocks.append(block)
    notes: dict[str, object] = dict(norm.notes)
    notes["max_tokens"] = max_tokens
    notes["token_count"] = "estimate" if count_tokens is None else "tokenizer"
    notes["chunked_sentences"] = chunked
    return Article(blocks=blocks, source=source, lang=lang, normalisation=norm.changes,
                   notes=notes)


def fitted_sentence(sid: str, text: str, count: Callable[[str], int],
                    max_tokens: int) -> Sentence:
    """A sentence, cut into chunks ``SID.c1``, ``SID.c2`` ... when it is longer than the model
    reads (never truncated: the chunks' translations are joined back in order)."""
    sentence = Sentence(id=sid, text=text)
    if count(text) > max_tokens:
        pieces = chunk_text(text, max_tokens, count)
        if len(pieces) > 1:
            sentence.chunks = [Chunk(id=f"{sid}.c{j}", text=p)
                               for j, p in enumerate(pieces, start=1)]
    return sentence


def line_pieces(text: str, count: Callable[[str], int], max_tokens: int) -> list[str]:
    """A line too long for the model, cut where a reader would: at sentence ends first
    (neighbouring sentences packed together while they fit), then a sentence still too long
    at its clauses (``chunk_text``)."""
    if count(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    for sent in split_sentences(text):
        if pieces and count(f"{pieces[-1]} {sent}") <= max_tokens:
            pieces[-1] = f"{pieces[-1]} {sent}"
        elif count(sent) > max_tokens:
            pieces.extend(chunk_text(sent, max_tokens, count))
        else:
            pieces.append(sent)
    return pieces


def segment_lines(
    lines: list[str],
    *,
    source: str = "-",
    lang: str = "ar",
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Article:
    """One segment a line (``translate --lines``): block ``lN`` is line N, as it was read; its
    one sentence (none for a blank line) is the line normalised like an article, on one line;
    a line longer than ``max_tokens`` is cut into chunks (``line_pieces``), never truncated,
    and their translations are joined back into one line. A line is not split into sentences
    otherwise: it is the unit the user aligned, and one line out must answer it."""
    count = count_tokens or estimate_tokens
    blocks: list[Block] = []
    changes: dict[str, Change] = {}
    chunked = 0
    for n, line in enumerate(lines, start=1):
        norm = normalise(line)
        for c in norm.changes:
            total = changes.setdefault(c.kind, Change(c.kind, 0, c.detail))
            total.count += c.count
        text = " ".join(part for part in norm.text.split("\n") if part)
        block = Block(id=f"l{n}", role=Role.PARAGRAPH, text=line)
        if text:
            sentence = Sentence(id=f"l{n}", text=text)
            pieces = line_pieces(text, count, max_tokens)
            if len(pieces) > 1:
                chunked += 1
                sentence.chunks = [Chunk(id=f"l{n}.c{j}", text=p)
                                   for j, p in enumerate(pieces, start=1)]
            block.sentences.append(sentence)
        blocks.append(block)
    notes = {"lines": len(lines), "max_tokens": max_tokens, "chunked_sentences": chunked,
             "token_count": "estimate" if count_tokens is None else "tokenizer"}
    return Article(blocks=blocks, source=source, lang=lang,
                   normalisation=list(changes.values()), notes=notes)


@dataclass
class Segmentation:
    """What `tarjama segment` shows: the article cut up, and how its file was read."""

    article: Article
    read_summary: str

    def to_dict(self) -> dict[str, Any]:
        return self.article.to_dict()

    def to_text(self) -> str:
        """One segment a line, ID<TAB>ROLE<TAB>TEXT: chunks when cut, else sentences, and the
        blocks that are not translated (chrome) as themselves."""
        rows = []
        for b in self.article.blocks:
            if not b.sentences:
                rows.append(f"{b.id}\t{b.role.value}\t{b.text}")
            for s in b.sentences:
                units = [(c.id, c.text) for c in s.chunks] or [(s.id, s.text)]
                rows.extend(f"{uid}\t{b.role.value}\t{text}" for uid, text in units)
        return "".join(f"{row}\n" for row in rows)


def segment_file(path: str | Path, *, encoding: str | None = None, fmt: str = "auto",
                 lang: str = "ar", model: str | None = None,
                 max_tokens: int = DEFAULT_MAX_TOKENS) -> Segmentation:
    """Read an article (``-``: stdin) and segment it; ``model`` counts tokens with that
    model's tokenizer instead of the conservative estimate."""
    from translate.readers import read_article
    from translate.segment.chunk import model_counter

    source_text = read_article(path, encoding=encoding, fmt=fmt, source_lang=lang)
    article = segment_text(source_text.text, source=source_text.source, lang=lang,
                           count_tokens=model_counter(model, lang) if model else None,
                           markup=source_text.format != "text", max_tokens=max_tokens)
    article.notes["input"] = source_text.to_dict()
    if model:
        article.meta["tokenizer"] = model
    return Segmentation(article, source_text.summary())
