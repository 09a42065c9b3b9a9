"""tarjama's own endpoints: ``/v1/translate`` (an article → the JSON ``translate -f json``
writes), ``/v1/align`` and ``/v1/score`` (the library behind ``align`` and ``score``), the corpus
read-only (``/v1/corpus/articles``) and its reading page (``/page/{id}``, the page ``corpus
export -f html`` writes, its Content-Security-Policy sent as a header too)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from translate.errors import InputError
from translate.serve.app import ApiError, State
from translate.serve.service import Job


class TranslateBody(BaseModel):
    text: str = Field(description="The Arabic article: plain text, HTML or Markdown.")
    format: Literal["auto", "text", "html", "markdown"] = "auto"
    to: list[str] | None = Field(None, description="Target languages (default: all served).")
    checks: bool = True


class AlignBody(BaseModel):
    src: list[str] = Field(description="Source segments, one per item ('.EOA' separates "
                                       "documents).")
    tgt: list[str] = Field(description="Target segments, same layout.")
    src_mt: list[str] | None = Field(None, description="MT of src into tgt's language.")
    method: Literal["auto", "bleu", "embed", "length"] = "length"
    min_score: float | None = Field(None, ge=0, le=1)


class ScoreBody(BaseModel):
    hyp: list[str]
    refs: list[list[str]] = Field(description="One or more references, each line-parallel.")
    metrics: list[str] = ["bleu", "chrf"]
    tokenize: str = "13a"
    sentence: bool = False


def router(state: State) -> APIRouter:
    r = APIRouter()

    @r.post("/v1/translate", tags=["tarjama"])
    async def translate(body: TranslateBody, request: Request) -> JSONResponse:
        """Segments with QA flags in every language asked for, in one call: the JSON that
        ``tarjama translate -f json`` writes."""
        from translate.render.json_out import JsonRenderer

        state.check_ready()
        state.check_chars([body.text])
        targets = body.to or state.service.targets
        for t in targets:
            state.service.check_pair("ar", t)
        article = await asyncio.to_thread(_article, state, body.text, body.format)
        await state.run(request, [Job(article, targets, checks=body.checks)])
        doc = JsonRenderer().render(article, targets)["all"]
        return JSONResponse(json.loads(doc))

    @r.post("/v1/align", tags=["tarjama"])
    async def align(body: AlignBody) -> dict[str, Any]:
        """Beads (0-based global indices, calibrated scores) as ``tarjama align`` writes them."""
        from translate.align.base import align_documents
        from translate.align.calibration import calibrate_beads

        state.check_chars([*body.src, *body.tgt])

        def run() -> list[Any]:
            return calibrate_beads(align_documents(body.src, body.tgt, method=body.method,
                                                   src_mt=body.src_mt))

        beads = await asyncio.to_thread(run)
        kept = [b for b in beads if body.min_score is None or b.score >= body.min_score]
        return {"method": body.method, "beads": [b.to_dict() for b in kept]}

    @r.post("/v1/score", tags=["tarjama"])
    async def score(body: ScoreBody) -> dict[str, Any]:
        """sacrebleu scores with their signatures (per line, worst first, with ``sentence``)."""
        from translate import score as sc

        state.check_chars([*body.hyp, *(x for ref in body.refs for x in ref)])
        out: dict[str, Any] = {"lines": len(body.hyp), "scores": [
            s.to_dict() for s in await asyncio.to_thread(
                sc.score_corpus, body.hyp, body.refs, body.metrics, body.tokenize)]}
        if body.sentence:
            rows, sigs = await asyncio.to_thread(sc.score_sentences, body.hyp, body.refs,
                                                 body.tokenize)
            out["sentences"], out["sentence_signatures"] = [x.to_dict() for x in rows], sigs
        return out

    @r.get("/v1/corpus/articles", tags=["corpus"])
    async def articles() -> list[dict[str, Any]]:
        """The corpus' articles (latest versions), read-only."""
        with _corpus(state) as store:
            return [_row(a) for a in store.articles()]

    @r.get("/v1/corpus/articles/{article_id}", tags=["corpus"])
    async def article(article_id: int) -> dict[str, Any]:
        """One article version with its units (sides and pair scores) in reading order."""
        with _corpus(state) as store:
            row = _find(store, article_id)
            units = [{"ordinal": u.ordinal, "id": u.id, "kind": u.kind,
                      "sides": {k: {"segments": s.segment_ids, "text": s.text}
                                for k, s in u.sides.items()},
                      "pairs": {k: p.to_dict() for k, p in u.pairs.items()}}
                     for u in store.units(article_id=row["id"])]
            return {**_row(row), "units": units}

    @r.get("/page/{article_id}", tags=["corpus"], response_class=HTMLResponse)
    async def page(article_id: int) -> HTMLResponse:
        """The trilingual reading page of a stored article (Ar | En | Ru, side by side)."""
        from translate.corpus.page import article_page

        with _corpus(state) as store:
            row = _find(store, article_id)
            if row["superseded_by"] is not None:
                raise ApiError(404, f"article {article_id} has a newer version "
                                    f"({row['superseded_by']})")
            _, html = article_page(store, row["source"])
        return HTMLResponse(html, headers={"Content-Security-Policy": _csp(html),
                                           "X-Content-Type-Options": "nosniff"})

    return r


def _article(state: State, text: str, fmt: str) -> Any:
    from translate.readers import parse_article

    try:
        source = parse_article(text.encode("utf-8"), name="article", fmt=fmt)
    except InputError as e:
        raise ApiError(400, str(e)) from None
    return state.service.segment(source, "article")


def _row(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "source": row["source"], "version": row["version"],
            "languages": json.loads(row["languages"]), "added_at": row["added_at"],
            "page": f"/page/{row['id']}"}


def _find(store: Any, article_id: int) -> sqlite3.Row:
    row = store.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        raise ApiError(404, f"no article {article_id} in the corpus")
    return row  # type: ignore[no-any-return]


def _corpus(state: State) -> Any:
    """The corpus database opened read-only (SQLite refuses any write through it)."""
    from translate.corpus.store import CorpusStore

    db = state.settings.db
    if db is None:
        raise ApiError(404, "no corpus: start the server with --db corpus.sqlite")
    path = Path(db)
    if not path.is_file():
        raise ApiError(404, "the corpus database is not there")
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return CorpusStore(conn, str(path))


def _csp(page: str) -> str:
    """The policy the page declares in its <meta>, sent as a header as well."""
    marker = 'http-equiv="Content-Security-Policy" content="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]
