"""Marian (Helsinki-NLP opus-mt): two SentencePiece models and one shared vocabulary.

An opus-mt directory holds ``source.spm`` (the source side's pieces), ``target.spm`` (the target
side's) and ONE ``vocab.json`` over both. Tokenising mirrors ``MarianTokenizer`` exactly, so the
CTranslate2 backend reads the ids the transformers backend reads: an optional leading ``>>xx<<``
language code stays one token, the rest is split by ``source.spm`` and ``</s>`` is appended.
Output pieces are joined with ``target.spm``; special tokens are dropped as
``batch_decode(skip_special_tokens=True)`` drops them.

Multi-target models (e.g. opus-mt-tc-big-en-zle) list their target languages as
``>>rus<<``-style tokens in ``vocab.json`` and need one in front of every source: tarjama's
``ru`` becomes ``>>rus<<`` (or ``>>ru<<``, whichever the model has). Single-target models, the
usual opus-mt ones, have no such token and get nothing; their one direction is written in
``tokenizer_config.json`` (``source_lang``/``target_lang``, e.g. ``ara``/``rus``), so an ar→en
model asked for Russian is refused before its weights are read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from translate.errors import UsageError
from translate.models.adapters.base import ModelAdapter, Tokenizer, load_spm, read_json

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
SPACE = "\u2581"
# ISO 639-3 codes OPUS-MT uses for tarjama's two-letter ones (it writes both kinds).
_ISO3 = {"ar": ("ara", "arb"), "en": ("eng",), "ru": ("rus",)}
_TWO = {code: lang for lang, codes in _ISO3.items() for code in codes}
# A hub id or directory that names its direction: opus-mt-ar-en, opus-mt-tc-big-ar-en.
_NAMED = re.compile(r"opus-mt-(?:tc-big-|tc-base-)?([a-z]{2,3})-([a-z]{2,3})$")


class MarianTokenizer(Tokenizer):
    """``source.spm`` in, ``target.spm`` out; ``target_token`` in front for multi-target."""

    def __init__(self, path: Path, target_token: str | None = None, *,
                 source_spm: Path | None = None) -> None:
        self._source = load_spm(source_spm or path / "source.spm")
        self._target_path = path / "target.spm"
        self._target: Any = None  # only decoding needs it: counting tokens never loads it
        self.target_token = target_token

    @classmethod
    def from_spm(cls, source_spm: Path) -> MarianTokenizer:
        """A counter over a bare source SentencePiece model (no model directory around it)."""
        return cls(source_spm.parent, source_spm=source_spm)

    def encode(self, text: str) -> list[str]:
        code: list[str] = [self.target_token] if self.target_token else []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[:end + 2]], text[end + 2:]
        return [*code, *self._source.encode(text, out_type=str), EOS]

    def count(self, text: str) -> int:
        # Ids, not strings: the chunker calls this for every sentence and every cut it tries.
        return len(self._source.encode(text)) + 1 + (1 if self.target_token else 0)

    def decode(self, tokens: list[str]) -> str:
        if self._target is None:
            self._target = load_spm(self._target_path)
        kept = [p for p in tokens if p not in (EOS, UNK, PAD)]
        return str(self._target.decode_pieces(kept)).replace(SPACE, " ").strip()

    def source_text(self, text: str) -> str:
        return f"{self.target_token} {text}" if self.target_token else text

    def cache_key(self) -> dict[str, str]:
        return {"target_token": self.target_token} if self.target_token else {}


class MarianAdapter(ModelAdapter):
    family = "marian"
    model_files = ("config.json", "source.spm", "target.spm", "vocab.json")
    converted_files = ("source.spm", "target.spm")
    # Beside model.bin: what tokenising needs, and the Marian metadata a reader may want.
    copy_files = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json",
                  "generation_config.json", "special_tokens_map.json", "README.md")
    hub_files = ("config.json", "generation_config.json", "tokenizer_config.json", "vocab.json",
                 "source.spm", "target.spm", "special_tokens_map.json", "README.md")

    def tokenizer(self, src_lang: str, tgt_lang: str) -> MarianTokenizer:
        return MarianTokenizer(self.path, self.target_token(tgt_lang))

    def source_counter(self, src_lang: str) -> Callable[[str], int]:
        # The target changes the count only by the one >>xxx<< token a multi-target model reads.
        codes = sorted(self.language_tokens())
        return MarianTokenizer(self.path, codes[0] if codes else None).count

    def check_direction(self, src_lang: str, tgt_lang: str) -> None:
        if self.language_tokens():
            self.target_token(tgt_lang)  # multi-target: the token must be there
            return
        declared = self.direction()
        if declared is None:
            return
        (src, tgt), where = declared
        for asked, has, side in ((src_lang, src, "source"), (tgt_lang, tgt, "target")):
            if has is not None and has != asked:
                raise UsageError(
                    f"{self.path} translates {src or '?'}→{tgt or '?'} (its {where}), not "
                    f"{src_lang}→{tgt_lang}: its {side} language is {has}, not {asked}; give a "
                    f"{src_lang}→{tgt_lang} model (--model {src_lang}-{tgt_lang}=ID_OR_PATH)")

    def direction(self) -> tuple[tuple[str | None, str | None], str] | None:
        """The one direction a single-target model declares, and where it says so: the
        ``tokenizer_config.json`` languages, else an ``opus-mt-xx-yy`` name in its config.
        A code that is not one of tarjama's languages (a group like ``zle``) is None."""
        tok = read_json(self.path / "tokenizer_config.json")
        src, tgt = tok.get("source_lang"), tok.get("target_lang")
        if isinstance(src, str) and isinstance(tgt, str):
            return (_known(src), _known(tgt)), "tokenizer_config.json"
        name = self.config.get("_name_or_path") or self.config.get("tarjama_model_id") or ""
        match = _NAMED.search(str(name))
        if match:
            return (_known(match[1]), _known(match[2])), f"name {name}"
        return None

    def target_token(self, tgt_lang: str) -> str | None:
        """The ``>>xx<<`` token for ``tgt_lang`` in a multi-target model; None otherwise."""
        codes = self.language_tokens()
        if not codes:
            return None
        for code in (tgt_lang, *_ISO3.get(tgt_lang, ())):
            if f">>{code}<<" in codes:
                return f">>{code}<<"
        shown = ", ".join(sorted(codes)[:12]) + (" ..." if len(codes) > 12 else "")
        raise UsageError(f"{self.path} is a multi-target Marian model without a target "
                         f"language token for {tgt_lang!r} (it has {shown})")

    @functools.cached_property
    def _language_tokens(self) -> frozenset[str]:
        # vocab.json has ~60k entries and the direction check, the target token and the
        # tokenizer each ask; absent (a conversion made without it): single-target, as before
        vocab = read_json(self.path / "vocab.json")
        return frozenset(k for k in vocab if k.startswith(">>") and k.endswith("<<") and len(k) > 4)

    def language_tokens(self) -> set[str]:
        return set(self._language_tokens)

    def transformers_classes(self) -> tuple[Any, Any]:
        from transformers import MarianMTModel
        from transformers import MarianTokenizer as HfMarianTokenizer

        return HfMarianTokenizer, MarianMTModel


def _known(code: str) -> str | None:
    """tarjama's code for an OPUS-MT one (``ara`` → ``ar``); None when it is not one of
    ar/en/ru or a two-letter code (a language group, or a code we cannot place)."""
    code = code.strip().lower()
    if code in _TWO:
        return _TWO[code]
    return code if len(code) == 2 and code.isalpha() else None
