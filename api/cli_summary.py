"""`fuqing summary`: themed summaries with the same filters as the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from api.cli_common import console, print_json, settings_of
from fuqing.db import open_database
from fuqing.errors import InputError
from survey.summaries import Filters, summarize


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{name} 的日期 {value!r} 无法识别。", hint="请用 YYYY-MM-DD，例如 2025-01-01。"
        ) from None


# The filter options shared by summary, draft and report (one declaration, same names and help everywhere).
SURVEY = typer.Option(None, "--survey", help="调查编号；不填则全部调查")
COUNTY = typer.Option(None, "--county", help="县（区）")
TOWNSHIP = typer.Option(None, "--township", help="乡镇（街道）")
VILLAGE = typer.Option(None, "--village", help="村（社区）")
GROUP = typer.Option(None, "--group", help="人群标签 id，如 left_behind")
NEED = typer.Option(None, "--need", help="需求标签 id，如 employment")
SINCE = typer.Option(None, "--since", help="起始日期 YYYY-MM-DD")
UNTIL = typer.Option(None, "--until", help="结束日期 YYYY-MM-DD")


def _filters(
    survey: int | None,
    county: str | None,
    township: str | None,
    village: str | None,
    since: str | None,
    until: str | None,
    group: str | None,
    need: str | None,
    *more: str | None,
) -> Filters:
    return Filters(
        survey,
        county,
        township,
        village,
        _date(since, "--since"),
        _date(until, "--until"),
        group,
        need,
        *more,
    )


def summary(
    ctx: typer.Context,
    survey: int | None = SURVEY,
    county: str | None = COUNTY,
    township: str | None = TOWNSHIP,
    village: str | None = VILLAGE,
    group: str | None = GROUP,
    need: str | None = NEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    channel: str | None = typer.Option(None, "--channel"),
    fieldworker: str | None = typer.Option(None, "--fieldworker"),
    age_band: str | None = typer.Option(None, "--age-band", help="<30、30-39、40-49、50-59、60+"),
    marital_status: str | None = typer.Option(None, "--marital-status"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """需求与人群的统计（含 95% 置信区间）、交叉表、地区、趋势、关键词与代表性原话。"""
    settings = settings_of(ctx)
    f = _filters(
        survey,
        county,
        township,
        village,
        since,
        until,
        group,
        need,
        channel,
        fieldworker,
        age_band,
        marital_status,
    )
    with open_database(settings).session() as s:
        out = summarize(s, f, threshold=settings.small_cell_threshold)
    if as_json:
        print_json(out)
        return
    console.print(f"符合条件的回答：[bold]{out['respondents']}[/] 份  筛选：{out['filters'] or '全部'}")
    if out.get("message"):
        console.print(f"[yellow]{out['message']}[/]")
        return
    for fam, title in (("needs", "需求"), ("groups", "人群")):
        table = Table(title, "人数", "占比", "95% 区间")
        for lab, v in out[fam].items():
            table.add_row(
                f"{v['name']}（{lab}）",
                str(v["count"]),
                f"{v['share']:.1%}",
                f"{v['interval'][0]:.1%}–{v['interval'][1]:.1%}",
            )
        console.print(table)
    if out["keywords"]:
        console.print("关键词：" + "、".join(k["word"] for k in out["keywords"][:12]))
    for q in out["quotes"]:
        console.print(
            f"“{q['text']}”（{q['county'] or ''}{q['township'] or ''}，#{q['response_id']}）", style="cyan"
        )


def ask_cmd(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="例如：金寨县的留守妇女最需要什么"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """用一句话提问：离线解析为筛选条件（地区、人群、需求、时间），显示理解与未理解的部分和统计结果。"""
    from survey.ask import ask

    settings = settings_of(ctx)
    with open_database(settings).session() as s:
        out = ask(s, question, threshold=settings.small_cell_threshold)
    if as_json:
        print_json(out)
        return
    console.print(f"理解为：{out['filters'] or '（无筛选条件）'}")
    if out["not_understood"]:
        console.print(f"[yellow]未理解[/]：{'、'.join(out['not_understood'])}")
    if out.get("message"):
        console.print(f"[yellow]{out['message']}[/]")
    s_ = out["summary"]
    console.print(f"符合条件的回答：{s_['respondents']} 份")
    for v in list(s_["needs"].values())[:5]:
        console.print(
            f"  {v['name']}：{v['count']}（{v['share']:.0%}，95% 区间 {v['interval'][0]:.0%}–{v['interval'][1]:.0%}）"
        )


def draft_cmd(
    ctx: typer.Context,
    survey: int | None = SURVEY,
    county: str | None = COUNTY,
    township: str | None = TOWNSHIP,
    village: str | None = VILLAGE,
    group: str | None = GROUP,
    need: str | None = NEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """起草调研发现与工作建议：每句注明统计、原话和政策条款；未通过核验的句子不显示并说明原因。"""
    from corpus.service import Corpus
    from survey.drafting import configured_drafter, draft_findings, record_draft

    settings = settings_of(ctx)
    f = _filters(survey, county, township, village, since, until, group, need)
    drafter = configured_drafter(settings)
    with open_database(settings).session() as s:
        summary_ = summarize(s, f, threshold=settings.small_cell_threshold)
        d = draft_findings(summary_, Corpus.open(settings), s, drafter)
        record_draft(s, "cli", d, summary_["filters"])
    if as_json:
        print_json(d.to_dict())
        return
    console.print(f"[bold]{d.scope}[/]（起草：{d.drafter}{'，' + d.model if d.model else ''}）")
    if d.fallback_reason:
        console.print(f"[yellow]{d.fallback_reason}[/]")
    for title, items in (("调研发现", d.findings), ("工作建议", d.suggestions)):
        if items:
            console.print(f"[bold]{title}[/]")
        for i, item in enumerate(items, start=1):
            console.print(f"{i}. {item['text']}{''.join(item['rendered_citations'])}")
    for r in d.rejected:
        console.print(f"[red]未采用[/]：{r['text']}（{r['reason']}）")
    for g in d.policy_gaps:
        console.print(f"[yellow]政策空白[/]：{g['name']}（{g['share']:.0%} 的受访者提到，语料中无相近条款）")


def report_cmd(
    ctx: typer.Context,
    output: Path = typer.Option(..., "-o", "--output", help="输出文件"),
    fmt: str = typer.Option("docx", "--format", help="docx | xlsx | md | html | csv"),
    title: str = typer.Option("基层妇女群众需求调研报告", "--title"),
    survey: int | None = SURVEY,
    county: str | None = COUNTY,
    township: str | None = TOWNSHIP,
    village: str | None = VILLAGE,
    group: str | None = GROUP,
    need: str | None = NEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
) -> None:
    """生成报告：范围与筛选、方法与标注准确率、调研发现（含引用）、建议、统计表、图、原话与所引条款全文。"""
    from survey.report_service import make_report

    settings = settings_of(ctx)
    f = _filters(survey, county, township, village, since, until, group, need)
    path = make_report(settings, f, fmt, output, title=title)
    console.print(f"[green]已生成报告[/] {path}")
