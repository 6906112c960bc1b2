"""`fuqing nlp ...`: tag a text, train the model, retag responses, review labels."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.cli_common import console, new_app, print_json, settings_of
from fuqing.db import open_database
from nlp.model_store import train_and_save
from nlp.service import load_tagger
from nlp.taxonomy import taxonomy
from survey.tagging import agreement, retag_all, review, review_queue, reviewed_examples

app = new_app("需求标注：标注文本、训练模型、重新标注、人工审核。")


@app.command("tag")
def tag(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="一条回答"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """标注一条文本：人群与需求、分数和依据。"""
    tagger = load_tagger(settings_of(ctx))
    [result] = tagger.tag([text])
    data = {
        "labels": [lab.to_dict() for lab in result.labels],
        "uncertain": result.uncertain,
        "disagreements": result.disagreements,
        "injection": result.injection,
    }
    if as_json:
        print_json(data)
        return
    if not result.labels:
        console.print("没有标签（文本中没有可识别的人群或需求）。")
    table = Table("标签", "名称", "分数", "来源", "依据")
    for lab in result.labels:
        table.add_row(
            lab.label, taxonomy().get(lab.label).name, f"{lab.score:.2f}", lab.source, lab.explanation
        )
    console.print(table)
    if result.injection:
        console.print("[yellow]注意[/]：文本中含有针对标注的指令，已忽略。")


@app.command("train")
def train(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help="训练数据 JSONL（默认内置数据）"),
    with_reviewed: bool = typer.Option(
        True, "--with-reviewed/--no-reviewed", help="加入数据库中人工审核过的回答"
    ),
) -> None:
    """训练需求标注模型（保存为 skops 文件并校验 sha256）。"""
    settings = settings_of(ctx)
    extra = []
    if with_reviewed:
        with open_database(settings).session() as s:
            extra = reviewed_examples(s)
    trained = train_and_save(settings, data, extra)
    m = trained.manifest
    console.print(
        f"[green]已训练模型[/] {trained.version}：{m['n_train']} 条（其中人工审核 {len(extra)} 条），用时 {m['train_seconds']} 秒。"
    )


@app.command("retag")
def retag(ctx: typer.Context) -> None:
    """用当前模型重新标注所有回答（人工标签保留）。"""
    settings = settings_of(ctx)
    n = retag_all(open_database(settings), load_tagger(settings), floor=settings.kappa_floor)
    console.print(f"[green]已重新标注[/] {n} 条回答。")


@app.command("review")
def review_cmd(
    ctx: typer.Context,
    response_id: int | None = typer.Argument(None, help="要审核的回答编号；不填则列出审核队列"),
    accept: bool = typer.Option(False, "--accept", help="接受机器标签"),
    labels: str | None = typer.Option(
        None, "--labels", help="改为这些标签（逗号分隔的 id；空字符串表示无标签）"
    ),
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """审核队列：低置信度或规则与模型不一致的回答；接受或更正标签。"""
    db = open_database(settings_of(ctx))
    if response_id is None:
        with db.session() as s:
            items = review_queue(s, limit)
        if as_json:
            print_json(items)
            return
        table = Table("编号", "回答", "机器标签")
        for it in items:
            table.add_row(
                str(it["id"]),
                (it["text"] or "")[:60],
                "、".join(f"{lab['label']}({lab['status']})" for lab in it["labels"]),
            )
        console.print(table)
        return
    if accept == (labels is not None):
        raise typer.BadParameter("请二选一：--accept 或 --labels")
    chosen = None if accept else [x.strip() for x in (labels or "").split(",") if x.strip()]
    with db.session(write=True) as s:
        out = review(s, response_id, chosen, None)
    print_json(out) if as_json else console.print(
        f"[green]已审核[/] #{response_id}：{'、'.join(out['labels']) or '无标签'}"
    )


@app.command("agreement")
def agreement_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """模型与人工标签的一致性（每个标签的 Cohen's kappa）。"""
    with open_database(settings_of(ctx)).session() as s:
        rows = agreement(s)
    data = [a.__dict__ for a in rows]
    if as_json:
        print_json(data)
        return
    table = Table("标签", "审核数", "kappa", "机器=是", "人工=是")
    for a in rows:
        table.add_row(
            a.label,
            str(a.n),
            "—" if a.kappa is None else f"{a.kappa:.2f}",
            str(a.model_yes),
            str(a.human_yes),
        )
    console.print(table)
