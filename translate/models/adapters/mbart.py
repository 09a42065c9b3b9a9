"""``model_type`` mbart: mBART-50 many-to-many (facebook/mbart-large-50-many-to-many-mmt).

``MBart50Tokenizer`` over ``sentencepiece.bpe.model`` (the hub ships no tokenizer.json:
transformers builds it from the SentencePiece model); languages are ``ar_AR``, ``en_XX``,
``ru_RU``. mBART-25 and its fine-tunes (``MBartTokenizer``) put the language code after the
source and start the decoder from it: another protocol, refused by name rather than run wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from translate.errors import UsageError
from translate.models.adapters.base import ModelAdapter, read_json
from translate.models.adapters.multilingual import LanguageCodeAdapter


class MBart50Adapter(LanguageCodeAdapter):
    family = "mbart50"
    codes: ClassVar[dict[str, str]] = {"ar": "ar_AR", "en": "en_XX", "ru": "ru_RU"}
    model_files = ("config.json", "sentencepiece.bpe.model")
    converted_files = ("sentencepiece.bpe.model",)
    copy_files = ("sentencepiece.bpe.model", "tokenizer_config.json", "special_tokens_map.json",
                  "generation_config.json", "README.md")
    hub_files = ("config.json", "generation_config.json", "tokenizer_config.json",
                 "special_tokens_map.json", "sentencepiece.bpe.model", "README.md")

    @classmethod
    def variant(cls, path: Path, config: dict[str, Any]) -> type[ModelAdapter]:
        named = read_json(path / "tokenizer_config.json").get("tokenizer_class") or \
            config.get("tokenizer_class")
        if isinstance(named, str) and not named.startswith("MBart50"):
            raise UsageError(f"{path}: an mbart model with {named} (mBART-25 style) is not "
                             "supported; tarjama runs mBART-50 (MBart50Tokenizer)")
        return cls

    def transformers_classes(self) -> tuple[Any, Any]:
        from transformers import MBart50Tokenizer, MBartForConditionalGeneration

        return MBart50Tokenizer, MBartForConditionalGeneration
