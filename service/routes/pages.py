"""The two pages (resident chat at /, operator lookup at /lookup), plain files from service/static."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
# CSP, X-Frame-Options and Referrer-Policy come from SecurityHeadersMiddleware, for every HTML response
PAGE_HEADERS = {"Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


@router.get("/")
def chat_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/lookup")
def lookup_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "lookup.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)
