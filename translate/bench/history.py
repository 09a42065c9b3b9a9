"""The run history (``eval/history.jsonl``): one line per bench run, and deltas between runs.

Each line carries the run's headline numbers per row (test set × direction × system × route)
besides the path of its full JSON, so ``bench compare`` works even when a results folder was
cleaned away and a regression between two runs is visible with ``git diff`` on the history
alone. When both runs' folders are still there, their hypotheses (``hyps/``) and references
(``refs/``) give each delta a paired p-value: is B really better than A, or is it noise?
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import InputError, UsageError
from translate.fsio import atomic_write, read_lines, read_text

HEADLINE = ("BLEU", "chrF2", "chrF2++")


def history_entry(report: dict[str, Any], json_path: Path | None) -> dict[str, Any]:
    """The history line of a bench report (``runner.run_quality``'s dict)."""
    from translate.bench.report_model import Report

    r = Report.of(report)
    rows = [{
        "key": row.key,
        "models": [leg.model for leg in row.legs],
        "backend": sorted({leg.backend for leg in row.legs}),
        "beam": row.legs[0].beam if row.legs else None,
        "segments": row.segments,
        **{name: round(score.score, 2) for name, score in row.scores.items()},
        "flagged": row.flagged,
    } for row in r.rows]
    speed = report.get("speed") or {}
    return {
        "run_id": r.run_id,
        "created": r.created,
        "suite": r.suite,
        "json": str(json_path) if json_path else None,
        "git": r.versions.get("git"),
        "rows": rows,
        **({"speed": _speed_headline(speed)} if speed else {}),
    }


def _speed_headline(speed: dict[str, Any]) -> dict[str, Any]:
    """Tokens/s per model and direction (translate.bench.profile's measurements)."""
    out = {}
    for m in speed.get("models", []) if isinstance(speed.get("models"), list) else []:
        tps = m.get("tok_s")
        if isinstance(tps, int | float):
            out[f"{m.get('pair')}|{m.get('model')}"] = round(float(tps), 1)
    return out


def append_history(path: Path, entry: dict[str, Any]) -> Path:
    """Append one line; the file is rewritten atomically so a crash never leaves half a line."""
    old = read_text(path) if path.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    return atomic_write(path, old + json.dumps(entry, ensure_ascii=False) + "\n", force=True)


def read_history(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not a JSON line ({e.msg})") from None
    return out


def find_run(ref: str, history: Path) -> dict[str, Any]:
    """A run as a history entry, from a run id (or a unique prefix), ``latest`` /
    ``latest~N``, a report JSON file, or a results folder holding ``quality.json``."""
    p = Path(ref)
    if p.is_dir() and (p / "quality.json").is_file():
        p = p / "quality.json"
    if p.is_file():
        try:
            report = json.loads(read_text(p))
        except json.JSONDecodeError as e:
            raise InputError(f"{p}: not a bench report ({e.msg})") from None
        if "run_id" in report and "rows" in report:  # a history line saved on its own
            return report
        if "quality" not in report:
            raise InputError(f"{p}: not a tarjama bench quality report")
        return history_entry(report, p)
    runs = read_history(history)
    if not runs:
        raise UsageError(f"{ref}: not a file, and the history {history} is empty or missing")
    if ref == "latest" or ref.startswith("latest~"):
        back = ref.partition("~")[2] or "0"
        if not back.isdigit() or int(back) >= len(runs):
            raise UsageError(f"{ref}: the history {history} has {len(runs)} run(s)")
        return runs[-1 - int(back)]
    matches = [r for r in runs if r.get("run_id") == ref] or \
        [r for r in runs if str(r.get("run_id", "")).startswith(ref)]
    if len(matches) != 1:
        known = ", ".join(r.get("run_id", "?") for r in runs[-5:])
        what = "no run" if not matches else f"{len(matches)} runs"
        raise UsageError(f"{ref}: {what} with that id in {history} (latest: {known})")
    return matches[0]


@dataclass
class Delta:
    key: str
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else round(self.b - self.a, 2)


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> list[Delta]:
    """B minus A for every row and headline metric (rows in one run only have a None side)."""
    rows_a = {r["key"]: r for r in a.get("rows", [])}
    rows_b = {r["key"]: r for r in b.get("rows", [])}
    out = []
    for key in list(rows_a) + [k for k in rows_b if k not in rows_a]:
        ra, rb = rows_a.get(key, {}), rows_b.get(key, {})
        for metric in (*HEADLINE, "flagged"):
            if metric in ra or metric in rb:
                out.append(Delta(key, metric, ra.get(metric), rb.get(metric)))
    for engine in sorted(set(a.get("speed", {})) | set(b.get("speed", {}))):
        out.append(Delta(f"speed|{engine}", "tok/s", a.get("speed", {}).get(engine),
                         b.get("speed", {}).get(engine)))
    return out


def changed_models(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Rows whose models, backend or beam differ: the reason a delta is not a regression."""
    rows_a = {r["key"]: r for r in a.get("rows", [])}
    notes = []
    for rb in b.get("rows", []):
        ra = rows_a.get(rb["key"])
        if ra is None:
            continue
        for field in ("models", "backend", "beam"):
            if ra.get(field) != rb.get(field):
                notes.append(f"{rb['key']}: {field} {ra.get(field)} → {rb.get(field)}")
    return notes


def report_of(run: dict[str, Any]) -> tuple[dict[str, Any], Path] | None:
    """The full report of a history entry and its folder, when its quality.json is still
    there (the history names it relative to the checkout, or to the home folder as ``~``)."""
    from translate.bench.environment import repo_root

    name = run.get("json")
    if not isinstance(name, str):
        return None
    path = Path(name).expanduser()
    for candidate in (path, repo_root() / path):
        if candidate.is_file():
            try:
                return json.loads(read_text(candidate)), candidate.parent
            except (json.JSONDecodeError, InputError):
                return None
    return None


def paired_tests(a: dict[str, Any], b: dict[str, Any], metrics: tuple[str, ...] = ("bleu", "chrf"),
                 tokenize: str = "13a") -> tuple[dict[str, dict[str, Any]], list[str]]:
    """B against A on each row both runs have, from the hypotheses and references their
    folders kept: {key: {metric: {"p_bootstrap", "p_ar"}}}, and why a row has none."""
    from translate.score import compare_systems

    found_a, found_b = report_of(a), report_of(b)
    if found_a is None or found_b is None:
        missing = [r.get("run_id", "?") for r, f in ((a, found_a), (b, found_b)) if f is None]
        return {}, [f"no p-values: the results folder of {', '.join(missing)} is gone "
                    "(deltas come from the history alone)"]
    rows_a = {r["key"]: r for r in found_a[0]["quality"]["rows"]}
    out: dict[str, dict[str, Any]] = {}
    why: list[str] = []
    for rb in found_b[0]["quality"]["rows"]:
        ra = rows_a.get(rb["key"])
        if ra is None:
            continue
        files = [ra.get("hypotheses_file"), ra.get("references_file"),
                 rb.get("hypotheses_file"), rb.get("references_file")]
        if not all(files) or ra["level"] != "line" or ra["segments"] < 2:
            why.append(f"{rb['key']}: no p-value (no kept segments, or a one-segment document)")
            continue
        dirs = [found_a[1], found_a[1], found_b[1], found_b[1]]
        try:
            hyp_a, ref_a, hyp_b, ref_b = (read_lines(d / f) for d, f in
                                          zip(dirs, files, strict=True))  # type: ignore[operator]
        except (InputError, UsageError, OSError):
            why.append(f"{rb['key']}: no p-value (its hyps/ or refs/ files are gone)")
            continue
        if ref_a != ref_b:
            why.append(f"{rb['key']}: no p-value (the runs used different references)")
            continue
        cmp = compare_systems([("A", hyp_a), ("B", hyp_b)], [ref_a], metrics, tokenize)
        out[rb["key"]] = {name: {"p_bootstrap": cell.get("p_bootstrap"), "p_ar": cell.get("p_ar")}
                          for name, cell in cmp.systems[1].scores.items()}
    return out, why


@dataclass
class Comparison:
    """What ``tarjama bench compare`` prints: lines for people, the same as data."""

    lines: list[str]
    data: dict[str, Any]

    def to_text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return self.data


def compare(run_a: str, run_b: str, history: Path | None = None) -> Comparison:
    """``tarjama bench compare``: run B against run A, row by row."""
    from dataclasses import asdict

    from translate.bench.quality_report import compare_lines
    from translate.bench.runner import default_locations

    history = history or default_locations()[1]
    a, b = find_run(run_a, history), find_run(run_b, history)
    deltas, notes = compare_runs(a, b), changed_models(a, b)
    tests, untested = paired_tests(a, b)
    data = {"a": a.get("run_id"), "b": b.get("run_id"),
            "rows": [{**asdict(d), "delta": d.delta,
                      **tests.get(d.key, {}).get(d.metric, {})} for d in deltas],
            "changed": notes, "untested": untested}
    return Comparison(compare_lines(a, b, deltas, notes, tests, untested), data)
