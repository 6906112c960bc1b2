"""Retrieval evaluation: recall@k, MRR and nDCG against a gold file, for any retrieval method."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from corpus.search import Method
from corpus.service import Corpus
from evals.gold import read_retrieval_gold
from fuqing.errors import InputError, NotFound


def evaluate_retrieval(
    corpus: Corpus, gold: Path, k: int = 5, method: Method = "hybrid", limit: int | None = None
) -> dict[str, Any]:
    """Run every gold query (or the first ``limit``); relevant ids may use a doc alias (妇女权益保障法#20)."""
    cases = read_retrieval_gold(gold)[:limit] if limit else read_retrieval_gold(gold)
    depth = max(k, 10)
    recall_at = {1: 0.0, 5: 0.0, 10: 0.0, k: 0.0}
    rr_total = ndcg_total = 0.0
    misses = []
    per_query = []
    for case in cases:
        try:
            relevant = {corpus.resolve_clause_id(r) for r in case.relevant}
        except NotFound as exc:
            raise InputError(f"{Path(gold).name} 第 {case.line} 行：{exc.message}", hint=exc.hint) from exc
        hits = corpus.search(case.query, k=depth, method=method)
        ranked = [h.clause_id for h in hits]
        first = next((i for i, cid in enumerate(ranked) if cid in relevant), None)
        for cut in recall_at:
            recall_at[cut] += 1.0 if first is not None and first < cut else 0.0
        rr_total += 1.0 / (first + 1) if first is not None else 0.0
        dcg = sum(1.0 / math.log2(i + 2) for i, cid in enumerate(ranked[:10]) if cid in relevant)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
        ndcg_total += dcg / idcg if idcg else 0.0
        per_query.append(
            {
                "query": case.query,
                "relevant": sorted(relevant),
                "ranked": ranked,
                "first_hit_rank": None if first is None else first + 1,
            }
        )
        if first is None or first >= k:
            misses.append(
                {
                    "query": case.query,
                    "relevant": sorted(relevant),
                    "top": ranked[:k],
                    "rank": None if first is None else first + 1,
                }
            )
    n = len(cases)
    out: dict[str, Any] = {
        "n": n,
        "method": method,
        "k": k,
        "recall@1": round(recall_at[1] / n, 4),
        "recall@5": round(recall_at[5] / n, 4),
        "recall@10": round(recall_at[10] / n, 4),
        "mrr": round(rr_total / n, 4),
        "ndcg@10": round(ndcg_total / n, 4),
        "misses": misses,
    }
    if k not in (1, 5, 10):
        out[f"recall@{k}"] = round(recall_at[k] / n, 4)
    out["per_query"] = per_query
    return out
