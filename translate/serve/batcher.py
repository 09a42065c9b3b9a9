"""Dynamic batching: requests that arrive close together share one engine call.

A request's job waits in a bounded queue. The worker takes the first job, then keeps taking
jobs for at most ``window_ms`` (or until ``max_batch`` segments are collected), and hands the
lot to one ``Service.translate_jobs`` call on the decoding thread: one engine call per target
language, the segments of all the jobs sorted by length together. While that call runs, new
requests queue up; the next batch takes them at once, so under load batches fill by themselves
and the window only matters when the server is idle.

A job whose client went away before its batch started is dropped unread (its future is
cancelled): a disconnect costs the server nothing beyond that request's own work.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from translate.errors import TarjamaError
from translate.pipeline import DECODE_THREAD
from translate.serve.service import BatchStats, Job, Service
from translate.serve.settings import ServeSettings


class QueueFull(TarjamaError):
    """Too many requests waiting: the client should retry after ``retry_after`` seconds."""

    def __init__(self, waiting: int, retry_after: int) -> None:
        super().__init__(f"Slowdown: {waiting} requests are waiting; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Pending:
    job: Job
    future: asyncio.Future[BatchStats]


class Batcher:
    def __init__(self, service: Service, settings: ServeSettings,
                 on_batch: Callable[[BatchStats, float], None] | None = None,
                 on_depth: Callable[[int], None] | None = None,
                 on_cancelled: Callable[[], None] | None = None) -> None:
        self.service = service
        self.settings = settings
        self.on_batch, self.on_depth, self.on_cancelled = on_batch, on_depth, on_cancelled
        self.queue: asyncio.Queue[_Pending] = asyncio.Queue()
        # Requests accepted but not yet decoding (queued, or collected into the next batch):
        # the bound is on these, so memory is bounded whatever the window.
        self.waiting = 0
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=DECODE_THREAD)
        self._task: asyncio.Task[None] | None = None
        self._last_batch_seconds = 1.0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.executor.shutdown(wait=True, cancel_futures=True)

    async def call(self, fn: Callable[..., object], *args: object) -> object:
        """Run ``fn`` on the decoding thread (model loading, anything touching the engines)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def submit(self, job: Job) -> asyncio.Future[BatchStats]:
        """Queue ``job``; the future is done when its article carries its translations."""
        if self.waiting >= self.settings.max_queue:
            raise QueueFull(self.waiting, max(1, round(self._last_batch_seconds + 0.5)))
        future: asyncio.Future[BatchStats] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(_Pending(job, future))
        self._depth(+1)
        return future

    def _depth(self, change: int) -> None:
        self.waiting += change
        if self.on_depth:
            self.on_depth(self.waiting)

    async def _next(self, timeout: float | None) -> _Pending | None:
        """The next job whose client is still waiting, or None when the window closed."""
        while True:
            try:
                item = self.queue.get_nowait() if timeout is not None and timeout <= 0 else \
                    await asyncio.wait_for(self.queue.get(), timeout)
            except (asyncio.TimeoutError, asyncio.QueueEmpty):
                return None
            if not item.future.cancelled():
                return item
            self._depth(-1)
            if self.on_cancelled:
                self.on_cancelled()

    async def _collect(self) -> list[_Pending]:
        first = await self._next(None)
        assert first is not None
        batch, size = [first], first.job.size
        if not self.settings.batching:
            return batch
        deadline = time.monotonic() + self.settings.window_ms / 1000
        while size < self.settings.max_batch:
            item = await self._next(deadline - time.monotonic())
            if item is None:
                break
            batch.append(item)
            size += item.job.size
        return batch

    async def _run(self) -> None:
        while True:
            batch = await self._collect()
            self._depth(-len(batch))
            live = [p for p in batch if not p.future.cancelled()]
            if len(live) < len(batch) and self.on_cancelled:
                for _ in range(len(batch) - len(live)):
                    self.on_cancelled()
            if not live:
                continue
            started = time.perf_counter()
            try:
                stats = await self.call(self.service.translate_jobs, [p.job for p in live])
            except Exception as e:  # every waiting request gets the error, none hangs
                for p in live:
                    if not p.future.done():
                        p.future.set_exception(e)
                continue
            elapsed = time.perf_counter() - started
            self._last_batch_seconds = elapsed
            assert isinstance(stats, BatchStats)
            if self.on_batch:
                self.on_batch(stats, elapsed)
            for p in live:
                if not p.future.done():
                    p.future.set_result(stats)
