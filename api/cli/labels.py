"""`fuqing nlp ...`: tag a text, train the model, retag responses, review labels and their agreement."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

import usecases as uc
from api.cli.common import console, new_app, print_json, use_ctx
from nlp.taxonomy import taxonomy

app = new_app("需求标注：标注文本、训练模型、重新标注、人工审核。")


@app.command("tag")
def tag(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="一条回答"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """标注一条文本：人群与需求、分数和依据。"""
    data = uc.tag_text(use_ctx(ctx), text)
    if as_json:
        print_json(data)
        return
    if not data["labels"]:
        console.print("没有标签（文本中没有可识别的人群或需求）。")
    table = Table("标签", "名称", "分数", "来源", "依据")
    for lab in data["labels"]:
        table.add_row(
            lab["label"],
            taxonomy().get(lab["label"]).name,
            f"{lab['score']:.2f}",
            lab["source"],
            lab["explanation"],
        )
    console.print(table)
    if data["risk"]["kinds"]:
        from nlp.risk import KIND_NAMES, URGENCY_NAMES

        kinds = "、".join(KIND_NAMES[k] for k in data["risk"]["kinds"])
        urgency = URGENCY_NAMES[data["risk"]["urgency"]]
        console.print(
            f"[bold red]风险提示[/]：{kinds}（{urgency}）。存入系统的回答会自动建立跟进个案，请由专人联系核实。"
        )
    if data["injection"]:
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
    m = uc.train_model(use_ctx(ctx), data, with_reviewed=with_reviewed)
    console.print(
        f"[green]已训练模型[/] {m['version']}：{m['n_train']} 条（其中人工审核 {m['reviewed']} 条），用时 {m['train_seconds']} 秒。"
    )


@app.command("retag")
def retag(ctx: typer.Context) -> None:
    """用当前模型重新标注所有回答（人工标签保留）。"""
    n = uc.retag_responses(use_ctx(ctx))
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
    if response_id is None:
        _print_queue(uc.review_queue(use_ctx(ctx), limit), as_json)
        return
    if accept == (labels is not None):
        raise typer.BadParameter("请二选一：--accept 或 --labels")
    chosen = None if accept else [x.strip() for x in (labels or "").split(",") if x.strip()]
    out = uc.review_response(use_ctx(ctx), response_id, chosen)
    if as_json:
        print_json({"id": out["id"], "labels": out["labels"]})
    else:
        console.print(f"[green]已审核[/] #{response_id}：{'、'.join(out['labels']) or '无标签'}")


def _print_queue(items: list[dict], as_json: bool) -> None:  # type: ignore[type-arg]
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


@app.command("agreement")
def agreement_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """模型与人工标签的一致性（每个标签的 Cohen's kappa）。"""
    data = [a.__dict__ for a in uc.label_agreement(use_ctx(ctx))]
    if as_json:
        print_json(data)
        return
    table = Table("标签", "审核数", "kappa", "机器=是", "人工=是")
    for a in data:
        table.add_row(
            a["label"],
            str(a["n"]),
            "—" if a["kappa"] is None else f"{a['kappa']:.2f}",
            str(a["model_yes"]),
            str(a["human_yes"]),
        )
    console.print(table)
