"""`fuqing user ...`, `fuqing token ...`, `fuqing audit`: accounts, API tokens and the audit log."""

from __future__ import annotations

import typer
from rich.table import Table

import usecases as uc
from api.cli.common import console, err_console, new_app, print_json, use_ctx

user_app = new_app("用户：添加用户、设置角色与密码。")
token_app = new_app("令牌：为用户生成或撤销 API 令牌（只显示一次）。")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="fieldworker | staff | caseworker | researcher | admin"),
    password: bool = typer.Option(False, "--password", help="同时设置网页登录密码（交互输入）"),
    county: str | None = typer.Option(
        None, "--county", help="负责的县（区），跟进个案按地区指派；不填表示全省"
    ),
    village: str | None = typer.Option(None, "--village", help="负责的村（社区）；不填表示全县"),
) -> None:
    """添加用户。"""
    pw = typer.prompt("密码", hide_input=True, confirmation_prompt=True) if password else None
    uc.add_user(use_ctx(ctx), name, role, password=pw, county=county, village=village)
    console.print(f"[green]已添加用户[/] {name}（{role}）。用 `fuqing token create {name}` 生成令牌。")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """列出用户。"""
    rows = uc.list_users(use_ctx(ctx))
    if as_json:
        print_json([{"name": r["name"], "role": r["role"], "active": r["active"]} for r in rows])
        return
    table = Table("用户", "角色", "启用", "有效令牌")
    for r in rows:
        table.add_row(r["name"], r["role_name"], "是" if r["active"] else "否", str(r["tokens"]))
    console.print(table)


@user_app.command("password")
def user_password(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """设置（或重置）用户的网页登录密码（交互输入）。"""
    pw = typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
    uc.set_password(use_ctx(ctx), name, pw)
    console.print(f"[green]已为 {name} 设置新密码[/]。")


@token_app.command("create")
def token_create(
    ctx: typer.Context, name: str = typer.Argument(...), label: str | None = typer.Option(None, "--label")
) -> None:
    """为用户生成一个新令牌；令牌只显示这一次。"""
    token = uc.create_token(use_ctx(ctx), name, label)
    err_console.print("令牌只显示这一次，请妥善保存：", style="yellow")
    print(token)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """撤销用户的全部令牌（用这些令牌登录的网页会话同时结束）。"""
    n = uc.revoke_tokens(use_ctx(ctx), name)
    console.print(f"[green]已撤销[/] {name} 的 {n} 个令牌。")


def audit(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", help="最近多少条"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """审计日志：谁在何时做了什么（最新的在前）。"""
    rows = uc.read_audit_log(use_ctx(ctx), limit)
    if as_json:
        print_json(rows)
        return
    table = Table("时间", "操作者", "操作", "对象")
    for r in rows:
        table.add_row(
            str(r["at"])[:19], r["actor"], r["action"], f"{r['object_type'] or ''} {r['object_id'] or ''}"
        )
    console.print(table)
