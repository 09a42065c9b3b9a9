"""Translation engines: one contract (translate.engines.base.Engine), several backends.

The registry maps a backend name to the module that implements it; modules are imported only
when asked for, so listing backends or printing --help does not import torch or ctranslate2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from translate.errors import MissingExtraError, UsageError
from translate.registry import load

if TYPE_CHECKING:
    from translate.engines.base import Engine
    from translate.values import BackendOptions, DecodeOptions

BACKENDS: dict[str, str] = {
    "transformers": "translate.engines.hf:TransformersEngine",
    "ctranslate2": "translate.engines.ct2:CTranslate2Engine",
}
BACKEND_CHOICES = ("auto", *BACKENDS)


def backend_class(name: str) -> type[Engine]:
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; choose from {', '.join(BACKEND_CHOICES)}")
    try:
        return load(BACKENDS[name])  # type: ignore[no-any-return]
    except ModuleNotFoundError as e:
        if e.name == "ctranslate2":
            raise MissingExtraError("ctranslate2") from None
        raise


def choose_backend(requested: str, spec: str) -> str:
    """``auto``: CTranslate2 when a conversion is at hand (and installed), else transformers."""
    if requested != "auto":
        return requested
    from translate.engines.select import auto_backend

    return auto_backend(spec)


def load_engine(spec: str, src_lang: str, tgt_lang: str, *, backend: str = "auto",
                options: DecodeOptions | None = None,
                backend_options: Mapping[str, BackendOptions] | None = None) -> Engine:
    """Resolve ``spec`` (hub id or directory) and load it with the chosen backend.

    ``backend_options`` maps a backend name to its own options (``{"ctranslate2":
    Ct2Options(...)}``); the chosen backend gets its entry, the others are not used.
    """
    from translate.models.store import resolve

    name = choose_backend(backend, spec)
    cls = backend_class(name)
    ref = resolve(spec)
    if name == "transformers" and ref.is_ct2:
        raise UsageError(f"{ref.path} is a CTranslate2 model: use --backend ctranslate2 (or "
                         "auto), or give the original Marian directory to --backend "
                         "transformers")
    return cls(ref, src_lang, tgt_lang, options, (backend_options or {}).get(name))
