"""Registries of alternatives, imported lazily: a name maps to ``"module:attribute"``.

Every kind of alternative (backends, model adapters, aligners, renderers, output formats) is a
plain dict like this, so listing them costs no import and ``tarjama --help`` stays instant; the
module is imported only when its entry is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from translate.errors import UsageError


def load(entry: str) -> Any:
    """The attribute an entry names (``"translate.writers:TmxWriter"``), imported now."""
    module, _, attribute = entry.partition(":")
    return getattr(importlib.import_module(module), attribute)


def lookup(registry: Mapping[str, str], name: str, what: str) -> Any:
    """``registry[name]`` loaded; an unknown name is a UsageError listing the known ones."""
    if name not in registry:
        raise UsageError(f"unknown {what} {name!r}; choose from {', '.join(registry)}")
    return load(registry[name])
