"""Themed summaries over HTTP: the same core function and filters as `fuqing summary`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import get_settled_session, needs, settled
from fuqing.errors import InputError
from fuqing.models import User
from survey.ask import ask
from survey.summaries import Filters, summarize

router = APIRouter(prefix="/api", tags=["summaries"])


@router.get("/summaries")
def summaries(
    request: Request,
    f: Filters = Depends(),  # the dataclass's fields become the query parameters
    user: User = Depends(needs("summary:read")),
    session: Session = Depends(get_settled_session),
) -> dict[str, Any]:
    state = request.app.state
    return summarize(session, f, threshold=state.settings.small_cell_threshold, index=state.summary_index)


class QuestionIn(BaseModel):
    question: str = Field(..., max_length=500, description="例如：金寨县的留守妇女最需要什么")


@router.post("/ask")
def ask_route(
    request: Request,
    body: QuestionIn,
    user: User = Depends(needs("summary:read")),
    session: Session = Depends(get_settled_session),
) -> dict[str, Any]:
    state = request.app.state
    return ask(
        session, body.question, threshold=state.settings.small_cell_threshold, index=state.summary_index
    )


@router.post("/drafts")
def drafts(
    request: Request,
    body: Filters,
    user: User = Depends(needs("summary:read")),
    session: Session = Depends(get_settled_session),
) -> dict[str, Any]:
    """Draft findings and suggestions for a summary; every sentence cites statistics, quotes and clauses."""
    from survey.drafting import configured_drafter, draft_findings, record_draft

    settings = request.app.state.settings
    summary = summarize(
        session,
        body,
        threshold=settings.small_cell_threshold,
        index=request.app.state.summary_index,
    )
    draft = draft_findings(summary, request.app.state.corpus.get(), session, configured_drafter(settings))
    with request.app.state.db.session(write=True) as w:
        record_draft(w, user, draft, summary["filters"])
    return draft.to_dict()


MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@router.post("/reports")
def report(
    request: Request,
    body: Filters,
    format: str = "docx",
    user: User = Depends(needs("report:read")),
    _settled: None = Depends(settled),
) -> FileResponse:
    """Download a report (DOCX, XLSX, Markdown, HTML or CSV) for the given filters."""
    import tempfile
    from pathlib import Path

    from survey.report_service import make_report

    if format not in MEDIA:
        raise InputError(f"不支持的报告格式 {format!r}。", hint="可选：" + "、".join(MEDIA))
    settings = request.app.state.settings
    out = Path(tempfile.mkdtemp(dir=settings.ensure_home())) / f"report.{format}"
    make_report(
        settings,
        body,
        format,
        out,
        title="基层妇女群众需求调研报告",
        corpus=request.app.state.corpus.get(),
        db=request.app.state.db,
        index=request.app.state.summary_index,
    )
    return FileResponse(out, media_type=MEDIA[format], filename=f"fuqing-report.{format}")
