"""Staff pages: the dashboard (filters, charts with tables beside them), the question box, drafted findings with
their citations, report downloads and the review queue. Each handler calls the same core function as the API."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.web.charts import chart_data
from api.web.context import Ctx, page_for
from api.web.filters import filters_from, label_options, query_of, region_tree
from corpus.documents import citation
from fuqing.errors import InputError
from nlp.taxonomy import taxonomy
from survey.ask import ask
from survey.drafting import configured_drafter, draft_findings, record_draft
from survey.report_service import make_report
from survey.summaries import Filters, summarize
from survey.surveys import list_surveys
from survey.tagging import review, review_queue

router = APIRouter(include_in_schema=False)
REPORTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filter_page(ctx: Ctx, template: str, **extra: Any) -> HTMLResponse:
    """The page shell: filters with the region cascade; the heavy part loads by htmx after the first paint."""
    f = filters_from(ctx.request.query_params)
    with ctx.db.session() as s:
        surveys = list_surveys(s)
        regions = region_tree(s, f.survey_id)
    return ctx.render(
        template, f=f, query=query_of(f), surveys=surveys, regions=regions, labels=label_options(), **extra
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    return _filter_page(ctx, "dashboard.html")


@router.get("/dashboard/panel", response_class=HTMLResponse)
def dashboard_panel(ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    f = filters_from(ctx.request.query_params)
    with ctx.db.session() as s:
        summary = summarize(s, f, threshold=ctx.settings.small_cell_threshold, index=ctx.index)
    return ctx.render("_panel.html", summary=summary, charts=chart_data(summary), query=query_of(f))


@router.get("/ask", response_class=HTMLResponse)
def ask_page(ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    return ctx.render("ask.html", answer=None, question="")


@router.post("/ask", response_class=HTMLResponse)
def ask_post(question: str = Form(""), ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    if len(question) > 500:
        raise InputError("问题太长（上限 500 字）。", hint="请把问题缩短，例如：金寨县的留守妇女最需要什么")
    with ctx.db.session() as s:
        answer = ask(s, question, threshold=ctx.settings.small_cell_threshold, index=ctx.index)
    summary = answer["summary"]
    values = {"answer": answer, "summary": summary, "charts": chart_data(summary), "question": question}
    values["query"] = query_of(Filters(**{k: v for k, v in answer["filters"].items()}))
    return ctx.render("_answer.html" if ctx.is_htmx else "ask.html", **values)


@router.get("/summary", response_class=HTMLResponse)
def summary_page(ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    return _filter_page(ctx, "summary.html")


@router.get("/summary/draft", response_class=HTMLResponse)
def summary_draft(request: Request, ctx: Ctx = Depends(page_for("summary:read"))) -> HTMLResponse:
    f = filters_from(ctx.request.query_params)
    corpus = request.app.state.corpus.get()
    with ctx.db.session() as s:
        summary = summarize(s, f, threshold=ctx.settings.small_cell_threshold, index=ctx.index)
        draft = draft_findings(summary, corpus, s, configured_drafter(ctx.settings))
    with ctx.db.session(write=True) as w:
        record_draft(w, ctx.user, draft, summary["filters"])
    return ctx.render("_draft.html", draft=draft.to_dict(), summary=summary, query=query_of(f))


@router.get("/clause/{clause_id:path}", response_class=HTMLResponse)
def clause(clause_id: str, request: Request, ctx: Ctx = Depends(page_for("corpus:read"))) -> HTMLResponse:
    doc, unit = request.app.state.corpus.get().unit(clause_id)
    view = {"citation": citation(doc, unit), "doc_title": doc.title, "date": doc.date, **unit.to_dict()}
    return ctx.render("_clause.html" if ctx.is_htmx else "clause.html", clause=view, clause_id=clause_id)


@router.get("/reports/report.{fmt}")
def report_download(fmt: str, ctx: Ctx = Depends(page_for("report:read"))) -> FileResponse:
    if fmt not in REPORTS:
        raise InputError(f"不支持的报告格式 {fmt!r}。", hint="网页上可下载 DOCX 或 XLSX。")
    f = filters_from(ctx.request.query_params)
    out = Path(tempfile.mkdtemp(dir=ctx.settings.ensure_home())) / f"report.{fmt}"
    make_report(
        ctx.settings,
        f,
        fmt,
        out,
        title="基层妇女群众需求调研报告",
        corpus=ctx.request.app.state.corpus.get(),
        db=ctx.db,
        index=ctx.index,
    )
    return FileResponse(out, media_type=REPORTS[fmt], filename=f"fuqing-report.{fmt}")


def _label_names() -> dict[str, str]:
    return {lab.id: lab.name for lab in taxonomy().labels}


@router.get("/review", response_class=HTMLResponse)
def review_page(ctx: Ctx = Depends(page_for("review:write"))) -> HTMLResponse:
    ctx.request.app.state.tag_queue.settle()  # submissions queued for tagging belong in the queue shown
    with ctx.db.session() as s:
        items = review_queue(s, 20)
    return ctx.render("review.html", items=items, labels=label_options(), names=_label_names())


@router.post("/review/{response_id}", response_class=HTMLResponse)
async def review_post(
    response_id: int, request: Request, ctx: Ctx = Depends(page_for("review:write"))
) -> HTMLResponse:
    form = await request.form()
    chosen = None if form.get("action") == "accept" else [str(v) for v in form.getlist("labels")]

    def apply() -> tuple[dict[str, Any], dict[str, Any]]:
        with ctx.db.session(write=True) as s:
            result = review(s, response_id, chosen, ctx.user)
            from fuqing.models import Response

            survey_id = s.get(Response, response_id).survey_id  # type: ignore[union-attr]
        with ctx.db.session() as s:
            counted = summarize(
                s,
                Filters(survey_id=survey_id),
                threshold=ctx.settings.small_cell_threshold,
                with_keywords=False,
                index=ctx.index,
            )
        return result, counted

    result, counted = await run_in_threadpool(apply)
    return ctx.render("_reviewed.html", result=result, counted=counted, names=_label_names())
