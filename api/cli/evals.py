"""`fuqing eval ...`: evaluation suites, each run saved under FUQING_HOME/evals/ (see evals/runs.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

import usecases as uc
from api.cli.common import console, new_app, print_json, use_ctx
from fuqing.errors import InputError
from usecases.evals import SavedRun

app = new_app("评测：标注、公平性、稳健性、检索、起草、分词、脱敏的质量，以及运行记录的查看与比较。")

LIMIT = typer.Option(None, "--limit", help="只用前 N 条（快速试跑）")
RESAMPLES = typer.Option(1000, "--resamples", help="自助法重抽样次数")
JSON = typer.Option(False, "--json", help="输出 JSON")
NO_LLM = typer.Option(False, "--no-llm", help="即使配置了大模型也不评测它")


def _finish(run: SavedRun, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    """Print a saved run's headline figures (or JSON) and where its report is."""
    if as_json:
        print_json({"run_id": run.run_id, "headline": run.result.metrics["headline"], **(extra or {})})
        return
    _print_headline(run.result.metrics["headline"])
    for note in run.result.notes:
        console.print(f"[dim]{note}[/]")
    console.print(f"运行 [bold]{run.run_id}[/]，报告：{run.report}")


def _print_headline(head: dict[str, Any]) -> None:
    from evals.report import fmt

    for name, h in head.items():
        ci = f"  [{fmt(h['ci'][0])}, {fmt(h['ci'][1])}]" if h.get("ci") else ""
        console.print(f"  {name:42s} {fmt(h['value'])}{ci}")


@app.command("classify")
def classify(
    ctx: typer.Context,
    test: Path | None = typer.Option(
        None,
        "--test",
        help="测试数据（taxonomy 格式 JSONL，默认 evals/data/needs_dev.jsonl；或带 --label-field 的单标签 CSV/JSONL）",
    ),
    train: Path | None = typer.Option(
        None, "--train", help="训练数据：模型只用它训练（默认 needs_train.jsonl）"
    ),
    folds: int = typer.Option(5, "--folds", help="在训练集上做 k 折交叉验证（0 = 不做）"),
    keywords: Path | None = typer.Option(None, "--keywords", help="关键词基线的词表 YAML"),
    text_field: str = typer.Option("text", "--text-field"),
    label_field: str | None = typer.Option(None, "--label-field", help="单标签模式：每行一个标签的字段名"),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    no_llm: bool = NO_LLM,
    as_json: bool = JSON,
) -> None:
    """标注评测：留出测试集与交叉验证；逐标签 P/R/F1、macro/micro F1、完全匹配率（95% 区间）、校准、kappa、关键词基线。"""
    if label_field:
        if train is None or test is None:
            raise InputError(
                "单标签模式需要 --train 和 --test：内置模型只认识本项目的标签。",
                hint="加上 --train 训练集文件。",
            )
        _print_single(uc.classify_single_label(use_ctx(ctx), train, test, text_field, label_field), as_json)
        return
    run = uc.run_eval(
        use_ctx(ctx),
        "classify",
        use_llm=not no_llm,
        train=train,
        test=test,
        folds=folds,
        limit=limit,
        resamples=resamples,
        keywords=keywords,
    )
    res = run.result
    model = res.metrics["systems"]["model"]
    _finish(
        run,
        as_json,
        {
            "model_version": res.metrics["model_version"],
            "groups": model["groups"],
            "needs": model["needs"],
            "micro_f1": model["all"]["micro_f1"],
            "exact_match": model["all"]["exact_match"],
        },
    )


