"""Staff pages: summaries (filters, charts with tables beside them), the question box, drafted findings with their
citations, report downloads and the review queue. Each handler calls the same use case as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

import usecases as uc
from api.deps import Id
from api.downloads import report_response
from api.web.charts import chart_data
from api.web.context import CorpusPage, Page, ReportPage, ReviewPage, StaffPage
from api.web.filters import filters_from, query_of
from findings.summaries import Filters
from fuqing.errors import InputError
from nlp.taxonomy import taxonomy

router = APIRouter(include_in_schema=False)
WEB_REPORTS = ("docx", "xlsx")


def _filter_page(page: Page, template: str, **extra: Any) -> HTMLResponse:
    """The page shell: filters with the region cascade; the heavy part loads by htmx after the first paint."""
    f = filters_from(page.request.query_params)
    choices = uc.filter_choices(page.uc, f.survey_id)
    return page.render(template, f=f, query=query_of(f), **choices, **extra)


@router.get("/summaries", response_class=HTMLResponse)
def summaries_page(page: StaffPage) -> HTMLResponse:
    return _filter_page(page, "summaries.html")


@router.get("/summaries/panel", response_class=HTMLResponse)
def summaries_panel(page: StaffPage) -> HTMLResponse:
    f = filters_from(page.request.query_params)
    summary = uc.summarize(page.uc, f)
    return page.render("_panel.html", summary=summary, charts=chart_data(summary), query=query_of(f))


@router.get("/ask", response_class=HTMLResponse)
def ask_page(page: StaffPage) -> HTMLResponse:
    return page.render("ask.html", answer=None, question="")


@router.post("/ask", response_class=HTMLResponse)
def ask_post(page: StaffPage, question: str = Form("")) -> HTMLResponse:
    if len(question) > 500:
        raise InputError("问题太长（上限 500 字）。", hint="请把问题缩短，例如：金寨县的留守妇女最需要什么")
    answer = uc.ask(page.uc, question)
    summary = answer["summary"]
    values = {"answer": answer, "summary": summary, "charts": chart_data(summary), "question": question}
    values["query"] = query_of(Filters(**dict(answer["filters"].items())))
    return page.render("_answer.html" if page.is_htmx else "ask.html", **values)


@router.get("/drafts", response_class=HTMLResponse)
def drafts_page(page: StaffPage) -> HTMLResponse:
    return _filter_page(page, "drafts.html")


@router.post("/drafts", response_class=HTMLResponse)
def draft_post(page: StaffPage) -> HTMLResponse:
    """Drafting changes state (an audit entry, maybe a call to the LLM): a POST, with the filters in the query."""
    f = filters_from(page.request.query_params)
    draft = uc.draft_findings(page.uc, f)
    return page.render("_draft.html", draft=draft.to_dict(), query=query_of(f))


@router.get("/corpus/clauses/{clause_id:path}", response_class=HTMLResponse)
def clause(clause_id: str, page: CorpusPage) -> HTMLResponse:
    view = uc.show_clause(page.uc, clause_id)
    return page.render("_clause.html" if page.is_htmx else "clause.html", clause=view, clause_id=clause_id)


@router.post("/reports/report.{fmt}")
def report_download(fmt: str, page: ReportPage) -> FileResponse:
    """A POST with the CSRF token (making a report is audited: no state change on a GET); the filters ride in
    the query string of the form's address."""
    if fmt not in WEB_REPORTS:
        raise InputError(f"不支持的报告格式 {fmt!r}。", hint="网页上可下载 DOCX 或 XLSX。")
    return report_response(uc.make_report(page.uc, filters_from(page.request.query_params), fmt), fmt)


def _label_names() -> dict[str, str]:
    return {lab.id: lab.name for lab in taxonomy().labels}


def _label_options() -> dict[str, list[tuple[str, str]]]:
    tax = taxonomy()
    return {fam: [(lab.id, lab.name) for lab in tax.family(fam)] for fam in ("groups", "needs")}


@router.get("/review", response_class=HTMLResponse)
def review_page(page: ReviewPage) -> HTMLResponse:
    items = uc.review_queue(page.uc, 20)
    return page.render("review.html", items=items, labels=_label_options(), names=_label_names())


@router.post("/review/{response_id}", response_class=HTMLResponse)
async def review_post(response_id: Id, request: Request, page: ReviewPage) -> HTMLResponse:
    form = await request.form()
    chosen = None if form.get("action") == "accept" else [str(v) for v in form.getlist("labels")]
    result = await run_in_threadpool(
        lambda: uc.review_response(page.uc, response_id, chosen, with_counts=True)
    )
    return page.render("_reviewed.html", result=result, counted=result["counts"], names=_label_names())
