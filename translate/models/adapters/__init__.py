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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.models.adapters.base import unsupported
from translate.registry import load

if TYPE_CHECKING:
    from translate.models.adapters.base import ModelAdapter

#: transformers ``model_type`` → "module:class" (imported on first use).
ADAPTERS: dict[str, str] = {
    "marian": "translate.models.adapters.marian:MarianAdapter",
}
DEFAULT_MODEL_TYPE = "marian"
META = "tarjama.json"  # what a conversion records about its source (translate.models.convert)


def families() -> list[str]:
    return list(ADAPTERS)


def adapter_class(model_type: str, where: Path) -> type[ModelAdapter]:
    if model_type not in ADAPTERS:
        raise unsupported(model_type, where, families())
    return load(ADAPTERS[model_type])  # type: ignore[no-any-return]


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def config_copy_name(model_type: str) -> str:
    """Where a conversion keeps the transformers config.json (CTranslate2 writes its own)."""
    return f"{model_type}_config.json"


def model_config(path: Path) -> tuple[str, dict[str, Any]]:
    """(model_type, the transformers config) of a model directory, converted or not."""
    config = _json(path / "config.json")
    if isinstance(config.get("model_type"), str):
        return config["model_type"], config
    if (path / "model.bin").is_file():  # a CTranslate2 conversion
        recorded = _json(path / META).get("model_type")
        for model_type in ([recorded] if isinstance(recorded, str) else []) + list(ADAPTERS):
            kept = _json(path / config_copy_name(model_type))
            if kept or model_type == recorded:
                return model_type, kept
    return DEFAULT_MODEL_TYPE, config


def adapter_for(path: Path) -> ModelAdapter:
    """The adapter of the model in ``path``; an unsupported family is a one-line UsageError."""
    model_type, config = model_config(path)
    return adapter_class(model_type, path / "config.json")(path, model_type, config)


def hub_files() -> list[str]:
    """Everything any family may need from the hub (the family is known only once it is here)."""
    names: list[str] = []
    for model_type in ADAPTERS:
        adapter = adapter_class(model_type, Path(model_type))
        for name in (*adapter.hub_files, *adapter.weight_files):
            if name not in names:
                names.append(name)
    return names
