"""`fuqing summary`, `ask`, `draft`, `report`: what the answers say, with the same filters as the API."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

import usecases as uc
from api.cli.common import console, print_json, use_ctx
from api.cli.filters import with_filters
from findings.disclosure import interval_text, share_text
from findings.drafting import Draft
from findings.reports import FORMATS
from findings.summaries import Filters

JSON = typer.Option(False, "--json", help="输出 JSON")


@with_filters
def summary(ctx: typer.Context, filters: Filters, as_json: bool = JSON) -> None:
    """需求与人群的统计（含 95% 置信区间）、交叉表、地区、趋势、关键词与代表性原话。"""
    out = uc.summarize(use_ctx(ctx), filters)
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
                share_text(v),
                interval_text(v),
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
    as_json: bool = JSON,
) -> None:
    """用一句话提问：离线解析为筛选条件（地区、人群、需求、时间），显示理解与未理解的部分和统计结果。"""
    out = uc.ask(use_ctx(ctx), question)
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
        console.print(f"  {v['name']}：{v['count']}（{share_text(v, 0)}，95% 区间 {interval_text(v, 0)}）")


@with_filters
def draft_cmd(ctx: typer.Context, filters: Filters, as_json: bool = JSON) -> None:
    """起草调研发现与工作建议：每句注明统计、原话和政策条款；未通过核验的句子不显示并说明原因。"""
    d = uc.draft_findings(use_ctx(ctx), filters)
    if as_json:
        print_json(d.to_dict())
    else:
        _print_draft(d)


def _print_draft(d: Draft) -> None:
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


@with_filters
def report_cmd(
    ctx: typer.Context,
    filters: Filters,
    output: Path = typer.Option(..., "-o", "--output", help="输出文件"),
    fmt: str = typer.Option("docx", "--format", help=" | ".join(FORMATS)),
    title: str = typer.Option(uc.findings.REPORT_TITLE, "--title"),
) -> None:
    """生成报告：范围与筛选、方法与标注准确率、调研发现（含引用）、建议、统计表、图、原话与所引条款全文。"""
    path = uc.make_report(use_ctx(ctx), filters, fmt, output, title=title)
    console.print(f"[green]已生成报告[/] {path}")
