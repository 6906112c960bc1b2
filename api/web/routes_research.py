"""Researcher pages: evaluation runs with their metrics and plots, and the comparison of two runs."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

import usecases as uc
from api.web.context import EvalPage
from fuqing.errors import InputError

router = APIRouter(include_in_schema=False)
MEDIA = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".md": "text/plain; charset=utf-8",
    ".html": "text/html",
}


@router.get("/evals", response_class=HTMLResponse)
def evals(page: EvalPage) -> HTMLResponse:
    return page.render("evals.html", runs=[r.to_dict() for r in uc.list_eval_runs(page.uc)])


@router.get("/evals/compare", response_class=HTMLResponse)
def compare(page: EvalPage, a: str = "", b: str = "") -> HTMLResponse:
    if not a or not b:
        raise InputError("请选择两次评测运行进行比较。", hint="在评测列表中勾选 A 与 B 后点“比较”。")
    return page.render("compare.html", result=uc.compare_eval_runs(page.uc, a, b))


@router.get("/evals/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, page: EvalPage) -> HTMLResponse:
    run = uc.show_eval_run(page.uc, run_id)
    plots = [f for f in run["files"] if f.endswith((".png", ".svg"))]
    return page.render("run.html", run=run, plots=plots)


@router.get("/evals/{run_id}/files/{name}")
def run_file(run_id: str, name: str, page: EvalPage) -> FileResponse:
    path = uc.eval_run_file(page.uc, run_id, name)
    return FileResponse(path, media_type=MEDIA[path.suffix.lower()])
