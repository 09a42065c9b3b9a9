"""LibreTranslate's API: ``POST /translate``, ``POST /detect``, ``GET /languages``,
``GET /frontend/settings`` — the same paths, fields, status codes and error JSON, so its
clients (libretranslatepy, editors' plugins, browser extensions) work unchanged.

A ``q`` is read as ``tarjama translate`` reads a text article (segmented into sentences, each
translated, paragraphs kept), so both give the same text. ``format=html`` keeps the markup and
translates only the text nodes (``translate.serve.markup``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from translate.errors import InputError
from translate.serve.app import ApiError, State, fields
from translate.serve.service import LANGUAGE_NAMES, Job

_FIELDS = {"q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
           "source": {"type": "string", "example": "ar"},
           "target": {"type": "string", "example": "en"},
           "format": {"type": "string", "enum": ["text", "html"]},
           "api_key": {"type": "string"}}


def _body(required: list[str], names: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "required": required,
              "properties": {k: _FIELDS[k] for k in names}}
    return {"requestBody": {"content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema}}}}


def router(state: State) -> APIRouter:
    r = APIRouter(tags=["LibreTranslate"])

    @r.get("/languages")
    async def languages() -> list[dict[str, Any]]:
        """The languages, each with those it translates into (LibreTranslate's shape)."""
        targets = state.service.targets
        return [{"code": "ar", "name": LANGUAGE_NAMES["ar"], "targets": targets},
                *({"code": t, "name": LANGUAGE_NAMES.get(t, t), "targets": []} for t in targets)]

    @r.get("/frontend/settings")
    async def frontend_settings() -> dict[str, Any]:
        s = state.settings
        return {"charLimit": s.char_limit, "frequencyLimit": -1, "hourlyLimit": -1,
                "apiKeys": bool(s.api_keys), "keyRequired": bool(s.api_keys),
                "suggestions": False, "filesTranslation": False, "supportedFilesFormat": [],
                "language": {"source": {"code": "ar", "name": LANGUAGE_NAMES["ar"]},
                             "target": {"code": state.service.targets[0],
                                        "name": LANGUAGE_NAMES.get(state.service.targets[0])}}}

    @r.post("/detect", openapi_extra=_body(["q"], ["q", "api_key"]))
    async def detect(request: Request) -> list[dict[str, Any]]:
        """How Arabic the text is: ``[{"language": "ar", "confidence": 0-100}]``."""
        from translate.readers.detect import script_stats

        q = (await fields(request)).get("q")
        if not q:
            raise ApiError(400, "Invalid request: missing q parameter")
        text = " ".join(q) if isinstance(q, list) else str(q)
        state.check_chars([text])
        share = script_stats(text).arabic_share
        return [{"language": "ar", "confidence": round(100 * share, 1)}]

    @r.post("/translate", openapi_extra=_body(["q", "source", "target"], list(_FIELDS)))
    async def translate(request: Request) -> dict[str, Any]:
        """Translate ``q`` (a string, or a list of strings) from Arabic into ``target``."""
        f = await fields(request)
        q, source, target = f.get("q"), f.get("source"), f.get("target")
        fmt = f.get("format") or "text"
        if not q:
            raise ApiError(400, "Invalid request: missing q parameter")
        if not source:
            raise ApiError(400, "Invalid request: missing source parameter")
        if not target:
            raise ApiError(400, "Invalid request: missing target parameter")
        if fmt not in ("text", "html"):
            raise ApiError(400, f"{fmt} format is not supported")
        texts = [str(x) for x in q] if isinstance(q, list) else [str(q)]
        state.check_chars(texts)
        state.service.check_pair("ar" if source == "auto" else str(source), str(target))
        out = await translate_texts(state, request, texts, str(target), fmt)
        answer: dict[str, Any] = {"translatedText": out if isinstance(q, list) else out[0]}
        if source == "auto":
            detected = {"language": "ar", "confidence": 100.0}
            answer["detectedLanguage"] = [detected] * len(out) if isinstance(q, list) \
                else detected
        return answer

    return r


async def translate_texts(state: State, request: Request, texts: list[str], target: str,
                          fmt: str) -> list[str]:
    """Each text (or each text node of each HTML fragment) as a text article, all queued at
    once so they share a batch; the texts come back in order."""
    import asyncio

    from translate.render.plain import TextRenderer
    from translate.serve.markup import join_nodes, split_nodes

    state.check_ready()
    pieces = [split_nodes(t) if fmt == "html" else [(t, True)] for t in texts]
    wanted = [p for doc in pieces for p, translatable in doc if translatable and p.strip()]
    articles = await asyncio.gather(*(asyncio.to_thread(_article, state, p, fmt == "html")
                                      for p in wanted))
    jobs = [Job(a, [target], checks=False) for a in articles if a is not None]
    await state.run(request, jobs)
    render = TextRenderer().render_one
    done = {p: render(a, target).rstrip("\n") if a is not None else p
            for p, a in zip(wanted, articles, strict=True)}
    out = []
    for doc in pieces:
        parts = [_keep_space(p, done[p]) if ok and p.strip() else p for p, ok in doc]
        out.append(join_nodes(doc, parts) if fmt == "html" else parts[0])
    return out


def _keep_space(source: str, translation: str) -> str:
    """A text node's surrounding white space stays, so markup around it reads the same."""
    lead = source[:len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()):]
    return f"{lead}{translation}{trail}" if translation else source


def _article(state: State, text: str, lenient: bool) -> Any:
    """The text as ``tarjama translate`` reads a text article; None for a text without any
    letters (digits, emoji: returned as they are, as LibreTranslate does), or, ``lenient``
    (a text node of HTML), one that is not Arabic."""
    from translate.readers import parse_article
    from translate.readers.detect import script_stats

    if script_stats(text).letters == 0:
        return None
    try:
        source = parse_article(text.encode("utf-8"), name="q", fmt="text")
    except InputError as e:
        if lenient:
            return None
        raise ApiError(400, str(e)) from None
    return state.service.segment(source, "q")
