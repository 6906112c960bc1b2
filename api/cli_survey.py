"""`fuqing survey ...`, `fuqing user ...`, `fuqing token ...`: intake and identity from the command line."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_common import console, err_console, new_app, print_json, settings_of
from fuqing.audit import record
from fuqing.auth import add_user, create_token
from fuqing.db import open_database
from fuqing.errors import InputError
from nlp.service import load_tagger
from survey.intake import import_file
from survey.mapping import read_mapping_file
from survey.surveys import create_survey, list_surveys
from survey.tagging import batch_hook

app = new_app("调查：创建调查、导入问卷星/Kobo/ODK/CSV/Excel 导出文件。")
user_app = new_app("用户：添加用户并设置角色。")
token_app = new_app("令牌：为用户生成 API 令牌（只显示一次）。")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("create")
def create(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="调查标题"),
    questions: Path | None = typer.Option(None, "--questions", help="题目定义 JSON 文件（列表）"),
    needs_question: str | None = typer.Option(None, "--needs-question", help="开放需求题的 key"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """创建一个调查。"""
    qs = None
    if questions is not None:
        try:
            qs = json.loads(questions.read_text(encoding="utf-8-sig"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"题目文件 {questions.name} 无法读取：{exc}", hint="应为 JSON 列表。") from exc
    with open_database(settings_of(ctx)).session() as s:
        survey = create_survey(s, title, questions=qs, needs_question=needs_question, user=None)
        sid = survey.id
    if as_json:
        print_json({"id": sid, "title": title})
    else:
        console.print(f"[green]已创建调查[/] #{sid}《{title}》")


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """列出调查及其回答数。"""
    with open_database(settings_of(ctx)).session() as s:
        rows = list_surveys(s)
    if as_json:
        print_json([{"id": r["id"], "title": r["title"], "responses": r["responses"]} for r in rows])
        return
    table = Table("编号", "标题", "回答数")
    for r in rows:
        table.add_row(str(r["id"]), r["title"] + ("（演示）" if r["is_demo"] else ""), str(r["responses"]))
    console.print(table)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="导出文件：.xlsx/.xls/.csv/.jsonl"),
    survey: int | None = typer.Option(None, "--survey", help="导入到已有调查（编号）"),
    new_survey: str | None = typer.Option(None, "--new-survey", help="新建调查并导入（标题）"),
    mapping: Path | None = typer.Option(None, "--mapping", help="列映射文件（YAML/JSON），覆盖自动识别"),
    strict: bool = typer.Option(False, "--strict", help="有任何一行错误就不写入"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON 报告"),
) -> None:
    """导入一个导出文件；行错误会列出，不影响其他行（--strict 除外）。"""
    settings = settings_of(ctx)
    override = read_mapping_file(mapping) if mapping else None
    db = open_database(settings)
    hook = batch_hook(load_tagger(settings), settings.kappa_floor)  # uploads are tagged batch by batch
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]导入中"),
        BarColumn(),
        TextColumn("{task.completed} 行"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("import", total=None)
        report = import_file(
            db,
            settings,
            file,
            survey_id=survey,
            new_survey_title=new_survey,
            mapping_override=override,
            strict=strict,
            progress=lambda n: progress.update(task, completed=n),
            on_batch=hook,
        )
    with db.session() as s:
        record(s, _actor(), "upload.cli", "upload", report.upload_id)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if not report.stored:
        raise typer.Exit(1)


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    console.print(
        f"文件 [bold]{report.filename}[/]：{report.format}，编码 {report.encoding or '—'}；调查 #{report.survey_id}《{report.survey_title}》"
    )
    if report.mapping:
        console.print("列映射：" + "；".join(f"{k} ← {v}" for k, v in report.mapping.items()))
    for w in report.warnings:
        console.print(f"[yellow]提示[/]：{w}")
    table = Table("总行数", "已导入", "错误", "重复（已跳过）", "标记", "状态")
    table.add_row(
        str(report.rows_total),
        str(report.rows_ok),
        str(report.rows_failed),
        str(report.rows_duplicate),
        str(report.rows_flagged),
        report.status,
    )
    console.print(table)
    if report.errors:
        errs = Table("行", "列", "类型", "原因")
        for e in report.errors[:30]:
            errs.add_row(str(e["row"]), e["column"] or "", e["kind"], e["reason"])
        console.print(errs)
        if len(report.errors) > 30:
            console.print(f"……共 {len(report.errors)} 条，完整列表见上传 #{report.upload_id}。")
    if report.message:
        console.print(f"[yellow]{report.message}[/]")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="fieldworker | staff | researcher | admin"),
    password: bool = typer.Option(False, "--password", help="同时设置网页登录密码（交互输入）"),
) -> None:
    """添加用户。"""
    pw = typer.prompt("密码", hide_input=True, confirmation_prompt=True) if password else None
    with open_database(settings_of(ctx)).session() as s:
        user = add_user(s, name, role, password=pw)
        record(s, _actor(), "user.add", "user", user.name, role=user.role)
    console.print(f"[green]已添加用户[/] {name}（{role}）。用 `fuqing token create {name}` 生成令牌。")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """列出用户。"""
    from sqlalchemy import select

    from fuqing.models import User

    with open_database(settings_of(ctx)).session() as s:
        rows = [
            {"name": u.name, "role": u.role, "active": u.active}
            for u in s.scalars(select(User).order_by(User.id))
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("用户", "角色", "启用")
    for r in rows:
        table.add_row(r["name"], r["role"], "是" if r["active"] else "否")
    console.print(table)


@token_app.command("create")
def token_create(
    ctx: typer.Context, name: str = typer.Argument(...), label: str | None = typer.Option(None, "--label")
) -> None:
    """为用户生成一个新令牌；令牌只显示这一次。"""
    with open_database(settings_of(ctx)).session() as s:
        token = create_token(s, name, label)
        record(s, _actor(), "token.create", "user", name)
    err_console.print("令牌只显示这一次，请妥善保存：", style="yellow")
    print(token)
