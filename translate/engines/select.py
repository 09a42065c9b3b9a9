"""How ``--backend auto`` decides. Kept apart so the rule is easy to find and to change.

CTranslate2 when it is installed and the model is, or can become, a CTranslate2 model:
- the directory is a conversion (has ``model.bin``);
- a hub id whose conversion is in the store (``tarjama models pull ID --convert``);
- a Marian directory or hub id: convertible; the engine converts it once into the store, keyed by
  the weights' fingerprint (translate.models.convert.ensure_converted).
Otherwise transformers. Deciding costs no model loading: only file checks.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from translate.models.store import MARIAN_FILES


def ct2_available() -> bool:
    return importlib.util.find_spec("ctranslate2") is not None


def is_marian_dir(path: Path) -> bool:
    if not all((path / f).is_file() for f in MARIAN_FILES):
        return False
    try:
        cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(cfg, dict) and cfg.get("model_type") == "marian"


def auto_backend(spec: str) -> str:
    if not ct2_available():
        return "transformers"
    path = Path(spec).expanduser()
    if path.is_dir():
        if (path / "model.bin").is_file() or is_marian_dir(path):
            return "ctranslate2"
        return "transformers"
    # A hub id: its conversion is in the store (store_path(spec, "ct2-int8")), or it is one of
    # the supported opus-mt models, all Marian, which convert once on first use.
    return "ctranslate2"
