"""`fuqing corpus ...`: add, list, show and search policy texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

import usecases as uc
from api.cli.common import console, new_app, print_json, use_ctx

app = new_app("政策语料库：添加、查看、检索政策与法律文本。")
METHODS = ("hybrid", "bm25", "dense")


@app.command("add")
def add(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="一个或多个 .txt/.md/.html/.docx 文件"),
    doc_id: str | None = typer.Option(None, "--doc-id", help="文件编号（仅限单个文件），默认用文件名"),
    title: str | None = typer.Option(None, "--title", help="文件标题，默认从正文识别"),
    replace: bool = typer.Option(False, "--replace", help="替换同编号的旧版本"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """添加（或替换）政策文件；所有文件先检查，任何一个有问题都不会写入。"""
    results = uc.add_documents(use_ctx(ctx), paths, doc_id=doc_id, title=title, replace=replace)
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    for r in results:
        verb = "已替换" if r.replaced else "已添加"
        console.print(
            f"[green]{verb}[/] {r.doc_id}《{r.title}》：{r.units} 个条款（结构 {r.structure}，编码 {r.encoding}，来自 {r.source}）"
        )
        for note in r.notes:
            console.print(f"  [yellow]注意[/]：{note}")


@app.command("list")
def list_docs(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """列出语料库中的文件。"""
    rows = uc.list_documents(use_ctx(ctx))
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "标题", "日期", "条款数", "结构")
    for r in rows:
        table.add_row(r["doc_id"], r["title"], r["date"] or "", str(r["units"]), r["structure"])
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="DOC_ID 或 DOC_ID#CLAUSE，例如 anhui-ponan-2022#12"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """显示一个文件的条款目录，或一个条款的全文。"""
    shown = uc.show_document(use_ctx(ctx), ref)
    data = shown.get("clause") or shown["document"]
    if as_json:
        print_json(data)
    elif "clause" in shown:
        _print_clause(data)
    else:
        _print_document(data)


def _print_clause(c: dict[str, Any]) -> None:
    console.print(f"[bold]{c['citation']}[/] {c['title']}")
    if c.get("section"):
        console.print(" > ".join(c["section"]), style="dim")
    console.print(c["text"])


def _print_document(d: dict[str, Any]) -> None:
    console.print(
        f"[bold]{d['title']}[/]（{d['doc_id']}，{d.get('date') or '日期不详'}，{d.get('department') or ''}）"
    )
    for note in d.get("notes", []):
        console.print(f"[yellow]注意[/]：{note}")
    table = Table("条款", "标题", "所在章节")
    for u in d["units"]:
        table.add_row(f"{d['doc_id']}#{u['clause']}", u["title"], " > ".join(u.get("section", [])))
    console.print(table)


@app.command("search")
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="检索内容，例如 留守妇女没人说话"),
    k: int = typer.Option(5, "-k", "--k", help="返回条数"),
    doc: list[str] = typer.Option(None, "--doc", help="只在这些文件中检索（可重复）"),
    method: str = typer.Option("hybrid", "--method", help="hybrid（默认）、bm25 或 dense"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """检索相关条款（BM25 与向量检索融合）。"""
    if method not in METHODS:
        raise typer.BadParameter("--method 只能是 hybrid、bm25 或 dense")
    hits = uc.search_corpus(use_ctx(ctx), query, k=k, doc=doc or None, method=method)  # type: ignore[arg-type]
    if as_json:
        print_json(hits)
        return
    if not hits:
        console.print("没有找到相关条款。换个说法试试，或去掉 --doc 限制。")
    for i, d in enumerate(hits, start=1):
        console.print(f"[bold]{i}. {d['citation']}[/] {d['clause_id']}  [dim]score {d['score']:.4f}[/]")
        console.print(f"   {d['title']}", style="cyan")
        console.print("   " + d["text"][:160].replace("\n", " ") + ("…" if len(d["text"]) > 160 else ""))


@app.command("reindex")
def reindex(ctx: typer.Context) -> None:
    """在全部文件上重新训练向量模型并重建两个索引（添加很多文件后运行）。"""
    n = uc.reindex_corpus(use_ctx(ctx))
    console.print(f"[green]已重建索引[/]：{n} 个文件。")
