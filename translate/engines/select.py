"""How ``--backend auto`` decides. Kept apart so the rule is easy to find and to change.

CTranslate2 when it is installed and the model is, or can become, a CTranslate2 model:
- the directory is a conversion (has ``model.bin``);
- a transformers-layout directory whose config names a supported family (the resolved model is
  ``convertible``): the engine converts it once into the store, keyed by the weights'
  fingerprint (translate.models.convert.ensure_converted); a hub id resolves to one of these.
Otherwise transformers. Deciding costs no model loading: the resolved model already says.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from translate.models.store import ResolvedModel


def ct2_available() -> bool:
    return importlib.util.find_spec("ctranslate2") is not None


def auto_backend(model: ResolvedModel) -> str:
    if ct2_available() and (model.is_ct2 or model.convertible):
        return "ctranslate2"
    return "transformers"
