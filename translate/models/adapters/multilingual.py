"""What M2M100, NLLB-200 and mBART-50 share: one model, many languages, named by code tokens.

All three read ``<source code> pieces </s>`` and write ``</s> <target code> pieces </s>``: the
decoder starts from ``</s>`` and the target language is forced as the first generated token
(transformers: ``forced_bos_token_id``, as their model cards show; CTranslate2: the code as
``target_prefix``, as its documentation shows). They differ in the codes (``__ar__``,
``arb_Arab``, ``ar_AR``), in their files and in their transformers tokenizer class.

Tokenising goes through that class for both backends (CTranslate2 gets its tokens as strings,
``convert_ids_to_tokens``), so both read the same ids by construction, normalisation and special
tokens included, and a target is detokenised by the same ``decode``. The class is loaded on
first use, never when a model is only listed or checked.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, ClassVar

from translate.errors import UsageError
from translate.models.adapters.base import ModelAdapter, Tokenizer, read_json


class CodeTokenizer(Tokenizer):
    """One direction of a language-code model, over the family's transformers tokenizer."""

    def __init__(self, adapter: LanguageCodeAdapter, src_code: str, tgt_code: str) -> None:
        self._adapter = adapter
        self.src_code, self.tgt_code = src_code, tgt_code
        self.target_prefix = [adapter.code_token(tgt_code)]
        self._hf: Any = None

    @property
    def hf(self) -> Any:
        if self._hf is None:
            self._hf = self._adapter.load_transformers_tokenizer(self.src_code, self.tgt_code)
        return self._hf

    def encode(self, text: str) -> list[str]:
        return list(self.hf.convert_ids_to_tokens(self.hf(text)["input_ids"]))

    def count(self, text: str) -> int:
        return len(self.hf(text)["input_ids"])

    def decode(self, tokens: list[str]) -> str:
        ids = self.hf.convert_tokens_to_ids(tokens)
        return str(self.hf.decode(ids, skip_special_tokens=True)).strip()

    def transformers_tokenizer(self) -> Any:
        return self.hf

    def cache_key(self) -> dict[str, str]:
        # One set of weights, many directions: the codes tell its outputs apart in the cache.
        return {"source_code": self.src_code, "target_code": self.tgt_code}


class LanguageCodeAdapter(ModelAdapter):
    """A family that names languages by code tokens; subclasses give the codes and classes."""

    #: tarjama's language → the family's code (as its tokenizer's ``src_lang`` takes it).
    codes: ClassVar[dict[str, str]]
    weight_files = ("model.safetensors", "pytorch_model.bin")

    def code(self, lang: str) -> str:
        if lang not in self.codes:
            raise UsageError(f"{self.path}: tarjama has no {self.family} language code for "
                             f"{lang!r} (it maps {', '.join(sorted(self.codes))})")
        return self.codes[lang]

    def code_token(self, code: str) -> str:
        """The vocabulary token of a code (M2M100 wraps it: ``__ar__``)."""
        return code

    def declared_tokens(self) -> set[str] | None:
        """The language tokens the model's files list (None: they do not list them)."""
        listed = read_json(self.path / "special_tokens_map.json").get("additional_special_tokens")
        if not isinstance(listed, list) or not listed:
            return None
        return {t if isinstance(t, str) else str(t.get("content")) for t in listed
                if isinstance(t, str | dict)}

    def check_direction(self, src_lang: str, tgt_lang: str) -> None:
        declared = self.declared_tokens()
        for lang in (src_lang, tgt_lang):
            token = self.code_token(self.code(lang))
            if declared is not None and token not in declared:
                raise UsageError(f"{self.path}: this {self.family} model has no language token "
                                 f"{token} for {lang!r} (special_tokens_map.json)")

    def tokenizer(self, src_lang: str, tgt_lang: str) -> CodeTokenizer:
        return CodeTokenizer(self, self.code(src_lang), self.code(tgt_lang))

    def source_counter(self, src_lang: str) -> Callable[[str], int]:
        # The source reads <source code> pieces </s> whatever the target: any other will do.
        target = next(lang for lang in sorted(self.codes) if lang != src_lang)
        return self.tokenizer(src_lang, target).count

    def load_transformers_tokenizer(self, src_code: str, tgt_code: str) -> Any:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # library code does not print; errors still raise
        tokenizer_class = self.transformers_classes()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tokenizer_class.from_pretrained(str(self.path), src_lang=src_code,
                                                   tgt_lang=tgt_code)

    def generate_kwargs(self, hf_tokenizer: Any, tokenizer: Tokenizer) -> dict[str, Any]:
        prefix = tokenizer.target_prefix or []
        return {"forced_bos_token_id": hf_tokenizer.convert_tokens_to_ids(prefix[0])}
