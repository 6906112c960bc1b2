"""Comparing two runs of a suite: every headline figure's change, with an interval, and whether it exceeds noise.

When both runs scored the same data (same dataset sha256s) and the suite keeps per-sample outcomes, the change
is measured by a paired bootstrap over those samples (both runs judged on the same resampled responses or
queries). Otherwise each run's own 95% interval is all there is: the change's interval is approximated by adding
the half-widths in quadrature, and a change counts as beyond noise only when the two intervals do not overlap
(conservative).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from evals.common import family_columns, label_matrix_of
from evals.runs import load_predictions, load_run, run_dir
from evals.stats import multilabel_counts, multilabel_scores, paired_delta
from fuqing.config import Settings
from fuqing.errors import InputError

Metric = Callable[[np.ndarray], np.ndarray]


def _classify_metrics(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Metric]:
    """Per-sample paired metrics of the classify suite: for each system present in both runs."""
    by_id = {p["id"]: p for p in b}
    pairs = [(p, by_id[p["id"]]) for p in a if p["id"] in by_id]
    if not pairs or len(pairs) != len(a):
        return {}
    Y = label_matrix_of([p["gold"] for p, _ in pairs])
    fams = family_columns()
    out: dict[str, Metric] = {}
    for system in ("model", "keywords", "llm"):
        if system not in pairs[0][0] or system not in pairs[0][1]:
            continue
        Pa = label_matrix_of([p[system] for p, _ in pairs])
        Pb = label_matrix_of([q[system] for _, q in pairs])

        def score(P: np.ndarray, W: np.ndarray, cols: list[int], key: str) -> np.ndarray:
            if key == "exact_match":
                c = multilabel_counts(Y, P, W)
                return c["exact"] / c["n"]
            return multilabel_scores(multilabel_counts(Y, P, W), cols)[key]

        every = list(range(Y.shape[1]))
        specs = {f"{system}.micro_f1": (every, "micro_f1"), f"{system}.exact_match": (every, "exact_match")}
        specs |= {f"{system}.{fam}.macro_f1": (cols, "macro_f1") for fam, cols in fams.items()}
        for name, (cols, key) in specs.items():
            out[name] = lambda W, Pa=Pa, Pb=Pb, cols=cols, key=key: (
                score(Pb, W, cols, key) - score(Pa, W, cols, key)
            )
    return out


def _retrieval_metrics(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Metric]:
    def values(p: dict[str, Any]) -> dict[str, float]:
        rank = p["first_hit_rank"]
        return {
            "recall@1": float(rank is not None and rank <= 1),
            "recall@5": float(rank is not None and rank <= 5),
            "mrr": 1.0 / rank if rank else 0.0,
            "ndcg@10": float(p.get("ndcg@10", 0.0)),
        }

    groups: dict[tuple[str, str], list[tuple[dict[str, float], dict[str, float]]]] = {}
    by_key = {(p["set"], p["method"], p["query"]): p for p in b}
    for p in a:
        q = by_key.get((p["set"], p["method"], p["query"]))
        if q is None:
            return {}
        groups.setdefault((p["set"], p["method"]), []).append((values(p), values(q)))
    out: dict[str, Metric] = {}
    for (set_name, method), rows in groups.items():
        for key in ("recall@1", "recall@5", "mrr", "ndcg@10"):
            diff = np.array([vb[key] - va[key] for va, vb in rows])
            out[f"{set_name}.{method}.{key}"] = lambda W, diff=diff: W @ diff / diff.size
    return out


PAIRED = {"classify": _classify_metrics, "retrieval": _retrieval_metrics}


def _sizes(metric_name: str, suite: str, preds: list[dict[str, Any]]) -> int:
    if suite == "retrieval":
        set_name, method = metric_name.split(".")[:2]
        return sum(1 for p in preds if p["set"] == set_name and p["method"] == method)
    return len(preds)


def _change_interval(
    delta: float, va: dict[str, Any], vb: dict[str, Any], paired: tuple[Metric, int] | None
) -> dict[str, Any]:
    """The change's interval and whether it exceeds noise, by the best method the two runs allow."""
    if paired is not None:
        res = paired_delta(*paired)
        return {"delta_ci": res["ci"], "method": "paired bootstrap", "exceeds_noise": res["exceeds_noise"]}
    if va.get("ci") and vb.get("ci"):
        (la, ua), (lb, ub) = va["ci"], vb["ci"]
        half = (
            (ua - la) ** 2 + (ub - lb) ** 2
        ) ** 0.5 / 2  # independent samples: half-widths add in quadrature
        return {
            "delta_ci": [round(delta - half, 4), round(delta + half, 4)],
            "method": "interval overlap",
            "exceeds_noise": bool(lb > ua or la > ub),
        }
    return {"delta_ci": None, "method": "no interval", "exceeds_noise": None}


def _change_row(
    name: str, va: dict[str, Any], vb: dict[str, Any], paired: tuple[Metric, int] | None
) -> dict[str, Any]:
    delta = round(vb["value"] - va["value"], 4)
    row: dict[str, Any] = {
        "metric": name,
        "a": va["value"],
        "b": vb["value"],
        "delta": delta,
        "higher_is_better": va.get("higher_is_better", True),
    }
    row |= _change_interval(delta, va, vb, paired)
    if row["exceeds_noise"]:
        better = (delta > 0) == row["higher_is_better"]
        row["verdict"] = "better" if better else "worse"
    else:
        row["verdict"] = "within noise" if row["exceeds_noise"] is False else "unknown"
    return row


def compare_runs(settings: Settings, run_a: str, run_b: str) -> dict[str, Any]:
    """B − A for every headline figure both runs report."""
    a, b = load_run(settings, run_a), load_run(settings, run_b)
    suite = a["config"]["suite"]
    if suite != b["config"]["suite"]:
        raise InputError(
            f"{a['run_id']} 是 {suite} 评测，{b['run_id']} 是 {b['config']['suite']} 评测，无法比较。",
            hint="比较同一套评测的两次运行（`fuqing eval list --suite SUITE`）。",
        )
    shas = lambda r: {k: v["sha256"] for k, v in r["config"].get("datasets", {}).items()}  # noqa: E731
    same_data = shas(a) == shas(b)
    paired: dict[str, Metric] = {}
    preds_a: list[dict[str, Any]] = []
    if same_data and suite in PAIRED:
        preds_a = load_predictions(run_dir(settings, a["run_id"]))
        preds_b = load_predictions(run_dir(settings, b["run_id"]))
        paired = PAIRED[suite](preds_a, preds_b)
    rows = []
    ha, hb = a["metrics"].get("headline", {}), b["metrics"].get("headline", {})
    for name in [n for n in ha if n in hb]:
        if ha[name].get("value") is None or hb[name].get("value") is None:
            continue
        pair = (paired[name], _sizes(name, suite, preds_a)) if name in paired else None
        rows.append(_change_row(name, ha[name], hb[name], pair))
    return {
        "suite": suite,
        "a": a["run_id"],
        "b": b["run_id"],
        "same_data": same_data,
        "commits": [a["config"].get("git_commit"), b["config"].get("git_commit")],
        "rows": rows,
    }
