"""The model-adapter contract: what differs between model families, behind one interface.

The engines (translate.engines) know backends: how to run a seq2seq model with transformers or
with CTranslate2. What they must not know is which family the model is. Marian, M2M100/NLLB and
mBART differ in exactly these places, and each adapter fills them:

- the files a model directory must hold, in the transformers layout and once converted;
- its tokenizer: the source tokens both backends feed the model (special tokens included),
  and how target tokens become text;
- the language codes: how tarjama's ``ar``/``en``/``ru`` become the family's (Marian: nothing,
  or a ``>>rus<<`` token in front of the source for multi-target models; NLLB: ``rus_Cyrl`` as
  the first target token, given to CTranslate2 as ``target_prefix``);
- its longest input, which the chunker must respect;
- the transformers classes that load it (named explicitly: never remote code), and how it is
  converted to CTranslate2 (which files travel with the conversion).

An adapter is bound to one model directory; ``tokenizer(src, tgt)`` binds it to a direction.
Nothing here imports sentencepiece, torch or transformers at module level.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from translate.errors import RuntimeFailure, UsageError


class Tokenizer(ABC):
    """One direction of one model, tokenised as the model reads and writes it.

    Both backends go through it (CTranslate2 takes tokens as strings; transformers takes
    ``source_text`` through the family's own tokenizer class), so they read the same input.
    """

    #: Tokens CTranslate2 must start every hypothesis with (NLLB: the target language code).
    target_prefix: list[str] | None = None
    #: The token that ends a finished hypothesis (one cut at the length limit lacks it).
    end_token: str = "</s>"

    @abstractmethod
    def encode(self, text: str) -> list[str]:
        """Source tokens of ``text`` as the model reads them, special tokens included."""

    @abstractmethod
    def decode(self, tokens: list[str]) -> str:
        """Target tokens → text; special tokens (end, padding, language codes) dropped."""

    def count(self, text: str) -> int:
        """How many source tokens ``text`` is (what the chunker compares with the limit)."""
        return len(self.encode(text))

    def source_text(self, text: str) -> str:
        """``text`` as the family's transformers tokenizer must be given it."""
        return text

    def transformers_tokenizer(self) -> Any:
        """The family's transformers tokenizer, already set to this direction, when this
        tokenizer is built on it (NLLB, M2M100, mBART); None when it reads the files itself."""
        return None

    def cache_key(self) -> dict[str, str]:
        """What besides the weights tells this direction's outputs apart (a multilingual model
        translates one source into several languages): part of the translation cache key."""
        return {}


class ModelAdapter(ABC):
    """What tarjama needs to know about one model family; bound to one model directory."""

    #: The family's name, as ``tarjama models list`` and error messages show it.
    family: ClassVar[str]
    #: Files a transformers-layout directory must hold, besides its weights.
    model_files: ClassVar[tuple[str, ...]]
    #: Files a CTranslate2 conversion must hold beside ``model.bin`` (what tokenising needs).
    converted_files: ClassVar[tuple[str, ...]]
    #: Files copied into a conversion when the source has them.
    copy_files: ClassVar[tuple[str, ...]]
    #: Files downloaded from the hub, besides the weights (never the TF/Flax/rust copies).
    hub_files: ClassVar[tuple[str, ...]]
    #: The weights in the transformers layout: one of these must be there (safetensors first).
    weight_files: ClassVar[tuple[str, ...]] = ("model.safetensors", "pytorch_model.bin")

    def __init__(self, path: Path, model_type: str, config: dict[str, Any]) -> None:
        self.path = path
        self.model_type = model_type  # the registry key it was chosen by
        self.config = config  # the transformers config.json (kept beside a conversion)

    @classmethod
    def variant(cls, path: Path, config: dict[str, Any]) -> type[ModelAdapter]:
        """The adapter for this very directory when one ``model_type`` covers several
        families (m2m_100: M2M100 and NLLB-200, told apart by their tokenizer)."""
        return cls

    @classmethod
    def missing_files(cls, path: Path, *, converted: bool) -> list[str]:
        """What a model directory lacks (a CTranslate2 conversion has its weights in
        model.bin, so only its tokenizer files are checked)."""
        names = cls.converted_files if converted else cls.model_files
        missing = [f for f in names if not (path / f).is_file()]
        weights = () if converted else cls.weight_files
        if weights and not any((path / w).is_file() for w in weights):
            missing.append(" or ".join(weights))
        return missing

    def max_input_length(self) -> int | None:
        """The longest source the model can read, in tokens (None: not known)."""
        limit = self.config.get("max_position_embeddings")
        return limit if isinstance(limit, int) and limit > 0 else None

    def check_direction(self, src_lang: str, tgt_lang: str) -> None:
        """Refuse a direction the model cannot translate, from its files alone (no weights
        are loaded): a UsageError that says what the model translates."""
        return None  # a family whose files do not say refuses nothing

    @abstractmethod
    def tokenizer(self, src_lang: str, tgt_lang: str) -> Tokenizer:
        """The tokenizer of the direction ``src_lang`` → ``tgt_lang``."""

    def source_counter(self, src_lang: str) -> Callable[[str], int]:
        """How many tokens a ``src_lang`` text is as the model reads it, whatever the target
        (what the chunker compares with the limit when segmenting without a direction). A
        family whose source tokens depend on the target (a target-language token) overrides
        it; for the others any target gives the same count."""
        return self.tokenizer(src_lang, src_lang).count

    @abstractmethod
    def transformers_classes(self) -> tuple[Any, Any]:
        """(tokenizer class, model class) of the family in transformers, imported here."""

    def transformers_tokenizer(self, tokenizer: Tokenizer) -> Any:
        """The transformers tokenizer the transformers backend encodes with: the one
        ``tokenizer`` is built on, or else the family's class loaded from the directory."""
        built = tokenizer.transformers_tokenizer()
        if built is not None:
            return built
        import warnings

        with warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses; opus-mt's own pipeline does not need it.
            warnings.simplefilter("ignore")
            return self.transformers_classes()[0].from_pretrained(str(self.path))

    def generate_kwargs(self, hf_tokenizer: Any, tokenizer: Tokenizer) -> dict[str, Any]:
        """Extra ``generate`` arguments for the direction (NLLB: ``forced_bos_token_id``)."""
        return {}


def load_spm(path: Path) -> Any:
    """A SentencePiece model from a file (Marian, M2M100/NLLB and mBART all ship one)."""
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor()
    try:
        loaded = sp.Load(str(path))
    except (OSError, RuntimeError) as e:
        raise damaged_model(path.parent, e) from None
    if not loaded:  # pragma: no cover - Load raises on failure in practice
        raise RuntimeFailure(f"cannot load {path}")
    return sp


def read_object(path: Path) -> dict[str, Any] | None:
    """A JSON object file that must be well formed: None when absent, a UsageError when it
    cannot be read or is not an object (``[1,2]``, ``null``), never silently ``{}``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path} cannot be read: {e}") from None
    try:
        data = json.loads(text)
    except ValueError as e:
        raise UsageError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold a JSON object, not {json.dumps(data)[:40]}")
    return data


def read_json(path: Path) -> dict[str, Any]:
    """A small JSON object file of a model directory; {} when it is absent or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def damaged_model(path: Path, e: Exception) -> UsageError:
    """A model directory whose files exist but cannot be loaded (truncated, damaged)."""
    from translate.models.store import store_dir

    why = " ".join(f"{type(e).__name__}: {e}".split())[:240]
    fix = (f"delete {path}: it is converted again on first use"
           if path.resolve().is_relative_to(store_dir().resolve())
           else "download, convert or build the model again")
    return UsageError(f"the model in {path} cannot be loaded, its files are damaged ({why}); "
                      f"{fix}")


def unsupported(model_type: str, where: Path, families: list[str]) -> UsageError:
    return UsageError(f"{where}: model type {model_type!r} is not supported; supported "
                      f"families: {', '.join(families)}")
