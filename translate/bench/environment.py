"""Where a benchmark ran: the checkout, the machine, the package versions (recorded with every
result, so a number can be read against what produced it)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def repo_root() -> Path:
    """The checkout this package runs from (seeds/, eval/ live there)."""
    return Path(__file__).resolve().parents[2]


def machine_info() -> dict[str, Any]:
    """The machine as a benchmark sees it; the load average says how busy it was."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model() or platform.processor(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average": os.getloadavg(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return info


def versions() -> dict[str, Any]:
    """Package versions from metadata (nothing heavy is imported) and the checkout's commit."""
    from importlib import metadata

    from translate import __version__

    out: dict[str, Any] = {"tarjama": __version__, "python": platform.python_version()}
    for dist in ("sacrebleu", "torch", "transformers", "ctranslate2", "sentencepiece"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    out["git"] = _git_commit()
    return out


def _git_commit() -> str | None:
    root = repo_root()
    if not (root / ".git").exists():
        return None
    try:
        res = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if res.returncode != 0:
        return None
    return res.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB (a benchmark measures each engine in its own).

    On Linux, /proc's VmHWM: getrusage's ru_maxrss survives exec, so a child started by a
    parent that held a large model would report the parent's peak, not its own."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except (OSError, ValueError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
