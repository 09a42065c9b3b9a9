"""The ASGI app: routes (``libre``, ``v1``), limits, API keys, error JSON, health, metrics.

Every error a client can see is ``{"error": "..."}`` with a 4xx/5xx status, as LibreTranslate
answers; a bug is logged server-side and answered with a one-line 500, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from translate.errors import TarjamaError, UsageError
from translate.serve.batcher import Batcher, QueueFull
from translate.serve.metrics import Metrics
from translate.serve.service import Job, Service
from translate.serve.settings import ServeSettings

log = logging.getLogger("tarjama.serve")

# Open without a key: what a client reads before it has one, and the health probe.
OPEN_PATHS = {"/healthz", "/languages", "/frontend/settings", "/docs", "/openapi.json",
              "/docs/oauth2-redirect", "/redoc"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class State:
    """What the routes share: the settings, the models, the batcher, the metrics."""

    def __init__(self, settings: ServeSettings, service: Service) -> None:
        self.settings = settings
        self.service = service
        self.metrics = Metrics()
        self.batcher = Batcher(service, settings, on_batch=self.metrics.batch,
                               on_depth=self.metrics.queue_depth.set,
                               on_cancelled=self.metrics.cancelled.inc)

    def check_ready(self) -> None:
        if not self.service.ready.is_set():
            raise ApiError(503, "models are loading" if self.service.load_error is None
                           else f"models failed to load: {self.service.load_error}",
                           {"Retry-After": "5"})

    async def run(self, request: Request, jobs: list[Job]) -> None:
        """Queue the jobs and wait for them, unless the client goes away first: then they are
        cancelled, and a job whose batch has not started is never decoded."""
        self.check_ready()
        futures = []
        try:
            for job in jobs:
                futures.append(self.batcher.submit(job))
        except QueueFull as e:
            for f in futures:
                f.cancel()
            raise ApiError(429, str(e), {"Retry-After": str(e.retry_after)}) from None
        done: asyncio.Future[Any] = asyncio.ensure_future(asyncio.gather(*futures))
        gone: asyncio.Future[Any] = asyncio.ensure_future(_disconnected(request))
        try:
            await asyncio.wait({done, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if not done.done():
            done.cancel()
            for f in futures:
                f.cancel()
            raise ApiError(499, "client closed the request")
        done.result()  # a failed batch raises here

    def check_chars(self, texts: list[str]) -> None:
        chars = sum(len(t) for t in texts)
        limit = self.settings.char_limit
        if limit >= 0 and chars > limit:
            raise ApiError(400, f"Invalid request: Request ({chars}) exceeds character limit "
                                f"({limit})")


async def _disconnected(request: Request) -> None:
    """Returns when the client has closed the connection (the body is already read, so the
    next ASGI message is the disconnect)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def fields(request: Request) -> dict[str, Any]:
    """A request's fields from a JSON or a form body (LibreTranslate takes both), and the
    query string."""
    out: dict[str, Any] = {k: v for k, v in request.query_params.items()}
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or (not kind and body[:1] in (b"{", b"[")):
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        out.update(data)
    elif kind == "multipart/form-data":
        raise ApiError(400, "send the fields as JSON or application/x-www-form-urlencoded")
    elif body:
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise ApiError(400, "Invalid request: the form body is not UTF-8") from None
        out.update({k: v if len(v) > 1 else v[0] for k, v in form.items()})
    return out


def _body_key(body: bytes, content_type: str) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == "application/json" or body[:1] == b"{":
            data = json.loads(body)
            return str(data.get("api_key")) if isinstance(data, dict) and \
                data.get("api_key") is not None else None
        if kind == "application/x-www-form-urlencoded":
            return parse_qs(body.decode("utf-8")).get("api_key", [None])[0]
    except (ValueError, UnicodeDecodeError):
        return None
    return None


