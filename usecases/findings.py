"""What the answers say: summaries, questions in plain words, drafted findings and reports.

One function per thing staff do. Drafting is orchestrated here once — summarize, retrieve, draft, verify, audit —
for the command line, the API, the web page and reports alike.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from findings import ask as asking
from findings import drafting, summaries
from findings.drafting import Draft, audit_detail
from findings.reports import FORMATS, build_report
from findings.summaries import Filters
from fuqing.errors import InputError
from nlp.taxonomy import taxonomy
from usecases.context import Ctx, use_case

REPORT_TITLE = "基层妇女群众需求调研报告"


@use_case("summary:read")
def summarize(ctx: Ctx, filters: Filters, *, with_keywords: bool = True) -> dict[str, Any]:
    """Counts with intervals by need, group, region and month, keywords and quotes, for the filtered responses."""
    return _summary(ctx, filters, with_keywords=with_keywords)


@use_case("summary:read")
def ask(ctx: Ctx, question: str) -> dict[str, Any]:
    """A question in plain words turned into filters (what was understood, what was not) and its summary."""
    ctx.services.settle()
    with ctx.db.session() as s:
        return asking.ask(
            s,
            question,
            threshold=ctx.settings.small_cell_threshold,
            index=ctx.services.summary_index,
            base=ctx.settings.rounding_base,
        )


@use_case("summary:read")
def draft_findings(ctx: Ctx, filters: Filters) -> Draft:
    """Findings and suggestions for the filtered responses, each verified against the statistics, the quotes and
    the clauses retrieved for it; audited with the drafter, model and how much survived verification."""
    summary = _summary(ctx, filters)
    result = _draft(ctx, summary)
    with ctx.db.session(write=True) as s:
        ctx.audit(s, "draft", "summary", None, filters=summary["filters"], **audit_detail(result))
    return result


@use_case("report:read")
def make_report(
    ctx: Ctx, filters: Filters, fmt: str, output: Path | None = None, *, title: str = REPORT_TITLE
) -> Path:
    """A report file (DOCX, XLSX, Markdown, HTML or CSV): scope, method, findings with citations, tables, chart,
    quotes and the cited clauses. Without ``output`` it is written to a new private temporary folder."""
    if fmt not in FORMATS:
        raise InputError(f"不支持的报告格式 {fmt!r}。", hint="可选：" + "、".join(FORMATS))
    summary = _summary(ctx, filters)
    result = _draft(ctx, summary)
    if output is None:
        folder = ctx.settings.ensure_home() / "tmp"
        folder.mkdir(exist_ok=True)
        output = Path(tempfile.mkdtemp(dir=folder)) / f"report.{fmt}"
    path = build_report(
        summary, result.to_dict(), ctx.services.corpus.get(), fmt, output, title=title, model=_model(ctx)
    )
    with ctx.db.session(write=True) as s:
        ctx.audit(
            s, "report", "summary", None, format=fmt, filters=summary["filters"], **audit_detail(result)
        )
    return path


@use_case("summary:read")
def filter_choices(ctx: Ctx, survey_id: int | None = None) -> dict[str, Any]:
    """What a filter form offers: the surveys, the region tree (of one survey) and the label names."""
    from survey.regions import region_tree
    from survey.surveys import list_surveys

    tax = taxonomy()
    with ctx.db.session() as s:
        return {
            "surveys": list_surveys(s),
            "regions": region_tree(s, survey_id),
            "labels": {fam: [(lab.id, lab.name) for lab in tax.family(fam)] for fam in ("groups", "needs")},
        }


def _summary(ctx: Ctx, filters: Filters, *, with_keywords: bool = True) -> dict[str, Any]:
    ctx.services.settle()  # count the submissions stored before this request
    with ctx.db.session() as s:
        return summaries.summarize(
            s,
            filters,
            threshold=ctx.settings.small_cell_threshold,
            with_keywords=with_keywords,
            index=ctx.services.summary_index,
            base=ctx.settings.rounding_base,
        )


def _draft(ctx: Ctx, summary: dict[str, Any]) -> Draft:
    with ctx.db.session() as s:
        return drafting.draft_findings(
            summary, ctx.services.corpus.get(), s, drafting.configured_drafter(ctx.settings)
        )


def _model(ctx: Ctx) -> dict[str, Any] | None:
    """The installed model's manifest, for the report's method section (None before any model exists)."""
    from nlp.model_store import current_model

    try:
        return current_model(ctx.settings, train_if_missing=False).manifest
    except Exception:
        return None
