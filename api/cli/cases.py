"""`fuqing cases …`: follow-up cases at the server's command line (the list, the report, announcing them, and
the answers people have judged, as evaluation data)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

import usecases as uc
from api.cli.common import FuqingGroup, console, print_json, use_ctx

app = typer.Typer(
    cls=FuqingGroup,
    help="跟进个案：回答中涉及暴力、轻生、儿童安全或急难困境时自动建立的个案。",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def cases(
    ctx: typer.Context,
    status: str = typer.Option(
        "open", "--status", help="open（未结案，默认）| all | new | contacted | referred | closed | dismissed"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """列出个案：紧急的在前，再按期限先后。"""
    if ctx.invoked_subcommand is not None:
        return
    rows = uc.list_cases(use_ctx(ctx), status)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("没有符合条件的个案。")
        return
    table = Table("个案", "类别", "紧急程度", "地区", "状态", "期限", "跟进人")
    for c in rows:
        urgency = f"[bold red]{c['urgency_name']}[/]" if c["urgency"] == "urgent" else c["urgency_name"]
        due = c["due_at"].strftime("%Y-%m-%d %H:%M") + ("（已超期）" if c["overdue"] else "")
        table.add_row(
            str(c["id"]),
            "、".join(c["kind_names"]),
            urgency,
            c["county"] or "地区未填",
            c["status_name"],
            due,
            c["assignee"] or "未指派",
        )
    console.print(table)


@app.command("report")
def report(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """个案统计：按类别、地区、状态计数（小格子不公开），以及首次联系所用时间。"""
    data = uc.case_report(use_ctx(ctx))
    if as_json:
        print_json(data)
        return
    for key, title in (("by_kind", "按类别"), ("by_county", "按地区"), ("by_status", "按状态")):
        console.print(f"[bold]{title}[/]：" + "，".join(f"{r['name']} {r['count']}" for r in data[key]))
    median = data["first_contact_hours_median"]
    console.print("首次联系中位数：" + (f"{median} 小时" if median is not None else "个案太少，不公开"))


@app.command("announce")
def announce(ctx: typer.Context) -> None:
    """把尚未通知的新个案发到群机器人（需设置 FUQING_ALERT_WEBHOOK）；服务运行时会自动发送。"""
    n = uc.announce_cases(use_ctx(ctx))
    console.print(f"已发送 {n} 条个案通知。")


@app.command("feedback")
def feedback(
    ctx: typer.Context, out: Path = typer.Option(..., "--out", help="写出的 JSONL 文件（风险标注格式）")
) -> None:
    """导出已由人判断过的个案（误报为普通回答，结案与转介保留类别），用于评测：fuqing eval risk --test 文件。"""
    rows = uc.case_feedback(use_ctx(ctx))
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    console.print(f"已写出 {len(rows)} 条。")
