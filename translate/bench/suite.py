"""Bench suites: which models, test sets, directions and options a run uses (TOML).

A suite file names everything a run needs so it can be repeated; options given on the command
line override it. Unknown keys are errors that name the key, the table and the keys allowed
(as OpusFilter reports unknown filter parameters): a misspelt ``tokenise`` must not silently
fall back to a default and give numbers that look comparable but are not.

    name = "opus-mt-leaderboard"
    description = "..."
    directions = ["ar-en", "ar-ru"]          # optional: default = the models' directions
    testsets = ["ntrex128", "flores200"]     # names, paths, or tables {path = ..., lang = ...}

    [models]                                 # LANG (from Arabic) or SRC-TGT = hub id or path
    en = "Helsinki-NLP/opus-mt-ar-en"
    ru = "Helsinki-NLP/opus-mt-ar-ru"

    [systems.nllb-600m]                      # or several named systems, compared side by side
    ar-en = "facebook/nllb-200-distilled-600M"
    ar-ru = "facebook/nllb-200-distilled-600M"
    en-ru = "facebook/nllb-200-distilled-600M"   # an en-ru model adds the pivot ar→en→ru

    [options]                                # see OPTION_KEYS
    beam = 4
    segment = false
    baseline = "nllb-600m"                   # paired significance of every row against it

Relative paths (models, test sets, data_dir) are taken from the suite file's folder when
something is there, so a suite works from any working directory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from translate.errors import InputError, UsageError
from translate.fsio import read_bytes
from translate.values import DecodeOptions

TOP_KEYS = {"name", "description", "models", "systems", "testsets", "directions", "options"}
DEFAULT_SYSTEM = "default"  # the system of a suite's [models] (and of --model without a suite)
TESTSET_KEYS = {"name", "path", "lang", "limit"}


_DECODE = DecodeOptions()


@dataclass
class SuiteOptions:
    """Everything that changes the numbers, recorded with them."""

    backend: str = "auto"
    beam: int = 4
    batch_size: int = 16
    device: str = "auto"
    threads: int = 0
    compute_type: str = "auto"
    max_input_length: int = 400
    # decoding, as translate takes it: DecodeOptions' names and defaults (the TOML is flat)
    max_decoding_length: int = _DECODE.max_decoding_length
    length_penalty: float = _DECODE.length_penalty
    sampling_topk: int = _DECODE.sampling_topk
    sampling_topp: float = _DECODE.sampling_topp
    sampling_temperature: float = _DECODE.sampling_temperature
    seed: int = _DECODE.seed
    metrics: list[str] = field(default_factory=lambda: ["bleu", "chrf", "chrf++"])
    tokenize: str = "13a"
    confidence: bool = True
    significance: bool = True
    checks: bool = True
    segment: bool = True
    pivot: bool | None = None  # None: when an en-ru model is configured
    limit: int = 0  # first N segments of each line-level test set (0: all)
    data_dir: str = ""
    download: bool = True
    speed: bool = False  # also each model's speed and memory (translate.bench.profile)
    forced_tokens: int = 0  # speed: every output this long (random-weight shape models)
    baseline: str = ""  # the system (or model) every row is tested against; "": the first


OPTION_KEYS = {f.name for f in fields(SuiteOptions)}


@dataclass
class Suite:
    name: str = "adhoc"
    description: str = ""
    models: dict[str, str] = field(default_factory=dict)  # "ar-en" -> spec (DEFAULT_SYSTEM)
    systems: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> {pair: spec}
    testsets: list[dict[str, Any]] = field(default_factory=list)  # {"name"|"path", "lang"...}
    directions: list[str] = field(default_factory=list)
    options: SuiteOptions = field(default_factory=SuiteOptions)
    path: str = ""

    def targets(self) -> list[str]:
        """Target languages from Arabic that the run scores."""
        if self.directions:
            return [d.split("-", 1)[1] for d in self.directions]
        pairs = [*self.models, *(p for models in self.systems.values() for p in models)]
        return sorted({k.split("-", 1)[1] for k in pairs if k.startswith("ar-")})

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {"name": self.name, "description": self.description, "path": self.path,
                "models": dict(self.models),
                "systems": {k: dict(v) for k, v in self.systems.items()},
                "testsets": list(self.testsets),
                "directions": self.directions or [f"ar-{t}" for t in self.targets()],
                "options": asdict(self.options)}


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise UsageError("reading a suite needs tomli on Python < 3.11: "
                             "pip install tomli") from None
    return tomllib


def load_suite(path: str | Path) -> Suite:
    """Parse and check a suite file; every problem is a UsageError naming the file."""
    p = Path(path)
    data = read_bytes(p)
    try:
        raw = _toml().loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{p}: not valid UTF-8") from None
    except ValueError as e:  # tomllib.TOMLDecodeError: report line and column, no traceback
        raise UsageError(f"{p}: invalid TOML: {e}") from None
    return suite_from_dict(raw, base=p.resolve().parent, where=str(p))


def suite_from_dict(raw: dict[str, Any], *, base: Path | None = None,
                    where: str = "suite") -> Suite:
    _unknown(raw, TOP_KEYS, where, "top level")
    suite = Suite(name=_typed(raw, "name", str, where, "adhoc"),
                  description=_typed(raw, "description", str, where, ""), path=where)
    models = _typed(raw, "models", dict, where, {})
    suite.models = _models_table(models, base, f"{where}: [models]")
    for name, table in _typed(raw, "systems", dict, where, {}).items():
        if not isinstance(table, dict) or not table:
            raise UsageError(f"{where}: [systems.{name}] must be a table of SRC-TGT = model")
        suite.systems[name] = _models_table(table, base, f"{where}: [systems.{name}]")
    if suite.models and suite.systems:
        raise UsageError(f"{where}: [models] and [systems] together; put the models in a "
                         f"[systems.NAME] table")
    for d in _typed(raw, "directions", list, where, []):
        suite.directions.append(normalise_pair(str(d), f"{where}: directions"))
    for item in _typed(raw, "testsets", list, where, []):
        suite.testsets.append(_testset_entry(item, base, where))
    opts = _typed(raw, "options", dict, where, {})
    _unknown(opts, OPTION_KEYS, where, "[options]")
    suite.options = merge_options(SuiteOptions(), opts, where)
    if suite.options.data_dir:
        suite.options.data_dir = _local(suite.options.data_dir, base)
    return suite


def _models_table(table: dict[str, Any], base: Path | None, where: str) -> dict[str, str]:
    out = {}
    for key, spec in table.items():
        if not isinstance(spec, str) or not spec.strip():
            raise UsageError(f"{where} {key} must be a model id or path")
        out[normalise_pair(key, where)] = _local(spec, base)
    return out


def merge_options(options: SuiteOptions, values: dict[str, Any], where: str) -> SuiteOptions:
    """``options`` with ``values`` applied, each checked against the field's type."""
    defaults = SuiteOptions()
    for key, value in values.items():
        if key not in OPTION_KEYS:
            raise UsageError(f"{where}: unknown option {key!r}; "
                             f"allowed: {', '.join(sorted(OPTION_KEYS))}")
        expected = getattr(defaults, key)
        if key == "pivot":
            ok = value is None or isinstance(value, bool)
        elif isinstance(expected, bool):
            ok = isinstance(value, bool)
        elif isinstance(expected, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:  # int or str; TOML's true is not an int here
            ok = isinstance(value, type(expected)) and not isinstance(value, bool)
        if not ok:
            raise UsageError(f"{where}: option {key} = {value!r}: expected "
                             f"{'true/false' if key == 'pivot' else type(expected).__name__}")
        setattr(options, key, value)
    return options


def normalise_pair(key: str, where: str) -> str:
    """``en`` -> ``ar-en``; ``en-ru`` stays; anything else is refused."""
    k = key.strip().lower()
    src, sep, tgt = k.partition("-")
    if not sep:
        src, tgt = "ar", src
    if src not in ("ar", "en") or tgt not in ("en", "ru") or src == tgt:
        raise UsageError(f"{where}: {key!r} is not a direction tarjama benches "
                         "(ar-en, ar-ru, or en-ru for the pivot's second leg)")
    return f"{src}-{tgt}"


def _testset_entry(item: Any, base: Path | None, where: str) -> dict[str, Any]:
    if isinstance(item, str):
        return {"spec": _local_spec(item, base)}
    if not isinstance(item, dict):
        raise UsageError(f"{where}: testsets entries are names, paths or tables, got {item!r}")
    _unknown(item, TESTSET_KEYS, where, "a testsets table")
    spec = item.get("path") or item.get("name")
    if not isinstance(spec, str) or not spec:
        raise UsageError(f"{where}: a testsets table needs name or path")
    entry: dict[str, Any] = {"spec": _local_spec(spec, base) if "path" in item else spec}
    if "lang" in item:
        entry["spec"] = f"{item['lang']}={entry['spec']}"
    if "limit" in item:
        if not isinstance(item["limit"], int) or isinstance(item["limit"], bool):
            raise UsageError(f"{where}: testsets limit must be an integer")
        entry["limit"] = item["limit"]
    return entry


def _local_spec(spec: str, base: Path | None) -> str:
    """Each comma-separated path of a test set spec, taken from the suite's folder if there."""
    return ",".join(_local(p, base) for p in spec.split(","))


def _local(value: str, base: Path | None) -> str:
    if base is None or Path(value).is_absolute():
        return value
    candidate = base / value
    if value.startswith(("./", "../")):  # unmistakably a path: always the suite's folder
        return str(candidate.resolve())
    return str(candidate.resolve()) if candidate.exists() else value


def _typed(raw: dict[str, Any], key: str, kind: type, where: str, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise UsageError(f"{where}: {key} must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _unknown(table: dict[str, Any], allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)} in {what}; "
                         f"allowed: {', '.join(sorted(allowed))}")
