"""POST /v1/search: ranked chunks with per-retriever scores and ranks."""
from __future__ import annotations

from fastapi import APIRouter, Request

from service import answers
from service.deps import EngineDep, PoolDep
from service.pool import answer_in_pool
from service.routes import DATES_OUT_OF_ORDER, UNKNOWN_DOC_KEY, intended_rejections
from service.schemas import SearchRequest, SearchResponse
from service.text import has_content

router = APIRouter(tags=["search"])
SEARCH_ERRORS, SEARCH_INTENDED = intended_rejections(unknown_doc_key=UNKNOWN_DOC_KEY,
                                                     invalid_date_range=DATES_OUT_OF_ORDER)


@router.post("/v1/search", response_model=SearchResponse, responses=SEARCH_ERRORS, summary="Search the gazette",
             openapi_extra=SEARCH_INTENDED)
async def search(body: SearchRequest, request: Request, engine: EngineDep, pool: PoolDep) -> SearchResponse:
    """Ranked chunks for a query. `mode`: hybrid (BM25 + dense, fused), bm25 or dense."""
    filters = answers.to_filters(engine, body.filters)
    if not has_content(body.query):
        return SearchResponse(hits=[])
    # the query encoder is CPU work like answering: it runs on the same bounded pool
    hits = await answer_in_pool(request, pool, lambda cancel: engine.search(
        body.query, k=body.top_k, mode=body.mode, filters=filters))
    return SearchResponse(hits=[answers.hit_out(h, answers.status_label(engine, h.chunk.doc_key)) for h in hits])
