"""Model adapters by family, chosen by the ``model_type`` of the model's ``config.json``.

The registry maps a transformers ``model_type`` to the adapter that handles it; adapter modules
are imported only when a model of theirs is used (and they import sentencepiece or transformers
only inside their methods). A new family is one module (a ``ModelAdapter`` subclass, see
``translate.models.adapters.base``) and one entry here.

A CTranslate2 conversion has a config.json of CTranslate2's own; its family is recorded in the
conversion's ``tarjama.json`` (``model_type``) and by the copy of the transformers config kept
beside it (``marian_config.json``). A directory whose config names no type at all is taken for
Marian, the family every model before the adapters was: its file checks then say what is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.errors import UsageError
from translate.models.adapters.base import read_object, unsupported
from translate.registry import load_class

if TYPE_CHECKING:
    from translate.models.adapters.base import ModelAdapter

#: transformers ``model_type`` → "module:class" (imported on first use).
ADAPTERS: dict[str, str] = {
    "marian": "translate.models.adapters.marian:MarianAdapter",
    "m2m_100": "translate.models.adapters.m2m100:M2M100Adapter",  # M2M100 and NLLB-200
    "mbart": "translate.models.adapters.mbart:MBart50Adapter",
}
#: What each model_type is, for error messages (a toy or plug-in family shows its key).
LABELS = {"marian": "marian (OPUS-MT, incl. multi-target >>xxx<<)",
          "m2m_100": "m2m_100 (M2M100, NLLB-200)", "mbart": "mbart (mBART-50 many-to-many)"}
DEFAULT_MODEL_TYPE = "marian"
META = "tarjama.json"  # what a conversion records about its source (translate.models.convert)


def families() -> list[str]:
    """The supported families as an error message lists them."""
    return [LABELS.get(model_type, model_type) for model_type in ADAPTERS]


def adapter_class(model_type: str, where: Path) -> type[ModelAdapter]:
    if model_type not in ADAPTERS:
        raise unsupported(model_type, where, families())
    from translate.models.adapters.base import ModelAdapter

    return load_class(ADAPTERS[model_type], ModelAdapter)


def config_copy_name(model_type: str) -> str:
    """Where a conversion keeps the transformers config.json (CTranslate2 writes its own)."""
    return f"{model_type}_config.json"


@dataclass(frozen=True)
class ModelConfig:
    """What a model directory's config says, read and checked once (translate.models.store)."""

    model_type: str  # the family's registry key
    config: dict[str, Any]  # the transformers config (kept beside a conversion)
    declared: bool  # the config names its model_type (else Marian is assumed)
    model_id: str | None  # the hub id the directory records, when it records one


def read_config(path: Path) -> ModelConfig:
    """The config of a model directory, converted or not; a config.json that is not a JSON
    object, or names its model_type with something other than a string, is a UsageError."""
    own = read_object(path / "config.json")
    recorded_id = _recorded_id(own or {})
    if own is not None and "model_type" in own:
        model_type = own["model_type"]
        if not isinstance(model_type, str) or not model_type:
            raise UsageError(f"{path / 'config.json'}: model_type must be a family name such as "
                             f'"marian", not {json.dumps(model_type)}')
        return ModelConfig(model_type, own, True, recorded_id)
    if (path / "model.bin").is_file():  # a CTranslate2 conversion: config.json is CTranslate2's
        recorded = (read_object(path / META) or {}).get("model_type")
        for model_type in ([recorded] if isinstance(recorded, str) else []) + list(ADAPTERS):
            kept = read_object(path / config_copy_name(model_type))
            if kept is not None or model_type == recorded:
                return ModelConfig(model_type, kept or {}, True,
                                   recorded_id or _recorded_id(kept or {}))
    return ModelConfig(DEFAULT_MODEL_TYPE, own or {}, False, recorded_id)


def _recorded_id(config: dict[str, Any]) -> str | None:
    name = config.get("_name_or_path") or config.get("tarjama_model_id")
    return name if isinstance(name, str) and name and not name.startswith("/") else None


def model_config(path: Path) -> tuple[str, dict[str, Any]]:
    """(model_type, the transformers config) of a model directory, converted or not."""
    found = read_config(path)
    return found.model_type, found.config


def adapter_type(path: Path, found: ModelConfig | None = None) -> type[ModelAdapter]:
    """The adapter class of the model in ``path`` (its family, and within a ``model_type``
    that covers several, the variant its files say it is); reads small files only."""
    found = found or read_config(path)
    return adapter_class(found.model_type, path / "config.json").variant(path, found.config)


def adapter_for(path: Path, found: ModelConfig | None = None) -> ModelAdapter:
    """The adapter of the model in ``path``; an unsupported family is a one-line UsageError."""
    found = found or read_config(path)
    return adapter_type(path, found)(path, found.model_type, found.config)


def hub_files() -> list[str]:
    """Everything any family may need from the hub (the family is known only once it is here)."""
    names: list[str] = []
    for model_type in ADAPTERS:
        adapter = adapter_class(model_type, Path(model_type))
        for name in (*adapter.hub_files, *adapter.weight_files):
            if name not in names:
                names.append(name)
    return names
