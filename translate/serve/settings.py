"""What `tarjama serve` is asked, in the library's terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from translate.values import BackendOptions, DecodeOptions


@dataclass
class ServeSettings:
    models: dict[str, str] = field(default_factory=dict)  # --model LANG=SPEC
    targets: list[str] = field(default_factory=lambda: ["en", "ru"])
    backend: str = "auto"
    decoding: DecodeOptions = field(default_factory=DecodeOptions)
    backend_options: dict[str, BackendOptions] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 5000
    api_keys: frozenset[str] = frozenset()  # empty: no key needed
    db: str | None = None  # a corpus database, served read-only
    window_ms: float = 5.0  # how long the batcher waits for more requests after the first
    max_batch: int = 64  # segments per engine call at most
    batching: bool = True  # False: every request is its own engine call (the baseline)
    max_queue: int = 256  # requests waiting at most; more get 429
    char_limit: int = 5000  # characters per request; more get 400
    max_body: int = 1_000_000  # bytes per request body; more get 413
    grace: float = 10.0  # seconds SIGTERM waits for in-flight requests
    use_cache: bool = True
    checks: bool = True
