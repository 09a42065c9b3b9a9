"""Which systems a bench run compares: named sets of models, one per direction.

A system is what a user would deploy: a model for ar→en, one for ar→ru, and optionally one for
en→ru, which adds the pivot ar→en→ru. A suite names its systems (``[systems.NAME]``); its
``[models]`` table is one system, "default". ``--model PAIR=SPEC`` on the command line:
- one model per direction refines a single-system suite (as it always did), or adds one more
  system to a suite of several;
- several models for one direction (``-m en=A -m en=B``) make one system each, named after the
  model, and the directions given once (or by the suite) are shared by all of them.
The first system is the baseline unless ``baseline`` (``--baseline``) names another, by system
name or by model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translate.bench.suite import DEFAULT_SYSTEM, Suite, normalise_pair
from translate.errors import UsageError


@dataclass(frozen=True)
class System:
    name: str
    models: dict[str, str] = field(hash=False)  # "ar-en" -> hub id or path


def short_name(spec: str) -> str:
    """How a model names a system: the last part of a hub id or of a path."""
    return Path(spec.rstrip("/")).name or spec


def build_systems(suite: Suite, cli: Sequence[tuple[str, str]] = ()) -> list[System]:
    """The systems of ``suite`` with the command line's ``(pair, spec)`` models applied."""
    named = [System(name, dict(models)) for name, models in suite.systems.items()]
    base = None if named else System(DEFAULT_SYSTEM, dict(suite.models))
    by_pair: dict[str, list[str]] = {}
    for key, spec in cli:
        by_pair.setdefault(normalise_pair(key, "--model"), []).append(spec)
    count = max((len(specs) for specs in by_pair.values()), default=0)
    uneven = sorted(p for p, specs in by_pair.items() if 1 < len(specs) < count)
    if uneven:
        raise UsageError(f"--model: give each direction one model, or {count} (one per "
                         f"system); {', '.join(uneven)} has fewer")
    added = []
    for i in range(count):
        models = {p: specs[i] if len(specs) > 1 else specs[0] for p, specs in by_pair.items()}
        varying = [short_name(specs[i]) for specs in by_pair.values() if len(specs) > 1]
        name = "+".join(varying) if varying else (DEFAULT_SYSTEM if base else "command-line")
        added.append(System(name, {**(base.models if base else {}), **models}))
    systems = named + (added or ([base] if base else []))
    if base is not None:
        systems = [_with_defaults(s, suite) for s in systems]
    return _unique_names(systems)


def _with_defaults(system: System, suite: Suite) -> System:
    """The default system scores every direction asked for: tarjama's default model where
    none is given (and, for the pivot, its en→ru model)."""
    from translate.models.store import DEFAULT_MODELS

    models = dict(system.models)
    targets = suite.targets() or sorted({p.split("-")[1] for p in models if p[:3] == "ar-"}) \
        or ["en", "ru"]
    for tgt in targets:
        models.setdefault(f"ar-{tgt}", DEFAULT_MODELS[("ar", tgt)])
    if "ar-ru" in models and suite.options.pivot:
        models.setdefault("ar-en", DEFAULT_MODELS[("ar", "en")])
        models.setdefault("en-ru", DEFAULT_MODELS[("en", "ru")])
    return System(system.name, models)


def _unique_names(systems: list[System]) -> list[System]:
    seen: dict[str, int] = {}
    out = []
    for s in systems:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s if seen[s.name] == 1 else System(f"{s.name}#{seen[s.name]}", s.models))
    return out


def choose_baseline(systems: Sequence[System], wanted: str) -> System:
    """The system named ``wanted`` (or the first holding model ``wanted``); "": the first."""
    if not systems:
        raise UsageError("no system to benchmark")
    if not wanted:
        return systems[0]
    for s in systems:
        if s.name == wanted:
            return s
    for s in systems:
        if wanted in s.models.values() or wanted in map(short_name, s.models.values()):
            return s
    raise UsageError(f"--baseline {wanted}: no such system or model; systems: "
                     f"{', '.join(s.name for s in systems)}")
