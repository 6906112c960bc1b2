"""`fuqing eval ...`: evaluation suites."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli_common import console, new_app, print_json, settings_of
from corpus.service import Corpus
from evals.retrieval import evaluate_retrieval

app = new_app("评测：分类、检索、起草的质量。")


@app.command("retrieval")
def retrieval(
    ctx: typer.Context,
    gold: Path = typer.Option(..., "--gold", help="检索金标准 JSONL（见 formats.md）"),
    k: int = typer.Option(5, "--k", "-k", help="recall@k 的 k"),
    method: str = typer.Option("hybrid", "--method", help="hybrid、bm25 或 dense"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """检索评测：recall@1、recall@5、MRR 以及未命中的查询。"""
    if method not in ("hybrid", "bm25", "dense"):
        raise typer.BadParameter("--method 只能是 hybrid、bm25 或 dense")
    result = evaluate_retrieval(Corpus.open(settings_of(ctx)), gold, k=k, method=method)  # type: ignore[arg-type]
    result.pop("per_query")
    if as_json:
        print_json(result)
        return
    console.print(
        f"n={result['n']}  recall@1={result['recall@1']:.3f}  recall@5={result['recall@5']:.3f}  "
        f"recall@10={result['recall@10']:.3f}  MRR={result['mrr']:.3f}  nDCG@10={result['ndcg@10']:.3f}  ({method})"
    )
    for miss in result["misses"]:
        console.print(
            f"[yellow]未命中[/] {miss['query']}  应为 {', '.join(miss['relevant'])}  得到 {', '.join(miss['top'][:3])}"
        )
