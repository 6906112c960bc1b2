"""Evaluation runs over HTTP, for the web pages: the list, one run's figures, and its self-contained report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

import usecases as uc
from api.deps import ApiCtx

router = APIRouter(prefix="/api/evals", tags=["evals"])


@router.get("")
def runs(
    ctx: ApiCtx, suite: str | None = Query(None, description="只列出这一套评测")
) -> list[dict[str, Any]]:
    return [r.to_dict() for r in uc.list_eval_runs(ctx, suite)]


@router.get("/{run_id}")
def run(run_id: str, ctx: ApiCtx) -> dict[str, Any]:
    return uc.show_eval_run(ctx, run_id)


@router.get("/{run_id}/report", response_class=HTMLResponse)
def report(run_id: str, ctx: ApiCtx) -> HTMLResponse:
    """The run's report.html: plots are embedded as data: URIs, so it needs nothing else."""
    return HTMLResponse(uc.eval_run_file(ctx, run_id, "report.html").read_text(encoding="utf-8"))
