"""``model_type`` m2m_100: M2M100 (facebook/m2m100_418M, _1.2B) and NLLB-200 (facebook/nllb-200-*).

Both are ``M2M100ForConditionalGeneration``; what tells them apart is the tokenizer:
- M2M100: ``M2M100Tokenizer`` over ``sentencepiece.bpe.model`` + ``vocab.json``; languages are
  ``__ar__``-style tokens (``src_lang="ar"``);
- NLLB-200: ``NllbTokenizer`` over ``tokenizer.json`` (and the SentencePiece model it was made
  from); languages are FLORES-200 codes, ``arb_Arab``, ``eng_Latn``, ``rus_Cyrl``.
The hub files say which: ``tokenizer_class`` in ``tokenizer_config.json`` (or config.json),
else NLLB's ``tokenizer.json`` without M2M100's ``vocab.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from translate.models.adapters.base import ModelAdapter, read_json
from translate.models.adapters.multilingual import LanguageCodeAdapter


class M2M100Adapter(LanguageCodeAdapter):
    family = "m2m100"
    codes: ClassVar[dict[str, str]] = {"ar": "ar", "en": "en", "ru": "ru"}
    model_files = ("config.json", "sentencepiece.bpe.model", "vocab.json")
    converted_files = ("sentencepiece.bpe.model", "vocab.json")
    copy_files = ("sentencepiece.bpe.model", "vocab.json", "tokenizer_config.json",
                  "special_tokens_map.json", "generation_config.json", "README.md")
    # Both variants' files: which one a hub id is shows only once it is here.
    hub_files = ("config.json", "generation_config.json", "tokenizer_config.json",
                 "special_tokens_map.json", "sentencepiece.bpe.model", "vocab.json",
                 "tokenizer.json", "README.md")

    @classmethod
    def variant(cls, path: Path, config: dict[str, Any]) -> type[ModelAdapter]:
        named = read_json(path / "tokenizer_config.json").get("tokenizer_class") or \
            config.get("tokenizer_class")
        if isinstance(named, str):
            return NllbAdapter if named.startswith("Nllb") else M2M100Adapter
        if (path / "tokenizer.json").is_file() and not (path / "vocab.json").is_file():
            return NllbAdapter
        return M2M100Adapter

    def code_token(self, code: str) -> str:
        return f"__{code}__"

    def transformers_classes(self) -> tuple[Any, Any]:
        from transformers import M2M100ForConditionalGeneration, M2M100Tokenizer

        return M2M100Tokenizer, M2M100ForConditionalGeneration


class NllbAdapter(LanguageCodeAdapter):
    family = "nllb"
    codes: ClassVar[dict[str, str]] = {"ar": "arb_Arab", "en": "eng_Latn", "ru": "rus_Cyrl"}
    model_files = ("config.json", "tokenizer.json")
    converted_files = ("tokenizer.json",)
    copy_files = ("sentencepiece.bpe.model", "tokenizer.json", "tokenizer_config.json",
                  "special_tokens_map.json", "generation_config.json", "README.md")
    hub_files = M2M100Adapter.hub_files

    def transformers_classes(self) -> tuple[Any, Any]:
        from transformers import M2M100ForConditionalGeneration, NllbTokenizer

        return NllbTokenizer, M2M100ForConditionalGeneration
