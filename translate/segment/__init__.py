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

from translate.article import Article, Block, Change, Chunk, Role, Sentence
from translate.errors import InputError
from translate.segment.blocks import assign_roles, split_blocks
from translate.segment.chunk import chunk_text, estimate_tokens
from translate.segment.normalise import normalise
from translate.segment.sentences import split_sentences

__all__ = ["chunk_text", "estimate_tokens", "normalise", "segment_text", "split_sentences"]

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
                sid = f"{bid}.s{k}"
                sentence = Sentence(id=sid, text=sent)
                if count(sent) > max_tokens:
                    pieces = chunk_text(sent, max_tokens, count)
                    if len(pieces) > 1:
                        chunked += 1
                        sentence.chunks = [Chunk(id=f"{sid}.c{j}", text=p)
                                           for j, p in enumerate(pieces, start=1)]
                block.sentences.append(sentence)
        blocks.append(block)
    notes: dict[str, object] = dict(norm.notes)
    notes["max_tokens"] = max_tokens
    notes["token_count"] = "estimate" if count_tokens is None else "tokenizer"
    notes["chunked_sentences"] = chunked
    return Article(blocks=blocks, source=source, lang=lang, normalisation=norm.changes,
                   notes=notes)
