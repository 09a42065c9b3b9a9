"""SentencePiece models and the shared Marian vocabulary for fixture models.

opus-mt ships two SentencePiece models (``source.spm``, ``target.spm``) and ONE ``vocab.json``
over the pieces of both: ``</s>`` = 0, ``<unk>`` = 1, then the pieces, ``<pad>`` last (the
Marian → transformers conversion appends it so the decoder can start from a zero embedding).
The model's ``vocab_size`` equals the number of entries, and CTranslate2 checks exactly that
after dropping ``<pad>``, so the vocabulary here is always dense (ids 0..n-1, no gaps).
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
SPACE = "\u2581"  # "▁", SentencePiece's word-boundary mark


def train_spm(sentences: Sequence[str], vocab_size: int, *, seed: int = 0,
              model_type: str = "unigram") -> bytes:
    """Train a SentencePiece model in memory and return its serialized proto (``model_type``
    as the family's own: unigram for Marian and mBART-50, bpe for M2M100 and NLLB-200).

    Deterministic for a seed: one training thread, sentences in the given order, no sampling.
    ``vocab_size`` is an upper bound (``hard_vocab_limit=False``): a few sentences cannot
    support a large vocabulary, and the trainer would fail instead of using fewer pieces.
    """
    import sentencepiece as spm

    chars = {c for s in sentences for c in s if not c.isspace()}
    spm.set_random_generator_seed(seed)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=buf,
        model_type=model_type,
        # The trainer refuses a vocabulary smaller than the alphabet (+ <unk>, <s>, </s>).
        vocab_size=max(vocab_size, len(chars) + 4),
        hard_vocab_limit=False,
        # Every Arabic letter, haraka, Cyrillic letter and digit must be a piece: with the
        # default 0.9995 coverage a rare character (a diacritic, "ё") would become <unk>.
        character_coverage=1.0,
        # "identity", not opus-mt's nmt_nfkc: the target side must decode to the very string
        # it was trained on. NFKC rewrites "…" → "...", NBSP → space, presentation forms, and
        # NFC reorders stacked harakat (shadda + fatha), so an exact round trip would fail on
        # exactly the inputs (diacritised Arabic) these fixtures exist to exercise.
        normalization_rule_name="identity",
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        minloglevel=2,  # the trainer logs to stderr from C++; library code stays quiet
    )
    return buf.getvalue()


def pieces(model: bytes) -> list[str]:
    """The ordinary pieces of a serialized SentencePiece model (no <unk>, <s>, </s>)."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i))
    ]


def shared_vocab(
    source_model: bytes, target_model: bytes, *, size: int | None = None,
    language_tokens: Sequence[str] = (),
) -> dict[str, int]:
    """One dense vocabulary over both models' pieces, laid out as opus-mt's vocab.json.

    ``size`` (the model's vocab_size, ``<pad>`` included) pads the vocabulary with synthetic
    pieces so a shape model gets a real-sized embedding and output projection; the synthetic
    pieces never come out of either SentencePiece model. ``language_tokens`` (``>>rus<<``,
    a multi-target model's) come right after ``<unk>``.
    """
    order: list[str] = [EOS, UNK, *language_tokens]
    seen = set(order)
    for piece in [*pieces(source_model), *pieces(target_model)]:
        if piece not in seen and piece != PAD:
            seen.add(piece)
            order.append(piece)
    if size is not None:
        if len(order) + 1 > size:
            raise ValueError(f"{len(order) + 1} pieces do not fit a vocabulary of {size}")
        order += fillers(size - 1 - len(order), seen)
    order.append(PAD)
    return {p: i for i, p in enumerate(order)}


def fillers(n: int, taken: set[str]) -> list[str]:
    """``n`` synthetic pieces no SentencePiece model produces: they give a shape model its real
    vocabulary size (embeddings, output projection) without a corpus that could support it."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        piece = f"{SPACE}<x{i}>"
        i += 1
        if piece not in taken:
            out.append(piece)
    return out


# Letters for synthetic text, so a shape model's SentencePiece models see each script.
_ALPHABETS = {
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def synthetic_text(lang: str, *, n: int, seed: int) -> list[str]:
    """``n`` sentences of pseudo-words drawn Zipf-like from a fixed random lexicon.

    Only for models whose translations do not matter (shape models): it gives SentencePiece
    recurring "words" to build multi-character pieces from, so pieces are not all single
    letters, without depending on any corpus outside the package.
    """
    rng = random.Random(f"{lang}:{seed}")
    letters = _ALPHABETS.get(lang, _ALPHABETS["en"])
    lexicon = [
        "".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(3000)
    ]
    weights = [1.0 / (rank + 1) for rank in range(len(lexicon))]
    punct = [".", ",", "?", ":", "0", "1", "2", "5", "2025", "3.5"]
    out = []
    for _ in range(n):
        words = rng.choices(lexicon, weights, k=rng.randint(5, 25))
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), rng.choice(punct))
        out.append(" ".join(words) + ".")
    return out
