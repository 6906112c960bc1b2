"""The retrieval suite: BM25, dense and hybrid side by side on every gold file, with per-query misses.

recall@k is the share of queries with a relevant clause in the top k (as in evals/retrieval.py); MRR and
nDCG@10 as usual. Each figure has a 95% bootstrap interval over queries, so a difference between methods on 60
queries can be read for what it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.search import Method
from evals import plots
from evals.common import bundled
from evals.results import SuiteResult, Table, headline
from evals.retrieval import evaluate_retrieval
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from evals.suite import Description, Metrics, Suite
from fuqing.config import Settings

METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")
KS = tuple(range(1, 11))
SCORED = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
HEADLINE = ("recall@1", "recall@5", "mrr", "ndcg@10")

Queries = list[dict[str, Any]]
"""Per query, as evaluate_retrieval reports it: the query, relevant clauses, ranking and first hit."""


@dataclass
class QuerySet:
    """One gold file's queries as each method ranked them."""

    name: str  # the gold file's stem
    by_method: dict[str, Queries]


@dataclass
class RetrievalData:
    files: list[Path]
    corpus: Any


def per_query_values(q: dict[str, Any]) -> dict[str, float]:
    rank = q["first_hit_rank"]
    relevant = set(q["relevant"])
    dcg = sum(1.0 / math.log2(i + 2) for i, cid in enumerate(q["ranked"][:10]) if cid in relevant)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out = {f"recall@{k}": float(rank is not None and rank <= k) for k in KS}
    out["mrr"] = 1.0 / rank if rank else 0.0
    out["ndcg@10"] = dcg / idcg if idcg else 0.0
    return out


def is_miss(q: dict[str, Any], k: int) -> bool:
    return q["first_hit_rank"] is None or q["first_hit_rank"] > k


def method_scores(queries: Queries, k: int, resamples: int) -> dict[str, Any]:
    """One method on one query set: each figure with its interval over queries, the curve and the misses."""
    values = [per_query_values(q) for q in queries]
    m = {key: bootstrap_metric([v[key] for v in values], resamples=resamples) for key in SCORED}
    return {
        "n": len(queries),
        **m,
        "recall_curve": [round(sum(v[f"recall@{cut}"] for v in values) / len(values), 4) for cut in KS],
        "misses": [
            {
                "query": q["query"],
                "relevant": q["relevant"],
                "top": q["ranked"][:k],
                "rank": q["first_hit_rank"],
            }
            for q in queries
            if is_miss(q, k)
        ],
    }


def methods_table(outputs: list[QuerySet], sets: dict[str, dict[str, Any]]) -> Table:
    rows = [
        [qs.name, method, m["n"]]
        + [m[key]["value"] for key in SCORED]
        + [m["recall@5"]["ci"], m["mrr"]["ci"]]
        for qs in outputs
        for method, m in sets[qs.name].items()
    ]
    columns = ["set", "method", "n", "recall@1", "recall@5", "recall@10", "MRR", "nDCG@10"]
    return Table("各方法并列", columns + ["recall@5 95% CI", "MRR 95% CI"], rows)


def prediction_rows(outputs: list[QuerySet]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{qs.name}:{q['query']}",
            "set": qs.name,
            "method": method,
            "query": q["query"],
            "relevant": q["relevant"],
            "ranked": q["ranked"],
            "first_hit_rank": q["first_hit_rank"],
            "ndcg@10": round(per_query_values(q)["ndcg@10"], 4),
        }
        for qs in outputs
        for method, queries in qs.by_method.items()
        for q in queries
    ]


@dataclass
class RetrievalSuite(Suite[RetrievalData, list[QuerySet]]):
    """Outputs: per gold file, per method, the ranking of every query."""

    gold: list[Path] | None = None
    methods: tuple[Method, ...] = METHODS
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES
    corpus: Any = None
    k: int = 5

    name = "retrieval"

    @property
    def gold_files(self) -> list[Path]:
        return [
            Path(g)
            for g in (self.gold or [bundled("retrieval_gold.jsonl"), bundled("retrieval_heldout.jsonl")])
        ]

    def config(self) -> dict[str, Any]:
        return {"methods": list(self.methods), "limit": self.limit, "resamples": self.resamples, "k": self.k}

    def datasets(self) -> dict[str, Path]:
        return {f.stem: f for f in self.gold_files}

    def load(self, settings: Settings) -> RetrievalData:
        from corpus.service import Corpus

        return RetrievalData(self.gold_files, self.corpus or Corpus.open(settings))

    def predict(self, data: RetrievalData) -> list[QuerySet]:
        return [
            QuerySet(file.stem, {method: self.ranked(data.corpus, file, method) for method in self.methods})
            for file in data.files
        ]

    def ranked(self, corpus: Any, file: Path, method: Method) -> Queries:
        return evaluate_retrieval(corpus, file, k=10, method=method, limit=self.limit)["per_query"]

    def score(self, data: RetrievalData, outputs: list[QuerySet]) -> Metrics:
        sets = {
            qs.name: {
                method: method_scores(queries, self.k, self.resamples)
                for method, queries in qs.by_method.items()
            }
            for qs in outputs
        }
        head = {
            f"{set_name}.{method}.{key}": headline(m[key]["value"], m[key]["ci"])
            for set_name, block in sets.items()
            for method, m in block.items()
            for key in HEADLINE
        }
        docs = data.corpus.documents()
        return {
            "headline": head,
            "sets": sets,
            "methods": list(self.methods),
            "corpus": {"documents": len(docs), "units": sum(len(d.units) for d in docs)},
        }

    def describe(self, data: RetrievalData, outputs: list[QuerySet], metrics: Metrics) -> Description:
        shown = [m for m in self.methods if m == "hybrid" or len(self.methods) == 1]
        misses = [
            [
                qs.name,
                method,
                q["query"],
                ", ".join(q["relevant"]),
                ", ".join(q["ranked"][:3]),
                q["first_hit_rank"],
            ]
            for qs in outputs
            for method in shown
            for q in qs.by_method[method]
            if is_miss(q, self.k)
        ]
        tables = [
            methods_table(outputs, metrics["sets"]),
            Table(
                "未命中（前 5 名内没有相关条款）",
                ["set", "method", "query", "relevant", "top 3", "rank"],
                misses,
            ),
        ]
        figs = {
            f"recall_at_k_{set_name}": plots.curves(
                KS,
                {method: m["recall_curve"] for method, m in block.items()},
                title=f"recall@k, {set_name} ({block[self.methods[0]]['n']} queries)",
                xlabel="k",
                ylabel="recall@k",
            )
            for set_name, block in metrics["sets"].items()
        }
        corpus = metrics["corpus"]
        notes = [
            f"语料库 {corpus['documents']} 份文档、{corpus['units']} 个条款；查询集："
            + "、".join(f.name for f in data.files)
            + "。recall@k：前 k 名中至少有一个相关条款的查询比例。"
        ]
        return Description(prediction_rows(outputs), tables, figs, notes)


def run_retrieval(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`RetrievalSuite`)."""
    return RetrievalSuite(**options).run(settings)
