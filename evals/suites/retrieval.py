"""The retrieval suite: BM25, dense and hybrid side by side on every gold file, with per-query misses.

recall@k is the share of queries with a relevant clause in the top k (as in evals/retrieval.py); MRR and
nDCG@10 as usual. Each figure has a 95% bootstrap interval over queries, so a difference between methods on 60
queries can be read for what it is.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled, one_blas_thread
from evals.retrieval import evaluate_retrieval
from evals.runs import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from fuqing.config import Settings

METHODS = ("bm25", "dense", "hybrid")
KS = tuple(range(1, 11))


def per_query_values(q: dict[str, Any]) -> dict[str, float]:
    rank = q["first_hit_rank"]
    relevant = set(q["relevant"])
    dcg = sum(1.0 / math.log2(i + 2) for i, cid in enumerate(q["ranked"][:10]) if cid in relevant)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out = {f"recall@{k}": float(rank is not None and rank <= k) for k in KS}
    out["mrr"] = 1.0 / rank if rank else 0.0
    out["ndcg@10"] = dcg / idcg if idcg else 0.0
    return out


@one_blas_thread
def run_retrieval(
    settings: Settings,
    *,
    gold: list[Path] | None = None,
    methods: tuple[str, ...] = METHODS,
    limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    corpus: Any = None,
    k: int = 5,
) -> SuiteResult:
    started = time.perf_counter()
    from corpus.service import Corpus

    files = [Path(g) for g in (gold or [bundled("retrieval_gold.jsonl"), bundled("retrieval_heldout.jsonl")])]
    corpus = corpus or Corpus.open(settings)
    sets: dict[str, Any] = {}
    predictions: list[dict[str, Any]] = []
    head: dict[str, Any] = {}
    rows: list[list[Any]] = []
    miss_rows: list[list[Any]] = []
    figs: dict[str, bytes] = {}
    for file in files:
        set_name = file.stem
        block: dict[str, Any] = {}
        curves: dict[str, list[float]] = {}
        for method in methods:
            res = evaluate_retrieval(corpus, file, k=10, method=method, limit=limit)  # type: ignore[arg-type]
            queries = res["per_query"]
            values = [per_query_values(q) for q in queries]
            m = {
                key: bootstrap_metric([v[key] for v in values], resamples=resamples)
                for key in ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
            }
            misses = [q for q in queries if q["first_hit_rank"] is None or q["first_hit_rank"] > k]
            block[method] = {
                "n": len(queries),
                **m,
                "recall_curve": [round(sum(v[f"recall@{k}"] for v in values) / len(values), 4) for k in KS],
                "misses": [
                    {
                        "query": q["query"],
                        "relevant": q["relevant"],
                        "top": q["ranked"][:k],
                        "rank": q["first_hit_rank"],
                    }
                    for q in misses
                ],
            }
            curves[method] = block[method]["recall_curve"]
            for key in ("recall@1", "recall@5", "mrr", "ndcg@10"):
                head[f"{set_name}.{method}.{key}"] = headline(m[key]["value"], m[key]["ci"])
            rows.append(
                [set_name, method, len(queries)]
                + [m[key]["value"] for key in ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")]
                + [m["recall@5"]["ci"], m["mrr"]["ci"]]
            )
            for q, v in zip(queries, values, strict=True):
                predictions.append(
                    {
                        "id": f"{set_name}:{q['query']}",
                        "set": set_name,
                        "method": method,
                        "query": q["query"],
                        "relevant": q["relevant"],
                        "ranked": q["ranked"],
                        "first_hit_rank": q["first_hit_rank"],
                        "ndcg@10": round(v["ndcg@10"], 4),
                    }
                )
            if method == "hybrid" or len(methods) == 1:
                miss_rows += [
                    [
                        set_name,
                        method,
                        q["query"],
                        ", ".join(q["relevant"]),
                        ", ".join(q["ranked"][:3]),
                        q["first_hit_rank"],
                    ]
                    for q in misses
                ]
        sets[set_name] = block
        figs[f"recall_at_k_{set_name}"] = plots.curves(
            KS,
            curves,
            title=f"recall@k, {set_name} ({block[methods[0]]['n']} queries)",
            xlabel="k",
            ylabel="recall@k",
        )
    docs = corpus.documents()
    metrics = {
        "headline": head,
        "sets": sets,
        "methods": list(methods),
        "corpus": {"documents": len(docs), "units": sum(len(d.units) for d in docs)},
    }
    return SuiteResult(
        "retrieval",
        {"methods": list(methods), "limit": limit, "resamples": resamples, "k": k},
        {f.stem: f for f in files},
        metrics,
        predictions,
        [
            Table(
                "各方法并列",
                [
                    "set",
                    "method",
                    "n",
                    "recall@1",
                    "recall@5",
                    "recall@10",
                    "MRR",
                    "nDCG@10",
                    "recall@5 95% CI",
                    "MRR 95% CI",
                ],
                rows,
            ),
            Table(
                "未命中（前 5 名内没有相关条款）",
                ["set", "method", "query", "relevant", "top 3", "rank"],
                miss_rows,
            ),
        ],
        figs,
        [
            f"语料库 {len(docs)} 份文档、{metrics['corpus']['units']} 个条款；查询集："
            + "、".join(f.name for f in files)
            + "。recall@k：前 k 名中至少有一个相关条款的查询比例。"
        ],
        time.perf_counter() - started,
    )