class Guard:
    """Pure ASGI middleware: body size (413), API key (403), metrics, and a last net that turns
    any escaped exception into a one-line JSON 500."""

    def __init__(self, app: Any, state: State) -> None:
        self.app, self.state = app, state
        self.on_load_failed: Callable[[], None] | None = None  # the server stops itself

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]],
                       send: Callable[[MutableMapping[str, Any]], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        path = scope["path"]

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            refused, replay = await self._screen(scope, receive)
            if refused is not None:
                await refused(scope, receive, sending)
            else:
                await self.app(scope, replay, sending)
        except Exception:
            log.exception("unhandled error on %s", path)
            if status["code"] == 500:  # nothing sent yet
                await error(500, "internal server error")(scope, receive, sending)
        finally:
            # a bounded label set: the route's template (/page/{article_id}); paths that
            # match no route are one label, not one each
            label = getattr(scope.get("route"), "path", None) or "(unmatched)"
            self.state.metrics.requests.labels(label, str(status["code"])).inc()
            self.state.metrics.latency.labels(label).observe(time.perf_counter() - started)

    async def _screen(self, scope: dict, receive: Callable[[], Awaitable[dict]]
                      ) -> tuple[Response | None, Callable[[], Awaitable[dict]]]:
        """Read the body (refusing it once it is over the limit) and check the key."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        limit = self.state.settings.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return error(413, f"Request body larger than {limit} bytes"), receive
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                return error(413, f"Request body larger than {limit} bytes"), receive
        body = b"".join(chunks)
        keys = self.state.settings.api_keys
        if keys and scope["path"] not in OPEN_PATHS:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            auth = headers.get("authorization", "")
            given = {query.get("api_key", [""])[0], headers.get("x-api-key", ""),
                     auth[7:] if auth.lower().startswith("bearer ") else "",
                     _body_key(body, headers.get("content-type", "")) or ""}
            if not given & keys:
                return error(403, "Invalid API key"), receive
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return None, replay


def create_app(settings: ServeSettings, service: Service | None = None) -> Any:
    """The app; models load in the background on start-up (``/healthz`` says when ready)."""
    from translate.serve import libre, v1

    state = State(settings, service or Service(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.batcher.start()
        loading = asyncio.ensure_future(state.batcher.call(state.service.load))
        loading.add_done_callback(lambda task: _loaded(task, guard))
        yield
        await state.batcher.stop()

    app = FastAPI(title="tarjama", lifespan=lifespan,
                  description="Arabic → English and Russian translation: a LibreTranslate-"
                              "compatible API, tarjama's own /v1 API, the corpus and its pages.")
    app.state.tarjama = state

    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError) -> JSONResponse:
        return error(e.status, e.message, e.headers)

    @app.exception_handler(TarjamaError)
    async def tarjama_error(request: Request, e: TarjamaError) -> JSONResponse:
        return error(400 if isinstance(e, UsageError) else 500, str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        what = "Invalid JSON format" if first.get("type") == "json_invalid" else \
            f"Invalid request: {where + ': ' if where else ''}{first.get('msg', 'bad body')}"
        return error(400, what)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        return error(e.status_code, str(e.detail), dict(e.headers or {}))

    @app.get("/healthz", tags=["server"])
    async def healthz() -> JSONResponse:
        """200 once the models are loaded (503 while loading or when loading failed)."""
        s = state.service
        if s.ready.is_set():
            return JSONResponse({"status": "ready", "models": s.model_info()})
        return JSONResponse({"status": "loading" if s.load_error is None else "failed",
                             "error": s.load_error}, status_code=503)

    @app.get("/metrics", tags=["server"], response_class=PlainTextResponse)
    async def metrics() -> Response:
        """Prometheus text format: requests, latency, batch sizes, queue depth, tokens/s."""
        return Response(state.metrics.render(), media_type=state.metrics.content_type)

    app.include_router(libre.router(state))
    app.include_router(v1.router(state))
    guard = Guard(app, state)
    return guard


def _loaded(task: asyncio.Future[Any], guard: Guard) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.error("models failed to load: %s", task.exception())
        if guard.on_load_failed is not None:
            guard.on_load_failed()
    else:
        log.info("models loaded; ready")
