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

from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.models.adapters.base import read_json, unsupported
from translate.registry import load

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
    return load(ADAPTERS[model_type])  # type: ignore[no-any-return]


def config_copy_name(model_type: str) -> str:
    """Where a conversion keeps the transformers config.json (CTranslate2 writes its own)."""
    return f"{model_type}_config.json"


def model_config(path: Path) -> tuple[str, dict[str, Any]]:
    """(model_type, the transformers config) of a model directory, converted or not."""
    config = read_json(path / "config.json")
    if isinstance(config.get("model_type"), str):
        return config["model_type"], config
    if (path / "model.bin").is_file():  # a CTranslate2 conversion
        recorded = read_json(path / META).get("model_type")
        for model_type in ([recorded] if isinstance(recorded, str) else []) + list(ADAPTERS):
            kept = read_json(path / config_copy_name(model_type))
            if kept or model_type == recorded:
                return model_type, kept
    return DEFAULT_MODEL_TYPE, config


def adapter_type(path: Path) -> type[ModelAdapter]:
    """The adapter class of the model in ``path`` (its family, and within a ``model_type``
    that covers several, the variant its files say it is); reads small files only."""
    model_type, config = model_config(path)
    return adapter_class(model_type, path / "config.json").variant(path, config)


def adapter_for(path: Path) -> ModelAdapter:
    """The adapter of the model in ``path``; an unsupported family is a one-line UsageError."""
    model_type, config = model_config(path)
    cls = adapter_class(model_type, path / "config.json").variant(path, config)
    return cls(path, model_type, config)


def hub_files() -> list[str]:
    """Everything any family may need from the hub (the family is known only once it is here)."""
    names: list[str] = []
    for model_type in ADAPTERS:
        adapter = adapter_class(model_type, Path(model_type))
        for name in (*adapter.hub_files, *adapter.weight_files):
            if name not in names:
                names.append(name)
    return names
