"""Researcher pages: evaluation runs with their metrics and plots, and the comparison of two runs.

Runs are read with evals.runs (directories under FUQING_HOME/evals/); with no runs the page says how to make one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse

from api.web.context import Ctx, page_for
from evals.runs import list_runs, load_run, run_dir
from fuqing.errors import InputError, NotFound

router = APIRouter(include_in_schema=False)
SERVED = {".png": "image/png", ".svg": "image/svg+xml", ".md": "text/plain; charset=utf-8"}


@router.get("/evals", response_class=HTMLResponse)
def evals(ctx: Ctx = Depends(page_for("eval:read"))) -> HTMLResponse:
    runs = [r.to_dict() for r in list_runs(ctx.settings)]
    return ctx.render("evals.html", runs=runs)


@router.get("/evals/compare", response_class=HTMLResponse)
def compare(a: str = "", b: str = "", ctx: Ctx = Depends(page_for("eval:read"))) -> HTMLResponse:
    if not a or not b:
        raise InputError("请选择两次评测运行进行比较。", hint="在评测列表中勾选 A 与 B 后点“比较”。")
    ra, rb = load_run(ctx.settings, a), load_run(ctx.settings, b)
    ha, hb = ra["metrics"].get("headline", {}), rb["metrics"].get("headline", {})
    rows: list[dict[str, Any]] = []
    for name in sorted(set(ha) | set(hb)):
        va, vb = (ha.get(name) or {}).get("value"), (hb.get(name) or {}).get("value")
        higher = (ha.get(name) or hb.get(name) or {}).get("higher_is_better", True)
        delta = None if va is None or vb is None else round(vb - va, 4)
        verdict = "—" if not delta else ("B 更好" if (delta > 0) == higher else "B 更差")
        rows.append(
            {
                "name": name,
                "a": ha.get(name),
                "b": hb.get(name),
                "delta": delta,
                "verdict": verdict,
            }
        )
    return ctx.render("compare.html", ra=ra, rb=rb, rows=rows)


@router.get("/evals/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, ctx: Ctx = Depends(page_for("eval:read"))) -> HTMLResponse:
    run = load_run(ctx.settings, run_id)
    plots = [f for f in run["files"] if f.endswith((".png", ".svg"))]
    return ctx.render("run.html", run=run, plots=plots)


@router.get("/evals/{run_id}/files/{name}")
def run_file(run_id: str, name: str, ctx: Ctx = Depends(page_for("eval:read"))) -> FileResponse:
    path = run_dir(ctx.settings, run_id) / name
    suffix = path.suffix.lower()
    if "/" in name or name.startswith(".") or suffix not in SERVED or not path.is_file():
        raise NotFound(f"评测运行 {run_id} 中没有可查看的文件 {name}。", hint="请从运行页面上的链接打开。")
    return FileResponse(path, media_type=SERVED[suffix])
