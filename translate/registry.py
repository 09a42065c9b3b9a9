"""Registries of alternatives, imported lazily: a name maps to ``"module:attribute"``.

Every kind of alternative (backends, model adapters, aligners, renderers, output formats) is a
plain dict like this, so listing them costs no import and ``tarjama --help`` stays instant; the
module is imported only when its entry is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, TypeVar

from translate.errors import UsageError

T = TypeVar("T")


def load(entry: str) -> Any:
    """The attribute an entry names (``"translate.writers:TmxWriter"``), imported now."""
    module, _, attribute = entry.partition(":")
    return getattr(importlib.import_module(module), attribute)


def lookup(registry: Mapping[str, str], name: str, what: str) -> Any:
    """``registry[name]`` loaded; an unknown name is a UsageError listing the known ones."""
    if name not in registry:
        raise UsageError(f"unknown {what} {name!r}; choose from {', '.join(registry)}")
    return load(registry[name])


def lookup_class(registry: Mapping[str, str], name: str, what: str, base: type[T]) -> type[T]:
    """``lookup`` of a class that must be a ``base`` (an entry that is not is a bug here)."""
    return _checked(lookup(registry, name, what), base, registry[name])


def load_class(entry: str, base: type[T]) -> type[T]:
    """``load`` of a class that must be a ``base``."""
    return _checked(load(entry), base, entry)


def _checked(found: object, base: type[T], entry: str) -> type[T]:
    if not (isinstance(found, type) and issubclass(found, base)):
        raise TypeError(f"registry entry {entry} is not a {base.__name__} subclass")
    return found
