"""`fuqing survey ...` and `fuqing upload ...`: surveys, importing export files, and the uploads made."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import usecases as uc
from api.cli.common import console, err_console, new_app, print_json, use_ctx
from fuqing.errors import InputError
from survey.intake import UploadReport
from survey.mapping import read_mapping_file

app = new_app("调查：创建调查、导入问卷星/Kobo/ODK/CSV/Excel 导出文件。")
upload_app = new_app("上传：查看导入过的文件、逐行报告和错误。")


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
    survey = uc.create_survey(use_ctx(ctx), title, questions=qs, needs_question=needs_question)
    if as_json:
        print_json({"id": survey["id"], "title": survey["title"]})
    else:
        console.print(f"[green]已创建调查[/] #{survey['id']}《{survey['title']}》")


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """列出调查及其回答数。"""
    rows = uc.list_surveys(use_ctx(ctx))
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
    if (survey is None) == (new_survey is None):
        raise typer.BadParameter("请用 --survey 编号 或 --new-survey 标题 指定导入到哪个调查（二选一）。")
    override = read_mapping_file(mapping) if mapping else None
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
        report = uc.import_upload(
            use_ctx(ctx),
            file,
            filename=file.name,
            survey_id=survey,
            new_survey_title=new_survey,
            mapping=override,
            strict=strict,
            progress=lambda n: progress.update(task, completed=n),
        )
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if not report.stored:
        raise typer.Exit(1)


def _print_report(report: UploadReport) -> None:
    console.print(
        f"文件 [bold]{report.filename}[/]：{report.format}，编码 {report.encoding or '—'}；调查 #{report.survey_id}《{report.survey_title}》"
    )
    if report.mapping:
        console.print("列映射：" + "；".join(f"{k} ← {v}" for k, v in report.mapping.items()))
    for w in report.warnings:
        console.print(f"[yellow]提示[/]：{w}")
    _print_counts(report.__dict__)
    _print_errors(report.errors, report.upload_id)
    if report.message:
        console.print(f"[yellow]{report.message}[/]")


def _print_counts(up: dict) -> None:  # type: ignore[type-arg]
    table = Table("总行数", "已导入", "错误", "重复（已跳过）", "标记", "状态")
    keys = ("rows_total", "rows_ok", "rows_failed", "rows_duplicate", "rows_flagged", "status")
    table.add_row(*(str(up[k]) for k in keys))
    console.print(table)


def _print_errors(errors: list[dict], upload_id: int) -> None:  # type: ignore[type-arg]
    if not errors:
        return
    errs = Table("行", "列", "类型", "原因")
    for e in errors[:30]:
        errs.add_row(str(e["row"]), e["column"] or "", e["kind"], e["reason"])
    console.print(errs)
    if len(errors) > 30:
        console.print(f"……共 {len(errors)} 条，完整列表见上传 #{upload_id}。")


@upload_app.command("list")
def upload_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """最近的上传及其行数统计。"""
    rows = uc.list_uploads(use_ctx(ctx))
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "调查", "文件", "格式", "已导入", "错误", "重复", "状态")
    for r in rows:
        table.add_row(
            *(str(r[k] or "") for k in ("id", "survey_id", "filename", "format")),
            *(str(r[k]) for k in ("rows_ok", "rows_failed", "rows_duplicate", "status")),
        )
    console.print(table)


@upload_app.command("show")
def upload_show(
    ctx: typer.Context,
    upload_id: int = typer.Argument(..., help="上传编号"),
    limit: int = typer.Option(200, "--limit", help="最多列出多少条行错误"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """一次上传的统计与逐行错误。"""
    up = uc.get_upload(use_ctx(ctx), upload_id, limit)
    if as_json:
        print_json(up)
        return
    console.print(f"上传 #{up['id']}：{up['filename']}（{up['format'] or '—'}），调查 #{up['survey_id']}")
    _print_counts(up)
    _print_errors(up["errors"], up["id"])
    if up["message"]:
        console.print(f"[yellow]{up['message']}[/]")


def contact(
    ctx: typer.Context,
    response_id: int = typer.Argument(..., help="回答编号"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """查看一位受访者的联系信息（加密保存的身份信息与原话）；每次查看都记入审计日志。"""
    found = uc.read_contact(use_ctx(ctx), response_id)
    if as_json:
        print_json(found)
        return
    if not found["fields"] and not found["text_raw"]:
        console.print(f"回答 #{response_id} 没有单独保存的联系信息。")
    for f in found["fields"]:
        console.print(f"{f['question']}：{f['value']}")
    if found["text_raw"]:
        console.print(f"原话：{found['text_raw']}")
