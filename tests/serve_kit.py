"""A real `tarjama serve` in a subprocess, on a free loopback port, for the serve tests.

Every wait is bounded; the server is stopped (SIGTERM, then kill) when the test is done.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = Path(__file__).resolve().parent / "data" / "article.ar.txt"
START_TIMEOUT = 180  # seconds: loading torch and two models on two busy cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sentences() -> list[str]:
    """Arabic sentences the fixture models translate exactly (a line of the test article)."""
    lines = [x for x in ARTICLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [x for x in lines[1:] if len(x) > 40]


class Server:
    """``tarjama serve`` started with ``args`` (models and backend added), ready when built."""

    def __init__(self, models: dict[str, Path], tmp: Path, *args: str,
                 backend: str = "transformers") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"serve-{self.port}.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
               "TARJAMA_CACHE": str(tmp / f"cache-{self.port}.sqlite")}
        cmd = [sys.executable, "-m", "translate", "serve", "--port", str(self.port),
               "--backend", backend, "--beam", "1",
               *(x for lang, path in models.items() for x in ("-m", f"{lang}={path}")), *args]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=log,
                                         stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server not ready in {START_TIMEOUT} s: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def get(self, path: str, **kw: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=120, **kw)  # type: ignore[arg-type]

    def post(self, path: str, **kw: object) -> httpx.Response:
        return httpx.post(self.url + path, timeout=120, **kw)  # type: ignore[arg-type]

    def metric(self, name: str) -> float:
        """The value of one unlabelled series (``_total``/``_sum``/``_count`` included)."""
        for line in self.get("/metrics").text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise KeyError(name)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(timeout=30)
