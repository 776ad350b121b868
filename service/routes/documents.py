"""GET /v1/documents and GET /v1/documents/{doc_key}."""
from __future__ import annotations

from fastapi import APIRouter

from qa.engine import CHUNK_KINDS, SEARCH_MODES
from service import answers
from service.deps import EngineDep
from service.routes import openapi_errors
from service.schemas import DocumentDetail, DocumentList

router = APIRouter(tags=["documents"])


@router.get("/v1/documents", response_model=DocumentList, responses=openapi_errors(429, 500, 503),
            summary="List the gazette's documents")
def list_documents(engine: EngineDep) -> DocumentList:
    """文号, title, dates, status today (in force / not yet / expired / repealed by 文号 / unknown, as
    the corpus states it) and counts of units/tables/lists of every document; also the chunk kinds
    and search modes the filters accept."""
    return DocumentList(documents=[answers.document_summary(d, engine) for d in engine.documents()],
                        kinds=list(CHUNK_KINDS), modes=list(SEARCH_MODES))


@router.get("/v1/documents/{doc_key}", response_model=DocumentDetail,
            responses=openapi_errors(404, 422, 429, 500, 503), summary="One document: outline, text, tables")
def get_document(doc_key: str, engine: EngineDep) -> DocumentDetail:
    """`doc_key` is the 文号 with 〔〕 or [ ] (URL-encoded or not), e.g. 衢政办发[2017]29号.
    The outline lists every unit in order with its heading path and full text; tables come as rows."""
    return answers.document_detail(answers.resolve_document(engine, doc_key))
