"""`fuqing backup`, `fuqing restore`, `fuqing erase ...`: the data's life cycle."""

from __future__ import annotations

from pathlib import Path

import typer

import usecases as uc
from api.cli.common import console, new_app, use_ctx

erase_app = new_app("删除：一位受访者的全部数据、整个调查，或超过保存期限的身份信息。")


def backup(
    ctx: typer.Context, output: Path = typer.Option(..., "-o", "--output", help="备份文件（不可已存在）")
) -> None:
    """备份数据库（服务运行中也可以；数据密钥不在备份里，请另行保管）。"""
    path = uc.backup(use_ctx(ctx), output)
    console.print(
        f"[green]已备份[/] {path}。数据密钥（data.key 或 FUQING_DATA_KEY）不在其中，请另行妥善保管。"
    )


def restore(
    ctx: typer.Context,
    source: Path = typer.Argument(..., help="备份文件"),
    yes: bool = typer.Option(False, "--yes", help="确认用备份替换当前数据库"),
) -> None:
    """用备份替换当前数据库（请先停止服务）。"""
    if not yes:
        raise typer.BadParameter("恢复会替换当前数据库中的全部数据：确认无误后加 --yes 再运行。")
    uc.restore(use_ctx(ctx), source)
    console.print(f"[green]已从 {source.name} 恢复[/]。")


@erase_app.command("response")
def erase_response(ctx: typer.Context, response_id: int = typer.Argument(..., help="回答编号")) -> None:
    """删除一位受访者的回答、标签和联系信息。"""
    out = uc.erase_response(use_ctx(ctx), response_id)
    console.print(f"[green]已删除[/] 回答 #{out['response_id']}（调查 #{out['survey_id']}）。")


@erase_app.command("survey")
def erase_survey(
    ctx: typer.Context,
    survey_id: int = typer.Argument(..., help="调查编号"),
    yes: bool = typer.Option(False, "--yes", help="确认删除整个调查"),
) -> None:
    """删除整个调查：所有回答、上传记录和联系信息。"""
    if not yes:
        raise typer.BadParameter("这会删除整个调查的全部回答：确认无误后加 --yes 再运行。")
    out = uc.erase_survey(use_ctx(ctx), survey_id)
    console.print(
        f"[green]已删除[/] 调查 #{survey_id}：{out['responses']} 份回答、{out['uploads']} 次上传、{out['contacts']} 份联系信息。"
    )


@erase_app.command("expired")
def erase_expired(ctx: typer.Context) -> None:
    """销毁超过保存期限（FUQING_CONTACT_RETENTION_DAYS）的联系信息；回答本身保留。"""
    n = uc.expire_contacts(use_ctx(ctx))
    console.print(f"已销毁 {n} 份超过保存期限的联系信息。")
