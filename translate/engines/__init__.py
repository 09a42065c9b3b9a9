"""Translation engines: one contract (translate.engines.base.Engine), several backends.

The registry maps a backend name to the module that implements it; modules are imported only
when asked for, so listing backends or printing --help does not import torch or ctranslate2.

Loading, for a caller that keeps engines (a server, a batch run):

    from translate.engines import load_shared
    from translate.models.store import resolve

    model = resolve("facebook/nllb-200-distilled-600M")     # found and checked once
    to_en = load_shared(model, "ar", "en", options=DecodeOptions(beam=4))
    to_ru = load_shared(model, "ar", "ru", options=DecodeOptions(beam=4))

An engine is one direction of one model; its weights are the process's loaded copy of that model
for that backend and those compute settings (device, compute type, threads), loaded on first
need and shared: ``to_en`` and ``to_ru`` above hold one copy of NLLB's weights, which is freed
when the last engine holding it is. Engines themselves are cheap (a tokenizer per direction):
keep one per direction and options. ``loaded_weights()`` lists what is in memory.
``load_engine(spec, ...)`` is resolve + load_shared for a caller with a spec in hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from translate.errors import MissingExtraError, UsageError
from translate.registry import load_class

if TYPE_CHECKING:
    from translate.engines.base import Engine, WeightsKey
    from translate.models.store import ResolvedModel
    from translate.values import BackendOptions, DecodeOptions

BACKENDS: dict[str, str] = {
    "transformers": "translate.engines.hf:TransformersEngine",
    "ctranslate2": "translate.engines.ct2:CTranslate2Engine",
}
BACKEND_CHOICES = ("auto", *BACKENDS)


def backend_class(name: str) -> type[Engine]:
    if name not in BACKENDS:
        raise UsageError(f"unknown backend {name!r}; choose from {', '.join(BACKEND_CHOICES)}")
    from translate.engines.base import Engine

    try:
        return load_class(BACKENDS[name], Engine)
    except ModuleNotFoundError as e:
        if e.name == "ctranslate2":
            raise MissingExtraError("ctranslate2") from None
        raise


def choose_backend(requested: str, model: ResolvedModel) -> str:
    """``auto``: CTranslate2 when a conversion is at hand (and installed), else transformers."""
    if requested != "auto":
        return requested
    from translate.engines.select import auto_backend

    return auto_backend(model)


def load_shared(model: ResolvedModel, src_lang: str, tgt_lang: str, *, backend: str = "auto",
                options: DecodeOptions | None = None,
                backend_options: Mapping[str, BackendOptions] | None = None) -> Engine:
    """An engine for ``src_lang`` → ``tgt_lang`` over ``model``, sharing its weights with every
    other engine of the same model, backend and compute settings in this process.

    ``backend_options`` maps a backend name to its own options (``{"ctranslate2":
    Ct2Options(...)}``); the chosen backend gets its entry, the others are not used. The
    direction is checked now (from the model's files); the weights load on first need.
    """
    name = choose_backend(backend, model)
    cls = backend_class(name)
    if name == "transformers" and model.is_ct2:
        raise UsageError(f"{model.path} is a CTranslate2 model: use --backend ctranslate2 (or "
                         "auto), or give the original Marian directory to --backend "
                         "transformers")
    return cls(model, src_lang, tgt_lang, options, (backend_options or {}).get(name))


def load_engine(spec: str, src_lang: str, tgt_lang: str, *, backend: str = "auto",
                options: DecodeOptions | None = None,
                backend_options: Mapping[str, BackendOptions] | None = None) -> Engine:
    """Resolve ``spec`` (hub id or directory) and ``load_shared`` it."""
    from translate.models.store import resolve

    return load_shared(resolve(spec), src_lang, tgt_lang, backend=backend, options=options,
                       backend_options=backend_options)


def loaded_weights() -> list[WeightsKey]:
    """What is loaded now: (backend, model path, compute settings) of every shared copy."""
    from translate.engines.base import loaded_weights as loaded

    return loaded()
