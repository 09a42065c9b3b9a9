"""`tarjama serve`: the LibreTranslate-compatible server (translate.serve)."""

from __future__ import annotations

from typing import Annotated

import typer

from translate.cli.common import command, parse_assignments
from translate.cli.options import (
    DEFAULT_BEAM,
    DEFAULT_THREADS,
    BeamOption,
    Choice,
    ModelOption,
    ThreadsOption,
)
from translate.engines import BACKENDS


@command
def serve_command(
    model: ModelOption = None,
    to: Annotated[str | None, typer.Option(
        "--to", show_default=False, help="Languages served, comma-separated (default: en,ru, "
        "or those --model names).")] = None,
    backend: Annotated[str, typer.Option(
        parser=Choice(lambda: ("auto", *BACKENDS)),
        help="auto: ctranslate2 when the model is or can be converted.")] = "auto",
    host: Annotated[str, typer.Option(
        help="Address to bind; 0.0.0.0 exposes the server to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 5000,
    api_key: Annotated[list[str] | None, typer.Option(
        "--api-key", metavar="KEY|@FILE", help="Accept only requests with this key "
        "(repeatable; @FILE: one key a line); others get 403.")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="A corpus database to serve read-only (/v1/corpus, /page).")] = None,
    window_ms: Annotated[float, typer.Option(
        "--window-ms", min=0, help="How long a batch waits for more requests (ms).")] = 5.0,
    max_batch: Annotated[int, typer.Option(
        "--max-batch", min=1, help="Segments per engine call at most.")] = 64,
    batching: Annotated[bool, typer.Option(
        help="--no-batching: one engine call per request (for comparison).")] = True,
    max_queue: Annotated[int, typer.Option(
        "--max-queue", min=1, help="Requests waiting at most; more get 429.")] = 256,
    char_limit: Annotated[int, typer.Option(
        "--char-limit", min=-1, help="Characters per request at most (-1: no limit).")] = 5000,
    max_body: Annotated[int, typer.Option(
        "--max-body", min=1, help="Bytes per request body at most; more get 413.")] = 1_000_000,
    grace: Annotated[float, typer.Option(
        min=0, help="Seconds SIGTERM waits for the requests in flight.")] = 10.0,
    beam: BeamOption = DEFAULT_BEAM,
    threads: ThreadsOption = DEFAULT_THREADS,
    cache: Annotated[bool, typer.Option(
        help="Answer repeats from the translation cache (TARJAMA_CACHE).")] = True,
) -> None:
    """Serve translation over HTTP: LibreTranslate's API, tarjama's /v1 API, the corpus.

    Models are loaded once at start-up; GET /healthz answers 200 when they are. Requests that
    arrive together are translated together (one engine call per language). API docs: /docs.

    Examples:

      tarjama serve --model en=DIR --model ru=DIR

      tarjama serve --port 8080 --api-key @keys.txt --db corpus.sqlite

      curl -s localhost:5000/translate -d q=مرحبا -d source=ar -d target=en
    """
    from translate.pipeline import resolve_targets
    from translate.serve.server import read_api_keys, serve
    from translate.serve.settings import ServeSettings
    from translate.values import DecodeOptions

    models = parse_assignments(model, "--model")
    serve(ServeSettings(
        models=models, targets=resolve_targets(to, models), backend=backend, host=host,
        port=port, api_keys=read_api_keys(api_key), db=db, window_ms=window_ms,
        max_batch=max_batch, batching=batching, max_queue=max_queue, char_limit=char_limit,
        max_body=max_body, grace=grace, use_cache=cache,
        decoding=DecodeOptions(beam=beam, threads=threads)))
