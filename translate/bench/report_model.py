"""A quality bench report, typed: what ``quality.json`` holds, read once into dataclasses.

The report is written as JSON (``quality.json``) and read back by the markdown, the charts, the
terminal table, the history line and ``bench compare`` (from disk, perhaps from an older
version). Each of them used to dig into the dict by string keys; ``Report.of(report)`` reads it
once, here, with the defaults an older file needs, and the readers use attributes. The JSON
stays the one format on disk: these types are a view of it, not a second schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonObject = Mapping[str, Any]  # one object of quality.json as json.loads gives it


@dataclass(frozen=True)
class Score:
    score: float
    ci: float | None = None  # the bootstrap 95% confidence interval, when computed


@dataclass(frozen=True)
class Leg:
    """One model of a row's route (a pivot row has two)."""

    model: str
    backend: str
    beam: int | None


@dataclass(frozen=True)
class VsBaseline:
    """A row's score minus the baseline row's, and the paired tests' p-values."""

    delta: float
    p_bootstrap: float | None
    p_ar: float | None


@dataclass(frozen=True)
class Row:
    key: str
    testset: str
    pair: str
    route: str
    system: str
    legs: list[Leg]
    segments: int
    level: str  # "line" or "document"
    scores: dict[str, Score]
    errors: int
    seconds: float
    flagged: int | None  # test segments with at least one QA flag (None: checks were off)
    sentences: int  # sentences the checks looked at
    by_check: dict[str, int]
    is_baseline: bool
    vs_baseline: dict[str, VsBaseline]

    @classmethod
    def of(cls, r: JsonObject) -> Row:
        flags, sig = r.get("flags") or {}, r.get("significance") or {}
        return cls(
            key=r["key"], testset=r["testset"], pair=r["pair"], route=r["route"],
            system=r["system"],
            legs=[Leg(str(m.get("model")), str(m.get("backend")), m.get("beam"))
                  for m in r.get("models", [])],
            segments=r["segments"], level=r.get("level", "line"),
            scores={name: Score(s["score"], s.get("ci")) for name, s in r["scores"].items()},
            errors=r.get("errors", 0), seconds=r.get("seconds", 0.0),
            flagged=flags.get("segments_flagged"), sentences=flags.get("sentences", 0),
            by_check=dict(flags.get("by_check", {})),
            is_baseline=bool(sig.get("is_baseline")),
            vs_baseline={name: VsBaseline(c["delta"], c.get("p_bootstrap"), c.get("p_ar"))
                         for name, c in (sig.get("scores") or {}).items() if c})


@dataclass(frozen=True)
class PivotTest:
    """A system's pivot ar→en→X against its direct ar→X on one test set."""

    testset: str
    pair: str
    system: str
    direct: dict[str, float]
    pivot: dict[str, float]
    delta: dict[str, float]
    tests: dict[str, tuple[float | None, float | None]]  # metric → (p bootstrap, p AR)

    @classmethod
    def of(cls, p: JsonObject) -> PivotTest:
        systems = {s["name"]: s for s in (p.get("significance") or {}).get("systems", [])}
        cells = systems.get("pivot-en", {}).get("scores", {})
        return cls(p["testset"], p["pair"], p.get("system", ""), dict(p["direct"]),
                   dict(p["pivot"]), dict(p["delta"]),
                   {m: (c.get("p_bootstrap"), c.get("p_ar")) for m, c in cells.items()})


@dataclass(frozen=True)
class Published:
    model: str
    pair: str
    testset: str
    bleu: float | None
    chrf: float
    source: str


@dataclass(frozen=True)
class Speed:
    what: str
    forced_tokens: int | None
    models: list[dict[str, Any]]  # per model: the columns of quality_report.SPEED_COLUMNS


@dataclass(frozen=True)
class Report:
    suite: str
    run_id: str
    created: str
    command: list[str] | None
    baseline: str | None
    rows: list[Row]
    signatures: dict[str, str]
    pivot: list[PivotTest]
    published: list[Published]
    attributions: list[str]  # the test sets' licences and credits
    versions: dict[str, str | None]
    machine: dict[str, Any]
    speed: Speed | None = None
    systems: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, report: JsonObject) -> Report:
        q = report["quality"]
        speed = report.get("speed")
        return cls(
            suite=report["suite"]["name"], run_id=report["run_id"],
            created=report.get("created", ""), command=report.get("command"),
            baseline=report.get("baseline"),
            rows=[Row.of(r) for r in q["rows"]], signatures=dict(q.get("signatures", {})),
            pivot=[PivotTest.of(p) for p in q.get("pivot", [])],
            published=[Published(p["model"], p["pair"], p["testset"], p.get("BLEU"),
                                 p.get("chrF", 0.0), p.get("source", ""))
                       for p in q.get("published", [])],
            attributions=sorted({t["attribution"] for t in report.get("testsets", [])
                                 if t.get("attribution")}),
            versions=dict(report.get("versions", {})), machine=dict(report.get("machine", {})),
            speed=Speed(speed.get("what", ""), speed.get("forced_tokens"),
                        list(speed.get("models", [])))
            if isinstance(speed, Mapping) else None,
            systems=list(report.get("systems", [])))
