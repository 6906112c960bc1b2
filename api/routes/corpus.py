"""Policy corpus over HTTP: documents, clauses and search (the same use cases as `fuqing corpus`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

import usecases as uc
from api.deps import ApiCtx

router = APIRouter(prefix="/api/corpus", tags=["corpus"])


@router.get("/documents")
def documents(ctx: ApiCtx) -> list[dict[str, Any]]:
    return uc.list_documents(ctx)


@router.get("/search")
def search(
    ctx: ApiCtx,
    q: str = Query(..., min_length=1, max_length=500, description="检索内容"),
    k: int = Query(5, ge=1, le=100),
    doc: list[str] | None = Query(None),
    method: Literal["hybrid", "bm25", "dense"] = "hybrid",
) -> list[dict[str, Any]]:
    return uc.search_corpus(ctx, q, k=k, doc=doc, method=method)


@router.get("/clauses/{clause_id:path}")
def clause(clause_id: str, ctx: ApiCtx) -> dict[str, Any]:
    return uc.show_clause(ctx, clause_id)


@router.get("/units/{clause_id:path}", include_in_schema=False)
def unit(clause_id: str, ctx: ApiCtx) -> dict[str, Any]:
    """The old name of /api/corpus/clauses/{clause_id}, kept for one release."""
    return uc.show_clause(ctx, clause_id)
