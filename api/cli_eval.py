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


@app.command("classify")
def classify(
    ctx: typer.Context,
    test: Path = typer.Option(
        ..., "--test", help="测试数据（taxonomy 格式 JSONL，或带 --label-field 的单标签 CSV/JSONL）"
    ),
    train: Path | None = typer.Option(None, "--train", help="只用这个文件训练一个新模型"),
    text_field: str = typer.Option("text", "--text-field"),
    label_field: str | None = typer.Option(None, "--label-field", help="单标签模式：每行一个标签的字段名"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """分类评测：按人群/需求给出 macro/micro F1、逐标签 P/R/F1 与完全匹配率。"""
    from evals.classify import evaluate_single_label, evaluate_taxonomy
    from fuqing.errors import InputError
    from nlp.labelled import read_labelled
    from nlp.model_store import fit_model
    from nlp.service import load_tagger
    from nlp.tagger import ModelTagger

    if label_field:
        if train is None:
            raise InputError(
                "单标签模式需要 --train：内置模型只认识本项目的标签。", hint="加上 --train 训练集文件。"
            )
        result = evaluate_single_label(train, test, text_field, label_field)
        if as_json:
            print_json(result)
        else:
            console.print(
                f"n={result['n']}（训练 {result['n_train']}）accuracy={result['accuracy']:.4f} macro_f1={result['macro_f1']:.4f}"
            )
        return
    if train is not None:
        tagger = ModelTagger(fit_model(read_labelled(train)), f"fresh:{train.name}")
    else:
        tagger = load_tagger(settings_of(ctx))
    result = evaluate_taxonomy(tagger, test)
    result.pop("predictions")
    if as_json:
        print_json(result)
        return
    for fam in ("groups", "needs"):
        r = result[fam]
        console.print(
            f"[bold]{fam}[/] macro_f1={r['macro_f1']:.3f} micro_f1={r['micro_f1']:.3f} exact={r['exact_match']:.3f}"
        )
        for lab, m in r["per_label"].items():
            console.print(
                f"  {lab:22s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} n={m['support']}"
            )
    console.print(f"exact_match（全部标签）={result['exact_match']:.3f}  模型 {result['model_version']}")