def _print_single(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    console.print(
        f"n={result['n']}（训练 {result['n_train']}）accuracy={result['accuracy']:.4f} macro_f1={result['macro_f1']:.4f}"
    )


@app.command("fairness")
def fairness(
    ctx: typer.Context,
    test: Path | None = typer.Option(None, "--test", help="带 meta（县、年龄、婚姻状况）的标注 JSONL"),
    train: Path | None = typer.Option(None, "--train", help="训练数据（默认 needs_train.jsonl）"),
    min_group: int = typer.Option(10, "--min-group", help="少于这么多条的组合并为“其他”"),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """公平性评测：按县、年龄段、婚姻状况、回答长度分组；标出 F1 比其余低 0.10 以上的组。"""
    run = uc.run_eval(
        use_ctx(ctx),
        "fairness",
        train=train,
        test=test,
        min_group=min_group,
        limit=limit,
        resamples=resamples,
    )
    _finish(run, as_json, {"flagged": run.result.metrics["flagged"]})
    if not as_json:
        for g in run.result.metrics["flagged"]:
            console.print(f"[yellow]偏低[/] {g['dimension']}={g['group']} (n={g['n']}) 差 {g['gap']:+.3f}")


@app.command("robustness")
def robustness(
    ctx: typer.Context,
    test: Path | None = typer.Option(None, "--test", help="标注 JSONL（默认 needs_dev.jsonl）"),
    train: Path | None = typer.Option(None, "--train", help="训练数据（默认 needs_train.jsonl）"),
    seed: int = typer.Option(7, "--seed", help="扰动的随机种子"),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """稳健性评测：繁体、拼音注音、同音错字、去标点、插入电话/身份证号、插入指令后的标签稳定率与脱敏率。"""
    run = uc.run_eval(
        use_ctx(ctx), "robustness", train=train, test=test, seed=seed, limit=limit, resamples=resamples
    )
    _finish(run, as_json)


@app.command("retrieval")
def retrieval(
    ctx: typer.Context,
    gold: list[Path] | None = typer.Option(
        None, "--gold", help="检索金标准 JSONL（可多次给出；默认 retrieval_gold 与 retrieval_heldout）"
    ),
    k: int = typer.Option(5, "--k", "-k", help="列出前 k 名内未命中的查询"),
    method: str | None = typer.Option(None, "--method", help="只评测 hybrid、bm25 或 dense（默认三者并列）"),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """检索评测：recall@1/5/10、MRR、nDCG@10（95% 区间）与未命中的查询；BM25、向量、混合并列。"""
    from evals.suites.retrieval import METHODS

    if method is not None and method not in METHODS:
        raise typer.BadParameter("--method 只能是 hybrid、bm25 或 dense")
    methods = (method,) if method else METHODS
    run = uc.run_eval(
        use_ctx(ctx), "retrieval", gold=gold or None, methods=methods, limit=limit, resamples=resamples, k=k
    )
    sets = run.result.metrics["sets"]
    extra: dict[str, Any] = {"sets": {s: {m: _flat(b) for m, b in v.items()} for s, v in sets.items()}}
    if (
        len(sets) == 1
    ):  # one gold file: its figures at the top level too (hybrid, the system's method, by default)
        main = methods[0] if len(methods) == 1 else "hybrid"
        extra |= _flat(next(iter(sets.values()))[main]) | {"method": main, "k": k}
    _finish(run, as_json, extra)
    if not as_json:
        for s, block in sets.items():
            for m, b in block.items():
                for miss in b["misses"]:
                    console.print(
                        f"[yellow]未命中[/] {s}/{m} {miss['query']}  应为 {', '.join(miss['relevant'])}  得到 {', '.join(miss['top'][:3])}"
                    )


def _flat(b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": b["n"], "misses": b["misses"]}
    out |= {key: b[key]["value"] for key in ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")}
    return out


@app.command("drafting")
def drafting(
    ctx: typer.Context,
    responses: Path | None = typer.Option(
        None, "--responses", help="标注 JSONL：情景的数据（默认 needs_dev.jsonl）"
    ),
    scenarios: Path | None = typer.Option(
        None, "--scenarios", help="情景 JSONL（默认 drafting_scenarios.jsonl）"
    ),
    relevant: Path | None = typer.Option(None, "--relevant", help="各主题的金标准相关条款 JSON"),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    no_llm: bool = NO_LLM,
    as_json: bool = JSON,
) -> None:
    """起草评测：引用可解析、数字与数据一致、原话可在回答中找到、引用条款属相关集合、最主要需求被覆盖。"""
    run = uc.run_eval(
        use_ctx(ctx),
        "drafting",
        use_llm=not no_llm,
        responses=responses,
        scenarios=scenarios,
        relevant=relevant,
        limit=limit,
        resamples=resamples,
    )
    _finish(run, as_json)


@app.command("segmentation")
def segmentation(
    ctx: typer.Context,
    texts: Path | None = typer.Option(None, "--texts", help="文本：标注 JSONL 或每行一条的文本文件"),
    terms: Path | None = typer.Option(
        None, "--terms", help="领域词表（每行一个词；默认 nlp/data/userdict.txt）"
    ),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """分词评测：领域词保持完整的比例、快速引擎与 jieba 的一致率、速度。"""
    run = uc.run_eval(
        use_ctx(ctx), "segmentation", texts_file=texts, terms_file=terms, limit=limit, resamples=resamples
    )
    _finish(run, as_json)


@app.command("redaction")
def redaction(
    ctx: typer.Context,
    test: Path | None = typer.Option(
        None,
        "--test",
        help='脱敏标注 JSONL（默认 evals/data/redaction_eval.jsonl；每行 {"id", "text", "pii": [{"kind", "text"}]}）',
    ),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """脱敏评测：姓名、住址与各类号码逐类的召回率、精确率（95% 区间），以及普通回答被改动的比例。"""
    run = uc.run_eval(use_ctx(ctx), "redaction", test=test, limit=limit, resamples=resamples)
    m = run.result.metrics
    per_kind = {
        kind: {
            "recall": b["recall"]["value"],
            "precision": b["precision"]["value"],
            "precision_exact": b["precision_exact"]["value"],
            "n": b["recall"]["n"],
            "replaced": b["precision"]["n"],
        }
        for kind, b in m["per_kind"].items()
    }
    extra = {
        "n": m["n"],
        "per_kind": per_kind,
        "groups": {g: {k: b[k]["value"] for k in ("recall", "precision")} for g, b in m["groups"].items()},
        "ordinary_changed_rate": m["ordinary_changed_rate"]["value"],
        "targets_met": m["targets_met"],
    }
    _finish(run, as_json, extra)
    if not as_json:
        for kind, b in per_kind.items():
            console.print(
                f"  {kind:10s} recall {_fmt(b['recall'])} precision {_fmt(b['precision'])}  n={b['n']}"
            )
        missed = [k for k, ok in m["targets_met"].items() if not ok]
        console.print("目标全部达到。" if not missed else f"[yellow]未达到的目标[/]：{'、'.join(missed)}")


def _fmt(value: float | None) -> str:
    from evals.report import fmt

    return fmt(value)


@app.command("all")
def run_all_cmd(
    ctx: typer.Context,
    limit: int | None = LIMIT,
    folds: int = typer.Option(5, "--folds", help="classify 的交叉验证折数（0 = 不做）"),
    resamples: int = RESAMPLES,
    no_llm: bool = NO_LLM,
    write_readme: bool = typer.Option(
        False, "--write-readme", help="用这次的结果重写 evals/README.md 的数字部分"
    ),
    as_json: bool = JSON,
) -> None:
    """在内置数据上运行全部评测，每套各存一次运行。"""
    import time

    started = time.perf_counter()

    def progress(name: str, run_id: str, seconds: float) -> None:
        if not as_json:
            console.print(f"{name:13s} {seconds:6.1f} s  {run_id}")

    ids, path = uc.run_all_evals(
        use_ctx(ctx),
        limit=limit,
        folds=folds,
        resamples=resamples,
        use_llm=not no_llm,
        progress=progress,
        write_readme=write_readme,
    )
    total = time.perf_counter() - started
    if as_json:
        print_json({"runs": ids, "seconds": round(total, 1), "readme": str(path) if path else None})
        return
    console.print(f"全部完成，用时 {total:.1f} s。" + (f" 已更新 {path}。" if path else ""))


@app.command("readme")
def readme_cmd(ctx: typer.Context) -> None:
    """用每套评测最近一次运行的结果重写 evals/README.md 的数字部分。"""
    console.print(f"已更新 {uc.write_eval_readme(use_ctx(ctx))}")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    suite: str | None = typer.Option(None, "--suite", help="只列出这一套评测"),
    as_json: bool = JSON,
) -> None:
    """已保存的评测运行（最新的在前）。"""
    runs = uc.list_eval_runs(use_ctx(ctx), suite)
    if as_json:
        print_json([r.to_dict() for r in runs])
        return
    if not runs:
        console.print("还没有评测运行：运行 `fuqing eval all` 或 `fuqing eval SUITE`。")
    for r in runs:
        first = next(iter(r.headline.items()), None)
        fig = f"{first[0]}={first[1]['value']}" if first else ""
        console.print(f"{r.run_id:36s} {r.suite:13s} {r.seconds:7.1f} s  {(r.git_commit or '–')[:12]}  {fig}")


@app.command("show")
def show(
    ctx: typer.Context,
    run: str = typer.Argument(..., help="运行编号（或 latest、latest:SUITE）"),
    as_json: bool = JSON,
) -> None:
    """一次运行的配置、数据指纹与主要指标。"""
    data = uc.show_eval_run(use_ctx(ctx), run)
    if as_json:
        print_json(data)
        return
    cfg = data["config"]
    console.print(
        f"[bold]{data['run_id']}[/]  {cfg['suite']}  {cfg.get('started_at', '')}  {cfg.get('seconds')} s"
    )
    console.print(f"git {cfg.get('git_commit') or '–'}")
    for name, d in cfg.get("datasets", {}).items():
        console.print(f"  数据 {name}: {d['path']}  sha256 {d['sha256'][:16]}…")
    _print_headline(data["metrics"].get("headline", {}))
    console.print(f"报告：{data['report']}")


@app.command("compare")
def compare(
    ctx: typer.Context,
    run_a: str = typer.Argument(..., help="基准运行"),
    run_b: str = typer.Argument(..., help="新的运行"),
    as_json: bool = JSON,
) -> None:
    """两次运行的差（B − A）、差的区间，以及哪些变化超出了噪声。"""
    from evals.report import fmt

    result = uc.compare_eval_runs(use_ctx(ctx), run_a, run_b)
    if as_json:
        print_json(result)
        return
    console.print(
        f"{result['suite']}: {result['a']} → {result['b']}  "
        + ("同一数据，配对自助法" if result["same_data"] else "数据不同，只比较区间是否重叠")
    )
    colour = {"better": "green", "worse": "red"}
    for r in result["rows"]:
        ci = f" [{fmt(r['delta_ci'][0])}, {fmt(r['delta_ci'][1])}]" if r.get("delta_ci") else ""
        tag = r["verdict"]
        console.print(
            f"  {r['metric']:42s} {fmt(r['a'])} → {fmt(r['b'])}  Δ {r['delta']:+.4f}{ci}  "
            f"[{colour.get(tag, 'dim')}]{tag}[/]"
        )


@app.command("risk")
def risk(
    ctx: typer.Context,
    test: Path | None = typer.Option(
        None,
        "--test",
        help='风险标注 JSONL（默认 evals/data/risk_eval.jsonl；每行 {"id", "text", "risk": [...]}，空列表表示普通回答）',
    ),
    limit: int | None = LIMIT,
    resamples: int = RESAMPLES,
    as_json: bool = JSON,
) -> None:
    """风险提示评测：有风险的回答被提示的比例（召回）、各类召回与精确率、普通回答的误报率（95% 区间）。"""
    run = uc.run_eval(use_ctx(ctx), "risk", test=test, limit=limit, resamples=resamples)
    m = run.result.metrics
    extra = {
        "n": m["n"],
        "recall": m["recall"]["value"],
        "recall_ci": m["recall"]["ci"],
        "precision": m["precision"]["value"],
        "precision_ci": m["precision"]["ci"],
        "false_alarm_rate": m["false_alarm_rate"]["value"],
        "false_alarm_rate_ci": m["false_alarm_rate"]["ci"],
        "per_kind": {
            k: {
                "recall": b["recall"]["value"],
                "recall_ci": b["recall"]["ci"],
                "precision": b["precision"]["value"],
                "precision_ci": b["precision"]["ci"],
                "n": b["recall"]["n"],
            }
            for k, b in m["per_kind"].items()
        },
        "targets_met": m["targets_met"],
    }
    _finish(run, as_json, extra)
