"""Run the app under uvicorn: bind, serve until SIGTERM or Ctrl-C, drain, exit cleanly.

On SIGTERM uvicorn stops accepting connections and waits up to ``grace`` seconds for the
requests in flight (the batcher keeps decoding for them meanwhile); then the app shuts down.
uvicorn re-raises the signal it caught once it is done; the handler installed here makes that
a no-op, so the process exits 0 instead of dying of the signal.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

from translate.errors import MissingExtraError, UsageError
from translate.serve.settings import ServeSettings


def read_api_keys(values: list[str] | None) -> frozenset[str]:
    """``--api-key KEY`` (repeatable) or ``--api-key @FILE`` (one key a line, # comments)."""
    keys: set[str] = set()
    for v in values or []:
        if v.startswith("@"):
            try:
                text = Path(v[1:]).read_text(encoding="utf-8")
            except OSError as e:
                raise UsageError(f"--api-key {v}: {e.strerror or e}") from None
            keys.update(x.strip() for x in text.splitlines()
                        if x.strip() and not x.lstrip().startswith("#"))
        elif v.strip():
            keys.add(v.strip())
    if values and not keys:
        raise UsageError("--api-key: no key given (an empty file?)")
    return frozenset(keys)


def serve(settings: ServeSettings) -> None:
    """Serve until stopped. A model that fails to load stops the server with its error."""
    try:
        import uvicorn

        from translate.serve.app import create_app
    except ModuleNotFoundError as e:
        raise MissingExtraError(e.name or "fastapi", "serve") from None
    from translate.serve.service import Service

    logging.basicConfig(level=logging.INFO, format="tarjama: %(message)s")
    service = Service(settings)  # a bad --model or pair fails here, before binding
    app = create_app(settings, service)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, lifespan="on",
                            # None would wait for ever; --grace 0 means not at all
                            timeout_graceful_shutdown=settings.grace,  # type: ignore[arg-type]
                            log_level="info", access_log=False)
    server = uvicorn.Server(config)
    app.on_load_failed = lambda: setattr(server, "should_exit", True)
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
    if service.load_exception is not None:
        raise service.load_exception
    if not server.started:
        raise UsageError(f"cannot serve on {settings.host}:{settings.port} (in use?)")
