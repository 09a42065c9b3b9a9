"""The server's Prometheus series, in a registry of its own (one per app, so tests and several
apps in one process never share counters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    from translate.serve.service import BatchStats


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.requests = Counter("tarjama_requests", "HTTP requests answered",
                                ["path", "status"], registry=r)
        self.latency = Histogram("tarjama_request_seconds", "Request latency", ["path"],
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30),
                                 registry=r)
        self.batch_requests = Histogram("tarjama_batch_requests", "Requests per engine batch",
                                        buckets=(1, 2, 4, 8, 16, 32, 64, 128), registry=r)
        self.batch_segments = Histogram("tarjama_batch_segments", "Segments per engine batch",
                                        buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=r)
        self.queue_depth = Gauge("tarjama_queue_depth", "Requests waiting for a batch",
                                 registry=r)
        self.segments = Counter("tarjama_segments_translated", "Segments decoded by an engine",
                                registry=r)
        self.cache_hits = Counter("tarjama_cache_hits", "Segments answered by the cache",
                                  registry=r)
        self.tokens = Counter("tarjama_output_tokens", "Output tokens decoded", registry=r)
        self.tokens_per_second = Gauge("tarjama_tokens_per_second",
                                       "Output tokens per second of the last batch", registry=r)
        self.cancelled = Counter("tarjama_requests_cancelled",
                                 "Requests dropped before decoding: the client went away",
                                 registry=r)

    def batch(self, stats: BatchStats, seconds: float) -> None:
        self.batch_requests.observe(stats.requests)
        self.batch_segments.observe(stats.segments)
        self.segments.inc(stats.segments)
        self.cache_hits.inc(stats.cache_hits)
        self.tokens.inc(stats.output_tokens)
        if seconds > 0:
            self.tokens_per_second.set(stats.output_tokens / seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)  # type: ignore[no-any-return]
