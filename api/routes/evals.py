"""Evaluation runs over HTTP, for the web pages: the list, one run's figures, and its self-contained report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import needs
from evals.runs import list_runs, load_run, run_dir
from fuqing.models import User

router = APIRouter(prefix="/api/evals", tags=["evals"])


@router.get("")
def runs(
    request: Request,
    suite: str | None = Query(None, description="只列出这一套评测"),
    user: User = Depends(needs("eval:read")),
) -> list[dict[str, Any]]:
    return [r.to_dict() for r in list_runs(request.app.state.settings, suite)]


@router.get("/{run_id}")
def run(request: Request, run_id: str, user: User = Depends(needs("eval:read"))) -> dict[str, Any]:
    return load_run(request.app.state.settings, run_id)


@router.get("/{run_id}/report", response_class=HTMLResponse)
def report(request: Request, run_id: str, user: User = Depends(needs("eval:read"))) -> HTMLResponse:
    """The run's report.html: plots are embedded as data: URIs, so it needs nothing else."""
    path = run_dir(request.app.state.settings, run_id) / "report.html"
    return HTMLResponse(path.read_text(encoding="utf-8"))
