"""How ``--backend auto`` decides. Kept apart so the rule is easy to find and to change.

CTranslate2 when it is installed and the model is, or can become, a CTranslate2 model:
- the directory is a conversion (has ``model.bin``);
- a hub id whose conversion is in the store (``tarjama models pull ID --convert``);
- a model directory of a supported family (translate.models.adapters), or a hub id: convertible;
  the engine converts it once into the store, keyed by the weights' fingerprint
  (translate.models.convert.ensure_converted).
Otherwise transformers. Deciding costs no model loading: only file checks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from translate.errors import UsageError


def ct2_available() -> bool:
    return importlib.util.find_spec("ctranslate2") is not None


def is_convertible_dir(path: Path) -> bool:
    """A transformers-layout directory of a family tarjama supports, with its files."""
    from translate.models.adapters import adapter_type, model_config

    model_type, config = model_config(path)
    if config.get("model_type") != model_type:  # no config, or one that names no family
        return False
    try:
        adapter = adapter_type(path)
    except UsageError:
        return False
    return not adapter.missing_files(path, converted=False)


def auto_backend(spec: str) -> str:
    if not ct2_available():
        return "transformers"
    path = Path(spec).expanduser()
    if path.is_dir():
        if (path / "model.bin").is_file() or is_convertible_dir(path):
            return "ctranslate2"
        return "transformers"
    # A hub id: its conversion is in the store (store_path(spec, "ct2-int8")), or it is a model
    # of a supported family, which converts once on first use.
    return "ctranslate2"
