"""Summaries, questions, drafted findings and reports over HTTP: the same use cases as `fuqing summary`, `ask`,
`draft` and `report`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

import usecases as uc
from api.deps import ApiCtx
from api.downloads import report_response
from findings.summaries import Filters

router = APIRouter(prefix="/api", tags=["findings"])
QueryFilters = Annotated[Filters, Depends()]  # the dataclass's fields become the query parameters


class QuestionIn(BaseModel):
    question: str = Field(..., max_length=500, description="例如：金寨县的留守妇女最需要什么")


@router.get("/summaries")
def summaries(f: QueryFilters, ctx: ApiCtx) -> dict[str, Any]:
    return uc.summarize(ctx, f)


@router.post("/ask")
def ask(body: QuestionIn, ctx: ApiCtx) -> dict[str, Any]:
    return uc.ask(ctx, body.question)


@router.post("/drafts")
def drafts(body: Filters, ctx: ApiCtx) -> dict[str, Any]:
    """Draft findings and suggestions for a summary; every sentence cites statistics, quotes and clauses."""
    return uc.draft_findings(ctx, body).to_dict()


@router.post("/reports")
def report(body: Filters, ctx: ApiCtx, format: str = "docx") -> FileResponse:
    """Download a report (DOCX, XLSX, Markdown, HTML or CSV) for the given filters."""
    return report_response(uc.make_report(ctx, body, format), format)
