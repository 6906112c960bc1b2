"""Policy corpus over HTTP: documents, clauses and search (the same functions as `fuqing corpus`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from api.deps import needs
from corpus.documents import citation
from fuqing.models import User

router = APIRouter(prefix="/api/corpus", tags=["corpus"])


def _corpus(request: Request) -> Any:
    return request.app.state.corpus.get()


@router.get("/documents")
def documents(request: Request, user: User = Depends(needs("corpus:read"))) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": d.doc_id,
            "title": d.title,
            "date": d.date,
            "department": d.department,
            "units": len(d.units),
            "structure": d.structure,
        }
        for d in _corpus(request).documents()
    ]


@router.get("/search")
def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=500, description="检索内容"),
    k: int = Query(5, ge=1, le=100),
    doc: list[str] | None = Query(None),
    method: Literal["hybrid", "bm25", "dense"] = "hybrid",
    user: User = Depends(needs("corpus:read")),
) -> list[dict[str, Any]]:
    return [h.to_dict() for h in _corpus(request).search(q, k=k, doc=doc, method=method)]


@router.get("/units/{clause_id:path}")
def unit(request: Request, clause_id: str, user: User = Depends(needs("corpus:read"))) -> dict[str, Any]:
    doc, u = _corpus(request).unit(clause_id)
    return {
        "doc_id": doc.doc_id,
        "clause_id": f"{doc.doc_id}#{u.clause}",
        "doc_title": doc.title,
        "date": doc.date,
        "citation": citation(doc, u),
        **u.to_dict(),
    }
