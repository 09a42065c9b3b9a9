"""`tarjama serve`: a LibreTranslate-compatible HTTP server with dynamic batching.

- ``settings``: what the command is asked (ServeSettings);
- ``service``: the models, loaded once and shared (``load_service``), and one batch of requests
  translated through the pipeline (``Service.translate_jobs``);
- ``batcher``: the bounded queue that groups requests arriving within a window into one engine
  call per target language;
- ``app``: the ASGI app (FastAPI), its limits and error JSON; ``libre`` and ``v1`` the routes;
  ``metrics`` the Prometheus series.

Nothing here is imported by ``tarjama --help``: fastapi, uvicorn and prometheus-client are the
``serve`` extra, imported when the command runs.
"""
